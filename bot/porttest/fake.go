package porttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"frontdesk/bot"
)

// Kind is what a recorded send was.
type Kind int

// The kinds of send.
const (
	Text Kind = iota
	Edit
	Image
	// MediaMsg is a kept photo or document (SendMedia).
	MediaMsg
	// LocationMsg is a location pin.
	LocationMsg
	// Revoke deletes a message for everyone.
	Revoke
)

// Sent is one call the bot made on the fake Messenger.
type Sent struct {
	Kind Kind
	To   bot.UserID
	// Text is the message, an edit's new text or an image's caption.
	Text string
	// ID is the message id sent under (the edited message's, for an edit).
	ID  string
	PNG []byte
	// Media is what SendMedia sent; Pin what SendLocation sent (Text is
	// then the pin's comment).
	Media *bot.Media
	Pin   *bot.Pin
}

// String is "chat: text", the form tests compare.
func (s Sent) String() string { return s.To.String() + ": " + s.Text }

// ErrOffline is what the fake answers while offline.
var ErrOffline = fmt.Errorf("porttest: offline: %w", bot.ErrNotSent)

// Messenger is the recording fake bot.Messenger that tests share. It keeps
// every send in order, shows each chat's messages as a phone would (by
// id), and can be taken offline, made to fail, or made to hold a send in
// flight. The zero value is ready; it is safe for concurrent use.
type Messenger struct {
	mu      sync.Mutex
	seq     int
	offline bool
	sent    []Sent
	shown   map[bot.UserID][]Shown

	// Fail, when set, decides the error of each send before it is made
	// (nil: the send goes through).
	Fail func(Sent) error
	// Hold, when set, is called before each send without the lock held:
	// tests block a send in flight with it.
	Hold func(Sent)
}

var _ bot.Messenger = (*Messenger)(nil)

// SetOffline drops (true) or restores (false) the connection.
func (m *Messenger) SetOffline(off bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offline = off
}

// NewMessageID hands out "FAKE1", "FAKE2", ...
func (m *Messenger) NewMessageID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	return fmt.Sprintf("FAKE%d", m.seq)
}

func (m *Messenger) send(ctx context.Context, s Sent) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	m.mu.Lock()
	hold, fail := m.Hold, m.Fail
	m.mu.Unlock()
	if hold != nil {
		hold(s)
	}
	if fail != nil {
		if err := fail(s); err != nil {
			return "", err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.offline {
		return "", ErrOffline
	}
	if s.To == "" {
		return "", errors.New("porttest: send to an empty chat")
	}
	if s.ID == "" {
		m.seq++
		s.ID = fmt.Sprintf("FAKE%d", m.seq)
	}
	m.sent = append(m.sent, s)
	if m.shown == nil {
		m.shown = map[bot.UserID][]Shown{}
	}
	shown := m.shown[s.To]
	for i := range shown {
		if shown[i].ID == s.ID {
			switch s.Kind {
			case Edit:
				shown[i].Text = s.Text
			case Revoke:
				shown[i] = Shown{ID: s.ID, Deleted: true}
			}
			return s.ID, nil
		}
	}
	sh := Shown{ID: s.ID, Text: s.Text, Deleted: s.Kind == Revoke}
	if s.Kind == Revoke {
		sh.Text = ""
	}
	if s.Media != nil {
		sh.Media = s.Media.SHA256
		sh.FileName = s.Media.FileName
	}
	if s.Pin != nil {
		sh.Pin = s.Pin.Location.String()
	}
	m.shown[s.To] = append(shown, sh)
	return s.ID, nil
}

// SendText records a text message.
func (m *Messenger) SendText(ctx context.Context, to bot.UserID, text, id string) (string, error) {
	return m.send(ctx, Sent{Kind: Text, To: to, Text: text, ID: id})
}

// EditText records an edit of message id in chat.
func (m *Messenger) EditText(ctx context.Context, chat bot.UserID, id, text string) error {
	if id == "" {
		return errors.New("porttest: edit of an empty message id")
	}
	_, err := m.send(ctx, Sent{Kind: Edit, To: chat, Text: text, ID: id})
	return err
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// SendImage records an image with its caption; it must be a PNG.
func (m *Messenger) SendImage(ctx context.Context, to bot.UserID, png []byte, caption string) (string, error) {
	if !bytes.HasPrefix(png, pngMagic) {
		return "", errors.New("porttest: image is not a PNG")
	}
	return m.send(ctx, Sent{Kind: Image, To: to, Text: caption, PNG: png})
}

// SendMedia records kept media with its caption; its bytes must be what
// its reference says.
func (m *Messenger) SendMedia(ctx context.Context, to bot.UserID, md bot.Media, caption, id string) (string, error) {
	if err := checkMedia(md); err != nil {
		return "", err
	}
	return m.send(ctx, Sent{Kind: MediaMsg, To: to, Text: caption, ID: id, Media: &md})
}

// checkMedia refuses media whose bytes do not match its reference.
func checkMedia(md bot.Media) error {
	got, err := bot.NewMedia(md.Data, md.FileName)
	switch {
	case err != nil:
		return fmt.Errorf("porttest: media refused: %w", err)
	case got.SHA256 != md.SHA256 || got.Mime != md.Mime:
		return fmt.Errorf("porttest: media bytes are %s %s, the reference says %s %s", got.Mime, got.SHA256, md.Mime, md.SHA256)
	}
	return nil
}

// SendLocation records a location pin (Text is its comment).
func (m *Messenger) SendLocation(ctx context.Context, to bot.UserID, pin bot.Pin, id string) (string, error) {
	if err := bot.ValidLocation(pin.Location); err != nil {
		return "", fmt.Errorf("porttest: %w", err)
	}
	return m.send(ctx, Sent{Kind: LocationMsg, To: to, Text: pin.Comment, ID: id, Pin: &pin})
}

// Revoke records the deletion of message id in chat.
func (m *Messenger) Revoke(ctx context.Context, chat bot.UserID, id string) error {
	if id == "" {
		return errors.New("porttest: revoke of an empty message id")
	}
	_, err := m.send(ctx, Sent{Kind: Revoke, To: chat, ID: id})
	return err
}

// Take returns the sends recorded since the last Take, in order.
func (m *Messenger) Take() []Sent {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sent
	m.sent = nil
	return s
}

// TakeTexts is Take as "chat: text" strings.
func (m *Messenger) TakeTexts() []string {
	var out []string
	for _, s := range m.Take() {
		out = append(out, s.String())
	}
	return out
}

// Shown returns what chat's phone shows, oldest first.
func (m *Messenger) Shown(chat bot.UserID) []Shown {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Shown(nil), m.shown[chat]...)
}

// Harness makes m a MessengerHarness for RunMessenger.
func (m *Messenger) Harness(to bot.UserID) MessengerHarness {
	return MessengerHarness{
		M: m, To: to,
		SetOnline: func(on bool) { m.SetOffline(!on) },
		Shown:     func(*testing.T, int) []Shown { return m.Shown(to) },
	}
}

// Output is a bytes.Buffer safe for concurrent writers: what a component
// writes to the terminal or log while a test reads it.
type Output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}
