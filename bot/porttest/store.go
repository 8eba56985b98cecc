package porttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"frontdesk/bot"
)

// RunStore runs the Store contract suite against stores made by open. open is called
// once per subtest and must return an empty store; Run closes it when the
// subtest ends.
func RunStore(t *testing.T, open func(t *testing.T) bot.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s bot.Store)
	}{
		{"config/fresh store has none", testConfigFresh},
		{"config/round trip", testConfigRoundTrip},
		{"kill switch/round trip", testKillSwitchRoundTrip},
		{"kill switch/off discards pending", testKillSwitchDiscards},
		{"kill switch/on keeps pending", testKillSwitchOnKeeps},
		{"owner active", testOwnerActive},
		{"identities both directions", testIdentities},
		{"customer/unknown has defaults", testCustomerDefaults},
		{"record inbound/applies every update", testRecordApplies},
		{"record inbound/unset fields keep values", testRecordKeeps},
		{"record inbound/duplicate changes nothing", testDuplicate},
		{"record inbound/same id in another chat", testSameIDOtherChat},
		{"record inbound/duplicate under the other identity", testDuplicateByAlias},
		{"record inbound/recorded", testRecorded},
		{"command record/awaits its answer", testAwaitsAnswer},
		{"command record/saved with the config, once", testSaveConfigRecords},
		{"command record/saved with the kill switch, once", testSaveKillSwitchRecords},
		{"outbox/oldest first", testOutboxOrder},
		{"outbox/customers take turns", testOutboxTurns},
		{"outbox/message id kept from queueing", testOutboxMsgID},
		{"outbox/interrupted sends resume", testResumeInterrupted},
		{"outbox/pending by customer", testPendingByCustomer},
		{"digest sent", testDigestSent},
		{"outbox/status transitions", testOutboxTransitions},
		{"outbox/sent since", testSentSince},
		{"outbox/recent sent newest first", testRecentSent},
		{"shortcut uses", testShortcutUses},
		{"mark known", testMarkKnown},
		{"forget", testForget},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// zone is not UTC and not whole hours, and t0 has nanoseconds: stored times
// must come back as the same instant (time.Equal), to the nanosecond.
var (
	zone = time.FixedZone("IST", 5*3600+1800)
	t0   = time.Date(2025, 3, 14, 9, 26, 53, 589793238, zone)
)

const (
	alicePN  bot.UserID = "393331234567"
	aliceLID bot.UserID = "lid:98765432109876"
	bobPN    bot.UserID = "447700900123"
)

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.IsZero() != want.IsZero() {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// message is a customer message from id in its own chat, received at "at".
func message(id bot.UserID, msgID string, at time.Time) bot.Inbound {
	return bot.Inbound{
		Chat: id, ID: msgID, Kind: bot.FromCustomer, Customer: id,
		Sent: at.Add(-2 * time.Second), Received: at, TouchCustomer: true,
	}
}

// withReply adds a queued reply to in.
func withReply(in bot.Inbound, text string) bot.Inbound {
	in.Rules = []string{"greeting"}
	in.Reply = &bot.Outgoing{Chat: in.Chat, Customer: in.Customer, Text: text, Rules: []string{"greeting"}, Created: in.Received}
	return in
}

func record(t *testing.T, s bot.Store, in bot.Inbound) {
	t.Helper()
	must(t, s.RecordInbound(t.Context(), in), "RecordInbound "+in.ID)
}

func pending(t *testing.T, s bot.Store) []bot.Outgoing {
	t.Helper()
	out, err := s.PendingOutgoing(t.Context(), 100)
	must(t, err, "PendingOutgoing")
	return out
}

func pendingTexts(t *testing.T, s bot.Store) []string {
	t.Helper()
	var texts []string
	for _, o := range pending(t, s) {
		texts = append(texts, o.Text)
	}
	return texts
}

func customer(t *testing.T, s bot.Store, id bot.UserID) bot.Customer {
	t.Helper()
	c, err := s.Customer(t.Context(), id)
	must(t, err, "Customer "+string(id))
	return c
}

func equalCustomer(t *testing.T, got, want bot.Customer) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || got.Known != want.Known {
		t.Errorf("customer = %+v, want %+v", got, want)
	}
	sameTime(t, "LastInbound", got.LastInbound, want.LastInbound)
	sameTime(t, "AwayPeriod", got.AwayPeriod, want.AwayPeriod)
	sameTime(t, "OwnerWrote", got.OwnerWrote, want.OwnerWrote)
	if len(got.KeywordSent) != len(want.KeywordSent) {
		t.Errorf("KeywordSent = %v, want %v", got.KeywordSent, want.KeywordSent)
	}
	for id, at := range want.KeywordSent {
		sameTime(t, fmt.Sprintf("KeywordSent[%d]", id), got.KeywordSent[id], at)
	}
}

func testConfigFresh(t *testing.T, s bot.Store) {
	cfg, ok, err := s.LoadConfig(t.Context())
	must(t, err, "LoadConfig")
	if ok {
		t.Errorf("LoadConfig on a fresh store: ok = true, cfg = %+v", cfg)
	}
}

func testConfigRoundTrip(t *testing.T, s bot.Store) {
	ctx := t.Context()
	cfg := bot.DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	cfg.Hours.Set = true
	cfg.Hours.Days[1] = []bot.Window{{Start: 9 * 60, End: 13 * 60}, {Start: 15 * 60, End: 19 * 60}}
	cfg.Holidays = []bot.Holiday{{From: "2025-08-10", To: "2025-08-20", Name: "Ferie", Message: "Chiusi per ferie"}}
	cfg.Away.On, cfg.Away.Text = true, "Siamo chiusi, riapriamo {next_open} 🙂"
	cfg.Keywords = []bot.Keyword{{ID: 3, Phrases: []string{"prezzo", "quanto costa"}, Text: "Da 10 €"}}
	cfg.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/time", "/orari"}, Text: "9-18", Created: t0}}
	cfg.Admins = []bot.UserID{bobPN}
	must(t, s.SaveConfig(ctx, cfg, nil), "SaveConfig")

	got, ok, err := s.LoadConfig(ctx)
	must(t, err, "LoadConfig")
	if !ok {
		t.Fatal("LoadConfig after SaveConfig: ok = false")
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(cfg)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("LoadConfig =\n%s\nwant\n%s", gotJSON, wantJSON)
	}
	if len(got.QuickReplies) == 1 {
		sameTime(t, "QuickReplies[0].Created", got.QuickReplies[0].Created, t0)
	}

	// Saving again replaces the whole document.
	must(t, s.SaveConfig(ctx, bot.DefaultConfig(), nil), "SaveConfig again")
	got, _, err = s.LoadConfig(ctx)
	must(t, err, "LoadConfig")
	if !reflect.DeepEqual(got, bot.DefaultConfig()) {
		t.Errorf("LoadConfig after replacing = %+v, want the default config", got)
	}
}

func testKillSwitchRoundTrip(t *testing.T, s bot.Store) {
	ctx := t.Context()
	k, err := s.LoadKillSwitch(ctx)
	must(t, err, "LoadKillSwitch")
	if k.Off || !k.Until.IsZero() || k.Reason != "" {
		t.Errorf("fresh kill switch = %+v, want zero", k)
	}
	tests := []struct {
		name string
		k    bot.KillSwitch
	}{
		{"paused", bot.KillSwitch{Off: true, Until: t0.Add(2 * time.Hour), Reason: "!pause 2h"}},
		{"off", bot.KillSwitch{Off: true, Reason: "temporary ban"}},
		{"on", bot.KillSwitch{}},
	}
	for _, tc := range tests {
		if _, err := s.SaveKillSwitch(ctx, tc.k, nil); err != nil {
			t.Fatalf("%s: SaveKillSwitch: %v", tc.name, err)
		}
		got, err := s.LoadKillSwitch(ctx)
		must(t, err, "LoadKillSwitch")
		if got.Off != tc.k.Off || got.Reason != tc.k.Reason || !got.Until.Equal(tc.k.Until) {
			t.Errorf("%s: LoadKillSwitch = %+v, want %+v", tc.name, got, tc.k)
		}
	}
}

func testKillSwitchDiscards(t *testing.T, s bot.Store) {
	ctx := t.Context()
	record(t, s, withReply(message(alicePN, "A1", t0), "hello Alice"))
	record(t, s, withReply(message(bobPN, "B1", t0.Add(time.Second)), "hello Bob"))
	// One message is already on its way: it is not pending any more.
	out := pending(t, s)
	if len(out) != 2 {
		t.Fatalf("pending = %d messages, want 2", len(out))
	}
	must(t, s.MarkSending(ctx, out[0].ID), "MarkSending")

	n, err := s.SaveKillSwitch(ctx, bot.KillSwitch{Off: true}, nil)
	must(t, err, "SaveKillSwitch")
	if n != 1 {
		t.Errorf("SaveKillSwitch(off) discarded %d, want 1", n)
	}
	if texts := pendingTexts(t, s); len(texts) != 0 {
		t.Errorf("pending after off = %q, want none", texts)
	}
	// A discarded message can never be claimed.
	if err := s.MarkSending(ctx, out[1].ID); err == nil {
		t.Error("MarkSending of a discarded message: no error")
	}
	// Turning it back on does not bring them back.
	n, err = s.SaveKillSwitch(ctx, bot.KillSwitch{}, nil)
	must(t, err, "SaveKillSwitch(on)")
	if n != 0 {
		t.Errorf("SaveKillSwitch(on) discarded %d, want 0", n)
	}
	if texts := pendingTexts(t, s); len(texts) != 0 {
		t.Errorf("pending after on = %q, want none", texts)
	}
}

func testKillSwitchOnKeeps(t *testing.T, s bot.Store) {
	record(t, s, withReply(message(alicePN, "A1", t0), "hello Alice"))
	n, err := s.SaveKillSwitch(t.Context(), bot.KillSwitch{Reason: "!on"}, nil)
	must(t, err, "SaveKillSwitch")
	if n != 0 {
		t.Errorf("SaveKillSwitch(on) discarded %d, want 0", n)
	}
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, []string{"hello Alice"}) {
		t.Errorf("pending = %q, want [hello Alice]", texts)
	}
}

func testOwnerActive(t *testing.T, s bot.Store) {
	ctx := t.Context()
	at, err := s.OwnerActive(ctx)
	must(t, err, "OwnerActive")
	sameTime(t, "fresh OwnerActive", at, time.Time{})

	must(t, s.SetOwnerActive(ctx, t0), "SetOwnerActive")
	at, err = s.OwnerActive(ctx)
	must(t, err, "OwnerActive")
	sameTime(t, "OwnerActive after SetOwnerActive", at, t0)

	// A message from the owner's phone records activity too.
	later := t0.Add(3 * time.Minute)
	record(t, s, bot.Inbound{Chat: "15550001111", ID: "O1", Kind: bot.OwnerSelf, Received: later, OwnerActive: true})
	at, err = s.OwnerActive(ctx)
	must(t, err, "OwnerActive")
	sameTime(t, "OwnerActive after an owner message", at, later)
}

func testIdentities(t *testing.T, s bot.Store) {
	ctx := t.Context()
	pn, err := s.PhoneForLID(ctx, aliceLID)
	must(t, err, "PhoneForLID")
	lid, err := s.LIDForPhone(ctx, alicePN)
	must(t, err, "LIDForPhone")
	if pn != "" || lid != "" {
		t.Errorf("unknown mapping: PhoneForLID = %q, LIDForPhone = %q, want both empty", pn, lid)
	}

	must(t, s.LinkIdentity(ctx, aliceLID, alicePN), "LinkIdentity")
	pn, err = s.PhoneForLID(ctx, aliceLID)
	must(t, err, "PhoneForLID")
	lid, err = s.LIDForPhone(ctx, alicePN)
	must(t, err, "LIDForPhone")
	if pn != alicePN || lid != aliceLID {
		t.Errorf("after LinkIdentity: PhoneForLID = %q, LIDForPhone = %q, want %q, %q", pn, lid, alicePN, aliceLID)
	}
	// Linking again is harmless.
	must(t, s.LinkIdentity(ctx, aliceLID, alicePN), "LinkIdentity again")
	pn, err = s.PhoneForLID(ctx, aliceLID)
	must(t, err, "PhoneForLID")
	if pn != alicePN {
		t.Errorf("after linking twice: PhoneForLID = %q, want %q", pn, alicePN)
	}
	// Another person is still unknown.
	lid, err = s.LIDForPhone(ctx, bobPN)
	must(t, err, "LIDForPhone")
	if lid != "" {
		t.Errorf("LIDForPhone(bob) = %q, want empty", lid)
	}
}

func testCustomerDefaults(t *testing.T, s bot.Store) {
	got := customer(t, s, alicePN)
	if !reflect.DeepEqual(got, bot.Customer{ID: alicePN}) {
		t.Errorf("Customer(unknown) = %+v, want only ID set", got)
	}
}

func testRecordApplies(t *testing.T, s bot.Store) {
	ctx := t.Context()
	at := t0.Add(time.Minute)
	period := t0.Add(-10 * time.Hour)
	in := withReply(message(aliceLID, "A1", at), "Hi! We are closed.")
	in.Customer = alicePN // the canonical id differs from the chat
	in.Reply.Customer = alicePN
	in.Name = "Alice"
	in.AwayPeriod = period
	in.KeywordsSent = []int{1, 7}
	in.OwnerActive = true
	in.Shortcut = "/time"
	in.Question = "what time do you open"
	in.Rules = []string{"greeting", "keyword", "away"}
	in.Reply.Rules = in.Rules
	record(t, s, in)

	equalCustomer(t, customer(t, s, alicePN), bot.Customer{
		ID: alicePN, Name: "Alice", LastInbound: at, AwayPeriod: period,
		KeywordSent: map[int]time.Time{1: at, 7: at},
	})
	owner, err := s.OwnerActive(ctx)
	must(t, err, "OwnerActive")
	sameTime(t, "OwnerActive", owner, at)

	out := pending(t, s)
	if len(out) != 1 {
		t.Fatalf("pending = %+v, want one message", out)
	}
	o := out[0]
	if o.ID == 0 || o.Chat != aliceLID || o.Customer != alicePN || o.Text != "Hi! We are closed." ||
		!reflect.DeepEqual(o.Rules, in.Rules) || o.Status != "pending" || o.MsgID != "" || !o.SentAt.IsZero() {
		t.Errorf("queued reply = %+v", o)
	}
	sameTime(t, "reply Created", o.Created, at)

	uses, err := s.ShortcutUses(ctx, time.Time{})
	must(t, err, "ShortcutUses")
	if u := uses["/time"]; u.Customer != 1 || u.Owner != 0 || !u.Last.Equal(at) {
		t.Errorf("ShortcutUses[/time] = %+v, want one customer use at %v", u, at)
	}

	// The owner writing in the chat sets OwnerWrote.
	wrote := at.Add(5 * time.Minute)
	record(t, s, bot.Inbound{Chat: aliceLID, ID: "O1", Kind: bot.OwnerInChat, Customer: alicePN, Received: wrote, OwnerWrote: true, OwnerActive: true})
	c := customer(t, s, alicePN)
	sameTime(t, "OwnerWrote", c.OwnerWrote, wrote)
	sameTime(t, "LastInbound after owner message", c.LastInbound, at)
}

func testRecordKeeps(t *testing.T, s bot.Store) {
	at := t0
	in := message(alicePN, "A1", at)
	in.Name = "Alice"
	in.AwayPeriod = t0.Add(-time.Hour)
	in.KeywordsSent = []int{1, 2}
	record(t, s, in)

	// A later message that only sends keyword 2 again: nothing else moves.
	later := at.Add(2 * time.Hour)
	record(t, s, bot.Inbound{Chat: alicePN, ID: "A2", Kind: bot.FromCustomer, Customer: alicePN, Received: later, KeywordsSent: []int{2}})
	equalCustomer(t, customer(t, s, alicePN), bot.Customer{
		ID: alicePN, Name: "Alice", LastInbound: at, AwayPeriod: in.AwayPeriod,
		KeywordSent: map[int]time.Time{1: at, 2: later},
	})

	// Touching with an empty push name keeps the name.
	latest := later.Add(time.Hour)
	record(t, s, message(alicePN, "A3", latest))
	c := customer(t, s, alicePN)
	if c.Name != "Alice" {
		t.Errorf("Name after a message without push name = %q, want Alice", c.Name)
	}
	sameTime(t, "LastInbound", c.LastInbound, latest)
}

func testDuplicate(t *testing.T, s bot.Store) {
	ctx := t.Context()
	first := withReply(message(alicePN, "A1", t0), "first reply")
	first.Name = "Alice"
	first.KeywordsSent = []int{1}
	record(t, s, first)
	before := customer(t, s, alicePN)
	owner, err := s.OwnerActive(ctx)
	must(t, err, "OwnerActive")

	// The same message again, decided differently: none of it may land.
	again := withReply(message(alicePN, "A1", t0.Add(time.Hour)), "second reply")
	again.Name = "Changed"
	again.AwayPeriod = t0
	again.KeywordsSent = []int{1, 2}
	again.OwnerWrote = true
	again.OwnerActive = true
	again.Shortcut = "/time"
	again.Question = "price"
	err = s.RecordInbound(ctx, again)
	if !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("RecordInbound of a recorded message = %v, want ErrDuplicate", err)
	}

	equalCustomer(t, customer(t, s, alicePN), before)
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, []string{"first reply"}) {
		t.Errorf("pending = %q, want only [first reply]", texts)
	}
	ownerAfter, err := s.OwnerActive(ctx)
	must(t, err, "OwnerActive")
	sameTime(t, "OwnerActive", ownerAfter, owner)
	uses, err := s.ShortcutUses(ctx, time.Time{})
	must(t, err, "ShortcutUses")
	if len(uses) != 0 {
		t.Errorf("ShortcutUses = %+v, want none", uses)
	}
}

func testSameIDOtherChat(t *testing.T, s bot.Store) {
	record(t, s, withReply(message(alicePN, "SAME", t0), "for Alice"))
	if err := s.RecordInbound(t.Context(), withReply(message(bobPN, "SAME", t0), "for Bob")); err != nil {
		t.Fatalf("same message id in another chat: %v, want recorded", err)
	}
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, []string{"for Alice", "for Bob"}) {
		t.Errorf("pending = %q, want both replies", texts)
	}
}

func testOutboxOrder(t *testing.T, s bot.Store) {
	ctx := t.Context()
	for i, text := range []string{"one", "two", "three"} {
		record(t, s, withReply(message(alicePN, "A"+text, t0.Add(time.Duration(i)*time.Second)), text))
	}
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, []string{"one", "two", "three"}) {
		t.Errorf("pending = %q, want oldest first", texts)
	}
	out, err := s.PendingOutgoing(ctx, 2)
	must(t, err, "PendingOutgoing(2)")
	if len(out) != 2 || out[0].Text != "one" || out[1].Text != "two" {
		t.Errorf("PendingOutgoing(2) = %+v, want one, two", out)
	}
	if out[0].ID == out[1].ID {
		t.Errorf("two messages with the same id %d", out[0].ID)
	}
}

func testOutboxTransitions(t *testing.T, s bot.Store) {
	ctx := t.Context()
	for i, text := range []string{"one", "two", "three"} {
		record(t, s, withReply(message(alicePN, "A"+text, t0.Add(time.Duration(i)*time.Second)), text))
	}
	out := pending(t, s)
	one, two, three := out[0].ID, out[1].ID, out[2].ID
	sentAt := t0.Add(time.Minute)

	steps := []struct {
		name    string
		do      func() error
		wantErr bool
		pending []string
	}{
		{"claim one", func() error { return s.MarkSending(ctx, one) }, false, []string{"two", "three"}},
		{"claim one twice", func() error { return s.MarkSending(ctx, one) }, true, []string{"two", "three"}},
		{"release one keeps its place", func() error { return s.ReleaseSending(ctx, one) }, false, []string{"one", "two", "three"}},
		{"release a pending message", func() error { return s.ReleaseSending(ctx, one) }, true, []string{"one", "two", "three"}},
		{"claim one again", func() error { return s.MarkSending(ctx, one) }, false, []string{"two", "three"}},
		{"one sent", func() error { return s.MarkSent(ctx, one, "WAMID1", sentAt) }, false, []string{"two", "three"}},
		{"claim a sent message", func() error { return s.MarkSending(ctx, one) }, true, []string{"two", "three"}},
		{"claim two", func() error { return s.MarkSending(ctx, two) }, false, []string{"three"}},
		{"two failed", func() error { return s.MarkFailed(ctx, two, "not on WhatsApp") }, false, []string{"three"}},
		{"claim a failed message", func() error { return s.MarkSending(ctx, two) }, true, []string{"three"}},
		{"three dropped while pending", func() error { return s.MarkFailed(ctx, three, "stale") }, false, nil},
		{"claim an unknown message", func() error { return s.MarkSending(ctx, three+1000) }, true, nil},
	}
	for _, st := range steps {
		err := st.do()
		if (err != nil) != st.wantErr {
			t.Errorf("%s: error = %v, want error %v", st.name, err, st.wantErr)
		}
		if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, st.pending) {
			t.Errorf("%s: pending = %q, want %q", st.name, texts, st.pending)
		}
	}

	sent, err := s.RecentSent(ctx, 10)
	must(t, err, "RecentSent")
	if len(sent) != 1 {
		t.Fatalf("RecentSent = %+v, want only message one", sent)
	}
	if o := sent[0]; o.ID != one || o.Text != "one" || o.Status != "sent" || o.MsgID != "WAMID1" {
		t.Errorf("sent message = %+v", o)
	}
	sameTime(t, "SentAt", sent[0].SentAt, sentAt)
}

// sendAll queues one message per time and marks each sent at that time.
func sendAll(t *testing.T, s bot.Store, times ...time.Time) {
	t.Helper()
	ctx := t.Context()
	for i, at := range times {
		record(t, s, withReply(message(alicePN, "S"+string(rune('a'+i)), at), "reply "+string(rune('a'+i))))
	}
	for i, o := range pending(t, s) {
		must(t, s.MarkSending(ctx, o.ID), "MarkSending")
		must(t, s.MarkSent(ctx, o.ID, "W"+o.Text, times[i]), "MarkSent")
	}
}

func testSentSince(t *testing.T, s bot.Store) {
	sendAll(t, s, t0, t0.Add(30*time.Second), t0.Add(time.Minute))
	// A pending message does not count.
	record(t, s, withReply(message(bobPN, "B1", t0), "pending"))
	tests := []struct {
		name  string
		since time.Time
		want  int
	}{
		{"all", time.Time{}, 3},
		{"at the first send", t0, 3},
		{"just after the first", t0.Add(time.Nanosecond), 2},
		{"at the second, other zone", t0.Add(30 * time.Second).UTC(), 2},
		{"after the last", t0.Add(time.Minute + time.Nanosecond), 0},
	}
	for _, tc := range tests {
		n, err := s.SentSince(t.Context(), tc.since)
		must(t, err, "SentSince")
		if n != tc.want {
			t.Errorf("%s: SentSince = %d, want %d", tc.name, n, tc.want)
		}
	}
}

func testRecentSent(t *testing.T, s bot.Store) {
	sendAll(t, s, t0, t0.Add(time.Second), t0.Add(2*time.Second))
	tests := []struct {
		n    int
		want []string
	}{
		{10, []string{"reply c", "reply b", "reply a"}},
		{2, []string{"reply c", "reply b"}},
		{0, nil},
	}
	for _, tc := range tests {
		out, err := s.RecentSent(t.Context(), tc.n)
		must(t, err, "RecentSent")
		var texts []string
		for _, o := range out {
			texts = append(texts, o.Text)
		}
		if !reflect.DeepEqual(texts, tc.want) {
			t.Errorf("RecentSent(%d) = %q, want %q", tc.n, texts, tc.want)
		}
	}
}

func testShortcutUses(t *testing.T, s bot.Store) {
	ctx := t.Context()
	old := t0.Add(-100 * 24 * time.Hour)
	must(t, s.RecordShortcutUse(ctx, "/time", true, old), "RecordShortcutUse")
	must(t, s.RecordShortcutUse(ctx, "/time", true, t0), "RecordShortcutUse")
	must(t, s.RecordShortcutUse(ctx, "/time", false, t0.Add(time.Hour)), "RecordShortcutUse")
	must(t, s.RecordShortcutUse(ctx, "/price", true, t0.Add(2*time.Hour)), "RecordShortcutUse")
	in := message(bobPN, "B1", t0.Add(3*time.Hour))
	in.Shortcut = "/time"
	record(t, s, in)

	tests := []struct {
		name  string
		since time.Time
		want  map[string]bot.ShortcutUses
	}{
		{"all time", time.Time{}, map[string]bot.ShortcutUses{
			"/time":  {Owner: 2, Customer: 2, Last: t0.Add(3 * time.Hour)},
			"/price": {Owner: 1, Last: t0.Add(2 * time.Hour)},
		}},
		{"last 90 days", t0.Add(-90 * 24 * time.Hour), map[string]bot.ShortcutUses{
			"/time":  {Owner: 1, Customer: 2, Last: t0.Add(3 * time.Hour)},
			"/price": {Owner: 1, Last: t0.Add(2 * time.Hour)},
		}},
		{"since the last /price", t0.Add(2 * time.Hour), map[string]bot.ShortcutUses{
			"/time":  {Customer: 1, Last: t0.Add(3 * time.Hour)},
			"/price": {Owner: 1, Last: t0.Add(2 * time.Hour)},
		}},
		{"nothing since", t0.Add(4 * time.Hour), map[string]bot.ShortcutUses{}},
	}
	for _, tc := range tests {
		got, err := s.ShortcutUses(ctx, tc.since)
		must(t, err, "ShortcutUses")
		if len(got) != len(tc.want) {
			t.Errorf("%s: ShortcutUses = %+v, want %+v", tc.name, got, tc.want)
			continue
		}
		for name, w := range tc.want {
			g := got[name]
			if g.Owner != w.Owner || g.Customer != w.Customer || !g.Last.Equal(w.Last) {
				t.Errorf("%s: ShortcutUses[%s] = %+v, want %+v", tc.name, name, g, w)
			}
		}
	}
}

func testMarkKnown(t *testing.T, s bot.Store) {
	ctx := t.Context()
	in := message(alicePN, "A1", t0)
	in.Name = "Alice"
	record(t, s, in)
	must(t, s.MarkKnown(ctx, []bot.UserID{alicePN, bobPN}, t0.Add(time.Hour)), "MarkKnown")

	// Alice keeps what was known about her; Bob is known but never wrote.
	equalCustomer(t, customer(t, s, alicePN), bot.Customer{ID: alicePN, Name: "Alice", Known: true, LastInbound: t0})
	equalCustomer(t, customer(t, s, bobPN), bot.Customer{ID: bobPN, Known: true})
	// Marking again changes nothing.
	must(t, s.MarkKnown(ctx, []bot.UserID{bobPN}, t0.Add(2*time.Hour)), "MarkKnown again")
	equalCustomer(t, customer(t, s, bobPN), bot.Customer{ID: bobPN, Known: true})
	must(t, s.MarkKnown(ctx, nil, t0), "MarkKnown(nil)")
}

func testForget(t *testing.T, s bot.Store) {
	ctx := t.Context()
	must(t, s.LinkIdentity(ctx, aliceLID, alicePN), "LinkIdentity")
	// Alice wrote from her LID chat and from her phone number chat.
	viaLID := withReply(message(aliceLID, "A1", t0), "hello Alice")
	viaLID.Customer, viaLID.Reply.Customer = alicePN, alicePN
	viaLID.Name = "Alice"
	viaLID.KeywordsSent = []int{1}
	viaLID.Question = "price list"
	record(t, s, viaLID)
	viaPN := withReply(message(alicePN, "A2", t0.Add(time.Minute)), "again Alice")
	viaPN.Question = "opening hours"
	record(t, s, viaPN)
	record(t, s, withReply(message(bobPN, "B1", t0), "hello Bob"))
	must(t, s.MarkKnown(ctx, []bot.UserID{alicePN, bobPN}, t0), "MarkKnown")
	bobBefore := customer(t, s, bobPN)

	n, err := s.Forget(ctx, []bot.UserID{alicePN, aliceLID})
	must(t, err, "Forget")
	if n <= 0 {
		t.Errorf("Forget returned %d rows, want > 0", n)
	}

	for _, id := range []bot.UserID{alicePN, aliceLID} {
		if c := customer(t, s, id); !reflect.DeepEqual(c, bot.Customer{ID: id}) {
			t.Errorf("Customer(%s) after Forget = %+v, want only ID", id, c)
		}
	}
	pn, err := s.PhoneForLID(ctx, aliceLID)
	must(t, err, "PhoneForLID")
	lid, err := s.LIDForPhone(ctx, alicePN)
	must(t, err, "LIDForPhone")
	if pn != "" || lid != "" {
		t.Errorf("identity link survived Forget: %q, %q", pn, lid)
	}
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, []string{"hello Bob"}) {
		t.Errorf("pending after Forget = %q, want only Bob's", texts)
	}
	// Her messages are no longer recorded: the record of (chat, id) went too.
	if err := s.RecordInbound(ctx, message(aliceLID, "A1", t0.Add(time.Hour))); err != nil {
		t.Errorf("RecordInbound of a forgotten message id: %v, want recorded anew", err)
	}
	// Bob is untouched.
	equalCustomer(t, customer(t, s, bobPN), bobBefore)
	if err := s.RecordInbound(ctx, message(bobPN, "B1", t0)); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("Bob's message after forgetting Alice: %v, want ErrDuplicate", err)
	}

	// Forgetting someone unknown deletes nothing.
	n, err = s.Forget(ctx, []bot.UserID{"15550009999"})
	must(t, err, "Forget unknown")
	if n != 0 {
		t.Errorf("Forget of an unknown customer = %d rows, want 0", n)
	}
}

func testDuplicateByAlias(t *testing.T, s bot.Store) {
	// First by LID alone, then the same message by phone number with the
	// LID known beside it: one customer, one message.
	record(t, s, withReply(message(aliceLID, "M1", t0), "first"))
	again := withReply(message(alicePN, "M1", t0), "second")
	again.Alias = aliceLID
	if err := s.RecordInbound(t.Context(), again); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("same id under the other identity: %v, want ErrDuplicate", err)
	}
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, []string{"first"}) {
		t.Errorf("pending = %q, want only the first reply", texts)
	}
}

func testRecorded(t *testing.T, s bot.Store) {
	ctx := t.Context()
	record(t, s, message(alicePN, "M1", t0))
	for _, tc := range []struct {
		id, alias bot.UserID
		msg       string
		want      bool
	}{
		{alicePN, "", "M1", true},
		{aliceLID, alicePN, "M1", true},
		{bobPN, "", "M1", false},
		{alicePN, "", "M2", false},
	} {
		got, answered, err := s.Recorded(ctx, tc.id, tc.alias, tc.msg)
		must(t, err, "Recorded")
		if got != tc.want || !answered {
			t.Errorf("Recorded(%s, %s, %s) = %v, answered %v; want %v, answered", tc.id, tc.alias, tc.msg, got, answered, tc.want)
		}
	}
}

func testAwaitsAnswer(t *testing.T, s bot.Store) {
	ctx := t.Context()
	rec := command("OFF")
	rec.AwaitsAnswer = true
	_, err := s.SaveKillSwitch(ctx, bot.KillSwitch{Off: true}, &rec)
	must(t, err, "SaveKillSwitch with its command")
	found, answered, err := s.Recorded(ctx, rec.Chat, "", rec.ID)
	must(t, err, "Recorded")
	if !found || answered {
		t.Fatalf("Recorded = %v, answered %v; want found, not answered yet", found, answered)
	}
	must(t, s.MarkAnswered(ctx, rec.Chat, "", rec.ID), "MarkAnswered")
	if found, answered, err = s.Recorded(ctx, rec.Chat, "", rec.ID); err != nil || !found || !answered {
		t.Fatalf("after MarkAnswered: Recorded = %v, answered %v, %v", found, answered, err)
	}
}

// command is the owner's command message as the bot records it.
func command(id string) bot.Inbound {
	return bot.Inbound{Chat: "15550100", ID: id, Kind: bot.OwnerSelf, Received: t0, OwnerActive: true}
}

func testSaveConfigRecords(t *testing.T, s bot.Store) {
	ctx := t.Context()
	cfg := bot.DefaultConfig()
	cfg.Away.Text = "first"
	rec := command("C1")
	must(t, s.SaveConfig(ctx, cfg, &rec), "SaveConfig with its command")
	if ok, _, err := s.Recorded(ctx, rec.Chat, "", rec.ID); err != nil || !ok {
		t.Fatalf("command not recorded with the change: %v, %v", ok, err)
	}
	cfg.Away.Text = "again"
	if err := s.SaveConfig(ctx, cfg, &rec); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("the same command saved again: %v, want ErrDuplicate", err)
	}
	got, _, err := s.LoadConfig(ctx)
	must(t, err, "LoadConfig")
	if got.Away.Text != "first" {
		t.Errorf("away text %q after a duplicate save, want the first one kept", got.Away.Text)
	}
}

func testSaveKillSwitchRecords(t *testing.T, s bot.Store) {
	ctx := t.Context()
	record(t, s, withReply(message(alicePN, "A1", t0), "waiting"))
	rec := command("OFF")
	n, err := s.SaveKillSwitch(ctx, bot.KillSwitch{Off: true, Reason: "!off"}, &rec)
	must(t, err, "SaveKillSwitch with its command")
	if n != 1 {
		t.Errorf("discarded %d, want 1", n)
	}
	if _, err := s.SaveKillSwitch(ctx, bot.KillSwitch{}, &rec); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("the same command saved again: %v, want ErrDuplicate", err)
	}
	k, err := s.LoadKillSwitch(ctx)
	must(t, err, "LoadKillSwitch")
	if !k.Off {
		t.Error("a duplicate save turned the kill switch back")
	}
}

func testOutboxTurns(t *testing.T, s bot.Store) {
	for i, text := range []string{"a1", "a2", "a3"} {
		record(t, s, withReply(message(alicePN, text, t0.Add(time.Duration(i)*time.Second)), text))
	}
	record(t, s, withReply(message(bobPN, "b1", t0.Add(5*time.Second)), "b1"))
	record(t, s, withReply(message(aliceLID, "c1", t0.Add(6*time.Second)), "c1"))
	want := []string{"a1", "b1", "c1", "a2", "a3"}
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, want) {
		t.Errorf("pending = %q, want %q (each customer's first, then the seconds)", texts, want)
	}
}

func testOutboxMsgID(t *testing.T, s bot.Store) {
	in := withReply(message(alicePN, "A1", t0), "hello")
	in.Reply.MsgID = "3EB0AAAA"
	record(t, s, in)
	if out := pending(t, s); len(out) != 1 || out[0].MsgID != "3EB0AAAA" {
		t.Fatalf("pending = %+v, want the message id chosen when queued", out)
	}
}

func testResumeInterrupted(t *testing.T, s bot.Store) {
	ctx := t.Context()
	for i, text := range []string{"one", "two"} {
		in := withReply(message(alicePN, "A"+text, t0.Add(time.Duration(i)*time.Second)), text)
		in.Reply.MsgID = "ID" + text
		record(t, s, in)
	}
	out := pending(t, s)
	must(t, s.MarkSending(ctx, out[0].ID), "MarkSending")
	n, err := s.ResumeInterrupted(ctx)
	must(t, err, "ResumeInterrupted")
	if n != 1 {
		t.Errorf("resumed %d, want 1", n)
	}
	if got := pending(t, s); len(got) != 2 || got[0].ID != out[0].ID || got[0].MsgID != "IDone" {
		t.Errorf("pending after resume = %+v, want the interrupted one back first, same id", got)
	}
}

func testPendingByCustomer(t *testing.T, s bot.Store) {
	ctx := t.Context()
	for i, text := range []string{"a1", "a2"} {
		record(t, s, withReply(message(alicePN, text, t0.Add(time.Duration(i)*time.Second)), text))
	}
	record(t, s, withReply(message(bobPN, "b1", t0), "b1"))
	out := pending(t, s)
	must(t, s.MarkSending(ctx, out[0].ID), "MarkSending")
	must(t, s.MarkSent(ctx, out[0].ID, "W1", t0), "MarkSent")
	got, err := s.PendingByCustomer(ctx)
	must(t, err, "PendingByCustomer")
	if want := map[bot.UserID]int{alicePN: 1, bobPN: 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("PendingByCustomer = %v, want %v", got, want)
	}
}

func testDigestSent(t *testing.T, s bot.Store) {
	ctx := t.Context()
	got, err := s.DigestSent(ctx)
	must(t, err, "DigestSent")
	sameTime(t, "DigestSent on a fresh store", got, time.Time{})
	must(t, s.SetDigestSent(ctx, t0), "SetDigestSent")
	got, err = s.DigestSent(ctx)
	must(t, err, "DigestSent")
	sameTime(t, "DigestSent", got, t0)
}
