package commands

import (
	"context"
	"testing"
	"time"

	"frontdesk/bot"
)

func TestForget(t *testing.T) {
	ctx := context.Background()
	ob := newTestBot(t)
	ob.must("!away text Closed.", "!away when always", "!away on", "!kw add price = See the menu")
	ob.clock.Advance(time.Hour)
	if err := ob.db.LinkIdentity(ctx, "lid:555000111", "393331234567"); err != nil {
		t.Fatal(err)
	}
	ob.from("393331234567", "price?")
	ob.from("lid:555000111", "hello again")
	ob.from("393339999999", "hello") // another customer, who stays
	ob.msg.Take()

	contains(t, "unknown number", ob.owner("!forget +39 347 0000000"), "Nothing was stored about +393470000000.")
	contains(t, "forget", ob.owner("!forget +39 333 123 4567"), "Forgotten:", "about +393331234567 were deleted.")
	c, err := ob.db.Customer(ctx, "393331234567")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "" || !c.LastInbound.IsZero() || !c.AwayPeriod.IsZero() || len(c.KeywordSent) != 0 {
		t.Errorf("customer still remembered: %+v", c)
	}
	if pn, err := ob.db.PhoneForLID(ctx, "lid:555000111"); err != nil || pn != "" {
		t.Errorf("LID mapping kept: %q, %v", pn, err)
	}
	sent, err := ob.db.RecentSent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].Customer != "393339999999" {
		t.Errorf("want only the other customer's message left, got %+v", sent)
	}
	contains(t, "again", ob.owner("!forget 393331234567"), "Nothing was stored")

	// Refusals.
	for _, tt := range []struct{ cmd, want string }{
		{"!forget", "The phone number is missing.\nUsage: !forget <phone number | lid:DIGITS>"},
		{"!forget 123", "has 3 digits"},
		{"!forget lid:12ab", "is not a hidden id"},
		{"!forget +39 02 9876543 0", "is your own number"},
	} {
		contains(t, tt.cmd, ob.owner(tt.cmd), tt.want)
	}
}

func TestForgetByLID(t *testing.T) {
	ctx := context.Background()
	ob := newTestBot(t)
	ob.must("!away text Closed.", "!away when always", "!away on")
	ob.clock.Advance(time.Hour)
	if err := ob.db.LinkIdentity(ctx, "lid:555000111", "393331234567"); err != nil {
		t.Fatal(err)
	}
	ob.from("393331234567", "hello")
	ob.msg.Take()
	contains(t, "by LID", ob.owner("!forget lid:555000111"), "Forgotten:")
	if c, err := ob.db.Customer(ctx, bot.UserID("393331234567")); err != nil || !c.LastInbound.IsZero() {
		t.Errorf("customer still remembered: %+v, %v", c, err)
	}
}
