package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// HandleMessage classifies, decides, records and queues the reply for one
// inbound message, its sender's name cleaned first (CleanName). It
// returns nil once the message is recorded (or was a duplicate): only
// then may the transport acknowledge it. Sending happens later, from the
// outbox, in Tick.
func (b *Bot) HandleMessage(ctx context.Context, m Message) error {
	b.handleMu.Lock()
	defer b.handleMu.Unlock()
	m.PushName = CleanName(m.PushName)
	switch m.Kind {
	case OwnerSelf:
		return b.handleOwnerSelf(ctx, m)
	case OwnerInChat:
		return b.handleOwnerInChat(ctx, m)
	case FromCustomer:
		return b.handleCustomer(ctx, m)
	default:
		b.log.Debug("ignored message", "why", m.Why, "id", m.ID)
		return nil
	}
}

// record stores in; a duplicate is reported as done=false with no error.
func (b *Bot) record(ctx context.Context, in Inbound) (bool, error) {
	err := b.opts.Store.RecordInbound(ctx, in)
	if errors.Is(err, ErrDuplicate) {
		b.log.Info("duplicate message dropped", "chat", in.Chat.String(), "id", in.ID)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record message %s: %w", in.ID, err)
	}
	return true, nil
}

// seen reports whether in was recorded before (a redelivery). A command
// whose change was saved but whose answer a crash lost gets that answer
// now, in the chat m came from: the owner learns it was done, and it is
// not done again.
func (b *Bot) seen(ctx context.Context, in Inbound, m Message) (bool, error) {
	r, err := b.opts.Store.Recorded(ctx, in.Party(), in.Alias, in.ID)
	if err != nil {
		return false, fmt.Errorf("look up message %s: %w", in.ID, err)
	}
	if !r.Found {
		return false, nil
	}
	b.log.Info("duplicate message dropped", "chat", in.Chat.String(), "id", in.ID)
	if r.Answered {
		return true, nil
	}
	// The answer goes out again under the ids it was (perhaps) sent under:
	// the phone shows it once.
	ack := r.Answer
	if len(ack) == 0 {
		// The crash fell between the change and its answer's first word.
		ack = []AnswerPart{{Text: Tr(b.Config().Lang, "Done before a restart: %s", Clip(strings.TrimSpace(m.Text), 60))}}
	}
	if err := b.sayParts(ctx, m.Chat, ack); err != nil {
		return true, fmt.Errorf("acknowledge command %s: %w", in.ID, err)
	}
	if err := b.opts.Store.MarkAnswered(ctx, in.Party(), in.Alias, in.ID); err != nil {
		return true, err
	}
	return true, nil
}

// runCommandOnce runs the command in text and records its message exactly
// once across crashes (see record.go): with the command's first change, as
// awaiting its answer until the command is done, or after it when it
// changed nothing.
func (b *Bot) runCommandOnce(ctx context.Context, in Inbound, cmd CommandMessage) error {
	rec := &commandRecord{in: in, chat: cmd.Chat}
	rec.in.AwaitsAnswer = true
	b.runCommand(withCommandRecord(ctx, rec), cmd)
	if rec.done && rec.unsent {
		return fmt.Errorf("command %s done, its answer not sent: WhatsApp will deliver it again", in.ID)
	}
	if rec.done {
		return b.opts.Store.MarkAnswered(ctx, in.Party(), in.Alias, in.ID)
	}
	_, err := b.record(ctx, in)
	return err
}

// handleOwnerSelf runs a command (or previews a shortcut) from the self
// chat. The message is recorded with the command's first change, or after
// it, never before: see record.go.
func (b *Bot) handleOwnerSelf(ctx context.Context, m Message) error {
	now := b.Now()
	// The self chat may be addressed by phone number or LID: it is
	// recorded under the business's own number either way.
	in := Inbound{Chat: b.opts.Self, ID: m.ID, Kind: OwnerSelf, Sent: m.Sent, Received: now, OwnerActive: true}
	if dup, err := b.seen(ctx, in, m); err != nil || dup {
		return err
	}
	b.noteOwnerActive(now)
	text := strings.TrimSpace(m.Text)
	if IsCommand(text) {
		return b.runCommandOnce(ctx, in, CommandMessage{Chat: m.Chat, From: b.opts.Self, Text: text, At: now, Media: m.Media})
	}
	if strings.HasPrefix(text, "/") {
		b.previewShortcut(ctx, m.Chat, text, now)
	}
	_, err := b.record(ctx, in)
	return err
}

// IsCommand reports whether a text from the owner or an admin is a command
// for the bot: "!...", a pasted configuration document ("{..."), or one
// numbered part of a long answer pasted back ("(2/3)" and a new line: a
// long !export document comes in parts).
func IsCommand(text string) bool {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "!") || strings.HasPrefix(text, "{") {
		return true
	}
	_, _, _, ok := PartLabel(text)
	return ok
}

// PartLabel reads the "(k/n)" line SplitReply puts first in each part of a
// long answer, and returns what follows it.
func PartLabel(text string) (k, n int, rest string, ok bool) {
	label, rest, found := strings.Cut(text, "\n")
	if !found || !strings.HasPrefix(label, "(") || !strings.HasSuffix(label, ")") {
		return 0, 0, "", false
	}
	a, b, found := strings.Cut(label[1:len(label)-1], "/")
	k, errK := strconv.Atoi(a)
	n, errN := strconv.Atoi(b)
	if !found || errK != nil || errN != nil || k < 1 || k > n || n > MaxParts {
		return 0, 0, "", false
	}
	return k, n, rest, true
}

// MaxParts is the most parts a pasted-back answer may have: an !import
// document of at most 1 MB in parts of 4,000 characters.
const MaxParts = 300

// handleOwnerInChat notes the owner's activity in a customer chat and
// expands a shortcut typed there. The message is recorded after the
// expansion, so a crash in between expands it on redelivery (editing the
// message into the same text again shows nothing new); so is a file that
// could not be sent for want of a connection (the error is returned).
func (b *Bot) handleOwnerInChat(ctx context.Context, m Message) error {
	now := b.Now()
	customer, alias, err := b.canonical(ctx, m)
	if err != nil {
		return err
	}
	in := Inbound{Chat: m.Chat, ID: m.ID, Kind: OwnerInChat, Customer: customer, Alias: alias,
		Sent: m.Sent, Received: now, OwnerWrote: true, OwnerActive: true}
	if dup, err := b.seen(ctx, in, m); err != nil || dup {
		return err
	}
	b.noteOwnerActive(now)
	// Only a typed text is a shortcut: a photo captioned "/menu" is the
	// owner's own message and stays as it is.
	if text := strings.TrimSpace(m.Text); m.Media == nil && strings.HasPrefix(text, "/") {
		s, err := b.expandShortcut(ctx, m, customer, text, now)
		if err != nil {
			return err
		}
		if s != "" {
			in.Shortcut, in.ShortcutByOwner = s, true
		}
	}
	_, err = b.record(ctx, in)
	return err
}

func (b *Bot) noteOwnerActive(at time.Time) {
	b.mu.Lock()
	if at.After(b.ownerActive) {
		b.ownerActive = at
	}
	b.mu.Unlock()
}

func (b *Bot) runCommand(ctx context.Context, c CommandMessage) {
	if b.opts.Commands == nil {
		return
	}
	b.opts.Commands.Run(ctx, b, c)
}
