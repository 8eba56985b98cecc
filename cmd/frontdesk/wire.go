package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"frontdesk/bot"
	"frontdesk/commands"
	"frontdesk/storage"
)

// botSetup is everything that differs between `run` and `replay`: the
// transport, the clock and who we are. The engine, the commands and the
// storage are the same in both.
type botSetup struct {
	DB          *storage.DB
	Messenger   bot.Messenger
	Directory   bot.Directory
	Clock       bot.Clock
	Self        bot.UserID
	SelfLID     bot.UserID
	HostZone    *time.Location
	Log         *slog.Logger
	LogMessages bool
	// Unpaced lifts the pace limit (the throughput benchmark only).
	Unpaced bool
}

// newBot wires the one bot that run and replay share.
func newBot(ctx context.Context, s botSetup) (*bot.Bot, error) {
	b, err := bot.New(ctx, bot.Options{
		Store:       s.DB,
		Messenger:   s.Messenger,
		Directory:   s.Directory,
		Clock:       s.Clock,
		Commands:    commands.New(),
		Self:        s.Self,
		SelfLID:     s.SelfLID,
		HostZone:    s.HostZone,
		Log:         s.Log,
		LogMessages: s.LogMessages,
		Digest:      commands.Digest,
		Unpaced:     s.Unpaced,
	})
	if err != nil {
		return nil, fmt.Errorf("start bot: %w", err)
	}
	return b, nil
}
