package bot

import (
	"strings"
	"testing"
	"time"
)

func TestValidShortcut(t *testing.T) {
	cases := []struct {
		in, wantErr string
	}{
		{"/time", ""},
		{"/TIME", ""},
		{"/ship_eu", ""},
		{"/abc", ""},
		{"/abcdefgh", ""},
		{"/caffè", ""},
		{"/ab", "needs 3 to 8"},
		{"/abcdefghi", "needs 3 to 8"},
		{"time", "must start with /"},
		{"/ti me", "only letters"},
		{"/ti-me", "only letters"},
		{"/", "needs 3 to 8"},
		{"", "must start with /"},
	}
	for _, c := range cases {
		err := ValidShortcut(c.in)
		if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("ValidShortcut(%q) = %v, want %q", c.in, err, c.wantErr)
		}
	}
	if got := NormalizeShortcut(" /Ship_EU "); got != "/ship_eu" {
		t.Errorf("NormalizeShortcut = %q", got)
	}
}

func TestSimilarShortcuts(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"/time", "/times", true},
		{"/times", "/time", true},
		{"/time", "/tima", true},
		{"/time", "/tme", true},
		{"/time", "/TIMES", true},
		{"/time", "/time", false},
		{"/time", "/TIME", false},
		{"/time", "/timess", false},
		{"/time", "/emit", false},
		{"/menu", "/price", false},
		{"/caffè", "/caffe", true},
	}
	for _, c := range cases {
		if got := SimilarShortcuts(c.a, c.b); got != c.want {
			t.Errorf("SimilarShortcuts(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestCheckShiftOverlap(t *testing.T) {
	shifts := []Shift{{Window: Window{540, 1020}, Text: "a"}, {Window: Window{1320, 120}, Text: "b"}}
	cases := []struct {
		name    string
		w       Window
		overlap bool
	}{
		{"touching after", Window{1020, 1320}, false},
		{"inside morning", Window{600, 660}, true},
		{"night tail", Window{60, 180}, true},
		{"before night head", Window{1200, 1320}, false},
		{"early morning", Window{120, 540}, false},
		{"whole day", Window{0, 1440}, true},
		{"same", Window{540, 1020}, true},
	}
	for _, c := range cases {
		err := CheckShiftOverlap(shifts, c.w)
		if (err != nil) != c.overlap {
			t.Errorf("%s: CheckShiftOverlap(%s) = %v, want overlap %v", c.name, FormatWindow(c.w), err, c.overlap)
		}
		if err != nil && !strings.Contains(err.Error(), "overlaps") {
			t.Errorf("%s: unclear error %v", c.name, err)
		}
	}
	if err := CheckShiftOverlap(nil, Window{0, 1440}); err != nil {
		t.Errorf("no shifts: %v", err)
	}
}

func validConfig() Config {
	c := DefaultConfig()
	c.TimeZone = "Europe/Rome"
	c.Hours = Week{Set: true}
	c.Hours.Days[time.Monday] = []Window{{540, 780}, {840, 1080}}
	c.Hours.Days[time.Friday] = []Window{{1320, 120}}
	c.Holidays = []Holiday{{From: "2026-12-24", To: "2027-01-06", Name: "Christmas", Message: "Back {next_open}"}}
	c.Away = AwayConfig{On: true, Text: "Closed, back {next_open}.", When: WhenClosed, AfterMinutes: 15,
		Shifts: []Shift{{Window: Window{1020, 1440}, Text: "Evening team"}, {Window: Window{0, 540}, Text: "Night"}}}
	c.Greeting = GreetingConfig{On: false, When: WhenAlways, AfterDays: 14}
	c.Keywords = []Keyword{{ID: 1, Phrases: []string{"richiesta ordine", "ordine"}, Text: "Send the list"}}
	c.QuickReplies = []QuickReply{
		{Shortcuts: []string{"/time", "/hours"}, Text: "{hours}"},
		{Shortcuts: []string{"/times"}, Text: "similar is only a warning"},
	}
	c.Profile = Profile{Name: "Bar Roma", About: "Coffee", Website: "https://bar.example"}
	c.Admins = []UserID{"393331234567"}
	return c
}

func TestValidateConfig(t *testing.T) {
	if err := ValidateConfig(validConfig(), testSelf); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	if err := ValidateConfig(DefaultConfig(), testSelf); err != nil {
		t.Fatalf("default config refused: %v", err)
	}
	cases := []struct {
		name    string
		change  func(c *Config)
		wantErr string
	}{
		{"bad zone", func(c *Config) { c.TimeZone = "Mars/Base" }, `time_zone: "Mars/Base"`},
		{"bad lang", func(c *Config) { c.Lang = "nl" }, `lang: "nl"`},
		{"variant in an unknown language", func(c *Config) { c.Away.Variants = Variants{"nl": "Gesloten"} }, `away.variants: "nl" is not a supported language`},
		{"variant text refused", func(c *Config) { c.Greeting.Variants = Variants{"es": "Hola {nombre}"} }, "greeting.variants.es: unknown placeholder {nombre}"},
		{"keyword variant empty", func(c *Config) {
			c.Keywords = []Keyword{{ID: 1, Phrases: []string{"precio"}, Text: "Prices", Variants: Variants{"es": " "}}}
		}, "keywords[0].variants.es: the text is empty"},
		{"window out of range", func(c *Config) { c.Hours.Days[time.Tuesday] = []Window{{540, 1500}} }, "hours.tue: end 1500 is out of range"},
		{"negative start", func(c *Config) { c.Hours.Days[time.Sunday] = []Window{{-5, 60}} }, "hours.sun: start -5"},
		{"empty window", func(c *Config) { c.Hours.Days[time.Monday] = []Window{{540, 540}} }, "hours.mon"},
		{"overlapping windows", func(c *Config) { c.Hours.Days[time.Monday] = []Window{{540, 780}, {700, 900}} }, "hours.mon: windows 09:00-13:00 and 11:40-15:00 overlap"},
		{"bad holiday date", func(c *Config) { c.Holidays[0].From = "2026-13-01" }, "holidays[0].from"},
		{"holiday backwards", func(c *Config) { c.Holidays[0].To = "2026-12-01" }, "holidays[0]: ends (2026-12-01) before it starts"},
		{"holiday message placeholder", func(c *Config) { c.Holidays[0].Message = "{reopen}" }, "holidays[0].message: unknown placeholder {reopen}"},
		{"away after", func(c *Config) { c.Away.AfterMinutes = 90 }, "away.after_minutes: 90 is out of range 5-60"},
		{"away after zero", func(c *Config) { c.Away.AfterMinutes = 0 }, "away.after_minutes: 0 is out of range 5-60"},
		{"away when", func(c *Config) { c.Away.When = WhenOpen }, `away.when: "open"`},
		{"away text too long", func(c *Config) { c.Away.Text = strings.Repeat("x", 300) }, "away.text: the text is 300 characters long"},
		{"greeting after", func(c *Config) { c.Greeting.AfterDays = 400 }, "greeting.after_days: 400 is out of range 1-365"},
		{"greeting when", func(c *Config) { c.Greeting.When = "never" }, `greeting.when: "never"`},
		{"shift overlap", func(c *Config) { c.Away.Shifts = append(c.Away.Shifts, Shift{Window: Window{1380, 60}, Text: "x"}) }, "away.shifts[2].window"},
		{"shift text", func(c *Config) { c.Away.Shifts[0].Text = "" }, "away.shifts[0].text"},
		{"greeting shift window", func(c *Config) { c.Greeting.Shifts = []Shift{{Window: Window{0, 2000}, Text: "x"}} }, "greeting.shifts[0].window"},
		{"keyword no phrase", func(c *Config) { c.Keywords[0].Phrases = nil }, "keywords[0].phrases: no phrase"},
		{"keyword punctuation phrase", func(c *Config) { c.Keywords[0].Phrases = []string{"?!"} }, "keywords[0].phrases[0]"},
		{"keyword text", func(c *Config) { c.Keywords[0].Text = "" }, "keywords[0].text"},
		{"keyword duplicate id", func(c *Config) { c.Keywords = append(c.Keywords, Keyword{ID: 1, Phrases: []string{"x"}, Text: "y"}) }, "keywords[1].id"},
		{"shortcut invalid", func(c *Config) { c.QuickReplies[0].Shortcuts[1] = "/h" }, "quick_replies[0].shortcuts[1]"},
		{"shortcut duplicate across replies", func(c *Config) { c.QuickReplies[1].Shortcuts = []string{"/TIME"} }, "quick_replies[1].shortcuts[0]: /time is already used by quick_replies[0]"},
		{"reply without shortcut", func(c *Config) { c.QuickReplies[1].Shortcuts = nil }, "quick_replies[1].shortcuts"},
		{"reply text", func(c *Config) { c.QuickReplies[0].Text = "{price}" }, "quick_replies[0].text"},
		{"profile name", func(c *Config) { c.Profile.Name = strings.Repeat("é", 26) }, "profile.name: 26 characters; the limit is 25"},
		{"profile about", func(c *Config) { c.Profile.About = strings.Repeat("a", 141) }, "profile.about: 141 characters; the limit is 140"},
		{"admin lid", func(c *Config) { c.Admins = []UserID{"lid:123456789"} }, "admins[0]"},
		{"admin short", func(c *Config) { c.Admins = []UserID{"12345"} }, "admins[0]: \"12345\" has 5 digits"},
		{"admin long", func(c *Config) { c.Admins = []UserID{"1234567890123456"} }, "has 16 digits"},
		{"admin plus", func(c *Config) { c.Admins = []UserID{"+39333"} }, "admins[0]"},
		{"zone Local", func(c *Config) { c.TimeZone = "Local" }, `time_zone: "Local" is not an IANA time zone name`},
		{"zone in lower case", func(c *Config) { c.TimeZone = "europe/rome" }, `time_zone: "europe/rome"`},
		{"javascript website", func(c *Config) { c.Profile.Website = "javascript:alert(1)" }, "profile.website"},
		{"phone abc", func(c *Config) { c.Profile.Phone = "abc" }, "profile.phone"},
		{"own number as admin", func(c *Config) { c.Admins = []UserID{testSelf} }, "admins[0]: +15550100 is the business's own number"},
		{"duplicate admins", func(c *Config) { c.Admins = append(c.Admins, c.Admins[0]) }, "admins[1]: +393331234567 is already admins[0]"},
		{"admin with 00", func(c *Config) { c.Admins = []UserID{"00393331234567"} }, "starts with 00"},
		{"NUL in the name", func(c *Config) { c.Profile.Name = "Bar\x00" }, "profile.name: it holds the control character NUL"},
		{"newline in the name", func(c *Config) { c.Profile.Name = "Bar\nRoma" }, "profile.name: it holds the control character line break"},
		{"braces in the address", func(c *Config) { c.Profile.Address = "{name}" }, "profile.address"},
		{"invalid UTF-8 in a text", func(c *Config) { c.Away.Text = "ciao \xff" }, "away.text: the text is refused: it is not valid UTF-8"},
		{"DEL in a text", func(c *Config) { c.Keywords[0].Text = "a\x7f" }, "keywords[0].text: the text is refused: it holds the control character U+007F"},
		{"phrase too long", func(c *Config) { c.Keywords[0].Phrases[0] = strings.Repeat("é", 61) }, "keywords[0].phrases[0]: the phrase has 61 characters; it needs 1 to 60"},
		{"too many keywords", func(c *Config) {
			for i := 0; i < MaxKeywords; i++ {
				c.Keywords = append(c.Keywords, Keyword{ID: 100 + i, Phrases: []string{"x"}, Text: "y"})
			}
		}, "keywords: 501 keyword answers; the limit is 500"},
		{"/menu is reserved", func(c *Config) { c.QuickReplies[1].Shortcuts = []string{"/MENU"} }, "quick_replies[1].shortcuts[0]: /menu is reserved"},
		{"huge value quoted short", func(c *Config) { c.Lang = strings.Repeat("x", 100000) }, `lang: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"… is not`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := validConfig()
			c.change(&cfg)
			err := ValidateConfig(cfg, testSelf)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("error = %v, want one containing %q", err, c.wantErr)
			}
		})
	}
	t.Run("a newline is fine in a text", func(t *testing.T) {
		cfg := validConfig()
		cfg.Away.Text = "Closed.\nBack {next_open}."
		if err := ValidateConfig(cfg, testSelf); err != nil {
			t.Error(err)
		}
	})
	t.Run("several problems are all reported", func(t *testing.T) {
		cfg := validConfig()
		cfg.Lang = "nl"
		cfg.Away.AfterMinutes = 1
		err := ValidateConfig(cfg, testSelf)
		if err == nil || !strings.Contains(err.Error(), "lang") || !strings.Contains(err.Error(), "away.after_minutes") {
			t.Errorf("error = %v, want both lang and away.after_minutes", err)
		}
	})
	t.Run("away and greeting may be on with an empty text (reported by !check)", func(t *testing.T) {
		cfg := validConfig()
		cfg.Away.On, cfg.Away.Text = true, ""
		cfg.Greeting.On, cfg.Greeting.Text = true, ""
		if err := ValidateConfig(cfg, testSelf); err != nil {
			t.Error(err)
		}
	})
}

// testSelf is the business's own number in validation tests.
const testSelf UserID = "15550100"
