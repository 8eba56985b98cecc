package bot

import (
	"context"
	"fmt"
)

// KillSwitch returns the kill switch as it stands.
func (b *Bot) KillSwitch() KillSwitch {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.kill
}

// Stopped is what turning the kill switch on found.
type Stopped struct {
	// Discarded automatic messages were waiting; they will never be sent.
	Discarded int
	// OnItsWay automatic messages were already with WhatsApp when the
	// switch was turned; SetKillSwitch waited for them, and they went out.
	OnItsWay int
}

// SetKillSwitch saves k (discarding pending automatic messages when it
// stops them) and makes it current. Turning it on first waits for an
// automatic send in flight to finish, so that once it returns nothing
// automatic leaves.
func (b *Bot) SetKillSwitch(ctx context.Context, k KillSwitch) (Stopped, error) {
	var st Stopped
	if k.Off {
		// No new send starts from here; wait for the one in flight.
		b.mu.Lock()
		b.stopping++
		busy, before := b.sending, b.delivered
		b.mu.Unlock()
		defer func() {
			b.mu.Lock()
			b.stopping--
			b.mu.Unlock()
		}()
		b.sendMu.Lock()
		defer b.sendMu.Unlock()
		if busy {
			b.mu.Lock()
			st.OnItsWay = b.delivered - before
			b.mu.Unlock()
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if k.Off {
		// Replies claimed as they were recorded are not on their way yet:
		// back in the queue, to be discarded with it.
		for len(b.claimed) > 0 {
			if err := b.opts.Store.ReleaseSending(ctx, b.claimed[0].ID); err != nil {
				return Stopped{}, fmt.Errorf("save kill switch: %w", err)
			}
			b.claimed = b.claimed[1:]
			b.pending = true
		}
	}
	rec := pendingRecord(ctx)
	n, err := b.opts.Store.SaveKillSwitch(ctx, k, rec.inbound())
	if err != nil {
		return Stopped{}, fmt.Errorf("save kill switch: %w", err)
	}
	rec.saved()
	st.Discarded = n
	b.kill = k
	if k.Off {
		b.pending = false
		b.claimed = nil
		b.queued = map[UserID]int{} // nothing waits any more
		b.forgetResent("")
	}
	b.signal()
	return st, nil
}
