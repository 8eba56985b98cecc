package storage

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"frontdesk/bot"
)

// TestRecordOnceAcrossHandles records every message many times at once,
// through two handles on one database (as two processes would), under
// both identities of the customer: each message is recorded, and its
// reply queued, exactly once. Under either identity the two records have
// different keys, so only the business's write lock (SQLite's BEGIN
// IMMEDIATE, PostgreSQL's advisory lock) keeps the second out.
func TestRecordOnceAcrossHandles(t *testing.T) { eachDialect(t, testRecordOnceAcrossHandles) }

func testRecordOnceAcrossHandles(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	dsn := fresh(t)
	var stores []*Store
	for range 2 {
		s := openAt(t, dsn)
		defer s.Close()
		stores = append(stores, s)
	}
	const (
		pn       bot.UserID = "393331234567"
		lid      bot.UserID = "lid:4455"
		workers             = 8
		messages            = 25
	)
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		recorded = map[string]int{}
		failures []error
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%2]
			id, alias := pn, lid
			if w%4 >= 2 {
				id, alias = lid, pn
			}
			for i := range messages {
				msg := fmt.Sprintf("M%02d", i)
				in := bot.Inbound{Chat: id, ID: msg, Kind: bot.FromCustomer, Customer: id, Alias: alias,
					Received: at.Add(time.Duration(i) * time.Second), TouchCustomer: true,
					Reply: &bot.Outgoing{Text: "reply to " + msg}}
				err := s.RecordInbound(ctx, in)
				mu.Lock()
				switch {
				case err == nil:
					recorded[msg]++
				case !errors.Is(err, bot.ErrDuplicate):
					failures = append(failures, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range failures {
		t.Error(err)
	}
	for i := range messages {
		if n := recorded[fmt.Sprintf("M%02d", i)]; n != 1 {
			t.Errorf("M%02d recorded %d times, want once", i, n)
		}
	}
	out, err := stores[0].PendingOutgoing(ctx, 1000)
	if err != nil || len(out) != messages {
		t.Errorf("%d replies queued (%v), want %d", len(out), err, messages)
	}
}

// TestBusinessOnceAcrossHandles opens one number from several handles at
// once: they all get the same business.
func TestBusinessOnceAcrossHandles(t *testing.T) { eachDialect(t, testBusinessOnceAcrossHandles) }

func testBusinessOnceAcrossHandles(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	dsn := fresh(t)
	var dbs []*DB
	for range 3 {
		db, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	var (
		wg   sync.WaitGroup
		ids  = make([]int64, 12)
		errs = make([]error, 12)
	)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := dbs[i%len(dbs)].Business(ctx, fmt.Sprintf("3933300000%d", i%2))
			if err != nil {
				errs[i] = err
				return
			}
			ids[i] = s.ID()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Business %d: %v", i, err)
		}
		if ids[i] != ids[i%2] {
			t.Errorf("number %d opened as businesses %d and %d", i%2, ids[i%2], ids[i])
		}
	}
	if ids[0] == ids[1] {
		t.Errorf("two numbers share business %d", ids[0])
	}
	list, err := dbs[0].Businesses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	numbered := 0
	for _, b := range list {
		if b.Number != "" {
			numbered++
		}
	}
	if numbered != 2 {
		t.Errorf("Businesses = %+v, want two numbered", list)
	}
}
