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

// unreadableMappings is a store that cannot read whose a LID is.
type unreadableMappings struct{ bot.Store }

func (unreadableMappings) PhoneForLID(context.Context, bot.UserID) (bot.UserID, error) {
	return "", errors.New("disk I/O error")
}

// A message addressed by LID alone, when the store cannot say whose the
// LID is, is left for its redelivery: keyed by the LID, an old customer
// would be greeted as new.
func TestUnreadableLIDMappingGreetsNobody(t *testing.T) {
	h := newHarness(t, func(c *bot.Config) {
		c.Away.On = false
		c.Greeting = bot.GreetingConfig{On: true, Text: "Welcome!", When: bot.WhenAlways, AfterDays: 14}
	})
	ctx := context.Background()
	pn, lid := bot.UserID("393331234567"), bot.LIDID("555")
	if err := h.b.HandleEvent(ctx, bot.KnownChats{Chats: []bot.UserID{pn}}); err != nil {
		t.Fatal(err)
	}
	if err := h.db.LinkIdentity(ctx, lid, pn); err != nil {
		t.Fatal(err)
	}
	broken, err := bot.New(ctx, bot.Options{Store: unreadableMappings{h.db}, Messenger: h.wa, Self: self,
		Clock: bot.ClockFunc(func() time.Time { return h.now })})
	if err != nil {
		t.Fatal(err)
	}
	m := bot.Message{ID: "L1", Chat: lid, Kind: bot.FromCustomer, Text: "hi", Sent: h.now}
	if err := broken.HandleMessage(ctx, m); err == nil {
		t.Error("the message was handled although its LID could not be looked up")
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

// A team member writing by a LID not known yet is never answered as a
// customer because the store could not say which admins' LIDs it knows.
func TestUnreadableAdminLIDAnswersNobody(t *testing.T) {
	admin, adminLID := bot.UserID("393339999999"), bot.LIDID("11112222333344")
	h := newHarness(t, func(c *bot.Config) { c.Admins = []bot.UserID{admin} })
	ctx := context.Background()
	cmds := &countingCommander{}
	dir := &directory{lids: map[bot.UserID]bot.UserID{admin: adminLID}}
	broken, err := bot.New(ctx, bot.Options{Store: unreadableAdminLIDs{h.db}, Messenger: h.wa, Self: self,
		Directory: dir, Commands: cmds, Clock: bot.ClockFunc(func() time.Time { return h.now })})
	if err != nil {
		t.Fatal(err)
	}
	m := bot.Message{ID: "C1", Chat: adminLID, Kind: bot.FromCustomer, Text: "!status", Sent: h.now}
	if err := broken.HandleMessage(ctx, m); err == nil {
		t.Error("the message was handled although the admins' LIDs could not be read")
	}
	if err := broken.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 || cmds.n != 0 {
		t.Fatalf("sent %q, ran %d commands", got, cmds.n)
	}
	h.restart(bot.Options{Directory: dir, Commands: cmds})
	if err := h.b.HandleMessage(ctx, m); err != nil { // the redelivery
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 || cmds.n != 1 {
		t.Fatalf("admin by LID: sent %q, %d commands run; want no automatic reply and the command run", got, cmds.n)
	}
}

// unreadableAdminLIDs knows no LID's phone number and cannot read a phone
// number's LID.
type unreadableAdminLIDs struct{ bot.Store }

func (unreadableAdminLIDs) LIDForPhone(context.Context, bot.UserID) (bot.UserID, error) {
	return "", errors.New("disk I/O error")
}
