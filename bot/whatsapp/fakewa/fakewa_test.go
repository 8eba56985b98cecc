package fakewa_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage"
)

const wait = 10 * time.Second

// botClient is a bare, unmodified whatsmeow.Client on a SQLite store, with
// its events collected for the test.
type botClient struct {
	cli       *whatsmeow.Client
	container *sqlstore.Container
	events    chan any
	// handle decides the success status of events.Message handling;
	// unset means success.
	handle atomic.Pointer[func(*events.Message) bool]
}

func (bc *botClient) setHandler(f func(*events.Message) bool) { bc.handle.Store(&f) }

func newBotClient(t *testing.T, srv *fakewa.Server, dbPath string) *botClient {
	t.Helper()
	ctx := context.Background()
	var log waLog.Logger
	if os.Getenv("FAKEWA_DEBUG") != "" {
		log = waLog.Stdout("Client", "DEBUG", true)
	}
	st, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	container := sqlstore.NewWithDB(st.SQL(), "sqlite3", log)
	if err := container.Upgrade(ctx); err != nil {
		t.Fatalf("prepare store: %v", err)
	}
	dev, err := container.GetFirstDevice(ctx)
	if err != nil {
		t.Fatalf("get device: %v", err)
	}
	bc := &botClient{cli: whatsmeow.NewClient(dev, log), container: container, events: make(chan any, 1024)}
	bc.cli.SynchronousAck = true
	bc.cli.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		ok := true
		if m, isMsg := evt.(*events.Message); isMsg && bc.handle.Load() != nil {
			ok = (*bc.handle.Load())(m)
		}
		bc.events <- evt
		return ok
	})
	srv.Configure(bc.cli)
	t.Cleanup(func() {
		srv.WaitQuiet(time.Second) // no receipt in flight while closing
		bc.cli.Disconnect()
		_ = container.Close()
	})
	return bc
}

// waitEvent returns the first event of type T, skipping others.
func waitEvent[T any](t *testing.T, bc *botClient) T {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case evt := <-bc.events:
			if v, ok := evt.(T); ok {
				return v
			}
		case <-deadline:
			var zero T
			t.Fatalf("no %T within %v", zero, wait)
			return zero
		}
	}
}

// waitMessage returns the next events.Message with text content.
func waitMessage(t *testing.T, bc *botClient) *events.Message {
	t.Helper()
	for {
		m := waitEvent[*events.Message](t, bc)
		if m.Message.GetConversation() != "" || m.Message.GetExtendedTextMessage().GetText() != "" {
			return m
		}
	}
}

// expectNoMessage fails if a text events.Message arrives within d.
func expectNoMessage(t *testing.T, bc *botClient, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case evt := <-bc.events:
			if m, ok := evt.(*events.Message); ok && m.Message.GetConversation() != "" {
				t.Fatalf("unexpected message %q in %s", m.Message.GetConversation(), m.Info.Chat)
			}
		case <-deadline:
			return
		}
	}
}

// link pairs a fresh client by QR and waits until it is connected.
func link(t *testing.T, srv *fakewa.Server, bc *botClient) {
	t.Helper()
	qr, err := bc.cli.GetQRChannel(context.Background())
	if err != nil {
		t.Fatalf("qr channel: %v", err)
	}
	if err := bc.cli.Connect(); err != nil {
		t.Fatalf("connect: %v", err)
	}
	item := <-qr
	if item.Event != whatsmeow.QRChannelEventCode {
		t.Fatalf("first QR item = %+v, want a code", item)
	}
	if err := srv.Phone().Scan(item.Code); err != nil {
		t.Fatalf("scan: %v", err)
	}
	if item := <-qr; item != whatsmeow.QRChannelSuccess {
		t.Fatalf("QR channel after scan = %+v, want success", item)
	}
	waitEvent[*events.Connected](t, bc)
}

func newLinked(t *testing.T) (*fakewa.Server, *botClient) {
	t.Helper()
	srv := fakewa.NewServer(t)
	bc := newBotClient(t, srv, filepath.Join(t.TempDir(), "bot.db"))
	link(t, srv, bc)
	return srv, bc
}

func TestPairingLinksTheDevice(t *testing.T) {
	srv, bc := newLinked(t)
	pn, lid, ok := srv.Linked()
	if !ok {
		t.Fatal("server has no linked device")
	}
	if got := bc.cli.Store.GetJID(); got != pn {
		t.Errorf("client JID = %s, server linked %s", got, pn)
	}
	if got := bc.cli.Store.GetLID(); got != lid {
		t.Errorf("client LID = %s, server linked %s", got, lid)
	}
	if pn.User != fakewa.OwnerPhone || pn.Device == 0 {
		t.Errorf("linked JID = %s, want a companion device of %s", pn, fakewa.OwnerPhone)
	}
	if !bc.cli.IsLoggedIn() {
		t.Error("client is not logged in after Connected")
	}
	if srv.Logins() != 1 {
		t.Errorf("logins = %d, want 1", srv.Logins())
	}
}

func TestScanRejectsForeignQR(t *testing.T) {
	srv := fakewa.NewServer(t)
	tests := []struct {
		name string
		qr   string
	}{
		{"not a QR", "hello"},
		{"bad base64", "2@x,!!,!!,!!"},
		{"no client waiting", "2@x,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := srv.Phone().Scan(tt.qr); err == nil {
				t.Errorf("Scan(%q) succeeded, want an error", tt.qr)
			}
		})
	}
	if _, _, ok := srv.Linked(); ok {
		t.Error("a rejected scan linked a device")
	}
}

func textOf(m *events.Message) string {
	if t := m.Message.GetConversation(); t != "" {
		return t
	}
	return m.Message.GetExtendedTextMessage().GetText()
}

func sendText(t *testing.T, bc *botClient, to types.JID, text string) whatsmeow.SendResponse {
	t.Helper()
	resp, err := bc.cli.SendMessage(context.Background(), to, &waE2E.Message{Conversation: proto.String(text)})
	if err != nil {
		t.Fatalf("send to %s: %v", to, err)
	}
	return resp
}

func TestCustomerConversation(t *testing.T) {
	tests := []struct {
		addressing fakewa.Addressing
		wantChat   func(c *fakewa.Customer) types.JID
		wantAlt    func(c *fakewa.Customer) types.JID
	}{
		{fakewa.ByPN, (*fakewa.Customer).PN, func(*fakewa.Customer) types.JID { return types.EmptyJID }},
		{fakewa.ByPNWithLID, (*fakewa.Customer).PN, (*fakewa.Customer).LID},
		{fakewa.ByLID, (*fakewa.Customer).LID, func(*fakewa.Customer) types.JID { return types.EmptyJID }},
		{fakewa.ByLIDWithPN, (*fakewa.Customer).LID, (*fakewa.Customer).PN},
	}
	srv, bc := newLinked(t)
	for _, tt := range tests {
		t.Run(tt.addressing.String(), func(t *testing.T) {
			alice := srv.NewCustomer("Alice")
			alice.Addressing = tt.addressing
			for round := range 3 { // pkmsg first, then msg in both directions
				text := fmt.Sprintf("hello %d", round)
				id := alice.Send(text)
				m := waitMessage(t, bc)
				if got := textOf(m); got != text {
					t.Fatalf("bot got %q, want %q", got, text)
				}
				if m.Info.ID != id || m.Info.IsFromMe || m.Info.IsGroup {
					t.Errorf("info = %+v, want id %s from a customer", m.Info, id)
				}
				if want := tt.wantChat(alice); m.Info.Chat != want {
					t.Errorf("chat = %s, want %s", m.Info.Chat, want)
				}
				if want := tt.wantAlt(alice); round == 0 && m.Info.SenderAlt.ToNonAD() != want {
					t.Errorf("sender alt = %s, want %s", m.Info.SenderAlt, want)
				}
				if m.Info.PushName != "Alice" {
					t.Errorf("push name = %q", m.Info.PushName)
				}
				reply := fmt.Sprintf("reply %d", round)
				resp := sendText(t, bc, m.Info.Chat, reply)
				got := alice.Next(t, wait)
				if got.Text != reply || got.ID != resp.ID {
					t.Errorf("customer got %+v, want %q id %s", got, reply, resp.ID)
				}
				waitAcked(t, srv, id)
			}
		})
	}
}

// waitAcked waits until the client acknowledged the stanza.
func waitAcked(t *testing.T, srv *fakewa.Server, id string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !srv.Acked(id) {
		if time.Now().After(deadline) {
			t.Fatalf("stanza %s not acked within %v (acks: %+v)", id, wait, srv.Acks())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCustomerSwitchingAddressing(t *testing.T) {
	tests := []struct {
		name  string
		steps []fakewa.Addressing
	}{
		{"PN then LID revealed", []fakewa.Addressing{fakewa.ByPN, fakewa.ByPN, fakewa.ByPNWithLID, fakewa.ByPN, fakewa.ByLID}},
		{"LID with PN then PN", []fakewa.Addressing{fakewa.ByLIDWithPN, fakewa.ByPN, fakewa.ByLID, fakewa.ByPNWithLID}},
		{"PN then LID without mapping", []fakewa.Addressing{fakewa.ByPN, fakewa.ByLID, fakewa.ByPN, fakewa.ByLIDWithPN, fakewa.ByPN}},
	}
	srv, bc := newLinked(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bob := srv.NewCustomer("Bob")
			for i, a := range tt.steps {
				text := fmt.Sprintf("step %d %s", i, a)
				bob.SendVia(a, text)
				m := waitMessage(t, bc)
				if got := textOf(m); got != text {
					t.Fatalf("bot got %q, want %q", got, text)
				}
				reply := "re: " + text
				sendText(t, bc, m.Info.Chat, reply)
				if got := bob.Next(t, wait); got.Text != reply {
					t.Fatalf("customer got %q, want %q", got.Text, reply)
				}
			}
		})
	}
}

func TestPhoneMessageInCustomerChatAndEdit(t *testing.T) {
	srv, bc := newLinked(t)
	carol := srv.NewCustomer("Carol")
	carol.Send("hi")
	waitMessage(t, bc)

	id := srv.Phone().SendInChat(carol, "/time")
	m := waitMessage(t, bc)
	if textOf(m) != "/time" || m.Info.ID != id {
		t.Fatalf("bot got %q id %s, want /time id %s", textOf(m), m.Info.ID, id)
	}
	if !m.Info.IsFromMe || m.Info.Sender.Device != 0 || m.Info.Chat != carol.PN() {
		t.Errorf("info = from me %v, sender %s, chat %s; want from me, device 0, chat %s",
			m.Info.IsFromMe, m.Info.Sender, m.Info.Chat, carol.PN())
	}
	if m.Info.DeviceSentMeta == nil || m.Info.DeviceSentMeta.DestinationJID != carol.PN().String() {
		t.Errorf("device sent meta = %+v, want destination %s", m.Info.DeviceSentMeta, carol.PN())
	}

	edit := bc.cli.BuildEdit(m.Info.Chat, m.Info.ID, &waE2E.Message{Conversation: proto.String("We are open until 18:00")})
	if _, err := bc.cli.SendMessage(context.Background(), m.Info.Chat, edit); err != nil {
		t.Fatalf("send edit: %v", err)
	}
	got := carol.Next(t, wait)
	if got.EditOf != id || got.Text != "We are open until 18:00" {
		t.Errorf("customer got %+v, want an edit of %s", got, id)
	}
	gotPhone := srv.Phone().Next(t, wait)
	if gotPhone.EditOf != id || gotPhone.Text != "We are open until 18:00" || gotPhone.Chat != carol.PN() {
		t.Errorf("phone got %+v, want an edit of %s in %s", gotPhone, id, carol.PN())
	}
	sent := srv.Sent()
	if last := sent[len(sent)-1]; last.Edit != "1" || last.To != carol.PN() {
		t.Errorf("last outgoing = %+v, want an edit to %s", last, carol.PN())
	}
}

func TestSelfChat(t *testing.T) {
	srv, bc := newLinked(t)
	id := srv.Phone().SendToSelf("!help")
	m := waitMessage(t, bc)
	if textOf(m) != "!help" || m.Info.ID != id || !m.Info.IsFromMe {
		t.Fatalf("bot got %q id %s from me %v", textOf(m), m.Info.ID, m.Info.IsFromMe)
	}
	if m.Info.Chat.User != bc.cli.Store.GetJID().User {
		t.Errorf("chat = %s, want the own number", m.Info.Chat)
	}
	sendText(t, bc, m.Info.Chat, "Commands: ...")
	got := srv.Phone().Next(t, wait)
	if got.Text != "Commands: ..." || got.Chat.User != fakewa.OwnerPhone {
		t.Errorf("phone got %+v, want the reply in the self chat", got)
	}
	// The phone's chat with itself keeps working in both directions.
	srv.Phone().SendToSelf("!status")
	if m := waitMessage(t, bc); textOf(m) != "!status" {
		t.Errorf("second self message = %q", textOf(m))
	}
}

func TestGroupAndStatusMessages(t *testing.T) {
	srv, bc := newLinked(t)
	dave := srv.NewCustomer("Dave")
	group := types.NewJID("120363000000000001", types.GroupServer)
	tests := []struct {
		name string
		send func(text string) string
		chat types.JID
	}{
		{"group", func(text string) string { return dave.SendInGroup(group, text) }, group},
		{"group again", func(text string) string { return dave.SendInGroup(group, text) }, group},
		{"status", func(text string) string { return dave.PostStatus(text) }, types.StatusBroadcastJID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.send("in " + tt.name)
			m := waitMessage(t, bc)
			if textOf(m) != "in "+tt.name || m.Info.ID != id {
				t.Fatalf("bot got %q id %s", textOf(m), m.Info.ID)
			}
			if !m.Info.IsGroup || m.Info.Chat != tt.chat || m.Info.Sender.User != dave.PN().User {
				t.Errorf("info: group %v chat %s sender %s", m.Info.IsGroup, m.Info.Chat, m.Info.Sender)
			}
			waitAcked(t, srv, id)
		})
	}
	// A DM after group traffic still decrypts (shared pairwise session).
	dave.Send("direct")
	if m := waitMessage(t, bc); textOf(m) != "direct" || m.Info.IsGroup {
		t.Errorf("DM after group: %q group %v", textOf(m), m.Info.IsGroup)
	}
}

func TestLogOutFromServer(t *testing.T) {
	srv, bc := newLinked(t)
	srv.LogOut()
	lo := waitEvent[*events.LoggedOut](t, bc)
	if lo.OnConnect {
		t.Errorf("LoggedOut.OnConnect = true, want a stream error while connected")
	}
	// whatsmeow deletes the device concurrently with dispatching
	// LoggedOut; wait for the row to go.
	deadline := time.Now().Add(wait)
	for {
		devices, err := bc.container.GetAllDevices(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(devices) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("device still stored %v after logout", wait)
		}
		time.Sleep(time.Millisecond)
	}
	if _, _, ok := srv.Linked(); ok {
		t.Error("server still has a linked device")
	}

	// Linking again with a new device works (what the bot does after
	// LoggedOut: a new device, a new QR).
	bc2 := newBotClient(t, srv, filepath.Join(t.TempDir(), "bot2.db"))
	link(t, srv, bc2)
	erin := srv.NewCustomer("Erin")
	erin.Send("after relink")
	if m := waitMessage(t, bc2); textOf(m) != "after relink" {
		t.Errorf("after relink got %q", textOf(m))
	}
}

func TestLoginRefusedAfterLogoutWhileOffline(t *testing.T) {
	srv, bc := newLinked(t)
	srv.WaitQuiet(time.Second)
	bc.cli.Disconnect()
	srv.LogOut()
	if err := bc.cli.Connect(); err != nil {
		t.Fatalf("connect: %v", err)
	}
	lo := waitEvent[*events.LoggedOut](t, bc)
	if !lo.OnConnect || lo.Reason != events.ConnectFailureLoggedOut {
		t.Errorf("LoggedOut = %+v, want on connect with reason 401", lo)
	}
}

func TestDroppedConnectionQueuesAndDelivers(t *testing.T) {
	srv, bc := newLinked(t)
	frank := srv.NewCustomer("Frank")
	frank.Send("before")
	waitMessage(t, bc)

	release := srv.HoldLogin()
	srv.DropConnection()
	waitEvent[*events.Disconnected](t, bc)
	id := frank.Send("while offline")
	if n := srv.DeliveryCount(id); n != 0 {
		t.Fatalf("delivered %d times while the client was offline", n)
	}
	release()
	srv.WaitLogin(t, 2, wait)
	m := waitMessage(t, bc)
	if textOf(m) != "while offline" || m.Info.ID != id {
		t.Fatalf("after reconnect got %q id %s", textOf(m), m.Info.ID)
	}
	waitAcked(t, srv, id)
	if n := srv.DeliveryCount(id); n != 1 {
		t.Errorf("delivered %d times, want 1", n)
	}
	// The reconnected client can still reply.
	sendText(t, bc, m.Info.Chat, "back")
	if got := frank.Next(t, wait); got.Text != "back" {
		t.Errorf("reply after reconnect = %q", got.Text)
	}
}

func TestMessageAckedOnlyAfterHandling(t *testing.T) {
	srv, bc := newLinked(t)
	gina := srv.NewCustomer("Gina")
	var fail atomic.Bool
	fail.Store(true)
	bc.setHandler(func(m *events.Message) bool { return textOf(m) == "" || !fail.Load() })
	id := gina.Send("please answer")
	if m := waitMessage(t, bc); m.Info.ID != id {
		t.Fatalf("handled %s, want %s", m.Info.ID, id)
	}
	expectNoMessage(t, bc, 50*time.Millisecond)
	if srv.Acked(id) {
		t.Fatal("message acked although the handler failed")
	}

	// The server delivers unacked stanzas again after a reconnect. The
	// ciphertext is the same, so whatsmeow can only decrypt it again with
	// its decrypted-event buffer; without it, it acks the duplicate
	// without an event.
	fail.Store(false)
	srv.DropConnection()
	srv.WaitLogin(t, 2, wait)
	waitAcked(t, srv, id)
	if n := srv.DeliveryCount(id); n != 2 {
		t.Errorf("delivered %d times, want 2", n)
	}
}

func TestRedeliverWithEventBuffer(t *testing.T) {
	srv := fakewa.NewServer(t)
	bc := newBotClient(t, srv, filepath.Join(t.TempDir(), "bot.db"))
	bc.cli.EnableDecryptedEventBuffer = true
	link(t, srv, bc)
	hank := srv.NewCustomer("Hank")

	tests := []struct {
		name       string
		failFirst  bool
		wantEvents int
	}{
		// After a crash between handling and the receipt, the buffer
		// has been cleared: the same stanza is acked without an event.
		{"handled before crash", false, 1},
		// The handler failed: the plaintext stays buffered and the
		// redelivered stanza is handled again.
		{"handler failed", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			bc.setHandler(func(m *events.Message) bool {
				if textOf(m) == "" {
					return true
				}
				n := calls.Add(1)
				return !(tt.failFirst && n == 1)
			})
			id := hank.Send(tt.name)
			waitMessage(t, bc)
			if err := srv.Redeliver(id); err != nil {
				t.Fatal(err)
			}
			if tt.wantEvents == 2 {
				if m := waitMessage(t, bc); m.Info.ID != id {
					t.Errorf("redelivered id = %s, want %s", m.Info.ID, id)
				}
			}
			waitAcked(t, srv, id)
			expectNoMessage(t, bc, 50*time.Millisecond)
			if n := int(calls.Load()); n != tt.wantEvents {
				t.Errorf("handler ran %d times, want %d", n, tt.wantEvents)
			}
		})
	}
}

func TestImageUploadAndSend(t *testing.T) {
	srv, bc := newLinked(t)
	ivy := srv.NewCustomer("Ivy")
	ivy.Send("link please")
	m := waitMessage(t, bc)

	png := []byte("\x89PNG\r\n\x1a\n fake image bytes of some length")
	up, err := bc.cli.Upload(context.Background(), png, whatsmeow.MediaImage)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	_, err = bc.cli.SendMessage(context.Background(), m.Info.Chat, &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		URL:           proto.String(up.URL),
		DirectPath:    proto.String(up.DirectPath),
		MediaKey:      up.MediaKey,
		FileEncSHA256: up.FileEncSHA256,
		FileSHA256:    up.FileSHA256,
		FileLength:    proto.Uint64(up.FileLength),
		Mimetype:      proto.String("image/png"),
		Caption:       proto.String("wa.me/15550001000"),
	}})
	if err != nil {
		t.Fatalf("send image: %v", err)
	}
	got := ivy.Next(t, wait)
	if got.ImageErr != nil || string(got.Image) != string(png) || got.Text != "wa.me/15550001000" {
		t.Errorf("customer got image %q (err %v) caption %q", got.Image, got.ImageErr, got.Text)
	}
}

func TestResendSameIDReachesHandlerAgain(t *testing.T) {
	srv, bc := newLinked(t)
	jack := srv.NewCustomer("Jack")
	id := jack.Send("once")
	first := waitMessage(t, bc)
	waitAcked(t, srv, id)
	if err := srv.Resend(id); err != nil {
		t.Fatal(err)
	}
	second := waitMessage(t, bc)
	if second.Info.ID != first.Info.ID || textOf(second) != "once" {
		t.Errorf("resent message = %q id %s, want the same id %s", textOf(second), second.Info.ID, first.Info.ID)
	}
	if second.RetryCount != 1 {
		t.Errorf("retry count = %d, want 1", second.RetryCount)
	}
	if err := srv.Resend("no-such-id"); err == nil {
		t.Error("Resend of an unknown id succeeded")
	}
}

func TestRetryReceiptRebuildsSession(t *testing.T) {
	srv, bc := newLinked(t)
	kim := srv.NewCustomer("Kim")
	kim.Send("first")
	waitMessage(t, bc)

	// The linked device loses its session with Kim (as after restoring an
	// old database): it cannot decrypt her next message and asks for a
	// retry; the second retry receipt carries keys for a new session.
	addr := kim.PN().SignalAddress().String()
	if err := bc.cli.Store.Sessions.DeleteSession(context.Background(), addr); err != nil {
		t.Fatal(err)
	}
	id := kim.Send("second")
	m := waitMessage(t, bc)
	if textOf(m) != "second" || m.Info.ID != id {
		t.Fatalf("after retries got %q id %s", textOf(m), m.Info.ID)
	}
	retries := 0
	for _, a := range srv.Acks() {
		if a.ID == id && a.Type == "retry" {
			retries++
		}
	}
	if retries != 2 {
		t.Errorf("retry receipts = %d, want 2", retries)
	}
}

func TestPhoneReadsChat(t *testing.T) {
	srv, bc := newLinked(t)
	lea := srv.NewCustomer("Lea")
	id1 := lea.Send("one")
	waitMessage(t, bc)
	id2 := lea.Send("two")
	waitMessage(t, bc)
	srv.Phone().ReadChat(lea, id1, id2)
	r := waitEvent[*events.Receipt](t, bc)
	if !r.IsFromMe || r.Chat != lea.PN() || r.Type != types.ReceiptTypeRead || r.Sender.Device != 0 {
		t.Errorf("receipt: from me %v chat %s type %q sender %s", r.IsFromMe, r.Chat, r.Type, r.Sender)
	}
	if len(r.MessageIDs) != 2 || r.MessageIDs[0] != id1 || r.MessageIDs[1] != id2 {
		t.Errorf("receipt ids = %v, want [%s %s]", r.MessageIDs, id1, id2)
	}
}

func TestHistorySync(t *testing.T) {
	srv, bc := newLinked(t)
	known := srv.NewCustomer("Known")
	srv.Phone().SyncHistory(known)
	hs := waitEvent[*events.HistorySync](t, bc)
	convs := hs.Data.GetConversations()
	if len(convs) != 1 || convs[0].GetID() != known.PN().String() {
		t.Fatalf("history sync conversations = %v, want [%s]", convs, known.PN())
	}
	// The mapping from the blob is stored, so a message by PN without
	// sender_lid is still decrypted under the LID session.
	waitFor(t, func() bool {
		lid, err := bc.cli.Store.LIDs.GetLIDForPN(context.Background(), known.PN())
		return err == nil && lid == known.LID()
	})
	known.Send("hello again")
	m := waitMessage(t, bc)
	if textOf(m) != "hello again" || m.Info.SenderAlt.ToNonAD() != known.LID() {
		t.Errorf("got %q sender alt %s, want alt %s", textOf(m), m.Info.SenderAlt, known.LID())
	}
	sendText(t, bc, m.Info.Chat, "welcome back")
	if got := known.Next(t, wait); got.Text != "welcome back" {
		t.Errorf("customer got %q", got.Text)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", wait)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWaitConnectedCountsLogins(t *testing.T) {
	srv, bc := newLinked(t)
	srv.WaitConnected(t, 1, wait)
	srv.DropConnection()
	srv.WaitConnected(t, 2, wait)
	waitEvent[*events.Connected](t, bc)
	if got := srv.Logins(); got != 2 {
		t.Errorf("logins = %d, want 2", got)
	}
}

func TestPhoneSeesCopiesOfEverySend(t *testing.T) {
	srv, bc := newLinked(t)
	mia := srv.NewCustomer("Mia")
	mia.Send("hi")
	m := waitMessage(t, bc)
	sendText(t, bc, m.Info.Chat, "to Mia")
	sendText(t, bc, types.NewJID(fakewa.OwnerPhone, types.DefaultUserServer), "to self")
	self := srv.Phone().NextWhere(t, wait, func(r fakewa.Received) bool { return r.Chat.User == fakewa.OwnerPhone })
	if self.Text != "to self" {
		t.Errorf("self chat copy = %q", self.Text)
	}
	var copies []string
	for _, r := range srv.Phone().Received() {
		copies = append(copies, r.Chat.User+":"+r.Text)
	}
	want := []string{mia.PN().User + ":to Mia", fakewa.OwnerPhone + ":to self"}
	if fmt.Sprint(copies) != fmt.Sprint(want) {
		t.Errorf("phone copies = %v, want %v", copies, want)
	}
}

func TestClientLogoutUnlinks(t *testing.T) {
	srv, bc := newLinked(t)
	if err := bc.cli.Logout(context.Background()); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if _, _, ok := srv.Linked(); ok {
		t.Error("server still has a linked device after the client logged out")
	}
}
