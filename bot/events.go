package bot

import (
	"context"
	"fmt"
	"time"
)

// HandleEvent takes the other transport events: OwnerRead, KnownChats,
// SyncDone, AccountTrouble.
func (b *Bot) HandleEvent(ctx context.Context, ev any) error {
	switch ev := ev.(type) {
	case OwnerRead:
		at := ev.At
		if at.IsZero() {
			at = b.Now()
		}
		if err := b.opts.Store.SetOwnerActive(ctx, at); err != nil {
			return fmt.Errorf("save owner activity: %w", err)
		}
		b.noteOwnerActive(at)
	case KnownChats:
		ids := make([]UserID, 0, len(ev.Chats))
		for _, c := range ev.Chats {
			if c != b.opts.Self && c != b.opts.SelfLID && c != "" {
				ids = append(ids, c)
			}
		}
		if err := b.opts.Store.MarkKnown(ctx, ids, b.Now()); err != nil {
			return fmt.Errorf("save known chats: %w", err)
		}
	case SyncDone:
		b.mu.Lock()
		b.retryAt = time.Time{}
		b.mu.Unlock()
		b.signal()
		return b.reportLate(ctx)
	case AccountTrouble:
		reason := Problemf("WhatsApp restricted the account: %s", ev.Reason)
		if !ev.Until.IsZero() {
			reason = Problemf("WhatsApp restricted the account: %s until %s", ev.Reason, ev.Until.In(b.Schedule().Loc).Format("2006-01-02 15:04"))
		}
		return b.stopForTrouble(ctx, reason)
	default:
		return fmt.Errorf("unknown event %T", ev)
	}
	return nil
}

// stopForTrouble turns the kill switch on by itself and tells the owner,
// in their language (the switch keeps the reason in English).
func (b *Bot) stopForTrouble(ctx context.Context, reason error) error {
	if _, err := b.SetKillSwitch(ctx, KillSwitch{Off: true, Reason: reason.Error()}); err != nil {
		return err
	}
	b.log.Warn("kill switch turned on automatically", "reason", reason.Error())
	// Telling the owner is best effort: the same restriction may stop it.
	alert := Tr(b.Config().Lang, "%v. Automatic replies are OFF. Type !on when it is over.", reason)
	if err := b.Say(ctx, b.opts.Self, alert); err != nil {
		b.log.Warn("tell owner about the restriction", "err", err)
	}
	return nil
}

// reportLate tells the owner, in one line, how many chats waited too long
// while the bot was offline.
func (b *Bot) reportLate(ctx context.Context) error {
	b.mu.Lock()
	n := len(b.late)
	lang := b.cfg.Lang
	b.late = map[UserID]bool{}
	b.mu.Unlock()
	if n == 0 {
		return nil
	}
	return b.Say(ctx, b.opts.Self, Tr(lang, "While the bot was offline, %d chat(s) waited more than 6 hours. They got no automatic reply: please answer them yourself.", n))
}
