package bot

import (
	"context"
	"errors"
	"time"
)

// Messenger is the WhatsApp connection as the core sees it. The whatsmeow
// adapter and the replay fake implement it.
type Messenger interface {
	// SendText sends text to a 1:1 chat and returns the new message's id.
	SendText(ctx context.Context, to UserID, text string) (string, error)
	// EditText edits the message id in chat (one the owner typed on the
	// phone) into text.
	EditText(ctx context.Context, chat UserID, id, text string) error
	// SendImage uploads a PNG and sends it with a caption.
	SendImage(ctx context.Context, to UserID, png []byte, caption string) (string, error)
}

// ErrAccountLimited is returned (wrapped) by a Messenger when WhatsApp
// refuses a send because the account is banned for now or has hit a
// reach-out limit. The bot turns the kill switch on when it sees it.
var ErrAccountLimited = errors.New("whatsapp restricted the account")

// ErrNotSent is returned (wrapped) by a Messenger when the message certainly
// did not leave (not connected): the bot keeps it queued and tries again.
// Any other error may mean it went out, so the bot never resends then.
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
