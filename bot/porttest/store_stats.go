package porttest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"frontdesk/bot"
)

// The StatsReader contract: aggregates only, exact at any nanosecond
// boundary of the period, and taken back by Forget and Retain.

// statsDay is a day of traffic from t0 (09:26:53.59 on a Friday): returns
// the period's bounds. Open hours are from the hour 10 of t0's zone on.
func statsDay(t *testing.T, s bot.Store) (since, until time.Time) {
	t.Helper()
	ctx := t.Context()
	const carol bot.UserID = "393330000001"
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	seq := 0
	rec := func(in bot.Inbound, question string, rules ...string) {
		t.Helper()
		seq++
		in.ID = fmt.Sprintf("ST%d", seq)
		in.Rules, in.Question = rules, question
		record(t, s, in)
	}
	owner := func(id bot.UserID, at time.Time) bot.Inbound {
		return bot.Inbound{Chat: id, Kind: bot.OwnerInChat, Customer: id, Received: at, OwnerWrote: true}
	}
	// Before the period: counted nowhere.
	rec(message(alicePN, "", at(-1)), "orari")
	// Alice at 09:27 (closed: no wait) and 10:30 (waits), the owner at
	// 10:45 (15 minutes), Alice again at 11:00 (waits still).
	rec(message(alicePN, "", at(0)), "orari")
	rec(message(alicePN, "", at(64)), "orari", "keyword")
	rec(owner(alicePN, at(79)), "")
	rec(message(alicePN, "", at(94)), "prezzo #", bot.SuppressedLate)
	// Bob at 10:40 with a reply sent at 10:41, then twice more; the owner
	// answers at 10:50 and again at 11:00 (the second ends nothing).
	in := withReply(message(bobPN, "", at(74)), "hello")
	rec(in, "orari", "greeting")
	rec(message(bobPN, "", at(75)), "prezzo #", bot.SuppressedKill)
	rec(owner(bobPN, at(84)), "")
	rec(owner(bobPN, at(94)), "")
	// A team member: not a customer.
	rec(message(carol, "", at(80)), "", "admin")
	// The owner's own chat is not a customer chat.
	rec(bot.Inbound{Chat: "15550100", Kind: bot.OwnerSelf, Received: at(81), OwnerActive: true}, "")
	for _, o := range pending(t, s) {
		must(t, s.MarkSending(ctx, o.ID), "MarkSending")
		must(t, s.MarkSent(ctx, o.ID, "W1", at(75)), "MarkSent")
	}
	// Just after the period.
	until = at(94)
	rec(message(carol, "", until.Add(time.Nanosecond)), "orari")
	return at(0), until
}

func statsQuery(since, until time.Time) bot.ActivityQuery {
	return bot.ActivityQuery{Since: since, Until: until, MinQuestions: 1,
		Open: func(t time.Time) bool { return t.In(zone).Hour() >= 10 }}
}

func testStatsAggregates(t *testing.T, s bot.Store) {
	since, until := statsDay(t, s)
	got, err := s.Activity(t.Context(), statsQuery(since, until))
	must(t, err, "Activity")
	quarter := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute).Truncate(15 * time.Minute).UTC() }
	want := bot.Activity{
		Inbound: 5, Customers: 2,
		Quarters: []bot.QuarterCount{
			// 10:30:53, 10:40:53 and 10:41:53 share a quarter.
			{Start: quarter(0), Count: 1}, {Start: quarter(64), Count: 3}, {Start: quarter(94), Count: 1},
		},
		Waits: []bot.Wait{
			{From: since.Add(64 * time.Minute).UTC(), To: since.Add(79 * time.Minute).UTC()},
			{From: since.Add(74 * time.Minute).UTC(), To: since.Add(84 * time.Minute).UTC()},
		},
		Unanswered:  1,
		RepliesSent: 1,
		RulesSent:   map[string]int{"greeting": 1},
		Withheld:    map[string]int{bot.SuppressedLate: 1, bot.SuppressedKill: 1},
		Questions: []bot.QuestionCount{
			{Text: "orari", Count: 3, Customers: 2},
			{Text: "prezzo #", Count: 2, Customers: 2},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Activity =\n%+v\nwant\n%+v", got, want)
	}

	// Questions: at least MinQuestions, skipped ones left out, at most
	// MaxQuestions listed and the rest counted.
	q := statsQuery(since, until)
	q.MaxQuestions = 1
	got, err = s.Activity(t.Context(), q)
	must(t, err, "Activity")
	if wantQ := want.Questions[:1]; !reflect.DeepEqual(got.Questions, wantQ) || got.MoreQuestions != 1 {
		t.Errorf("at most 1: %+v and %d more, want %+v and 1 more", got.Questions, got.MoreQuestions, wantQ)
	}
	q = statsQuery(since, until)
	q.MinQuestions = 3
	q.Skip = func(text string) bool { return text == "prezzo #" }
	got, err = s.Activity(t.Context(), q)
	must(t, err, "Activity")
	if wantQ := want.Questions[:1]; !reflect.DeepEqual(got.Questions, wantQ) || got.MoreQuestions != 0 {
		t.Errorf("asked 3+ times: %+v and %d more, want %+v", got.Questions, got.MoreQuestions, wantQ)
	}

	// A period starting one nanosecond after Alice's first message, and
	// one ending a nanosecond before the last: that message is left out.
	got, err = s.Activity(t.Context(), statsQuery(since.Add(time.Nanosecond), until.Add(-time.Nanosecond)))
	must(t, err, "Activity")
	if got.Inbound != 3 || got.Customers != 2 || got.Withheld[bot.SuppressedLate] != 0 || len(got.Waits) != 2 || got.Unanswered != 0 {
		t.Errorf("inner period: %+v", got)
	}
}

func testStatsForgetRetain(t *testing.T, s bot.Store) {
	ctx := t.Context()
	since, until := statsDay(t, s)
	_, err := s.Forget(ctx, []bot.UserID{bobPN})
	must(t, err, "Forget")
	got, err := s.Activity(ctx, statsQuery(since, until))
	must(t, err, "Activity")
	if got.Inbound != 3 || got.Customers != 1 || got.RepliesSent != 0 || len(got.RulesSent) != 0 ||
		got.Withheld[bot.SuppressedKill] != 0 || len(got.Waits) != 1 || got.Unanswered != 1 ||
		!reflect.DeepEqual(got.Questions, []bot.QuestionCount{{Text: "orari", Count: 2, Customers: 1}, {Text: "prezzo #", Count: 1, Customers: 1}}) {
		t.Errorf("after Forget(Bob): %+v", got)
	}
	// Retain at 10:31: Alice's 09:27 and 10:30 messages go.
	must(t, s.Retain(ctx, since.Add(65*time.Minute)), "Retain")
	got, err = s.Activity(ctx, statsQuery(since, until))
	must(t, err, "Activity")
	if got.Inbound != 1 || got.Customers != 1 || len(got.Waits) != 0 || got.Unanswered != 1 ||
		!reflect.DeepEqual(got.Questions, []bot.QuestionCount{{Text: "prezzo #", Count: 1, Customers: 1}}) {
		t.Errorf("after Retain: %+v", got)
	}
}

func testStatsBadRanges(t *testing.T, s bot.Store) {
	for _, q := range []bot.ActivityQuery{
		{Since: t0, Until: t0.Add(-time.Hour)},
		{Until: t0},
		{Since: t0},
	} {
		if _, err := s.Activity(t.Context(), q); err == nil {
			t.Errorf("Activity(%v, %v) accepted the range", q.Since, q.Until)
		}
	}
}

// RunStatsTraffic records the contract suite's day of statistics traffic
// in s (for an implementation's own tests of its statistics).
func RunStatsTraffic(t *testing.T, s bot.Store) {
	statsDay(t, s)
}
