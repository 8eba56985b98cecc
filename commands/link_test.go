package commands

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/commands/walink/walinktest"
	"frontdesk/storage"
)

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// statsBot is a real bot on a real SQLite database in a temporary
// directory, with a recording messenger and a settable clock.
type statsBot struct {
	b     *bot.Bot
	db    *storage.DB
	msgr  *recordingMessenger
	clock *testClock
}

func newStatsBot(t *testing.T, self bot.UserID, now time.Time) *statsBot {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "frontdesk.db"))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	sb := &statsBot{db: db, msgr: &recordingMessenger{}, clock: &testClock{now: now}}
	sb.b, err = bot.New(ctx, bot.Options{Store: db, Messenger: sb.msgr, Clock: sb.clock, Self: self, HostZone: time.UTC})
	if err != nil {
		t.Fatalf("start bot: %v", err)
	}
	return sb
}

// command runs text as the owner's command through a router over table.
func (sb *statsBot) command(table []*Command, text string) {
	NewRouter(table).Run(context.Background(), sb.b, bot.CommandMessage{Chat: sb.b.Self(), From: sb.b.Self(), Text: text, At: sb.clock.Now()})
}

// readQR decodes the QR code in png with gozxing, independent of the
// encoder that drew it.
func readQR(t *testing.T, png []byte) string {
	t.Helper()
	text, _, err := walinktest.DecodeQR(png)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestLinkCommand(t *testing.T) {
	tests := []struct {
		name      string
		self      bot.UserID
		text      string
		wantLink  string // "" when no image is expected
		wantReply string // part of the text answer, when no image
	}{
		{"no text", "39021234567", "!link", "https://wa.me/39021234567", ""},
		{"with text", "39021234567", "!link richiesta ordine", "https://wa.me/39021234567?text=richiesta%20ordine", ""},
		{"text keeps case and accents", "39021234567", "!LINK  Vorrei ordinare, perché?", "https://wa.me/39021234567?text=Vorrei%20ordinare%2C%20perch%C3%A9%3F", ""},
		{"140 characters", "15550100", "!link " + strings.Repeat("x", 140), "https://wa.me/15550100?text=" + strings.Repeat("x", 140), ""},
		{"141 characters refused", "15550100", "!link " + strings.Repeat("x", 141), "", "The text is 141 characters long; a link takes at most 140.\nUsage: !link"},
		{"own number unknown", "", "!link hi", "", "does not know this account's phone number"},
		{"only a hidden id", "lid:98765432109876", "!link", "", "does not know this account's phone number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newStatsBot(t, tt.self, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
			sb.command([]*Command{linkCommand()}, tt.text)
			sent := sb.msgr.take()
			if len(sent) != 1 {
				t.Fatalf("got %d sends, want 1: %+v", len(sent), sent)
			}
			got := sent[0]
			if got.To != tt.self {
				t.Errorf("sent to %q, want the one who asked (%q)", got.To, tt.self)
			}
			if tt.wantLink == "" {
				if got.IsImage || !strings.Contains(got.Text, tt.wantReply) {
					t.Fatalf("answer %+v, want a text containing %q", got, tt.wantReply)
				}
				return
			}
			if !got.IsImage {
				t.Fatalf("answer is text %q, want an image", got.Text)
			}
			if got.Text != tt.wantLink {
				t.Errorf("caption %q, want %q", got.Text, tt.wantLink)
			}
			if link := readQR(t, got.PNG); link != tt.wantLink {
				t.Errorf("QR code reads %q, want %q", link, tt.wantLink)
			}
		})
	}
}
