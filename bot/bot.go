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
