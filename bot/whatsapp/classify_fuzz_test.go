package whatsapp

import (
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot"
)

// FuzzClassify feeds Classify arbitrary message content (any protobuf
// the wire could carry) in chats of every kind: it must not panic, and
// only a 1:1 chat with a person may ever give a customer's message or the
// owner's, since the bot answers a customer's message and acts on the
// owner's.
func FuzzClassify(f *testing.F) {
	for _, m := range []*waE2E.Message{
		text("hello"),
		{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("price?")}},
		{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("this one")}},
		fromPhone(custPN, text("/time")),
		{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum()}},
		{EphemeralMessage: &waE2E.FutureProofMessage{Message: text("inside")}},
		{ViewOnceMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{}}}},
	} {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		for chat := range byte(len(fuzzChats)) {
			f.Add(b, chat, byte(0))
			f.Add(b, chat, byte(1))
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte, chat, flags byte) {
		var msg waE2E.Message
		if proto.Unmarshal(raw, &msg) != nil {
			return
		}
		c := fuzzChats[int(chat)%len(fuzzChats)]
		info := customer(c, types.EmptyJID)
		if flags&1 != 0 {
			info = mine(c, uint16(flags>>1&3), types.EmptyJID)
		}
		info.IsGroup = flags&8 != 0
		m := Classify(event(info, &msg), testOwn)
		if m.Kind == bot.Ignored {
			return
		}
		person := (c.Server == types.DefaultUserServer || c.Server == types.HiddenUserServer) && c.User != "" && !info.IsGroup
		if !person {
			t.Fatalf("a message in %s (group flag %v) classified as %v", c, info.IsGroup, m.Kind)
		}
		if m.Chat == "" || m.Chat.Digits() == "" {
			t.Fatalf("a %v message in %s has no chat to answer", m.Kind, c)
		}
		if m.Kind == bot.FromCustomer && info.IsFromMe {
			t.Fatalf("the owner's own message in %s classified as a customer's", c)
		}
	})
}

// fuzzChats are chats of every kind: people by phone number and hidden id,
// the account itself, and everything the bot must never answer.
var fuzzChats = []types.JID{
	custPN, custLIDJID, ownPN, ownLID, groupJID,
	types.StatusBroadcastJID,
	types.NewJID("1234567890", types.BroadcastServer),
	types.NewJID("120363000000000002", types.NewsletterServer),
	types.NewJID("867051314767696", types.BotServer),
	types.NewJID(custPhone, types.HostedServer),
	types.NewJID("", types.DefaultUserServer),
	types.NewJID(custPhone, "example.com"),
}
