package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Commander runs owner and admin commands ("!..." text). The commands
// package implements it; the bot hands it every command message once the
// message is recorded.
type Commander interface {
	Run(ctx context.Context, b *Bot, c Call)
}

// Call is one command as received.
type Call struct {
	// Chat is where the command came from; answers go there.
	Chat UserID
	// From is who sent it: the owner's own id, or the admin's phone number.
	From UserID
	// Admin is true for a team member rather than the owner.
	Admin bool
	Text  string
	At    time.Time
}

// Options configure a Bot.
type Options struct {
	Store     Store
	Messenger Messenger
	Clock     Clock
	Commands  Commander
	// Self is the linked account's own phone number; SelfLID its hidden id
	// when known.
	Self    UserID
	SelfLID UserID
	// HostZone is used while no time zone was set (default time.Local).
	HostZone *time.Location
	Log      *slog.Logger
	// LogMessages allows message texts in logs.
	LogMessages bool
}

// Bot is the running core: it classifies, decides, records and sends.
// Its methods are safe for concurrent use; work is serialised by one lock.
type Bot struct {
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	cfg    Config
	sched  Schedule
	kill   KillSwitch
	wakeCh chan struct{}
}

// New loads the saved configuration and kill switch and returns a Bot ready
// to handle messages.
func New(ctx context.Context, opts Options) (*Bot, error) {
	panic("TODO(engine)")
}

// HandleMessage classifies, decides, records and queues the reply for one
// inbound message. It returns nil once the message is recorded (or was a
// duplicate): only then may the transport acknowledge it. Sending happens
// later, from the outbox, in Tick.
func (b *Bot) HandleMessage(ctx context.Context, m Message) error { panic("TODO(engine)") }

// HandleEvent takes the other transport events: OwnerRead, KnownChats,
// SyncDone, AccountTrouble.
func (b *Bot) HandleEvent(ctx context.Context, ev any) error { panic("TODO(engine)") }

// Tick does whatever is due at the clock's now: sends queued messages within
// the pace limit, ends a pause, sends the weekly digest.
func (b *Bot) Tick(ctx context.Context) error { panic("TODO(engine)") }

// NextWake is when Tick next has something to do (zero: nothing planned).
func (b *Bot) NextWake() time.Time { panic("TODO(engine)") }

// Wake is signalled when new work may be due before NextWake said.
func (b *Bot) Wake() <-chan struct{} { return b.wakeCh }

// Run calls Tick whenever work is due, until ctx ends. Production uses it;
// replay drives Tick itself on its virtual clock.
func (b *Bot) Run(ctx context.Context) error { panic("TODO(engine)") }

// Close finishes the bot's own work; it does not close the Store.
func (b *Bot) Close() error { panic("TODO(engine)") }

// Config returns a copy of the current configuration.
func (b *Bot) Config() Config { panic("TODO(engine)") }

// UpdateConfig applies change to a copy of the configuration, validates the
// result, saves it and only then makes it current. On any error nothing
// changes.
func (b *Bot) UpdateConfig(ctx context.Context, change func(*Config) error) error {
	panic("TODO(engine)")
}

// Schedule returns the current schedule.
func (b *Bot) Schedule() Schedule { panic("TODO(engine)") }

// KillSwitch returns the kill switch as it stands.
func (b *Bot) KillSwitch() KillSwitch { panic("TODO(engine)") }

// SetKillSwitch saves k (discarding pending automatic messages when it
// stops them) and makes it current.
func (b *Bot) SetKillSwitch(ctx context.Context, k KillSwitch) (discarded int, err error) {
	panic("TODO(engine)")
}

// Reply sends text to chat right away (answers to commands; not automatic
// messages, so neither paced nor stopped by the kill switch).
func (b *Bot) Reply(ctx context.Context, chat UserID, text string) error { panic("TODO(engine)") }

// Now is the clock's time.
func (b *Bot) Now() time.Time { return b.opts.Clock.Now() }

// Store, Messenger, Self and Log give commands what they need.
func (b *Bot) Store() Store         { return b.opts.Store }
func (b *Bot) Messenger() Messenger { return b.opts.Messenger }
func (b *Bot) Self() UserID         { return b.opts.Self }
func (b *Bot) Log() *slog.Logger    { return b.log }

// Simulate decides what a customer writing text at the moment at would
// receive (as a new customer, or a known one with nothing else remembered),
// with the current configuration. It sends and records nothing.
func (b *Bot) Simulate(at time.Time, newCustomer bool, text string) Decision {
	panic("TODO(engine)")
}
