package holidays

import (
	"strings"
	"testing"

	"frontdesk/bot"
)

func find(hs []bot.Holiday, date string) (bot.Holiday, bool) {
	for _, h := range hs {
		if h.From <= date && date <= h.To {
			return h, true
		}
	}
	return bot.Holiday{}, false
}

func TestImportKnownDates(t *testing.T) {
	cases := []struct {
		country string
		year    int
		date    string
		name    string // substring of the name; "" means the date must be absent
	}{
		{"IT", 2026, "2026-12-25", "Natale"},
		{"it", 2026, "2026-04-06", "Pasquetta"},
		{"IT", 2026, "2026-04-25", "Liberazione"},
		{"IT", 2026, "2026-04-05", ""}, // Easter Sunday is not in the national list
		{"US", 2026, "2026-07-03", "Independence Day (observed)"},
		{"US", 2026, "2026-07-04", ""},
		{"US", 2026, "2026-11-26", "Thanksgiving"},
		{"US", 2027, "2027-12-31", "New Year"}, // 1 Jan 2028 is a Saturday
		{"GB", 2026, "2026-12-28", "Boxing Day (observed)"},
		{"GB", 2026, "2026-04-03", "Good Friday"},
		{"DE", 2026, "2026-10-03", "Deutschen Einheit"},
		{"FR", 2026, "2026-07-14", "Nationale"},
		{"ES", 2026, "2026-10-12", "Fiesta Nacional"},
		{"PT", 2026, "2026-04-25", "Liberdade"},
		{"BR", 2026, "2026-09-07", "Independência"},
		{"MX", 2026, "2026-09-16", "Independence Day"},
		{"AT", 2026, "2026-10-26", "Nationalfeiertag"},
		{"BE", 2026, "2026-07-21", "Nationale Feestdag"},
		{"CH-ZH", 2026, "2026-08-01", "Bundesfeiertag"},
		{"CH-ZH", 2026, "2026-03-19", ""}, // Josefstag is not kept in Zurich
		{"DE-BY", 2026, "2026-01-06", "Heilige Drei Könige"},
		{"DE", 2026, "2026-01-06", ""}, // not a national holiday
		{"de_by", 2026, "2026-06-04", "Fronleichnam"},
		{"AU-NSW", 2026, "2026-01-26", "Australia Day"},
	}
	for _, c := range cases {
		t.Run(c.country+" "+c.date, func(t *testing.T) {
			hs, err := Import(c.country, c.year, "en")
			if err != nil {
				t.Fatal(err)
			}
			h, ok := find(hs, c.date)
			if c.name == "" {
				if ok {
					t.Errorf("%s: unexpected holiday %+v", c.date, h)
				}
				return
			}
			if !ok || !strings.Contains(h.Name, c.name) {
				t.Errorf("%s: got %+v %v, want a holiday named like %q", c.date, h, ok, c.name)
			}
		})
	}
}

func TestImportShape(t *testing.T) {
	var codes []string
	for c := range calendars {
		codes = append(codes, c)
	}
	for _, c := range codes {
		hs, err := Import(c, 2026, "en")
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if len(hs) < 6 {
			t.Errorf("%s: only %d holidays", c, len(hs))
		}
		cfg := bot.DefaultConfig()
		cfg.Holidays = hs
		if err := bot.ValidateConfig(cfg, ""); err != nil {
			t.Errorf("%s: imported holidays do not validate: %v", c, err)
		}
		prev := ""
		for _, h := range hs {
			if h.From != h.To || h.Name == "" || h.Message != "" || !strings.HasPrefix(h.From, "2026-") {
				t.Errorf("%s: bad holiday %+v", c, h)
			}
			if h.From <= prev {
				t.Errorf("%s: not sorted or repeated at %s", c, h.From)
			}
			prev = h.From
		}
	}
}

func TestImportErrors(t *testing.T) {
	cases := []struct {
		country string
		year    int
		wantErr string
	}{
		{"XX", 2026, "supported countries are AR, AT, AU, BE, BR, CA, CH, DE, ES, FR, GB, IE, IT, LU, MT, MX, NZ, PT, US, ZA (and regions of AU, CH, DE, like DE-BY)"},
		{"AU", 2026, "give a region of AU: AU-ACT, AU-NSW"},
		{"DE-XX", 2026, `no holiday calendar for "DE-XX": the regions of DE are DE-BB, DE-BE`},
		{"", 2026, "supported countries"},
		{"IT", 1999, "year 1999 is out of range 2000-2100"},
		{"IT", 2101, "out of range 2000-2100"},
	}
	for _, c := range cases {
		_, err := Import(c.country, c.year, "en")
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("Import(%q, %d) = %v, want error containing %q", c.country, c.year, err, c.wantErr)
		}
	}
}
