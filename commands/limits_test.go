package commands

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"frontdesk/bot"
)

// manyConfig has n keyword answers, quick replies and holidays.
func manyConfig(n int) bot.Config {
	cfg := bot.DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	for i := 0; i < n; i++ {
		cfg.Keywords = append(cfg.Keywords, bot.Keyword{ID: i + 1, Phrases: []string{fmt.Sprintf("word%d", i+1)}, Text: "answer"})
		cfg.QuickReplies = append(cfg.QuickReplies, bot.QuickReply{Shortcuts: []string{fmt.Sprintf("/s%03d", i+1)}, Text: "text"})
		cfg.Holidays = append(cfg.Holidays, bot.Holiday{From: fmt.Sprintf("2027-%02d-%02d", i/28+1, i%28+1), To: fmt.Sprintf("2027-%02d-%02d", i/28+1, i%28+1)})
	}
	return cfg
}

func TestListsPage(t *testing.T) {
	cfg := manyConfig(65)
	ob := newTestBot(t, withStored(cfg))
	tests := []struct {
		command string
		want    []string
		notWant []string
	}{
		{"!kw list", []string{"1. word1 = answer", "30. word30", "Page 1 of 3. Next page: !kw list 2"}, []string{"31. word31"}},
		{"!kw list 3", []string{"61. word61", "65. word65", "Page 3 of 3."}, []string{"60. word60", "Next page"}},
		{"!kw list 4", []string{"There is no page 4: the list has 3.", "Usage: !kw list [page]"}, nil},
		{"!kw list x", []string{`"x" is not a page number`}, nil},
		{"!qr list 2", []string{"Quick replies (65):", "/s031 — text", "/s060", "Page 2 of 3. Next page: !qr list 3"}, []string{"/s030 ", "/s061"}},
		{"!qr list /s0", []string{"Quick replies (65):", "/s001", "Next page: !qr list /s0 2"}, []string{"/s031"}},
		{"!qr list /s0 3", []string{"/s061", "Page 3 of 3."}, []string{"/s060"}},
		{"!qr list /s06", []string{"Quick replies (6):", "/s060", "/s065"}, []string{"Page"}},
		{"!qr stats 3", []string{"Page 3 of 3."}, []string{"Next page"}},
		{"!qr stats", []string{"Next page: !qr stats 2"}, nil},
		{"!qr stale 2", []string{"Page 2 of 3. Next page: !qr stale 3"}, nil},
		{"!holiday list", []string{"1. ", "30. ", "Next page: !holiday list 2"}, []string{"31. "}},
		{"!holiday list 2", []string{"31. ", "60. "}, []string{"61. "}},
	}
	for _, tt := range tests {
		got := ob.owner(tt.command)
		contains(t, tt.command, got, tt.want...)
		for _, nw := range tt.notWant {
			if strings.Contains(got, nw) {
				t.Errorf("%s: %q should not be in\n%s", tt.command, nw, got)
			}
		}
	}
	ob.must("!lang it")
	contains(t, "italian", ob.owner("!kw list"), "Pagina 1 di 3. Pagina successiva: !kw list 2")
}

func TestCheckNamesAtMost20Findings(t *testing.T) {
	cfg := bot.DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	for i := 0; i < 30; i++ {
		// Stored as is: the commands would refuse the placeholder.
		cfg.Keywords = append(cfg.Keywords, bot.Keyword{ID: i + 1, Phrases: []string{"x"}, Text: "see {nope}"})
	}
	ob := newTestBot(t, withStored(cfg))
	got := ob.owner("!check")
	if n := strings.Count(got, "\n• "); n != 20 {
		t.Errorf("%d findings named, want 20:\n%s", n, got)
	}
	contains(t, "check", got, "30 things to fix:", "and 10 more")
}

// TestLongAnswersAreSplit: an owner answer over 4,000 characters (here
// !export) goes out as numbered parts, none over the limit.
func TestLongAnswersAreSplit(t *testing.T) {
	cfg := manyConfig(120)
	ob := newTestBot(t, withStored(cfg))
	msgs := strings.Split(ob.owner("!export"), "\n---\n")
	if len(msgs) < 2 {
		t.Fatalf("%d messages, want several", len(msgs))
	}
	for i, m := range msgs {
		if n := utf8.RuneCountInString(m); n > bot.MaxReplyRunes {
			t.Errorf("part %d has %d characters", i+1, n)
		}
		if want := fmt.Sprintf("(%d/%d)\n", i+1, len(msgs)); !strings.HasPrefix(m, want) {
			t.Errorf("part %d starts %q, want %q", i+1, bot.Clip(m, 20), want)
		}
	}
}

// TestTypedLimits: values typed in commands meet the same limits as
// imported ones.
func TestTypedLimits(t *testing.T) {
	ob := newTestBot(t)
	tests := []struct{ command, want string }{
		{"!kw add " + strings.Repeat("a", 61) + " = text", "is 61 characters long; the limit is 60"},
		{"!away text Closed\tnow", "control character tab"},
		{"!away text Closed\x00now", "control character NUL"},
		{"!profile name Bar\x01", "one line of ordinary characters"},
		{"!qr add /menu Our menu", "/menu is reserved"},
		{"!tz Local", "not a known time zone"},
		{"!profile website javascript:alert(1)", "is not a web address"},
		{"!admin add +" + string(ownerNum), "owner's own number"},
	}
	for _, tt := range tests {
		before := ob.b.Config()
		contains(t, tt.command, ob.owner(tt.command), tt.want)
		if fmt.Sprint(before) != fmt.Sprint(ob.b.Config()) {
			t.Errorf("%q changed the configuration", tt.command)
		}
	}
	ob.must("!away text Line one\nline two")

	full := manyConfig(bot.MaxKeywords)
	ob = newTestBot(t, withStored(full))
	contains(t, "501st keyword", ob.owner("!kw add extra = text"), "You have 500 keyword answers, the most allowed")
	contains(t, "501st quick reply", ob.owner("!qr add /extra text"), "You have 500 quick replies, the most allowed")
}
