package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// This file is the core's border: every interface the core uses or offers
// across it, and every error an implementation must return. The whatsmeow
// adapter (bot/whatsapp) and the replay fake (bot/replay) implement
// Messenger and Directory, package storage implements Store, package
// commands implements Commander against the Business view, and the suites
// in bot/porttest check each implementation against these contracts.

// Sentinel errors. An implementation wraps its own error with the one that
// says what happened, keeping its own in the chain:
// fmt.Errorf("%w: %w", bot.ErrNotSent, err).

// ErrDuplicate is returned by Store.RecordInbound (and by the saves that
// record a command message) when the message was already recorded for the
// same party (the customer under either identity, or the business's own
// chat) and id: it has been decided before and must not be again.
var ErrDuplicate = errors.New("message already recorded")

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
	// SendMedia uploads a stored image or document and sends it with a
	// caption, under id as SendText does: a send interrupted during the
	// upload or after it is repeated under the same id and shows once.
	SendMedia(ctx context.Context, to UserID, m Media, caption, id string) (string, error)
	// SendLocation sends a location pin under id (as SendText).
	SendLocation(ctx context.Context, to UserID, pin Pin, id string) (string, error)
	// Revoke deletes message id in chat for everyone: one the owner typed
	// on the phone (the bot is a device of the same account). Revoking a
	// message already revoked is not an error.
	Revoke(ctx context.Context, chat UserID, id string) error
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

// ErrEditWindow is returned (wrapped) by Messenger.EditText when the
// message is older than WhatsApp's edit window (EditWindow).
var ErrEditWindow = errors.New("message is too old to edit (WhatsApp allows 20 minutes)")

// Store is the bot's persistent state. Every method is one transaction;
// storage implements it on SQLite, and the contract suite in bot/porttest
// is what any implementation must pass.
type Store interface {
	// LoadConfig returns the saved configuration; ok is false when none
	// was ever saved.
	LoadConfig(ctx context.Context) (cfg Config, ok bool, err error)
	// SaveConfig saves cfg. rec, when not nil, is the owner's command
	// message that made the change: it is recorded in the same
	// transaction, so a command interrupted by a crash is either wholly
	// done (and its redelivery a duplicate) or not at all. A rec recorded
	// before gives ErrDuplicate and saves nothing.
	SaveConfig(ctx context.Context, cfg Config, rec *Inbound) error

	LoadKillSwitch(ctx context.Context) (KillSwitch, error)
	// SaveKillSwitch saves k; when k stops messages it also discards every
	// pending outgoing message in the same transaction and says how many.
	// rec is as for SaveConfig.
	SaveKillSwitch(ctx context.Context, k KillSwitch, rec *Inbound) (discarded int, err error)

	// DigestSent is when the weekly digest last went out (zero: never).
	DigestSent(ctx context.Context) (time.Time, error)
	SetDigestSent(ctx context.Context, at time.Time) error

	// OwnerActive is the last moment the owner did something from the phone
	// (zero if never).
	OwnerActive(ctx context.Context) (time.Time, error)
	SetOwnerActive(ctx context.Context, at time.Time) error

	// LinkIdentity remembers that lid and pn are the same person.
	LinkIdentity(ctx context.Context, lid, pn UserID) error
	// PhoneForLID and LIDForPhone return "" when the mapping is unknown.
	PhoneForLID(ctx context.Context, lid UserID) (UserID, error)
	LIDForPhone(ctx context.Context, pn UserID) (UserID, error)

	// Customer returns what is remembered about a customer; a customer never
	// seen comes back with only ID set.
	Customer(ctx context.Context, id UserID) (Customer, error)
	// MarkKnown records customers found in the chat history at linking.
	MarkKnown(ctx context.Context, ids []UserID, at time.Time) error

	// RecordInbound is the per-message transaction: it records (Chat, ID),
	// applies the customer and owner updates, and queues the reply, all or
	// nothing. It returns ErrDuplicate, having changed nothing, when the
	// message was recorded before. The reply is queued "pending", or
	// already claimed when its Status is "sending" (as MarkSending would);
	// RecordInbound sets its ID.
	RecordInbound(ctx context.Context, in Inbound) error
	// Recorded says whether message msgID was recorded for the party known
	// as id or as alias (alias may be empty), and for a command recorded
	// AwaitsAnswer, whether its answer went out and what it was.
	Recorded(ctx context.Context, id, alias UserID, msgID string) (Recorded, error)
	// SaveAnswer keeps parts, after any kept before, as the answer to a
	// command message that awaits it, before they are sent.
	SaveAnswer(ctx context.Context, id, alias UserID, msgID string, parts []AnswerPart) error
	// MarkAnswered records that the answer to a command message went out
	// and drops the kept answer.
	MarkAnswered(ctx context.Context, id, alias UserID, msgID string) error

	// PendingOutgoing returns up to limit queued messages, customers
	// taking turns: each customer's oldest first, then each one's second,
	// and so on, in the order they were queued.
	PendingOutgoing(ctx context.Context, limit int) ([]Outgoing, error)
	// PendingByCustomer counts the messages waiting or being sent, per
	// customer.
	PendingByCustomer(ctx context.Context) (map[UserID]int, error)
	// ResumeInterrupted puts messages a crash left "sending" back in the
	// queue under their message id, and returns them in outbox order.
	ResumeInterrupted(ctx context.Context) ([]Resumed, error)
	// MarkSending claims a pending message before it is handed to WhatsApp.
	MarkSending(ctx context.Context, id int64) error
	// ReleaseSending puts a claimed message back in the queue, in its
	// original place, after a send that certainly did not go out.
	ReleaseSending(ctx context.Context, id int64) error
	MarkSent(ctx context.Context, id int64, msgID string, at time.Time) error
	MarkFailed(ctx context.Context, id int64, reason string) error
	// SentSince counts automatic messages sent at or after t (for pacing).
	SentSince(ctx context.Context, t time.Time) (int, error)
	// RecentSent returns the last n sent automatic messages, newest first.
	RecentSent(ctx context.Context, n int) ([]Outgoing, error)

	// RecordShortcutUse counts one use of a quick reply's shortcut.
	RecordShortcutUse(ctx context.Context, shortcut string, byOwner bool, at time.Time) error
	// ShortcutUses sums uses at or after since, by shortcut.
	ShortcutUses(ctx context.Context, since time.Time) (map[string]ShortcutUses, error)

	// Forget deletes every row about the given identities of one customer
	// (and of each identity's linked other one) and returns how many rows
	// went.
	Forget(ctx context.Context, ids []UserID) (int64, error)

	Retainer
	StatsReader
	MediaStore

	Close() error
}

// MediaStore keeps the images and documents quick replies and keyword
// answers carry, by their SHA-256: the same bytes are kept once.
type MediaStore interface {
	// SaveMedia keeps m (nothing changes when it is kept already).
	SaveMedia(ctx context.Context, m Media) error
	// LoadMedia returns the media kept under sha256, or ErrNoMedia.
	LoadMedia(ctx context.Context, sha256 string) (Media, error)
	// HasMedia says whether media is kept under sha256, without reading
	// its bytes.
	HasMedia(ctx context.Context, sha256 string) (bool, error)
	// PruneMedia deletes media kept before "before" that neither the saved
	// configuration nor a message waiting in the outbox refers to, and
	// says how many went. A store whose media is shared with other
	// stores (several businesses in one database) keeps what any of them
	// refers to.
	PruneMedia(ctx context.Context, before time.Time) (int, error)
}

// ErrNoMedia is returned (wrapped) by MediaStore.LoadMedia when nothing is
// kept under the key.
var ErrNoMedia = errors.New("no such media kept")

// Retainer prunes what is kept only for a while: per-message records and
// normalised questions from before "before", and finished outbox rows.
// Waiting and sending messages are never touched.
type Retainer interface {
	Retain(ctx context.Context, before time.Time) error
}

// StatsReader answers !stats and the weekly digest from what the
// per-message path records (never message texts).
type StatsReader interface {
	// Activity reads, as aggregates, what happened in customer chats in
	// the period q gives (see ActivityQuery). Its cost grows with the
	// number of messages in the period, its answer does not (but for the
	// answered waits).
	Activity(ctx context.Context, q ActivityQuery) (Activity, error)
}

// Commander runs owner and admin commands ("!..." text). The commands
// package implements it; the bot hands it every command message, and the
// command acts on the business only through the Business view.
type Commander interface {
	Run(ctx context.Context, b Business, c CommandMessage)
}

// CommandMessage is one command as received.
type CommandMessage struct {
	// Chat is where the command came from; answers go there.
	Chat UserID
	// From is who sent it: the owner's own id, or the admin's phone number.
	From UserID
	// Admin is true for a team member rather than the owner.
	Admin bool
	Text  string
	At    time.Time
	// Media is the photo or document the command came with (its text
	// was the caption), or nil.
	Media *InboundMedia
}

// Business is what commands (and the weekly digest) may do with the
// running bot: read and change the configuration, the schedule and the
// kill switch, say things to the owner, and read what was recorded. It is
// all they get: no store, no transport. *Bot implements it.
type Business interface {
	Now() time.Time
	// Self is the business's own number.
	Self() UserID
	Log() *slog.Logger

	// Config returns a copy of the configuration in force.
	Config() Config
	// UpdateConfig applies change to a copy, validates the result once,
	// saves it and only then makes it current; on any error nothing
	// changes.
	UpdateConfig(ctx context.Context, change func(*Config) error) error
	Schedule() Schedule
	KillSwitch() KillSwitch
	SetKillSwitch(ctx context.Context, k KillSwitch) (Stopped, error)
	// Simulate decides what a customer writing text at "at" would get;
	// it sends and records nothing.
	Simulate(s Simulation) Decision

	// Say sends text to the owner or an admin at once (split into numbered
	// parts when long); SayImage sends a PNG with a caption. Neither is an
	// automatic message: no pacing, no kill switch.
	Say(ctx context.Context, chat UserID, text string) error
	SayImage(ctx context.Context, chat UserID, png []byte, caption string) error
	// KeepMedia downloads the photo or document a command came with,
	// checks it (at most MaxMediaBytes; JPEG, PNG, WebP or PDF by its
	// first bytes) and keeps it, before the configuration refers to it.
	KeepMedia(ctx context.Context, in *InboundMedia) (MediaRef, error)
	// LoadMedia returns kept media (ErrNoMedia when it is not kept).
	LoadMedia(ctx context.Context, ref MediaRef) (Media, error)
	// HasMedia says whether the media ref names is kept, without reading
	// its bytes.
	HasMedia(ctx context.Context, ref MediaRef) (bool, error)
	// SayMedia sends kept media with a caption to the owner or an admin.
	SayMedia(ctx context.Context, chat UserID, ref MediaRef, caption string) error

	// Read models.
	RecentSent(ctx context.Context, n int) ([]Outgoing, error)
	ShortcutUses(ctx context.Context, since time.Time) (map[string]ShortcutUses, error)
	Activity(ctx context.Context, q ActivityQuery) (Activity, error)
	// Forget deletes everything stored about a customer (under both of
	// their identities) and says how many records went.
	Forget(ctx context.Context, id UserID) (int64, error)
}
