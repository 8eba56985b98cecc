package commands

import (
	"testing"
	"time"
)

// The tests of the owner's review, team and data commands (status, check,
// simulate, week, log, admin, export/import, forget) drive a real bot on a
// real SQLite store through bot.HandleMessage, as WhatsApp would, and look
// at every message that went out and to whom.

func TestStatus(t *testing.T) {
	ob := newTestBot(t)
	got := ob.owner("!status")
	contains(t, "fresh", got,
		"Away: off", "Greeting: off", "Keyword answers: 0", "Quick replies: 0",
		"Kill switch: off", "Time zone: Europe/Rome (the computer's", "Now: open (no hours set",
		"Last automatic message: none yet", "Linked number: +390298765430",
		"switch off the WhatsApp Business app's own away and greeting messages")

	ob.must("!tz Europe/Rome", "!hours mon-fri 09:00-18:00",
		"!away text Closed now; back {next_open}.", "!away on", "!kw add price = See {website}")
	contains(t, "open", ob.owner("!status"), "Now: open until today 18:00", "Next opening: tomorrow 09:00")
	ob.clock.Set(time.Date(2026, 11, 25, 21, 0, 0, 0, ob.b.Schedule().Loc))
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
	ob := newTestBot(t)
	contains(t, "extra words", ob.owner("!status now"), "Unexpected", "Usage: !status")
}
