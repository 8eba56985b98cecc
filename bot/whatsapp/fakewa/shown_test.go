package fakewa_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot/whatsapp/fakewa"
)

func sendWithID(t *testing.T, bc *botClient, c *fakewa.Customer, id, text string) {
	t.Helper()
	_, err := bc.cli.SendMessage(context.Background(), c.PN(), &waE2E.Message{Conversation: proto.String(text)},
		whatsmeow.SendRequestExtra{ID: id})
	if err != nil {
		t.Fatalf("send %s: %v", id, err)
	}
}

func TestResendWithSameIDShowsOnce(t *testing.T) {
	srv, bc := newLinked(t)
	kim := srv.NewCustomer("Kim")
	kim.Send("hi")
	waitMessage(t, bc)

	id := bc.cli.GenerateMessageID()
	sendWithID(t, bc, kim, id, "Welcome!")
	sendWithID(t, bc, kim, id, "Welcome!") // the same message again, as after a crash
	sendText(t, bc, kim.PN(), "Welcome!")  // a second message with the same text

	if got := kim.Next(t, wait); got.ID != id || got.Text != "Welcome!" {
		t.Errorf("inbox got %+v, want %s", got, id)
	}
	if got := kim.Next(t, wait); got.ID == id {
		t.Errorf("the resend reached the inbox again")
	}
	kim.ExpectNothing(t, 50*time.Millisecond)
	if n := len(kim.Deliveries()); n != 3 {
		t.Errorf("deliveries = %d, want 3", n)
	}
	shown := kim.Shown()
	if len(shown) != 2 || shown[0].ID != id || shown[1].ID == id {
		t.Errorf("shown = %+v, want the resent message once and the other one", shown)
	}
	if n := len(kim.Received()); n != 2 {
		t.Errorf("received = %d distinct, want 2", n)
	}
	d := kim.Deliveries()
	if !(d[0].Seq < d[1].Seq && d[1].Seq < d[2].Seq) || d[0].Sender.User != fakewa.OwnerPhone {
		t.Errorf("deliveries = %+v, want increasing Seq from the account", d)
	}
}

func TestEditReplacesShownText(t *testing.T) {
	srv, bc := newLinked(t)
	lea := srv.NewCustomer("Lea")
	lea.Send("hi")
	waitMessage(t, bc)

	resp := sendText(t, bc, lea.PN(), "Open until 17:00")
	edit := bc.cli.BuildEdit(lea.PN(), resp.ID, &waE2E.Message{Conversation: proto.String("Open until 18:00")})
	if _, err := bc.cli.SendMessage(context.Background(), lea.PN(), edit); err != nil {
		t.Fatalf("send edit: %v", err)
	}
	// An edit of a message the owner typed on the phone: the customer
	// never got it from the linked device but shows it edited.
	ownerID := srv.Phone().SendInChat(lea, "/time")
	waitMessage(t, bc)
	edit = bc.cli.BuildEdit(lea.PN(), ownerID, &waE2E.Message{Conversation: proto.String("We open at 9")})
	if _, err := bc.cli.SendMessage(context.Background(), lea.PN(), edit); err != nil {
		t.Fatalf("send edit: %v", err)
	}

	shown := lea.Shown()
	if len(shown) != 2 {
		t.Fatalf("shown = %+v, want 2 messages", shown)
	}
	if shown[0].ID != resp.ID || shown[0].Text != "Open until 18:00" || shown[0].EditOf != "" {
		t.Errorf("shown[0] = %+v, want %s with the edited text", shown[0], resp.ID)
	}
	if shown[1].ID != ownerID || shown[1].Text != "We open at 9" {
		t.Errorf("shown[1] = %+v, want the owner's %s edited", shown[1], ownerID)
	}
	if n := len(lea.Deliveries()); n != 3 {
		t.Errorf("deliveries = %d, want 3", n)
	}
	if n := len(lea.Received()); n != 3 {
		t.Errorf("received = %d, want 3 (edits are messages of their own there)", n)
	}
}

func TestSelfChatReplyIsOneDelivery(t *testing.T) {
	srv, bc := newLinked(t)
	srv.Phone().SendToSelf("!help")
	m := waitMessage(t, bc)
	sendText(t, bc, m.Info.Chat, "Commands: ...")
	srv.Phone().Next(t, wait)
	if d := srv.Phone().Deliveries(); len(d) != 1 {
		t.Errorf("phone deliveries = %+v, want the self-chat reply once", d)
	}
}

func TestConfigureRemote(t *testing.T) {
	srv := fakewa.NewServer(t)
	if _, err := fakewa.ConfigureRemote("no-key"); err == nil {
		t.Error("ConfigureRemote accepted a malformed remote")
	}
	route, err := fakewa.ConfigureRemote(srv.Remote())
	if err != nil {
		t.Fatal(err)
	}
	if whatsmeow.WACertPubKey != srv.RootKey() {
		t.Error("ConfigureRemote did not install the fake's root key")
	}
	// A client routed by address alone links and talks as with Configure.
	bc := newBotClient(t, srv, filepath.Join(t.TempDir(), "bot.db"))
	route(bc.cli)
	link(t, srv, bc)
	mia := srv.NewCustomer("Mia")
	mia.Send("hello")
	if m := waitMessage(t, bc); textOf(m) != "hello" {
		t.Errorf("bot got %q", textOf(m))
	}
}
