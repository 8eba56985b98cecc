package whatsapp_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp"
	"frontdesk/bot/whatsapp/fakewa"
)

// linkedAdapter is an adapter linked to srv by QR code, started into in and
// connected.
func linkedAdapter(t *testing.T, srv *fakewa.Server) (*whatsapp.Adapter, *inbox, *porttest.Output) {
	t.Helper()
	db := openStore(t, filepath.Join(t.TempDir(), "bot.db")).SQL()
	out := &porttest.Output{}
	qrs := make(chan string, 16)
	a, err := whatsapp.NewOneNumberForTest(context.Background(), db, whatsapp.Options{
		Out: out, ConfigureClient: srv.Configure,
		OnQR: func(code string) { qrs <- code },
	})
	if err != nil {
		t.Fatal(err)
	}
	return linkAndStart(t, srv, a, qrs, out)
}

// linkedAdapterAt is linkedAdapter made as `frontdesk run` makes each
// number's adapter (one device store, a new device of it) in the
// database dsn names: a SQLite file or a PostgreSQL schema.
func linkedAdapterAt(t *testing.T, srv *fakewa.Server, dsn string) (*whatsapp.Adapter, *inbox, *porttest.Output) {
	t.Helper()
	st := openStore(t, dsn)
	c, err := whatsapp.OpenStore(context.Background(), st.SQL(), st.Dialect(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := &porttest.Output{}
	qrs := make(chan string, 16)
	a := whatsapp.NewForDevice(c, c.NewDevice(), whatsapp.Options{
		Out: out, ConfigureClient: srv.Configure,
		OnQR: func(code string) { qrs <- code },
	})
	return linkAndStart(t, srv, a, qrs, out)
}

func linkAndStart(t *testing.T, srv *fakewa.Server, a *whatsapp.Adapter, qrs chan string, out *porttest.Output) (*whatsapp.Adapter, *inbox, *porttest.Output) {
	t.Helper()
	t.Cleanup(func() { srv.WaitQuiet(time.Second); a.Stop(); a.Disconnect() })
	linkErr := make(chan error, 1)
	go func() { _, err := a.Link(context.Background(), ""); linkErr <- err }()
	select {
	case code := <-qrs:
		if err := srv.Phone().Scan(code); err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no QR code shown; output %q", out.String())
	}
	if err := <-linkErr; err != nil {
		t.Fatal(err)
	}
	in := newInbox()
	a.Start(in)
	srv.WaitConnected(t, 1, 5*time.Second)
	// The server sees the socket before whatsmeow's Connected event has
	// reached the adapter: wait for the adapter itself to be online, or a
	// test that asks WhatsApp something right away finds it offline.
	deadline := time.Now().Add(10 * time.Second)
	for !a.Online() {
		if time.Now().After(deadline) {
			t.Fatalf("the adapter never came online; output %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return a, in, out
}

func waitOutput(t *testing.T, out *porttest.Output, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output never said %q: %q", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSendDuringOutageIsNotSent: after the socket dropped (whatsmeow still
// says logged in) every kind of send waits for the connection and then
// fails with bot.ErrNotSent, so the bot keeps the message; once the server
// is back the same message goes out, once.
func TestSendDuringOutageIsNotSent(t *testing.T) {
	srv := fakewa.NewServer(t)
	a, _, out := linkedAdapter(t, srv)
	cust := srv.NewCustomer("Olga")
	to := whatsapp.UserID(cust.PN())

	back := srv.GoOffline()
	waitOutput(t, out, "Connection to WhatsApp lost")
	waitOutput(t, out, "connection refused")

	id := a.NewMessageID()
	sends := []struct {
		name string
		send func(ctx context.Context) error
	}{
		{"text", func(ctx context.Context) error { _, err := a.SendText(ctx, to, "hello", id); return err }},
		{"edit", func(ctx context.Context) error { return a.EditText(ctx, to, "3EB0AAAAAAAAAAAAAAAA", "hello") }},
		{"image", func(ctx context.Context) error {
			_, err := a.SendImage(ctx, to, []byte("\x89PNG"), "caption")
			return err
		}},
	}
	for _, s := range sends {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := s.send(ctx)
		cancel()
		if !errors.Is(err, bot.ErrNotSent) {
			t.Errorf("%s during the outage: %v, want bot.ErrNotSent", s.name, err)
		}
	}
	if n := len(srv.Sent()); n != 0 {
		t.Fatalf("the server got %d stanzas during the outage", n)
	}

	back()
	srv.WaitConnected(t, 2, 15*time.Second)
	got, err := a.SendText(context.Background(), to, "hello", id)
	if err != nil || got != id {
		t.Fatalf("SendText after the outage = %q, %v; want id %s", got, err, id)
	}
	if r := cust.Next(t, 5*time.Second); r.Text != "hello" {
		t.Fatalf("customer got %q", r.Text)
	}
	cust.ExpectNothing(t, 200*time.Millisecond)
}

// openStore is a fresh database as frontdesk opens it (the adapter's own
// tests' helper).
var openStore = whatsapp.OpenStoreForTest
