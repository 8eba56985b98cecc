package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// retryDelay is how long sends wait after the connection failed; the
// transport's SyncDone after a reconnect ends the wait early.
const retryDelay = 30 * time.Second

// room is how many automatic messages may go out at now under the pace
// limit, and when the next slot frees up.
func (b *Bot) room(now time.Time) (int, time.Time) {
	return b.roomFor(now, 1)
}

// roomFor is how many automatic messages may go out at now under the pace
// limit and, when that is fewer than need, when need of them may.
func (b *Bot) roomFor(now time.Time, need int) (int, time.Time) {
	if b.opts.Unpaced {
		return unpacedRoom, time.Time{}
	}
	cut := now.Add(-time.Minute)
	var recent []time.Time
	for _, t := range b.sent {
		if t.After(cut) {
			recent = append(recent, t)
		}
	}
	n := MaxPerMinute - len(recent)
	if n >= need {
		return n, time.Time{}
	}
	// The slots free up as the oldest recent sends turn a minute old.
	return max(n, 0), recent[min(need-n-1, len(recent)-1)].Add(time.Minute)
}

// bookkeepingTimeout bounds the outbox writes made after a send, which
// run on even when the send's context is cancelled.
const bookkeepingTimeout = 5 * time.Second

// unpacedRoom is room's answer when Options.Unpaced lifts the pace limit.
const unpacedRoom = 1 << 16

func (b *Bot) noteSent(at time.Time) {
	b.sent = append(b.sent, at)
	if len(b.sent) > MaxPerMinute {
		b.sent = b.sent[len(b.sent)-MaxPerMinute:]
	}
}

// sendDue sends what the outbox holds, customers taking turns, as far as
// the pace limit allows. The lock is not held while WhatsApp is being
// talked to; the kill switch is checked again before every single send.
func (b *Bot) sendDue(ctx context.Context, now time.Time) error {
	b.mu.Lock()
	if (!b.pending && len(b.claimed) == 0) || b.kill.Active(now) || now.Before(b.retryAt) {
		b.mu.Unlock()
		return nil
	}
	n, _ := b.room(now)
	if n == 0 {
		b.mu.Unlock()
		return nil
	}
	// Claimed replies first: each is its customer's first turn, and was
	// recorded when nothing waited.
	batch := b.claimed[:min(n, len(b.claimed)):min(n, len(b.claimed))]
	if b.pending && n > len(batch) {
		more, err := b.opts.Store.PendingOutgoing(ctx, n-len(batch))
		if err != nil {
			b.mu.Unlock()
			return fmt.Errorf("read outbox: %w", err)
		}
		if len(more) < n-len(batch) {
			b.pending = false
		}
		batch = append(batch, more...)
	}
	b.needRoom = 0
	// A message whose attachment is followed by a text counts as two: a
	// batch stops at the first one the pace limit has no room for (it
	// keeps its turn), and the next wake is when there is.
	left := n
	for i, o := range batch {
		if k := o.messages(); k > left {
			batch = batch[:i]
			b.needRoom = k
			b.pending = true
			break
		} else {
			left -= k
		}
	}
	b.mu.Unlock()

	for _, o := range batch {
		trouble, err := b.sendOne(ctx, o, now)
		if err != nil {
			return err
		}
		if trouble != nil {
			return b.stopForTrouble(ctx, trouble)
		}
	}
	return nil
}

// sendOne sends one queued message under its message id. It holds sendMu
// throughout, so SetKillSwitch cannot save "off" between the check and the
// send. It returns WhatsApp's error when it restricted the account (the
// caller stops the bot, which needs sendMu).
func (b *Bot) sendOne(ctx context.Context, o Outgoing, now time.Time) (trouble, err error) {
	b.sendMu.Lock()
	defer b.sendMu.Unlock()
	st := b.opts.Store
	b.mu.Lock()
	stopped, waiting := b.kill.Active(now) || b.stopping > 0, now.Before(b.retryAt)
	claimed := o.Status == "sending"
	if claimed && !stopped && !waiting {
		// From here it is this send's: the kill switch no longer puts it
		// back in the queue.
		if !b.unclaim(o.ID) {
			claimed = false
			stopped = true // the kill switch took it back meanwhile
		}
	}
	b.mu.Unlock()
	switch {
	case stopped:
		// The kill switch is (being) turned on since the batch was read:
		// never send it. Saving the switch discards it (a claimed one,
		// still among b.claimed, is put back in the queue first).
		return nil, nil
	case waiting:
		if !claimed {
			b.mu.Lock()
			b.pending = true
			b.mu.Unlock()
		}
		return nil, nil
	case now.Sub(o.Created) > LateAfter:
		b.log.Info("stale automatic message dropped", "chat", o.Chat.String(), "rules", o.Rules)
		return nil, b.finish(ctx, o, st.MarkFailed(ctx, o.ID, "stale"))
	}
	if !claimed {
		if err := st.MarkSending(ctx, o.ID); err != nil {
			return nil, fmt.Errorf("claim outgoing %d: %w", o.ID, err)
		}
	}
	b.mu.Lock()
	b.sending = true
	b.mu.Unlock()
	id, n, err := b.deliver(ctx, o)
	b.mu.Lock()
	b.sending = false
	if err == nil {
		b.delivered++
	}
	// What left counts against the pace limit, also an attachment whose
	// text after it failed.
	for range n {
		b.noteSent(now)
	}
	b.mu.Unlock()
	// What became of the send is written even when ctx was cancelled
	// meanwhile (shutdown, a lost lease): else the row would stay
	// "sending" and no process would resume it until a restart.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeepingTimeout)
	defer cancel()
	switch {
	case err == nil:
		b.log.Info("automatic message sent", "chat", o.Chat.String(), "rules", o.Rules)
		return nil, b.finish(ctx, o, st.MarkSent(ctx, o.ID, id, now))
	case errors.Is(err, ErrNotSent):
		b.mu.Lock()
		b.pending = true
		b.retryAt = now.Add(retryDelay)
		b.mu.Unlock()
		b.log.Warn("send postponed", "chat", o.Chat.String(), "err", err)
		return nil, st.ReleaseSending(ctx, o.ID)
	case errors.Is(err, ErrAccountLimited):
		return err, b.finish(ctx, o, st.MarkFailed(ctx, o.ID, err.Error()))
	default:
		// It may have gone out: never sent again under a new id.
		b.log.Warn("automatic message failed", "chat", o.Chat.String(), "err", err)
		return nil, b.finish(ctx, o, st.MarkFailed(ctx, o.ID, err.Error()))
	}
}

// unclaim takes message id off b.claimed and says whether it was there.
// b.mu is held.
func (b *Bot) unclaim(id int64) bool {
	for i, c := range b.claimed {
		if c.ID == id {
			b.claimed = append(b.claimed[:i:i], b.claimed[i+1:]...)
			return true
		}
	}
	return false
}

// finish notes that o left the queue for good (sent, failed, dropped) once
// the store says so.
func (b *Bot) finish(ctx context.Context, o Outgoing, err error) error {
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.resent[o.ID]; ok {
		delete(b.resent, o.ID)
		if b.resentBy[c]--; b.resentBy[c] <= 0 {
			delete(b.resentBy, c)
		}
	}
	if b.queued[o.Customer] > 1 {
		b.queued[o.Customer]--
	} else {
		delete(b.queued, o.Customer)
	}
	return nil
}
