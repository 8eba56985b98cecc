package commands

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/storage"
)

// The tests of package commands drive a real bot (bot.New) on a real
// SQLite store in a temporary directory, through the real command router,
// with the shared fake Messenger and a settable clock: they see every
// message that went out and to whom, as the owner's phone would.

var rome = mustZone("Europe/Rome")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ownerNum is the linked account unless a test says otherwise.
const ownerNum = bot.UserID("390298765430")

// wed10 is Wednesday 25 November 2026, 10:00 in Rome: the bot's start
// unless a test says otherwise.
var wed10 = time.Date(2026, 11, 25, 10, 0, 0, 0, rome)

// testBot is a real bot on a real SQLite store in t.TempDir(), with the
// real command router, the shared fake Messenger and a settable clock.
type testBot struct {
	t     testing.TB
	b     *bot.Bot
	db    *storage.Store
	msg   *porttest.Messenger
	clock *bot.ManualClock
	r     *Router
	// chat is the owner's self chat: the own number, or the own LID while
	// the number is unknown.
	chat bot.UserID
	n    int // the last generated inbound message id
}

// botOptions is what the tests' bots differ in.
type botOptions struct {
	self, selfLID bot.UserID
	start         time.Time
	hostZone      *time.Location
	// stored, when set, is written to the store before bot.New, as is,
	// without validation: that is how tests reach states the commands
	// would refuse.
	stored *bot.Config
	table  []*Command // nil: the whole table, as New() makes it
	digest func(context.Context, bot.Business) (string, error)
	log    *slog.Logger
	// dbPath, when set, is the database to open instead of a new one.
	dbPath string
}

type botOption func(*botOptions)

// withSelf sets the linked account's number ("" while unknown).
func withSelf(self bot.UserID) botOption { return func(o *botOptions) { o.self = self } }

// withSelfLID sets the linked account's hidden id; it is the self chat
// while the number is unknown.
func withSelfLID(lid bot.UserID) botOption { return func(o *botOptions) { o.selfLID = lid } }

// withStart sets the clock's first reading.
func withStart(at time.Time) botOption { return func(o *botOptions) { o.start = at } }

// withHostZone sets the computer's time zone.
func withHostZone(loc *time.Location) botOption { return func(o *botOptions) { o.hostZone = loc } }

// withStored writes cfg to the store, unvalidated, before the bot starts.
func withStored(cfg bot.Config) botOption { return func(o *botOptions) { o.stored = &cfg } }

// withCommands replaces the real table (Commands()) with a smaller one.
func withCommands(table ...*Command) botOption { return func(o *botOptions) { o.table = table } }

// withDigest sets the bot's weekly digest hook.
func withDigest(d func(context.Context, bot.Business) (string, error)) botOption {
	return func(o *botOptions) { o.digest = d }
}

// withLog sets the bot's logger.
func withDB(path string) botOption { return func(o *botOptions) { o.dbPath = path } }

func withLog(l *slog.Logger) botOption { return func(o *botOptions) { o.log = l } }

// newTestBot starts a bot for ownerNum at wed10, with Europe/Rome as the
// computer's zone and the whole command table, unless opts say otherwise.
func newTestBot(t testing.TB, opts ...botOption) *testBot {
	t.Helper()
	o := botOptions{self: ownerNum, start: wed10, hostZone: rome}
	for _, opt := range opts {
		opt(&o)
	}
	ctx := context.Background()
	path := o.dbPath
	if path == "" {
		path = filepath.Join(t.TempDir(), "frontdesk.db")
	}
	// The business is the owner's number (or a fixed one for a bot known
	// only by its LID).
	number := o.self.Digits()
	if number == "" {
		number = "15550100"
	}
	db, err := storage.OpenStore(ctx, path, number)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if o.stored != nil {
		if err := db.SaveConfig(ctx, *o.stored, nil); err != nil {
			t.Fatalf("store configuration: %v", err)
		}
	}
	tb := &testBot{t: t, db: db, msg: &porttest.Messenger{}, clock: bot.NewManualClock(o.start), chat: o.self}
	if o.table == nil {
		tb.r = New().(*Router) // the table and router the program runs
	} else {
		tb.r = NewRouter(o.table)
	}
	if tb.chat == "" {
		tb.chat = o.selfLID
	}
	if tb.chat == "" {
		t.Fatal("newTestBot: no self chat (give withSelf or withSelfLID)")
	}
	tb.b, err = bot.New(ctx, bot.Options{
		Store: db, Messenger: tb.msg, Clock: tb.clock, Commands: tb.r,
		Self: o.self, SelfLID: o.selfLID, HostZone: o.hostZone, Digest: o.digest, Log: o.log,
	})
	if err != nil {
		t.Fatalf("start bot: %v", err)
	}
	return tb
}

// now is the clock's reading.
func (tb *testBot) now() time.Time { return tb.clock.Now() }

// runSent runs one command line as the owner, in the self chat, straight
// through the router, and returns every send it made. It never fails the
// test, so fuzz targets may call it.
func (tb *testBot) runSent(text string) []porttest.Sent {
	tb.r.Run(context.Background(), tb.b, bot.CommandMessage{Chat: tb.chat, From: tb.chat, Text: text, At: tb.now()})
	return tb.msg.Take()
}

// run runs one command line as the owner through the router and returns
// the answers, joined, failing when anything went to another chat.
func (tb *testBot) run(text string) string {
	tb.t.Helper()
	return tb.only(tb.chat, tb.runSent(text))
}

// owner sends text in the self chat through bot.HandleMessage, as
// WhatsApp would, and returns the answers, failing when anything went to
// another chat.
func (tb *testBot) owner(text string) string {
	tb.t.Helper()
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: text})
	return tb.answers(tb.chat)
}

// receive hands the bot text from someone writing in their 1:1 chat
// (customer or admin; chat may be a LID), and sends nothing due.
func (tb *testBot) receive(chat bot.UserID, text string) {
	tb.t.Helper()
	tb.handle(bot.Message{Chat: chat, Kind: bot.FromCustomer, Text: text})
}

// from is receive, then delivers what is due.
func (tb *testBot) from(chat bot.UserID, text string) {
	tb.t.Helper()
	tb.receive(chat, text)
	tb.tick()
}

// handle gives m a fresh id and the clock's time and hands it to the bot.
func (tb *testBot) handle(m bot.Message) {
	tb.t.Helper()
	tb.n++
	m.ID, m.Sent = fmt.Sprintf("in%d", tb.n), tb.now()
	if err := tb.b.HandleMessage(context.Background(), m); err != nil {
		tb.t.Fatalf("%s %q: %v", m.Chat, m.Text, err)
	}
}

// tick runs the bot's timed work (the outbox, the digest) once.
func (tb *testBot) tick() {
	tb.t.Helper()
	if err := tb.b.Tick(context.Background()); err != nil {
		tb.t.Fatalf("tick at %v: %v", tb.now(), err)
	}
}

// answers returns what was sent to chat since the last look, joined,
// failing when anything went elsewhere.
func (tb *testBot) answers(chat bot.UserID) string {
	tb.t.Helper()
	return tb.only(chat, tb.msg.Take())
}

func (tb *testBot) only(chat bot.UserID, sent []porttest.Sent) string {
	tb.t.Helper()
	for _, s := range sent {
		if s.To != chat {
			tb.t.Fatalf("unexpected message to %s: %q", s.To, s.Text)
		}
	}
	return texts(sent)
}

// texts joins the texts (captions, new texts) of sent.
func texts(sent []porttest.Sent) string {
	var out []string
	for _, s := range sent {
		out = append(out, s.Text)
	}
	return strings.Join(out, "\n---\n")
}

// must runs owner commands that must all be accepted: answered, with no
// usage line, apology or refusal.
func (tb *testBot) must(lines ...string) {
	tb.t.Helper()
	for _, l := range lines {
		if a := tb.owner(l); a == "" || strings.Contains(a, "Usage:") || strings.Contains(a, "Sorry") || strings.Contains(a, "Refused") {
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

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: want %q in\n%s", what, w, got)
		}
	}
}
