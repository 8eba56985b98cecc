package porttest

import (
	"reflect"
	"testing"
	"time"

	"frontdesk/bot"
)

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
	resumed, err := s.ResumeInterrupted(ctx)
	must(t, err, "ResumeInterrupted")
	if want := []bot.Resumed{{ID: out[0].ID, Customer: alicePN}}; !reflect.DeepEqual(resumed, want) {
		t.Errorf("ResumeInterrupted = %+v, want %+v", resumed, want)
	}
	if got := pending(t, s); len(got) != 2 || got[0].ID != out[0].ID || got[0].MsgID != "IDone" {
		t.Errorf("pending after resume = %+v, want the interrupted one back first, same id", got)
	}
	if again, err := s.ResumeInterrupted(ctx); err != nil || len(again) != 0 {
		t.Errorf("ResumeInterrupted again = %+v, %v; want nothing (none is being sent)", again, err)
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

// testClaimedAtRecord: a reply recorded with Status "sending" is claimed
// in the same transaction. RecordInbound tells its id; it is not pending,
// yet it holds its customer's first turn, counts as waiting, can be marked
// sent or released without MarkSending, and a crash before that leaves it
// to ResumeInterrupted under its message id.
func testClaimedAtRecord(t *testing.T, s bot.Store) {
	ctx := t.Context()
	a1 := withReply(message(alicePN, "A1", t0), "first for Alice")
	a1.Reply.MsgID, a1.Reply.Status = "OUT-A1", "sending"
	record(t, s, a1)
	if a1.Reply.ID == 0 {
		t.Fatal("RecordInbound did not set the claimed reply's ID")
	}
	record(t, s, withReply(message(alicePN, "A2", t0.Add(time.Second)), "second for Alice"))
	record(t, s, withReply(message(bobPN, "B1", t0.Add(2*time.Second)), "first for Bob"))
	if texts := pendingTexts(t, s); !reflect.DeepEqual(texts, []string{"first for Bob", "second for Alice"}) {
		t.Errorf("pending = %q, want Bob's first before Alice's second (Alice's first is being sent)", texts)
	}
	counts, err := s.PendingByCustomer(ctx)
	must(t, err, "PendingByCustomer")
	if counts[alicePN] != 2 {
		t.Errorf("PendingByCustomer[alice] = %d, want 2", counts[alicePN])
	}
	if err := s.MarkSending(ctx, a1.Reply.ID); err == nil {
		t.Error("MarkSending of a claimed reply: no error")
	}
	resumed, err := s.ResumeInterrupted(ctx)
	must(t, err, "ResumeInterrupted")
	if want := []bot.Resumed{{ID: a1.Reply.ID, Customer: alicePN}}; !reflect.DeepEqual(resumed, want) {
		t.Errorf("ResumeInterrupted = %+v, want %+v", resumed, want)
	}
	out := pending(t, s)
	if len(out) != 3 || out[0].ID != a1.Reply.ID || out[0].MsgID != "OUT-A1" {
		t.Fatalf("pending after resume = %+v, want Alice's first again first, under OUT-A1", out)
	}
	bad := withReply(message(bobPN, "B2", t0.Add(3*time.Second)), "sent already?")
	bad.Reply.Status = "sent"
	if err := s.RecordInbound(ctx, bad); err == nil {
		t.Error("RecordInbound of a reply with status sent: no error")
	}
}
