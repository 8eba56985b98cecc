package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"frontdesk/storage"
	"frontdesk/storage/storagetest"
)

// TestLeaseIsExclusive: a number's lease is held by one session at a time,
// names its holder, is free again once released or once its session ends,
// and a holder whose session was ended sees the lease lost.
func TestLeaseIsExclusive(t *testing.T) {
	dsn := storagetest.Postgres(t)
	ctx := context.Background()
	open := func() *storage.DB {
		db, err := storage.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	one, two := storage.NewLeases(open().SQL()), storage.NewLeases(open().SQL())

	a, err := one.TryAcquire(ctx, "15550001000")
	if err != nil || a == nil {
		t.Fatalf("first acquire: %v %v", a, err)
	}
	if b, err := two.TryAcquire(ctx, "15550001000"); err != nil || b != nil {
		t.Fatalf("second acquire of a held number: %v %v", b, err)
	}
	other, err := two.TryAcquire(ctx, "15550002000")
	if err != nil || other == nil {
		t.Fatalf("another number: %v %v", other, err)
	}
	defer other.Release()
	who, err := two.Holder(ctx, "15550001000")
	if err != nil || !strings.HasPrefix(who, "session ") {
		t.Fatalf("holder = %q, %v", who, err)
	}
	if err := a.Check(ctx); err != nil {
		t.Fatalf("check of a held lease: %v", err)
	}
	a.Release()
	if err := a.Check(ctx); !errors.Is(err, storage.ErrLeaseLost) {
		t.Fatalf("check after release = %v", err)
	}
	if who, err := two.Holder(ctx, "15550001000"); err != nil || who != "" {
		t.Fatalf("holder after release = %q, %v", who, err)
	}
	b, err := two.TryAcquire(ctx, "15550001000")
	if err != nil || b == nil {
		t.Fatalf("acquire after release: %v %v", b, err)
	}

	// The holder's session is ended from outside (as when its process
	// dies or its connection drops): the lease is lost for it and free
	// for others.
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `SELECT pg_terminate_backend(l.pid)
		FROM (SELECT hashtextextended('frontdesk number ' || current_schema() || ' ' || '15550001000', 0) AS k) x, pg_locks l
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.classid::bigint = ((x.k >> 32) & 4294967295) AND l.objid::bigint = (x.k & 4294967295)`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-b.Lost():
	case <-time.After(3 * storage.LeaseCheckEvery):
		t.Fatal("a lease whose session was ended is not seen lost")
	}
	if err := b.Check(ctx); !errors.Is(err, storage.ErrLeaseLost) {
		t.Fatalf("check after the session ended = %v", err)
	}
	c, err := one.TryAcquire(ctx, "15550001000")
	if err != nil || c == nil {
		t.Fatalf("acquire after the holder's session ended: %v %v", c, err)
	}
	c.Release()
}
