package bot

import (
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
