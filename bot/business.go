package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The read models and owner-bound sends of the Business view; the rest of
// it (configuration, schedule, kill switch) is in engine.go.

var _ Business = (*Bot)(nil)

// SayImage sends a PNG with a caption to the owner or an admin right away.
func (b *Bot) SayImage(ctx context.Context, chat UserID, png []byte, caption string) error {
	if _, err := b.opts.Messenger.SendImage(ctx, chat, png, caption); err != nil {
		return fmt.Errorf("send image to %s: %w", chat, err)
	}
	return nil
}

// RecentSent returns the last n automatic messages sent, newest first.
func (b *Bot) RecentSent(ctx context.Context, n int) ([]Outgoing, error) {
	return b.opts.Store.RecentSent(ctx, n)
}

// ShortcutUses sums the uses of each shortcut at or after since.
func (b *Bot) ShortcutUses(ctx context.Context, since time.Time) (map[string]ShortcutUses, error) {
	return b.opts.Store.ShortcutUses(ctx, since)
}

// Activity reads what happened in customer chats from since to until.
func (b *Bot) Activity(ctx context.Context, q ActivityQuery) (Activity, error) {
	return b.opts.Store.Activity(ctx, q)
}

// Forget deletes everything stored about the customer id, under both of
// their identities, and says how many records went.
func (b *Bot) Forget(ctx context.Context, id UserID) (int64, error) {
	if id == "" {
		return 0, errors.New("forget: no customer given")
	}
	n, err := b.opts.Store.Forget(ctx, []UserID{id})
	if err != nil {
		return 0, err
	}
	b.mu.Lock()
	delete(b.queued, id)
	b.forgetResent(id)
	b.mu.Unlock()
	return n, nil
}

// Say sends text to the owner or an admin right away (answers to
// commands, alerts, the digest; not automatic messages, so neither paced
// nor stopped by the kill switch). Every owner-bound text goes through
// here; one longer than MaxReplyRunes goes out as numbered parts
// (SplitReply).
func (b *Bot) Say(ctx context.Context, chat UserID, text string) error {
	var parts []AnswerPart
	for _, p := range SplitReply(text, MaxReplyRunes) {
		parts = append(parts, AnswerPart{Text: p})
	}
	rec := answering(ctx)
	if rec != nil && chat == rec.chat {
		// The command's change is saved: keep its answer, with the ids it
		// goes out under, before it leaves, so that a crash in between
		// neither loses it nor shows it twice.
		for i := range parts {
			parts[i].ID = b.opts.Messenger.NewMessageID()
		}
		in := rec.in
		if err := b.opts.Store.SaveAnswer(ctx, in.Party(), in.Alias, in.ID, parts); err != nil {
			b.log.Warn("keep command answer", "err", err)
		}
	}
	err := b.sayParts(ctx, chat, parts)
	if err != nil && rec != nil {
		rec.unsent = true
	}
	return err
}

// sayParts sends each part under its id (empty: the transport's).
func (b *Bot) sayParts(ctx context.Context, chat UserID, parts []AnswerPart) error {
	for _, p := range parts {
		if _, err := b.opts.Messenger.SendText(ctx, chat, p.Text, p.ID); err != nil {
			return fmt.Errorf("reply to %s: %w", chat, err)
		}
	}
	return nil
}
