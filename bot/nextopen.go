package bot

import (
	"strings"
	"time"

	"github.com/goodsign/monday"
)

// This file words dates and times in each of Languages: {next_open},
// weekday names for !hours, short stamps for the owner's answers. The
// weekday and month names come from github.com/goodsign/monday, a
// maintained translation of Go's date names; the way each language puts
// them together ("mañana a las 09:00", "Mittwoch, 7. Januar um 09:00") is
// the table dateForms below.

// dateForm is how one language words a moment relative to today.
type dateForm struct {
	locale monday.Locale
	// today, tomorrow and weekday ("Monday", a monday layout) and date
	// ("Monday 2 January") are followed by at, then the clock.
	today, tomorrow, weekday, date string
	// at comes before the clock: " alle ", " a las ".
	at string
	// atOne replaces at before 01:xx where the language says so, as the
	// hour one is singular: Spanish "a la 01:30" ("a la una"), Italian
	// "all'01:30" ("all'una"), Portuguese "à 01:30" ("à uma").
	atOne string
	// stamp is the short date of the owner's answers ("Wed 25 Nov"), and
	// dayMonth the shorter one of chart labels ("25 Nov").
	stamp, dayMonth string
}

var dateForms = map[string]dateForm{
	"en": {locale: monday.LocaleEnUS, today: "today", tomorrow: "tomorrow", weekday: "Monday", date: "Monday 2 January", at: " ", stamp: "Mon 2 Jan", dayMonth: "2 Jan"},
	"it": {locale: monday.LocaleItIT, today: "oggi", tomorrow: "domani", weekday: "Monday", date: "Monday 2 January", at: " alle ", atOne: " all'", stamp: "Mon 2 Jan", dayMonth: "2 Jan"},
	"es": {locale: monday.LocaleEsES, today: "hoy", tomorrow: "mañana", weekday: "el Monday", date: "el Monday 2 de January", at: " a las ", atOne: " a la ", stamp: "Mon 2 Jan", dayMonth: "2 Jan"},
	"pt": {locale: monday.LocalePtBR, today: "hoje", tomorrow: "amanhã", weekday: "Monday", date: "Monday, 2 de January", at: " às ", atOne: " à ", stamp: "Mon 2 Jan", dayMonth: "2 Jan"},
	"de": {locale: monday.LocaleDeDE, today: "heute", tomorrow: "morgen", weekday: "Monday", date: "Monday, 2. January", at: " um ", stamp: "Mon 2. Jan", dayMonth: "2. Jan"},
	"fr": {locale: monday.LocaleFrFR, today: "aujourd'hui", tomorrow: "demain", weekday: "Monday", date: "Monday 2 January", at: " à ", stamp: "Mon 2 Jan", dayMonth: "2 Jan"},
}

func formOf(lang string) dateForm {
	if f, ok := dateForms[lang]; ok {
		return f
	}
	return dateForms["en"]
}

// FormatNextOpen words the opening moment at as seen at now, in loc, for
// the {next_open} placeholder: "today 14:00", "tomorrow 09:00", the weekday
// within the coming 6 days ("Monday 09:00"), the date beyond that
// ("Wednesday 7 January 09:00"). Days are counted by calendar date in loc,
// not by 24-hour steps, so 23:00 to 01:00 is "tomorrow". Each of Languages
// has its own words: Italian "domani alle 09:00", Spanish "el lunes a las
// 09:00", Portuguese "quarta-feira, 7 de janeiro às 09:00", German
// "morgen um 09:00", French "demain à 09:00"; any other lang gives
// English. A zero at (no opening at all) gives "".
func FormatNextOpen(now, at time.Time, loc *time.Location, lang string) string {
	if at.IsZero() {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	f := formOf(lang)
	at = at.In(loc)
	var day string
	switch diff := dayOf(at, loc) - dayOf(now, loc); {
	case diff == 0:
		day = f.today
	case diff == 1:
		day = f.tomorrow
	case diff >= 2 && diff <= 6:
		day = monday.Format(at, f.weekday, f.locale)
	default:
		day = monday.Format(at, f.date, f.locale)
	}
	sep := f.at
	if f.atOne != "" && at.Hour() == 1 {
		sep = f.atOne
	}
	return day + sep + at.Format("15:04")
}

// FormatStamp prints the calendar date of t in loc, short: "Wed 25 Nov",
// "mer 25 nov", "Mi 25. Nov".
func FormatStamp(t time.Time, loc *time.Location, lang string) string {
	if loc == nil {
		loc = time.UTC
	}
	f := formOf(lang)
	return monday.Format(t.In(loc), f.stamp, f.locale)
}

// FormatDayMonth prints the date of t (in its own zone) as "2 Nov",
// "2 nov", "2. Nov".
func FormatDayMonth(t time.Time, lang string) string {
	f := formOf(lang)
	return monday.Format(t, f.dayMonth, f.locale)
}

// shortDays are the abbreviated weekday names of lang, Sunday first,
// capitalised as the first word of a line: "Mon", "Lun", "Mié", "Mo".
// They are worked out once per language ({hours} needs them for every
// message that uses it).
func shortDays(lang string) [7]string {
	if names, ok := shortDayNames[lang]; ok {
		return names
	}
	return shortDayNames["en"]
}

var shortDayNames = func() map[string][7]string {
	out := map[string][7]string{}
	sunday := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for lang, f := range dateForms {
		var names [7]string
		for d := range names {
			name := monday.Format(sunday.AddDate(0, 0, d), "Mon", f.locale)
			names[d] = capitalize(strings.TrimSuffix(name, "."))
		}
		out[lang] = names
	}
	return out
}()

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
