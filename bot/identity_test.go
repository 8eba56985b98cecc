package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"frontdesk/bot"
)

// unreadableLIDs is a store that cannot read a customer by hidden id.
type unreadableLIDs struct{ bot.Store }

func (s unreadableLIDs) Customer(ctx context.Context, id bot.UserID) (bot.Customer, error) {
	if id.IsLID() {
		return bot.Customer{}, errors.New("disk I/O error")
	}
	return s.Store.Customer(ctx, id)
}

// A customer known under their other identity is not greeted as new when
// that identity cannot be read: the message waits for its redelivery.
func TestUnreadableAliasGreetsNobody(t *testing.T) {
	h := newHarness(t, func(c *bot.Config) {
		c.Away.On = false
		c.Greeting = bot.GreetingConfig{On: true, Text: "Welcome!", When: bot.WhenAlways, AfterDays: 14}
	})
	ctx := context.Background()
	if err := h.b.HandleEvent(ctx, bot.KnownChats{Chats: []bot.UserID{"lid:777"}}); err != nil {
		t.Fatal(err)
	}
	broken, err := bot.New(ctx, bot.Options{Store: unreadableLIDs{h.db}, Messenger: h.wa, Self: self,
		Clock: bot.ClockFunc(func() time.Time { return h.now })})
	if err != nil {
		t.Fatal(err)
	}
	m := bot.Message{ID: "P1", Chat: "393331234567", ChatAlt: "lid:777", Kind: bot.FromCustomer, Text: "hi", Sent: h.now}
	if err := broken.HandleMessage(ctx, m); err == nil {
		t.Error("the message was handled although the customer's other identity could not be read")
	}
	if err := broken.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("sent %q", got)
	}
	if err := h.b.HandleMessage(ctx, m); err != nil { // the redelivery
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("greeted a customer known from history: %q", got)
	}
}
