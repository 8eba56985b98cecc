package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot"
)

// ErrEditWindow is returned by EditText when the message is older than
// WhatsApp's edit window (whatsmeow.EditWindow, 20 minutes).
var ErrEditWindow = errors.New("message is too old to edit (WhatsApp allows 20 minutes)")

// ErrNotConnected is returned (wrapped with bot.ErrNotSent) by sends while
// WhatsApp cannot be reached.
var ErrNotConnected = errors.New("not connected to WhatsApp")

// ErrNotLinked is returned (wrapped with bot.ErrNotSent) by sends while no
// account is linked.
var ErrNotLinked = errors.New("not linked to WhatsApp")

// limitedCodes are the error codes in a send's server ack that mean the
// account is restricted. whatsmeow surfaces them only as
// "server returned error N" (ErrServerReturnedError, send.go). 463 is the
// reach-out time-lock ("NackCallerReachoutTimelocked": the account may not
// start conversations for a while; whatsmeow issues #1074, #1197). A
// temporary ban is not a send error: it arrives as events.TemporaryBan on
// connect (code 402), and sends meanwhile fail with ErrAccountLimited too.
var limitedCodes = map[int]bool{463: true}

// connectWait is how long a send waits for a dropped connection to return.
const connectWait = 10 * time.Second

var _ bot.Messenger = (*Adapter)(nil)

// NewMessageID makes a message id in WhatsApp Web's own form.
func (a *Adapter) NewMessageID() string {
	return a.cur.Load().cli.GenerateMessageID()
}

// SendText sends text to a 1:1 chat, under id when it is not empty, and
// returns the message's id.
func (a *Adapter) SendText(ctx context.Context, to bot.UserID, text, id string) (string, error) {
	jid, err := JID(to)
	if err != nil {
		return "", fmt.Errorf("send text: %w", err)
	}
	cli, err := a.ready(ctx)
	if err != nil {
		return "", fmt.Errorf("send text to %s: %w", to, err)
	}
	resp, err := cli.SendMessage(ctx, jid, &waE2E.Message{Conversation: proto.String(text)}, whatsmeow.SendRequestExtra{ID: id})
	if err != nil {
		return "", fmt.Errorf("send text to %s: %w", to, mapSendError(err))
	}
	return resp.ID, nil
}

// EditText edits message id in chat (one the owner typed on the phone) into
// text. chat must be the chat exactly as the message was addressed (by
// phone number or LID), as bot.Message.Chat keeps it.
func (a *Adapter) EditText(ctx context.Context, chat bot.UserID, id, text string) error {
	jid, err := JID(chat)
	if err != nil {
		return fmt.Errorf("edit message: %w", err)
	}
	if id == "" {
		return errors.New("edit message: no message id")
	}
	if sent, ok := a.edits.sentAt(chat, id); ok && time.Since(sent) > whatsmeow.EditWindow {
		return fmt.Errorf("edit message %s in %s: %w", id, chat, ErrEditWindow)
	}
	cli, err := a.ready(ctx)
	if err != nil {
		return fmt.Errorf("edit message %s in %s: %w", id, chat, err)
	}
	edit := cli.BuildEdit(jid, id, &waE2E.Message{Conversation: proto.String(text)})
	if _, err := cli.SendMessage(ctx, jid, edit); err != nil {
		return fmt.Errorf("edit message %s in %s: %w", id, chat, mapSendError(err))
	}
	return nil
}

// SendImage uploads a PNG and sends it with a caption.
func (a *Adapter) SendImage(ctx context.Context, to bot.UserID, png []byte, caption string) (string, error) {
	jid, err := JID(to)
	if err != nil {
		return "", fmt.Errorf("send image: %w", err)
	}
	if len(png) == 0 {
		return "", errors.New("send image: empty image")
	}
	cli, err := a.ready(ctx)
	if err != nil {
		return "", fmt.Errorf("send image to %s: %w", to, err)
	}
	up, err := cli.Upload(ctx, png, whatsmeow.MediaImage)
	if err != nil {
		return "", fmt.Errorf("upload image: %w", mapUploadError(err))
	}
	msg := &waE2E.Message{ImageMessage: imageMessage(up, "image/png", caption)}
	resp, err := cli.SendMessage(ctx, jid, msg)
	if err != nil {
		return "", fmt.Errorf("send image to %s: %w", to, mapSendError(err))
	}
	return resp.ID, nil
}

// ready returns the client once it is logged in and its socket is up,
// waiting a little for a dropped connection to come back. Not being ready
// is bot.ErrNotSent: nothing was written. During a temporary ban it refuses
// with bot.ErrAccountLimited.
func (a *Adapter) ready(ctx context.Context) (*whatsmeow.Client, error) {
	if a.banned() {
		return nil, fmt.Errorf("%w: temporary ban", bot.ErrAccountLimited)
	}
	c := a.cur.Load()
	if c.cli.Store.ID == nil {
		return nil, fmt.Errorf("%w: %w", bot.ErrNotSent, ErrNotLinked)
	}
	deadline := time.Now().Add(connectWait)
	// IsLoggedIn stays true after the socket drops; c.online follows the
	// socket (see conn.online for why not IsConnected).
	for waited := false; !c.online.Load() || !c.cli.IsLoggedIn(); waited = true {
		if !waited {
			a.log.Info("send waits for the connection to WhatsApp", "wait", connectWait.String())
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w: %w", bot.ErrNotSent, ErrNotConnected)
		}
		if !sleepCtx(ctx, 100*time.Millisecond) {
			return nil, fmt.Errorf("%w: %w: %w", bot.ErrNotSent, ErrNotConnected, ctx.Err())
		}
	}
	return c.cli, nil
}

// editMemory remembers when the owner's recent messages were sent, so an
// edit past WhatsApp's window fails with a clear error instead of a silent
// server refusal. It keeps a bounded number of entries.
type editMemory struct {
	mu    sync.Mutex
	sent  map[string]time.Time
	order []string
}

const editMemorySize = 512

func (e *editMemory) init() { e.sent = make(map[string]time.Time) }

func (e *editMemory) remember(chat bot.UserID, id string, sent time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := string(chat) + "/" + id
	if _, ok := e.sent[k]; !ok {
		e.order = append(e.order, k)
		if len(e.order) > editMemorySize {
			delete(e.sent, e.order[0])
			e.order = e.order[1:]
		}
	}
	e.sent[k] = sent
}

func (e *editMemory) sentAt(chat bot.UserID, id string) (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.sent[string(chat)+"/"+id]
	return t, ok
}
