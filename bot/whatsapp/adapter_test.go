package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/socket"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage"
)

// recorder is a Handler that records what it is given and can be told to
// fail or to take its time.
type recorder struct {
	mu     sync.Mutex
	msgs   []bot.Message
	events []any
	fail   error
	delay  time.Duration
}

func (r *recorder) HandleMessage(ctx context.Context, m bot.Message) error {
	time.Sleep(r.delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) HandleEvent(ctx context.Context, ev any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.events = append(r.events, ev)
	return nil
}

func (r *recorder) got() ([]bot.Message, []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.msgs...), append([]any(nil), r.events...)
}

// syncBuffer is a bytes.Buffer safe for the adapter's goroutines.

// openDB is a fresh database as frontdesk opens it (storage.Open), for
// the adapter's session tables.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	return openStorage(t, filepath.Join(t.TempDir(), "wa.db")).SQL()
}

// OpenStoreForTest is openStorage for the package's external tests.
var OpenStoreForTest = openStorage

// newOneNumber is an adapter for the first device of the SQLite database
// db's device store, made as `frontdesk run` makes every number's
// (OpenStore, NewForDevice): the tests of one number use it.
func newOneNumber(ctx context.Context, db *sql.DB, opts Options) (*Adapter, error) {
	c, err := OpenStore(ctx, db, "sqlite3", opts.Log)
	if err != nil {
		return nil, err
	}
	device, err := c.GetFirstDevice(ctx)
	if err != nil {
		return nil, fmt.Errorf("load whatsapp session: %w", err)
	}
	return NewForDevice(c, device, opts), nil
}

// NewOneNumberForTest is newOneNumber for the package's external tests.
var NewOneNumberForTest = newOneNumber

func openStorage(t *testing.T, path string) *storage.DB {
	t.Helper()
	st, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// refusingClient dials a port nobody listens on.
func refusingClient(t *testing.T) *http.Client {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}}
}

// hangingClient never completes a dial (a network that swallows packets).
func hangingClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}}
}

func routeTo(h *http.Client) func(*whatsmeow.Client) {
	return func(c *whatsmeow.Client) {
		c.SetPreLoginHTTPClient(h)
		c.SetWebsocketHTTPClient(h)
	}
}

func newAdapter(t *testing.T, db *sql.DB, out *porttest.Output, route *http.Client) *Adapter {
	t.Helper()
	a, err := newOneNumber(context.Background(), db, Options{Out: out, ConfigureClient: routeTo(route)})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// linkFakeDevice stores a session as if the phone had linked us.
func linkFakeDevice(t *testing.T, db *sql.DB) {
	t.Helper()
	a, err := newOneNumber(context.Background(), db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dev := a.Client().Store
	id := types.JID{User: ownPhone, Server: types.DefaultUserServer, Device: ownDevice}
	dev.ID = &id
	dev.LID = types.JID{User: ownLIDNum, Server: types.HiddenUserServer}
	dev.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := dev.Save(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNewWithoutSessionIsNotLinked(t *testing.T) {
	db := openDB(t)
	a := newAdapter(t, db, &porttest.Output{}, refusingClient(t))
	if a.Linked() {
		t.Fatal("fresh database reported linked")
	}
	if a.Own() != (Own{}) {
		t.Fatalf("own = %+v before linking", a.Own())
	}
}

func TestStoredSessionIsLinked(t *testing.T) {
	db := openDB(t)
	linkFakeDevice(t, db)
	a := newAdapter(t, db, &porttest.Output{}, refusingClient(t))
	if !a.Linked() {
		t.Fatal("stored session not seen")
	}
	own := a.Own()
	if own.Self() != "15550001111" || own.SelfLID() != "lid:99990001111" || own.PN.Device != ownDevice {
		t.Fatalf("own = %+v", own)
	}
}

// TestOfflineShutdownIsQuick: without network the adapter says so in one
// line per attempt, keeps retrying, and stops within a second of being
// asked, even while a dial hangs.
func TestOfflineShutdownIsQuick(t *testing.T) {
	cases := []struct {
		name   string
		client func(t *testing.T) *http.Client
		linked bool
	}{
		{"linked, connection refused", refusingClient, true},
		{"linked, dial hangs", func(*testing.T) *http.Client { return hangingClient() }, true},
		{"linking, connection refused", refusingClient, false},
		{"linking, dial hangs", func(*testing.T) *http.Client { return hangingClient() }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			if tc.linked {
				linkFakeDevice(t, db)
			}
			out := &porttest.Output{}
			a := newAdapter(t, db, out, tc.client(t))
			ctx, cancel := context.WithCancel(context.Background())
			linkDone := make(chan error, 1)
			if tc.linked {
				a.Start(&recorder{})
			} else {
				go func() { _, err := a.Link(ctx, ""); linkDone <- err }()
			}
			refused := strings.Contains(tc.name, "refused")
			if refused {
				waitFor(t, "the offline line", func() bool { return strings.Contains(out.String(), "No connection to WhatsApp") })
			} else {
				time.Sleep(200 * time.Millisecond)
			}
			start := time.Now()
			cancel()
			if !tc.linked {
				if err := <-linkDone; !errors.Is(err, context.Canceled) {
					t.Fatalf("Link after cancel: %v", err)
				}
			}
			a.Stop()
			a.Disconnect()
			took := time.Since(start)
			t.Logf("shutdown took %s; output: %q", took, out.String())
			if took > time.Second {
				t.Fatalf("shutdown took %s", took)
			}
			if refused {
				line := firstLine(out.String(), "No connection")
				if !strings.Contains(line, "connection refused") || !strings.Contains(line, "retrying in") {
					t.Fatalf("offline line %q", line)
				}
				if strings.Contains(out.String(), "goroutine") || strings.Contains(out.String(), "panic") {
					t.Fatalf("stack trace in output: %q", out.String())
				}
			}
		})
	}
}

func firstLine(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// started returns an adapter for a stored session whose pipe runs into r,
// without connecting anywhere.
func started(t *testing.T, r *recorder) (*Adapter, *conn, *porttest.Output) {
	t.Helper()
	db := openDB(t)
	linkFakeDevice(t, db)
	out := &porttest.Output{}
	a := newAdapter(t, db, out, refusingClient(t))
	c := a.cur.Load()
	c.pipe.start(r, a)
	t.Cleanup(func() { a.Stop(); a.Disconnect() })
	return a, c, out
}

func TestEventsReachTheBot(t *testing.T) {
	r := &recorder{}
	a, c, _ := started(t, r)

	customerMsg := event(customer(custLIDJID, custPN), text("hello"))
	if !a.onEvent(c, customerMsg) {
		t.Fatal("customer message reported as not handled")
	}
	group := event(types.MessageInfo{MessageSource: types.MessageSource{Chat: groupJID, Sender: custPN, IsGroup: true}}, text("hi"))
	if !a.onEvent(c, group) {
		t.Fatal("ignored message must be acknowledged")
	}
	read := &events.Receipt{MessageSource: types.MessageSource{Chat: custPN, Sender: ownPN, IsFromMe: true},
		Type: types.ReceiptTypeRead, Timestamp: sentAt}
	a.onEvent(c, read)
	if !a.onEvent(c, historySyncEvent(t, custPN)) {
		t.Fatal("history sync reported as not handled")
	}
	a.onEvent(c, &events.OfflineSyncCompleted{Count: 3})

	msgs, evs := r.got()
	if len(msgs) != 1 || msgs[0].Kind != bot.FromCustomer || msgs[0].Chat != "lid:12345678901234" ||
		msgs[0].ChatAlt != "393331234567" || msgs[0].Text != "hello" {
		t.Fatalf("messages = %+v", msgs)
	}
	want := []any{
		bot.OwnerRead{Chat: "393331234567", At: sentAt},
		bot.KnownChats{Chats: []bot.UserID{"393331234567"}},
		bot.SyncDone{},
	}
	if fmt.Sprint(evs) != fmt.Sprint(want) {
		t.Fatalf("events = %v, want %v", evs, want)
	}
}

// TestHistorySyncAcknowledgedOnceHandedOver: the phone's history sync is
// read in the notification's own turn and acknowledged only when the bot
// took its chats. A client whose worker has stopped (frontdesk link
// letting the session go) refuses it, so WhatsApp delivers it again to
// the process that serves the number; before, whatsmeow acknowledged it
// first and read it on another goroutine, and a link that stopped in
// between lost the known customers.
func TestHistorySyncAcknowledgedOnceHandedOver(t *testing.T) {
	r := &recorder{}
	a, c, _ := started(t, r)
	if !c.cli.ManualHistorySyncDownload {
		t.Error("ManualHistorySyncDownload off: whatsmeow would acknowledge the history sync before the bot has it")
	}
	c.pipe.stop()
	if a.onEvent(c, historySyncEvent(t, custPN)) {
		t.Error("history sync acknowledged with nobody to take it")
	}
	if _, evs := r.got(); len(evs) != 0 {
		t.Errorf("events after the worker stopped = %v, want none", evs)
	}
}

func TestAltLookedUpWhenSenderAltMissing(t *testing.T) {
	r := &recorder{}
	a, c, _ := started(t, r)
	if err := c.cli.Store.LIDs.PutLIDMapping(context.Background(), custLIDJID, custPN); err != nil {
		t.Fatal(err)
	}
	a.onEvent(c, event(customer(custLIDJID, types.EmptyJID), text("hi")))
	a.onEvent(c, event(mine(custPN, 0, types.EmptyJID), fromPhone(custPN, text("/time"))))
	msgs, _ := r.got()
	if len(msgs) != 2 || msgs[0].ChatAlt != "393331234567" || msgs[1].ChatAlt != "lid:12345678901234" {
		t.Fatalf("messages = %+v", msgs)
	}
}

func TestFailedRecordIsNotAcknowledged(t *testing.T) {
	r := &recorder{fail: errors.New("disk full")}
	a, c, _ := started(t, r)
	if a.onEvent(c, event(customer(custPN, types.EmptyJID), text("hello"))) {
		t.Fatal("a message the bot failed to record was reported handled (it would be acked and lost)")
	}
}

// TestStopFinishesTheMessageInHand: Stop waits for the message being
// recorded, and refuses later ones (so they are redelivered).
func TestStopFinishesTheMessageInHand(t *testing.T) {
	r := &recorder{delay: 200 * time.Millisecond}
	a, c, _ := started(t, r)
	first := make(chan bool, 1)
	go func() { first <- a.onEvent(c, event(customer(custPN, types.EmptyJID), text("one"))) }()
	time.Sleep(50 * time.Millisecond) // the worker has taken it and is busy for 200 ms
	a.Stop()
	if msgs, _ := r.got(); len(msgs) != 1 {
		t.Fatalf("Stop returned before the message in hand was recorded: %+v", msgs)
	}
	if !<-first {
		t.Fatal("message in hand reported as failed")
	}
	if a.onEvent(c, event(customer(custPN, types.EmptyJID), text("two"))) {
		t.Fatal("message after Stop reported handled")
	}
}

func TestPermanentDisconnectsEndTheSession(t *testing.T) {
	cases := []struct {
		name      string
		evt       any
		loggedOut bool
		says      string
	}{
		{"logged out from the phone", &events.LoggedOut{Reason: events.ConnectFailureLoggedOut}, true, "logged this device out"},
		{"stream replaced", &events.StreamReplaced{}, false, "Another program connected"},
		{"client outdated", &events.ClientOutdated{}, false, "too old"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, c, out := started(t, &recorder{})
			a.onEvent(c, tc.evt)
			select {
			case e := <-a.Ended():
				if e.LoggedOut != tc.loggedOut || !strings.Contains(e.Message, tc.says) {
					t.Fatalf("ended = %+v", e)
				}
			default:
				t.Fatal("no Ended")
			}
			if !strings.Contains(out.String(), tc.says) {
				t.Fatalf("terminal output %q lacks %q", out.String(), tc.says)
			}
		})
	}
}

func TestLoggedOutResetGivesAFreshDevice(t *testing.T) {
	a, c, _ := started(t, &recorder{})
	a.onEvent(c, &events.LoggedOut{Reason: events.ConnectFailureLoggedOut})
	if err := a.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.Linked() || a.Own() != (Own{}) {
		t.Fatalf("after reset: linked=%v own=%+v", a.Linked(), a.Own())
	}
	select {
	case e := <-a.Ended():
		t.Fatalf("stale Ended after reset: %+v", e)
	default:
	}
	if a.cur.Load() == c {
		t.Fatal("reset kept the old client")
	}
}

func TestTemporaryBanStopsSends(t *testing.T) {
	r := &recorder{}
	a, c, out := started(t, r)
	a.onEvent(c, &events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour})
	waitFor(t, "AccountTrouble", func() bool { _, evs := r.got(); return len(evs) == 1 })
	_, evs := r.got()
	trouble, ok := evs[0].(bot.AccountTrouble)
	if !ok || !strings.Contains(trouble.Reason, "temporary ban") || time.Until(trouble.Until) < 59*time.Minute {
		t.Fatalf("event = %#v", evs[0])
	}
	if !strings.Contains(out.String(), "temporarily banned") {
		t.Fatalf("output %q", out.String())
	}
	_, err := a.SendText(context.Background(), "393331234567", "hi", "")
	if !errors.Is(err, bot.ErrAccountLimited) {
		t.Fatalf("SendText during ban: %v", err)
	}
}

func TestMapSendError(t *testing.T) {
	disconnected := func(action string) error { return &whatsmeow.DisconnectedError{Action: action} }
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	cases := []struct {
		name    string
		err     error
		limited bool
		notSent bool
	}{
		{"reach-out time-lock 463", fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463), true, false},
		{"wrapped 463", fmt.Errorf("send: %w", fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463)), true, false},
		{"invalid stanza 479", fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 479), false, false},
		{"text that merely ends in 463", errors.New("something 463"), false, false},
		// Before the message stanza is written: certainly not sent.
		{"no device id", whatsmeow.ErrNotLoggedIn, false, true},
		{"no socket for the device list query", fmt.Errorf("failed to get device list: failed to send usync query: %w", whatsmeow.ErrNotConnected), false, true},
		{"no socket for the message", fmt.Errorf("failed to send message node: %w", whatsmeow.ErrNotConnected), false, true},
		{"socket closed under the message", fmt.Errorf("failed to send message node: %w", socket.ErrSocketClosed), false, true},
		{"device list query timed out", fmt.Errorf("failed to get device list: %w", whatsmeow.ErrIQTimedOut), false, true},
		{"dropped during the device list query", fmt.Errorf("failed to get device list: %w", disconnected("info query")), false, true},
		{"dropped during the retried query", fmt.Errorf("failed to get device list: %w", disconnected("info query (retry)")), false, true},
		{"dial refused", fmt.Errorf("upload: %w", refused), false, true},
		// After it may have been written: never assume it was not.
		{"ack timeout", whatsmeow.ErrMessageTimedOut, false, false},
		{"dropped before the ack", disconnected("message send"), false, false},
		{"dropped before the resent ack", disconnected("message send (retry)"), false, false},
		{"no socket to resend on (retryFrame)", whatsmeow.ErrNotConnected, false, false},
		{"socket closed under the resend (retryFrame)", socket.ErrSocketClosed, false, false},
		{"deadline while waiting for the ack", context.DeadlineExceeded, false, false},
		{"deadline while writing", fmt.Errorf("failed to send message node: %w", context.DeadlineExceeded), false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mapSendError(tc.err)
			if errors.Is(got, bot.ErrAccountLimited) != tc.limited {
				t.Fatalf("mapSendError(%v) = %v, limited want %v", tc.err, got, tc.limited)
			}
			if errors.Is(got, bot.ErrNotSent) != tc.notSent {
				t.Fatalf("mapSendError(%v) = %v, not sent want %v", tc.err, got, tc.notSent)
			}
			if !errors.Is(got, tc.err) {
				t.Fatalf("original error lost: %v", got)
			}
		})
	}
}

// TestSendWithoutConnectionIsNotSent: a linked adapter that never got
// connected waits for the connection, then reports bot.ErrNotSent (the
// context's deadline here, connectWait in production).
func TestSendWithoutConnectionIsNotSent(t *testing.T) {
	a, _, _ := started(t, &recorder{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := a.SendText(ctx, "393331234567", "hi", ""); !errors.Is(err, bot.ErrNotSent) || !errors.Is(err, ErrNotConnected) {
		t.Errorf("SendText: %v", err)
	}
	if err := a.EditText(ctx, "393331234567", "3EB0AB", "hi"); !errors.Is(err, bot.ErrNotSent) {
		t.Errorf("EditText: %v", err)
	}
	if _, err := a.SendImage(ctx, "393331234567", []byte("png"), "hi"); !errors.Is(err, bot.ErrNotSent) {
		t.Errorf("SendImage: %v", err)
	}
}

func TestSendRefusesBadInputWithoutNetwork(t *testing.T) {
	a, c, _ := started(t, &recorder{})
	ctx := context.Background()
	if _, err := a.SendText(ctx, "not a number", "hi", ""); err == nil {
		t.Error("SendText to a bad id accepted")
	}
	if _, err := a.SendImage(ctx, "393331234567", nil, "x"); err == nil {
		t.Error("SendImage with no image accepted")
	}
	if err := a.EditText(ctx, "393331234567", "", "x"); err == nil {
		t.Error("EditText without id accepted")
	}
	// An owner message seen 21 minutes ago can no longer be edited.
	old := event(mine(custPN, 0, types.EmptyJID), fromPhone(custPN, text("/time")))
	old.Info.ID = "3EBOLD"
	old.Info.Timestamp = time.Now().Add(-21 * time.Minute)
	a.onEvent(c, old)
	if err := a.EditText(ctx, "393331234567", "3EBOLD", "We open at 9"); !errors.Is(err, ErrEditWindow) {
		t.Errorf("EditText past the window: %v", err)
	}
}

func TestShortErr(t *testing.T) {
	op := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	wrapped := fmt.Errorf("failed to dial whatsapp web websocket: failed to WebSocket dial: %w", op)
	if got := shortErr(wrapped); got != "dial tcp: connect: connection refused" {
		t.Fatalf("shortErr = %q", got)
	}
	if got := shortErr(errors.New("plain")); got != "plain" {
		t.Fatalf("shortErr = %q", got)
	}
}

// TestRetryLineShownOnce: a failed connection attempt is one line on Out;
// the log has it only at Debug level, so a terminal (log on stderr) does
// not show it twice.
func TestRetryLineShownOnce(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		t.Run(level.String(), func(t *testing.T) {
			db := openDB(t)
			linkFakeDevice(t, db)
			out, logBuf := &porttest.Output{}, &porttest.Output{}
			log := slog.New(slog.NewTextHandler(logBuf, &slog.HandlerOptions{Level: level}))
			a, err := newOneNumber(context.Background(), db, Options{Out: out, Log: log, ConfigureClient: routeTo(refusingClient(t))})
			if err != nil {
				t.Fatal(err)
			}
			a.Start(&recorder{})
			waitFor(t, "the retry line", func() bool { return strings.Contains(out.String(), "No connection to WhatsApp") })
			a.Stop()
			a.Disconnect()
			// Each attempt is one line on Out, and in the log only at Debug.
			shown := strings.Count(out.String(), "No connection to WhatsApp")
			logged := strings.Count(logBuf.String(), "No connection to WhatsApp")
			if level == slog.LevelDebug && logged != shown || level == slog.LevelInfo && logged != 0 {
				t.Errorf("at level %s the log has the line %d times, Out %d times:\n%s", level, logged, shown, logBuf.String())
			}
		})
	}
	// While linking (no session yet) the retry line is the same.
	out, logBuf := &porttest.Output{}, &porttest.Output{}
	log := slog.New(slog.NewTextHandler(logBuf, nil))
	a, err := newOneNumber(context.Background(), openDB(t), Options{Out: out, Log: log, ConfigureClient: routeTo(refusingClient(t))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Link(ctx, ""); close(done) }()
	waitFor(t, "the retry line while linking", func() bool { return strings.Contains(out.String(), "No connection to WhatsApp") })
	cancel()
	<-done
	if strings.Contains(logBuf.String(), "No connection to WhatsApp") {
		t.Errorf("while linking the retry line is logged at Info too:\n%s", logBuf.String())
	}
}

// historySyncEvent is the history sync notification the owner's phone
// sends after linking, as whatsmeow hands it over with
// ManualHistorySyncDownload: a message with the chat list inline.
func historySyncEvent(t *testing.T, chats ...types.JID) *events.Message {
	t.Helper()
	hs := &waHistorySync.HistorySync{SyncType: waHistorySync.HistorySync_INITIAL_BOOTSTRAP.Enum()}
	for _, c := range chats {
		hs.Conversations = append(hs.Conversations, &waHistorySync.Conversation{ID: proto.String(c.String())})
	}
	msg, err := fakewa.HistorySyncMessage(hs)
	if err != nil {
		t.Fatal(err)
	}
	return event(mine(ownPN, 0, types.EmptyJID), fromPhone(ownPN, msg))
}
