package porttest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"frontdesk/bot"
)

// MessengerHarness is one Messenger under test with the means to watch and
// cut its connection.
type MessengerHarness struct {
	M bot.Messenger
	// To is a customer chat the Messenger can send to.
	To bot.UserID
	// SetOnline drops (false) or restores (true) the connection. After
	// SetOnline(true) returns, sends must work again.
	SetOnline func(online bool)
	// Shown returns the messages the customer's phone shows in the chat
	// with the business, oldest first, keyed as a phone keys them (a resend
	// under the same id shows once). It may wait for deliveries in flight.
	Shown func(t *testing.T, want int) []Shown
}

// Shown is one message as the recipient's phone shows it.
type Shown struct {
	ID   string
	Text string
}

// pngStub is the smallest input a Messenger accepts as a PNG.
var pngStub = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

// RunMessenger runs the Messenger contract suite. open makes a fresh,
// connected harness for each subtest.
func RunMessenger(t *testing.T, open func(t *testing.T) MessengerHarness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h MessengerHarness)
	}{
		{"message ids are fresh", testNewMessageID},
		{"send returns the id the phone shows", testSendShows},
		{"send under a chosen id, resent, shows once", testSendChosenID},
		{"no connection is ErrNotSent, then it works again", testOffline},
		{"edit without an id is refused", testEditNoID},
		{"cancelled context is an error", testCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func testNewMessageID(t *testing.T, h MessengerHarness) {
	seen := map[string]bool{}
	for range 100 {
		id := h.M.NewMessageID()
		if id == "" || seen[id] {
			t.Fatalf("NewMessageID gave %q (empty or repeated)", id)
		}
		seen[id] = true
	}
}

func testSendShows(t *testing.T, h MessengerHarness) {
	id, err := h.M.SendText(t.Context(), h.To, "hello", "")
	if err != nil {
		t.Fatalf("SendText: %v", err)
	}
	if id == "" {
		t.Fatal("SendText returned no message id")
	}
	got := h.Shown(t, 1)
	if !slices.Equal(got, []Shown{{ID: id, Text: "hello"}}) {
		t.Errorf("the phone shows %+v, want the one message %q under %s", got, "hello", id)
	}
}

func testSendChosenID(t *testing.T, h MessengerHarness) {
	want := h.M.NewMessageID()
	for range 2 { // the second is the resend after a crash
		id, err := h.M.SendText(t.Context(), h.To, "we are closed", want)
		if err != nil {
			t.Fatalf("SendText: %v", err)
		}
		if id != want {
			t.Fatalf("SendText under %q returned %q", want, id)
		}
	}
	// A third, different message marks the end: both copies of the first
	// were delivered before it.
	last, err := h.M.SendText(t.Context(), h.To, "end", "")
	if err != nil {
		t.Fatalf("SendText: %v", err)
	}
	got := h.Shown(t, 2)
	if !slices.Equal(got, []Shown{{ID: want, Text: "we are closed"}, {ID: last, Text: "end"}}) {
		t.Errorf("the phone shows %+v, want the resent message once, then the last", got)
	}
}

func testOffline(t *testing.T, h MessengerHarness) {
	h.SetOnline(false)
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	_, err := h.M.SendText(ctx, h.To, "lost?", h.M.NewMessageID())
	if !errors.Is(err, bot.ErrNotSent) {
		t.Errorf("SendText without connection: %v, want an error wrapping bot.ErrNotSent", err)
	}
	if _, err := h.M.SendImage(ctx, h.To, pngStub, "menu"); !errors.Is(err, bot.ErrNotSent) {
		t.Errorf("SendImage without connection: %v, want an error wrapping bot.ErrNotSent", err)
	}
	h.SetOnline(true)
	id, err := h.M.SendText(t.Context(), h.To, "back", "")
	if err != nil {
		t.Fatalf("SendText after reconnecting: %v", err)
	}
	if got := h.Shown(t, 1); !slices.Equal(got, []Shown{{ID: id, Text: "back"}}) {
		t.Errorf("the phone shows %+v, want only the message sent after reconnecting", got)
	}
}

func testEditNoID(t *testing.T, h MessengerHarness) {
	err := h.M.EditText(t.Context(), h.To, "", "new text")
	if err == nil || errors.Is(err, bot.ErrNotSent) {
		t.Errorf("EditText without an id: %v, want a plain refusal", err)
	}
}

func testCancelled(t *testing.T, h MessengerHarness) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := h.M.SendText(ctx, h.To, "never", ""); err == nil {
		t.Error("SendText with a cancelled context succeeded")
	}
}
