package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file parses and prints weekly hours: the arguments of `!hours`, the
// week it shows, and the short summary behind the {hours} placeholder.

// ParseClock reads a time of day "HH:MM" (also "H:MM" and "HH.MM") as
// minutes from midnight, 0 to 1440. "24:00" is accepted here because it is a
// valid window end; ParseWindow refuses it as a start.
func ParseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	hs, ms, ok := strings.Cut(s, ":")
	if !ok {
		hs, ms, ok = strings.Cut(s, ".")
	}
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !allDigits(hs) || !allDigits(ms) {
		return 0, Problemf("%q is not a time: write HH:MM, from 00:00 to 24:00", s)
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, Problemf("%q is out of range: times go from 00:00 to 24:00", s)
	}
	return h*60 + m, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParseWindow reads an open window "09:00-13:00". An end before the start
// crosses midnight ("22:00-02:00"); an end of "00:00" after a start means
// midnight, stored as 24:00. A start equal to the end is refused: it is
// ambiguous between nothing and a whole day (write "00:00-24:00").
func ParseWindow(s string) (Window, error) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "–", "-") // en dash, as phones autocorrect
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Window{}, Problemf("%q is not a time window: write START-END, like 09:00-13:00 or 22:00-02:00", s)
	}
	start, err := ParseClock(a)
	if err != nil {
		return Window{}, Problemf("window %q start: %v", s, err)
	}
	end, err := ParseClock(b)
	if err != nil {
		return Window{}, Problemf("window %q end: %v", s, err)
	}
	if start == 1440 {
		return Window{}, Problemf("window %q starts at 24:00: a window starts from 00:00 to 23:59", s)
	}
	if end == 0 && start > 0 {
		end = 1440
	}
	if start == end {
		return Window{}, Problemf("window %q starts and ends at the same time: for the whole day write 00:00-24:00", s)
	}
	return Window{Start: start, End: end}, nil
}

// FormatWindow prints w as "09:00-13:00", "22:00-02:00" or "09:00-24:00".
func FormatWindow(w Window) string {
	return formatClock(w.Start) + "-" + formatClock(w.End)
}

func formatClock(m int) string {
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// dayNames maps every accepted day word (folded: lower case, no accents)
// to its weekday.
// mondayFirst is the order in which days are shown and returned.
var mondayFirst = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// CheckDayOverlap refuses windows of one day that overlap: each window is
// laid on a two-day line (a window crossing midnight runs past 1440).
func CheckDayOverlap(ws []Window) error {
	for i := range ws {
		for j := i + 1; j < len(ws); j++ {
			a1, b1 := lineSpan(ws[i])
			a2, b2 := lineSpan(ws[j])
			if a1 < b2 && a2 < b1 {
				return Problemf("windows %s and %s overlap: give separate windows, like 09:00-13:00 14:00-18:00", FormatWindow(ws[i]), FormatWindow(ws[j]))
			}
		}
	}
	return nil
}

func lineSpan(w Window) (int, int) {
	if w.End > w.Start {
		return w.Start, w.End
	}
	return w.Start, w.End + 1440
}

// SortWindows orders one day's windows by their start.
func SortWindows(ws []Window) {
	for i := 1; i < len(ws); i++ {
		for j := i; j > 0 && ws[j].Start < ws[j-1].Start; j-- {
			ws[j], ws[j-1] = ws[j-1], ws[j]
		}
	}
}

func formatWindows(ws []Window) string {
	sorted := append([]Window(nil), ws...)
	SortWindows(sorted)
	parts := make([]string, len(sorted))
	for i, w := range sorted {
		parts[i] = FormatWindow(w)
	}
	return strings.Join(parts, ", ")
}

// FormatWeek prints the week for `!hours`, one line per day from Monday:
// "Mon 09:00-13:00, 14:00-18:00" or "Sun closed".
func FormatWeek(w Week, lang string) string {
	if !w.Set {
		return T(lang, "Always open (no hours set)")
	}
	names := shortDays(lang)
	closed := T(lang, "@day|closed")
	var b strings.Builder
	for i, d := range mondayFirst {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(names[d])
		b.WriteByte(' ')
		if len(w.Days[d]) == 0 {
			b.WriteString(closed)
		} else {
			b.WriteString(formatWindows(w.Days[d]))
		}
	}
	return b.String()
}

// HoursSummary is the one-line week for the {hours} placeholder: equal
// consecutive days grouped, closed days left out, runs with the same hours
// joined: "Mon-Fri 09:00-13:00, 14:00-18:00; Sat 10:00-14:00".
func HoursSummary(w Week, lang string) string {
	if !w.Set {
		return T(lang, "always open")
	}
	names := shortDays(lang)
	type group struct {
		hours string
		runs  []string
	}
	var groups []group
	for i := 0; i < 7; {
		d := mondayFirst[i]
		if len(w.Days[d]) == 0 {
			i++
			continue
		}
		h := formatWindows(w.Days[d])
		j := i + 1
		for j < 7 && len(w.Days[mondayFirst[j]]) > 0 && formatWindows(w.Days[mondayFirst[j]]) == h {
			j++
		}
		run := names[d]
		if j-i > 1 {
			run += "-" + names[mondayFirst[j-1]]
		}
		found := false
		for k := range groups {
			if groups[k].hours == h {
				groups[k].runs = append(groups[k].runs, run)
				found = true
			}
		}
		if !found {
			groups = append(groups, group{hours: h, runs: []string{run}})
		}
		i = j
	}
	if len(groups) == 0 {
		return T(lang, "@week|closed")
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = strings.Join(g.runs, ", ") + " " + g.hours
	}
	return strings.Join(parts, "; ")
}
