package bot

import (
	"context"
	"errors"
	"time"
)

// Messenger is the WhatsApp connection as the core sees it. The whatsmeow
// adapter and the replay fake implement it.
type Messenger interface {
	// SendText sends text to a 1:1 chat and returns the message's id. id,
	// when not empty, is the WhatsApp message id to send with (one
	// NewMessageID made): a resend with the same id is the same message to
	// the customer's phone, which keys messages by chat, sender and id.
	// Empty lets the transport choose one.
	SendText(ctx context.Context, to UserID, text, id string) (string, error)
	// NewMessageID returns a fresh WhatsApp message id. The bot records it
	// with the reply before sending, so a send interrupted by a crash is
	// repeated under the same id and shows once.
	NewMessageID() string
	// EditText edits the message id in chat (one the owner typed on the
	// phone) into text.
	EditText(ctx context.Context, chat UserID, id, text string) error
	// SendImage uploads a PNG and sends it with a caption.
	SendImage(ctx context.Context, to UserID, png []byte, caption string) (string, error)
}

// Directory finds the hidden ids (LIDs) WhatsApp uses for phone numbers.
// The bot asks it when someone writes by a LID it cannot place, so that an
// admin known only by phone number is recognised before any reply is
// decided. The whatsmeow adapter asks its LID store, then WhatsApp itself.
type Directory interface {
	// LIDsOf returns the LID of each phone number it can find; numbers
	// without one are left out.
	LIDsOf(ctx context.Context, pns []UserID) (map[UserID]UserID, error)
}

// ErrAccountLimited is returned (wrapped) by a Messenger when WhatsApp
// refuses a send because the account is banned for now or has hit a
// reach-out limit. The bot turns the kill switch on when it sees it.
var ErrAccountLimited = errors.New("whatsapp restricted the account")

// ErrNotSent is returned (wrapped) by a Messenger when the message certainly
// did not leave (not connected, connection refused, socket dropped): the
// bot keeps it queued and tries again with the same message id. Any other
// error may mean it went out; the bot then still never sends it under a
// new id.
var ErrNotSent = errors.New("not sent: no connection to WhatsApp")

// Clock tells the time. Production uses the system clock; replay and tests
// use a virtual one.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the real clock.
var SystemClock Clock = ClockFunc(time.Now)
