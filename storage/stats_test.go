package storage

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

func TestActivity(t *testing.T) { eachDialect(t, testActivity) }

func testActivity(t *testing.T, fresh func(testing.TB) string) {
	ctx := context.Background()
	db := openAt(t, fresh(t))
	defer db.Close()
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

	got, err := db.Activity(ctx, bot.ActivityQuery{Since: since, Until: until, MinQuestions: 2})
	if err != nil {
		t.Fatalf("Activity: %v", err)
	}
	want := bot.Activity{
		// c1 twice, c2 twice, c3 three times (the last at until); not
		// the team member.
		Inbound:   7,
		Customers: 3,
		Quarters: []bot.QuarterCount{
			{Start: at(1), Count: 1}, {Start: at(2), Count: 2}, {Start: at(4), Count: 1},
			{Start: at(5), Count: 1}, {Start: at(6), Count: 1}, {Start: until, Count: 1},
		},
		// Always open: c1 waited from 1 to 3; c2 and c3 still wait.
		Waits:       []bot.Wait{{From: at(1), To: at(3)}},
		Unanswered:  2,
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
	got, err = db.Activity(ctx, bot.ActivityQuery{Since: since, Until: until, MinQuestions: 1})
	if err != nil {
		t.Fatalf("Activity after Forget: %v", err)
	}
	if got.Inbound != 5 || got.Customers != 2 || len(got.Waits) != 0 || got.Unanswered != 2 {
		t.Errorf("after Forget: %d messages from %d customers, waits %v, %d unanswered; want 5 from 2, none, 2",
			got.Inbound, got.Customers, got.Waits, got.Unanswered)
	}
	wantQ := []bot.QuestionCount{{Text: "ciao", Count: 2, Customers: 1}, {Text: "prezzo #", Count: 2, Customers: 2}, {Text: "orari", Count: 1, Customers: 1}}
	if !reflect.DeepEqual(got.Questions, wantQ) {
		t.Errorf("questions after Forget = %+v, want %+v", got.Questions, wantQ)
	}

	// Retain drops questions and messages from before its cut.
	if err := db.Retain(ctx, at(5)); err != nil {
		t.Fatalf("Retain: %v", err)
	}
	got, err = db.Activity(ctx, bot.ActivityQuery{Since: since, Until: until, MinQuestions: 1})
	if err != nil {
		t.Fatalf("Activity after Retain: %v", err)
	}
	wantQ = []bot.QuestionCount{{Text: "ciao", Count: 2, Customers: 1}, {Text: "prezzo #", Count: 1, Customers: 1}}
	if !reflect.DeepEqual(got.Questions, wantQ) || got.Inbound != 3 {
		t.Errorf("after Retain: questions %+v (want %+v), %d messages (want 3)", got.Questions, wantQ, got.Inbound)
	}
}

func TestActivityRefusesBadRanges(t *testing.T) { eachDialect(t, testActivityRefusesBadRanges) }

func testActivityRefusesBadRanges(t *testing.T, fresh func(testing.TB) string) {
	db := openAt(t, fresh(t))
	defer db.Close()
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
			if _, err := db.Activity(context.Background(), bot.ActivityQuery{Since: tt.since, Until: tt.until, MinQuestions: 1}); err == nil {
				t.Error("Activity accepted the range")
			}
		})
	}
}

// TestMigrationRollsUpExistingRows: rebuilding the rollups from the rows
// already there (as for a database written in bulk) gives what the
// per-message path keeps.
func TestMigrationRollsUpExistingRows(t *testing.T) { eachDialect(t, testMigrationRollsUpExistingRows) }

func testMigrationRollsUpExistingRows(t *testing.T, fresh func(testing.TB) string) {
	ctx := context.Background()
	db := openAt(t, fresh(t))
	defer db.Close()
	porttest.RunStatsTraffic(t, db)
	q := bot.ActivityQuery{Since: time.Unix(0, 1), Until: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), MinQuestions: 1,
		Open: func(t time.Time) bool { return t.Minute()%2 == 0 }}
	kept, err := db.Activity(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if kept.Inbound == 0 || kept.RepliesSent == 0 || len(kept.Questions) == 0 {
		t.Fatalf("no traffic: %+v", kept)
	}
	tx, err := db.db.sql.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.rebuildRollups(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := db.Activity(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, kept) {
		t.Errorf("rolled up by the migration:\n%+v\nkept per message:\n%+v", got, kept)
	}
}

// TestActivityDoesNotBlockWriters: while one business's statistics are
// read (the read transaction held open midway), the other business in the
// same database, and the business itself, go on recording messages,
// sending replies and saving their configuration; and the read is one
// snapshot: what was written meanwhile is in none of its figures, and
// in all of them in the next read.
func TestActivityDoesNotBlockWriters(t *testing.T) {
	eachDialect(t, testActivityDoesNotBlockWriters)
}

func testActivityDoesNotBlockWriters(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	db, err := Open(ctx, fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.Business(ctx, "15550100")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Business(ctx, "15550200")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	msg := func(id string, customer bot.UserID, h int, question string) bot.Inbound {
		return bot.Inbound{ID: id, Chat: customer, Customer: customer, Kind: bot.FromCustomer, Received: at(h),
			Question: question, Rules: []string{"away"}, Reply: &bot.Outgoing{Text: "auto", Rules: []string{"away"}, Created: at(h)}}
	}
	// send sends the store's pending replies at sentAt.
	send := func(ctx context.Context, s *Store, sentAt time.Time) error {
		out, err := s.PendingOutgoing(ctx, 10)
		if err != nil {
			return err
		}
		for _, o := range out {
			if err := s.MarkSending(ctx, o.ID); err != nil {
				return err
			}
			if err := s.MarkSent(ctx, o.ID, "W"+fmt.Sprint(o.ID), sentAt); err != nil {
				return err
			}
		}
		return nil
	}
	for i, in := range []bot.Inbound{msg("A1", "391", 1, "orari"), msg("A2", "392", 2, "prezzo")} {
		if err := a.RecordInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		if err := send(ctx, a, at(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	q := bot.ActivityQuery{Since: t0, Until: at(24), MinQuestions: 1}
	before, err := a.Activity(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if before.Inbound != 2 || before.Customers != 2 || before.RepliesSent != 2 || len(before.Questions) != 2 {
		t.Fatalf("before: %+v; want 2 messages from 2 customers, 2 replies, 2 questions", before)
	}

	cfg := bot.DefaultConfig()
	cfg.Lang = "it"
	var writes []string
	got, err := a.activity(ctx, q, func() {
		// The deadline only keeps a deadlock from hanging the test.
		wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		for _, w := range []struct {
			what string
			do   func() error
		}{
			{"the other business records a message", func() error { return b.RecordInbound(wctx, msg("B1", "491", 3, "hours")) }},
			{"the other business sends its reply", func() error { return send(wctx, b, at(3)) }},
			{"the other business saves its configuration", func() error { return b.SaveConfig(wctx, cfg, nil) }},
			{"the business records a new customer's message", func() error { return a.RecordInbound(wctx, msg("A3", "393", 3, "nuova")) }},
			{"the business sends its reply", func() error { return send(wctx, a, at(3)) }},
			{"the business saves its configuration", func() error { return a.SaveConfig(wctx, cfg, nil) }},
		} {
			if err := w.do(); err != nil {
				writes = append(writes, fmt.Sprintf("%s: %v", w.what, err))
			}
		}
	})
	if err != nil {
		t.Fatalf("Activity: %v", err)
	}
	for _, w := range writes {
		t.Errorf("during the read, %s", w)
	}
	if !reflect.DeepEqual(got, before) {
		t.Errorf("the read saw part of what was written during it:\n%+v\nwant what was there when it started:\n%+v", got, before)
	}
	if len(writes) > 0 {
		return
	}

	after, err := a.Activity(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if after.Inbound != 3 || after.Customers != 3 || after.RepliesSent != 3 || len(after.Questions) != 3 {
		t.Errorf("after: %+v; want 3 messages from 3 customers, 3 replies, 3 questions", after)
	}
	other, err := b.Activity(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if other.Inbound != 1 || other.RepliesSent != 1 {
		t.Errorf("other business: %+v; want its 1 message and 1 reply", other)
	}
	for _, s := range []*Store{a, b} {
		saved, ok, err := s.LoadConfig(ctx)
		if err != nil || !ok || saved.Lang != "it" {
			t.Errorf("%s: configuration saved during the read = lang %q, %v, %v; want it", s.Number(), saved.Lang, ok, err)
		}
	}
}
