package whatsapp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"

	"frontdesk/bot"
)

// Handler is what the adapter delivers to. *bot.Bot implements it.
type Handler interface {
	// HandleMessage returns nil once the message is recorded (or was a
	// duplicate); only then is it acknowledged to WhatsApp.
	HandleMessage(ctx context.Context, m bot.Message) error
	// HandleEvent takes bot.OwnerRead, bot.KnownChats, bot.SyncDone and
	// bot.AccountTrouble.
	HandleEvent(ctx context.Context, ev any) error
}

// Options configure an Adapter.
type Options struct {
	// Log receives structured logs, whatsmeow's own included.
	Log *slog.Logger
	// LogMessages allows message texts in logs (never otherwise).
	LogMessages bool
	// Out receives short lines for the person at the terminal: QR codes,
	// "Linked as", connection trouble. Nil discards them.
	Out io.Writer
	// ConfigureClient, when set, is called on every new whatsmeow.Client
	// before it connects. Tests use it to route the client to a fake server
	// (SetPreLoginHTTPClient, SetWebsocketHTTPClient).
	ConfigureClient func(*whatsmeow.Client)
	// OnQR, when set, is called with each QR code as it is shown.
	OnQR func(code string)
	// HandleTimeout bounds the handling of one event (default 30 s).
	HandleTimeout time.Duration
}

// Ended says why a session stopped for good: whatsmeow will not reconnect
// it. LoggedOut means the device was unlinked (the session is gone; Reset
// and Link again); anything else needs the person's attention.
type Ended struct {
	LoggedOut bool
	Message   string
}

// Adapter is one linked (or to-be-linked) WhatsApp account: the whatsmeow
// client, the event pipe into the bot and the Messenger the bot sends with.
// Its methods other than the Messenger ones are meant for one goroutine (the
// run loop); the Messenger methods are safe for concurrent use.
type Adapter struct {
	opts      Options
	log       *slog.Logger
	out       *lineWriter
	container *sqlstore.Container

	cur atomic.Pointer[conn]
	own atomic.Pointer[Own]

	ended chan Ended

	banMu       sync.Mutex
	bannedUntil time.Time // zero: not banned; far future: until further notice

	edits editMemory
}

// conn is one whatsmeow client with the context its sockets live in and the
// pipe its events go through. A logout replaces the whole conn.
type conn struct {
	cli    *whatsmeow.Client
	ctx    context.Context
	cancel context.CancelFunc
	pipe   *pipe
	// connected is set once events.Connected arrived on this client.
	connected atomic.Bool
	// online is true from events.Connected until the socket drops
	// (events.Disconnected) or the session ends. whatsmeow's own
	// IsConnected reads the socket without the lock its close holds, so
	// asking it while the server drops the connection is a data race;
	// sends check this instead.
	online atomic.Bool
	// endedByServer is set when WhatsApp ended the session (logout,
	// replaced...): the server is closing the socket itself.
	endedByServer atomic.Bool
	closeOnce     sync.Once
}

// setConn makes a fresh client for device the current one.
func (a *Adapter) setConn(device *store.Device) *conn {
	c := &conn{pipe: newPipe()}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.cli = whatsmeow.NewClient(device, newWALog(a.opts.Log, "whatsmeow"))
	// Acknowledge a message only once the bot recorded it; keep the
	// decrypted plaintext until then so a redelivery can be decrypted
	// again (the Signal ratchet has moved on).
	c.cli.SynchronousAck = true
	c.cli.EnableDecryptedEventBuffer = true
	// The history sync in the message's own turn (historySync).
	c.cli.ManualHistorySyncDownload = true
	c.cli.EnableAutoReconnect = true
	c.cli.AutoReconnectHook = func(err error) bool { return a.reconnectFailed(c, err) }
	c.cli.AddEventHandlerWithSuccessStatus(func(evt any) bool { return a.onEvent(c, evt) })
	if a.opts.ConfigureClient != nil {
		a.opts.ConfigureClient(c.cli)
	}
	if device.ID != nil {
		a.setOwn(device)
	}
	a.cur.Store(c)
	return c
}

func (a *Adapter) setOwn(device *store.Device) {
	if device.ID == nil {
		return
	}
	o := Own{PN: *device.ID, LID: device.LID}
	a.own.Store(&o)
}

// Own is the linked account (zero before linking).
func (a *Adapter) Own() Own {
	if o := a.own.Load(); o != nil {
		return *o
	}
	return Own{}
}

// Linked reports whether a session exists in the store.
func (a *Adapter) Linked() bool { return a.cur.Load().cli.Store.ID != nil }

// Client is the current whatsmeow client (for tests and diagnostics).
func (a *Adapter) Client() *whatsmeow.Client { return a.cur.Load().cli }

// Ended delivers the reason when the session stops for good (logged out,
// replaced by another connection, client outdated, unknown connect failure).
func (a *Adapter) Ended() <-chan Ended { return a.ended }

// sayRetry tells the person at the terminal that a connection attempt
// failed. It comes every few seconds while offline, so the log gets it at
// Debug only: in a terminal, where the log is stderr, it shows once.
func (a *Adapter) sayRetry(err error, delay time.Duration) {
	line := fmt.Sprintf("No connection to WhatsApp (%s); retrying in %s", shortErr(err), delay)
	a.out.println(line)
	a.log.Debug(line)
}
