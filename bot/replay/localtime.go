package replay

import (
	"fmt"
	"time"
)

// wall is the moment of a time step: its own when zoned, else its date and
// clock read in loc. A local time that loc skips or shows twice names no
// single moment: msg then says so (t is still the moment the time package
// picks, good enough to start a clock but not to run a step).
func (st Step) wall(loc *time.Location) (t time.Time, msg string) {
	if st.Zoned {
		return st.Time, ""
	}
	return localTime(st.Time, loc)
}

// localTime reads w's date and clock fields in loc. It refuses a reading
// in a spring-forward gap (on 2026-03-29 Europe/Rome has no 02:30: the
// time package would quietly make it 03:30) and one in a fall-back
// overlap (on 2026-10-25 02:30 comes twice), suggesting RFC 3339 with an
// offset instead.
func localTime(w time.Time, loc *time.Location) (time.Time, string) {
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
	// The clock reading as if it were UTC; the real moment is it minus the
	// zone's offset. The offsets a day before and a day after are the ones
	// on either side of any change near it (no zone changes twice in two
	// days).
	naive := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
	before := naive.Add(-26 * time.Hour).In(loc)
	_, offBefore := before.Zone()
	_, offAfter := naive.Add(26 * time.Hour).In(loc).Zone()
	if offBefore == offAfter {
		return t, ""
	}
	var fits []time.Time
	for _, off := range []int{offBefore, offAfter} {
		c := naive.Add(-time.Duration(off) * time.Second)
		if sameClock(c.In(loc), naive) {
			fits = append(fits, c)
		}
	}
	if len(fits) == 1 {
		return fits[0].In(loc), ""
	}
	// The change is where the zone in effect a day before ends.
	_, change := before.ZoneBounds()
	from := change.In(time.FixedZone("", offBefore)).Format("15:04")
	to := change.In(loc).Format("15:04")
	when := naive.Format("2006-01-02 15:04")
	if naive.Second() != 0 {
		when = naive.Format("2006-01-02 15:04:05")
	}
	zone := zoneName(loc)
	if len(fits) == 0 {
		return t, fmt.Sprintf("time %s does not exist in %s: the clocks jump from %s to %s that day "+
			"(give a time outside the gap, or RFC 3339 with an offset)", when, zone, from, to)
	}
	return t, fmt.Sprintf("time %s happens twice in %s: the clocks go back from %s to %s that day "+
		"(give RFC 3339 with an offset: %s for the first, %s for the second)", when, zone, from, to,
		fits[0].In(loc).Format(time.RFC3339), fits[1].In(loc).Format(time.RFC3339))
}

// sameClock reports whether a shows the date and clock fields of b.
func sameClock(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd && a.Hour() == b.Hour() && a.Minute() == b.Minute() && a.Second() == b.Second()
}

// zoneName names loc for a message; Go calls the host's zone "Local".
func zoneName(loc *time.Location) string {
	if loc == time.Local {
		return "the host's time zone"
	}
	return loc.String()
}
