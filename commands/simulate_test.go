package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseSimulateCustomer(t *testing.T) {
	rome := mustZone("Europe/Rome")
	for _, tt := range []struct{ args, phone, lang string }{
		{"sat 21:00 new +34 hola", "34", ""},
		{"sat 21:00 +34 600 123-456 hola", "34600123456", ""},
		{"sat 21:30 new +34 2 cafés por favor", "34", ""},
		{"sat 21:30 new +34 600 12 34 56 3 cafés", "34600123456", ""},
		{"sat 21:30 new +39 333 123 4567 1000 coperti", "393331234567", ""},
		{"sat 21:30 new +34-600 hola", "", ""},
		{"sat 21:00 known es hola", "", "es"},
		{"sat 21:00 es", "", ""},
		{"sat 21:00 hello", "", ""},
	} {
		got, err := parseSimulate(NewCall(nil, wed10), strings.Fields(tt.args), wed10, rome)
		if err != nil {
			t.Fatalf("%s: %v", tt.args, err)
		}
		if string(got.Phone) != tt.phone || got.Lang != tt.lang {
			t.Errorf("%s: phone %q lang %q, want %q %q", tt.args, got.Phone, got.Lang, tt.phone, tt.lang)
		}
	}
}

func TestParseSimulate(t *testing.T) {
	rome := mustZone("Europe/Rome")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, rome) }
	tests := []struct {
		name    string
		args    string
		want    time.Time
		new     bool
		textArg int
		err     string // part of the refusal, "" when accepted
	}{
		{"weekday ahead", "sat 21:30 hello", at(2026, 11, 28, 21, 30), true, 2, ""},
		{"same weekday is today, time ahead", "wed 21:00 hi", at(2026, 11, 25, 21, 0), true, 2, ""},
		{"same weekday is today, time passed", "wed 08:00 hi", at(2026, 11, 25, 8, 0), true, 2, ""},
		{"weekday behind is next week", "tue 09:00 hi", at(2026, 12, 1, 9, 0), true, 2, ""},
		{"long and Italian weekday", "Domenica 9:05 ciao", at(2026, 11, 29, 9, 5), true, 2, ""},
		{"today", "today 23:59 hi", at(2026, 11, 25, 23, 59), true, 2, ""},
		{"tomorrow in Italian", "domani 00:00 ciao", at(2026, 11, 26, 0, 0), true, 2, ""},
		{"date", "2026-12-24 18:30 hi", at(2026, 12, 24, 18, 30), true, 2, ""},
		{"known customer", "mon 10:00 known where are you", at(2026, 11, 30, 10, 0), false, 3, ""},
		{"new said explicitly", "mon 10:00 NEW hi", at(2026, 11, 30, 10, 0), true, 3, ""},
		{"DST day keeps the wall clock", "2027-03-28 10:00 hi", at(2027, 3, 28, 10, 0), true, 2, ""},
		{"nothing", "", time.Time{}, false, 0, "Give a day, a time"},
		{"no time", "mon", time.Time{}, false, 0, "Give a day, a time"},
		{"no text", "mon 10:00", time.Time{}, false, 0, "text is missing"},
		{"kind but no text", "mon 10:00 known", time.Time{}, false, 0, "text is missing"},
		{"unknown day", "funday 10:00 hi", time.Time{}, false, 0, `"funday" is not a day`},
		{"day range", "mon-fri 10:00 hi", time.Time{}, false, 0, "is not a day"},
		{"day word for many days", "weekend 10:00 hi", time.Time{}, false, 0, "is not a day"},
		{"impossible date", "2026-02-30 10:00 hi", time.Time{}, false, 0, "is not a day"},
		{"time out of range", "mon 25:00 hi", time.Time{}, false, 0, `"25:00" is not a time`},
		{"24:00 is not a moment", "mon 24:00 hi", time.Time{}, false, 0, "is not a time"},
		{"time without minutes", "mon 9 hi", time.Time{}, false, 0, "is not a time"},
		{"number", "sat 21:00 new +34 hola", at(2026, 11, 28, 21, 0), true, 4, ""},
		{"number in groups", "sat 21:00 +34 600 123-456 hola", at(2026, 11, 28, 21, 0), true, 5, ""},
		{"a one-digit word after the number is the text", "sat 21:30 new +34 2 cafés por favor", at(2026, 11, 28, 21, 30), true, 4, ""},
		{"a group that would pass 15 digits is the text", "sat 21:30 new +39 333 123 4567 1000 coperti", at(2026, 11, 28, 21, 30), true, 7, ""},
		{"language", "sat 21:00 known es hola", at(2026, 11, 28, 21, 0), false, 4, ""},
		{"a language word alone is the text", "sat 21:00 it", at(2026, 11, 28, 21, 0), true, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCall(nil, wed10)
			got, err := parseSimulate(c, strings.Fields(tt.args), wed10, rome)
			if tt.err != "" {
				var ue *UsageError
				if err == nil || !errors.As(err, &ue) || !strings.Contains(ue.Reason, tt.err) {
					t.Fatalf("want usage error with %q, got %v", tt.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.At.Equal(tt.want) || got.At.Location() != rome || got.New != tt.new || got.TextArg != tt.textArg {
				t.Errorf("got %v new=%v text at %d, want %v new=%v text at %d", got.At, got.New, got.TextArg, tt.want, tt.new, tt.textArg)
			}
		})
	}
}

func TestSimulateAnswersOnlyTheAsker(t *testing.T) {
	ob := newTestBot(t)
	ob.must("!tz Europe/Rome", "!hours mon-fri 09:00-18:00",
		"!away text Closed; back {next_open}.", "!away on",
		"!greeting text Hi {name}!", "!greeting on", "!greeting when open",
		"!kw add price = Prices: see the menu", "!admin add +39 347 0000001")
	before, err := ob.db.RecentSent(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}

	got := ob.owner("!simulate sat 21:30 new what is the price?")
	contains(t, "closed, new", got, "A new customer writing “what is the price?” on Sat 28 Nov 21:30",
		"(keyword + away):\n\nPrices: see the menu\n\nClosed; back Monday 09:00.",
		"greeting: only when open, and closed now")

	got = ob.owner("!simulate wed 12:00 known hello")
	contains(t, "open, known", got, "A known customer", "Nothing would be sent.", "greeting: known customer", "away: open now")

	got = ob.owner("!simulate today 11:00 hello")
	contains(t, "open, new", got, "(greeting):\n\nHi!")

	ob.must("!off")
	got = ob.owner("!simulate sun 10:00 hello")
	contains(t, "kill switch", got, "Nothing would be sent: the kill switch is on", "Otherwise it would get (away):")

	// An admin asks from their own chat: the answer goes there only.
	ob.from("393470000001", "!simulate sun 10:00 hello")
	contains(t, "admin", ob.answers("393470000001"), "Nothing would be sent: the kill switch is on")

	// Nothing was recorded or sent to any customer.
	after, err := ob.db.RecentSent(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("simulate recorded sends: %v", after)
	}
	if pending, err := ob.db.PendingOutgoing(context.Background(), 10); err != nil || len(pending) != 0 {
		t.Errorf("simulate queued messages: %v, %v", pending, err)
	}

	for _, bad := range []string{"!simulate", "!simulate sat", "!simulate sat 21:30", "!simulate someday 21:30 hi", "!simulate sat 9pm hi"} {
		got := ob.owner(bad)
		contains(t, bad, got, "Usage: !simulate <mon..sun|today|tomorrow|YYYY-MM-DD> <HH:MM> [new|known] [+number|language] <text>")
	}
}
