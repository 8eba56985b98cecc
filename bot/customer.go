package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// MaxQueuedPerCustomer is how many automatic messages one customer may
// have waiting in the outbox; a message beyond it gets no automatic reply
// (recorded as "flood"), so one customer cannot fill the queue.
const MaxQueuedPerCustomer = 5

func (b *Bot) handleCustomer(ctx context.Context, m Message) error {
	now := b.Now()
	id, alias, err := b.canonical(ctx, m)
	if err != nil {
		return err
	}
	if b.isAdmin(id) {
		// Team members command the bot from their own chat and never get
		// automatic replies. Their commands take effect exactly once, as
		// the owner's do.
		in := Inbound{Chat: m.Chat, ID: m.ID, Kind: FromCustomer, Customer: id, Alias: alias, Sent: m.Sent, Received: now, Rules: []string{"admin"}}
		if dup, err := b.seen(ctx, in, m); err != nil || dup {
			return err
		}
		if text := strings.TrimSpace(m.Text); IsCommand(text) {
			return b.runCommandOnce(ctx, in, CommandMessage{Chat: m.Chat, From: id, Admin: true, Text: text, At: now, Media: m.Media})
		}
		_, err := b.record(ctx, in)
		return err
	}
	cust, err := b.opts.Store.Customer(ctx, id)
	if err != nil {
		return fmt.Errorf("load customer: %w", err)
	}
	if cust.LastInbound.IsZero() && !cust.Known {
		if err := b.knownByAlias(ctx, &cust, m); err != nil {
			return err
		}
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	folded := Fold(m.Text)
	d := decide(b.view(), Input{Text: m.Text, Folded: folded, Name: m.PushName, Sent: m.Sent, Now: now, Customer: cust, OwnerActive: b.ownerActive})
	in := Inbound{
		Chat: m.Chat, ID: m.ID, Kind: FromCustomer, Customer: id, Alias: alias, Name: m.PushName,
		Sent: m.Sent, Received: now, TouchCustomer: true,
		Question: questionOf(folded, d.Shortcut),
	}
	switch {
	case d.Suppressed != "":
		in.Rules = []string{d.Suppressed}
	case len(d.Parts) > 0 && b.queued[id]-b.resentBy[id] >= MaxQueuedPerCustomer:
		in.Rules = []string{SuppressedFlood}
	case len(d.Parts) > 0:
		in.Rules = d.Rules()
		in.AwayPeriod = d.AwayPeriod
		in.KeywordsSent = d.KeywordIDs
		in.Shortcut = d.Shortcut
		text, attach := d.Compose(b.opts.Messenger.NewMessageID)
		in.Reply = &Outgoing{Chat: m.Chat, Customer: id, Text: text, Rules: d.Rules(), Created: now,
			MsgID: b.opts.Messenger.NewMessageID(), Attachment: attach}
		if b.mayClaim(id, *in.Reply, now) {
			in.Reply.Status = "sending"
		}
	}
	fresh, err := b.record(ctx, in)
	if err != nil || !fresh {
		return err
	}
	if b.opts.LogMessages {
		b.log.Info("customer message", "chat", m.Chat.String(), "text", m.Text, "rules", in.Rules)
	} else {
		b.log.Info("customer message", "chat", m.Chat.String(), "rules", in.Rules)
	}
	if d.Suppressed == SuppressedLate {
		b.late[id] = true
	}
	if in.Reply != nil {
		b.queued[id]++
		if in.Reply.Status == "sending" {
			b.claimed = append(b.claimed, *in.Reply) // RecordInbound set its ID
		} else {
			b.pending = true
		}
		b.signal()
	}
	return nil
}

// mayClaim says whether a reply to customer id, recorded at now, may be
// claimed for sending in the same transaction (saving the claim's own):
// only when it is next in the queue anyway (nothing else waits, not even
// from this customer, so the turns are kept), the pace limit has room for
// it and the kill switch and the connection allow sending. b.mu is held.
func (b *Bot) mayClaim(id UserID, reply Outgoing, now time.Time) bool {
	if b.pending || b.queued[id] > 0 || b.stopping > 0 || b.kill.Active(now) || now.Before(b.retryAt) {
		return false
	}
	n, _ := b.room(now)
	for _, c := range b.claimed {
		n -= c.messages()
	}
	return n >= reply.messages()
}

// questionOf is the form of a message kept for frequent-question mining:
// folded, numbers masked, and only for ordinary questions.
func questionOf(folded, shortcut string) string {
	if shortcut != "" {
		return ""
	}
	q := MaskNumbers(folded)
	if q == "" || len([]rune(q)) > 120 {
		return ""
	}
	return q
}
