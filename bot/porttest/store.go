package porttest

import (
	"encoding/json"
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
		{"outbox/reply claimed as it is recorded", testClaimedAtRecord},
		{"outbox/pending by customer", testPendingByCustomer},
		{"digest sent", testDigestSent},
		{"outbox/status transitions", testOutboxTransitions},
		{"outbox/sent since", testSentSince},
		{"outbox/recent sent newest first", testRecentSent},
		{"shortcut uses", testShortcutUses},
		{"mark known", testMarkKnown},
		{"forget", testForget},
		{"stats/aggregates", testStatsAggregates},
		{"stats/forget and retain take counts back", testStatsForgetRetain},
		{"stats/bad ranges", testStatsBadRanges},
		{"media/round trip", testMediaRoundTrip},
		{"media/outgoing attachment", testOutboxAttachment},
		{"media/prune keeps what is referenced", testPruneMedia},
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
