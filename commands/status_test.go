package commands

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/storage"
)

// The tests of the owner's review, team and data commands (status, check,
// simulate, week, log, admin, export/import, forget) drive a real bot on a
// real SQLite store through bot.HandleMessage, as WhatsApp would, and look
// at every message that went out and to whom.

// ownerNum is the linked account in these tests.
const ownerNum = bot.UserID("390298765430")

// ownerBot is a real bot on real storage with a settable clock.
type ownerBot struct {
	t    *testing.T
	b    *bot.Bot
	db   *storage.DB
	msgs *recordingMessenger
	now  time.Time
	n    int
}

// wed10 is Wednesday 25 November 2026, 10:00 in Rome.
var wed10 = time.Date(2026, 11, 25, 10, 0, 0, 0, mustZone("Europe/Rome"))

// newOwnerBot starts a bot at wed10. A non-nil stored configuration is
// written to the database first, as is, without validation: that is how
// the tests reach states the commands would refuse.
func newOwnerBot(t *testing.T, stored *bot.Config) *ownerBot {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "owner.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if stored != nil {
		if err := db.SaveConfig(ctx, *stored, nil); err != nil {
			t.Fatal(err)
		}
	}
	ob := &ownerBot{t: t, db: db, msgs: &recordingMessenger{}, now: wed10}
	ob.b, err = bot.New(ctx, bot.Options{
		Store: db, Messenger: ob.msgs, Clock: bot.ClockFunc(func() time.Time { return ob.now }),
		Commands: New(), Self: ownerNum, HostZone: mustZone("Europe/Rome"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return ob
}

func (ob *ownerBot) id() string {
	ob.n++
	return fmt.Sprintf("in%d", ob.n)
}

// owner sends text in the self chat and returns the answers, failing when
// anything went to another chat.
func (ob *ownerBot) owner(text string) string {
	ob.t.Helper()
	err := ob.b.HandleMessage(context.Background(), bot.Message{
		ID: ob.id(), Chat: ownerNum, Kind: bot.OwnerSelf, Text: text, Sent: ob.now})
	if err != nil {
		ob.t.Fatalf("owner %q: %v", text, err)
	}
	return ob.answers(ownerNum)
}

// from sends text as someone writing in their 1:1 chat (customer or
// admin; chat may be a LID) and delivers what is due.
func (ob *ownerBot) from(chat bot.UserID, text string) {
	ob.t.Helper()
	err := ob.b.HandleMessage(context.Background(), bot.Message{
		ID: ob.id(), Chat: chat, Kind: bot.FromCustomer, Text: text, Sent: ob.now})
	if err != nil {
		ob.t.Fatalf("%s %q: %v", chat, text, err)
	}
	if err := ob.b.Tick(context.Background()); err != nil {
		ob.t.Fatalf("tick: %v", err)
	}
}

// answers returns what was sent to chat, joined, failing when anything
// went elsewhere.
func (ob *ownerBot) answers(chat bot.UserID) string {
	ob.t.Helper()
	var texts []string
	for _, m := range ob.msgs.take() {
		if m.To != chat {
			ob.t.Fatalf("unexpected message to %s: %q", m.To, m.Text)
		}
		texts = append(texts, m.Text)
	}
	return strings.Join(texts, "\n---\n")
}

// must runs owner commands that must be accepted.
func (ob *ownerBot) must(lines ...string) {
	ob.t.Helper()
	for _, l := range lines {
		if a := ob.owner(l); a == "" || strings.Contains(a, "Usage:") || strings.Contains(a, "Sorry") || strings.Contains(a, "Refused") {
			ob.t.Fatalf("%q was refused: %q", l, a)
		}
	}
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: want %q in\n%s", what, w, got)
		}
	}
}

func TestStatus(t *testing.T) {
	ob := newOwnerBot(t, nil)
	got := ob.owner("!status")
	contains(t, "fresh", got,
		"Away: off", "Greeting: off", "Keyword answers: 0", "Quick replies: 0",
		"Kill switch: off", "Time zone: Europe/Rome (the computer's", "Now: open (no hours set",
		"Last automatic message: none yet", "Linked number: +390298765430",
		"switch off the WhatsApp Business app's own away and greeting messages")

	ob.must("!tz Europe/Rome", "!hours mon-fri 09:00-18:00",
		"!away text Closed now; back {next_open}.", "!away on", "!kw add price = See {website}")
	contains(t, "open", ob.owner("!status"), "Now: open until today 18:00", "Next opening: tomorrow 09:00")
	ob.now = time.Date(2026, 11, 25, 21, 0, 0, 0, ob.b.Schedule().Loc)
	ob.from("393331234567", "hello")
	if got := ob.answers("393331234567"); got != "Closed now; back tomorrow 09:00." {
		t.Fatalf("away message: %q", got)
	}
	ob.owner("!pause 2h")
	got = ob.owner("!status")
	contains(t, "configured", got,
		"Away: on — “Closed now; back {next_open}.” (when closed, after 15 min)",
		"Keyword answers: 1", "Kill switch: ON", "until today 23:00", "Time zone: Europe/Rome\n",
		"Now: closed until tomorrow 09:00",
		"Last automatic message: Wed 25 Nov 21:00 to +393331234567 (away)")

	ob.must("!lang it")
	contains(t, "italian", ob.owner("!status"), "Assenza: attivo", "Ora: chiuso fino a domani alle 09:00")
}

func TestStatusRefusesArguments(t *testing.T) {
	ob := newOwnerBot(t, nil)
	contains(t, "extra words", ob.owner("!status now"), "Unexpected", "Usage: !status")
}
