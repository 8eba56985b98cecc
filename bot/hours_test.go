package bot

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseClock(t *testing.T) {
	cases := []struct {
		in      string
		want    int
		wantErr string
	}{
		{"00:00", 0, ""},
		{"09:00", 540, ""},
		{"9:30", 570, ""},
		{"18.45", 1125, ""},
		{"23:59", 1439, ""},
		{"24:00", 1440, ""},
		{"24:01", 0, "out of range"},
		{"25:00", 0, "out of range"},
		{"12:60", 0, "out of range"},
		{"9", 0, "HH:MM"},
		{"09:0", 0, "HH:MM"},
		{"ab:cd", 0, "HH:MM"},
		{"", 0, "HH:MM"},
		{"-1:00", 0, "HH:MM"},
	}
	for _, c := range cases {
		got, err := ParseClock(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseClock(%q) error = %v, want one containing %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestParseWindow(t *testing.T) {
	cases := []struct {
		in      string
		want    Window
		wantErr string
	}{
		{"09:00-13:00", Window{540, 780}, ""},
		{"22:00-02:00", Window{1320, 120}, ""},
		{"09:00-24:00", Window{540, 1440}, ""},
		{"22:00-00:00", Window{1320, 1440}, ""},
		{"00:00-24:00", Window{0, 1440}, ""},
		{"9:00–13:00", Window{540, 780}, ""}, // en dash
		{"09:00-09:00", Window{}, "same time"},
		{"00:00-00:00", Window{}, "same time"},
		{"24:00-02:00", Window{}, "starts at 24:00"},
		{"09:00", Window{}, "START-END"},
		{"09:00-25:00", Window{}, "end"},
		{"x-13:00", Window{}, "start"},
	}
	for _, c := range cases {
		got, err := ParseWindow(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseWindow(%q) error = %v, want one containing %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseWindow(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if c.in == "09:00-13:00" || c.in == "22:00-02:00" || c.in == "09:00-24:00" {
			if back := FormatWindow(got); back != c.in {
				t.Errorf("FormatWindow(%v) = %q, want %q", got, back, c.in)
			}
		}
	}
}

func TestParseDays(t *testing.T) {
	const (
		su = time.Sunday
		mo = time.Monday
		tu = time.Tuesday
		we = time.Wednesday
		th = time.Thursday
		fr = time.Friday
		sa = time.Saturday
	)
	cases := []struct {
		in      string
		want    []time.Weekday
		wantErr string
	}{
		{"mon-fri", []time.Weekday{mo, tu, we, th, fr}, ""},
		{"sat", []time.Weekday{sa}, ""},
		{"SUN", []time.Weekday{su}, ""},
		{"mon,wed,fri", []time.Weekday{mo, we, fr}, ""},
		{"fri-mon", []time.Weekday{mo, fr, sa, su}, ""},
		{"daily", []time.Weekday{mo, tu, we, th, fr, sa, su}, ""},
		{"Everyday", []time.Weekday{mo, tu, we, th, fr, sa, su}, ""},
		{"weekdays", []time.Weekday{mo, tu, we, th, fr}, ""},
		{"weekend", []time.Weekday{sa, su}, ""},
		{"lun-ven", []time.Weekday{mo, tu, we, th, fr}, ""},
		{"sab,dom", []time.Weekday{sa, su}, ""},
		{"mar", []time.Weekday{tu}, ""},
		{"Lunedì", []time.Weekday{mo}, ""},
		{"Monday-Wednesday", []time.Weekday{mo, tu, we}, ""},
		{"thurs", []time.Weekday{th}, ""},
		{"mon,mon-tue", []time.Weekday{mo, tu}, ""},
		{"mon-mon", []time.Weekday{mo}, ""},
		{"funday", nil, `"funday" is not a day`},
		{"mon-xyz", nil, `"xyz" is not a day`},
		{"", nil, "no days"},
		{",", nil, "no days"},
	}
	for _, c := range cases {
		got, err := ParseDays(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "mon-fri") {
				t.Errorf("ParseDays(%q) error = %v, want one containing %q and the valid forms", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseDays(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestParseHoursArgs(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		wantDays int
		want     []Window
		wantErr  string
	}{
		{"split shift", []string{"mon-fri", "09:00-13:00", "14:00-18:00"}, 5, []Window{{540, 780}, {840, 1080}}, ""},
		{"closed", []string{"sun", "closed"}, 1, nil, ""},
		{"chiuso", []string{"dom", "Chiuso"}, 1, nil, ""},
		{"sorted", []string{"sat", "14:00-18:00", "09:00-13:00"}, 1, []Window{{540, 780}, {840, 1080}}, ""},
		{"comma windows", []string{"sat", "09:00-13:00,14:00-18:00"}, 1, []Window{{540, 780}, {840, 1080}}, ""},
		{"spaced range", []string{"mon", "-", "wed", "10:00-12:00"}, 3, []Window{{600, 720}}, ""},
		{"spaced list", []string{"mon,", "wed", "10:00-12:00"}, 2, []Window{{600, 720}}, ""},
		{"night and morning", []string{"fri", "22:00-02:00", "08:00-12:00"}, 1, []Window{{480, 720}, {1320, 120}}, ""},
		{"touching windows", []string{"mon", "13:00-14:00", "14:00-18:00"}, 1, []Window{{780, 840}, {840, 1080}}, ""},
		{"overlap", []string{"mon", "09:00-13:00", "12:00-18:00"}, 0, nil, "overlap"},
		{"overlap across midnight", []string{"mon", "22:00-02:00", "23:00-23:30"}, 0, nil, "overlap"},
		{"no days", []string{"09:00-13:00"}, 0, nil, "which days"},
		{"no hours", []string{"mon-fri"}, 0, nil, "no hours"},
		{"nothing", nil, 0, nil, "which days"},
		{"closed and window", []string{"mon", "closed", "09:00-10:00"}, 0, nil, "closed"},
		{"bad window", []string{"mon", "9-13"}, 0, nil, "HH:MM"},
		{"bad day", []string{"someday", "09:00-13:00"}, 0, nil, "not a day"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			days, wins, err := ParseHoursArgs(c.args)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(days) != c.wantDays || !reflect.DeepEqual(wins, c.want) {
				t.Errorf("got %v %v, want %d days %v", days, wins, c.wantDays, c.want)
			}
		})
	}
}

func TestFormatWeekAndSummary(t *testing.T) {
	w := weekOf(t, "mon-fri 09:00-13:00 14:00-18:00", "sat 10:00-14:00")
	wantWeek := "Mon 09:00-13:00, 14:00-18:00\nTue 09:00-13:00, 14:00-18:00\nWed 09:00-13:00, 14:00-18:00\n" +
		"Thu 09:00-13:00, 14:00-18:00\nFri 09:00-13:00, 14:00-18:00\nSat 10:00-14:00\nSun closed"
	if got := FormatWeek(w, "en"); got != wantWeek {
		t.Errorf("FormatWeek en =\n%s\nwant\n%s", got, wantWeek)
	}
	if got := FormatWeek(w, "it"); !strings.HasPrefix(got, "Lun 09:00-13:00") || !strings.HasSuffix(got, "Dom chiuso") {
		t.Errorf("FormatWeek it =\n%s", got)
	}
	if got := FormatWeek(Week{}, "en"); got != "Always open (no hours set)" {
		t.Errorf("FormatWeek unset = %q", got)
	}
	cases := []struct {
		name string
		w    Week
		lang string
		want string
	}{
		{"split week", w, "en", "Mon-Fri 09:00-13:00, 14:00-18:00; Sat 10:00-14:00"},
		{"italian", w, "it", "Lun-Ven 09:00-13:00, 14:00-18:00; Sab 10:00-14:00"},
		{"unset", Week{}, "en", "always open"},
		{"never", Week{Set: true}, "en", "closed"},
		{"non-consecutive equal days", weekOf(t, "mon,wed,fri 09:00-12:00", "tue 15:00-19:00"), "en", "Mon, Wed, Fri 09:00-12:00; Tue 15:00-19:00"},
		{"runs with a gap", weekOf(t, "mon-tue 09:00-18:00", "thu-sun 09:00-18:00"), "en", "Mon-Tue, Thu-Sun 09:00-18:00"},
		{"night", weekOf(t, "fri-sat 22:00-02:00"), "en", "Fri-Sat 22:00-02:00"},
		{"unsorted windows", Week{Set: true, Days: [7][]Window{time.Monday: {{840, 1080}, {540, 780}}}}, "en", "Mon 09:00-13:00, 14:00-18:00"},
	}
	for _, c := range cases {
		if got := HoursSummary(c.w, c.lang); got != c.want {
			t.Errorf("%s: HoursSummary = %q, want %q", c.name, got, c.want)
		}
	}
}
