package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"frontdesk/bot"
)

func TestCleanName(t *testing.T) {
	long := strings.Repeat("ab", 40)
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Mario Rossi", "Mario Rossi"},
		{"  Mario \t\n  Rossi  ", "Mario Rossi"},
		{"José 🙂", "José 🙂"},
		{"محمد", "محمد"},
		{"Eve\x00\x1b[31m\u0085x", "Eve [31m x"},
		{"\u202eevil\u202c Bob\u2066x\u2069", "evil Bobx"},
		{"bad\xff\xfebytes", "bad bytes"},
		{"\xff\xfe", ""},
		{"\ufffd", ""},
		{long, long[:bot.MaxCustomerNameRunes]},
		// The space at the cut goes too, and a joiner left dangling.
		{strings.Repeat("a", bot.MaxCustomerNameRunes-1) + " b", strings.Repeat("a", bot.MaxCustomerNameRunes-1)},
		{strings.Repeat("a", bot.MaxCustomerNameRunes-1) + "\u200d👩", strings.Repeat("a", bot.MaxCustomerNameRunes-1)},
		{strings.Repeat("é", 70000), strings.Repeat("é", bot.MaxCustomerNameRunes)},
	} {
		if got := bot.CleanName(c.in); got != c.want {
			t.Errorf("CleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A customer's WhatsApp name comes from their phone unchecked: whatever it
// holds, what {name} sends back and what is kept is the cleaned name.
func TestCustomerNameIsCleanedBeforeUseAndKeeping(t *testing.T) {
	h := newHarness(t, func(c *bot.Config) {
		c.Away.On = false
		c.Greeting = bot.GreetingConfig{On: true, Text: "Welcome {name}!", When: bot.WhenAlways, AfterDays: 14}
	})
	ctx := context.Background()
	for i, c := range []struct{ name, want string }{
		{strings.Repeat("a", 70000), strings.Repeat("a", bot.MaxCustomerNameRunes)},
		{"Eve\x00\u202e\nline2", "Eve line2"},
		{"\xff\xfe", ""},
	} {
		chat := bot.PhoneID("39333111222" + string(rune('0'+i)))
		m := bot.Message{ID: "M" + string(rune('0'+i)), Chat: chat, Kind: bot.FromCustomer, Text: "hi", PushName: c.name, Sent: h.now}
		if err := h.b.HandleMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := h.b.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		greeting := "Welcome " + c.want + "!"
		if c.want == "" {
			greeting = "Welcome!"
		}
		if got := h.take(); len(got) != 1 || got[0] != chat.String()+": "+greeting {
			t.Errorf("name %.20q: sent %.80q, want %q", c.name, got, greeting)
		}
		got, err := h.db.Customer(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != c.want {
			t.Errorf("name %.20q: kept %.80q, want %q", c.name, got.Name, c.want)
		}
	}
}

// A name kept before names were cleaned is cleaned when it is sent.
func TestKeptNameIsCleanedWhenSent(t *testing.T) {
	h := newHarness(t, func(c *bot.Config) {
		c.Away.On = false
		c.Keywords = []bot.Keyword{{ID: 1, Phrases: []string{"price"}, Text: "Hi {name}, prices on request."}}
	})
	ctx := context.Background()
	chat := bot.PhoneID("393331112220")
	old := h.now.Add(-time.Hour)
	if err := h.db.RecordInbound(ctx, bot.Inbound{Chat: chat, ID: "OLD", Kind: bot.FromCustomer, Customer: chat,
		Name: "\u202eBob\u0000" + strings.Repeat("x", 100), Sent: old, Received: old, TouchCustomer: true}); err != nil {
		t.Fatal(err)
	}
	h.customer(chat.String(), "NEW", "price?")
	want := chat.String() + ": Hi Bob " + strings.Repeat("x", bot.MaxCustomerNameRunes-4) + ", prices on request."
	if got := h.take(); len(got) != 1 || got[0] != want {
		t.Fatalf("sent %q, want %q", got, want)
	}
}

func TestCleanNameKeepsACleanNameWithoutCopying(t *testing.T) {
	for _, s := range []string{"Mario Rossi", "José 🙂", strings.Repeat("a", bot.MaxCustomerNameRunes)} {
		if n := testing.AllocsPerRun(10, func() { bot.CleanName(s) }); n != 0 {
			t.Errorf("CleanName(%q): %v allocations", s, n)
		}
	}
}

// FuzzCleanName checks what CleanName promises of any name: valid UTF-8,
// at most MaxCustomerNameRunes characters, no control, bidirectional
// control or white space but single inner spaces, no joiner at the end,
// and cleaning it again changes nothing.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"Mario", " a  b ", "\u202ex\u2069", "a\u200d", "\xff", strings.Repeat("ab ", 30)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := bot.CleanName(s)
		if again := bot.CleanName(c); again != c {
			t.Fatalf("CleanName(%q) = %q, and again %q", s, c, again)
		}
		if !utf8.ValidString(c) || utf8.RuneCountInString(c) > bot.MaxCustomerNameRunes ||
			strings.HasPrefix(c, " ") || strings.HasSuffix(c, " ") || strings.Contains(c, "  ") || strings.HasSuffix(c, "\u200d") {
			t.Fatalf("CleanName(%q) = %q", s, c)
		}
		for _, r := range c {
			if r != ' ' && unicode.IsSpace(r) || r < 0x20 || r >= 0x7f && r < 0xa0 || r == utf8.RuneError ||
				r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("CleanName(%q) = %q holds %U", s, c, r)
			}
		}
	})
}

// unreadableCustomers is a store that cannot read a customer.
type unreadableCustomers struct{ bot.Store }

func (unreadableCustomers) Customer(context.Context, bot.UserID) (bot.Customer, error) {
	return bot.Customer{}, errors.New("disk I/O error")
}

// The owner's message in a customer's chat carries the owner's WhatsApp
// name: a quick reply's {name} is the customer's, and when the customer
// cannot be read the message is left for its redelivery, not expanded
// with the owner's name.
func TestShortcutNeverNamesTheOwner(t *testing.T) {
	h := newHarness(t, func(c *bot.Config) {
		c.Away.On = false
		c.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/time"}, Text: "Hi {name}, we open at 9."}}
	})
	chat := bot.PhoneID("393331112220")
	h.customer(chat.String(), "C1", "hello") // no WhatsApp name: the customer is nameless
	h.take()
	typed := bot.Message{ID: "O1", Chat: chat, Kind: bot.OwnerInChat, Text: "/time", PushName: "Olga Owner", Sent: h.now}
	failingThenRedelivered(t, h, unreadableCustomers{h.db}, bot.Options{}, typed)
	// An edit made without the customer would be here too.
	want := chat.String() + "/O1: Hi, we open at 9."
	if got := h.edits(); len(got) != 1 || got[0] != want {
		t.Fatalf("edits %q, want %q", got, want)
	}
}
