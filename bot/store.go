package bot

import (
	"context"
	"errors"
	"time"
)

// ErrDuplicate is returned by Store.RecordInbound (and by the saves that
// record a command message) when the message was already recorded for the
// same party (the customer under either identity, or the business's own
// chat) and id: it has been decided before and must not be again.
var ErrDuplicate = errors.New("message already recorded")

// Store is the bot's persistent state. Every method is one transaction;
// storage implements it on SQLite, and bot/storetest is the contract suite
// any implementation must pass.
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
	// message was recorded before.
	RecordInbound(ctx context.Context, in Inbound) error
	// Recorded reports whether message msgID was recorded for the party
	// known as id or as alias (alias may be empty).
	Recorded(ctx context.Context, id, alias UserID, msgID string) (bool, error)

	// PendingOutgoing returns up to limit queued messages, customers
	// taking turns: each customer's oldest first, then each one's second,
	// and so on, in the order they were queued.
	PendingOutgoing(ctx context.Context, limit int) ([]Outgoing, error)
	// PendingByCustomer counts the messages waiting or being sent, per
	// customer.
	PendingByCustomer(ctx context.Context) (map[UserID]int, error)
	// ResumeInterrupted puts messages a crash left "sending" back in the
	// queue under their message id, and says how many.
	ResumeInterrupted(ctx context.Context) (int, error)
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
	// and returns how many rows went.
	Forget(ctx context.Context, ids []UserID) (int64, error)

	Close() error
}

// Customer is what the bot remembers about one customer, keyed by the
// canonical identity (the phone number when known, else the LID).
type Customer struct {
	ID   UserID
	Name string
	// Known: found in the chat history at linking.
	Known bool
	// LastInbound is the customer's last message in the chat (zero: never).
	LastInbound time.Time
	// AwayPeriod is the start of the closed period in which the customer
	// last got the away message (zero: never).
	AwayPeriod time.Time
	// OwnerWrote is when the owner last wrote in this chat from the phone.
	OwnerWrote time.Time
	// KeywordSent is when each keyword answer (by Keyword.ID) last went out.
	KeywordSent map[int]time.Time
}

// Inbound is one recorded inbound message and everything decided about it.
type Inbound struct {
	// Chat is the chat as addressed (for the self chat, the business's
	// own number).
	Chat UserID
	ID   string
	Kind Kind
	// Customer is the canonical customer id ("" for the owner's self chat).
	Customer UserID
	// Alias is the customer's other identity when known (LID or phone
	// number): a message id recorded under it is a duplicate too.
	Alias    UserID
	Name     string
	Sent     time.Time
	Received time.Time
	// Rules names what fired ("greeting", "keyword", "shortcut", "away"),
	// or why nothing was sent ("late", "kill-switch", ...).
	Rules []string
	// TouchCustomer sets the customer's LastInbound (and Name) to Received.
	TouchCustomer bool
	// AwayPeriod, when not zero, is saved as the customer's AwayPeriod.
	AwayPeriod time.Time
	// KeywordsSent are keyword ids whose answer goes out now.
	KeywordsSent []int
	// OwnerWrote sets the customer's OwnerWrote to Received (owner in chat).
	OwnerWrote bool
	// OwnerActive sets the owner's last activity to Received.
	OwnerActive bool
	// Reply, when not nil, is queued in the outbox.
	Reply *Outgoing
	// Shortcut, when not empty, counts a use of that shortcut: by the
	// customer, or by the owner when ShortcutByOwner.
	Shortcut        string
	ShortcutByOwner bool
	// Question is the message's normalised text (case, accents and
	// punctuation folded, numbers masked) for frequent-question mining;
	// empty stores nothing. Only this form is ever stored, never the text.
	Question string
}

// Outgoing is an automatic message in the outbox.
type Outgoing struct {
	ID       int64
	Chat     UserID
	Customer UserID
	Text     string
	Rules    []string
	Created  time.Time
	// Status is "pending", "sending", "sent", "failed" or "discarded".
	Status string
	SentAt time.Time
	// MsgID is the WhatsApp message id, chosen when the message is queued.
	MsgID string
}

// ShortcutUses counts uses of one shortcut.
type ShortcutUses struct {
	Owner    int
	Customer int
	Last     time.Time
}
