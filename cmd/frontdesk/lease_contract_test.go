package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontdesk/storage"
	"frontdesk/storage/storagetest"
)

// The lease port (leaser, numberLease) has one contract, run here against
// every implementation: the PostgreSQL advisory-lock leases, the leases of
// a database only this process uses (SQLite under the instance lock), and
// the fake lease the fencing tests lose at will.

// leaseHarness is one leaser under the contract.
type leaseHarness struct {
	// Mine is the leaser of this process.
	Mine leaser
	// Other is the leaser of another process on the same database; nil
	// where no other process can use the database (it is this process's
	// alone).
	Other leaser
	// Cut ends the connection number's lease stands on, from outside (as
	// when the database drops it); nil where a lease has no connection to
	// lose.
	Cut func(t *testing.T, number string)
	// LostWithin bounds how long a cut lease may take to see itself lost
	// without being checked.
	LostWithin time.Duration
}

// runLeaserContract runs the lease contract; newHarness makes a fresh
// database's leasers for each case.
func runLeaserContract(t *testing.T, newHarness func(t *testing.T) leaseHarness) {
	const number, another = "15550001000", "15550002000"
	ctx := context.Background()
	acquire := func(t *testing.T, l leaser, n string) numberLease {
		t.Helper()
		ls, err := l.TryAcquire(ctx, n)
		if err != nil || ls == nil {
			t.Fatalf("acquire +%s of a free number: lease %v, error %v", n, ls, err)
		}
		return ls
	}
	isLost := func(ls numberLease) bool {
		select {
		case <-ls.Lost():
			return true
		default:
			return false
		}
	}
	// taker is the leaser that takes a number once it is free: another
	// process's where there can be one.
	taker := func(h leaseHarness) leaser {
		if h.Other != nil {
			return h.Other
		}
		return h.Mine
	}
	released := func(t *testing.T, ls numberLease) {
		t.Helper()
		done := make(chan struct{})
		go func() { ls.Release(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Release did not return within 10 s")
		}
	}

	t.Run("a free number is granted and held", func(t *testing.T) {
		h := newHarness(t)
		ls := acquire(t, h.Mine, number)
		defer ls.Release()
		if err := ls.Check(ctx); err != nil {
			t.Fatalf("check of a held lease: %v", err)
		}
		if isLost(ls) {
			t.Fatal("a held lease says it is lost")
		}
		// The fence checks from every sending goroutine at once.
		var wg sync.WaitGroup
		var failed atomic.Int32
		for range 8 {
			wg.Go(func() {
				for range 5 {
					if ls.Check(ctx) != nil {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if n := failed.Load(); n > 0 {
			t.Fatalf("%d of 40 concurrent checks of a held lease failed", n)
		}
		if isLost(ls) {
			t.Fatal("a held lease says it is lost after checks")
		}
	})

	t.Run("a check the caller gives up on leaves the lease held", func(t *testing.T) {
		h := newHarness(t)
		ls := acquire(t, h.Mine, number)
		defer ls.Release()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_ = ls.Check(cctx) // nil or the context's error: either is fine
		if err := ls.Check(ctx); err != nil {
			t.Fatalf("check after a cancelled check: %v", err)
		}
		if isLost(ls) {
			t.Fatal("a cancelled check lost the lease")
		}
	})

	t.Run("another process is refused a held number", func(t *testing.T) {
		h := newHarness(t)
		if h.Other == nil {
			t.Skip("the database is this process's alone: no other process can ask")
		}
		ls := acquire(t, h.Mine, number)
		defer ls.Release()
		if got, err := h.Other.TryAcquire(ctx, number); err != nil || got != nil {
			if got != nil {
				got.Release()
			}
			t.Fatalf("a held number granted again: lease %v, error %v", got, err)
		}
		o := acquire(t, h.Other, another)
		defer o.Release()
		if err := ls.Check(ctx); err != nil {
			t.Fatalf("the holder's check after another's refusal: %v", err)
		}
	})

	t.Run("release lets the number be taken again", func(t *testing.T) {
		h := newHarness(t)
		ls := acquire(t, h.Mine, number)
		released(t, ls)
		if err := ls.Check(ctx); err == nil {
			t.Fatal("check of a released lease reports it held")
		}
		if !isLost(ls) {
			t.Fatal("Lost is not closed after Release")
		}
		again := acquire(t, taker(h), number)
		defer again.Release()
		if err := again.Check(ctx); err != nil {
			t.Fatalf("check of the new holder's lease: %v", err)
		}
	})

	t.Run("release twice is harmless", func(t *testing.T) {
		h := newHarness(t)
		ls := acquire(t, h.Mine, number)
		released(t, ls)
		released(t, ls)
		if err := ls.Check(ctx); err == nil {
			t.Fatal("check of a twice released lease reports it held")
		}
		again := acquire(t, h.Mine, number)
		defer again.Release()
		if err := again.Check(ctx); err != nil {
			t.Fatalf("a second Release of the old lease touched the new one: %v", err)
		}
	})

	t.Run("a lost connection reports the lease lost", func(t *testing.T) {
		h := newHarness(t)
		if h.Cut == nil {
			t.Skip("a lease here stands on no connection that can be lost")
		}
		ls := acquire(t, h.Mine, number)
		defer ls.Release()
		h.Cut(t, number)
		select {
		case <-ls.Lost():
		case <-time.After(h.LostWithin):
			t.Fatalf("a cut lease did not see itself lost within %v", h.LostWithin)
		}
		if err := ls.Check(ctx); err == nil {
			t.Fatal("check of a lost lease reports it held")
		}
		again := acquire(t, taker(h), number)
		defer again.Release()
	})
}

// TestLeasersKeepTheContract runs the lease contract against every
// leaser and fake lease.
func TestLeasersKeepTheContract(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		storagetest.NeedPostgres(t)
		runLeaserContract(t, func(t *testing.T) leaseHarness {
			dsn := storagetest.Postgres(t)
			open := func() leaser {
				l, err := storage.OpenLeases(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { l.Close() })
				return pgLeases{l}
			}
			// As `frontdesk run` opens it: the stores' database first
			// (its migrations make the schema's tables).
			db, err := storage.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return leaseHarness{
				Mine: open(), Other: open(),
				Cut:        func(t *testing.T, number string) { terminateLeaseSession(t, db.SQL(), number) },
				LostWithin: 3*storage.LeaseCheckEvery + 5*time.Second,
			}
		})
	})
	t.Run("exclusive sqlite", func(t *testing.T) {
		runLeaserContract(t, func(t *testing.T) leaseHarness {
			// The database the leases stand for is locked for this
			// process, as `frontdesk run` locks it.
			lock, err := storage.Lock(filepath.Join(t.TempDir(), "fd.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { lock.Release() })
			return leaseHarness{Mine: localLeases{}}
		})
	})
	t.Run("fake", func(t *testing.T) {
		runLeaserContract(t, func(t *testing.T) leaseHarness {
			f := newSwitchLeases()
			return leaseHarness{
				Mine: f, Other: f.other(),
				Cut:        func(t *testing.T, number string) { f.lose(number) },
				LostWithin: time.Second,
			}
		})
	})
}

// terminateLeaseSession ends the PostgreSQL session holding number's
// lease, as a dropped connection would.
func terminateLeaseSession(t *testing.T, db *sql.DB, number string) {
	t.Helper()
	var n int
	err := db.QueryRowContext(context.Background(), `SELECT count(pg_terminate_backend(l.pid))
		FROM (SELECT `+"hashtextextended('frontdesk number ' || current_schema() || ' ' || $1::text, 0)"+` AS k) x, pg_locks l
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.classid::bigint = ((x.k >> 32) & 4294967295) AND l.objid::bigint = (x.k & 4294967295)`, number).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("ended %d sessions holding +%s's lease, want 1", n, number)
	}
}

// switchLeases hands out switchLeases: the fake leaser, of two processes
// sharing one table of holders (other).
type switchLeases struct {
	mu   *sync.Mutex
	held map[string]*switchLease
}

func newSwitchLeases() *switchLeases {
	return &switchLeases{mu: &sync.Mutex{}, held: map[string]*switchLease{}}
}

// other is the leaser of another process on the same holders.
func (f *switchLeases) other() *switchLeases { return &switchLeases{mu: f.mu, held: f.held} }

func (f *switchLeases) TryAcquire(_ context.Context, number string) (numberLease, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ls := f.held[number]; ls != nil && ls.Check(context.Background()) == nil {
		return nil, nil
	}
	ls := &switchLease{}
	f.held[number] = ls
	return ls, nil
}

// lose loses number's lease as a dropped connection would.
func (f *switchLeases) lose(number string) {
	f.mu.Lock()
	ls := f.held[number]
	f.mu.Unlock()
	if ls == nil {
		panic(fmt.Sprintf("lose +%s: not held", number))
	}
	ls.lose()
}
