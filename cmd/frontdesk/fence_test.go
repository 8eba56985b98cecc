package main

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/storage"
)

// countingMessenger counts what reaches WhatsApp.
type countingMessenger struct {
	sends, edits atomic.Int32
}

func (m *countingMessenger) SendText(context.Context, bot.UserID, string, string) (string, error) {
	m.sends.Add(1)
	return "id", nil
}
func (m *countingMessenger) NewMessageID() string { return "3EB0TEST" }
func (m *countingMessenger) EditText(context.Context, bot.UserID, string, string) error {
	m.edits.Add(1)
	return nil
}
func (m *countingMessenger) SendImage(context.Context, bot.UserID, []byte, string) (string, error) {
	m.sends.Add(1)
	return "id", nil
}
func (m *countingMessenger) SendMedia(context.Context, bot.UserID, bot.Media, string, string) (string, error) {
	m.sends.Add(1)
	return "id", nil
}
func (m *countingMessenger) SendLocation(context.Context, bot.UserID, bot.Pin, string) (string, error) {
	m.sends.Add(1)
	return "id", nil
}
func (m *countingMessenger) Revoke(context.Context, bot.UserID, string) error {
	m.edits.Add(1)
	return nil
}

// switchLease is a lease a test loses at will (lose), as a lease whose
// connection dropped. It keeps the lease contract (lease_contract_test.go).
type switchLease struct {
	checks atomic.Int32
	mu     sync.Mutex
	gone   chan struct{} // closed once lost or released
	why    error         // why it is gone; nil while held
}

func (l *switchLease) goneLocked() chan struct{} {
	if l.gone == nil {
		l.gone = make(chan struct{})
	}
	return l.gone
}

func (l *switchLease) end(why error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.why == nil {
		l.why = why
		close(l.goneLocked())
	}
}

// lose loses the lease.
func (l *switchLease) lose() { l.end(errors.New("session gone")) }

func (l *switchLease) Check(context.Context) error {
	l.checks.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.why
}

func (l *switchLease) Lost() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.goneLocked()
}

func (l *switchLease) Release() { l.end(errors.New("released")) }

// TestFencedMessengerStopsWithTheLease: every send, edit and deletion
// (text, image, kept media, location pin, revoke) proves the
// lease first; once it cannot, nothing reaches WhatsApp and the bot gets
// its "not sent" error (the message stays queued under its id for the
// next holder).
func TestFencedMessengerStopsWithTheLease(t *testing.T) {
	ctx := context.Background()
	inner := &countingMessenger{}
	lease := &switchLease{}
	m := &fencedMessenger{Messenger: inner, lease: lease}
	if _, err := m.SendText(ctx, "+391", "hi", "3EB0A"); err != nil {
		t.Fatal(err)
	}
	if err := m.EditText(ctx, "+391", "X", "hi"); err != nil {
		t.Fatal(err)
	}
	if inner.sends.Load() != 1 || inner.edits.Load() != 1 || lease.checks.Load() != 2 {
		t.Fatalf("sends %d edits %d checks %d", inner.sends.Load(), inner.edits.Load(), lease.checks.Load())
	}
	lease.lose()
	if _, err := m.SendText(ctx, "+391", "hi", "3EB0B"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("send without the lease = %v, want ErrNotSent", err)
	}
	if _, err := m.SendImage(ctx, "+391", []byte{1}, "c"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("image without the lease = %v", err)
	}
	if err := m.EditText(ctx, "+391", "X", "hi"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("edit without the lease = %v", err)
	}
	if _, err := m.SendMedia(ctx, "+391", bot.Media{}, "c", "3EB0C"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("photo or document without the lease = %v", err)
	}
	if _, err := m.SendLocation(ctx, "+391", bot.Pin{}, "3EB0D"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("location without the lease = %v", err)
	}
	if err := m.Revoke(ctx, "+391", "X"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("deletion without the lease = %v", err)
	}
	if inner.sends.Load() != 1 || inner.edits.Load() != 1 {
		t.Fatalf("something reached WhatsApp without the lease: sends %d edits %d", inner.sends.Load(), inner.edits.Load())
	}
}

// TestFencedStoreRecordsOnlyWithTheLease: without the lease a message is
// not recorded (nor a command's change saved), so it stays unacknowledged
// for the next holder.
func TestFencedStoreRecordsOnlyWithTheLease(t *testing.T) {
	ctx := context.Background()
	lease := &switchLease{}
	inner, err := storage.OpenStore(ctx, filepath.Join(t.TempDir(), "fd.db"), "391")
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	st := &countingStore{Store: inner, number: "+391", lease: lease}
	in := bot.Inbound{Chat: "+392", ID: "M1", Kind: bot.FromCustomer, Customer: "+392", Received: time.Now(), Sent: time.Now()}
	if err := st.RecordInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	lease.lose()
	in.ID = "M2"
	if err := st.RecordInbound(ctx, in); err == nil {
		t.Fatal("recorded without the lease")
	}
	if err := st.SaveConfig(ctx, bot.DefaultConfig(), &bot.Inbound{Chat: "+391", ID: "M3"}); err == nil {
		t.Fatal("a change saved without the lease")
	}
	if _, err := st.SaveKillSwitch(ctx, bot.KillSwitch{Off: true}, nil); err == nil {
		t.Fatal("kill switch saved without the lease")
	}
	r, err := inner.Recorded(ctx, "+392", "", "M2")
	if err != nil {
		t.Fatal(err)
	}
	if r.Found {
		t.Fatal("M2 is recorded")
	}
}
