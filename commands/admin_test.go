package commands

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
)

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in   string
		want bot.UserID
		err  string
	}{
		{"+39 333 1234567", "393331234567", ""},
		{"+1 (555) 010-0100", "15550100100", ""},
		{"39.333.1234567", "393331234567", ""},
		{"123456", "123456", ""},
		{"123456789012345", "123456789012345", ""},
		{"", "", "The phone number is missing"},
		{"12345", "", "has 5 digits; a phone number with country code has 6 to 15"},
		{"1234567890123456", "", "has 16 digits"},
		{"0039 333 1234567", "", "starts with 00"},
		{"+39 333 CALLME", "", "is not a phone number"},
		{"lid:123456789", "", "is not a phone number"},
		{"+", "", "has 0 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parsePhone(NewCall(nil, wed10), tt.in)
			if tt.err != "" {
				var ue *UsageError
				if !errors.As(err, &ue) || !strings.Contains(ue.Reason, tt.err) {
					t.Fatalf("want usage error %q, got %v", tt.err, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestAdmins(t *testing.T) {
	ob := newTestBot(t)
	contains(t, "empty list", ob.owner("!admin list"), "No admins")
	contains(t, "add", ob.owner("!admin add +39 333 1234567"), "+393331234567 is now an admin")
	contains(t, "add again", ob.owner("!admin add 393331234567"), "+393331234567 is already an admin.")
	contains(t, "list", ob.owner("!admin"), "Admins:\n+393331234567")

	// Refusals change nothing.
	before := ob.b.Config()
	for _, tt := range []struct{ cmd, want string }{
		{"!admin add +39 02 9876543 0", "the owner always commands the bot and cannot be added"},
		{"!admin del +390298765430", "the owner cannot be removed"},
		{"!admin del +39 347 0000000", "+393470000000 is not an admin"},
		{"!admin add 12345", "has 5 digits"},
		{"!admin add", "The phone number is missing.\nUsage: !admin add <phone number>"},
		{"!admin frobnicate", "Unknown option"},
	} {
		contains(t, tt.cmd, ob.owner(tt.cmd), tt.want)
	}
	if !reflect.DeepEqual(before, ob.b.Config()) {
		t.Errorf("a refused command changed the configuration")
	}

	// The admin commands from their chat, by phone number and by LID, and
	// gets no automatic replies.
	ob.must("!away text Closed.", "!away when always", "!away on")
	ob.clock.Advance(time.Hour)
	ob.from("393331234567", "hello")
	if got := ob.answers("393331234567"); got != "" {
		t.Errorf("an admin got an automatic reply: %q", got)
	}
	ob.from("393331234567", "!status")
	contains(t, "admin by number", ob.answers("393331234567"), "frontdesk status")
	if err := ob.db.LinkIdentity(context.Background(), "lid:777000111", "393331234567"); err != nil {
		t.Fatal(err)
	}
	ob.from("lid:777000111", "!admin list")
	contains(t, "admin by LID", ob.answers("lid:777000111"), "Admins:\n+393331234567")

	// Admins may not manage admins.
	ob.from("lid:777000111", "!admin add +39 347 1111111")
	contains(t, "admin adds", ob.answers("lid:777000111"), "Only the owner can add or remove admins.")
	ob.from("393331234567", "!admin del +39 333 1234567")
	contains(t, "admin removes", ob.answers("393331234567"), "Only the owner can add or remove admins.")

	contains(t, "del", ob.owner("!admin del +39 333 1234567"), "+393331234567 is no longer an admin.")
	if got := ob.b.Config().Admins; len(got) != 0 {
		t.Errorf("admins after del: %v", got)
	}
	ob.clock.Advance(20 * time.Minute) // the owner is away again
	ob.from("393331234567", "!status")
	if got := ob.answers("393331234567"); strings.Contains(got, "frontdesk status") || got != "Closed." {
		t.Errorf("a former admin: want the away message, got %q", got)
	}
}
