package storage

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"frontdesk/bot"
)

func openStatsDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "stats.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestActivity(t *testing.T) {
	ctx := context.Background()
	db := openStatsDB(t)
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	since, until := t0, t0.Add(24*time.Hour)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	const c1, c2, c3, admin = bot.UserID("391"), bot.UserID("392"), bot.UserID("393"), bot.UserID("399")
	seq := 0
	record := func(in bot.Inbound) {
		t.Helper()
		seq++
		in.ID = fmt.Sprintf("M%d", seq)
		if in.Chat == "" {
			in.Chat = in.Customer
		}
		if in.Kind == 0 {
			in.Kind = bot.FromCustomer
		}
		if in.Reply != nil {
			in.Reply.Created = in.Received
		}
		if err := db.RecordInbound(ctx, in); err != nil {
			t.Fatalf("RecordInbound: %v", err)
		}
	}
	reply := func(rules ...string) *bot.Outgoing { return &bot.Outgoing{Text: "auto", Rules: rules} }

	// Before the period: counted nowhere.
	record(bot.Inbound{Customer: c1, Received: at(-1), Question: "orari", Reply: reply("away")})
	// In the period.
	record(bot.Inbound{Customer: c1, Received: at(1), Question: "orari", Rules: []string{"greeting", "away"}, Reply: reply("greeting", "away")})
	record(bot.Inbound{Customer: c1, Received: at(2), Question: "orari"})
	record(bot.Inbound{Customer: c1, Kind: bot.OwnerInChat, Received: at(3), OwnerWrote: true})
	record(bot.Inbound{Customer: c2, Received: at(2), Question: "orari", Rules: []string{"keyword"}, Reply: reply("keyword")})
	record(bot.Inbound{Customer: c2, Received: at(4), Question: "prezzo #", Rules: []string{bot.SuppressedLate}})
	record(bot.Inbound{Customer: c3, Received: at(5), Question: "prezzo #", Rules: []string{bot.SuppressedKill}})
	record(bot.Inbound{Customer: c3, Received: at(6), Question: "ciao", Rules: []string{"away"}, Reply: reply("away")})
	record(bot.Inbound{Customer: admin, Received: at(7), Rules: []string{"admin"}})
	// The owner's own chat is not a customer chat.
	record(bot.Inbound{Chat: "15550100", Kind: bot.OwnerSelf, Received: at(8), OwnerActive: true})
	// At until: inside; just after: outside.
	record(bot.Inbound{Customer: c3, Received: until, Question: "ciao"})
	record(bot.Inbound{Customer: c3, Received: until.Add(time.Nanosecond), Question: "ciao"})

	// Send the first three replies (the last stays pending) at chosen moments:
	// the one from before the period was sent before it.
	out, err := db.PendingOutgoing(ctx, 10)
	if err != nil || len(out) != 4 {
		t.Fatalf("PendingOutgoing = %d, %v; want 4", len(out), err)
	}
	// Customers take turns in the outbox; here they go in queued order.
	slices.SortFunc(out, func(a, b bot.Outgoing) int { return cmp.Compare(a.ID, b.ID) })
	for i, sentAt := range []time.Time{at(-1), at(1), at(2)} {
		if err := db.MarkSending(ctx, out[i].ID); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkSent(ctx, out[i].ID, "W", sentAt); err != nil {
			t.Fatal(err)
		}
	}

	got, err := db.Activity(ctx, since, until, 2)
	if err != nil {
		t.Fatalf("Activity: %v", err)
	}
	want := bot.Activity{
		Events: []bot.ChatEvent{
			{Customer: c1, At: at(1)},
			{Customer: c1, At: at(2)},
			{Customer: c1, Owner: true, At: at(3)},
			{Customer: c2, At: at(2)},
			{Customer: c2, At: at(4)},
			{Customer: c3, At: at(5)},
			{Customer: c3, At: at(6)},
			{Customer: c3, At: until},
		},
		RepliesSent: 2,
		RulesSent:   map[string]int{"greeting": 1, "away": 1, "keyword": 1},
		Withheld:    map[string]int{bot.SuppressedLate: 1, bot.SuppressedKill: 1},
		Questions: []bot.QuestionCount{
			{Text: "orari", Count: 3, Customers: 2},
			{Text: "ciao", Count: 2, Customers: 1},
			{Text: "prezzo #", Count: 2, Customers: 2},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Activity =\n%+v\nwant\n%+v", got, want)
	}

	// !forget takes the customer's messages and questions with it.
	if _, err := db.Forget(ctx, []bot.UserID{c1}); err != nil {
		t.Fatalf("Forget: %v", err)
	}
	got, err = db.Activity(ctx, since, until, 1)
	if err != nil {
		t.Fatalf("Activity after Forget: %v", err)
	}
	for _, e := range got.Events {
		if e.Customer == c1 {
			t.Errorf("event of a forgotten customer: %+v", e)
		}
	}
	wantQ := []bot.QuestionCount{{Text: "ciao", Count: 2, Customers: 1}, {Text: "prezzo #", Count: 2, Customers: 2}, {Text: "orari", Count: 1, Customers: 1}}
	if !reflect.DeepEqual(got.Questions, wantQ) {
		t.Errorf("questions after Forget = %+v, want %+v", got.Questions, wantQ)
	}

	// Retain drops questions and messages from before its cut.
	if err := db.Retain(ctx, at(5)); err != nil {
		t.Fatalf("Retain: %v", err)
	}
	got, err = db.Activity(ctx, since, until, 1)
	if err != nil {
		t.Fatalf("Activity after Retain: %v", err)
	}
	wantQ = []bot.QuestionCount{{Text: "ciao", Count: 2, Customers: 1}, {Text: "prezzo #", Count: 1, Customers: 1}}
	if !reflect.DeepEqual(got.Questions, wantQ) || len(got.Events) != 3 {
		t.Errorf("after Retain: questions %+v (want %+v), %d events (want 3)", got.Questions, wantQ, len(got.Events))
	}
}

func TestActivityRefusesBadRanges(t *testing.T) {
	db := openStatsDB(t)
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		since, until time.Time
	}{
		{"until before since", now, now.Add(-time.Hour)},
		{"zero since", time.Time{}, now},
		{"zero until", now, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.Activity(context.Background(), tt.since, tt.until, 1); err == nil {
				t.Error("Activity accepted the range")
			}
		})
	}
}
