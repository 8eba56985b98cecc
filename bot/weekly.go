package bot

import (
	"context"
	"time"
)

// Retention is how long per-message rows (inbound records, normalised
// questions) are kept.
const Retention = 90 * 24 * time.Hour

// retainer is implemented by stores that can prune old rows.
type retainer interface {
	Retain(ctx context.Context, before time.Time) error
}

// nextDigest is the first Monday 09:00 in loc strictly after t.
func nextDigest(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	days := (int(time.Monday) - int(l.Weekday()) + 7) % 7
	at := time.Date(l.Year(), l.Month(), l.Day()+days, 9, 0, 0, 0, loc)
	if !at.After(t) {
		at = time.Date(l.Year(), l.Month(), l.Day()+days+7, 9, 0, 0, 0, loc)
	}
	return at
}

// weekly sends the digest when due and prunes old rows once a day.
func (b *Bot) weekly(ctx context.Context, now time.Time) {
	b.mu.Lock()
	if b.digestAt.IsZero() {
		b.digestAt = nextDigest(now, b.sched.Loc)
	}
	if b.housekeepAt.IsZero() {
		b.housekeepAt = now
	}
	dueDigest := !now.Before(b.digestAt)
	if dueDigest {
		b.digestAt = nextDigest(now, b.sched.Loc)
	}
	dueDigest = dueDigest && b.cfg.Digest && b.opts.Digest != nil
	dueHousekeep := !now.Before(b.housekeepAt)
	if dueHousekeep {
		b.housekeepAt = now.Add(24 * time.Hour)
	}
	b.mu.Unlock()

	if dueHousekeep {
		if r, ok := b.opts.Store.(retainer); ok {
			if err := r.Retain(ctx, now.Add(-Retention)); err != nil {
				b.log.Warn("prune old rows", "err", err)
			}
		}
	}
	if dueDigest {
		text, err := b.opts.Digest(ctx, b)
		if err != nil {
			b.log.Warn("write digest", "err", err)
			return
		}
		if err := b.Reply(ctx, b.opts.Self, text); err != nil {
			b.log.Warn("send digest", "err", err)
		}
	}
}
