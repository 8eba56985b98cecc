package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// This file sends what carries more than text: a quick reply's or keyword
// answer's photo or document, the /where pin, and the owner's shortcut
// replaced by its media.

// mediaKeep is how long unreferenced media is kept before housekeeping
// prunes it: long enough that media kept by a command about to save the
// configuration that refers to it is never pruned in between.
const mediaKeep = 24 * time.Hour

// deliver sends one automatic message under its recorded id: text, or
// its attachment with the text as caption, and then the text that follows
// the attachment (Attachment.After) under its own recorded id. A resend
// after a crash or an outage sends both again under the same ids: the
// phone shows each once. The id returned is the first message's; sent is
// how many WhatsApp messages left, also on an error (the attachment may
// have left when the text after it failed): the pace limit counts them.
func (b *Bot) deliver(ctx context.Context, o Outgoing) (id string, sent int, err error) {
	a := o.Attachment
	if a == nil {
		id, err = b.opts.Messenger.SendText(ctx, o.Chat, o.Text, o.MsgID)
		return id, sentIf(err), err
	}
	caption, after, afterID := followUp(o)
	switch {
	case a.Media != nil:
		// The reference's own file name: the bytes are kept once, under
		// the name they were first kept with, whoever kept them since.
		m, lerr := b.LoadMedia(ctx, *a.Media)
		switch {
		case errors.Is(lerr, ErrNoMedia):
			// Never expected (pruning keeps what waiting messages refer
			// to); the caption still answers the customer. A file alone
			// is not replaced by an empty message: it fails.
			if caption == "" {
				caption, after, afterID = after, "", ""
			}
			if caption == "" {
				return "", 0, errFileGone
			}
			b.log.Warn("media of an automatic message is gone; sending its text", "chat", o.Chat.String())
			id, err = b.opts.Messenger.SendText(ctx, o.Chat, caption, o.MsgID)
		case lerr != nil:
			return "", 0, fmt.Errorf("%w: load media: %w", ErrNotSent, lerr)
		default:
			id, err = b.opts.Messenger.SendMedia(ctx, o.Chat, m, caption, o.MsgID)
		}
	case a.Pin != nil:
		pin := *a.Pin
		pin.Comment = ""
		id, err = b.opts.Messenger.SendLocation(ctx, o.Chat, pin, o.MsgID)
	default:
		id, err = b.opts.Messenger.SendText(ctx, o.Chat, o.Text, o.MsgID)
	}
	if err != nil || after == "" {
		return id, sentIf(err), err
	}
	if _, err := b.opts.Messenger.SendText(ctx, o.Chat, after, afterID); err != nil {
		return "", 1, fmt.Errorf("the text after the attachment: %w", err)
	}
	return id, 2, nil
}

// sentIf is 1 when a send's error says it went out, else 0. A send that
// failed in an uncertain way counts 0 here: the pace limit counts only
// what WhatsApp acknowledged.
func sentIf(err error) int {
	if err != nil {
		return 0
	}
	return 1
}

// errFileGone fails an automatic message that is only a file when the
// file is no longer kept: nothing is sent (never an empty message).
var errFileGone = errors.New("its file is no longer kept and it has no text")

// followUp splits o into the attachment's caption and the text that
// follows it with that text's id. A message queued before texts followed
// attachments (a pin with a comment, a caption over MaxCaption) gets the
// same treatment, under an id made from its own.
func followUp(o Outgoing) (caption, after, afterID string) {
	a := o.Attachment
	switch {
	case a == nil:
		return o.Text, "", ""
	case a.After != "":
		return o.Text, a.After, a.AfterID
	case o.Text != "" && (a.Pin != nil || a.Media != nil && CaptionLen(o.Text) > MaxCaption):
		return "", o.Text, derivedMessageID(o.Chat, "after\x00"+o.MsgID)
	}
	return o.Text, "", ""
}

// AllText is every text o sends: the caption or text, and the text that
// follows its attachment.
func (o Outgoing) AllText() string {
	caption, after, _ := followUp(o)
	switch {
	case after == "":
		return caption
	case caption == "":
		return after
	}
	return caption + "\n\n" + after
}

// messages is how many WhatsApp messages o goes out as: the pace limit
// counts each.
func (o Outgoing) messages() int {
	if _, after, _ := followUp(o); after != "" {
		return 2
	}
	return 1
}

// KeepMedia downloads, checks and keeps the media a command came with.
func (b *Bot) KeepMedia(ctx context.Context, in *InboundMedia) (MediaRef, error) {
	m, err := fetchMedia(ctx, in)
	if err != nil {
		return MediaRef{}, err
	}
	if err := b.opts.Store.SaveMedia(ctx, m); err != nil {
		return MediaRef{}, fmt.Errorf("keep media: %w", err)
	}
	return m.MediaRef, nil
}

// LoadMedia returns kept media under the file name ref gives it (a
// document's name is the reference's, not the store's).
func (b *Bot) LoadMedia(ctx context.Context, ref MediaRef) (Media, error) {
	m, err := b.opts.Store.LoadMedia(ctx, ref.SHA256)
	if err != nil {
		return Media{}, err
	}
	if ref.FileName != "" {
		m.FileName = ref.FileName
	}
	return m, nil
}

// HasMedia says whether the media ref names is kept, without reading it.
func (b *Bot) HasMedia(ctx context.Context, ref MediaRef) (bool, error) {
	return b.opts.Store.HasMedia(ctx, ref.SHA256)
}

// SayMedia sends kept media with a caption to the owner or an admin.
func (b *Bot) SayMedia(ctx context.Context, chat UserID, ref MediaRef, caption string) error {
	m, err := b.LoadMedia(ctx, ref)
	if err != nil {
		return fmt.Errorf("send media to %s: %w", chat, err)
	}
	if _, err := b.opts.Messenger.SendMedia(ctx, chat, m, caption, ""); err != nil {
		return fmt.Errorf("send media to %s: %w", chat, err)
	}
	return nil
}

// replaceWithAttachment sends the attachment (with text as caption) in
// place of the owner's typed shortcut and then deletes the typed text for
// everyone: the text goes only once what replaces it went out, so a
// failed send never leaves the customer with a bare "message deleted". It
// goes as an automatic message does (deliver): a pin carries no text, and
// a caption a phone would not show whole (over MaxCaption) is not cut:
// the text then goes as a text message right after. The ids of what is
// sent come from the owner's message id, so a redelivery after a crash or
// a failure sends each again as the same message, which the customer's
// phone shows once; deleting twice is harmless.
func (b *Bot) replaceWithAttachment(ctx context.Context, m Message, a Attachment, text string) error {
	o := Outgoing{Chat: m.Chat, Text: text, MsgID: derivedMessageID(m.Chat, m.ID), Attachment: &a}
	if a.Pin != nil || CaptionLen(text) > MaxCaption {
		o.Text, a.After, a.AfterID = "", text, derivedMessageID(m.Chat, "after\x00"+m.ID)
	}
	if _, _, err := b.deliver(ctx, o); err != nil {
		return err
	}
	if err := b.opts.Messenger.Revoke(ctx, m.Chat, m.ID); err != nil {
		return fmt.Errorf("%w: %w", errTypedNotDeleted, err)
	}
	return nil
}

// errTypedNotDeleted: what replaces the owner's typed shortcut went out,
// but the typed text could not be deleted.
var errTypedNotDeleted = errors.New("sent, but the typed shortcut could not be deleted")

// derivedMessageID is a message id in WhatsApp Web's form ("3EB0" and 18
// hex digits) made from the owner's message: the same message always
// gives the same id.
func derivedMessageID(chat UserID, id string) string {
	sum := sha256.Sum256([]byte("frontdesk replace\x00" + string(chat) + "\x00" + id))
	return "3EB0" + strings.ToUpper(hex.EncodeToString(sum[:9]))
}

// wherePin is the /where pin, when a location is set.
func (v view) wherePin() *Pin {
	p := v.cfg.Profile
	if p.Location == nil {
		return nil
	}
	return &Pin{Location: *p.Location, Name: p.Name, Address: p.Address}
}
