package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"frontdesk/bot"
)

// FuzzCustomerMessage sends arbitrary customer messages (text and the
// WhatsApp name their phone sends) to a bot whose every customer text is
// short and uses {name}: whatever a customer sends, the bot must not fail,
// and each automatic message must go to that customer only, be valid
// UTF-8 with no control character but line breaks, and stay as short as
// the configured texts make it: nothing a customer sends may make a reply
// long or odd.
func FuzzCustomerMessage(f *testing.F) {
	for _, s := range []struct {
		text, name string
		who        byte
	}{
		{"hello", "Mario", 0},
		{"price?", strings.Repeat("x", 70000), 1},
		{"/menu", "Eve\x00\u202e", 2},
		{"/time", "\xff\xfe", 3},
		{"prezzo e orari", "\u2066a\u2069\n\tb", 4},
		{strings.Repeat("price ", 20000), "", 5},
		{"\u202eprice\u202c?", "  ", 6},
	} {
		f.Add(s.text, s.name, s.who)
	}
	h := newHarness(f, func(c *bot.Config) {
		c.Away = bot.AwayConfig{On: true, Text: "Closed, {name}; back {next_open}.", When: bot.WhenAlways, AfterMinutes: 15}
		c.Greeting = bot.GreetingConfig{On: true, Text: "Welcome {name}!", When: bot.WhenAlways, AfterDays: 14}
		c.Keywords = []bot.Keyword{
			{ID: 1, Phrases: []string{"price", "prezzo"}, Text: "Prices, {name}: {website}"},
			{ID: 2, Phrases: []string{"orari"}, Text: "Hours {name}: {hours}"},
		}
		c.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/time"}, Text: "Open 9-18, {name}."}}
	})
	ctx := context.Background()
	n := 0
	f.Fuzz(func(t *testing.T, text, name string, who byte) {
		n++
		h.now = h.now.Add(7 * time.Minute)
		chat := bot.PhoneID(fmt.Sprint(393330000000 + int(who%8)))
		m := bot.Message{ID: fmt.Sprint("F", n), Chat: chat, Kind: bot.FromCustomer, Text: text, PushName: name, Sent: h.now}
		if err := h.b.HandleMessage(ctx, m); err != nil {
			t.Fatalf("text %.40q name %.40q: %v", text, name, err)
		}
		if err := h.b.Tick(ctx); err != nil {
			t.Fatalf("text %.40q name %.40q: tick: %v", text, name, err)
		}
		for _, s := range h.wa.Take() {
			if s.To != chat {
				t.Fatalf("text %.40q name %.40q: sent to %s, not %s", text, name, s.To, chat)
			}
			if !utf8.ValidString(s.Text) {
				t.Fatalf("text %.40q name %.40q: sent invalid UTF-8 %q", text, name, s.Text)
			}
			for _, r := range s.Text {
				if r != '\n' && (r < 0x20 || r >= 0x7f && r < 0xa0) {
					t.Fatalf("text %.40q name %.40q: sent the control character %U in %q", text, name, r, s.Text)
				}
			}
			// The configured texts joined (greeting, three keyword answers
			// at most, away) are a few hundred characters.
			if c := utf8.RuneCountInString(s.Text); c > 600 {
				t.Fatalf("text %.40q name %.40q: sent %d characters: %.80q", text, name, c, s.Text)
			}
		}
	})
}
