package commands

import (
	"strings"
	"testing"
	"unicode/utf8"

	"frontdesk/bot"
)

// TestImportRefusesWhatCommandsRefuse: a document is refused, with the
// field named, for every value a command would refuse.
func TestImportRefusesWhatCommandsRefuse(t *testing.T) {
	const own = bot.UserID("390212345670")
	good := string(mustEncode(t, fullConfig()))
	edit := func(change func(*bot.Config)) string {
		cfg := fullConfig()
		change(&cfg)
		return string(mustEncode(t, cfg))
	}
	days := func(n int) string {
		d := strings.Repeat("[], ", n-1) + "[]"
		cfg := fullConfig()
		cfg.Hours = bot.Week{Set: true}
		return strings.Replace(string(mustEncode(t, cfg)), `"days": [
        [],
        [],
        [],
        [],
        [],
        [],
        []
      ]`, `"days": [`+d+`]`, 1)
	}
	tests := []struct {
		name, doc, want string
	}{
		{"time zone Local", edit(func(c *bot.Config) { c.TimeZone = "Local" }), `time_zone: "Local" is not an IANA time zone name`},
		{"time zone not as spelled", edit(func(c *bot.Config) { c.TimeZone = "europe/rome" }), `time_zone: "europe/rome" is not a known IANA time zone`},
		{"javascript website", edit(func(c *bot.Config) { c.Profile.Website = "javascript:alert(1)" }), "profile.website: \"javascript:alert(1)\" is not a web address"},
		{"ftp catalog", edit(func(c *bot.Config) { c.Profile.Catalog = "ftp://example.com" }), "profile.catalog"},
		{"booking without host", edit(func(c *bot.Config) { c.Profile.Booking = "https://" }), "profile.booking"},
		{"phone abc", edit(func(c *bot.Config) { c.Profile.Phone = "abc" }), `profile.phone: "abc" is not a phone number`},
		{"own number as admin", edit(func(c *bot.Config) { c.Admins = []bot.UserID{own} }), "admins[0]: +390212345670 is the business's own number"},
		{"duplicate admins", edit(func(c *bot.Config) { c.Admins = []bot.UserID{"393331234567", "393331234567"} }), "admins[1]: +393331234567 is already admins[0]"},
		{"admin with 00", edit(func(c *bot.Config) { c.Admins = []bot.UserID{"00393331234567"} }), "admins[0]: \"00393331234567\" starts with 00"},
		{"6 days of hours", days(6), "hours.days: 6 days given; give exactly 7"},
		{"8 days of hours", days(8), "hours.days: 8 days given; give exactly 7"},
		{"NUL in the business name", edit(func(c *bot.Config) { c.Profile.Name = "Bar\x00Sport" }), "profile.name: it holds the control character NUL"},
		{"newline in the business name", edit(func(c *bot.Config) { c.Profile.Name = "Bar\nSport" }), "profile.name: it holds the control character line break"},
		{"braces in the address", edit(func(c *bot.Config) { c.Profile.Address = "Via {name}" }), "profile.address: business details cannot hold { or }"},
		{"tab in a text", edit(func(c *bot.Config) { c.Away.Text = "Closed\tnow" }), "away.text: the text is refused: it holds the control character tab"},
		{"C1 control in a text", edit(func(c *bot.Config) { c.Greeting.Text = "Hi\u0085" }), "greeting.text: the text is refused: it holds the control character U+0085"},
		{"control character in a holiday name", edit(func(c *bot.Config) { c.Holidays[0].Name = "Natale\x1b" }), "holidays[0].name"},
		{"invalid UTF-8", strings.Replace(good, "Bar Sport", "Bar \xff Sport", 1), "not valid UTF-8 text (at byte"},
		{"phrase of 61 characters", edit(func(c *bot.Config) { c.Keywords[0].Phrases[0] = strings.Repeat("a", 61) }), "keywords[0].phrases[0]: the phrase has 61 characters; it needs 1 to 60"},
		{"phrase on two lines", edit(func(c *bot.Config) { c.Keywords[0].Phrases[0] = "a\nb" }), "keywords[0].phrases[0]: it holds the control character line break"},
		{"501 keyword answers", edit(func(c *bot.Config) {
			for i := 0; i < 500; i++ {
				c.Keywords = append(c.Keywords, bot.Keyword{ID: 100 + i, Phrases: []string{"p"}, Text: "t"})
			}
		}), "keywords: 501 keyword answers; the limit is 500"},
		{"501 quick replies", edit(func(c *bot.Config) {
			for i := 0; i < 500; i++ {
				c.QuickReplies = append(c.QuickReplies, bot.QuickReply{Shortcuts: []string{"/q" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26))}, Text: "t"})
			}
		}), "quick_replies: 501 quick replies; the limit is 500"},
		{"/menu is reserved", edit(func(c *bot.Config) { c.QuickReplies[0].Shortcuts = []string{"/menu"} }), "quick_replies[0].shortcuts[0]: /menu is reserved"},
		{"a list, not a document", "[1,2,3]", `not a frontdesk export: the document must be a JSON object like {"frontdesk": 1, "config": {...}}, not a JSON array`},
		{"a list for the admins", strings.Replace(good, `"admins": [`, `"admins": "x", "unused": [`, 1), "config.admins should be a list [...], not a JSON string"},
		{"over 1 MB", good[:len(good)-1] + strings.Repeat(" ", bot.MaxImportBytes) + "}", "the document is 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.doc == good {
				t.Fatal("the edit changed nothing")
			}
			_, err := DecodeConfig([]byte(tt.doc), own)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want error with %q, got %v", tt.want, err)
			}
			if strings.Contains(err.Error(), "commands.") || strings.Contains(err.Error(), "bot.") || strings.Contains(err.Error(), "exportDoc") {
				t.Errorf("the error shows Go names: %v", err)
			}
		})
	}
}

// TestImportErrorNamesAtMostTenProblems: a document with many problems,
// and huge values, gets a short answer.
func TestImportErrorNamesAtMostTenProblems(t *testing.T) {
	cfg := fullConfig()
	for i := 0; i < 25; i++ {
		cfg.Keywords = append(cfg.Keywords, bot.Keyword{ID: 100 + i, Phrases: []string{strings.Repeat("x", 30000)}, Text: "t"})
	}
	_, err := DecodeConfig(mustEncode(t, cfg), "")
	if err == nil {
		t.Fatal("accepted")
	}
	msg := err.Error()
	if n := strings.Count(msg, "keywords["); n != 10 {
		t.Errorf("%d problems named, want 10:\n%s", n, msg)
	}
	if !strings.HasSuffix(msg, "\nand 15 more") {
		t.Errorf("no count of the rest:\n%s", msg)
	}
	if n := utf8.RuneCountInString(msg); n > 2000 {
		t.Errorf("the error has %d characters", n)
	}

	ob := newTestBot(t)
	ob.must("!lang it")
	doc := mustEncode(t, cfg)
	got := ob.owner(string(doc))
	contains(t, "italian", got, "Importazione rifiutata, non è cambiato nulla: configurazione non valida: keywords[1].phrases[0]: la frase ha", "\ne altri 15")
}

// TestCommandsAndImportAgree: for each value, a command accepts it exactly
// when an imported document holding the value (as the command would store
// it) is accepted.
func TestCommandsAndImportAgree(t *testing.T) {
	tests := []struct {
		command string
		set     func(c *bot.Config, v string)
		values  []string
	}{
		{"!profile website ", func(c *bot.Config, v string) { c.Profile.Website = v },
			[]string{"https://example.com", "http://a.b/c?d=1", "javascript:alert(1)", "ftp://x.y", "example.com", "https://", "https://a.b/{name}"}},
		{"!profile phone ", func(c *bot.Config, v string) { c.Profile.Phone = v },
			[]string{"+39 02 1234567", "abc", "12345", "0039 02 1234567", "+39 02 123 4567 890 123 45"}},
		{"!profile name ", func(c *bot.Config, v string) { c.Profile.Name = v },
			[]string{"Bar Sport", strings.Repeat("a", 26), "Bar\x00Sport", "Bar\u0085x", "Bar {x}"}},
		{"!admin add ", func(c *bot.Config, v string) { c.Admins = []bot.UserID{bot.PhoneID(v)} },
			[]string{"+39 333 1234567", "+" + string(ownerNum), "0039 333 1234567", "12345"}},
		{"!tz ", func(c *bot.Config, v string) { c.TimeZone = v },
			[]string{"Europe/Rome", "America/New_York", "UTC", "Local", "Mars/Base"}},
	}
	for _, tt := range tests {
		for _, v := range tt.values {
			ob := newTestBot(t)
			answer := ob.owner(tt.command + v)
			byCommand := !strings.Contains(answer, "Usage:") && !strings.Contains(answer, "Refused") && !strings.Contains(answer, "not") && !strings.Contains(answer, "cannot")
			cfg := bot.DefaultConfig()
			tt.set(&cfg, v)
			_, err := DecodeConfig(mustEncode(t, cfg), ownerNum)
			if byImport := err == nil; byImport != byCommand {
				t.Errorf("%s%q: command accepted %v (%q), import accepted %v (%v)", tt.command, v, byCommand, answer, byImport, err)
			}
		}
	}
}
