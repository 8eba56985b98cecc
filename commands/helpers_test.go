package commands

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/storage"
)

// recorder is a bot.Messenger that remembers what was sent.
type recorder struct {
	mu   sync.Mutex
	sent []string
}

func (r *recorder) SendText(ctx context.Context, to bot.UserID, text string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, text)
	return "id", nil
}

func (r *recorder) EditText(ctx context.Context, chat bot.UserID, id, text string) error { return nil }

func (r *recorder) SendImage(ctx context.Context, to bot.UserID, png []byte, caption string) (string, error) {
	return r.SendText(ctx, to, caption)
}

// take returns and forgets everything sent so far.
func (r *recorder) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := strings.Join(r.sent, "\n---\n")
	r.sent = nil
	return s
}

// testBot is a real bot on a real SQLite store in t.TempDir(), driven by
// the real command table, at a fixed moment in Europe/Rome.
type testBot struct {
	t   *testing.T
	b   *bot.Bot
	db  *storage.DB
	msg *recorder
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
	tb := &testBot{t: t, db: db, msg: &recorder{}, r: NewRouter(Commands()),
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
	tb.r.Run(context.Background(), tb.b, bot.Call{Chat: self, From: self, Text: text, At: tb.now})
	return tb.msg.take()
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
