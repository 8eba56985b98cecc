package commands

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

func TestClockTimes(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []int
	}{
		{"range with colons", "Open 9:00-18:00 Mon-Fri", []int{540, 1080}},
		{"two digit hours", "from 09:30 to 13:00", []int{570, 780}},
		{"am and pm", "open 9am-6pm", []int{540, 1080}},
		{"pm with minutes and space", "until 6:30 pm", []int{1110}},
		{"dotted am", "from 10 a.m.", []int{600}},
		{"noon and midnight", "12pm to 12am", []int{720, 0}},
		{"24:00 is a time", "open until 24:00", []int{1440}},
		{"repeats once", "9:00, 9:00 and 9am", []int{540}},
		{"bare numbers are not times", "we have 3 shops and 24 products", nil},
		{"prices with a dot are not times", "only 12.50 euro", nil},
		{"dates are not times", "closed on 2026-12-24", nil},
		{"phone numbers are not times", "call +39 333 1234567", nil},
		{"impossible hour", "at 25:00", nil},
		{"impossible minutes", "at 10:75", nil},
		{"13pm is nothing", "at 13pm", nil},
		{"seconds are not plain times", "at 10:00:00", nil},
		{"a word starting with am", "we are 9 amici", nil},
		{"minutes with a word after am", "at 9:30 amazing", []int{570}},
		{"longer digit runs", "code 123:45", nil},
		{"italian", "aperti dalle 9:00 alle 13:00", []int{540, 780}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clockTimes(tt.text); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("clockTimes(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestVaguePromise(t *testing.T) {
	tests := []struct{ text, want string }{
		{"We will answer as soon as possible!", "as soon as possible"},
		{"Back ASAP.", "asap"},
		{"Vi risponderemo il prima possibile", "il prima possibile"},
		{"Risponderemo A BREVE!", "a breve"},
		{"Il brevetto è pronto", ""},
		{"Respondemos lo antes posible.", "lo antes posible"},
		{"Responderemos EN BREVE", "en breve"},
		{"Respondemos o mais rapido possivel", "o mais rápido possível"},
		{"Wir melden uns schnellstmöglich.", "schnellstmöglich"},
		{"Wir antworten in Kurze", "in Kürze"},
		{"Nous répondrons dès que possible.", "dès que possible"},
		{"On revient au plus vite !", "au plus vite"},
		{"Enbreve es una marca", ""},
		{"wasap?", ""},
		{"We answer {next_open}", ""},
	}
	for _, tt := range tests {
		if got := vaguePromise(tt.text); got != tt.want {
			t.Errorf("vaguePromise(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// cleanSetup is a configuration !check finds nothing wrong with: the zone
// set explicitly, hours set, away and greeting with texts that name only
// opening and closing times and say when the business opens again, and
// every business detail a text uses set.
func cleanSetup(ob *testBot) {
	ob.must("!tz Europe/Rome",
		"!hours mon-fri 09:00-13:00 14:00-18:00",
		"!away text We are closed; we will answer {next_open}. Hours: 9:00-18:00.",
		"!away on",
		"!greeting text Hello {name}, thanks for writing!",
		"!greeting on",
		"!qr add /time We are open {hours}.",
		"!kw add price = Prices on {website}",
		"!profile website https://shop.example")
}

func TestCheckAllGood(t *testing.T) {
	ob := newTestBot(t)
	cleanSetup(ob)
	if got := ob.owner("!check"); got != "All good: nothing to fix." {
		t.Errorf("clean setup: %q", got)
	}
	ob.must("!lang it")
	if got := ob.owner("!check"); got != "Tutto a posto: niente da correggere." {
		t.Errorf("clean setup in Italian: %q", got)
	}
}

func TestCheckFreshSetupNeedsTimeZone(t *testing.T) {
	ob := newTestBot(t)
	got := ob.owner("!check")
	if !strings.HasPrefix(got, "1 thing to fix:") || !strings.Contains(got, "!tz Europe/Rome") {
		t.Errorf("fresh setup: %q", got)
	}
}

// storedConfig is a valid base for configurations written to the store
// directly.
func storedConfig() bot.Config {
	cfg := bot.DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	cfg.Hours.Set = true
	for d := time.Monday; d <= time.Friday; d++ {
		cfg.Hours.Days[d] = []bot.Window{{Start: 540, End: 1080}}
	}
	return cfg
}

func TestCheckFindings(t *testing.T) {
	long := strings.Repeat("x", 300)
	old := wed10.AddDate(0, -6, 0)
	tests := []struct {
		name   string
		stored func(cfg *bot.Config) // changes written to the store as is
		cmds   []string              // owner commands run after start ("use /x": a customer used /x yesterday)
		want   []string              // each in the answer
	}{
		{"away on with empty text", func(cfg *bot.Config) { cfg.Away.On = true },
			nil, []string{"Away is on but has no text: !away text"}},
		{"greeting on with empty text", func(cfg *bot.Config) { cfg.Greeting.On = true },
			nil, []string{"The greeting is on but has no text: !greeting text"}},
		{"away for closed times without hours", func(cfg *bot.Config) {
			cfg.Hours = bot.Week{}
			cfg.Away.On, cfg.Away.Text = true, "Closed; back {next_open}."
		}, nil, []string{"no opening hours are set, so you are always open and it never fires: !hours mon-fri 09:00-18:00"}},
		{"text over the limit", func(cfg *bot.Config) { cfg.Greeting.Text = long },
			nil, []string{"The greeting: the text is 300 characters long; the limit is 256. Write it again: !greeting text"}},
		{"unknown placeholder in a quick reply", func(cfg *bot.Config) {
			cfg.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/time"}, Text: "Open {hourz}", Created: wed10}}
		}, nil, []string{"Quick reply /time: unknown placeholder {hourz}", "!qr del /time, then !qr add /time"}},
		{"vague away text", nil, []string{"!away text We will answer as soon as possible."},
			[]string{`The away text promises "as soon as possible" but not when: say it with {next_open}: !away text We are closed now; we will answer {next_open}.`}},
		{"vague holiday message", nil, []string{"!holiday add 2026-12-24 Chiusi, risponderemo a breve"},
			[]string{`The message of holiday 1 (2026-12-24) promises "a breve"`, "!holiday del 1, then !holiday add 2026-12-24"}},
		{"vague Spanish variant", nil, []string{"!away text Closed, back {next_open}.", "!away text es Cerrado, respondemos lo antes posible."},
			[]string{`Away message, text in Spanish promises "lo antes posible" but not when: say it with {next_open}: !away text es <text>`}},
		{"a language some texts have and others lack", nil, []string{"!away text Closed, back {next_open}.", "!greeting text Welcome!",
			"!kw add price = See the site", "!away text es Cerrado, volvemos {next_open}.", "!kw text 1 es Mira la web", "!greeting text fr Bienvenue !"},
			[]string{"Some texts have a version in Spanish, others not (Greeting): customers from those countries get the main text there. Add it: !greeting text es <text>",
				"Some texts have a version in French, others not (Away message, Keyword answer 1): customers from those countries get the main text there. Add it: !away text fr <text>"}},
		{"every text in every language used", nil, []string{"!away text Closed, back {next_open}.", "!away text de Geschlossen, zurück {next_open}.", "!qr add /time Open 09:00-18:00", "!qr text /time de Geöffnet 09:00-18:00"}, nil},
		{"vague but with next_open", nil, []string{"!away text We answer asap, at the latest {next_open}."}, nil},
		{"clock time not in the hours", nil, []string{"!kw add hours = We are open 9:00-17:00"},
			[]string{"Keyword answer 1 (hours) names 17:00, which is not an opening or closing time in your hours (Mon-Fri 09:00-18:00)", "!kw del 1, then !kw add hours = <new text>"}},
		{"clock times without hours", func(cfg *bot.Config) { cfg.Hours = bot.Week{} },
			[]string{"!greeting text Hi! Open 9am-6pm."}, []string{"The greeting names 09:00, 18:00, but no opening hours are set"}},
		{"time zone never set", func(cfg *bot.Config) { cfg.TimeZone = "" },
			nil, []string{"The time zone was never set, so the computer's (Europe/Rome) is used: !tz Europe/Rome"}},
		{"duplicate shortcut", func(cfg *bot.Config) {
			cfg.QuickReplies = []bot.QuickReply{
				{Shortcuts: []string{"/time"}, Text: "a", Created: wed10},
				{Shortcuts: []string{"/TIME"}, Text: "b", Created: wed10}}
		}, nil, []string{"Shortcut /time is used twice: !qr del /time"}},
		{"similar shortcuts", nil, []string{"!qr add /time Open {hours}", "!qr add /times Also open"},
			[]string{"Shortcuts /time and /times are easily confused", "!qr del /times"}},
		{"similar aliases of one reply are fine", nil, []string{"!profile website https://shop.example", "!qr add /price See {website}", "!qr alias /price /prices"}, nil},
		{"quick reply unused for 90 days", func(cfg *bot.Config) {
			cfg.QuickReplies = []bot.QuickReply{
				{Shortcuts: []string{"/old"}, Text: "old", Created: old},
				{Shortcuts: []string{"/new"}, Text: "new", Created: wed10.AddDate(0, 0, -10)},
				{Shortcuts: []string{"/used"}, Text: "used", Created: old}}
		}, []string{"use /used"}, []string{"Quick reply /old was not used in 90 days: delete it with !qr del /old"}},
		{"kill switch on", nil, []string{"!off"}, []string{"Kill switch: ON", ": !on"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []botOption
			if tt.stored != nil {
				cfg := storedConfig()
				tt.stored(&cfg)
				opts = append(opts, withStored(cfg))
			}
			ob := newTestBot(t, opts...)
			if tt.stored == nil {
				ob.must("!tz Europe/Rome", "!hours mon-fri 09:00-18:00")
			}
			for _, c := range tt.cmds {
				if s, ok := strings.CutPrefix(c, "use "); ok {
					if err := ob.db.RecordShortcutUse(context.Background(), s, false, wed10.AddDate(0, 0, -1)); err != nil {
						t.Fatal(err)
					}
					continue
				}
				ob.owner(c) // some are refused or warned about on purpose
			}
			got := ob.owner("!check")
			if len(tt.want) == 0 {
				if got != "All good: nothing to fix." {
					t.Errorf("want all good, got %q", got)
				}
				return
			}
			if strings.Contains(got, "All good") {
				t.Errorf("want findings, got %q", got)
			}
			contains(t, "check", got, tt.want...)
		})
	}
}

func TestCheckNationalHolidays(t *testing.T) {
	saved := importCalendar
	t.Cleanup(func() { importCalendar = saved })
	importCalendar = func(country string, year int, lang string) ([]bot.Holiday, error) {
		if country != "IT" {
			return nil, errors.New("unknown country")
		}
		all := []bot.Holiday{
			{From: "2026-12-08", To: "2026-12-08", Name: "Immacolata"},
			{From: "2026-12-25", To: "2026-12-25", Name: "Natale"},
			{From: "2027-01-01", To: "2027-01-01", Name: "Capodanno"},
		}
		var out []bot.Holiday
		for _, h := range all {
			if strings.HasPrefix(h.From, strconv.Itoa(year)) {
				out = append(out, h)
			}
		}
		return out, nil
	}
	cfg := storedConfig()
	cfg.HolidayCountry = "IT"
	cfg.Holidays = []bot.Holiday{{From: "2026-01-01", To: "2026-01-01", Name: "Capodanno"}}
	ob := newTestBot(t, withStored(cfg))
	contains(t, "no holiday in 30 days", ob.owner("!check"),
		"No holiday in the next 30 days, but the IT calendar has Immacolata 2026-12-08, Natale 2026-12-25: !holiday import IT 2026")

	ob.must("!holiday add 2026-12-08")
	if got := ob.owner("!check"); got != "All good: nothing to fix." {
		t.Errorf("with a holiday in the next 30 days: %q", got)
	}
}

func TestOnRunsCheck(t *testing.T) {
	ob := newTestBot(t)
	ob.must("!off")
	got := ob.owner("!on")
	contains(t, "!on", got, "ON", "1 thing to fix:", "!tz Europe/Rome")
	if strings.Contains(got, "Kill switch: ON") {
		t.Errorf("!on reports the kill switch it just turned off: %q", got)
	}
}

func TestFindingsIsEmptyWhenClean(t *testing.T) {
	ob := newTestBot(t)
	cleanSetup(ob)
	found, err := Findings(context.Background(), ob.b)
	if err != nil || len(found) != 0 {
		t.Errorf("Findings = %q, %v", found, err)
	}
}
