package bot

import (
	"testing"
	"time"
)

func TestFormatNextOpen(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	ny := mustLoc(t, "America/New_York")
	// 2026-11-25 is a Wednesday.
	cases := []struct {
		name    string
		loc     *time.Location
		now, at string
		en, it  string
	}{
		{"today", rome, "2026-11-25 10:00", "2026-11-25 14:00", "today 14:00", "oggi alle 14:00"},
		{"tomorrow", rome, "2026-11-25 21:00", "2026-11-26 09:00", "tomorrow 09:00", "domani alle 09:00"},
		{"tomorrow by date, not 24h", rome, "2026-11-25 23:50", "2026-11-26 00:10", "tomorrow 00:10", "domani alle 00:10"},
		{"today though 23h away", rome, "2026-11-25 00:30", "2026-11-25 23:30", "today 23:30", "oggi alle 23:30"},
		{"two days", rome, "2026-11-25 21:00", "2026-11-27 09:00", "Friday 09:00", "venerdì alle 09:00"},
		{"weekend to monday", rome, "2026-11-27 19:30", "2026-11-30 09:00", "Monday 09:00", "lunedì alle 09:00"},
		{"six days", rome, "2026-11-25 10:00", "2026-12-01 09:00", "Tuesday 09:00", "martedì alle 09:00"},
		{"seven days", rome, "2026-11-25 10:00", "2026-12-02 09:00", "Wednesday 2 December 09:00", "mercoledì 2 dicembre alle 09:00"},
		{"after the year end", rome, "2026-12-24 11:00", "2027-01-07 09:00", "Thursday 7 January 09:00", "giovedì 7 gennaio alle 09:00"},
		{"across DST (25h day)", rome, "2026-10-24 10:00", "2026-10-25 10:00", "tomorrow 10:00", "domani alle 10:00"},
		{"new york", ny, "2026-03-07 22:00", "2026-03-09 09:00", "Monday 09:00", "lunedì alle 09:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// now is given in UTC, to check the zone is applied.
			now := tat(t, c.loc, c.now).UTC()
			at := tat(t, c.loc, c.at).UTC()
			if got := FormatNextOpen(now, at, c.loc, "en"); got != c.en {
				t.Errorf("en = %q, want %q", got, c.en)
			}
			if got := FormatNextOpen(now, at, c.loc, "it"); got != c.it {
				t.Errorf("it = %q, want %q", got, c.it)
			}
			if got := FormatNextOpen(now, at, c.loc, "xx"); got != c.en {
				t.Errorf("unknown lang = %q, want English %q", got, c.en)
			}
		})
	}
	if got := FormatNextOpen(time.Now(), time.Time{}, rome, "en"); got != "" {
		t.Errorf("zero at = %q, want empty", got)
	}
	// UTC midnight is already the next day in Rome.
	now := utc(t, "2026-11-25T22:30:00Z") // 23:30 Rome
	at := utc(t, "2026-11-25T23:30:00Z")  // 00:30 Rome, the 26th
	if got := FormatNextOpen(now, at, rome, "en"); got != "tomorrow 00:30" {
		t.Errorf("zone day boundary = %q, want tomorrow 00:30", got)
	}
}

// TestFormatNextOpenLanguages words the same moments in every language:
// today, tomorrow, a weekday, a date, and the singular of 01:xx ("a la una",
// "all'una", "à uma") in Spanish, Italian and Portuguese.
func TestFormatNextOpenLanguages(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	// 2026-11-25 is a Wednesday; 2027-01-07 a Thursday.
	moments := []struct{ now, at string }{
		{"2026-11-25 10:00", "2026-11-25 14:00"},
		{"2026-11-25 21:00", "2026-11-26 09:00"},
		{"2026-11-27 19:30", "2026-11-30 09:00"},
		{"2026-12-24 11:00", "2027-01-07 09:00"},
		{"2026-11-25 21:00", "2026-11-26 01:30"},
	}
	want := map[string][]string{
		"en": {"today 14:00", "tomorrow 09:00", "Monday 09:00", "Thursday 7 January 09:00", "tomorrow 01:30"},
		"it": {"oggi alle 14:00", "domani alle 09:00", "lunedì alle 09:00", "giovedì 7 gennaio alle 09:00", "domani all'01:30"},
		"es": {"hoy a las 14:00", "mañana a las 09:00", "el lunes a las 09:00", "el jueves 7 de enero a las 09:00", "mañana a la 01:30"},
		"pt": {"hoje às 14:00", "amanhã às 09:00", "segunda-feira às 09:00", "quinta-feira, 7 de janeiro às 09:00", "amanhã à 01:30"},
		"de": {"heute um 14:00", "morgen um 09:00", "Montag um 09:00", "Donnerstag, 7. Januar um 09:00", "morgen um 01:30"},
		"fr": {"aujourd'hui à 14:00", "demain à 09:00", "lundi à 09:00", "jeudi 7 janvier à 09:00", "demain à 01:30"},
	}
	for _, lang := range Languages {
		for i, m := range moments {
			got := FormatNextOpen(tat(t, rome, m.now), tat(t, rome, m.at), rome, lang)
			if got != want[lang][i] {
				t.Errorf("%s %s → %s = %q, want %q", lang, m.now, m.at, got, want[lang][i])
			}
		}
	}
}

func TestFormatStampAndShortDays(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	at := tat(t, rome, "2026-11-25 21:00")
	want := map[string][2]string{
		"en": {"Wed 25 Nov", "Mon"},
		"it": {"mer 25 nov", "Lun"},
		"es": {"mié 25 nov", "Lun"},
		"pt": {"qua 25 nov", "Seg"},
		"de": {"Mi 25. Nov", "Mo"},
		"fr": {"mer 25 nov", "Lun"},
	}
	for _, lang := range Languages {
		if got := FormatStamp(at, rome, lang); got != want[lang][0] {
			t.Errorf("%s stamp = %q, want %q", lang, got, want[lang][0])
		}
		if got := shortDays(lang)[time.Monday]; got != want[lang][1] {
			t.Errorf("%s Monday = %q, want %q", lang, got, want[lang][1])
		}
	}
}
