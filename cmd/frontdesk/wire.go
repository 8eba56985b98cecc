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
	DB *storage.Store
	// Store, when set, is used instead of DB (DB wrapped, for the
	// metrics).
	Store       bot.Store
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
	st := s.Store
	if st == nil {
		st = s.DB
	}
	b, err := bot.New(ctx, bot.Options{
		Store:       st,
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
