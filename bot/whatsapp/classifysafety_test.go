package whatsapp

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/storage"
)

// safetyBot is a bot on real SQLite that greets everyone and is away all
// the time: any message it counts as a customer's gets an answer.
func safetyBot(t *testing.T) (*bot.Bot, *porttest.Messenger, *storage.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := storage.OpenStore(ctx, filepath.Join(t.TempDir(), "fd.db"), ownPhone)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := bot.DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	cfg.Greeting = bot.GreetingConfig{On: true, Text: "Welcome!", When: bot.WhenAlways, AfterDays: 14}
	cfg.Away = bot.AwayConfig{On: true, Text: "We are closed.", When: bot.WhenAlways, AfterMinutes: 15}
	if err := st.SaveConfig(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	wa := &porttest.Messenger{}
	b, err := bot.New(ctx, bot.Options{Store: st, Messenger: wa, Self: bot.PhoneID(ownPhone),
		Clock: bot.ClockFunc(func() time.Time { return sentAt.Add(time.Minute) })})
	if err != nil {
		t.Fatal(err)
	}
	return b, wa, st
}

// mediaMessages are a photo, a document, a sticker and a voice note, each
// with a caption that would match anything (or none, where WhatsApp has
// none).
func mediaMessages() map[string]*waE2E.Message {
	return map[string]*waE2E.Message{
		"photo":    {ImageMessage: &waE2E.ImageMessage{Caption: proto.String("prices?"), Mimetype: proto.String("image/jpeg")}},
		"document": {DocumentMessage: &waE2E.DocumentMessage{Caption: proto.String("my order"), FileName: proto.String("o.pdf"), Mimetype: proto.String("application/pdf")}},
		"sticker":  {StickerMessage: &waE2E.StickerMessage{Mimetype: proto.String("image/webp")}},
		"voice":    {AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true), Mimetype: proto.String("audio/ogg; codecs=opus")}},
	}
}

func TestMediaOutsideCustomerChatsGetsNoReplyAndIsNotCounted(t *testing.T) {
	b, wa, st := safetyBot(t)
	ctx := context.Background()
	newsletter := types.NewJID("120363000000000002", types.NewsletterServer)
	chats := map[string]types.MessageInfo{
		"group":          {MessageSource: types.MessageSource{Chat: groupJID, Sender: custPN, IsGroup: true}},
		"status":         {MessageSource: types.MessageSource{Chat: types.StatusBroadcastJID, Sender: custPN, IsGroup: true}},
		"broadcast list": {MessageSource: types.MessageSource{Chat: types.NewJID("1234567890", types.BroadcastServer), Sender: custPN, IsGroup: true}},
		"newsletter":     {MessageSource: types.MessageSource{Chat: newsletter, Sender: newsletter}},
		// The bot's own send (this companion's device), echoed back.
		"the bot's own message": mine(custPN, ownDevice, types.EmptyJID),
	}
	n := 0
	for chat, info := range chats {
		for kind, msg := range mediaMessages() {
			n++
			info.ID = "3EB0SAFE" + string(rune('A'+n))
			info.PushName = "Giulia"
			if chat == "the bot's own message" {
				msg = fromPhone(custPN, msg)
			}
			m := Classify(event(info, msg), testOwn)
			if m.Kind != bot.Ignored {
				t.Errorf("a %s in a %s classified %v, want ignored", kind, chat, m.Kind)
			}
			if err := b.HandleMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A reaction and a revoke in a customer chat are not messages either.
	for name, msg := range map[string]*waE2E.Message{
		"reaction": {ReactionMessage: &waE2E.ReactionMessage{Key: &waCommon.MessageKey{ID: proto.String("3EB0OLD")}, Text: proto.String("👍")}},
		"revoke":   {ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: &waCommon.MessageKey{ID: proto.String("X")}}},
	} {
		info := customer(custPN, types.EmptyJID)
		info.ID = "3EB0" + name
		m := Classify(event(info, msg), testOwn)
		if m.Kind != bot.Ignored || m.Why != name {
			t.Errorf("a %s classified %v (%q), want ignored as %s", name, m.Kind, m.Why, name)
		}
		if err := b.HandleMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := wa.Take(); len(sent) != 0 {
		t.Fatalf("%d automatic messages sent: %+v", len(sent), sent)
	}
	var inbound int
	if err := st.Flush(ctx); err != nil { // the tables as written out
		t.Fatal(err)
	}
	if err := st.DB().SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM fd_inbound").Scan(&inbound); err != nil {
		t.Fatal(err)
	}
	if inbound != 0 {
		t.Errorf("%d messages counted, want none", inbound)
	}

	// The same photo in a customer chat is answered and counted: the bot
	// above was able to answer.
	info := customer(custPN, types.EmptyJID)
	info.ID = "3EB0CUSTOMER"
	if err := b.HandleMessage(ctx, Classify(event(info, mediaMessages()["photo"]), testOwn)); err != nil {
		t.Fatal(err)
	}
	if err := b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := wa.Take(); len(sent) != 1 || sent[0].To != "393331234567" {
		t.Fatalf("the customer's photo got %+v, want one answer", sent)
	}
	if err := st.Flush(ctx); err != nil { // the tables as written out
		t.Fatal(err)
	}
	if err := st.DB().SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM fd_inbound").Scan(&inbound); err != nil || inbound != 1 {
		t.Errorf("counted %d, %v; want the customer's photo", inbound, err)
	}
}
