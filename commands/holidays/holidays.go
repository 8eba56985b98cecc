// Package holidays imports national public holidays for `!holiday import`
// from github.com/rickar/cal/v2, a maintained calendar library, so the
// owner does not type them in by hand and `!check` can notice a coming
// holiday that is missing from the schedule.
package holidays

import (
	"sort"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/ar"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/au"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/lu"
	"github.com/rickar/cal/v2/mt"
	"github.com/rickar/cal/v2/mx"
	"github.com/rickar/cal/v2/nz"
	"github.com/rickar/cal/v2/pt"
	"github.com/rickar/cal/v2/us"
	"github.com/rickar/cal/v2/za"

	"frontdesk/bot"
)

// Years accepted by Import.
const (
	MinYear = 2000
	MaxYear = 2100
)

// calendars maps ISO 3166-1 alpha-2 codes, and ISO 3166-2 codes of the
// regions the library lists apart ("DE-BY", "CH-ZH", "AU-NSW"), to the
// library's lists: every country it covers where one of bot.Languages is
// spoken. A region's list is complete (national days included). The
// library names each holiday in its country's language ("Natale",
// "Tag der Deutschen Einheit"); it has no other names, so they are shown
// as it gives them.
var calendars = map[string][]*cal.Holiday{
	"AR": ar.Holidays, "AT": at.Holidays, "BE": be.Holidays, "BR": br.Holidays,
	"CA": ca.Holidays, "CH": ch.Holidays, "DE": de.Holidays, "ES": es.Holidays,
	"FR": fr.Holidays, "GB": gb.Holidays, "IE": ie.Holidays, "IT": it.Holidays,
	"LU": lu.Holidays, "MT": mt.Holidays, "MX": mx.Holidays, "NZ": nz.Holidays,
	"PT": pt.Holidays, "US": us.Holidays, "ZA": za.Holidays,

	"DE-BB": de.HolidaysBB, "DE-BE": de.HolidaysBE, "DE-BW": de.HolidaysBW,
	"DE-BY": de.HolidaysBY, "DE-HB": de.HolidaysHB, "DE-HE": de.HolidaysHE,
	"DE-HH": de.HolidaysHH, "DE-MV": de.HolidaysMV, "DE-NI": de.HolidaysNI,
	"DE-NW": de.HolidaysNW, "DE-RP": de.HolidaysRP, "DE-SH": de.HolidaysSH,
	"DE-SL": de.HolidaysSL, "DE-SN": de.HolidaysSN, "DE-ST": de.HolidaysST,
	"DE-TH": de.HolidaysTH,

	"CH-AG": ch.HolidaysAG, "CH-AI": ch.HolidaysAI, "CH-AR": ch.HolidaysAR,
	"CH-BE": ch.HolidaysBE, "CH-BL": ch.HolidaysBL, "CH-BS": ch.HolidaysBS,
	"CH-FR": ch.HolidaysFR, "CH-GE": ch.HolidaysGE, "CH-GL": ch.HolidaysGL,
	"CH-GR": ch.HolidaysGR, "CH-JU": ch.HolidaysJU, "CH-LU": ch.HolidaysLU,
	"CH-NE": ch.HolidaysNE, "CH-NW": ch.HolidaysNW, "CH-OW": ch.HolidaysOW,
	"CH-SG": ch.HolidaysSG, "CH-SH": ch.HolidaysSH, "CH-SO": ch.HolidaysSO,
	"CH-SZ": ch.HolidaysSZ, "CH-TG": ch.HolidaysTG, "CH-TI": ch.HolidaysTI,
	"CH-UR": ch.HolidaysUR, "CH-VD": ch.HolidaysVD, "CH-VS": ch.HolidaysVS,
	"CH-ZG": ch.HolidaysZG, "CH-ZH": ch.HolidaysZH,

	"AU-ACT": au.HolidaysACT, "AU-NSW": au.HolidaysNSW, "AU-NT": au.HolidaysNT,
	"AU-QLD": au.HolidaysQLD, "AU-SA": au.HolidaysSA, "AU-TAS": au.HolidaysTAS,
	"AU-VIC": au.HolidaysVIC, "AU-WA": au.HolidaysWA,
}

// Supported returns the country codes Import knows, sorted. For AU, CH
// and DE it knows regions too (Regions); AU has regions only.
func Supported() []string {
	seen := map[string]bool{}
	var out []string
	for c := range calendars {
		country, _, _ := strings.Cut(c, "-")
		if !seen[country] {
			seen[country] = true
			out = append(out, country)
		}
	}
	sort.Strings(out)
	return out
}

// Regions returns the region codes of country ("DE" → "DE-BB" ...),
// sorted.
func Regions(country string) []string {
	var out []string
	prefix := strings.ToUpper(country) + "-"
	for c := range calendars {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// Import returns the public holidays of country (ISO code such as "IT",
// "us" or "DE-BY") in year, one Holiday per date, sorted. Where the law moves
// a holiday that falls on a weekend (US, GB) the observed date is used,
// named "... (observed)"; an observed date that falls into the year from
// the next one (US New Year's Day 2028 observed on 31 December 2027) is
// included; "observed" is said in lang. Two holidays on one date become
// one entry with both names.
func Import(country string, year int, lang string) ([]bot.Holiday, error) {
	code := strings.ToUpper(strings.TrimSpace(strings.ReplaceAll(country, "_", "-")))
	list, ok := calendars[code]
	if !ok {
		if regions := Regions(code); len(regions) > 0 {
			return nil, bot.Problemf("give a region of %s: %s", code, strings.Join(regions, ", "))
		}
		if c, _, ok := strings.Cut(code, "-"); ok && len(Regions(c)) > 0 {
			return nil, bot.Problemf("no holiday calendar for %q: the regions of %s are %s", country, c, strings.Join(Regions(c), ", "))
		}
		return nil, bot.Problemf("no holiday calendar for %q: supported countries are %s (and regions of AU, CH, DE, like DE-BY)", country, strings.Join(Supported(), ", "))
	}
	if year < MinYear || year > MaxYear {
		return nil, bot.Problemf("year %d is out of range %d-%d", year, MinYear, MaxYear)
	}
	names := map[string][]string{}
	for _, y := range []int{year, year + 1} {
		for _, h := range list {
			actual, observed := h.Calc(y)
			if observed.IsZero() || observed.Year() != year {
				continue
			}
			name := h.Name
			if !sameDate(actual, observed) {
				name += " " + bot.T(lang, "(observed)")
			}
			date := observed.Format(time.DateOnly)
			if !contains(names[date], name) {
				names[date] = append(names[date], name)
			}
		}
	}
	out := make([]bot.Holiday, 0, len(names))
	for date, ns := range names {
		out = append(out, bot.Holiday{From: date, To: date, Name: strings.Join(ns, " / ")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From < out[j].From })
	return out, nil
}

func sameDate(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
