package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"frontdesk/bot"
)

// ErrOffline is what the fake connection answers to every send between
// `offline` and `online`: the bot must keep the message and retry later,
// so it wraps bot.ErrNotSent.
var ErrOffline = fmt.Errorf("replay: the connection is offline: %w", bot.ErrNotSent)

// OutputKind is what kind of send an Output was.
type OutputKind int

// The kinds of output.
const (
	OutText OutputKind = iota
	OutEdit
	OutImage
	OutDocument
	OutLocation
	// OutDelete deletes a message for everyone (the owner's typed
	// shortcut replaced by media).
	OutDelete
)

func (k OutputKind) String() string {
	switch k {
	case OutEdit:
		return "edit"
	case OutImage:
		return "image"
	case OutDocument:
		return "document"
	case OutLocation:
		return "location"
	case OutDelete:
		return "delete"
	default:
		return "text"
	}
}

// Output is one thing the bot sent, as the fake server saw it.
type Output struct {
	Kind OutputKind
	Chat bot.UserID
	// Text is the message, the new text of an edit, or an image's or
	// document's caption; for a location, the coordinates, name, address
	// and comment, one a line.
	Text string
	// Media is a photo's or document's SHA-256 (SendMedia), FileName a
	// document's name; Pin a location's "lat,long" and Comment its comment.
	Media, FileName string
	Pin, Comment    string
	// ID is the new message's id (text, image) or the edited message's id.
	ID string
	// At is the virtual time of the send.
	At time.Time
}

// Messenger is the fake WhatsApp connection: it records every send in
// order and fails them all while offline. It implements bot.Messenger.
type Messenger struct {
	clock bot.Clock

	mu      sync.Mutex
	prefix  string
	seq     int
	offline bool
	outputs []Output
	// lids are the LIDs of phone numbers, as WhatsApp's directory would
	// give them (the scenario's "lid:... ~ +..." lines).
	lids  map[bot.UserID]bot.UserID
	taken int
}

var (
	_ bot.Messenger = (*Messenger)(nil)
	_ bot.Directory = (*Messenger)(nil)
)

// NewMessenger returns a connected fake whose sends are stamped by clock.
// prefix makes the message ids it hands out unique across runs sharing one
// database.
func NewMessenger(clock bot.Clock, prefix string) *Messenger {
	return &Messenger{clock: clock, prefix: prefix}
}

// SetOffline drops (true) or restores (false) the connection.
func (m *Messenger) SetOffline(off bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offline = off
}

// Take returns the outputs recorded since the last call, in order.
func (m *Messenger) Take() []Output {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]Output(nil), m.outputs[m.taken:]...)
	m.taken = len(m.outputs)
	return out
}

func (m *Messenger) record(o Output) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.offline {
		return "", ErrOffline
	}
	if o.Chat == "" {
		return "", errors.New("replay: send to an empty chat")
	}
	if o.ID == "" {
		o.ID = m.nextID()
	} else if o.Kind != OutEdit && o.Kind != OutDelete && m.sentBefore(o.Chat, o.ID) {
		// A resend under the same id (after a crash) is the same message
		// to the customer's phone: it shows once.
		return o.ID, nil
	}
	o.At = m.clock.Now()
	m.outputs = append(m.outputs, o)
	return o.ID, nil
}

// sentBefore reports whether a message went to chat under id. m.mu held.
func (m *Messenger) sentBefore(chat bot.UserID, id string) bool {
	for _, o := range m.outputs {
		if o.Chat == chat && o.ID == id && o.Kind != OutEdit && o.Kind != OutDelete {
			return true
		}
	}
	return false
}

// SendText records a text message.
func (m *Messenger) SendText(ctx context.Context, to bot.UserID, text, id string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return m.record(Output{Kind: OutText, Chat: to, Text: text, ID: id})
}

// NewMessageID hands out the next id of this run.
func (m *Messenger) NewMessageID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.nextID()
}

func (m *Messenger) nextID() string {
	m.seq++
	return fmt.Sprintf("%sOUT%d", m.prefix, m.seq)
}

// EditText records an edit of message id in chat.
func (m *Messenger) EditText(ctx context.Context, chat bot.UserID, id, text string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return errors.New("replay: edit of an empty message id")
	}
	_, err := m.record(Output{Kind: OutEdit, Chat: chat, Text: text, ID: id})
	return err
}

// pngMagic starts every PNG file; an image that lacks it would be refused
// by WhatsApp, so the fake refuses it too.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// SendImage records an image with its caption.
func (m *Messenger) SendImage(ctx context.Context, to bot.UserID, png []byte, caption string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if !bytes.HasPrefix(png, pngMagic) {
		return "", errors.New("replay: image is not a PNG")
	}
	return m.record(Output{Kind: OutImage, Chat: to, Text: caption})
}

// SendMedia records a kept photo (as an image) or document with its
// caption, after checking its bytes are what its reference names.
func (m *Messenger) SendMedia(ctx context.Context, to bot.UserID, md bot.Media, caption, id string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	got, err := bot.NewMedia(md.Data, md.FileName)
	if err != nil || got.SHA256 != md.SHA256 {
		return "", fmt.Errorf("replay: media bytes do not match their reference %s", md.SHA256)
	}
	kind := OutDocument
	if md.IsImage() {
		kind = OutImage
	}
	return m.record(Output{Kind: kind, Chat: to, Text: caption, ID: id, Media: md.SHA256, FileName: md.FileName})
}

// SendLocation records a location pin.
func (m *Messenger) SendLocation(ctx context.Context, to bot.UserID, pin bot.Pin, id string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := bot.ValidLocation(pin.Location); err != nil {
		return "", fmt.Errorf("replay: %w", err)
	}
	var lines []string
	for _, l := range []string{pin.Location.String(), pin.Name, pin.Address, pin.Comment} {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return m.record(Output{Kind: OutLocation, Chat: to, Text: strings.Join(lines, "\n"), ID: id, Pin: pin.Location.String(), Comment: pin.Comment})
}

// Revoke records the deletion of message id in chat.
func (m *Messenger) Revoke(ctx context.Context, chat bot.UserID, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return errors.New("replay: delete of an empty message id")
	}
	_, err := m.record(Output{Kind: OutDelete, Chat: chat, ID: id})
	return err
}

// Link makes lid the LID of phone number pn for LIDsOf.
func (m *Messenger) Link(lid, pn bot.UserID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lids == nil {
		m.lids = map[bot.UserID]bot.UserID{}
	}
	m.lids[pn] = lid
}

// LIDsOf returns the LIDs linked so far.
func (m *Messenger) LIDsOf(ctx context.Context, pns []bot.UserID) (map[bot.UserID]bot.UserID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[bot.UserID]bot.UserID{}
	for _, pn := range pns {
		if lid, ok := m.lids[pn]; ok {
			out[pn] = lid
		}
	}
	return out, nil
}
