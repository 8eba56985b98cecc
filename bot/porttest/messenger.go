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
	// Media is the SHA-256 of a photo's or document's bytes as received;
	// Pin a location as "lat,long"; Deleted a message deleted for
	// everyone (its text gone).
	Media   string
	Pin     string
	Deleted bool
	// FileName is a document's name.
	FileName string
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
		{"photo under a chosen id, resent, shows once", testMediaChosenID},
		{"document arrives whole with its name", testDocument},
		{"location pin under a chosen id", testLocation},
		{"revoke deletes a message for everyone", testRevoke},
		{"media and pins without connection are ErrNotSent", testMediaOffline},
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

// JPEGStub and PDFStub are small inputs that pass bot.NewMedia.
var (
	JPEGStub = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10}, []byte("JFIF fake photo of a menu")...)
	PDFStub  = []byte("%PDF-1.4\n% fake price list\n%%EOF\n")
)

func mustMedia(t *testing.T, data []byte, name string) bot.Media {
	t.Helper()
	m, err := bot.NewMedia(data, name)
	if err != nil {
		t.Fatalf("NewMedia: %v", err)
	}
	return m
}

func testMediaChosenID(t *testing.T, h MessengerHarness) {
	photo := mustMedia(t, JPEGStub, "")
	want := h.M.NewMessageID()
	for range 2 { // the second is the resend after a crash during the upload
		id, err := h.M.SendMedia(t.Context(), h.To, photo, "Our menu", want)
		if err != nil {
			t.Fatalf("SendMedia: %v", err)
		}
		if id != want {
			t.Fatalf("SendMedia under %q returned %q", want, id)
		}
	}
	last, err := h.M.SendText(t.Context(), h.To, "end", "")
	if err != nil {
		t.Fatalf("SendText: %v", err)
	}
	got := h.Shown(t, 2)
	wantShown := []Shown{{ID: want, Text: "Our menu", Media: photo.SHA256}, {ID: last, Text: "end"}}
	if !slices.Equal(got, wantShown) {
		t.Errorf("the phone shows %+v, want %+v (the photo once, its bytes intact)", got, wantShown)
	}
}

func testDocument(t *testing.T, h MessengerHarness) {
	doc := mustMedia(t, PDFStub, "prices.pdf")
	id, err := h.M.SendMedia(t.Context(), h.To, doc, "Price list", h.M.NewMessageID())
	if err != nil {
		t.Fatalf("SendMedia: %v", err)
	}
	got := h.Shown(t, 1)
	if !slices.Equal(got, []Shown{{ID: id, Text: "Price list", Media: doc.SHA256, FileName: "prices.pdf"}}) {
		t.Errorf("the phone shows %+v, want the document %s under %s", got, doc.SHA256, id)
	}
	bad := doc
	bad.Data = append([]byte(nil), JPEGStub...)
	if _, err := h.M.SendMedia(t.Context(), h.To, bad, "", ""); err == nil {
		t.Error("SendMedia with bytes that do not match the reference succeeded")
	}
}

func testLocation(t *testing.T, h MessengerHarness) {
	pin := bot.Pin{Location: bot.Location{Lat: 45.4642, Long: 9.19}, Name: "Bar Roma", Address: "Via Roma 1, Milano", Comment: "Hello!"}
	want := h.M.NewMessageID()
	for range 2 {
		id, err := h.M.SendLocation(t.Context(), h.To, pin, want)
		if err != nil {
			t.Fatalf("SendLocation: %v", err)
		}
		if id != want {
			t.Fatalf("SendLocation under %q returned %q", want, id)
		}
	}
	got := h.Shown(t, 1)
	if !slices.Equal(got, []Shown{{ID: want, Text: "Hello!", Pin: "45.4642,9.19"}}) {
		t.Errorf("the phone shows %+v, want one pin at 45.4642,9.19 with its comment", got)
	}
	if _, err := h.M.SendLocation(t.Context(), h.To, bot.Pin{Location: bot.Location{Lat: 91}}, ""); err == nil {
		t.Error("SendLocation at latitude 91 succeeded")
	}
}

func testRevoke(t *testing.T, h MessengerHarness) {
	id, err := h.M.SendText(t.Context(), h.To, "/menu", h.M.NewMessageID())
	if err != nil {
		t.Fatalf("SendText: %v", err)
	}
	for range 2 { // revoking again (a redelivery) is harmless
		if err := h.M.Revoke(t.Context(), h.To, id); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
	}
	last, err := h.M.SendText(t.Context(), h.To, "end", "")
	if err != nil {
		t.Fatalf("SendText: %v", err)
	}
	got := h.Shown(t, 2)
	if !slices.Equal(got, []Shown{{ID: id, Deleted: true}, {ID: last, Text: "end"}}) {
		t.Errorf("the phone shows %+v, want the first message deleted, then the last", got)
	}
	if err := h.M.Revoke(t.Context(), h.To, ""); err == nil || errors.Is(err, bot.ErrNotSent) {
		t.Errorf("Revoke without an id: %v, want a plain refusal", err)
	}
}

func testMediaOffline(t *testing.T, h MessengerHarness) {
	photo := mustMedia(t, JPEGStub, "")
	h.SetOnline(false)
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if _, err := h.M.SendMedia(ctx, h.To, photo, "menu", h.M.NewMessageID()); !errors.Is(err, bot.ErrNotSent) {
		t.Errorf("SendMedia without connection: %v, want an error wrapping bot.ErrNotSent", err)
	}
	if _, err := h.M.SendLocation(ctx, h.To, bot.Pin{Location: bot.Location{Lat: 1, Long: 2}}, h.M.NewMessageID()); !errors.Is(err, bot.ErrNotSent) {
		t.Errorf("SendLocation without connection: %v, want an error wrapping bot.ErrNotSent", err)
	}
	if err := h.M.Revoke(ctx, h.To, "3EB0AAAA"); !errors.Is(err, bot.ErrNotSent) {
		t.Errorf("Revoke without connection: %v, want an error wrapping bot.ErrNotSent", err)
	}
	h.SetOnline(true)
}
