package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp/fakewa"
)

// These tests run `frontdesk run`'s wiring (runBot: storage on SQLite, the
// real engine and commands, the whatsmeow adapter) against an in-process
// fake WhatsApp server, with the real whatsmeow client. They must not run
// in parallel: the fake replaces whatsmeow's certificate root key.

const e2eWait = 10 * time.Second

// runningBot is one runBot call in the background.
type runningBot struct {
	cancel context.CancelFunc
	done   chan error
}

// e2e is a fake WhatsApp with one bot process (restartable) on one
// database.
type e2e struct {
	t      *testing.T
	srv    *fakewa.Server
	dbPath string
	qrs    chan string
	out    *porttest.Output
	errOut *porttest.Output
	bot    *runningBot
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	e := &e2e{
		t:      t,
		srv:    fakewa.NewServer(t),
		dbPath: filepath.Join(t.TempDir(), "frontdesk.db"),
		qrs:    make(chan string, 64),
		out:    &porttest.Output{},
		errOut: &porttest.Output{},
	}
	t.Cleanup(func() {
		e.stop()
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", e.out.String(), e.errOut.String())
		}
	})
	return e
}

// start runs the bot as `frontdesk run --db` would.
func (e *e2e) start() {
	e.t.Helper()
	e.startWith(runConfig{Stdout: e.out, Stderr: e.errOut})
}

// startWith runs the bot with rc on e's database and fake server, its QR
// codes going to e.qrs.
func (e *e2e) startWith(rc runConfig) {
	rc.DBPath = e.dbPath
	rc.ConfigureClient = e.srv.Configure
	rc.OnQR = func(code string) {
		select {
		case e.qrs <- code:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	rb := &runningBot{cancel: cancel, done: make(chan error, 1)}
	go func() { rb.done <- runBot(ctx, rc) }()
	e.bot = rb
}

// link has the phone scan the bot's QR code and waits until the bot is
// online.
func (e *e2e) link() {
	e.t.Helper()
	if err := e.srv.Phone().Scan(e.nextQR()); err != nil {
		e.t.Fatalf("scan: %v", err)
	}
	e.srv.WaitConnected(e.t, 1, e2eWait)
}

// stop ends the bot as SIGINT would and waits for runBot to return.
func (e *e2e) stop() {
	e.t.Helper()
	if e.bot == nil {
		return
	}
	e.srv.WaitQuiet(time.Second)
	e.bot.cancel()
	select {
	case err := <-e.bot.done:
		if err != nil && err != context.Canceled {
			e.t.Errorf("runBot returned %v", err)
		}
	case <-time.After(e2eWait):
		e.t.Errorf("runBot did not return within %v of cancel", e2eWait)
	}
	e.bot = nil
}

// nextQR waits for a QR code shown by the bot.
func (e *e2e) nextQR() string {
	e.t.Helper()
	select {
	case code := <-e.qrs:
		return code
	case <-time.After(e2eWait):
		e.t.Fatalf("no QR code within %v; stdout:\n%s", e2eWait, e.out.String())
		return ""
	}
}

// command sends a command from the phone's self chat and returns the bot's
// answer there.
func (e *e2e) command(text string) string {
	e.t.Helper()
	e.srv.Phone().SendToSelf(text)
	r := e.srv.Phone().NextWhere(e.t, e2eWait, func(r fakewa.Received) bool {
		return r.Chat.User == fakewa.OwnerPhone
	})
	return r.Text
}

// loggedOutLine is how the bot tells the person at the terminal.
var loggedOutLine = regexp.MustCompile(`(?i)logged (this device )?out`)

func inChat(c *fakewa.Customer) func(fakewa.Received) bool {
	return func(r fakewa.Received) bool { return r.Chat == c.PN() || r.Chat == c.LID() }
}

// waitAck waits until the bot acknowledged the stanza: it has recorded it.
func (e *e2e) waitAck(id string) {
	e.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for !e.srv.Acked(id) {
		if time.Now().After(deadline) {
			e.t.Fatalf("message %s not acked within %v", id, e2eWait)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestEndToEnd(t *testing.T) {
	began := time.Now()
	e := newE2E(t)
	phone := e.srv.Phone()
	const greeting = "Hello Alice, welcome to the shop!"

	e.start()
	t.Run("links by QR code", func(t *testing.T) {
		if err := phone.Scan(e.nextQR()); err != nil {
			t.Fatalf("scan: %v", err)
		}
		e.srv.WaitConnected(t, 1, e2eWait)
		if pn, _, ok := e.srv.Linked(); !ok || pn.User != fakewa.OwnerPhone {
			t.Fatalf("linked = %v %v", pn, ok)
		}
	})

	t.Run("owner configures from the self chat", func(t *testing.T) {
		for _, cmd := range []string{
			"!greeting text Hello {name}, welcome to the shop!",
			"!greeting on",
			"!kw add price, prices = An espresso is 1.20",
			"!qr add /time We are open Mon-Fri 9:00-18:00",
		} {
			if got := e.command(cmd); got == "" || strings.HasPrefix(got, "Usage") {
				t.Errorf("%s answered %q", cmd, got)
			}
		}
		if got := e.command("!status"); !strings.Contains(got, "Greeting: on") {
			t.Errorf("!status = %q, want the greeting on", got)
		}
	})

	alice := e.srv.NewCustomer("Alice")
	bob := e.srv.NewCustomer("Bob")
	bob.Addressing = fakewa.ByLIDWithPN
	t.Run("customer by phone number gets the greeting", func(t *testing.T) {
		alice.Send("hi")
		if got := alice.Next(t, e2eWait); got.Text != greeting {
			t.Errorf("Alice got %q, want %q", got.Text, greeting)
		}
		if r := phone.NextWhere(t, e2eWait, inChat(alice)); r.Text != greeting {
			t.Errorf("the phone's copy = %q", r.Text)
		}
	})
	t.Run("customer by LID gets the greeting", func(t *testing.T) {
		bob.Send("good morning")
		if got := bob.Next(t, e2eWait); got.Text != "Hello Bob, welcome to the shop!" {
			t.Errorf("Bob got %q", got.Text)
		}
	})
	t.Run("same customer by phone number after LID is not greeted again", func(t *testing.T) {
		bob.SendVia(fakewa.ByPN, "the price please")
		if got := bob.Next(t, e2eWait); got.Text != "An espresso is 1.20" {
			t.Errorf("Bob got %q, want only the keyword answer", got.Text)
		}
	})
	t.Run("keyword answer", func(t *testing.T) {
		alice.Send("What are your prices?")
		if got := alice.Next(t, e2eWait); got.Text != "An espresso is 1.20" {
			t.Errorf("Alice got %q", got.Text)
		}
	})

	t.Run("a command from a customer is an ordinary message", func(t *testing.T) {
		greta := e.srv.NewCustomer("Greta")
		greta.Send("!off")
		if got := greta.Next(t, e2eWait); got.Text != "Hello Greta, welcome to the shop!" {
			t.Errorf("Greta got %q, want the greeting", got.Text)
		}
		if got := e.command("!status"); !strings.Contains(got, "Kill switch: off") {
			t.Errorf("!status after a customer's !off = %q", got)
		}
	})

	t.Run("quick reply typed on the phone is edited in place", func(t *testing.T) {
		id := phone.SendInChat(alice, "/time")
		got := alice.Next(t, e2eWait)
		if got.EditOf != id || got.Text != "We are open Mon-Fri 9:00-18:00" {
			t.Errorf("Alice got %+v, want an edit of %s", got, id)
		}
		r := phone.NextWhere(t, e2eWait, func(r fakewa.Received) bool { return r.EditOf == id })
		if r.Text != "We are open Mon-Fri 9:00-18:00" || r.Chat != alice.PN() {
			t.Errorf("the phone saw %+v", r)
		}
	})

	t.Run("group and status messages are ignored", func(t *testing.T) {
		carol := e.srv.NewCustomer("Carol")
		g := carol.SendInGroup(types.NewJID("120363000000000001", types.GroupServer), "hi all, prices?")
		s := carol.PostStatus("new status")
		e.waitAck(g)
		e.waitAck(s)
		carol.ExpectNothing(t, 300*time.Millisecond)
		for _, out := range e.srv.Sent() {
			if out.To.Server == types.GroupServer || out.To.Server == types.BroadcastServer {
				t.Errorf("the bot sent to %s", out.To)
			}
		}
	})

	t.Run("redelivery after a crash gives one reply", func(t *testing.T) {
		dan := e.srv.NewCustomer("Dan")
		id := dan.Send("hello")
		if got := dan.Next(t, e2eWait); got.Text != "Hello Dan, welcome to the shop!" {
			t.Fatalf("Dan got %q", got.Text)
		}
		e.waitAck(id)
		// The process dies and comes back on the same database: the
		// session is kept (no QR) and the message arrives again, both
		// as the identical stanza and re-encrypted by the sender.
		e.stop()
		e.start()
		e.srv.WaitConnected(t, 2, e2eWait)
		if err := e.srv.Redeliver(id); err != nil {
			t.Fatal(err)
		}
		e.waitAck(id)
		if err := e.srv.Resend(id); err != nil {
			t.Fatal(err)
		}
		e.waitAck(id)
		dan.ExpectNothing(t, 300*time.Millisecond)
		if !strings.Contains(e.errOut.String(), "duplicate") {
			t.Errorf("the re-encrypted copy did not reach the bot as a duplicate; log:\n%s", e.errOut.String())
		}
		select {
		case code := <-e.qrs:
			t.Errorf("restart showed a QR code %q", code)
		default:
		}
	})

	t.Run("dropped connection: reconnects and answers what came meanwhile once", func(t *testing.T) {
		erin := e.srv.NewCustomer("Erin")
		release := e.srv.HoldLogin()
		e.srv.DropConnection()
		id := erin.Send("anyone there?")
		time.Sleep(20 * time.Millisecond)
		if n := e.srv.DeliveryCount(id); n != 0 {
			t.Fatalf("delivered %d times while disconnected", n)
		}
		release()
		e.srv.WaitConnected(t, 3, e2eWait)
		if got := erin.Next(t, e2eWait); got.Text != "Hello Erin, welcome to the shop!" {
			t.Errorf("Erin got %q", got.Text)
		}
		e.waitAck(id)
		erin.ExpectNothing(t, 300*time.Millisecond)
	})

	t.Run("logged out by WhatsApp: says so and offers a new QR code", func(t *testing.T) {
		e.srv.LogOut()
		code := e.nextQR()
		if !loggedOutLine.MatchString(e.out.String()) {
			t.Errorf("stdout does not say the device was logged out:\n%s", e.out.String())
		}
		// Linking again works and keeps the configuration.
		if err := phone.Scan(code); err != nil {
			t.Fatalf("scan: %v", err)
		}
		e.srv.WaitConnected(t, 4, e2eWait)
		fay := e.srv.NewCustomer("Fay")
		fay.Send("hi")
		if got := fay.Next(t, e2eWait); got.Text != "Hello Fay, welcome to the shop!" {
			t.Errorf("after relinking Fay got %q", got.Text)
		}
	})

	t.Logf("end-to-end scenario took %v", time.Since(began))
}
