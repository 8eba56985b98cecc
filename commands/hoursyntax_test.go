package commands

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

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
		{"lun-vie", []time.Weekday{mo, tu, we, th, fr}, ""},
		{"Miércoles", []time.Weekday{we}, ""},
		{"seg-sex", []time.Weekday{mo, tu, we, th, fr}, ""},
		{"sábado,domingo", []time.Weekday{sa, su}, ""},
		{"Mo-Fr", []time.Weekday{mo, tu, we, th, fr}, ""},
		{"Sa,So", []time.Weekday{sa, su}, ""},
		{"lundi-vendredi", []time.Weekday{mo, tu, we, th, fr}, ""},
		{"sam,dim", []time.Weekday{sa, su}, ""},
		{"täglich", []time.Weekday{mo, tu, we, th, fr, sa, su}, ""},
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
		want     []bot.Window
		wantErr  string
	}{
		{"split shift", []string{"mon-fri", "09:00-13:00", "14:00-18:00"}, 5, []bot.Window{{Start: 540, End: 780}, {Start: 840, End: 1080}}, ""},
		{"closed", []string{"sun", "closed"}, 1, nil, ""},
		{"chiuso", []string{"dom", "Chiuso"}, 1, nil, ""},
		{"sorted", []string{"sat", "14:00-18:00", "09:00-13:00"}, 1, []bot.Window{{Start: 540, End: 780}, {Start: 840, End: 1080}}, ""},
		{"comma windows", []string{"sat", "09:00-13:00,14:00-18:00"}, 1, []bot.Window{{Start: 540, End: 780}, {Start: 840, End: 1080}}, ""},
		{"spaced range", []string{"mon", "-", "wed", "10:00-12:00"}, 3, []bot.Window{{Start: 600, End: 720}}, ""},
		{"spaced list", []string{"mon,", "wed", "10:00-12:00"}, 2, []bot.Window{{Start: 600, End: 720}}, ""},
		{"night and morning", []string{"fri", "22:00-02:00", "08:00-12:00"}, 1, []bot.Window{{Start: 480, End: 720}, {Start: 1320, End: 120}}, ""},
		{"touching windows", []string{"mon", "13:00-14:00", "14:00-18:00"}, 1, []bot.Window{{Start: 780, End: 840}, {Start: 840, End: 1080}}, ""},
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
