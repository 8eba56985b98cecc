package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// A size is never shown smaller than it is: a file one byte over the
// limit must not read as the limit itself.
func TestFormatSizeNeverRoundsDown(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{
		{999, "999 B"},
		{1000, "1 KB"},
		{1001, "2 KB"},
		{bot.MaxMediaBytes, "5.0 MB"},
		{bot.MaxMediaBytes + 1, "5.1 MB"},
		{6 << 20, "6.0 MB"},
		{6<<20 + 1, "6.1 MB"},
	}
	for _, c := range cases {
		if got := bot.FormatSize(c.n); got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	big := append(append([]byte(nil), porttest.JPEGStub...), make([]byte, bot.MaxMediaBytes+1-len(porttest.JPEGStub))...)
	_, err := bot.NewMedia(big, "")
	if err == nil || !strings.Contains(err.Error(), "5.1 MB") {
		t.Errorf("a file one byte over the limit: %v, want it called 5.1 MB", err)
	}
}

// An automatic message that is only a file, whose file is gone by the
// time it leaves, is marked failed: never an empty text in its place.
func TestGoneFileWithoutTextSendsNothingEmpty(t *testing.T) {
	h, _, pdf := mediaHarness(t)
	ctx := context.Background()
	h.reconfigure(func(c *bot.Config) {
		c.Greeting.On, c.Away.On = false, false
		c.Keywords = []bot.Keyword{{ID: 1, Phrases: []string{"prices"}, Media: &pdf.MediaRef}}
	})
	m := bot.Message{ID: "A1", Chat: "393331234567", Kind: bot.FromCustomer, Text: "prices?", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	h.flush() // the tables as written out
	if _, err := h.db.DB().SQL().ExecContext(ctx, "DELETE FROM fd_media"); err != nil {
		t.Fatal(err)
	}
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 0 {
		t.Fatalf("sent %+v, want nothing (no file, no text)", sent)
	}
	var status, why string
	h.flush() // the tables as written out
	if err := h.db.DB().SQL().QueryRowContext(ctx, "SELECT status, error FROM fd_outbox").Scan(&status, &why); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || !strings.Contains(why, "file") {
		t.Errorf("the row is %s (%q), want failed saying the file is gone", status, why)
	}
}

// reconfigure changes h's saved configuration and restarts its bot on it.
func (h *harness) reconfigure(change func(*bot.Config)) {
	h.t.Helper()
	ctx := context.Background()
	cfg, _, err := h.db.LoadConfig(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	change(&cfg)
	if err := h.db.SaveConfig(ctx, cfg, nil); err != nil {
		h.t.Fatal(err)
	}
	h.restart(bot.Options{})
}

// A file that left counts against the pace limit even when the text after
// it failed: within a minute no more than MaxPerMinute messages leave.
func TestFileWhoseFollowUpFailedCountsForPacing(t *testing.T) {
	h, _, _ := longCaptionHarness(t)
	h.wa.Fail = func(s porttest.Sent) error {
		if s.Kind == porttest.Text {
			return errors.New("timed out waiting for the server's ack")
		}
		return nil
	}
	// 10 answers: each photo leaves, each text after it fails.
	for i := range 10 {
		h.customer("+39 333 10000"+twoDigits(i), "P"+twoDigits(i), "/menu")
	}
	photos := len(h.wa.Take())
	if photos != 10 {
		t.Fatalf("%d photos left, want 10", photos)
	}
	h.wa.Fail = nil
	for i := range 10 {
		h.customer("+39 333 20000"+twoDigits(i), "Q"+twoDigits(i), "/menu")
	}
	if n := photos + len(h.wa.Take()); n != bot.MaxPerMinute {
		t.Errorf("%d messages left in one minute, want %d: the photos whose text failed were not counted", n, bot.MaxPerMinute)
	}
}

// When the send fails because the bot is shutting down (its context
// cancelled meanwhile), the outbox still learns of it: the row goes back
// to the queue, or is marked failed, instead of staying "sending".
func TestSendFailureDuringShutdownIsStillRecorded(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"not sent", fmt.Errorf("%w: this process lost its lease", bot.ErrNotSent), "pending"},
		{"uncertain", errors.New("connection closed before the server's ack"), "failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			if err := h.b.HandleMessage(context.Background(), bot.Message{ID: "A1", Chat: "393331234567",
				Kind: bot.FromCustomer, Text: "hello", Sent: h.now}); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			h.wa.Fail = func(porttest.Sent) error {
				cancel() // shutdown begins while the send is in flight
				return tc.err
			}
			_ = h.b.Tick(ctx)
			var status string
			h.flush() // the tables as written out
			if err := h.db.DB().SQL().QueryRowContext(context.Background(), "SELECT status FROM fd_outbox").Scan(&status); err != nil {
				t.Fatal(err)
			}
			if status != tc.want {
				t.Errorf("the row is %q after the send failed during shutdown, want %q", status, tc.want)
			}
		})
	}
}

// The owner's typed shortcut is deleted only once its file went out: a
// send that failed for want of a connection deletes nothing and leaves
// the message unrecorded, so its redelivery sends the file (under the
// same id) and then deletes the text.
func TestOwnerMediaShortcutSendsTheFileBeforeDeleting(t *testing.T) {
	h, photo, _ := mediaHarness(t)
	ctx := context.Background()
	const chat = bot.UserID("393331234567")
	m := bot.Message{ID: "OWN1", Chat: chat, Kind: bot.OwnerInChat, Text: "/menu", Sent: h.now}
	h.wa.SetOffline(true)
	if err := h.b.HandleMessage(ctx, m); !errors.Is(err, bot.ErrNotSent) {
		t.Fatalf("HandleMessage offline = %v, want ErrNotSent so WhatsApp delivers it again", err)
	}
	if sent := h.wa.Take(); len(sent) != 0 {
		t.Fatalf("offline sent %+v", sent)
	}
	if shown := h.wa.Shown(chat); len(shown) != 0 {
		t.Fatalf("offline the customer sees %+v, want the typed /menu untouched", shown)
	}
	h.wa.SetOffline(false)
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 2 || sent[0].Kind != porttest.MediaMsg || sent[0].Media.SHA256 != photo.SHA256 ||
		sent[1].Kind != porttest.Revoke || sent[1].ID != "OWN1" {
		t.Fatalf("redelivery sent %+v, want the photo, then the typed /menu deleted", sent)
	}
	// Recorded now: a further redelivery does nothing.
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 0 {
		t.Errorf("a second redelivery sent %+v", sent)
	}
}

// A send that fails otherwise leaves the typed text as it is and tells
// the owner in the self chat.
func TestOwnerMediaShortcutFailureIsToldToTheOwner(t *testing.T) {
	h, _, _ := mediaHarness(t)
	ctx := context.Background()
	const chat = bot.UserID("393331234567")
	h.wa.Fail = func(s porttest.Sent) error {
		if s.Kind == porttest.MediaMsg {
			return errors.New("the upload was refused")
		}
		return nil
	}
	m := bot.Message{ID: "OWN1", Chat: chat, Kind: bot.OwnerInChat, Text: "/menu", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 1 || sent[0].To != self || !strings.Contains(sent[0].Text, "/menu could not be sent") ||
		!strings.Contains(sent[0].Text, "left as it is") {
		t.Fatalf("sent %+v, want only a note to the owner", sent)
	}
	if shown := h.wa.Shown(chat); len(shown) != 0 {
		t.Errorf("the customer sees %+v, want the typed /menu untouched", shown)
	}
}

// When the file went out but deleting the typed text failed for good, the
// owner is not told the file failed: it reached the customer.
func TestOwnerMediaShortcutDeleteFailureIsNotASendFailure(t *testing.T) {
	h, photo, _ := mediaHarness(t)
	ctx := context.Background()
	h.wa.Fail = func(s porttest.Sent) error {
		if s.Kind == porttest.Revoke {
			return errors.New("the message is too old to delete")
		}
		return nil
	}
	m := bot.Message{ID: "OWN1", Chat: "393331234567", Kind: bot.OwnerInChat, Text: "/menu", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 1 || sent[0].Kind != porttest.MediaMsg || sent[0].Media.SHA256 != photo.SHA256 {
		t.Fatalf("sent %+v, want the photo only (no note saying it failed)", sent)
	}
}
