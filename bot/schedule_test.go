package bot

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// at parses "2006-01-02 15:04" in loc.
func tat(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

// utc parses an RFC 3339 instant, for moments that are ambiguous or missing
// as wall-clock times around DST changes.
func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

// weekOf builds a Week from `!hours`-like lines: "mon-fri 09:00-13:00 14:00-18:00".
func weekOf(t testing.TB, lines ...string) Week {
	t.Helper()
	w := Week{Set: true}
	for _, l := range lines {
		days, wins, err := testHours(splitFields(l))
		if err != nil {
			t.Fatalf("hours %q: %v", l, err)
		}
		for _, d := range days {
			w.Days[d] = wins
		}
	}
	return w
}

func splitFields(s string) []string {
	var out []string
	cur := ""
	for _, r := range s + " " {
		if r == ' ' {
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
			continue
		}
		cur += string(r)
	}
	return out
}

func sched(t testing.TB, zone string, w Week, hols ...Holiday) Schedule {
	t.Helper()
	s, err := NewSchedule(Config{TimeZone: zone, Hours: w, Holidays: hols}, time.UTC)
	if err != nil {
		t.Fatalf("NewSchedule: %v", err)
	}
	return s
}

func TestNewScheduleZone(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	s, err := NewSchedule(Config{}, ny)
	if err != nil || s.Loc != ny {
		t.Errorf("empty zone: got %v, %v; want host zone", s.Loc, err)
	}
	s, err = NewSchedule(Config{TimeZone: "Europe/Rome"}, ny)
	if err != nil || s.Loc.String() != "Europe/Rome" {
		t.Errorf("Europe/Rome: got %v, %v", s.Loc, err)
	}
	if _, err := NewSchedule(Config{TimeZone: "Mars/Olympus"}, ny); err == nil {
		t.Error("bad zone: no error")
	}
	s, err = NewSchedule(Config{}, nil)
	if err != nil || s.Loc != time.UTC {
		t.Errorf("nil host: got %v, %v; want UTC", s.Loc, err)
	}
}

// The week of 2026-11-23 (Monday) .. 2026-11-29 (Sunday), Europe/Rome.
func TestScheduleSplitShift(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	s := sched(t, "Europe/Rome", weekOf(t, "mon-fri 09:00-13:00 14:00-18:00", "sat 10:00-14:00"))
	tm := func(v string) time.Time { return tat(t, rome, v) }
	cases := []struct {
		name       string
		at         string
		open       bool
		period     string // PeriodStart
		change     string // NextChange
		nextOpen   string
		wantNoNext bool
	}{
		{"before opening", "2026-11-23 08:59", false, "2026-11-21 14:00", "2026-11-23 09:00", "2026-11-23 09:00", false},
		{"at opening", "2026-11-23 09:00", true, "2026-11-23 09:00", "2026-11-23 13:00", "2026-11-23 14:00", false},
		{"morning", "2026-11-23 12:59", true, "2026-11-23 09:00", "2026-11-23 13:00", "2026-11-23 14:00", false},
		{"lunch break starts", "2026-11-23 13:00", false, "2026-11-23 13:00", "2026-11-23 14:00", "2026-11-23 14:00", false},
		{"lunch break", "2026-11-23 13:30", false, "2026-11-23 13:00", "2026-11-23 14:00", "2026-11-23 14:00", false},
		{"afternoon", "2026-11-23 14:00", true, "2026-11-23 14:00", "2026-11-23 18:00", "2026-11-24 09:00", false},
		{"evening", "2026-11-25 21:00", false, "2026-11-25 18:00", "2026-11-26 09:00", "2026-11-26 09:00", false},
		{"friday evening", "2026-11-27 19:30", false, "2026-11-27 18:00", "2026-11-28 10:00", "2026-11-28 10:00", false},
		{"saturday", "2026-11-28 11:00", true, "2026-11-28 10:00", "2026-11-28 14:00", "2026-11-30 09:00", false},
		{"sunday", "2026-11-29 12:00", false, "2026-11-28 14:00", "2026-11-30 09:00", "2026-11-30 09:00", false},
		{"monday before opening", "2026-11-30 08:00", false, "2026-11-28 14:00", "2026-11-30 09:00", "2026-11-30 09:00", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := tm(c.at)
			if got := s.IsOpen(now); got != c.open {
				t.Errorf("IsOpen = %v, want %v", got, c.open)
			}
			if got := s.PeriodStart(now); !got.Equal(tm(c.period)) {
				t.Errorf("PeriodStart = %v, want %v", got.In(rome), c.period)
			}
			if got, ok := s.NextChange(now); !ok || !got.Equal(tm(c.change)) {
				t.Errorf("NextChange = %v %v, want %v", got.In(rome), ok, c.change)
			}
			if got, ok := s.NextOpen(now); !ok || !got.Equal(tm(c.nextOpen)) {
				t.Errorf("NextOpen = %v %v, want %v", got.In(rome), ok, c.nextOpen)
			}
		})
	}
}

// stretchCase checks the four queries at one instant; empty strings mean
// "zero / not ok".
type stretchCase struct {
	name     string
	at       string
	open     bool
	period   string
	change   string
	nextOpen string
}

func runStretchCases(t *testing.T, s Schedule, loc *time.Location, cases []stretchCase) {
	t.Helper()
	parse := func(v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		if len(v) > 16 { // RFC 3339
			return utc(t, v)
		}
		return tat(t, loc, v)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := parse(c.at)
			if got := s.IsOpen(now); got != c.open {
				t.Errorf("IsOpen(%v) = %v, want %v", now.In(loc), got, c.open)
			}
			if got, want := s.PeriodStart(now), parse(c.period); !got.Equal(want) {
				t.Errorf("PeriodStart = %v, want %v", got.In(loc), want.In(loc))
			}
			got, ok := s.NextChange(now)
			if want := parse(c.change); ok != !want.IsZero() || !got.Equal(want) {
				t.Errorf("NextChange = %v %v, want %v", got.In(loc), ok, want.In(loc))
			}
			got, ok = s.NextOpen(now)
			if want := parse(c.nextOpen); ok != !want.IsZero() || !got.Equal(want) {
				t.Errorf("NextOpen = %v %v, want %v", got.In(loc), ok, want.In(loc))
			}
		})
	}
}

func TestScheduleMerging(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	t.Run("adjacent windows are one stretch", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "mon 13:00-14:00 14:00-18:00"))
		runStretchCases(t, s, rome, []stretchCase{
			{"at the seam", "2026-11-23 14:00", true, "2026-11-23 13:00", "2026-11-23 18:00", "2026-11-30 13:00"},
			{"first part", "2026-11-23 13:30", true, "2026-11-23 13:00", "2026-11-23 18:00", "2026-11-30 13:00"},
			{"second part", "2026-11-23 15:00", true, "2026-11-23 13:00", "2026-11-23 18:00", "2026-11-30 13:00"},
			{"after", "2026-11-23 18:00", false, "2026-11-23 18:00", "2026-11-30 13:00", "2026-11-30 13:00"},
		})
	})
	t.Run("overlapping days merge across midnight", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "mon 18:00-24:00", "tue 00:00-02:00"))
		runStretchCases(t, s, rome, []stretchCase{
			{"monday evening", "2026-11-23 20:00", true, "2026-11-23 18:00", "2026-11-24 02:00", "2026-11-30 18:00"},
			{"midnight", "2026-11-24 00:00", true, "2026-11-23 18:00", "2026-11-24 02:00", "2026-11-30 18:00"},
			{"tuesday night", "2026-11-24 01:59", true, "2026-11-23 18:00", "2026-11-24 02:00", "2026-11-30 18:00"},
			{"closed after", "2026-11-24 02:00", false, "2026-11-24 02:00", "2026-11-30 18:00", "2026-11-30 18:00"},
		})
	})
	t.Run("window crossing midnight", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "fri 22:00-02:00"))
		runStretchCases(t, s, rome, []stretchCase{
			{"friday late", "2026-11-27 23:00", true, "2026-11-27 22:00", "2026-11-28 02:00", "2026-12-04 22:00"},
			{"saturday night", "2026-11-28 01:00", true, "2026-11-27 22:00", "2026-11-28 02:00", "2026-12-04 22:00"},
			{"saturday 02:00", "2026-11-28 02:00", false, "2026-11-28 02:00", "2026-12-04 22:00", "2026-12-04 22:00"},
			{"friday afternoon", "2026-11-27 15:00", false, "2026-11-21 02:00", "2026-11-27 22:00", "2026-11-27 22:00"},
		})
	})
	t.Run("window ending 24:00", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "mon 09:00-24:00"))
		runStretchCases(t, s, rome, []stretchCase{
			{"last minute", "2026-11-23 23:59", true, "2026-11-23 09:00", "2026-11-24 00:00", "2026-11-30 09:00"},
			{"midnight", "2026-11-24 00:00", false, "2026-11-24 00:00", "2026-11-30 09:00", "2026-11-30 09:00"},
		})
	})
	t.Run("daily night shift is never interrupted at midnight", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "daily 20:00-02:00 00:00-03:00"))
		runStretchCases(t, s, rome, []stretchCase{
			{"night", "2026-11-24 01:00", true, "2026-11-23 20:00", "2026-11-24 03:00", "2026-11-24 20:00"},
		})
	})
}

func TestScheduleHolidays(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	t.Run("holidays running into the weekend", func(t *testing.T) {
		// Scenario 06: Thu 24 - Sat 26 December 2026, then Sunday.
		xmas := Holiday{From: "2026-12-24", To: "2026-12-26", Name: "Christmas", Message: "Merry Christmas!"}
		s := sched(t, "Europe/Rome", weekOf(t, "mon-sat 09:00-18:00"), xmas)
		runStretchCases(t, s, rome, []stretchCase{
			{"wednesday before", "2026-12-23 10:00", true, "2026-12-23 09:00", "2026-12-23 18:00", "2026-12-28 09:00"},
			{"christmas eve in hours", "2026-12-24 11:00", false, "2026-12-23 18:00", "2026-12-28 09:00", "2026-12-28 09:00"},
			{"sunday evening", "2026-12-27 20:00", false, "2026-12-23 18:00", "2026-12-28 09:00", "2026-12-28 09:00"},
			{"monday", "2026-12-28 10:00", true, "2026-12-28 09:00", "2026-12-28 18:00", "2026-12-29 09:00"},
		})
		if h, ok := s.HolidayAt(tat(t, rome, "2026-12-25 00:00")); !ok || h.Name != "Christmas" {
			t.Errorf("HolidayAt 25 Dec = %v %v", h, ok)
		}
		if h, ok := s.HolidayAt(tat(t, rome, "2026-12-26 23:59")); !ok || h.Message != "Merry Christmas!" {
			t.Errorf("HolidayAt 26 Dec 23:59 = %v %v", h, ok)
		}
		if _, ok := s.HolidayAt(tat(t, rome, "2026-12-27 00:00")); ok {
			t.Error("HolidayAt 27 Dec: got a holiday")
		}
		if _, ok := s.HolidayAt(tat(t, rome, "2026-12-23 23:59")); ok {
			t.Error("HolidayAt 23 Dec: got a holiday")
		}
		// 23:30 UTC on the 23rd is already the 24th in Rome.
		if _, ok := s.HolidayAt(utc(t, "2026-12-23T23:30:00Z")); !ok {
			t.Error("HolidayAt 23 Dec 23:30 UTC (24 Dec in Rome): no holiday")
		}
	})
	t.Run("year end closure", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "mon-fri 09:00-18:00"),
			Holiday{From: "2026-12-24", To: "2027-01-06"})
		runStretchCases(t, s, rome, []stretchCase{
			{"new year's eve", "2026-12-31 12:00", false, "2026-12-23 18:00", "2027-01-07 09:00", "2027-01-07 09:00"},
			{"new year", "2027-01-01 00:00", false, "2026-12-23 18:00", "2027-01-07 09:00", "2027-01-07 09:00"},
		})
	})
	t.Run("window into a holiday is cut at midnight", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "mon 22:00-02:00", "tue 22:00-02:00", "wed 22:00-02:00"),
			Holiday{From: "2026-11-24", To: "2026-11-24"}) // Tuesday
		runStretchCases(t, s, rome, []stretchCase{
			{"monday late", "2026-11-23 23:00", true, "2026-11-23 22:00", "2026-11-24 00:00", "2026-11-25 22:00"},
			{"cut after midnight", "2026-11-24 01:00", false, "2026-11-24 00:00", "2026-11-25 22:00", "2026-11-25 22:00"},
			// The window starting on the holiday is dropped with its tail.
			{"tuesday late", "2026-11-24 23:00", false, "2026-11-24 00:00", "2026-11-25 22:00", "2026-11-25 22:00"},
			{"wednesday small hours", "2026-11-25 01:00", false, "2026-11-24 00:00", "2026-11-25 22:00", "2026-11-25 22:00"},
			{"wednesday late", "2026-11-25 23:00", true, "2026-11-25 22:00", "2026-11-26 02:00", "2026-11-30 22:00"},
		})
	})
}

func TestScheduleAlwaysAndNever(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	t.Run("no hours set is always open", func(t *testing.T) {
		s := sched(t, "Europe/Rome", Week{})
		runStretchCases(t, s, rome, []stretchCase{
			{"sunday night", "2026-11-29 03:00", true, "", "", ""},
		})
	})
	t.Run("no hours set, holidays still close", func(t *testing.T) {
		s := sched(t, "Europe/Rome", Week{}, Holiday{From: "2026-12-25", To: "2026-12-26"})
		runStretchCases(t, s, rome, []stretchCase{
			{"before", "2026-12-24 12:00", true, "", "2026-12-25 00:00", "2026-12-27 00:00"},
			{"on the holiday", "2026-12-25 12:00", false, "2026-12-25 00:00", "2026-12-27 00:00", "2026-12-27 00:00"},
			{"after", "2026-12-27 12:00", true, "2026-12-27 00:00", "", ""},
		})
	})
	t.Run("hours set without any window is never open", func(t *testing.T) {
		s := sched(t, "Europe/Rome", Week{Set: true})
		runStretchCases(t, s, rome, []stretchCase{
			{"monday noon", "2026-11-23 12:00", false, "", "", ""},
		})
	})
	t.Run("zero Schedule value is always open in UTC", func(t *testing.T) {
		var s Schedule
		if !s.IsOpen(utc(t, "2026-01-01T00:00:00Z")) {
			t.Error("zero Schedule closed")
		}
	})
	t.Run("hand-built Schedule without NewSchedule", func(t *testing.T) {
		s := Schedule{Loc: rome, Week: weekOf(t, "mon 09:00-10:00")}
		if !s.IsOpen(tat(t, rome, "2026-11-23 09:30")) || s.IsOpen(tat(t, rome, "2026-11-23 10:30")) {
			t.Error("hand-built schedule gives wrong answers")
		}
	})
	t.Run("invalid windows and dates are ignored, not fatal", func(t *testing.T) {
		w := Week{Set: true}
		w.Days[time.Monday] = []Window{{-60, 30}, {1500, 1600}, {600, 2000}, {540, 600}}
		s := sched(t, "Europe/Rome", w, Holiday{From: "2026-02-30", To: "x"}, Holiday{From: "2026-12-02", To: "2026-12-01"})
		runStretchCases(t, s, rome, []stretchCase{
			{"monday", "2026-11-23 09:30", true, "2026-11-23 09:00", "2026-11-23 10:00", "2026-11-30 09:00"},
		})
	})
	t.Run("only a closure far away", func(t *testing.T) {
		// A weekly window once a week; closed period between looks back a week.
		s := sched(t, "Europe/Rome", weekOf(t, "sun 10:00-11:00"))
		runStretchCases(t, s, rome, []stretchCase{
			{"midweek", "2026-11-25 12:00", false, "2026-11-22 11:00", "2026-11-29 10:00", "2026-11-29 10:00"},
		})
	})
}

func TestScheduleDST(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	ny := mustLoc(t, "America/New_York")
	// Europe: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
	t.Run("Rome spring forward", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "sun 01:00-04:00", "sat 20:00-02:30"))
		runStretchCases(t, s, rome, []stretchCase{
			// Sat 20:00 CET (19:00Z) runs into Sunday's 01:00 window: one
			// stretch; 02:30 does not exist (it becomes the jump, 01:00Z),
			// inside it. It ends 04:00 CEST = 02:00Z. A week later 20:00
			// is CEST (18:00Z).
			{"before the jump", "2026-03-29T00:30:00Z", true, "2026-03-28T19:00:00Z", "2026-03-29T02:00:00Z", "2026-04-04T18:00:00Z"},
			{"after the jump", "2026-03-29T01:30:00Z", true, "2026-03-28T19:00:00Z", "2026-03-29T02:00:00Z", "2026-04-04T18:00:00Z"},
			{"closed after", "2026-03-29T02:00:00Z", false, "2026-03-29T02:00:00Z", "2026-04-04T18:00:00Z", "2026-04-04T18:00:00Z"},
		})
	})
	t.Run("Rome spring forward, window inside the gap", func(t *testing.T) {
		// 02:30-05:00 opens when the clock jumps to 03:00 CEST (01:00Z).
		s := sched(t, "Europe/Rome", weekOf(t, "sun 02:30-05:00"))
		runStretchCases(t, s, rome, []stretchCase{
			{"just before the jump", "2026-03-29T00:59:00Z", false, "2026-03-22T04:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:00:00Z"},
			{"at the jump", "2026-03-29T01:00:00Z", true, "2026-03-29T01:00:00Z", "2026-03-29T03:00:00Z", "2026-04-05T00:30:00Z"},
		})
		// 02:10-02:50 never happens that night: closed the whole week.
		s = sched(t, "Europe/Rome", weekOf(t, "sun 02:10-02:50"))
		runStretchCases(t, s, rome, []stretchCase{
			{"at the jump", "2026-03-29T01:00:00Z", false, "2026-03-22T01:50:00Z", "2026-04-05T00:10:00Z", "2026-04-05T00:10:00Z"},
		})
	})
	t.Run("Rome fall back, window ending in the repeated hour", func(t *testing.T) {
		// 02:30 happens twice (00:30Z CEST, 01:30Z CET): the first one.
		s := sched(t, "Europe/Rome", weekOf(t, "sun 01:00-02:30"))
		runStretchCases(t, s, rome, []stretchCase{
			{"first 02:15", "2026-10-25T00:15:00Z", true, "2026-10-24T23:00:00Z", "2026-10-25T00:30:00Z", "2026-11-01T00:00:00Z"},
			{"second 02:15", "2026-10-25T01:15:00Z", false, "2026-10-25T00:30:00Z", "2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z"},
		})
	})
	t.Run("Rome fall back", func(t *testing.T) {
		s := sched(t, "Europe/Rome", weekOf(t, "sun 00:00-03:00"))
		// 00:00 CEST = 22:00Z Sat; 03:00 CET = 02:00Z: four real hours.
		runStretchCases(t, s, rome, []stretchCase{
			{"first 02:30 (CEST)", "2026-10-25T00:30:00Z", true, "2026-10-24T22:00:00Z", "2026-10-25T02:00:00Z", "2026-11-01T00:00:00+01:00"},
			{"second 02:30 (CET)", "2026-10-25T01:30:00Z", true, "2026-10-24T22:00:00Z", "2026-10-25T02:00:00Z", "2026-11-01T00:00:00+01:00"},
			{"03:00 CET", "2026-10-25T02:00:00Z", false, "2026-10-25T02:00:00Z", "2026-11-01T00:00:00+01:00", "2026-11-01T00:00:00+01:00"},
		})
	})
	// US: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
	t.Run("New York spring forward", func(t *testing.T) {
		s := sched(t, "America/New_York", weekOf(t, "sat 22:00-02:00", "sun 09:00-17:00"))
		runStretchCases(t, s, ny, []stretchCase{
			// 22:00 EST = 03:00Z; Sunday 02:00 does not exist: it is the
			// jump, 03:00 EDT = 07:00Z (Go alone would give 06:00Z).
			{"saturday night", "2026-03-08T06:30:00Z", true, "2026-03-08T03:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T13:00:00Z"},
			{"sunday morning EDT", "2026-03-08T13:00:00Z", true, "2026-03-08T13:00:00Z", "2026-03-08T21:00:00Z", "2026-03-15T02:00:00Z"},
		})
		if got := FormatWindow(Window{Start: 9 * 60, End: 17 * 60}); got != "09:00-17:00" {
			t.Errorf("FormatWindow = %q", got)
		}
	})
	t.Run("New York fall back", func(t *testing.T) {
		s := sched(t, "America/New_York", weekOf(t, "sat 22:00-01:30", "sun 09:00-17:00"))
		// Sat 22:00 EDT = 02:00Z. Sunday 01:30 happens twice: the first
		// (EDT, 05:30Z).
		runStretchCases(t, s, ny, []stretchCase{
			{"saturday night", "2026-11-01T05:00:00Z", true, "2026-11-01T02:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T14:00:00Z"},
			{"repeated hour", "2026-11-01T06:15:00Z", false, "2026-11-01T05:30:00Z", "2026-11-01T14:00:00Z", "2026-11-01T14:00:00Z"},
			{"sunday 09:00 EST", "2026-11-01T14:00:00Z", true, "2026-11-01T14:00:00Z", "2026-11-01T22:00:00Z", "2026-11-08T03:00:00Z"},
		})
	})
}

func TestOpenWindows(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	s := sched(t, "Europe/Rome", weekOf(t, "mon 18:00-02:00", "tue 09:00-13:00 14:00-18:00"),
		Holiday{From: "2026-11-25", To: "2026-11-25"})
	str := func(ws [][2]time.Time) string {
		out := ""
		for _, w := range ws {
			out += w[0].In(rome).Format("Mon 15:04") + "-" + w[1].In(rome).Format("Mon 15:04") + ";"
		}
		return out
	}
	cases := []struct{ day, want string }{
		{"2026-11-23 12:00", "Mon 18:00-Tue 00:00;"},
		{"2026-11-24 00:00", "Tue 00:00-Tue 02:00;Tue 09:00-Tue 13:00;Tue 14:00-Tue 18:00;"},
		{"2026-11-25 10:00", ""}, // holiday
		{"2026-11-26 10:00", ""},
	}
	for _, c := range cases {
		if got := str(s.OpenWindows(tat(t, rome, c.day))); got != c.want {
			t.Errorf("OpenWindows(%s) = %q, want %q", c.day, got, c.want)
		}
	}
}

func BenchmarkIsOpen(b *testing.B) {
	s := sched(b, "Europe/Rome", weekOf(b, "mon-fri 09:00-13:00 14:00-18:00", "sat 10:00-14:00"))
	now := utc(b, "2026-11-25T20:00:00Z")
	for b.Loop() {
		s.IsOpen(now)
	}
}

func BenchmarkPeriodStart(b *testing.B) {
	s := sched(b, "Europe/Rome", weekOf(b, "mon-fri 09:00-13:00 14:00-18:00", "sat 10:00-14:00"),
		Holiday{From: "2026-12-24", To: "2027-01-06"})
	now := utc(b, "2027-01-03T20:00:00Z")
	for b.Loop() {
		s.PeriodStart(now)
	}
}

func BenchmarkNextOpen(b *testing.B) {
	s := sched(b, "Europe/Rome", weekOf(b, "mon-fri 09:00-13:00 14:00-18:00", "sat 10:00-14:00"),
		Holiday{From: "2026-12-24", To: "2027-01-06"})
	now := utc(b, "2026-12-24T20:00:00Z")
	for b.Loop() {
		s.NextOpen(now)
	}
}

func BenchmarkPeriodStartAlwaysOpenWithHoliday(b *testing.B) {
	s := sched(b, "Europe/Rome", Week{}, Holiday{From: "2026-08-10", To: "2026-08-20"})
	now := utc(b, "2027-06-01T20:00:00Z")
	for b.Loop() {
		s.PeriodStart(now)
	}
}

// TestScheduleConsistency checks, for random weeks and holidays in zones
// with DST, that the answers agree with each other: the state at
// PeriodStart is the state at t and flips just before it; NextChange flips
// the state; NextOpen is open and closed just before.
func TestScheduleConsistency(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zones := []string{"Europe/Rome", "America/New_York", "Australia/Lord_Howe", "UTC"}
	starts := []string{"2026-03-07T12:00:00Z", "2026-03-28T12:00:00Z", "2026-10-24T12:00:00Z", "2026-10-31T12:00:00Z", "2026-12-30T12:00:00Z"}
	for iter := 0; iter < 150; iter++ {
		w := Week{Set: rng.IntN(8) != 0}
		for d := range w.Days {
			for k := rng.IntN(3); k > 0; k-- {
				a := rng.IntN(96) * 15
				b := rng.IntN(97) * 15
				if a == b {
					continue
				}
				w.Days[d] = append(w.Days[d], Window{a, b}) // overlaps allowed: they merge
			}
		}
		var hols []Holiday
		if rng.IntN(2) == 0 {
			from := utc(t, starts[rng.IntN(len(starts))]).AddDate(0, 0, rng.IntN(5)-2)
			to := from.AddDate(0, 0, rng.IntN(4))
			hols = append(hols, Holiday{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)})
		}
		s := sched(t, zones[rng.IntN(len(zones))], w, hols...)
		for k := 0; k < 20; k++ {
			now := utc(t, starts[rng.IntN(len(starts))]).Add(time.Duration(rng.IntN(7*24*60)) * time.Minute)
			open := s.IsOpen(now)
			if p := s.PeriodStart(now); !p.IsZero() {
				if p.After(now) || s.IsOpen(p) != open || s.IsOpen(p.Add(-time.Minute)) == open {
					t.Fatalf("%v in %v: open=%v, PeriodStart %v inconsistent (week %v, holidays %v)", now, s.Loc, open, p, w, hols)
				}
			}
			if c, ok := s.NextChange(now); ok {
				if !c.After(now) || s.IsOpen(c) == open || s.IsOpen(c.Add(-time.Minute)) != open {
					t.Fatalf("%v in %v: open=%v, NextChange %v inconsistent (week %v, holidays %v)", now, s.Loc, open, c, w, hols)
				}
			}
			if o, ok := s.NextOpen(now); ok {
				if !o.After(now) || !s.IsOpen(o) || s.IsOpen(o.Add(-time.Minute)) {
					t.Fatalf("%v in %v: NextOpen %v inconsistent (week %v, holidays %v)", now, s.Loc, o, w, hols)
				}
			}
		}
	}
}

// testHours reads the few forms of !hours these tests use ("mon-fri",
// "sat,sun", "daily", then windows or "closed"); the owner's full syntax
// is the commands package's.
func testHours(args []string) ([]time.Weekday, []Window, error) {
	names := map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
		"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
	var days []time.Weekday
	var wins []Window
	for _, a := range args {
		a = strings.ToLower(strings.Trim(a, ","))
		switch {
		case a == "closed":
		case a == "daily":
			for d := range 7 {
				days = append(days, time.Weekday(d))
			}
		case a != "" && a[0] >= '0' && a[0] <= '9':
			w, err := ParseWindow(a)
			if err != nil {
				return nil, nil, err
			}
			wins = append(wins, w)
		default:
			for _, part := range strings.Split(a, ",") {
				from, to, isRange := strings.Cut(part, "-")
				f, ok := names[from]
				if !ok {
					return nil, nil, fmt.Errorf("day %q", part)
				}
				l := f
				if isRange {
					if l, ok = names[to]; !ok {
						return nil, nil, fmt.Errorf("day %q", part)
					}
				}
				for d := f; ; d = (d + 1) % 7 {
					days = append(days, d)
					if d == l {
						break
					}
				}
			}
		}
	}
	SortWindows(wins)
	return days, wins, CheckDayOverlap(wins)
}
