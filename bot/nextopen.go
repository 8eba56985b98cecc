package bot

import (
	"fmt"
	"time"
)

var (
	weekdayIT = [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	monthIT   = [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
)

// FormatNextOpen words the opening moment at as seen at now, in loc, for
// the {next_open} placeholder: "today 14:00", "tomorrow 09:00", the weekday
// within the coming 6 days ("Monday 09:00"), the date beyond that
// ("Wednesday 7 January 09:00"). Days are counted by calendar date in loc,
// not by 24-hour steps, so 23:00 to 01:00 is "tomorrow". lang "it" gives
// "oggi alle 14:00", "domani alle 09:00", "lunedì alle 09:00",
// "mercoledì 7 gennaio alle 09:00"; any other lang gives English. A zero at
// (no opening at all) gives "".
func FormatNextOpen(now, at time.Time, loc *time.Location, lang string) string {
	if at.IsZero() {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	at = at.In(loc)
	diff := dayOf(at, loc) - dayOf(now, loc)
	clock := at.Format("15:04")
	it := lang == "it"
	switch {
	case diff == 0 && it:
		return "oggi alle " + clock
	case diff == 0:
		return "today " + clock
	case diff == 1 && it:
		return "domani alle " + clock
	case diff == 1:
		return "tomorrow " + clock
	case diff >= 2 && diff <= 6 && it:
		return weekdayIT[at.Weekday()] + " alle " + clock
	case diff >= 2 && diff <= 6:
		return at.Weekday().String() + " " + clock
	case it:
		return fmt.Sprintf("%s %d %s alle %s", weekdayIT[at.Weekday()], at.Day(), monthIT[at.Month()-1], clock)
	default:
		return fmt.Sprintf("%s %d %s %s", at.Weekday(), at.Day(), at.Month(), clock)
	}
}
