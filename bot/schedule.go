package bot

import "time"

// Schedule answers "open or closed?" for the business: the weekly hours in
// the business's zone, minus holidays. It is a value built from Config;
// every method is pure.
type Schedule struct {
	Loc      *time.Location
	Week     Week
	Holidays []Holiday
}

// NewSchedule builds the schedule of cfg; host is the zone used while
// cfg.TimeZone is empty.
func NewSchedule(cfg Config, host *time.Location) (Schedule, error) {
	panic("TODO(schedule)")
}

// IsOpen reports whether the business is open at t.
func (s Schedule) IsOpen(t time.Time) bool { panic("TODO(schedule)") }

// HolidayAt returns the holiday covering t's date (business zone), if any.
func (s Schedule) HolidayAt(t time.Time) (Holiday, bool) { panic("TODO(schedule)") }

// PeriodStart returns the start of the maximal stretch of unchanged
// open/closed state that contains t (the "closed period" of the away
// message when closed). It looks back at most a year and a bit; a state
// that never changed in that time returns the zero Time.
func (s Schedule) PeriodStart(t time.Time) time.Time { panic("TODO(schedule)") }

// NextChange returns the next moment after t when open/closed flips
// (ok false when it never does within a year and a bit).
func (s Schedule) NextChange(t time.Time) (time.Time, bool) { panic("TODO(schedule)") }

// NextOpen returns the next opening moment strictly after t, holidays
// skipped (ok false when there is none: no open window at all).
func (s Schedule) NextOpen(t time.Time) (time.Time, bool) { panic("TODO(schedule)") }
