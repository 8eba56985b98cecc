package whatsapp

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/proto/waWeb"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot"
)

const (
	ownPhone  = "15550001111"
	ownLIDNum = "99990001111"
	ownDevice = 7
	custPhone = "393331234567"
	custLID   = "12345678901234"
)

var (
	testOwn = Own{
		PN:  types.JID{User: ownPhone, Server: types.DefaultUserServer, Device: ownDevice},
		LID: types.JID{User: ownLIDNum, Server: types.HiddenUserServer},
	}
	sentAt = time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)

	custPN     = types.NewJID(custPhone, types.DefaultUserServer)
	custLIDJID = types.NewJID(custLID, types.HiddenUserServer)
	ownPN      = types.NewJID(ownPhone, types.DefaultUserServer)
	ownLID     = types.NewJID(ownLIDNum, types.HiddenUserServer)
	groupJID   = types.NewJID("120363000000000001", types.GroupServer)
)

func dev(j types.JID, device uint16) types.JID { j.Device = device; return j }

// event builds a message event the way whatsmeow does: raw content, then
// UnwrapRaw.
func event(info types.MessageInfo, raw *waE2E.Message) *events.Message {
	if info.ID == "" {
		info.ID = "3EB0ABCDEF"
	}
	if info.Timestamp.IsZero() {
		info.Timestamp = sentAt
	}
	return (&events.Message{Info: info, RawMessage: raw}).UnwrapRaw()
}

func text(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

// fromPhone wraps content as the owner's phone sends it to its companions.
func fromPhone(dest types.JID, content *waE2E.Message) *waE2E.Message {
	return &waE2E.Message{DeviceSentMessage: &waE2E.DeviceSentMessage{
		DestinationJID: proto.String(dest.String()),
		Message:        content,
	}}
}

func customer(chat, alt types.JID) types.MessageInfo {
	return types.MessageInfo{
		MessageSource: types.MessageSource{Chat: chat, Sender: chat, SenderAlt: alt},
		PushName:      "Giulia",
	}
}

func mine(chat types.JID, device uint16, recipientAlt types.JID) types.MessageInfo {
	return types.MessageInfo{
		MessageSource: types.MessageSource{
			Chat: chat, Sender: dev(ownPN, device), IsFromMe: true, RecipientAlt: recipientAlt,
		},
		PushName: "Owner",
	}
}

func TestClassify(t *testing.T) {
	editKey := &waCommon.MessageKey{ID: proto.String("3EB0OLD"), FromMe: proto.Bool(true)}
	cases := []struct {
		name  string
		evt   *events.Message
		want  bot.Message // ID, PushName and Sent are checked separately
		media string
	}{
		{
			name: "customer by phone number",
			evt:  event(customer(custPN, types.EmptyJID), text("hello")),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", Text: "hello"},
		},
		{
			name: "customer by phone number with LID alt",
			evt:  event(customer(custPN, dev(custLIDJID, 0)), text("hello")),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", ChatAlt: "lid:12345678901234", Text: "hello"},
		},
		{
			name: "customer by LID with phone SenderAlt",
			evt:  event(customer(custLIDJID, custPN), text("ciao")),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "lid:12345678901234", ChatAlt: "393331234567", Text: "ciao"},
		},
		{
			name: "customer by LID without SenderAlt",
			evt:  event(customer(custLIDJID, types.EmptyJID), text("ciao")),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "lid:12345678901234", Text: "ciao"},
		},
		{
			name: "customer from a secondary device",
			evt: event(types.MessageInfo{MessageSource: types.MessageSource{
				Chat: custPN, Sender: dev(custPN, 3), SenderAlt: dev(custLIDJID, 3)}, PushName: "Giulia"}, text("hi")),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", ChatAlt: "lid:12345678901234", Text: "hi"},
		},
		{
			name: "customer extended text",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("see https://example.com")}}),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", Text: "see https://example.com"},
		},
		{
			name: "customer text in a disappearing chat",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				EphemeralMessage: &waE2E.FutureProofMessage{Message: text("still there?")}}),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", Text: "still there?"},
		},
		{
			name: "customer command is just a customer message",
			evt:  event(customer(custPN, types.EmptyJID), text("!away off")),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", Text: "!away off"},
		},
		{
			name: "customer photo with caption counts as text",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				ImageMessage: &waE2E.ImageMessage{Caption: proto.String("in red?"), Mimetype: proto.String("image/jpeg")}}),
			want:  bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", Text: "in red?"},
			media: "image",
		},
		{
			name: "customer document with caption counts as text",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				DocumentWithCaptionMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{
					DocumentMessage: &waE2E.DocumentMessage{Caption: proto.String("my order")}}}}),
			want:  bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", Text: "my order"},
			media: "document",
		},
		{
			name: "customer photo without caption is a message",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				ImageMessage: &waE2E.ImageMessage{Mimetype: proto.String("image/jpeg")}}),
			want:  bot.Message{Kind: bot.FromCustomer, Chat: "393331234567"},
			media: "image",
		},
		{
			name: "customer sticker is a message",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				StickerMessage: &waE2E.StickerMessage{Mimetype: proto.String("image/webp")}}),
			want:  bot.Message{Kind: bot.FromCustomer, Chat: "393331234567"},
			media: "sticker",
		},
		{
			name: "customer voice note is a message",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true), Mimetype: proto.String("audio/ogg; codecs=opus")}}),
			want:  bot.Message{Kind: bot.FromCustomer, Chat: "393331234567"},
			media: "audio",
		},
		{
			name: "customer video with caption",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				VideoMessage: &waE2E.VideoMessage{Caption: proto.String("this one"), Mimetype: proto.String("video/mp4")}}),
			want:  bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", Text: "this one"},
			media: "video",
		},
		{
			name: "customer document without caption is a message",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				DocumentMessage: &waE2E.DocumentMessage{FileName: proto.String("order.pdf"), Mimetype: proto.String("application/pdf")}}),
			want:  bot.Message{Kind: bot.FromCustomer, Chat: "393331234567"},
			media: "document",
		},
		{
			name: "owner photo to the self chat with a command caption",
			evt: event(mine(ownPN, 0, types.EmptyJID), fromPhone(ownPN, &waE2E.Message{
				ImageMessage: &waE2E.ImageMessage{Caption: proto.String("!qr add /menu Our menu"), Mimetype: proto.String("image/jpeg")}})),
			want:  bot.Message{Kind: bot.OwnerSelf, Chat: "15550001111", ChatAlt: "lid:99990001111", Text: "!qr add /menu Our menu"},
			media: "image",
		},
		{
			name: "customer location is not a message",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(1)}}),
			want: bot.Message{Kind: bot.Ignored, Why: "no text", Chat: "393331234567"},
		},
		{
			name: "customer deletes a message",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
				Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: &waCommon.MessageKey{ID: proto.String("X")}}}),
			want: bot.Message{Kind: bot.Ignored, Why: "revoke", Chat: "393331234567"},
		},
		{
			name: "customer blank text",
			evt:  event(customer(custPN, types.EmptyJID), text("   ")),
			want: bot.Message{Kind: bot.Ignored, Why: "no text", Chat: "393331234567"},
		},
		{
			name: "owner in self chat by phone number from the phone",
			evt:  event(mine(ownPN, 0, types.EmptyJID), fromPhone(ownPN, text("!status"))),
			want: bot.Message{Kind: bot.OwnerSelf, Chat: "15550001111", ChatAlt: "lid:99990001111", Text: "!status"},
		},
		{
			name: "owner in self chat by LID from the phone",
			evt:  event(mine(ownLID, 0, types.EmptyJID), fromPhone(ownLID, text("!status"))),
			want: bot.Message{Kind: bot.OwnerSelf, Chat: "15550001111", ChatAlt: "lid:99990001111", Text: "!status"},
		},
		{
			name: "owner in self chat without DeviceSentMessage wrapper",
			evt:  event(mine(ownPN, 0, types.EmptyJID), text("!help")),
			want: bot.Message{Kind: bot.OwnerSelf, Chat: "15550001111", ChatAlt: "lid:99990001111", Text: "!help"},
		},
		{
			name: "owner in customer chat by phone number",
			evt:  event(mine(custPN, 0, custLIDJID), fromPhone(custPN, text("/time"))),
			want: bot.Message{Kind: bot.OwnerInChat, Chat: "393331234567", ChatAlt: "lid:12345678901234", Text: "/time"},
		},
		{
			name: "owner in customer chat by LID",
			evt:  event(mine(custLIDJID, 0, custPN), fromPhone(custLIDJID, text("/time"))),
			want: bot.Message{Kind: bot.OwnerInChat, Chat: "lid:12345678901234", ChatAlt: "393331234567", Text: "/time"},
		},
		{
			name: "owner in customer chat by LID without alt",
			evt:  event(mine(custLIDJID, 0, types.EmptyJID), fromPhone(custLIDJID, text("on my way"))),
			want: bot.Message{Kind: bot.OwnerInChat, Chat: "lid:12345678901234", Text: "on my way"},
		},
		{
			name: "owner from WhatsApp Web on another companion",
			evt:  event(mine(custPN, 3, types.EmptyJID), fromPhone(custPN, text("done"))),
			want: bot.Message{Kind: bot.OwnerInChat, Chat: "393331234567", Text: "done"},
		},
		{
			name: "bot's own send from this device",
			evt:  event(mine(custPN, ownDevice, types.EmptyJID), text("We are closed")),
			want: bot.Message{Kind: bot.Ignored, Why: "sent by this bot", Chat: "393331234567"},
		},
		{
			name: "bot's own send in the self chat",
			evt:  event(mine(ownPN, ownDevice, types.EmptyJID), text("Away is on")),
			want: bot.Message{Kind: bot.Ignored, Why: "sent by this bot", Chat: "15550001111"},
		},
		{
			name: "group message",
			evt: event(types.MessageInfo{MessageSource: types.MessageSource{
				Chat: groupJID, Sender: custPN, IsGroup: true}}, text("hi all")),
			want: bot.Message{Kind: bot.Ignored, Why: "group"},
		},
		{
			name: "owner's message in a group",
			evt: event(types.MessageInfo{MessageSource: types.MessageSource{
				Chat: groupJID, Sender: ownPN, IsGroup: true, IsFromMe: true}}, text("!off")),
			want: bot.Message{Kind: bot.Ignored, Why: "group"},
		},
		{
			name: "status update",
			evt: event(types.MessageInfo{MessageSource: types.MessageSource{
				Chat: types.StatusBroadcastJID, Sender: custPN, IsGroup: true}}, text("my status")),
			want: bot.Message{Kind: bot.Ignored, Why: "status update"},
		},
		{
			name: "broadcast list",
			evt: event(types.MessageInfo{MessageSource: types.MessageSource{
				Chat: types.NewJID("1234567890", types.BroadcastServer), Sender: custPN, IsGroup: true}}, text("offer")),
			want: bot.Message{Kind: bot.Ignored, Why: "broadcast list"},
		},
		{
			name: "newsletter",
			evt: event(types.MessageInfo{MessageSource: types.MessageSource{
				Chat:   types.NewJID("120363000000000002", types.NewsletterServer),
				Sender: types.NewJID("120363000000000002", types.NewsletterServer)}}, text("news")),
			want: bot.Message{Kind: bot.Ignored, Why: "newsletter"},
		},
		{
			name: "reaction",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
				Key: editKey, Text: proto.String("👍")}}),
			want: bot.Message{Kind: bot.Ignored, Why: "reaction", Chat: "393331234567"},
		},
		{
			name: "edit with edit attribute",
			evt: event(func() types.MessageInfo {
				i := customer(custPN, types.EmptyJID)
				i.Edit = types.EditAttributeMessageEdit
				return i
			}(),
				&waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
					Key: editKey, Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), EditedMessage: text("fixed typo")}}}}),
			want: bot.Message{Kind: bot.Ignored, Why: "edit", Chat: "393331234567"},
		},
		{
			name: "edit as bare protocol message",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
				Key: editKey, Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), EditedMessage: text("fixed")}}),
			want: bot.Message{Kind: bot.Ignored, Why: "edit", Chat: "393331234567"},
		},
		{
			name: "owner's edit from the phone",
			evt: event(func() types.MessageInfo {
				i := mine(custPN, 0, types.EmptyJID)
				i.Edit = types.EditAttributeMessageEdit
				return i
			}(),
				fromPhone(custPN, &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
					Key: editKey, Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), EditedMessage: text("/menu")}}}})),
			want: bot.Message{Kind: bot.Ignored, Why: "edit", Chat: "393331234567"},
		},
		{
			name: "revoke with revoke attribute",
			evt: event(func() types.MessageInfo {
				i := customer(custPN, types.EmptyJID)
				i.Edit = types.EditAttributeSenderRevoke
				return i
			}(),
				&waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Key: editKey, Type: waE2E.ProtocolMessage_REVOKE.Enum()}}),
			want: bot.Message{Kind: bot.Ignored, Why: "revoke", Chat: "393331234567"},
		},
		{
			name: "revoke as bare protocol message",
			evt: event(customer(custPN, types.EmptyJID),
				&waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Key: editKey, Type: waE2E.ProtocolMessage_REVOKE.Enum()}}),
			want: bot.Message{Kind: bot.Ignored, Why: "revoke", Chat: "393331234567"},
		},
		{
			name: "history sync notification",
			evt: event(mine(ownPN, 0, types.EmptyJID), fromPhone(ownPN, &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
				Type: waE2E.ProtocolMessage_HISTORY_SYNC_NOTIFICATION.Enum(), HistorySyncNotification: &waE2E.HistorySyncNotification{}}})),
			want: bot.Message{Kind: bot.Ignored, Why: "history sync", Chat: "15550001111"},
		},
		{
			name: "other protocol message",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
				Type: waE2E.ProtocolMessage_EPHEMERAL_SETTING.Enum()}}),
			want: bot.Message{Kind: bot.Ignored, Why: "protocol message", Chat: "393331234567"},
		},
		{
			name: "message from history",
			evt: func() *events.Message {
				e := event(customer(custPN, types.EmptyJID), text("old question"))
				e.SourceWebMsg = &waWeb.WebMessageInfo{}
				return e
			}(),
			want: bot.Message{Kind: bot.Ignored, Why: "history sync", Chat: "393331234567"},
		},
		{
			name: "message recovered from the phone after a decryption failure",
			evt: func() *events.Message {
				e := event(customer(custPN, types.EmptyJID), text("new question"))
				e.SourceWebMsg = &waWeb.WebMessageInfo{}
				e.UnavailableRequestID = "REQ1"
				return e
			}(),
			want: bot.Message{Kind: bot.FromCustomer, Chat: "393331234567", Text: "new question"},
		},
		{
			name: "call log",
			evt: event(customer(custPN, types.EmptyJID), &waE2E.Message{
				CallLogMesssage: &waE2E.CallLogMessage{}, Conversation: proto.String("missed call")}),
			want: bot.Message{Kind: bot.Ignored, Why: "call", Chat: "393331234567"},
		},
		{
			name: "someone else writing in our self chat",
			evt:  event(customer(ownPN, types.EmptyJID), text("hello")),
			want: bot.Message{Kind: bot.Ignored, Why: "self chat not from me", Chat: "15550001111"},
		},
		{
			name: "no content",
			evt:  event(customer(custPN, types.EmptyJID), nil),
			want: bot.Message{Kind: bot.Ignored, Why: "no content", Chat: "393331234567"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Classify(tc.evt, testOwn)
			if got.Kind != tc.want.Kind || got.Why != tc.want.Why || got.Chat != tc.want.Chat ||
				got.ChatAlt != tc.want.ChatAlt || got.Text != tc.want.Text {
				t.Fatalf("Classify:\n got kind=%v why=%q chat=%q alt=%q text=%q\nwant kind=%v why=%q chat=%q alt=%q text=%q",
					got.Kind, got.Why, got.Chat, got.ChatAlt, got.Text,
					tc.want.Kind, tc.want.Why, tc.want.Chat, tc.want.ChatAlt, tc.want.Text)
			}
			switch {
			case tc.media == "" && got.Media != nil && got.Kind != bot.Ignored:
				t.Errorf("media %+v, want none", *got.Media)
			case tc.media != "" && (got.Media == nil || got.Media.Kind != tc.media):
				t.Errorf("media %+v, want kind %s", got.Media, tc.media)
			}
			if got.ID != tc.evt.Info.ID || !got.Sent.Equal(sentAt) || got.PushName != tc.evt.Info.PushName {
				t.Errorf("metadata: id=%q sent=%v name=%q", got.ID, got.Sent, got.PushName)
			}
		})
	}
}

func TestClassifyNil(t *testing.T) {
	if got := Classify(nil, testOwn); got.Kind != bot.Ignored {
		t.Fatalf("nil event: kind %v", got.Kind)
	}
}

func TestUserIDAndJID(t *testing.T) {
	cases := []struct {
		jid  types.JID
		want bot.UserID
	}{
		{custPN, "393331234567"},
		{dev(custPN, 4), "393331234567"},
		{custLIDJID, "lid:12345678901234"},
		{dev(custLIDJID, 2), "lid:12345678901234"},
		{groupJID, ""},
		{types.StatusBroadcastJID, ""},
		{types.EmptyJID, ""},
	}
	for _, tc := range cases {
		got := UserID(tc.jid)
		if got != tc.want {
			t.Errorf("UserID(%s) = %q, want %q", tc.jid, got, tc.want)
		}
		if got == "" {
			continue
		}
		back, err := JID(got)
		if err != nil || back != tc.jid.ToNonAD() {
			t.Errorf("JID(%q) = %s, %v; want %s", got, back, err, tc.jid.ToNonAD())
		}
	}
	for _, bad := range []bot.UserID{"", "lid:", "+39 333", "abc"} {
		if _, err := JID(bad); err == nil {
			t.Errorf("JID(%q) accepted", bad)
		}
	}
}

func TestOwnerRead(t *testing.T) {
	at := sentAt.Add(time.Minute)
	receipt := func(chat types.JID, senderDevice uint16, fromMe bool, typ types.ReceiptType) *events.Receipt {
		return &events.Receipt{
			MessageSource: types.MessageSource{Chat: chat, Sender: dev(ownPN, senderDevice), IsFromMe: fromMe},
			MessageIDs:    []types.MessageID{"X"}, Timestamp: at, Type: typ,
		}
	}
	cases := []struct {
		name string
		r    *events.Receipt
		ok   bool
		chat bot.UserID
	}{
		{"owner read a customer chat on the phone", receipt(custPN, 0, true, types.ReceiptTypeRead), true, "393331234567"},
		{"owner read a LID chat with receipts off", receipt(custLIDJID, 0, true, types.ReceiptTypeReadSelf), true, "lid:12345678901234"},
		{"owner read on WhatsApp Web", receipt(custPN, 3, true, types.ReceiptTypeRead), true, "393331234567"},
		{"owner read the self chat by LID", receipt(ownLID, 0, true, types.ReceiptTypeRead), true, "15550001111"},
		{"customer read our message", &events.Receipt{MessageSource: types.MessageSource{Chat: custPN, Sender: custPN},
			Timestamp: at, Type: types.ReceiptTypeRead}, false, ""},
		{"delivery receipt from own device", receipt(custPN, 0, true, types.ReceiptTypeDelivered), false, ""},
		{"sender receipt", receipt(custPN, 0, true, types.ReceiptTypeSender), false, ""},
		{"this companion", receipt(custPN, ownDevice, true, types.ReceiptTypeRead), false, ""},
		{"group", &events.Receipt{MessageSource: types.MessageSource{Chat: groupJID, Sender: ownPN, IsFromMe: true, IsGroup: true},
			Timestamp: at, Type: types.ReceiptTypeRead}, false, ""},
		{"nil", nil, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := OwnerRead(tc.r, testOwn)
			if ok != tc.ok || got.Chat != tc.chat || (ok && !got.At.Equal(at)) {
				t.Fatalf("OwnerRead = %+v, %v; want chat %q, %v", got, ok, tc.chat, tc.ok)
			}
		})
	}
}

func TestKnownChats(t *testing.T) {
	hs := &waHistorySync.HistorySync{Conversations: []*waHistorySync.Conversation{
		{ID: proto.String(custPN.String())},
		{ID: proto.String(custLIDJID.String()), PnJID: proto.String(custPN.String())},
		{ID: proto.String("lid:bad@@")},
		{ID: proto.String(types.NewJID("447700900123", types.HiddenUserServer).String()), PnJID: proto.String("447700900999@s.whatsapp.net")},
		{ID: proto.String(groupJID.String())},
		{ID: proto.String(types.StatusBroadcastJID.String())},
		{ID: proto.String(ownPN.String())},
		{ID: proto.String(ownLID.String())},
		{ID: proto.String("120363000000000002@newsletter")},
	}}
	got := KnownChats(hs, testOwn).Chats
	want := []bot.UserID{"393331234567", "lid:12345678901234", "lid:447700900123", "447700900999"}
	if len(got) != len(want) {
		t.Fatalf("KnownChats = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("KnownChats = %q, want %q", got, want)
		}
	}
	if got := KnownChats(nil, testOwn).Chats; len(got) != 0 {
		t.Fatalf("nil history: %q", got)
	}
}
