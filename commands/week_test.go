package commands

import (
	"strings"
	"testing"
)

func TestWeek(t *testing.T) {
	ob := newTestBot(t)
	ob.must("!tz Europe/Rome", "!hours mon-fri 09:00-13:00 14:00-18:00", "!hours sat 22:00-02:00",
		"!holiday add 2026-11-27 Closed for inventory, back {next_open}.",
		"!away text Closed; back {next_open}.", "!away on",
		"!greeting text Hi!", "!greeting on", "!greeting when open",
		"!kw add price = See the menu")
	got := ob.owner("!week")
	want := []string{
		"The next 7 days (Europe/Rome):",
		"Keyword answers (1) work at any hour.",
		"Wed 25 Nov: 09:00-13:00, 14:00-18:00 · away outside these hours · greeting during these hours",
		"Thu 26 Nov: 09:00-13:00, 14:00-18:00 · away outside these hours",
		"Fri 27 Nov: holiday, closed · holiday message “Closed for inventory, back {next_open}.” all day · no greeting (closed)",
		"Sat 28 Nov: 22:00-24:00 · away outside these hours",
		"Sun 29 Nov: 00:00-02:00 · away outside these hours",
		"Mon 30 Nov: 09:00-13:00",
		"Tue 1 Dec: 09:00-13:00",
	}
	contains(t, "week", got, want...)
	if n := strings.Count(got, "\n"); n != 8 {
		t.Errorf("want a header, the keyword line and 7 days, got %d lines:\n%s", n+1, got)
	}
	if strings.Contains(got, "Wed 2 Dec") {
		t.Errorf("an eighth day:\n%s", got)
	}

	ob.must("!away when always", "!greeting when always", "!off")
	got = ob.owner("!week")
	contains(t, "always", got, "Kill switch: ON", "Wed 25 Nov: 09:00-13:00, 14:00-18:00 · away all day · greeting any time")
	contains(t, "extra words", ob.owner("!week 2"), "Usage: !week")
}

func TestWeekWithoutHours(t *testing.T) {
	ob := newTestBot(t)
	ob.must("!away text Closed.", "!away on")
	contains(t, "no hours", ob.owner("!week"), "Wed 25 Nov: open all day (no hours set) · no away (open all day)")
}
