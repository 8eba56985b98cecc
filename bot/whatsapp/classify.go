package whatsapp

import (
	"fmt"
	"strings"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"frontdesk/bot"
)

// Own is who the linked account is. PN is the device JID as stored by
// whatsmeow (cli.Store.ID: phone number user plus this companion's device
// number), LID the account's hidden id (cli.Store.GetLID()). The device
// number in PN is what tells the bot's own sends apart from the owner's.
type Own struct {
	PN  types.JID
	LID types.JID
}

// isOwnUser reports whether j names the account itself (by phone number or
// by hidden id), whatever the device.
func (o Own) isOwnUser(j types.JID) bool {
	if j.User == "" {
		return false
	}
	return (o.PN.User != "" && j.User == o.PN.User) || (o.LID.User != "" && j.User == o.LID.User)
}

// Self is the account's own phone number as the core names it.
func (o Own) Self() bot.UserID {
	if o.PN.User == "" {
		return ""
	}
	return bot.PhoneID(o.PN.User)
}

// SelfLID is the account's hidden id as the core names it ("" if unknown).
func (o Own) SelfLID() bot.UserID {
	if o.LID.User == "" {
		return ""
	}
	return bot.LIDID(o.LID.User)
}

// UserID converts a person's JID (phone number or hidden id, any device) to
// the core's UserID. Other servers (groups, broadcasts, newsletters, bots)
// give "" because the core never talks to them.
func UserID(j types.JID) bot.UserID {
	switch j.Server {
	case types.DefaultUserServer, types.HostedServer:
		if j.User == "" {
			return ""
		}
		return bot.PhoneID(j.User)
	case types.HiddenUserServer, types.HostedLIDServer:
		if j.User == "" {
			return ""
		}
		return bot.LIDID(j.User)
	}
	return ""
}

// JID converts a core UserID back to the JID WhatsApp expects as a 1:1
// chat: a phone number on s.whatsapp.net, a "lid:" id on the lid server.
func JID(u bot.UserID) (types.JID, error) {
	d := u.Digits()
	if d == "" || strings.Trim(d, "0123456789") != "" {
		return types.EmptyJID, fmt.Errorf("not a WhatsApp user id: %q", string(u))
	}
	if u.IsLID() {
		return types.NewJID(d, types.HiddenUserServer), nil
	}
	return types.NewJID(d, types.DefaultUserServer), nil
}

// Classify turns a whatsmeow message event into the core's Message. It is
// pure: no database, no network, so every case is table-tested.
//
// Rules:
//   - only 1:1 chats count (s.whatsapp.net or lid); groups, status updates,
//     broadcast lists (anything @broadcast), newsletters and bots are ignored;
//   - history-sync copies, edits, revokes, pins, other protocol messages,
//     reactions, polls and calls are ignored;
//   - the text is Conversation or ExtendedTextMessage.Text, or the caption of
//     an image, video or document (a captioned photo is a customer writing);
//     a photo, video, voice note, document or sticker is a message even
//     without text (Media says what it is); anything else with no text at
//     all is ignored;
//   - not from me: a customer, Chat as addressed, ChatAlt from SenderAlt;
//   - from me, sent by this companion device: the bot's own send, ignored
//     (WhatsApp does not echo them, but be sure);
//   - from me otherwise (the phone, device 0, or the owner's other
//     companions such as WhatsApp Web): the owner. In the "Message yourself"
//     chat (Chat user is our phone number or our LID) that is OwnerSelf with
//     Chat = our phone number; anywhere else OwnerInChat with Chat = the
//     customer exactly as addressed (edits must target that JID).
func Classify(evt *events.Message, own Own) bot.Message {
	if evt == nil {
		return bot.Message{Kind: bot.Ignored, Why: "empty event"}
	}
	info := evt.Info
	m := bot.Message{
		ID:       info.ID,
		Kind:     bot.Ignored,
		PushName: info.PushName,
		Sent:     info.Timestamp,
	}
	if why := chatIgnored(info); why != "" {
		m.Why = why
		return m
	}
	m.Chat = UserID(info.Chat)
	if evt.SourceWebMsg != nil && evt.UnavailableRequestID == "" {
		m.Why = "history sync"
		return m
	}
	msg := evt.Message
	if msg == nil {
		msg = evt.RawMessage
	}
	if why := contentIgnored(evt, msg); why != "" {
		m.Why = why
		return m
	}
	text := messageText(msg)
	m.Media, _ = mediaOf(msg)
	if strings.TrimSpace(text) == "" && m.Media == nil {
		m.Why = "no text"
		return m
	}

	if !info.IsFromMe {
		if own.isOwnUser(info.Chat) {
			// Someone else cannot write in our self chat.
			m.Why = "self chat not from me"
			return m
		}
		m.Kind, m.Text = bot.FromCustomer, text
		m.ChatAlt = altOf(info.Chat, info.SenderAlt)
		return m
	}
	if info.Sender.Device != 0 && own.PN.Device != 0 && info.Sender.Device == own.PN.Device {
		m.Why = "sent by this bot"
		return m
	}
	if own.isOwnUser(info.Chat) {
		m.Kind, m.Text = bot.OwnerSelf, text
		m.Chat = own.Self()
		if m.Chat == "" {
			m.Chat = UserID(info.Chat)
		}
		m.ChatAlt = own.SelfLID()
		if m.Chat == m.ChatAlt {
			m.ChatAlt = ""
		}
		return m
	}
	m.Kind, m.Text = bot.OwnerInChat, text
	m.ChatAlt = altOf(info.Chat, info.RecipientAlt)
	return m
}

// chatIgnored says why a chat is not a 1:1 chat with a person ("" if it is).
func chatIgnored(info types.MessageInfo) string {
	switch info.Chat.Server {
	case types.BroadcastServer:
		if info.Chat.User == types.StatusBroadcastJID.User {
			return "status update"
		}
		return "broadcast list"
	case types.GroupServer:
		return "group"
	case types.NewsletterServer:
		return "newsletter"
	case types.BotServer:
		return "bot chat"
	case types.DefaultUserServer, types.HiddenUserServer:
	default:
		return "unsupported chat " + info.Chat.Server
	}
	if info.IsGroup {
		return "group"
	}
	if info.Chat.User == "" {
		return "no chat"
	}
	if info.Sender.Server == types.NewsletterServer || info.Sender.IsBot() {
		return "newsletter or bot"
	}
	return ""
}

// contentIgnored says why the content is not an ordinary new message.
func contentIgnored(evt *events.Message, msg *waE2E.Message) string {
	switch evt.Info.Edit {
	case types.EditAttributeEmpty:
	case types.EditAttributeSenderRevoke, types.EditAttributeAdminRevoke:
		return "revoke"
	case types.EditAttributePinInChat:
		return "pin"
	default:
		return "edit"
	}
	if evt.IsEdit || msg.GetEditedMessage() != nil {
		return "edit"
	}
	if msg == nil {
		return "no content"
	}
	if pm := msg.GetProtocolMessage(); pm != nil {
		switch pm.GetType() {
		case waE2E.ProtocolMessage_REVOKE:
			return "revoke"
		case waE2E.ProtocolMessage_MESSAGE_EDIT:
			return "edit"
		case waE2E.ProtocolMessage_HISTORY_SYNC_NOTIFICATION:
			return "history sync"
		}
		return "protocol message"
	}
	switch {
	case msg.GetReactionMessage() != nil || msg.GetEncReactionMessage() != nil:
		return "reaction"
	case msg.GetCall() != nil || msg.GetCallLogMesssage() != nil || msg.GetBcallMessage() != nil:
		return "call"
	case msg.GetPollUpdateMessage() != nil:
		return "poll vote"
	}
	return ""
}

// messageText is the text a person typed: the conversation text, the
// extended text, or a media caption.
func messageText(msg *waE2E.Message) string {
	if t := msg.GetConversation(); t != "" {
		return t
	}
	if t := msg.GetExtendedTextMessage().GetText(); t != "" {
		return t
	}
	if t := msg.GetImageMessage().GetCaption(); t != "" {
		return t
	}
	if t := msg.GetVideoMessage().GetCaption(); t != "" {
		return t
	}
	if t := msg.GetDocumentWithCaptionMessage().GetMessage().GetDocumentMessage().GetCaption(); t != "" {
		return t
	}
	return msg.GetDocumentMessage().GetCaption()
}

// altOf returns alt as a UserID when it names the same person by the other
// kind of id than chat (PN for a LID chat and the reverse).
func altOf(chat, alt types.JID) bot.UserID {
	a := UserID(alt)
	c := UserID(chat)
	if a == "" || c == "" || a.IsLID() == c.IsLID() {
		return ""
	}
	return a
}

// OwnerRead converts a receipt into owner activity: the owner read a 1:1
// chat on one of their own devices (type read, or read-self when their read
// receipts are off). Receipts from customers, groups and this companion are
// not owner activity.
func OwnerRead(r *events.Receipt, own Own) (bot.OwnerRead, bool) {
	if r == nil || !r.IsFromMe || r.IsGroup {
		return bot.OwnerRead{}, false
	}
	if r.Type != types.ReceiptTypeRead && r.Type != types.ReceiptTypeReadSelf {
		return bot.OwnerRead{}, false
	}
	if r.Sender.Device != 0 && own.PN.Device != 0 && r.Sender.Device == own.PN.Device {
		return bot.OwnerRead{}, false
	}
	chat := UserID(r.Chat)
	if chat == "" {
		return bot.OwnerRead{}, false
	}
	if own.isOwnUser(r.Chat) && own.Self() != "" {
		chat = own.Self()
	}
	return bot.OwnerRead{Chat: chat, At: r.Timestamp}, true
}

// KnownChats lists the people the account has 1:1 chats with in a history
// sync blob (both of their ids when the blob gives both). Groups, broadcasts,
// newsletters and the self chat are left out. The messages in the blob are
// never treated as new: only the chat list is used.
func KnownChats(hs *waHistorySync.HistorySync, own Own) bot.KnownChats {
	var out bot.KnownChats
	seen := map[bot.UserID]bool{}
	add := func(raw string) {
		if raw == "" {
			return
		}
		j, err := types.ParseJID(raw)
		if err != nil || own.isOwnUser(j) {
			return
		}
		u := UserID(j)
		if u == "" || seen[u] {
			return
		}
		seen[u] = true
		out.Chats = append(out.Chats, u)
	}
	for _, c := range hs.GetConversations() {
		id, err := types.ParseJID(c.GetID())
		if err != nil || UserID(id) == "" || own.isOwnUser(id) {
			continue
		}
		add(c.GetID())
		add(c.GetPnJID())
		add(c.GetLidJID())
	}
	return out
}
