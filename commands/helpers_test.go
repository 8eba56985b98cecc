package commands

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/storage"
)

// sentRecord is one thing the bot handed to WhatsApp.
type sentRecord struct {
	To      bot.UserID
	Text    string // text, the edit's new text, or the image's caption
	PNG     []byte // nil but for images
	IsImage bool
	IsEdit  bool
}

// recordingMessenger is the bot.Messenger of these tests: it keeps every
// send, edit and image, with its chat, so tests see what the owner would.
type recordingMessenger struct {
	mu   sync.Mutex
	sent []sentRecord
}

func (m *recordingMessenger) record(r sentRecord) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, r)
	return fmt.Sprintf("OUT%d", len(m.sent))
}

func (m *recordingMessenger) NewMessageID() string { return "" }

func (m *recordingMessenger) SendText(ctx context.Context, to bot.UserID, text, id string) (string, error) {
	return m.record(sentRecord{To: to, Text: text}), nil
}

func (m *recordingMessenger) EditText(ctx context.Context, chat bot.UserID, id, text string) error {
	m.record(sentRecord{To: chat, Text: text, IsEdit: true})
	return nil
}

func (m *recordingMessenger) SendImage(ctx context.Context, to bot.UserID, png []byte, caption string) (string, error) {
	return m.record(sentRecord{To: to, Text: caption, PNG: png, IsImage: true}), nil
}

// take returns and forgets what was sent.
func (m *recordingMessenger) take() []sentRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sent
	m.sent = nil
	return out
}

// takeText returns and forgets the texts sent, joined.
func (m *recordingMessenger) takeText() string {
	var texts []string
	for _, r := range m.take() {
		texts = append(texts, r.Text)
	}
	return strings.Join(texts, "\n---\n")
}

// testBot is a real bot on a real SQLite store in t.TempDir(), driven by
// the real command table, at a fixed moment in Europe/Rome.
type testBot struct {
	t   *testing.T
	b   *bot.Bot
	db  *storage.DB
	msg *recordingMessenger
	r   *Router
	now time.Time
}

var rome = mustZone("Europe/Rome")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

const self = bot.UserID("390212345670")

func newTestBot(t *testing.T) *testBot {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tb := &testBot{t: t, db: db, msg: &recordingMessenger{}, r: NewRouter(Commands()),
		now: time.Date(2026, 11, 25, 10, 0, 0, 0, rome)} // a Wednesday
	tb.b, err = bot.New(ctx, bot.Options{
		Store: db, Messenger: tb.msg, Clock: bot.ClockFunc(func() time.Time { return tb.now }),
		Commands: tb.r, Self: self, HostZone: rome,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// run runs one command line as the owner and returns the answers.
func (tb *testBot) run(text string) string {
	tb.t.Helper()
	tb.r.Run(context.Background(), tb.b, bot.CommandMessage{Chat: self, From: self, Text: text, At: tb.now})
	return tb.msg.takeText()
}

// must runs commands that must all be accepted (no "Usage:" and no
// apology in the answer).
func (tb *testBot) must(lines ...string) {
	tb.t.Helper()
	for _, l := range lines {
		if a := tb.run(l); strings.Contains(a, "Usage:") || strings.Contains(a, "Sorry") || a == "" {
			tb.t.Fatalf("%q was refused: %q", l, a)
		}
	}
}

// state is everything a refused command must leave untouched.
type state struct {
	Cfg  bot.Config
	Kill bot.KillSwitch
}

func (tb *testBot) state() state {
	return state{tb.b.Config(), tb.b.KillSwitch()}
}

// saved reloads the configuration from the database, to check that what
// the bot holds is what was saved.
func (tb *testBot) saved() bot.Config {
	tb.t.Helper()
	cfg, ok, err := tb.db.LoadConfig(context.Background())
	if err != nil || !ok {
		tb.t.Fatalf("load saved config: ok %v, err %v", ok, err)
	}
	return cfg
}

func sameState(a, b state) bool { return reflect.DeepEqual(a, b) }
