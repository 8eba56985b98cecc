package bot

// The records the Store keeps and hands back.

import "time"

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
	Alias UserID
	// AwaitsAnswer marks a command message recorded with its change
	// before its answer was sent (Store.MarkAnswered clears it).
	AwaitsAnswer bool
	Name         string
	Sent         time.Time
	Received     time.Time
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

// Party is who the message is recorded under: the canonical customer, or
// the chat (the business's own) when there is none.
func (in Inbound) Party() UserID {
	if in.Customer != "" {
		return in.Customer
	}
	return in.Chat
}

// Recorded is what the Store knows of one message id.
type Recorded struct {
	Found bool
	// Answered is false for a command whose change was saved but whose
	// answer has not gone out yet; Answer is that answer as far as it was
	// written.
	Answered bool
	Answer   []AnswerPart
}

// AnswerPart is one message of a command's answer and the WhatsApp message
// id it goes out under.
type AnswerPart struct {
	ID   string
	Text string
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

// ChatEvent is one message in a customer's 1:1 chat, for the response
// time figures: the customer wrote, or the owner wrote from the phone.
type ChatEvent struct {
	// Customer is the canonical customer id (phone number when known).
	Customer UserID
	// Owner is true when the owner wrote, false when the customer did.
	Owner bool
	// At is when the bot received the message.
	At time.Time
}

// QuestionCount is one normalised question and how often it was asked.
type QuestionCount struct {
	// Text is the folded, number-masked form (Fold, MaskNumbers).
	Text      string
	Count     int
	Customers int
}

// Activity is what happened in customer chats between two moments.
type Activity struct {
	// Events are the customers' messages (team members' excluded) and the
	// owner's messages in customer chats, by customer then time.
	Events []ChatEvent
	// RepliesSent is the number of automatic messages sent; RulesSent
	// splits them by rule (one message may count for several rules, such
	// as a greeting joined with the away message).
	RepliesSent int
	RulesSent   map[string]int
	// Withheld counts customer messages whose automatic reply was held
	// back, by reason ("late", "kill-switch").
	Withheld map[string]int
	// Questions are those asked at least the given number of times, most
	// asked first, then alphabetically.
	Questions []QuestionCount
}
