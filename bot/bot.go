package bot

import (
	"context"
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
	// pending says the outbox may hold messages to send.
	pending bool
	// sent holds the times of the last MaxPerMinute sends, for pacing.
	sent []time.Time
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
