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
	// Attachment, when not nil, makes the message a photo or document
	// (Text its caption) or a location pin (Text its comment).
	Attachment *Attachment
}

// Resumed is a reply a crash left being sent, put back in the queue by
// ResumeInterrupted: its outbox id and its customer.
type Resumed struct {
	ID       int64
	Customer UserID
}

// ShortcutUses counts uses of one shortcut.
type ShortcutUses struct {
	Owner    int
	Customer int
	Last     time.Time
}

// QuestionCount is one normalised question and how often it was asked.
type QuestionCount struct {
	// Text is the folded, number-masked form (Fold, MaskNumbers).
	Text      string
	Count     int
	Customers int
}

// ActivityQuery says what Activity reads: the period from Since to Until,
// both included, and which questions to list.
type ActivityQuery struct {
	Since, Until time.Time
	// Open reports whether the business is open at a moment; a customer
	// message starts a wait only when it is. It is asked once per minute
	// of the period, at the start of the minute (opening hours change on
	// whole minutes). Nil: always open.
	Open func(time.Time) bool
	// MinQuestions is how many times a question must have been asked to
	// be listed (at least 1); Skip, when not nil, leaves out the
	// questions it reports (those already answered); at most
	// MaxQuestions are listed (0: no limit) and the rest only counted.
	MinQuestions int
	Skip         func(text string) bool
	MaxQuestions int
}

// Wait is one customer's wait for the owner's first answer from the
// phone: from an open-hours customer message to the owner's next message
// in that chat.
type Wait struct {
	From, To time.Time
}

// QuarterCount is how many customer messages arrived in the quarter hour
// starting at Start.
type QuarterCount struct {
	Start time.Time
	Count int
}

// Activity is what happened in customer chats between two moments, in
// aggregates: what !stats and the weekly digest show.
type Activity struct {
	// Inbound counts the customers' messages (team members' excluded),
	// Customers the different customers who wrote them, and Quarters
	// splits Inbound by quarter hour (UTC-aligned, so whole quarters of
	// every zone's local hours), oldest first.
	Inbound   int
	Customers int
	Quarters  []QuarterCount
	// Waits are the answered waits, by customer then time: a customer
	// message received while open starts one unless that customer is
	// already waiting, the owner's next message in that chat ends it.
	// Unanswered counts the waits still running at the end of the period.
	// Only messages inside the period count.
	Waits      []Wait
	Unanswered int
	// RepliesSent is the number of automatic messages sent; RulesSent
	// splits them by rule (one message may count for several rules, such
	// as a greeting joined with the away message).
	RepliesSent int
	RulesSent   map[string]int
	// Withheld counts customer messages whose automatic reply was held
	// back, by reason ("late", "kill-switch").
	Withheld map[string]int
	// Questions are those asked at least MinQuestions times and not
	// skipped, most asked first, then alphabetically, at most
	// MaxQuestions; MoreQuestions counts those left off.
	Questions     []QuestionCount
	MoreQuestions int
}
