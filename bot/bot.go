package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

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
	// Digest, when set, writes the owner's weekly digest; the bot sends it
	// every Monday at 09:00 business time while Config.Digest is on.
	Digest func(ctx context.Context, b Business) (string, error)
	// Directory, when set, finds the LIDs of admins' phone numbers, so an
	// admin writing by a LID the bot cannot place yet is still recognised.
	Directory Directory
	// Unpaced lifts the pace limit (MaxPerMinute automatic messages a
	// minute). Only the end-to-end throughput benchmark sets it, to
	// measure reply latency under load; frontdesk run never does.
	Unpaced bool
}

// Bot is the running core: it classifies, decides, records and sends.
// Its methods are safe for concurrent use; work is serialised by one lock.
type Bot struct {
	opts Options
	log  *slog.Logger

	// handleMu serialises inbound handling, so each message is decided
	// against the state its predecessor left.
	handleMu sync.Mutex

	// sendMu is held for the whole of one automatic send, from the kill
	// switch check to WhatsApp's answer; stopping the bot takes it too, so
	// once !off is saved nothing automatic is on its way.
	sendMu sync.Mutex

	// mu guards the fields below; it is never held across a network send.
	mu    sync.Mutex
	cfg   Config
	rules compiled
	sched Schedule
	kill  KillSwitch
	// ownerActive is the owner's last activity, cached from the Store.
	ownerActive time.Time
	// pending says the outbox may hold pending messages to send.
	pending bool
	// claimed are replies recorded already claimed ("sending" in the
	// Store) because they could leave at once: the next Tick sends them
	// without reading the outbox or claiming them again. One at most per
	// customer, in the order recorded; the kill switch puts them back in
	// the queue before it discards the queue.
	claimed []Outgoing
	// sent holds the times of the last MaxPerMinute sends, for pacing.
	sent []time.Time
	// needRoom is how many sends the message next in turn needs (two for
	// an attachment followed by a text) when the pace limit stopped it.
	needRoom int
	// retryAt holds back sends after the connection failed.
	retryAt time.Time
	// sending is true while an automatic send is with WhatsApp; delivered
	// counts the automatic sends that went out (for !off's answer).
	sending   bool
	delivered int
	// stopping counts kill switch saves waiting for sendMu: no new send
	// starts meanwhile.
	stopping int
	// queued counts each customer's messages waiting in the outbox, to cap
	// what one customer can queue.
	queued map[UserID]int
	// resent are the replies a crash interrupted, waiting to be sent again
	// under their ids, by id (their customer), and counted per customer.
	// They are among queued but do not count toward the cap: the customer
	// did not ask for them again.
	resent   map[int64]UserID
	resentBy map[UserID]int
	// adminLIDAsked is when the Directory was last asked about each admin
	// whose LID is unknown.
	adminLIDAsked map[UserID]time.Time
	// late collects the chats whose messages arrived too late to answer,
	// until the owner is told.
	late map[UserID]bool
	// digestSent is when the weekly digest last went out (saved, so a
	// restart neither skips nor repeats one); housekeepAt is when old rows
	// are next pruned (in memory: a restart prunes at once).
	digestSent  time.Time
	housekeepAt time.Time

	wakeCh chan struct{}
}

// Now is the clock's time.
func (b *Bot) Now() time.Time { return b.opts.Clock.Now() }

// Self is the linked account's own phone number.
func (b *Bot) Self() UserID { return b.opts.Self }

// Log is the bot's logger.
func (b *Bot) Log() *slog.Logger { return b.log }

// New loads the saved configuration and kill switch and returns a Bot ready
// to handle messages.
func New(ctx context.Context, opts Options) (*Bot, error) {
	if opts.Store == nil || opts.Messenger == nil {
		return nil, errors.New("bot: Store and Messenger are required")
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock
	}
	if opts.HostZone == nil {
		opts.HostZone = time.Local
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b := &Bot{opts: opts, log: opts.Log, wakeCh: make(chan struct{}, 1), late: map[UserID]bool{},
		adminLIDAsked: map[UserID]time.Time{}}

	cfg, ok, err := opts.Store.LoadConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load configuration: %w", err)
	}
	if !ok {
		cfg = DefaultConfig()
	}
	fillDefaults(&cfg)
	if err := b.setConfig(cfg); err != nil {
		// A stored zone this binary cannot load must not keep the bot
		// down: fall back to the host's zone and say so.
		b.log.Warn("stored time zone unusable, using the host's", "zone", cfg.TimeZone, "err", err)
		cfg.TimeZone = ""
		if err := b.setConfig(cfg); err != nil {
			return nil, fmt.Errorf("load configuration: %w", err)
		}
	}
	if b.kill, err = opts.Store.LoadKillSwitch(ctx); err != nil {
		return nil, fmt.Errorf("load kill switch: %w", err)
	}
	if b.ownerActive, err = opts.Store.OwnerActive(ctx); err != nil {
		return nil, fmt.Errorf("load owner activity: %w", err)
	}
	recent, err := opts.Store.RecentSent(ctx, MaxPerMinute)
	if err != nil {
		return nil, fmt.Errorf("load recent sends: %w", err)
	}
	for i := len(recent) - 1; i >= 0; i-- {
		b.sent = append(b.sent, recent[i].SentAt)
	}
	resumed, err := opts.Store.ResumeInterrupted(ctx)
	if err != nil {
		return nil, err
	}
	if b.queued, err = opts.Store.PendingByCustomer(ctx); err != nil {
		return nil, err
	}
	b.pending = len(b.queued) > 0
	if len(resumed) > 0 {
		b.log.Info("sends interrupted by a stop are tried again under their message id", "messages", len(resumed))
		b.noteResent(resumed)
	}
	if b.digestSent, err = opts.Store.DigestSent(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// noteResent keeps the replies ResumeInterrupted put back in the queue,
// so that they do not count toward their customers' cap.
func (b *Bot) noteResent(resumed []Resumed) {
	b.resent, b.resentBy = make(map[int64]UserID, len(resumed)), make(map[UserID]int)
	for _, r := range resumed {
		b.resent[r.ID] = r.Customer
		b.resentBy[r.Customer]++
	}
}

// forgetResent drops what noteResent found: all of it, or one customer's.
// b.mu is held (or b is not shared yet).
func (b *Bot) forgetResent(customer UserID) {
	if customer == "" {
		b.resent, b.resentBy = nil, nil
		return
	}
	for id, c := range b.resent {
		if c == customer {
			delete(b.resent, id)
		}
	}
	delete(b.resentBy, customer)
}

// fillDefaults repairs zero values a hand-edited or older configuration
// may carry, so that the engine never works with an invalid setting.
func fillDefaults(cfg *Config) {
	d := DefaultConfig()
	if cfg.Lang == "" {
		cfg.Lang = d.Lang
	}
	if cfg.Away.When == "" {
		cfg.Away.When = d.Away.When
	}
	if cfg.Away.AfterMinutes == 0 {
		cfg.Away.AfterMinutes = d.Away.AfterMinutes
	}
	if cfg.Greeting.When == "" {
		cfg.Greeting.When = d.Greeting.When
	}
	if cfg.Greeting.AfterDays == 0 {
		cfg.Greeting.AfterDays = d.Greeting.AfterDays
	}
}

// Close finishes the bot's own work: it waits for the message in hand.
// It does not close the Store.
func (b *Bot) Close() error {
	b.handleMu.Lock()
	defer b.handleMu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	return nil
}

// signal tells Run that work may be due.
func (b *Bot) signal() {
	select {
	case b.wakeCh <- struct{}{}:
	default:
	}
}
