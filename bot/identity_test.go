package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"frontdesk/bot"
)

// failingThenRedelivered hands m to a bot whose store fails as broken
// does (opts as h's bot but for the store): it must refuse m and send
// nothing. Then h's own bot gets m again, as WhatsApp's redelivery, and
// failingThenRedelivered returns what that sent.
func failingThenRedelivered(t *testing.T, h *harness, broken bot.Store, opts bot.Options, m bot.Message) []string {
	t.Helper()
	ctx := context.Background()
	opts.Store, opts.Messenger, opts.Self = broken, h.wa, self
	opts.Clock = bot.ClockFunc(func() time.Time { return h.now })
	b, err := bot.New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.HandleMessage(ctx, m); err == nil {
		t.Errorf("message %s was handled although the store failed", m.ID)
	}
	if err := b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("sent %q on a store error", got)
	}
	h.restart(opts)
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	return h.take()
}

func greetOnly(c *bot.Config) {
	c.Away.On = false
	c.Greeting = bot.GreetingConfig{On: true, Text: "Welcome!", When: bot.WhenAlways, AfterDays: 14}
}

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
	h := newHarness(t, greetOnly)
	if err := h.b.HandleEvent(context.Background(), bot.KnownChats{Chats: []bot.UserID{"lid:777"}}); err != nil {
		t.Fatal(err)
	}
	m := bot.Message{ID: "P1", Chat: "393331234567", ChatAlt: "lid:777", Kind: bot.FromCustomer, Text: "hi", Sent: h.now}
	if got := failingThenRedelivered(t, h, unreadableLIDs{h.db}, bot.Options{}, m); len(got) != 0 {
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
	h := newHarness(t, greetOnly)
	ctx := context.Background()
	pn, lid := bot.UserID("393331234567"), bot.LIDID("555")
	if err := h.b.HandleEvent(ctx, bot.KnownChats{Chats: []bot.UserID{pn}}); err != nil {
		t.Fatal(err)
	}
	if err := h.db.LinkIdentity(ctx, lid, pn); err != nil {
		t.Fatal(err)
	}
	m := bot.Message{ID: "L1", Chat: lid, Kind: bot.FromCustomer, Text: "hi", Sent: h.now}
	if got := failingThenRedelivered(t, h, unreadableMappings{h.db}, bot.Options{}, m); len(got) != 0 {
		t.Fatalf("greeted a customer known from history: %q", got)
	}
}

// unreadableAdminLIDs is a store that cannot read a phone number's LID.
type unreadableAdminLIDs struct{ bot.Store }

func (unreadableAdminLIDs) LIDForPhone(context.Context, bot.UserID) (bot.UserID, error) {
	return "", errors.New("disk I/O error")
}

// A team member writing by a LID not known yet is never answered as a
// customer because the store could not say which admins' LIDs it knows.
func TestUnreadableAdminLIDAnswersNobody(t *testing.T) {
	admin, adminLID := bot.UserID("393339999999"), bot.LIDID("11112222333344")
	h := newHarness(t, func(c *bot.Config) { c.Admins = []bot.UserID{admin} })
	cmds := &countingCommander{}
	opts := bot.Options{Directory: &directory{lids: map[bot.UserID]bot.UserID{admin: adminLID}}, Commands: cmds}
	m := bot.Message{ID: "C1", Chat: adminLID, Kind: bot.FromCustomer, Text: "!status", Sent: h.now}
	if got := failingThenRedelivered(t, h, unreadableAdminLIDs{h.db}, opts, m); len(got) != 0 || cmds.n != 1 {
		t.Fatalf("admin by LID: sent %q, %d commands run; want no automatic reply and the command run once", got, cmds.n)
	}
}

// unsavableMappings is a store that cannot save which LID is whose.
type unsavableMappings struct{ bot.Store }

func (unsavableMappings) LinkIdentity(context.Context, bot.UserID, bot.UserID) error {
	return errors.New("disk full")
}

// A LID and phone number a message shows to be one person are saved
// before the message is acknowledged: when they cannot be, the message
// waits for its redelivery, which saves them.
func TestUnsavableMappingIsLearnedOnRedelivery(t *testing.T) {
	h := newHarness(t, greetOnly)
	ctx := context.Background()
	pn, lid := bot.UserID("393331234567"), bot.LIDID("555")
	m := bot.Message{ID: "P1", Chat: pn, ChatAlt: lid, Kind: bot.FromCustomer, Text: "hi", Sent: h.now}
	if got := failingThenRedelivered(t, h, unsavableMappings{h.db}, bot.Options{}, m); len(got) != 1 {
		t.Fatalf("sent %q, want one greeting", got)
	}
	if got, err := h.db.PhoneForLID(ctx, lid); err != nil || got != pn {
		t.Fatalf("%s is %q (err %v), want %s", lid, got, err, pn)
	}
}
