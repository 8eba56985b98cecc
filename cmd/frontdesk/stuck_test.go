package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"frontdesk/bot/whatsapp"
	"frontdesk/storage"
)

// stuckNumber is a number whose session WhatsApp ended for a reason
// other than a logout (serveNumber leaves it so): done, stuck, why.
func stuckNumber(phone, why string) *served {
	s := &served{phone: phone, jid: types.JID{User: phone, Device: 12, Server: types.DefaultUserServer},
		lease: &localLease{released: make(chan struct{})}, done: make(chan struct{}), cancel: func() {}}
	s.endedFor.Store(&whatsapp.Ended{Message: why})
	s.setState("stopped: " + why)
	s.stuck.Store(true)
	s.stuckAt.Store(time.Now().Add(-time.Hour).UnixNano())
	close(s.done)
	return s
}

// stuckFleet is an exclusive fleet on a SQLite database where phones are
// linked and have their business, each held as served.
func stuckFleet(t *testing.T, exclusive bool, nums ...*served) *fleet {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "frontdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	container := sqliteContainer(t, ctx, db)
	f := newFleet(fleetConfig{DB: db, Container: container, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Exclusive: exclusive, Poll: 10 * time.Millisecond})
	for _, s := range nums {
		saveDevice(t, ctx, container, s.phone)
		if _, err := db.Business(ctx, s.phone); err != nil {
			t.Fatal(err)
		}
		f.nums[s.phone] = s
	}
	return f
}

// TestExclusiveRunEndsWhenEveryNumberIsStuck: on SQLite, once WhatsApp
// ended every number's session for a reason other than a logout (another
// client replaced it, the client is outdated, the outbox loop stopped),
// the run ends with that reason instead of serving nothing.
func TestExclusiveRunEndsWhenEveryNumberIsStuck(t *testing.T) {
	const why = "Another program connected to WhatsApp with this session, so this one was disconnected."
	f := stuckFleet(t, true, stuckNumber(phoneOld, why))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := f.run(ctx, nil)
	if err == nil {
		t.Fatalf("run ended without an error (deadline reached: %v); want the stuck number's reason", ctx.Err())
	}
	if !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), "+"+phoneOld) {
		t.Errorf("run: %v; want +%s and its reason", err, phoneOld)
	}
	if exitCode(err, io.Discard) == 0 {
		t.Errorf("exit code 0 for %v", err)
	}
}

// TestRunGoesOnWhileOneNumberIsNotStuck: a stuck number among others
// that are served does not end the run (nor does one on PostgreSQL, where
// another process may serve it).
func TestRunGoesOnWhileOneNumberIsNotStuck(t *testing.T) {
	for _, tc := range []struct {
		name      string
		exclusive bool
		nums      []*served
	}{
		{"exclusive, one still served", true, []*served{stuckNumber(phoneOld, "replaced"), servingNumber(phoneB)}},
		{"shared", false, []*served{stuckNumber(phoneOld, "replaced")}},
		{"exclusive, stuck just now (a logout may be deleting it)", true, []*served{justStuck(phoneOld, "replaced")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := stuckFleet(t, tc.exclusive, tc.nums...)
			f.reap()
			f.mu.Lock()
			fatal := f.fatal
			f.mu.Unlock()
			if fatal != nil {
				t.Errorf("fatal = %v; want the run to go on", fatal)
			}
		})
	}
}

// servingNumber is a number being served (not ended).
func servingNumber(phone string) *served {
	s := &served{phone: phone, jid: types.JID{User: phone, Device: 12, Server: types.DefaultUserServer},
		lease: &localLease{released: make(chan struct{})}, done: make(chan struct{}), cancel: func() {}}
	s.setState("connected")
	return s
}

// justStuck is a number stuck a moment ago.
func justStuck(phone, why string) *served {
	s := stuckNumber(phone, why)
	s.stuckAt.Store(time.Now().UnixNano())
	return s
}
