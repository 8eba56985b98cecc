package fakewa_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"

	"frontdesk/bot/whatsapp/fakewa"
)

const wait = 10 * time.Second

// botClient is a bare, unmodified whatsmeow.Client on a SQLite store, with
// its events collected for the test.
type botClient struct {
	cli       *whatsmeow.Client
	container *sqlstore.Container
	events    chan any
	// handle decides the success status of events.Message handling;
	// nil means success.
	handle func(*events.Message) bool
}

func newBotClient(t *testing.T, srv *fakewa.Server, dbPath string) *botClient {
	t.Helper()
	ctx := context.Background()
	var log waLog.Logger
	if os.Getenv("FAKEWA_DEBUG") != "" {
		log = waLog.Stdout("Client", "DEBUG", true)
	}
	container, err := sqlstore.New(ctx, "sqlite3", "file:"+dbPath+"?_foreign_keys=on", log)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	dev, err := container.GetFirstDevice(ctx)
	if err != nil {
		t.Fatalf("get device: %v", err)
	}
	bc := &botClient{cli: whatsmeow.NewClient(dev, log), container: container, events: make(chan any, 1024)}
	bc.cli.SynchronousAck = true
	bc.cli.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		ok := true
		if m, isMsg := evt.(*events.Message); isMsg && bc.handle != nil {
			ok = bc.handle(m)
		}
		bc.events <- evt
		return ok
	})
	srv.Configure(bc.cli)
	t.Cleanup(func() {
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

var _ = types.EmptyJID
