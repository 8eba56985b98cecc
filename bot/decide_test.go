package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// shop is Mon-Fri 09:00-18:00 in Rome with the given changes applied.
func shop(t testing.TB, change func(*Config)) view {
	t.Helper()
	cfg := DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	cfg.Hours.Set = true
	for d := time.Monday; d <= time.Friday; d++ {
		cfg.Hours.Days[d] = []Window{{Start: 9 * 60, End: 18 * 60}}
	}
	if change != nil {
		change(&cfg)
	}
	sched, err := NewSchedule(cfg, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	rules := compile(cfg)
	return view{cfg: &cfg, rules: &rules, sched: sched}
}

func TestDecide(t *testing.T) {
	rome := mustLoc(t, "Europe/Rome")
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, rome)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	away := func(c *Config) {
		c.Away.On = true
		c.Away.Text = "Closed, back {next_open}."
	}
	greet := func(c *Config) {
		c.Greeting.On = true
		c.Greeting.Text = "Welcome {name}!"
	}
	keyword := func(c *Config) {
		c.Keywords = []Keyword{{ID: 7, Phrases: []string{"richiesta ordine", "price"}, Text: "Order at {booking}"}}
		c.Profile.Booking = "https://example.com/o"
	}
	quick := func(c *Config) {
		c.QuickReplies = []QuickReply{
			{Shortcuts: []string{"/time", "/orari"}, Text: "Open 9-18"},
			{Shortcuts: []string{"/secret"}, Text: "Staff only", Private: true},
		}
	}
	all := func(fs ...func(*Config)) func(*Config) {
		return func(c *Config) {
			for _, f := range fs {
				f(c)
			}
		}
	}
	wedNight := at("2026-11-25 21:00") // Wednesday
	fiveKeywords := func(c *Config) {
		for i, w := range []string{"alpha", "beta", "gamma", "delta", "epsilon"} {
			c.Keywords = append(c.Keywords, Keyword{ID: 10 - i, Phrases: []string{w}, Text: "answer " + w})
		}
	}
	manyShortcuts := func(c *Config) {
		for i := 0; i < MaxMenuEntries+5; i++ {
			c.QuickReplies = append(c.QuickReplies, QuickReply{Shortcuts: []string{fmt.Sprintf("/s%03d", i)}, Text: "t"})
		}
	}
	tests := []struct {
		name   string
		config func(*Config)
		in     Input
		want   string // the message that goes out ("" none)
		rules  string
		supp   string
	}{
		{"away when closed and owner idle", away,
			Input{Text: "hello", Now: wedNight, Sent: wedNight}, "Closed, back tomorrow 09:00.", "away", ""},
		{"no away during open hours", away,
			Input{Text: "hello", Now: at("2026-11-26 10:00"), Sent: at("2026-11-26 10:00")}, "", "", ""},
		{"no away while the owner was active 10 minutes ago", away,
			Input{Text: "hello", Now: wedNight, Sent: wedNight, OwnerActive: wedNight.Add(-10 * time.Minute)}, "", "", ""},
		{"away once the owner was idle for 15 minutes", away,
			Input{Text: "hello", Now: wedNight, Sent: wedNight, OwnerActive: wedNight.Add(-15 * time.Minute)}, "Closed, back tomorrow 09:00.", "away", ""},
		{"away once per closed period", away,
			Input{Text: "again", Now: wedNight, Sent: wedNight, Customer: Customer{AwayPeriod: at("2026-11-25 18:00")}}, "", "", ""},
		{"a new closed period gets a new away message", away,
			Input{Text: "again", Now: wedNight, Sent: wedNight, Customer: Customer{AwayPeriod: at("2026-11-24 18:00")}}, "Closed, back tomorrow 09:00.", "away", ""},
		{"weekend is one closed period from Friday 18:00", away,
			Input{Text: "hi", Now: at("2026-11-29 12:00"), Sent: at("2026-11-29 12:00"), Customer: Customer{AwayPeriod: at("2026-11-27 18:00")}}, "", "", ""},
		{"after midnight {next_open} says today", away,
			Input{Text: "hi", Now: at("2026-11-26 00:31"), Sent: at("2026-11-26 00:31")}, "Closed, back today 09:00.", "away", ""},
		{"away when always fires in open hours", all(away, func(c *Config) { c.Away.When = WhenAlways }),
			Input{Text: "hi", Now: at("2026-11-26 10:00"), Sent: at("2026-11-26 10:00")}, "Closed, back tomorrow 09:00.", "away", ""},
		{"holiday message replaces the away text", all(away, func(c *Config) {
			c.Holidays = []Holiday{{From: "2026-12-24", To: "2026-12-26", Message: "Merry Christmas! Back {next_open}."}}
			c.Hours.Days[time.Saturday] = []Window{{Start: 9 * 60, End: 18 * 60}}
		}), Input{Text: "hi", Now: at("2026-12-24 11:00"), Sent: at("2026-12-24 11:00")}, "Merry Christmas! Back Monday 09:00.", "holiday", ""},
		{"greeting on first contact with the WhatsApp name", greet,
			Input{Text: "hi", Name: "Mario", Now: wedNight, Sent: wedNight}, "Welcome Mario!", "greeting", ""},
		{"no greeting for a customer known from history", greet,
			Input{Text: "hi", Now: wedNight, Sent: wedNight, Customer: Customer{Known: true}}, "", "", ""},
		{"no greeting 13 days after the last message", greet,
			Input{Text: "hi", Now: wedNight, Sent: wedNight, Customer: Customer{LastInbound: wedNight.Add(-13 * 24 * time.Hour)}}, "", "", ""},
		{"greeting again after 14 days of silence", greet,
			Input{Text: "hi", Now: wedNight, Sent: wedNight, Customer: Customer{LastInbound: wedNight.Add(-14 * 24 * time.Hour), Name: "Mario"}}, "Welcome Mario!", "greeting", ""},
		{"greeting only when open is withheld at night", all(greet, func(c *Config) { c.Greeting.When = WhenOpen }),
			Input{Text: "hi", Now: wedNight, Sent: wedNight}, "", "", ""},
		{"keyword as whole words, any case and punctuation", keyword,
			Input{Text: "Buongiorno, RICHIESTA ordine!", Now: wedNight, Sent: wedNight}, "Order at https://example.com/o", "keyword", ""},
		{"keyword glued to another word does not match", keyword,
			Input{Text: "richiestaordine", Now: wedNight, Sent: wedNight}, "", "", ""},
		{"keyword at most once an hour", keyword,
			Input{Text: "price?", Now: wedNight, Sent: wedNight, Customer: Customer{KeywordSent: map[int]time.Time{7: wedNight.Add(-59 * time.Minute)}}}, "", "", ""},
		{"keyword again after an hour", keyword,
			Input{Text: "price?", Now: wedNight, Sent: wedNight, Customer: Customer{KeywordSent: map[int]time.Time{7: wedNight.Add(-61 * time.Minute)}}}, "Order at https://example.com/o", "keyword", ""},
		{"greeting, answer, away in one message", all(greet, keyword, away),
			Input{Text: "what is the price", Now: wedNight, Sent: wedNight}, "Welcome!\n\nOrder at https://example.com/o\n\nClosed, back tomorrow 09:00.", "greeting,keyword,away", ""},
		{"owner takeover silences greeting, keyword and away", all(greet, keyword, away),
			Input{Text: "price", Now: wedNight, Sent: wedNight, Customer: Customer{OwnerWrote: wedNight.Add(-29 * time.Minute)}}, "", "", ""},
		{"owner takeover still answers a customer shortcut", all(away, quick),
			Input{Text: "/TIME", Now: wedNight, Sent: wedNight, Customer: Customer{OwnerWrote: wedNight.Add(-5 * time.Minute)}}, "Open 9-18", "shortcut", ""},
		{"a customer shortcut by alias, with the away message", all(away, quick),
			Input{Text: " /Orari ", Now: wedNight, Sent: wedNight}, "Open 9-18\n\nClosed, back tomorrow 09:00.", "shortcut,away", ""},
		{"a private shortcut is never answered to customers", quick,
			Input{Text: "/secret", Now: wedNight, Sent: wedNight}, "", "", ""},
		{"/menu lists the public shortcuts only", quick,
			Input{Text: "/menu", Now: wedNight, Sent: wedNight}, "/time – Open 9-18", "menu", ""},
		{"at most 3 keyword answers, the first ones added", fiveKeywords,
			Input{Text: "epsilon delta gamma beta alpha", Now: wedNight, Sent: wedNight}, "answer alpha\n\nanswer beta\n\nanswer gamma", "keyword,keyword,keyword", ""},
		{"an answered keyword leaves room for the fourth", fiveKeywords,
			Input{Text: "epsilon delta gamma beta alpha", Now: wedNight, Sent: wedNight, Customer: Customer{KeywordSent: map[int]time.Time{10: wedNight.Add(-time.Minute)}}}, "answer beta\n\nanswer gamma\n\nanswer delta", "keyword,keyword,keyword", ""},
		{"at most 5 parts: greeting, 3 keyword answers, away", all(greet, fiveKeywords, away),
			Input{Text: "alpha beta gamma delta", Now: wedNight, Sent: wedNight}, "Welcome!\n\nanswer alpha\n\nanswer beta\n\nanswer gamma\n\nClosed, back tomorrow 09:00.", "greeting,keyword,keyword,keyword,away", ""},
		{"/menu lists at most 30 shortcuts, then how many more", manyShortcuts,
			Input{Text: "/menu", Now: wedNight, Sent: wedNight}, menuOf(MaxMenuEntries) + "\nand 5 more", "menu", ""},
		{"/menu without variants says how many more in the owner's language", manyShortcuts,
			Input{Text: "/menu", Now: wedNight, Sent: wedNight, Customer: Customer{ID: PhoneID("+34600123456")}}, menuOf(MaxMenuEntries) + "\nand 5 more", "menu", ""},
		{"/menu with variants says it in the customer's", all(manyShortcuts, func(c *Config) { c.QuickReplies[0].Variants = Variants{"es": "t"} }),
			Input{Text: "/menu", Now: wedNight, Sent: wedNight, Customer: Customer{ID: PhoneID("+34600123456")}}, menuOf(MaxMenuEntries) + "\ny 5 más", "menu", ""},
		{"kill switch suppresses everything", all(away, func(c *Config) {}),
			Input{Text: "hi", Now: wedNight, Sent: wedNight}, "", "", ""},
		{"a message delivered over 6 hours late gets nothing", away,
			Input{Text: "hi", Now: wedNight, Sent: wedNight.Add(-6*time.Hour - time.Minute)}, "", "", SuppressedLate},
		{"shift variant inside its window", all(away, func(c *Config) {
			c.Away.Shifts = []Shift{{Window: Window{Start: 20 * 60, End: 2 * 60}, Text: "Night shift is off, back {next_open}."}}
		}), Input{Text: "hi", Now: wedNight, Sent: wedNight}, "Night shift is off, back tomorrow 09:00.", "away", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := shop(t, tt.config)
			if tt.name == "kill switch suppresses everything" {
				v.kill = KillSwitch{Off: true}
			}
			d := decide(v, tt.in)
			got := d.Text()
			if d.Suppressed != "" {
				got = ""
			}
			if got != tt.want {
				t.Errorf("text = %q, want %q (skipped: %v)", got, tt.want, d.Skipped)
			}
			if tt.want != "" && strings.Join(d.Rules(), ",") != tt.rules {
				t.Errorf("rules = %v, want %s", d.Rules(), tt.rules)
			}
			if tt.supp != "" && d.Suppressed != tt.supp {
				t.Errorf("suppressed = %q, want %q", d.Suppressed, tt.supp)
			}
		})
	}
}

func TestDecideKillSwitchRecordsNothingSent(t *testing.T) {
	v := shop(t, func(c *Config) { c.Away.On, c.Away.Text = true, "Closed." })
	now := time.Date(2026, 11, 25, 21, 0, 0, 0, v.sched.Loc)
	v.kill = KillSwitch{Off: true}
	d := decide(v, Input{Text: "hi", Now: now, Sent: now})
	if d.Suppressed != SuppressedKill || !d.AwayPeriod.IsZero() {
		t.Fatalf("suppressed=%q awayPeriod=%v: a stopped away message must not count as sent", d.Suppressed, d.AwayPeriod)
	}
	v.kill = KillSwitch{Off: true, Until: now.Add(-time.Minute)}
	if d := decide(v, Input{Text: "hi", Now: now, Sent: now}); d.Suppressed != "" || d.Text() != "Closed." {
		t.Fatalf("after the pause ended: %+v", d)
	}
}

func TestDecideAcrossDaylightSaving(t *testing.T) {
	// New York springs forward on 2026-03-08 and falls back on 2026-11-01.
	ny := mustLoc(t, "America/New_York")
	v := shop(t, func(c *Config) {
		c.TimeZone = "America/New_York"
		c.Away.On, c.Away.Text = true, "Back {next_open}."
	})
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 3, 8, 3, 30, 0, 0, ny), "Back tomorrow 09:00."},  // Sunday, just after the jump
		{time.Date(2026, 11, 1, 1, 30, 0, 0, ny), "Back tomorrow 09:00."}, // Sunday, in the repeated hour
		{time.Date(2026, 3, 6, 18, 0, 0, 0, ny), "Back Monday 09:00."},    // Friday closing, weekend with the change
	}
	for _, tt := range tests {
		d := decide(v, Input{Text: "hi", Now: tt.now, Sent: tt.now})
		if d.Text() != tt.want {
			t.Errorf("%v: got %q, want %q", tt.now, d.Text(), tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"/time", "/time", 0}, {"/time", "/times", 1}, {"/tme", "/time", 1}, {"", "/ab", 3}, {"/prezzo", "/prezzi", 1}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q,%q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// menuOf is the /menu text of shortcuts /s000 ... with the text "t".
func menuOf(n int) string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("/s%03d – t", i)
	}
	return strings.Join(lines, "\n")
}

// TestDecideLanguageVariants: each rule's text is chosen by the
// customer's calling code, with {next_open} and {hours} in that
// language; a shift or holiday text wins over a variant; a number or LID
// with no language gets the main text in the owner's language.
func TestDecideLanguageVariants(t *testing.T) {
	v := shop(t, func(c *Config) {
		c.Lang = "it"
		c.Away.On, c.Away.Text = true, "Chiuso, riapriamo {next_open}."
		c.Away.Variants = Variants{"es": "Cerrado, volvemos {next_open}.", "de": "Geschlossen: {hours}."}
		c.Greeting.On, c.Greeting.Text = true, "Benvenuto!"
		c.Greeting.Variants = Variants{"fr": "Bienvenue !"}
		c.Keywords = []Keyword{{ID: 1, Phrases: []string{"precio", "prezzo"}, Text: "Prezzi online.", Variants: Variants{"es": "Precios en línea."}}}
		c.QuickReplies = []QuickReply{{Shortcuts: []string{"/menu2"}, Text: "Menù", Variants: Variants{"pt": "Cardápio"}}}
	})
	rome := v.sched.Loc
	wedNight := time.Date(2026, 11, 25, 21, 0, 0, 0, rome)
	known := func(id string) Customer { return Customer{ID: PhoneID(id), Known: true} }
	tests := []struct {
		name     string
		in       Input
		want     string
		lang     string
		variants string
	}{
		{"Spanish number gets the Spanish away text", Input{Text: "hola", Customer: known("+34600123456")},
			"Cerrado, volvemos mañana a las 09:00.", "es", "es"},
		{"Mexican number too", Input{Text: "hola", Customer: known("+525512345678")},
			"Cerrado, volvemos mañana a las 09:00.", "es", "es"},
		{"German number: {hours} in German", Input{Text: "hallo", Customer: known("+491511234567")},
			"Geschlossen: Mo-Fr 09:00-18:00.", "de", "de"},
		{"Italian number: no Italian variant, main text", Input{Text: "ciao", Customer: known("+393331234567")},
			"Chiuso, riapriamo domani alle 09:00.", "it", ""},
		{"Japanese number: main text", Input{Text: "hello", Customer: known("+819012345678")},
			"Chiuso, riapriamo domani alle 09:00.", "", ""},
		{"LID: main text", Input{Text: "hello", Customer: Customer{ID: LIDID("123456789"), Known: true}},
			"Chiuso, riapriamo domani alle 09:00.", "", ""},
		{"language given directly", Input{Text: "hello", Lang: "es", Customer: Customer{Known: true}},
			"Cerrado, volvemos mañana a las 09:00.", "es", "es"},
		{"new French customer: greeting variant, away main", Input{Text: "bonjour", Customer: Customer{ID: PhoneID("+33612345678")}},
			"Bienvenue !\n\nChiuso, riapriamo domani alle 09:00.", "fr", "fr,"},
		{"keyword and away both Spanish", Input{Text: "precio?", Customer: known("+34600123456")},
			"Precios en línea.\n\nCerrado, volvemos mañana a las 09:00.", "es", "es,es"},
		{"Brazilian shortcut", Input{Text: "/menu2", Customer: known("+5511912345678")},
			"Cardápio\n\nChiuso, riapriamo domani alle 09:00.", "pt", "pt,"},
		{"Brazilian /menu lists the variant", Input{Text: "/menu", Customer: known("+5511912345678")},
			"/menu2 – Cardápio\n\nChiuso, riapriamo domani alle 09:00.", "pt", ","},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Now, tt.in.Sent = wedNight, wedNight
			d := decide(v, tt.in)
			if d.Text() != tt.want {
				t.Errorf("text = %q, want %q", d.Text(), tt.want)
			}
			if d.Lang != tt.lang {
				t.Errorf("lang = %q, want %q", d.Lang, tt.lang)
			}
			var vs []string
			for _, p := range d.Parts {
				vs = append(vs, p.Variant)
			}
			if got := strings.Join(vs, ","); got != tt.variants {
				t.Errorf("variants = %q, want %q", got, tt.variants)
			}
		})
	}

	// A shift text is chosen for its time and wins over the variant.
	v = shop(t, func(c *Config) {
		c.Away.On, c.Away.Text = true, "Closed."
		c.Away.Variants = Variants{"es": "Cerrado."}
		c.Away.Shifts = []Shift{{Window: Window{Start: 20 * 60, End: 22 * 60}, Text: "Evening: back {next_open}."}}
	})
	d := decide(v, Input{Text: "hola", Now: wedNight, Sent: wedNight, Customer: known("+34600123456")})
	if d.Text() != "Evening: back tomorrow 09:00." || d.Parts[0].Variant != "" {
		t.Errorf("shift and variant: %q (variant %q)", d.Text(), d.Parts[0].Variant)
	}
}

// BenchmarkDecideAway decides one away message with {next_open}: the main
// text for a number whose language has no variant, and a variant.
func BenchmarkDecideAway(b *testing.B) {
	for _, bc := range []struct {
		name     string
		variants Variants
		id       string
	}{
		{"main", nil, "+393331234567"},
		{"variant", Variants{"es": "Cerrado, volvemos {next_open}."}, "+34600123456"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			v := shop(b, func(c *Config) {
				c.Away.On, c.Away.Text, c.Away.Variants = true, "Closed, back {next_open}.", bc.variants
			})
			now := time.Date(2026, 11, 25, 21, 0, 0, 0, v.sched.Loc)
			in := Input{Text: "hello", Now: now, Sent: now, Customer: Customer{ID: PhoneID(bc.id), Known: true}}
			b.ReportAllocs()
			for b.Loop() {
				if d := decide(v, in); len(d.Parts) != 1 {
					b.Fatal(d)
				}
			}
		})
	}
}

// TestDecideMediaWithVariants: a file goes with its answer whatever the
// customer's language; the variant is its caption, and an answer whose
// main caption is empty still counts as its rule (shown by !simulate and
// !log) with its file attached.
func TestDecideMediaWithVariants(t *testing.T) {
	pdf := &MediaRef{SHA256: strings.Repeat("a", 64), Mime: MimePDF, FileName: "prezzi.pdf", Size: 10}
	photo := &MediaRef{SHA256: strings.Repeat("b", 64), Mime: MimeJPEG, Size: 10}
	v := shop(t, func(c *Config) {
		c.Keywords = []Keyword{{ID: 1, Phrases: []string{"prezzi", "precios"}, Variants: Variants{"es": "Precios: {business}"}, Media: pdf}}
		c.QuickReplies = []QuickReply{{Shortcuts: []string{"/foto"}, Text: "La vetrina", Variants: Variants{"de": "Das Schaufenster"}, Media: photo}}
		c.Profile.Name = "Bar Roma"
	})
	noon := time.Date(2026, 11, 25, 12, 0, 0, 0, v.sched.Loc)
	known := func(id string) Customer { return Customer{ID: PhoneID(id), Known: true} }
	tests := []struct {
		name, text, id string
		want, rule     string
		media          *MediaRef
	}{
		{"Spanish caption on the PDF", "precios?", "+34600123456", "Precios: Bar Roma", RuleKeyword, pdf},
		{"no Italian caption: the PDF alone", "prezzi?", "+393331234567", "", RuleKeyword, pdf},
		{"German caption on the photo", "/foto", "+491511234567", "Das Schaufenster", RuleShortcut, photo},
		{"main caption for a French number", "/foto", "+33612345678", "La vetrina", RuleShortcut, photo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decide(v, Input{Text: tt.text, Now: noon, Sent: noon, Customer: known(tt.id)})
			if d.Text() != tt.want {
				t.Errorf("caption %q, want %q", d.Text(), tt.want)
			}
			if got := strings.Join(d.Rules(), ","); got != tt.rule {
				t.Errorf("rules %q, want %q", got, tt.rule)
			}
			if d.Attachment == nil || d.Attachment.Media != tt.media {
				t.Errorf("attachment %+v, want %s", d.Attachment, tt.media.SHA256[:4])
			}
		})
	}
}
