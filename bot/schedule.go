package bot

import (
	"fmt"
	"sort"
	"time"

	// The zone database is embedded so that hosts without /usr/share/zoneinfo
	// (minimal containers, some NAS boxes) can still load "Europe/Rome".
	_ "time/tzdata"
)

// Schedule answers "open or closed?" for the business: the weekly hours in
// the business's zone, minus holidays. It is a value built from Config;
// every method is pure.
//
// Semantics: a Window belongs to the weekday it starts on; End 1440 is
// 24:00; End <= Start crosses midnight into the next day. Windows that
// touch or overlap merge into one open stretch, across midnight too.
// Holidays close whole dates (00:00-24:00 in the business zone): a window
// that starts on a holiday is dropped with its part after midnight, and a
// window from the day before that runs into a holiday is cut at midnight.
// Week.Set false means always open (holidays still close).
//
// Build it with NewSchedule, which precomputes the per-weekday plan the
// methods use; after changing the exported fields, build it again. A
// hand-made Schedule still works, only slower (the plan is rebuilt per call).
type Schedule struct {
	Loc      *time.Location
	Week     Week
	Holidays []Holiday

	plan *schedulePlan
}

// scheduleHorizon bounds every scan: "a year and a bit", enough for a
// yearly closure plus a long holiday, small enough to stay cheap.
const scheduleHorizon = 400

// span is an open interval in minutes of one calendar date, [a, b).
type span struct{ a, b int }

// dayRange is a holiday as inclusive day numbers (days since 1970-01-01).
type dayRange struct {
	from, to int
	h        Holiday
}

// schedulePlan is the precomputed form of a Schedule: for each weekday the
// merged open minutes of that date, with and without the part carried over
// from the day before (which a holiday on the day before removes).
type schedulePlan struct {
	full     [7][]span
	noCarry  [7][]span
	holidays []dayRange
	never    bool // no open minute in any week
	always   bool // open every minute: no hours set and no holiday
}

// NewSchedule builds the schedule of cfg; host is the zone used while
// cfg.TimeZone is empty (nil host means UTC).
func NewSchedule(cfg Config, host *time.Location) (Schedule, error) {
	loc := host
	if cfg.TimeZone != "" {
		l, err := time.LoadLocation(cfg.TimeZone)
		if err != nil {
			return Schedule{}, fmt.Errorf("load time zone %q: %w", cfg.TimeZone, err)
		}
		loc = l
	}
	if loc == nil {
		loc = time.UTC
	}
	s := Schedule{Loc: loc, Week: cfg.Hours, Holidays: cfg.Holidays}
	s.plan = buildPlan(s.Week, s.Holidays)
	return s, nil
}

func buildPlan(w Week, hols []Holiday) *schedulePlan {
	p := &schedulePlan{}
	for d := 0; d < 7; d++ {
		var own, carry []span
		if !w.Set {
			own = []span{{0, 1440}}
		} else {
			for _, win := range w.Days[d] {
				if a, b, ok := ownPart(win); ok {
					own = append(own, span{a, b})
				}
			}
			for _, win := range w.Days[(d+6)%7] {
				if b, ok := carryPart(win); ok {
					carry = append(carry, span{0, b})
				}
			}
		}
		p.noCarry[d] = mergeSpans(own)
		p.full[d] = mergeSpans(append(append([]span(nil), own...), carry...))
	}
	p.never = true
	for d := 0; d < 7; d++ {
		if len(p.full[d]) > 0 {
			p.never = false
		}
	}
	p.always = !w.Set
	for _, h := range hols {
		from, err1 := time.Parse(time.DateOnly, h.From)
		to, err2 := time.Parse(time.DateOnly, h.To)
		if err1 != nil || err2 != nil {
			continue // invalid dates are refused by ValidateConfig; ignore here
		}
		a, b := civilDay(from.Date()), civilDay(to.Date())
		if a > b {
			continue
		}
		p.holidays = append(p.holidays, dayRange{a, b, h})
		p.always = false
	}
	return p
}

// ownPart is the part of win on the date it starts on.
func ownPart(win Window) (a, b int, ok bool) {
	if win.Start < 0 || win.Start >= 1440 || win.End < 0 || win.End > 1440 {
		return 0, 0, false
	}
	if win.End > win.Start {
		return win.Start, win.End, true
	}
	return win.Start, 1440, true
}

// carryPart is the end of the part of win after midnight, if it crosses.
func carryPart(win Window) (b int, ok bool) {
	if win.Start < 0 || win.Start >= 1440 || win.End <= 0 || win.End > 1440 {
		return 0, false
	}
	if win.End <= win.Start {
		return win.End, true
	}
	return 0, false
}

func mergeSpans(in []span) []span {
	if len(in) == 0 {
		return nil
	}
	sort.Slice(in, func(i, j int) bool { return in[i].a < in[j].a })
	out := []span{in[0]}
	for _, sp := range in[1:] {
		last := &out[len(out)-1]
		if sp.a <= last.b {
			if sp.b > last.b {
				last.b = sp.b
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

func (s Schedule) getPlan() *schedulePlan {
	if s.plan != nil {
		return s.plan
	}
	return buildPlan(s.Week, s.Holidays)
}

func (s Schedule) loc() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}

// civilDay numbers a calendar date: days since 1970-01-01.
func civilDay(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// civilDate is the inverse of civilDay.
func civilDate(n int) (int, time.Month, int) {
	return time.Unix(int64(n)*86400, 0).UTC().Date()
}

// dayOf is t's date number in loc.
func dayOf(t time.Time, loc *time.Location) int {
	return civilDay(t.In(loc).Date())
}

// weekdayOf is the weekday of date number n (1970-01-01 was a Thursday).
func weekdayOf(n int) int {
	return ((n+4)%7 + 7) % 7
}

func (p *schedulePlan) holiday(n int) (*Holiday, bool) {
	for i := range p.holidays {
		if n >= p.holidays[i].from && n <= p.holidays[i].to {
			return &p.holidays[i].h, true
		}
	}
	return nil, false
}

// spans returns the merged open minutes of date n, holidays applied.
func (p *schedulePlan) spans(n int) []span {
	if _, ok := p.holiday(n); ok {
		return nil
	}
	wd := weekdayOf(n)
	if _, ok := p.holiday(n - 1); ok {
		return p.noCarry[wd]
	}
	return p.full[wd]
}

// at converts minute m of date n in loc to an instant; minute 1440 is the
// next midnight. Around a DST change the wall clock is resolved the way a
// shop sign is read: a time that happens twice means its first occurrence,
// and a time skipped by the clock (02:30 when 02:00 jumps to 03:00) means
// the moment of the jump, when that time has just passed.
func at(n, m int, loc *time.Location) time.Time {
	y, mo, d := civilDate(n)
	t := time.Date(y, mo, d, 0, m, 0, 0, loc)
	start, end := t.ZoneBounds()
	if (start.IsZero() || t.Sub(start) >= 12*time.Hour) && (end.IsZero() || end.Sub(t) >= 12*time.Hour) {
		return t // no offset change nearby: time.Date is exact
	}
	u := time.Date(y, mo, d, 0, m, 0, 0, time.UTC).Unix()
	_, o1 := t.Add(-12 * time.Hour).Zone()
	_, o2 := t.Add(12 * time.Hour).Zone()
	var best time.Time
	for _, o := range [2]int{o1, o2} {
		c := time.Unix(u-int64(o), 0).In(loc)
		if _, off := c.Zone(); off == o && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if best.IsZero() { // in a gap: the moment the clock jumped
		late := time.Unix(u-int64(min(o1, o2)), 0).In(loc)
		jump, _ := late.ZoneBounds()
		best = jump.In(loc)
	}
	return best
}

// forward calls fn with every open interval [a, b) that ends after t, in
// order, up to the horizon; fn returns false to stop.
func (s Schedule) forward(p *schedulePlan, t time.Time, fn func(a, b time.Time) bool) {
	loc := s.loc()
	n0 := dayOf(t, loc)
	for n := n0 - 1; n <= n0+scheduleHorizon; n++ {
		for _, sp := range p.spans(n) {
			a, b := at(n, sp.a, loc), at(n, sp.b, loc)
			if !b.After(a) || !b.After(t) {
				continue
			}
			if !fn(a, b) {
				return
			}
		}
	}
}

// backward calls fn with every open interval [a, b) that starts at or
// before t, latest first, back to the horizon; fn returns false to stop.
func (s Schedule) backward(p *schedulePlan, t time.Time, fn func(a, b time.Time) bool) {
	loc := s.loc()
	n0 := dayOf(t, loc)
	for n := n0 + 1; n >= n0-scheduleHorizon; n-- {
		sps := p.spans(n)
		for i := len(sps) - 1; i >= 0; i-- {
			a, b := at(n, sps[i].a, loc), at(n, sps[i].b, loc)
			if !b.After(a) || a.After(t) {
				continue
			}
			if !fn(a, b) {
				return
			}
		}
	}
}

// IsOpen reports whether the business is open at t.
func (s Schedule) IsOpen(t time.Time) bool {
	p := s.getPlan()
	loc := s.loc()
	n := dayOf(t, loc)
	for _, sp := range p.spans(n) {
		a, b := at(n, sp.a, loc), at(n, sp.b, loc)
		if !t.Before(a) && t.Before(b) {
			return true
		}
	}
	return false
}

// HolidayAt returns the holiday covering t's date (business zone), if any.
func (s Schedule) HolidayAt(t time.Time) (Holiday, bool) {
	p := s.getPlan()
	if h, ok := p.holiday(dayOf(t, s.loc())); ok {
		return *h, true
	}
	return Holiday{}, false
}

// PeriodStart returns the start of the maximal stretch of unchanged
// open/closed state that contains t (the "closed period" of the away
// message when closed). It looks back at most a year and a bit; a state
// that never changed in that time returns the zero Time.
func (s Schedule) PeriodStart(t time.Time) time.Time {
	p := s.getPlan()
	if p.never || p.always {
		return time.Time{}
	}
	var start, result time.Time
	first := true
	s.backward(p, t, func(a, b time.Time) bool {
		if first {
			first = false
			if b.After(t) { // a <= t < b: open now
				start = a
				return true
			}
			result = b // closed since the last opening ended
			return false
		}
		// Open: extend the stretch backwards while intervals touch it.
		if !b.Before(start) {
			if a.Before(start) {
				start = a
			}
			return true
		}
		result = start
		return false
	})
	return result // zero when open (or closed) throughout the horizon
}

// NextChange returns the next moment after t when open/closed flips
// (ok false when it never does within a year and a bit).
func (s Schedule) NextChange(t time.Time) (time.Time, bool) {
	p := s.getPlan()
	if p.never || p.always {
		return time.Time{}, false
	}
	var end, result time.Time
	open, found := false, false
	s.forward(p, t, func(a, b time.Time) bool {
		if !open {
			if a.After(t) { // closed now: the next opening is the change
				result, found = a, true
				return false
			}
			open, end = true, b
			return true
		}
		if !a.After(end) {
			if b.After(end) {
				end = b
			}
			return true
		}
		result, found = end, true
		return false
	})
	return result, found
}

// NextOpen returns the next opening moment strictly after t, holidays
// skipped (ok false when there is none: no open window at all). When the
// business is open at t, it is the start of the stretch after the current
// one.
func (s Schedule) NextOpen(t time.Time) (time.Time, bool) {
	p := s.getPlan()
	if p.never || p.always {
		return time.Time{}, false
	}
	var end, result time.Time
	have, found := false, false
	s.forward(p, t, func(a, b time.Time) bool {
		if have && !a.After(end) {
			if b.After(end) {
				end = b
			}
			return true
		}
		if a.After(t) {
			result, found = a, true
			return false
		}
		// a <= t < b: the stretch we are in.
		have = true
		if b.After(end) {
			end = b
		}
		return true
	})
	return result, found
}

// OpenWindows returns the open intervals on the calendar date of day (taken
// in the business zone), holidays applied, in order. Used by `!week`.
func (s Schedule) OpenWindows(day time.Time) [][2]time.Time {
	p := s.getPlan()
	loc := s.loc()
	n := dayOf(day, loc)
	var out [][2]time.Time
	for _, sp := range p.spans(n) {
		a, b := at(n, sp.a, loc), at(n, sp.b, loc)
		if b.After(a) {
			out = append(out, [2]time.Time{a, b})
		}
	}
	return out
}
