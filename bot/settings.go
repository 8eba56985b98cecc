package bot

import (
	"context"
	"fmt"
	"maps"
)

// setConfig makes cfg current with everything derived from it. b.mu must
// be held (or b not yet shared).
func (b *Bot) setConfig(cfg Config) error {
	sched, err := NewSchedule(cfg, b.opts.HostZone)
	if err != nil {
		return err
	}
	b.useConfig(cfg, sched)
	return nil
}

// useConfig makes cfg and its schedule current. b.mu must be held.
func (b *Bot) useConfig(cfg Config, sched Schedule) {
	b.cfg, b.sched, b.rules = cfg, sched, compile(cfg)
}

// RefusedError is a configuration change that the validator refused: the
// reason is for the person who asked for it.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }

func (e *RefusedError) Unwrap() error { return e.Err }

// Config returns a copy of the current configuration.
func (b *Bot) Config() Config {
	b.mu.Lock()
	defer b.mu.Unlock()
	return cloneConfig(b.cfg)
}

// UpdateConfig applies change to a copy of the configuration, validates the
// result and builds its schedule (once each), saves it and only then makes
// it current. On any error nothing changes; a refused configuration is a
// *RefusedError.
func (b *Bot) UpdateConfig(ctx context.Context, change func(*Config) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	next := cloneConfig(b.cfg)
	if err := change(&next); err != nil {
		return err
	}
	if err := ValidateConfig(next, b.opts.Self); err != nil {
		return &RefusedError{err}
	}
	sched, err := NewSchedule(next, b.opts.HostZone)
	if err != nil {
		return &RefusedError{err}
	}
	rec := pendingRecord(ctx)
	if err := b.opts.Store.SaveConfig(ctx, next, rec.inbound()); err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	rec.saved()
	if next.Digest && !b.cfg.Digest {
		// The digest starts with the next Monday, not last week's.
		b.noteDigestSent(ctx, b.Now())
	}
	b.useConfig(next, sched)
	b.signal() // the zone or the digest may move the next wake-up
	return nil
}

// cloneConfig copies cfg deeply enough that changing the copy's slices
// never touches the original.
func cloneConfig(cfg Config) Config {
	c := cfg
	for d := range c.Hours.Days {
		c.Hours.Days[d] = append([]Window(nil), cfg.Hours.Days[d]...)
	}
	c.Holidays = append([]Holiday(nil), cfg.Holidays...)
	c.Away.Shifts = append([]Shift(nil), cfg.Away.Shifts...)
	c.Greeting.Shifts = append([]Shift(nil), cfg.Greeting.Shifts...)
	c.Away.Variants = maps.Clone(cfg.Away.Variants)
	c.Greeting.Variants = maps.Clone(cfg.Greeting.Variants)
	c.Keywords = make([]Keyword, len(cfg.Keywords))
	for i, k := range cfg.Keywords {
		k.Phrases = append([]string(nil), k.Phrases...)
		k.Variants = maps.Clone(k.Variants)
		c.Keywords[i] = k
	}
	c.QuickReplies = make([]QuickReply, len(cfg.QuickReplies))
	for i, q := range cfg.QuickReplies {
		q.Shortcuts = append([]string(nil), q.Shortcuts...)
		q.Variants = maps.Clone(q.Variants)
		c.QuickReplies[i] = q
	}
	c.Admins = append([]UserID(nil), cfg.Admins...)
	return c
}

// Schedule returns the current schedule.
func (b *Bot) Schedule() Schedule {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sched
}
