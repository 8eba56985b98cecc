package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// These tests cut the bot at the points where a crash, a stop or an
// outage hurts, on real SQLite, and check that nothing is lost and
// nothing happens twice. The kill tests in cmd/frontdesk do the same with
// a real process and SIGKILL.

// restart is a new bot on the same database, as after a crash: nothing in
// memory survives.
func (h *harness) restart(opts bot.Options) {
	h.t.Helper()
	opts.Store, opts.Messenger, opts.Self = h.db, h.wa, self
	opts.Clock = bot.ClockFunc(func() time.Time { return h.now })
	var err error
	if h.b, err = bot.New(context.Background(), opts); err != nil {
		h.t.Fatal(err)
	}
}

// flush writes out what the store keeps in memory, for a test that reads
// or changes its tables directly.
func (h *harness) flush() {
	h.t.Helper()
	if err := h.db.Flush(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

// claimedMsgID is the WhatsApp id of the one reply claimed for sending
// ("sending" in the outbox).
func (h *harness) claimedMsgID() string {
	h.t.Helper()
	h.flush()
	var msgID string
	err := h.db.DB().SQL().QueryRow("SELECT msg_id FROM fd_outbox WHERE status = 'sending'").Scan(&msgID)
	if err != nil || msgID == "" {
		h.t.Fatalf("claimed reply %q, %v; want one reply claimed with its message id chosen", msgID, err)
	}
	return msgID
}

func TestInterruptedSendIsResentUnderItsMessageID(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	m := bot.Message{ID: "A1", Chat: "393331234567", Kind: bot.FromCustomer, Text: "hello", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	// With nothing else waiting, the reply was claimed for sending as it
	// was recorded; the process dies before the send (or before WhatsApp
	// answers: it may or may not have left).
	msgID := h.claimedMsgID()
	h.restart(bot.Options{})
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 1 || sent[0].ID != msgID {
		t.Fatalf("after the crash sent %+v, want the reply once under %q", sent, msgID)
	}
}

func TestInterruptedQueuedSendIsResentUnderItsMessageID(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.wa.Fail = func(porttest.Sent) error { return bot.ErrNotSent }
	h.customer("393331234567", "A1", "hello") // the send fails: queued again
	h.wa.Fail = nil
	h.customer("393331234568", "B1", "hello") // queued behind it, not claimed
	out, err := h.db.PendingOutgoing(ctx, 10)
	if err != nil || len(out) != 2 || out[0].MsgID == "" {
		t.Fatalf("outbox = %+v, %v; want two replies with their message ids chosen", out, err)
	}
	// The send is claimed, then the process dies before WhatsApp answers.
	if err := h.db.MarkSending(ctx, out[0].ID); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 2 || sent[0].ID != out[0].MsgID || sent[1].ID != out[1].MsgID {
		t.Fatalf("after the crash sent %+v, want the replies once each under %q, %q", sent, out[0].MsgID, out[1].MsgID)
	}
}

// stallingStore makes the kill switch's save wait until the context ends,
// as a process stopped in the middle of a command would leave it.
type stallingStore struct {
	bot.Store
}

func (s stallingStore) SaveKillSwitch(ctx context.Context, k bot.KillSwitch, rec *bot.Inbound) (int, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

func TestOwnerCommandInterruptedRunsOnRedelivery(t *testing.T) {
	h := newHarness(t, nil)
	off := bot.Message{ID: "OFF1", Chat: self, Kind: bot.OwnerSelf, Text: "!off", Sent: h.now}
	interrupted, err := bot.New(context.Background(), bot.Options{Store: stallingStore{h.db}, Messenger: h.wa, Self: self,
		Commands: switchCommander{}, Clock: bot.ClockFunc(func() time.Time { return h.now })})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_ = interrupted.HandleMessage(ctx, off) // stopped mid-command
	h.take()

	h.restart(bot.Options{Commands: switchCommander{}})
	if err := h.b.HandleMessage(context.Background(), off); err != nil { // WhatsApp delivers it again
		t.Fatal(err)
	}
	if !h.b.KillSwitch().Off {
		t.Fatal("the redelivered !off was dropped as a duplicate: the kill switch is still on")
	}
	if got := h.take(); len(got) != 1 || !strings.Contains(got[0], "OFF") {
		t.Fatalf("owner got %q, want one acknowledgement", got)
	}
	// A third delivery is a duplicate: the command does not run again.
	if err := h.b.HandleMessage(context.Background(), off); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("the command ran again: %q", got)
	}
}

// switchCommander is a minimal command set: !off and !on.
type switchCommander struct{}

func (switchCommander) Run(ctx context.Context, b bot.Business, c bot.CommandMessage) {
	k := bot.KillSwitch{}
	if c.Text == "!off" {
		k.Off = true
	}
	if _, err := b.SetKillSwitch(ctx, k); err != nil {
		return
	}
	_ = b.Say(ctx, c.Chat, "automatic replies OFF")
}

func TestOffWaitsForTheSendInFlight(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	inSend, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	h.wa.Hold = func(porttest.Sent) { once.Do(func() { close(inSend); <-release }) }
	for i := range 3 {
		m := bot.Message{ID: fmt.Sprintf("A%d", i), Chat: bot.UserID(fmt.Sprintf("39333000000%d", i)), Kind: bot.FromCustomer, Text: "hello", Sent: h.now}
		if err := h.b.HandleMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	ticked := make(chan error, 1)
	go func() { ticked <- h.b.Tick(ctx) }()
	<-inSend

	stopped := make(chan bot.Stopped, 1)
	go func() {
		st, err := h.b.SetKillSwitch(ctx, bot.KillSwitch{Off: true})
		if err != nil {
			t.Error(err)
		}
		stopped <- st
	}()
	select {
	case st := <-stopped:
		t.Fatalf("!off was acknowledged (%+v) while a send was still on its way", st)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	st := <-stopped
	if st.OnItsWay != 1 || st.Discarded != 2 {
		t.Errorf("Stopped = %+v, want 1 on its way and 2 discarded", st)
	}
	after := len(h.take())
	if err := <-ticked; err != nil {
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); after != 1 || len(got) != 0 {
		t.Fatalf("%d sent by the acknowledgement, then %q after it; want 1, then nothing", after, got)
	}
}

func TestDuplicateIsJudgedByCustomerNotByAddress(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	lid, pn := bot.LIDID("98765432109876"), bot.UserID("393331234567")
	// First by LID alone, nothing known about the phone number.
	if err := h.b.HandleMessage(ctx, bot.Message{ID: "X1", Chat: lid, Kind: bot.FromCustomer, Text: "hello", Sent: h.now}); err != nil {
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	// After a restart WhatsApp delivers the same message by phone number,
	// now with the LID beside it.
	h.restart(bot.Options{})
	if err := h.b.HandleMessage(ctx, bot.Message{ID: "X1", Chat: pn, ChatAlt: lid, Kind: bot.FromCustomer, Text: "hello", Sent: h.now}); err != nil {
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 1 {
		t.Fatalf("sent %q, want the one away message", got)
	}
}

// directory is a bot.Directory that knows some LIDs and counts questions.
type directory struct {
	lids  map[bot.UserID]bot.UserID
	asked int
}

func (d *directory) LIDsOf(_ context.Context, pns []bot.UserID) (map[bot.UserID]bot.UserID, error) {
	d.asked++
	out := map[bot.UserID]bot.UserID{}
	for _, pn := range pns {
		if l, ok := d.lids[pn]; ok {
			out[pn] = l
		}
	}
	return out, nil
}

func TestAdminSeenOnlyByLIDIsAskedForNotAnswered(t *testing.T) {
	admin, adminLID := bot.UserID("393339999999"), bot.LIDID("11112222333344")
	h := newHarness(t, func(c *bot.Config) { c.Admins = []bot.UserID{admin} })
	dir := &directory{lids: map[bot.UserID]bot.UserID{admin: adminLID}}
	cmds := &countingCommander{}
	h.restart(bot.Options{Directory: dir, Commands: cmds})
	ctx := context.Background()
	if err := h.b.HandleMessage(ctx, bot.Message{ID: "C1", Chat: adminLID, Kind: bot.FromCustomer, Text: "!status", Sent: h.now}); err != nil {
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 || cmds.n != 1 {
		t.Fatalf("admin by LID: sent %q, %d commands run; want no automatic reply and the command run", got, cmds.n)
	}
	// A customer by an unknown LID gets the away message; the Directory
	// is not asked again for every such message.
	for i := range 3 {
		m := bot.Message{ID: fmt.Sprintf("U%d", i), Chat: bot.LIDID(fmt.Sprintf("5555000%d", i)), Kind: bot.FromCustomer, Text: "hi", Sent: h.now}
		if err := h.b.HandleMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 3 || dir.asked != 1 {
		t.Fatalf("sent %q and asked the directory %d times; want 3 away messages and 1 question", got, dir.asked)
	}
}

func TestOutboxServesCustomersInTurnsAndCapsEach(t *testing.T) {
	h := newHarness(t, func(c *bot.Config) {
		c.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/time"}, Text: "Open 9-18."}}
		c.Away.On = false
	})
	ctx := context.Background()
	const flooder, other = bot.UserID("393330000001"), bot.UserID("393330000002")
	for i := range 3 * bot.MaxPerMinute {
		m := bot.Message{ID: fmt.Sprintf("F%d", i), Chat: flooder, Kind: bot.FromCustomer, Text: "/time", Sent: h.now}
		if err := h.b.HandleMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.b.HandleMessage(ctx, bot.Message{ID: "O1", Chat: other, Kind: bot.FromCustomer, Text: "/time", Sent: h.now}); err != nil {
		t.Fatal(err)
	}
	queued, err := h.db.PendingByCustomer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if queued[flooder] != bot.MaxQueuedPerCustomer || queued[other] != 1 {
		t.Fatalf("queued %v, want %d for the flooder and 1 for the other", queued, bot.MaxQueuedPerCustomer)
	}
	// Customers take turns: the other customer is served second, not
	// after the flooder's whole queue.
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != bot.MaxQueuedPerCustomer+1 || sent[0].To != flooder || sent[1].To != other {
		t.Fatalf("sent %v, want the flooder's first, then the other customer, then the flooder's others", sent)
	}
}

// TestResentRepliesDoNotCountTowardTheCap: a crash with a customer's
// replies in flight ("sending") leaves them to be sent again under their
// ids after the restart. They wait in the outbox, but the customer did
// not ask for them again: their next message is answered, not refused
// as a flood; the cap still holds for what they ask from then on.
func TestResentRepliesDoNotCountTowardTheCap(t *testing.T) {
	h := newHarness(t, func(c *bot.Config) {
		c.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/time"}, Text: "Open 9-18."}}
		c.Away.On = false
	})
	ctx := context.Background()
	const customer = bot.UserID("393330000001")
	ask := func(id string) {
		t.Helper()
		if err := h.b.HandleMessage(ctx, bot.Message{ID: id, Chat: customer, Kind: bot.FromCustomer, Text: "/time", Sent: h.now}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range bot.MaxQueuedPerCustomer {
		ask(fmt.Sprint("A", i))
	}
	// The crash: every reply handed to WhatsApp, none marked sent.
	h.flush()
	res, err := h.db.DB().SQL().Exec(`UPDATE fd_outbox SET status = 'sending', msg_id = 'OUT' || id WHERE status IN ('pending', 'sending')`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != bot.MaxQueuedPerCustomer {
		t.Fatalf("%d replies in flight, want %d", n, bot.MaxQueuedPerCustomer)
	}
	h.restart(bot.Options{})
	ask("B0")
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != bot.MaxQueuedPerCustomer+1 {
		t.Fatalf("sent %d messages after the restart, want the %d resent and the answer to the new question", len(sent), bot.MaxQueuedPerCustomer)
	}
	// The cap itself: with nothing resent any more, a burst queues at
	// most MaxQueuedPerCustomer.
	h.now = h.now.Add(time.Minute)
	for i := range 3 * bot.MaxQueuedPerCustomer {
		ask(fmt.Sprint("C", i))
	}
	queued, err := h.db.PendingByCustomer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if queued[customer] > bot.MaxQueuedPerCustomer {
		t.Errorf("%d replies queued for one customer, want at most %d", queued[customer], bot.MaxQueuedPerCustomer)
	}
}

func TestDigestFollowsTheZoneAndIsOwedAcrossARestart(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	h := newHarness(t, func(c *bot.Config) { c.Away.On = false })
	ctx := context.Background()
	digests := 0
	opts := bot.Options{Digest: func(context.Context, bot.Business) (string, error) { digests++; return "digest", nil }}
	h.restart(opts)
	h.now = time.Date(2026, 11, 26, 12, 0, 0, 0, ny) // Thursday
	for _, change := range []func(*bot.Config){
		func(c *bot.Config) { c.Digest = true },
		func(c *bot.Config) { c.TimeZone = "America/New_York" },
	} {
		if err := h.b.UpdateConfig(ctx, func(c *bot.Config) error { change(c); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	tick := func(at time.Time) int {
		t.Helper()
		h.now = at
		before := digests
		if err := h.b.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		return digests - before
	}
	// Monday 09:00 in Rome is 03:00 in New York: not yet.
	if n := tick(time.Date(2026, 11, 30, 3, 0, 0, 0, ny)); n != 0 {
		t.Fatalf("%d digests at 03:00 New York time, want none", n)
	}
	if next := h.b.NextWake(); !next.Equal(time.Date(2026, 11, 30, 9, 0, 0, 0, ny)) {
		t.Errorf("next wake %v, want Monday 09:00 New York time", next)
	}
	if n := tick(time.Date(2026, 11, 30, 9, 0, 0, 0, ny)); n != 1 {
		t.Fatalf("%d digests at 09:00 New York time, want 1", n)
	}
	if n := tick(time.Date(2026, 11, 30, 9, 30, 0, 0, ny)); n != 0 {
		t.Fatalf("%d more digests the same morning", n)
	}
	// Stopped over the next Monday 09:00: one digest, late, after the
	// restart; a second restart sends none.
	h.now = time.Date(2026, 12, 7, 11, 0, 0, 0, ny)
	h.restart(opts)
	if n := tick(h.now); n != 1 {
		t.Fatalf("%d digests after a restart past Monday 09:00, want 1", n)
	}
	h.restart(opts)
	if n := tick(h.now.Add(time.Minute)); n != 0 {
		t.Fatalf("%d digests after a second restart, want none", n)
	}
}

func TestCommandAnswerLostIsSentOnRedelivery(t *testing.T) {
	h := newHarness(t, nil)
	h.restart(bot.Options{Commands: switchCommander{}})
	off := bot.Message{ID: "OFF2", Chat: self, Kind: bot.OwnerSelf, Text: "!off", Sent: h.now}
	// The change is saved, then the answer cannot leave (as when the
	// process dies before it does): the message is not acknowledged.
	h.wa.SetOffline(true)
	if err := h.b.HandleMessage(context.Background(), off); err == nil {
		t.Fatal("a command whose answer did not leave was acknowledged to WhatsApp")
	}
	if !h.b.KillSwitch().Off {
		t.Fatal("the change was not saved before the answer")
	}
	h.wa.SetOffline(false)
	h.restart(bot.Options{Commands: switchCommander{}})
	if err := h.b.HandleMessage(context.Background(), off); err != nil { // redelivered
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 1 || got[0] != self.String()+": automatic replies OFF" {
		t.Fatalf("owner got %q, want the command's own answer once", got)
	}
	if err := h.b.HandleMessage(context.Background(), off); err != nil {
		t.Fatal(err)
	}
	if got := h.take(); len(got) != 0 {
		t.Fatalf("answered again: %q", got)
	}
}

// unmarkedStore loses the note that a command's answer went out, as a
// crash right after the send would.
type unmarkedStore struct{ bot.Store }

func (unmarkedStore) MarkAnswered(context.Context, bot.UserID, bot.UserID, string) error {
	return errors.New("killed before the answer was noted")
}

func TestCommandAnswerSentThenCrashShowsOnce(t *testing.T) {
	h := newHarness(t, nil)
	off := bot.Message{ID: "OFF3", Chat: self, Kind: bot.OwnerSelf, Text: "!off", Sent: h.now}
	crashing, err := bot.New(context.Background(), bot.Options{Store: unmarkedStore{h.db}, Messenger: h.wa, Self: self,
		Commands: switchCommander{}, Clock: bot.ClockFunc(func() time.Time { return h.now })})
	if err != nil {
		t.Fatal(err)
	}
	if err := crashing.HandleMessage(context.Background(), off); err == nil {
		t.Fatal("acknowledged to WhatsApp although the answer was not noted")
	}
	h.restart(bot.Options{Commands: switchCommander{}})
	if err := h.b.HandleMessage(context.Background(), off); err != nil { // redelivered
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 2 || sent[0].ID != sent[1].ID || sent[0].ID == "" {
		t.Fatalf("sent %+v: want the answer twice under one id", sent)
	}
	if shown := h.wa.Shown(self); len(shown) != 1 || shown[0].Text != "automatic replies OFF" {
		t.Fatalf("the owner's phone shows %+v, want the answer once", shown)
	}
}

// A reply claimed for sending as it was recorded is not on its way until
// a Tick hands it to WhatsApp: !off before that discards it, and neither
// a Tick nor a restart sends it.
func TestOffDiscardsAReplyClaimedAtRecord(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	m := bot.Message{ID: "A1", Chat: "393331234567", Kind: bot.FromCustomer, Text: "hello", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	st, err := h.b.SetKillSwitch(ctx, bot.KillSwitch{Off: true, Reason: "!off"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Discarded != 1 || st.OnItsWay != 0 {
		t.Fatalf("!off found %+v, want 1 discarded, none on its way", st)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.b.SetKillSwitch(ctx, bot.KillSwitch{}); err != nil {
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 0 {
		t.Fatalf("sent %+v after !off, want nothing", sent)
	}
}
