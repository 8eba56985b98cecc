package porttest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"frontdesk/bot"
)

// RunStoreIsolation checks that two stores kept in one database (two
// businesses) are wholly apart: open returns two empty stores of one
// database, and Run closes both. Everything one business writes (its
// configuration, kill switch, digest and owner activity, identities,
// customers, message records with the same message ids, command answers,
// outbox, shortcut uses, statistics) is invisible to the other and left
// alone by the other's writes, forgetting and pruning. Kept media is the
// database's (named by its bytes, reached through a business's own
// references): one business's pruning keeps what the other refers to.
func RunStoreIsolation(t *testing.T, open func(t *testing.T) (a, b bot.Store)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, a, b bot.Store)
	}{
		{"writes in one are invisible in the other", testIsolationInvisible},
		{"the same messages recorded in both", testIsolationSameMessages},
		{"kill switch, forget and retain stay in their business", testIsolationCleanup},
		{"an outbox id of one business is not the other's", testIsolationOutboxIDs},
		{"media is shared, pruning keeps what either refers to", testIsolationMedia},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := open(t)
			t.Cleanup(func() {
				for _, s := range []bot.Store{a, b} {
					if err := s.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				}
			})
			tc.fn(t, a, b)
		})
	}
}

// businessTraffic writes one of every kind of data a business keeps into
// s, with the same message ids whatever the store.
func businessTraffic(t *testing.T, s bot.Store) {
	t.Helper()
	ctx := t.Context()
	cfg := bot.DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	cfg.Away.On, cfg.Away.Text = true, "Closed"
	cfg.Admins = []bot.UserID{bobPN}
	rec := command("C1")
	rec.AwaitsAnswer = true
	must(t, s.SaveConfig(ctx, cfg, &rec), "SaveConfig")
	must(t, s.SaveAnswer(ctx, rec.Chat, "", rec.ID, []bot.AnswerPart{{ID: "A1", Text: "Saved."}}), "SaveAnswer")
	must(t, s.SetDigestSent(ctx, t0), "SetDigestSent")
	must(t, s.SetOwnerActive(ctx, t0.Add(time.Minute)), "SetOwnerActive")
	must(t, s.LinkIdentity(ctx, aliceLID, alicePN), "LinkIdentity")
	must(t, s.MarkKnown(ctx, []bot.UserID{bobPN}, t0), "MarkKnown")

	m1 := withReply(message(alicePN, "M1", t0.Add(2*time.Minute)), "hello")
	m1.Name, m1.KeywordsSent, m1.Shortcut, m1.Question = "Alice", []int{4}, "/orari", "orari"
	m1.Alias = aliceLID
	record(t, s, m1)
	out := pending(t, s)
	if len(out) != 1 {
		t.Fatalf("pending = %+v, want the reply to M1", out)
	}
	must(t, s.MarkSending(ctx, out[0].ID), "MarkSending")
	must(t, s.MarkSent(ctx, out[0].ID, "W1", t0.Add(3*time.Minute)), "MarkSent")
	record(t, s, withReply(message(alicePN, "M2", t0.Add(4*time.Minute)), "still here"))
	must(t, s.RecordShortcutUse(ctx, "/menu", true, t0.Add(5*time.Minute)), "RecordShortcutUse")
	record(t, s, bot.Inbound{Chat: alicePN, ID: "O1", Kind: bot.OwnerInChat, Customer: alicePN,
		Received: t0.Add(6 * time.Minute), OwnerWrote: true, OwnerActive: true})
}

// snapshot is everything a store answers about the traffic above, as
// JSON so that two snapshots compare as text.
func snapshot(t *testing.T, s bot.Store) string {
	t.Helper()
	ctx := t.Context()
	var snap struct {
		Config                 bot.Config
		ConfigSaved            bool
		Kill                   bot.KillSwitch
		Digest, Owner          time.Time
		Phone, LID             bot.UserID
		Alice, Bob             bot.Customer
		M1, M2, O1, C1, C2, C3 bot.Recorded
		Pending, Recent        []bot.Outgoing
		ByCustomer             map[bot.UserID]int
		SentSince              int
		Shortcuts              map[string]bot.ShortcutUses
		Activity               bot.Activity
	}
	var err error
	snap.Config, snap.ConfigSaved, err = s.LoadConfig(ctx)
	must(t, err, "LoadConfig")
	snap.Kill, err = s.LoadKillSwitch(ctx)
	must(t, err, "LoadKillSwitch")
	snap.Digest, err = s.DigestSent(ctx)
	must(t, err, "DigestSent")
	snap.Owner, err = s.OwnerActive(ctx)
	must(t, err, "OwnerActive")
	snap.Phone, err = s.PhoneForLID(ctx, aliceLID)
	must(t, err, "PhoneForLID")
	snap.LID, err = s.LIDForPhone(ctx, alicePN)
	must(t, err, "LIDForPhone")
	snap.Alice = customer(t, s, alicePN)
	snap.Bob = customer(t, s, bobPN)
	for _, r := range []struct {
		dst       *bot.Recorded
		id, alias bot.UserID
		msg       string
	}{
		{&snap.M1, alicePN, aliceLID, "M1"}, {&snap.M2, alicePN, aliceLID, "M2"}, {&snap.O1, alicePN, "", "O1"},
		{&snap.C1, command("").Chat, "", "C1"}, {&snap.C2, command("").Chat, "", "C2"}, {&snap.C3, command("").Chat, "", "C3"},
	} {
		*r.dst, err = s.Recorded(ctx, r.id, r.alias, r.msg)
		must(t, err, "Recorded "+r.msg)
	}
	snap.Pending = pending(t, s)
	snap.Recent, err = s.RecentSent(ctx, 10)
	must(t, err, "RecentSent")
	snap.ByCustomer, err = s.PendingByCustomer(ctx)
	must(t, err, "PendingByCustomer")
	snap.SentSince, err = s.SentSince(ctx, time.Time{})
	must(t, err, "SentSince")
	snap.Shortcuts, err = s.ShortcutUses(ctx, time.Time{})
	must(t, err, "ShortcutUses")
	snap.Activity, err = s.Activity(ctx, bot.ActivityQuery{Since: t0.Add(-time.Hour), Until: t0.Add(time.Hour), MinQuestions: 1})
	must(t, err, "Activity")
	// Outbox ids are the database's, not the business's: compare the rest.
	for i := range snap.Pending {
		snap.Pending[i].ID = 0
	}
	for i := range snap.Recent {
		snap.Recent[i].ID = 0
	}
	b, err := json.MarshalIndent(snap, "", " ")
	must(t, err, "encode snapshot")
	return string(b)
}

func sameSnapshot(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s changed:\n%s\nwant\n%s", what, got, want)
	}
}

func testIsolationInvisible(t *testing.T, a, b bot.Store) {
	empty := snapshot(t, b)
	businessTraffic(t, a)
	full := snapshot(t, a)
	if full == empty {
		t.Fatal("the traffic left no trace in its own business")
	}
	sameSnapshot(t, "the other business", snapshot(t, b), empty)
}

func testIsolationSameMessages(t *testing.T, a, b bot.Store) {
	businessTraffic(t, a)
	before := snapshot(t, a)
	// The same message ids, the same customers: none is a duplicate in
	// the other business.
	businessTraffic(t, b)
	sameSnapshot(t, "the first business", snapshot(t, a), before)
	sameSnapshot(t, "the second business (the same traffic)", snapshot(t, b), before)
	// And they are still duplicates in their own.
	if err := a.RecordInbound(t.Context(), message(alicePN, "M1", t0)); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("M1 again in its business: %v, want ErrDuplicate", err)
	}
	if err := b.RecordInbound(t.Context(), message(alicePN, "M2", t0)); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("M2 again in its business: %v, want ErrDuplicate", err)
	}
}

func testIsolationCleanup(t *testing.T, a, b bot.Store) {
	ctx := t.Context()
	businessTraffic(t, a)
	businessTraffic(t, b)
	before := snapshot(t, a)
	rec := command("C2")
	n, err := b.SaveKillSwitch(ctx, bot.KillSwitch{Off: true, Reason: "!off"}, &rec)
	must(t, err, "SaveKillSwitch")
	if n != 1 {
		t.Errorf("kill switch discarded %d, want the other business's one waiting message", n)
	}
	if _, err := b.Forget(ctx, []bot.UserID{alicePN}); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	must(t, b.Retain(ctx, t0.Add(24*time.Hour)), "Retain")
	sameSnapshot(t, "the business that did none of it", snapshot(t, a), before)
	if c := customer(t, b, alicePN); c.Name != "" {
		t.Errorf("the forgotten customer is still there: %+v", c)
	}
}

func testIsolationOutboxIDs(t *testing.T, a, b bot.Store) {
	ctx := t.Context()
	record(t, a, withReply(message(alicePN, "M1", t0), "for a"))
	out := pending(t, a)
	if len(out) != 1 {
		t.Fatalf("pending = %+v", out)
	}
	id := out[0].ID
	for name, change := range map[string]func() error{
		"MarkSending":    func() error { return b.MarkSending(ctx, id) },
		"ReleaseSending": func() error { return b.ReleaseSending(ctx, id) },
		"MarkSent":       func() error { return b.MarkSent(ctx, id, "W", t0) },
		"MarkFailed":     func() error { return b.MarkFailed(ctx, id, "no") },
	} {
		if err := change(); err == nil {
			t.Errorf("%s of the other business's message %d: no error", name, id)
		}
	}
	if got := pending(t, a); len(got) != 1 || got[0].Status != "pending" {
		t.Errorf("the message after the other business's attempts: %+v, want it pending", got)
	}
	if got := pending(t, b); len(got) != 0 {
		t.Errorf("the other business sees %+v", got)
	}
}

func testIsolationMedia(t *testing.T, a, b bot.Store) {
	ctx := t.Context()
	photo := mediaOf(t, JPEGStub, "")
	doc := mediaOf(t, PDFStub, "prices.pdf")
	loose := mediaOf(t, append([]byte("%PDF-1.7\n"), "unused"...), "old.pdf")
	must(t, a.SaveMedia(ctx, photo), "SaveMedia photo")
	must(t, a.SaveMedia(ctx, doc), "SaveMedia document")
	cfg := bot.DefaultConfig()
	cfg.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/menu"}, Text: "Menu", Media: &photo.MediaRef}}
	must(t, a.SaveConfig(ctx, cfg, nil), "SaveConfig")
	in := withReply(message(alicePN, "A1", t0), "Prices")
	in.Reply.Attachment = &bot.Attachment{Media: &doc.MediaRef}
	record(t, a, in)
	// The other business keeps the same photo (kept once) and a file
	// nothing refers to.
	must(t, b.SaveMedia(ctx, photo), "SaveMedia the same photo in the other business")
	must(t, b.SaveMedia(ctx, loose), "SaveMedia loose")
	if got := pending(t, b); len(got) != 0 {
		t.Errorf("the other business sees the attachment's message: %+v", got)
	}

	n, err := b.PruneMedia(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("the other business's PruneMedia = %d, %v; want only the file no business refers to", n, err)
	}
	for _, m := range []bot.Media{photo, doc} {
		if _, err := a.LoadMedia(ctx, m.SHA256); err != nil {
			t.Errorf("the other business's pruning took a file this one refers to: %v", err)
		}
	}
	if _, err := b.LoadMedia(ctx, loose.SHA256); !errors.Is(err, bot.ErrNoMedia) {
		t.Errorf("unreferenced media: %v, want ErrNoMedia", err)
	}
	if got := pending(t, a); len(got) != 1 || got[0].Attachment == nil || got[0].Attachment.Media == nil || *got[0].Attachment.Media != doc.MediaRef {
		t.Errorf("the business's waiting message = %+v, want its document attached", got)
	}
}
