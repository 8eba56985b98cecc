package bot

import (
	"context"
	"time"
)

// The weekly digest goes to the owner every Monday at 09:00 in the
// business's time zone, once, while it is switched on; the text is written
// by the Digest option (the commands package).

// lastDigestTime is the latest Monday 09:00 in loc at or before t.
func lastDigestTime(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	days := (int(l.Weekday()) - int(time.Monday) + 7) % 7
	at := time.Date(l.Year(), l.Month(), l.Day()-days, 9, 0, 0, 0, loc)
	if at.After(t) {
		at = time.Date(l.Year(), l.Month(), l.Day()-days-7, 9, 0, 0, 0, loc)
	}
	return at
}

// nextDigest is when the weekly digest is next due: now when one is owed
// (the bot was stopped over Monday 09:00), else the next Monday 09:00 in
// the business's zone as it is now. b.mu must be held.
func (b *Bot) nextDigest(now time.Time) time.Time {
	last := lastDigestTime(now, b.sched.Loc)
	if b.digestSent.Before(last) {
		return now
	}
	l := last.In(b.sched.Loc)
	return time.Date(l.Year(), l.Month(), l.Day()+7, 9, 0, 0, 0, b.sched.Loc)
}

// noteDigestSent saves when the digest went out (or from when the next
// one counts), before it is sent: a crash then skips one digest rather
// than sending it twice.
func (b *Bot) noteDigestSent(ctx context.Context, at time.Time) bool {
	if err := b.opts.Store.SetDigestSent(ctx, at); err != nil {
		b.log.Warn("save digest time", "err", err)
		return false
	}
	b.digestSent = at
	return true
}

// digestIfDue sends the digest when due. It follows the business's time
// zone at every moment (a !tz moves it), and one owed from while the bot
// was stopped goes out once, late.
func (b *Bot) digestIfDue(ctx context.Context, now time.Time) {
	b.mu.Lock()
	due := false
	if b.cfg.Digest && b.opts.Digest != nil {
		if b.digestSent.IsZero() {
			// Switched on by an older version: start counting now.
			b.noteDigestSent(ctx, now)
		} else if !now.Before(b.nextDigest(now)) {
			due = b.noteDigestSent(ctx, now)
		}
	}
	b.mu.Unlock()
	if !due {
		return
	}
	text, err := b.opts.Digest(ctx, b)
	if err != nil {
		b.log.Warn("write digest", "err", err)
		return
	}
	if err := b.Say(ctx, b.opts.Self, text); err != nil {
		b.log.Warn("send digest", "err", err)
	}
}
