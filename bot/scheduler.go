package bot

import (
	"context"
	"time"
)

// The bot's own clockwork: Run wakes Tick whenever NextWake says work is
// due (replay drives Tick itself on its virtual clock).

// Tick does whatever is due at the clock's now: ends a pause, sends the
// weekly digest, prunes old rows, sends queued messages within the pace
// limit.
func (b *Bot) Tick(ctx context.Context) error {
	now := b.Now()
	if err := b.endPause(ctx, now); err != nil {
		return err
	}
	b.digestIfDue(ctx, now)
	b.housekeep(ctx, now)
	return b.sendDue(ctx, now)
}

// endPause turns automatic replies back on when a !pause is over.
func (b *Bot) endPause(ctx context.Context, now time.Time) error {
	b.mu.Lock()
	k := b.kill
	lang := b.cfg.Lang
	b.mu.Unlock()
	if !k.Off || k.Until.IsZero() || now.Before(k.Until) {
		return nil
	}
	if _, err := b.SetKillSwitch(ctx, KillSwitch{}); err != nil {
		return err
	}
	b.log.Info("pause over, automatic replies on")
	if err := b.Say(ctx, b.opts.Self, T(lang, "Pause over: automatic replies are on again.")); err != nil {
		b.log.Warn("tell owner the pause is over", "err", err)
	}
	return nil
}

// NextWake is when Tick next has something to do (zero: nothing planned).
func (b *Bot) NextWake() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.Now()
	var next time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if b.kill.Off && !b.kill.Until.IsZero() {
		earliest(b.kill.Until)
	}
	if b.cfg.Digest && b.opts.Digest != nil {
		earliest(b.nextDigest(now))
	}
	if (b.pending || len(b.claimed) > 0) && !b.kill.Active(now) {
		_, free := b.roomFor(now, max(b.needRoom, 1))
		switch {
		case now.Before(b.retryAt):
			earliest(b.retryAt)
		case !free.IsZero():
			earliest(free)
		default:
			earliest(now)
		}
	}
	return next
}

// Run calls Tick whenever work is due, until ctx ends. Production uses it;
// replay drives Tick itself on its virtual clock.
func (b *Bot) Run(ctx context.Context) error {
	for {
		if err := b.Tick(ctx); err != nil {
			b.log.Error("scheduled work failed", "err", err)
		}
		wait := time.Hour
		if next := b.NextWake(); !next.IsZero() {
			wait = max(next.Sub(b.Now()), 10*time.Millisecond)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-b.wakeCh:
			t.Stop()
		case <-t.C:
		}
	}
}

// Retention is how long per-message rows (inbound records, normalised
// questions) are kept.
const Retention = 90 * 24 * time.Hour

// housekeep prunes rows older than Retention, once a day (and at start).
func (b *Bot) housekeep(ctx context.Context, now time.Time) {
	b.mu.Lock()
	due := b.housekeepAt.IsZero() || !now.Before(b.housekeepAt)
	if due {
		b.housekeepAt = now.Add(24 * time.Hour)
	}
	b.mu.Unlock()
	if !due {
		return
	}
	if err := b.opts.Store.Retain(ctx, now.Add(-Retention)); err != nil {
		b.log.Warn("prune old rows", "err", err)
	}
	if n, err := b.opts.Store.PruneMedia(ctx, now.Add(-mediaKeep)); err != nil {
		b.log.Warn("prune unused media", "err", err)
	} else if n > 0 {
		b.log.Info("pruned unused media", "count", n)
	}
}
