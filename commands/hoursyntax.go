package commands

import (
	"strings"
	"time"

	"frontdesk/bot"
)

// The syntax of !hours: which days ("mon-fri", "sat", "weekend", Italian
// names too) and which windows ("09:00-13:00 14:00-18:00", or "closed").
// The windows themselves (ParseWindow, overlaps) are the core's rules.

// mondayFirst is the order in which days are shown and returned.
var mondayFirst = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

var dayNames = map[string]time.Weekday{
	// English
	"mon": time.Monday, "monday": time.Monday, "tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
	"thursday": time.Thursday, "fri": time.Friday, "friday": time.Friday, "sat": time.Saturday, "saturday": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday,
	// Italian
	"lun": time.Monday, "lunedi": time.Monday, "mar": time.Tuesday, "martedi": time.Tuesday, "mer": time.Wednesday,
	"mercoledi": time.Wednesday, "gio": time.Thursday, "giovedi": time.Thursday, "ven": time.Friday, "venerdi": time.Friday,
	"sab": time.Saturday, "sabato": time.Saturday, "dom": time.Sunday, "domenica": time.Sunday,
	// Spanish ("lun", "mar", "sab", "dom" as in Italian)
	"lunes": time.Monday, "martes": time.Tuesday, "mie": time.Wednesday, "miercoles": time.Wednesday,
	"jue": time.Thursday, "jueves": time.Thursday, "vie": time.Friday, "viernes": time.Friday, "sabado": time.Saturday, "domingo": time.Sunday,
	// Portuguese (without "-feira", which a range would split)
	"seg": time.Monday, "segunda": time.Monday, "ter": time.Tuesday, "terca": time.Tuesday, "qua": time.Wednesday,
	"quarta": time.Wednesday, "qui": time.Thursday, "quinta": time.Thursday, "sex": time.Friday, "sexta": time.Friday,
	// German
	"mo": time.Monday, "montag": time.Monday, "di": time.Tuesday, "dienstag": time.Tuesday, "mi": time.Wednesday,
	"mittwoch": time.Wednesday, "do": time.Thursday, "donnerstag": time.Thursday, "fr": time.Friday, "freitag": time.Friday,
	"sa": time.Saturday, "samstag": time.Saturday, "so": time.Sunday, "sonntag": time.Sunday,
	// French ("lun", "mar", "mer", "ven" as in Italian)
	"lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday, "jeu": time.Thursday, "jeudi": time.Thursday,
	"vendredi": time.Friday, "sam": time.Saturday, "samedi": time.Saturday, "dim": time.Sunday, "dimanche": time.Sunday,
}

// ParseDays reads the days of `!hours`: one day ("sat"), a list
// ("mon,wed,fri"), a range that may wrap ("mon-fri", "fri-mon"), or a word
// ("daily", "everyday", "weekdays", "weekend"); names in the six languages
// of bot.Languages, short or long, any case, accents optional. The result is in Monday-first order without
// repeats.
func ParseDays(s string) ([]time.Weekday, error) {
	var set [7]bool
	found := false
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key := bot.Fold(part)
		switch key {
		case "daily", "everyday", "every day", "all", "tutti", "ogni giorno", "todos", "todos los dias", "todos os dias",
			"taglich", "tous les jours":
			for d := range set {
				set[d] = true
			}
			found = true
			continue
		case "weekdays", "feriali":
			for d := time.Monday; d <= time.Friday; d++ {
				set[d] = true
			}
			found = true
			continue
		case "weekend", "weekends":
			set[time.Saturday], set[time.Sunday] = true, true
			found = true
			continue
		}
		part = strings.ReplaceAll(part, "–", "-")
		a, b, isRange := strings.Cut(part, "-")
		from, ok := dayNames[bot.Fold(a)]
		if !ok {
			return nil, bot.Problemf("%q is not a day: write mon-fri, sat, mon,wed,fri, fri-mon, daily, weekdays or weekend (also lun mar mer gio ven sab dom)", strings.TrimSpace(a))
		}
		to := from
		if isRange {
			if to, ok = dayNames[bot.Fold(b)]; !ok {
				return nil, bot.Problemf("%q is not a day: write mon-fri, sat, mon,wed,fri, fri-mon, daily, weekdays or weekend (also lun mar mer gio ven sab dom)", strings.TrimSpace(b))
			}
		}
		for d := from; ; d = (d + 1) % 7 {
			set[d] = true
			if d == to {
				break
			}
		}
		found = true
	}
	if !found {
		return nil, bot.Problemf("no days given: write mon-fri, sat, mon,wed,fri, fri-mon, daily, weekdays or weekend (also lun mar mer gio ven sab dom)")
	}
	var out []time.Weekday
	for _, d := range mondayFirst {
		if set[d] {
			out = append(out, d)
		}
	}
	return out, nil
}

// ParseHoursArgs reads the arguments of `!hours`: days, then either open
// windows or "closed", e.g. ["mon-fri", "09:00-13:00", "14:00-18:00"] or
// ["sun", "closed"]. Days may be spread over several arguments
// ("mon,", "wed") and windows may be separated by commas. Windows that
// overlap each other are refused; "closed" returns no windows.
func ParseHoursArgs(args []string) (days []time.Weekday, windows []bot.Window, err error) {
	var dayParts []string
	i := 0
	for ; i < len(args); i++ {
		a := strings.TrimSpace(args[i])
		if a == "" {
			continue
		}
		if isClosedWord(a) || (a[0] >= '0' && a[0] <= '9') {
			break
		}
		dayParts = append(dayParts, a)
	}
	if len(dayParts) == 0 {
		return nil, nil, bot.Problemf("which days? start with the days, like: mon-fri 09:00-13:00 14:00-18:00, or: sun closed")
	}
	days, err = ParseDays(joinDayParts(dayParts))
	if err != nil {
		return nil, nil, err
	}
	rest := args[i:]
	if len(rest) == 0 {
		return nil, nil, bot.Problemf("no hours given after the days: add windows like 09:00-13:00 14:00-18:00, or the word closed")
	}
	if len(rest) == 1 && isClosedWord(rest[0]) {
		return days, nil, nil
	}
	for _, a := range rest {
		for _, part := range strings.Split(a, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if isClosedWord(part) {
				return nil, nil, bot.Problemf("%q mixes windows with closed: give either windows like 09:00-13:00 or the word closed", strings.Join(rest, " "))
			}
			w, err := bot.ParseWindow(part)
			if err != nil {
				return nil, nil, err
			}
			windows = append(windows, w)
		}
	}
	if len(windows) == 0 {
		return nil, nil, bot.Problemf("no hours given after the days: add windows like 09:00-13:00 14:00-18:00, or the word closed")
	}
	if err := bot.CheckDayOverlap(windows); err != nil {
		return nil, nil, err
	}
	bot.SortWindows(windows)
	return days, windows, nil
}

// joinDayParts rejoins day words split by spaces: "mon", "-", "fri" is a
// range, "mon,", "wed" a list.
func joinDayParts(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		prev := ""
		if i > 0 {
			prev = parts[i-1]
		}
		if i > 0 && !strings.HasSuffix(prev, "-") && !strings.HasPrefix(p, "-") &&
			!strings.HasSuffix(prev, ",") && !strings.HasPrefix(p, ",") {
			b.WriteByte(',')
		}
		b.WriteString(p)
	}
	return b.String()
}

func isClosedWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "closed", "chiuso":
		return true
	}
	return false
}
