package porttest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"frontdesk/bot"
)

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
