package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"frontdesk/bot"
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

// switchLease is a lease a test loses at will.
type switchLease struct {
	lost   atomic.Bool
	checks atomic.Int32
}

func (l *switchLease) Check(context.Context) error {
	l.checks.Add(1)
	if l.lost.Load() {
		return errors.New("session gone")
	}
	return nil
}
func (l *switchLease) Lost() <-chan struct{} { return nil }
func (l *switchLease) Release()              {}

// TestFencedMessengerStopsWithTheLease: every send and edit proves the
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
	lease.lost.Store(true)
	if _, err := m.SendText(ctx, "+391", "hi", "3EB0B"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("send without the lease = %v, want ErrNotSent", err)
	}
	if _, err := m.SendImage(ctx, "+391", []byte{1}, "c"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("image without the lease = %v", err)
	}
	if err := m.EditText(ctx, "+391", "X", "hi"); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("edit without the lease = %v", err)
	}
	if inner.sends.Load() != 1 || inner.edits.Load() != 1 {
		t.Fatalf("something reached WhatsApp without the lease: sends %d edits %d", inner.sends.Load(), inner.edits.Load())
	}
}
