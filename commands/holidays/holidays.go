// Package holidays imports national public holidays for `!holiday import`
// from github.com/rickar/cal/v2, a maintained calendar library, so the
// owner does not type them in by hand and `!check` can notice a coming
// holiday that is missing from the schedule.
package holidays

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/us"

	"frontdesk/bot"
)

// Years accepted by Import.
const (
	MinYear = 2000
	MaxYear = 2100
)

// countries maps ISO 3166-1 alpha-2 codes to the library's national lists.
var countries = map[string][]*cal.Holiday{
	"DE": de.Holidays,
	"ES": es.Holidays,
	"FR": fr.Holidays,
	"GB": gb.Holidays,
	"IT": it.Holidays,
	"US": us.Holidays,
}

// Supported returns the country codes Import knows, sorted.
func Supported() []string {
	out := make([]string, 0, len(countries))
	for c := range countries {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Import returns the national public holidays of country (ISO code such as
// "IT" or "us") in year, one Holiday per date, sorted. Where the law moves
// a holiday that falls on a weekend (US, GB) the observed date is used,
// named "... (observed)"; an observed date that falls into the year from
// the next one (US New Year's Day 2028 observed on 31 December 2027) is
// included. Two holidays on one date become one entry with both names.
func Import(country string, year int) ([]bot.Holiday, error) {
	code := strings.ToUpper(strings.TrimSpace(country))
	list, ok := countries[code]
	if !ok {
		return nil, fmt.Errorf("no holiday calendar for %q: supported countries are %s", country, strings.Join(Supported(), ", "))
	}
	if year < MinYear || year > MaxYear {
		return nil, fmt.Errorf("year %d is out of range %d-%d", year, MinYear, MaxYear)
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
				name += " (observed)"
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
