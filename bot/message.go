package bot

import "time"

// Kind is who a message comes from, as far as the transport can tell.
// Admins are recognised later by the bot, which knows the admin list.
type Kind int

const (
	// Ignored: groups, statuses, broadcasts, newsletters, reactions, edits,
	// revokes, protocol and history-sync messages, the bot's own sends.
	Ignored Kind = iota
	// FromCustomer: someone else writing in a 1:1 chat with the business.
	FromCustomer
	// OwnerSelf: the owner's phone, in the "Message yourself" chat.
	OwnerSelf
	// OwnerInChat: the owner's phone, in the 1:1 chat with a customer.
	OwnerInChat
)

func (k Kind) String() string {
	switch k {
	case FromCustomer:
		return "customer"
	case OwnerSelf:
		return "owner-self"
	case OwnerInChat:
		return "owner-in-chat"
	default:
		return "ignored"
	}
}

// Message is one inbound WhatsApp message, already classified.
type Message struct {
	// ID is WhatsApp's message id; (Chat, ID) identifies the message.
	ID string
	// Chat is the 1:1 chat exactly as WhatsApp addressed it: the customer
	// (by phone number or LID) or, for OwnerSelf, the account's own id.
	// Replies and edits go to this chat.
	Chat UserID
	// ChatAlt is the other identity of the chat partner when known
	// (the phone number when Chat is a LID, and the reverse).
	ChatAlt UserID
	Kind    Kind
	// Why says, for Ignored messages, what they were (for logs).
	Why string
	// Text is what was typed: the text, or a photo's, video's or
	// document's caption (empty for a bare photo, a voice note or a
	// sticker).
	Text     string
	PushName string
	// Media is the message's photo, video, voice note, document or
	// sticker, or nil.
	Media *InboundMedia
	// Sent is when the sender sent it (the server's timestamp).
	Sent time.Time
}

// OwnerRead reports that the owner read a chat on one of their own devices:
// it counts as owner activity.
type OwnerRead struct {
	Chat UserID
	At   time.Time
}

// KnownChats lists the 1:1 chats found in the account's history when the
// device was linked: those customers are known, not new.
type KnownChats struct {
	Chats []UserID
}

// SyncDone says the transport has delivered everything that was queued
// while the bot was offline.
type SyncDone struct{}

// AccountTrouble reports WhatsApp restricting the account (a temporary ban
// or a reach-out limit). The bot turns the kill switch on and tells the owner.
type AccountTrouble struct {
	Reason string
	Until  time.Time // zero when unknown
}
