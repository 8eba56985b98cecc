package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

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

// New opens whatsmeow's device store in db (the same SQLite database the
// bot uses; foreign keys must be on), upgrades its tables and prepares a
// client for the stored device, or for a new unlinked one.
func New(ctx context.Context, db *sql.DB, opts Options) (*Adapter, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.HandleTimeout <= 0 {
		opts.HandleTimeout = 30 * time.Second
	}
	a := &Adapter{
		opts:  opts,
		log:   opts.Log.With("component", "whatsapp"),
		out:   &lineWriter{w: opts.Out},
		ended: make(chan Ended, 1),
	}
	a.edits.init()
	a.container = sqlstore.NewWithDB(db, "sqlite3", newWALog(opts.Log, "store"))
	if err := a.container.Upgrade(ctx); err != nil {
		return nil, fmt.Errorf("prepare whatsmeow tables: %w", err)
	}
	device, err := a.container.GetFirstDevice(ctx)
	if err != nil {
		return nil, fmt.Errorf("load whatsapp session: %w", err)
	}
	a.setConn(device)
	return a, nil
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

// Start hands events to h from now on and connects (in the background: a
// first connection that fails is retried with back-off, and every failure
// is told on Out in one line). It returns at once.
func (a *Adapter) Start(h Handler) {
	c := a.cur.Load()
	c.pipe.start(h, a)
	c.cli.InitialAutoReconnect = true
	go a.connectLoop(c)
}

// connectLoop connects c unless it already is (right after pairing the
// client reconnects by itself after stream error 515), retrying errors that
// whatsmeow does not retry itself.
func (a *Adapter) connectLoop(c *conn) {
	for attempt := 1; ; attempt++ {
		if c.ctx.Err() != nil || c.cli.IsConnected() {
			return
		}
		err := c.cli.ConnectContext(c.ctx)
		if err == nil || errors.Is(err, whatsmeow.ErrAlreadyConnected) || c.ctx.Err() != nil {
			break
		}
		delay := retryDelay(attempt)
		a.sayRetry(err, delay)
		if !sleepCtx(c.ctx, delay) {
			return
		}
	}
	// Right after pairing, the 515 reconnect can fail silently (whatsmeow
	// does not auto-reconnect it). Check once a little later.
	if !sleepCtx(c.ctx, 20*time.Second) {
		return
	}
	if !c.cli.IsConnected() && !c.connected.Load() {
		if err := c.cli.ConnectContext(c.ctx); err != nil && !errors.Is(err, whatsmeow.ErrAlreadyConnected) {
			a.log.Warn("reconnect after linking failed", "err", err)
		}
	}
}

// reconnectFailed is whatsmeow's AutoReconnectHook: one clear line per
// failed attempt, and the back-off capped at a minute.
func (a *Adapter) reconnectFailed(c *conn, err error) bool {
	if c.ctx.Err() != nil {
		return false
	}
	if c.cli.AutoReconnectErrors > 30 {
		c.cli.AutoReconnectErrors = 30
	}
	delay := time.Duration(c.cli.AutoReconnectErrors) * 2 * time.Second
	a.sayRetry(err, delay)
	return true
}

// Stop stops taking events and waits for the one in hand to be finished.
// Events arriving from now on are reported as not handled, so WhatsApp
// delivers them again next time.
func (a *Adapter) Stop() { a.cur.Load().pipe.stop() }

// Disconnect closes the connection and stops reconnecting; it returns
// within about a second even while a connection attempt hangs.
func (a *Adapter) Disconnect() { a.cur.Load().close(a.log) }

func (c *conn) close(log *slog.Logger) {
	c.closeOnce.Do(func() {
		c.online.Store(false)
		if c.endedByServer.Load() {
			// Let whatsmeow finish closing the socket the server closed:
			// Disconnect racing its readPump trips a data race inside
			// whatsmeow (NoiseSocket.Stop vs FrameSocket.Close; even
			// IsConnected reads unlocked), so just give it a moment.
			time.Sleep(150 * time.Millisecond)
		}
		done := make(chan struct{})
		go func() { c.cli.Disconnect(); close(done) }()
		select {
		case <-done:
		case <-time.After(300 * time.Millisecond):
			// A dial in progress holds whatsmeow's socket lock: cancel it.
		}
		c.cancel()
		select {
		case <-done:
		case <-time.After(time.Second):
			log.Warn("whatsapp disconnect is slow; leaving it behind")
		}
	})
}

// Reset forgets the current session (after a logout: whatsmeow already
// deleted it, this makes sure) and prepares a fresh unlinked device.
func (a *Adapter) Reset(ctx context.Context) error {
	old := a.cur.Load()
	old.pipe.stop()
	old.close(a.log)
	// whatsmeow deletes the session in its own goroutine, without a lock:
	// do not touch the old device, delete what the database still holds.
	devices, err := a.container.GetAllDevices(ctx)
	if err != nil {
		return fmt.Errorf("load whatsapp session: %w", err)
	}
	for _, d := range devices {
		if err := d.Delete(ctx); err != nil {
			return fmt.Errorf("delete old whatsapp session: %w", err)
		}
	}
	device := a.container.NewDevice()
	a.own.Store(nil)
	a.setConn(device)
	for {
		select {
		case <-a.ended:
		default:
			return nil
		}
	}
}

// Logout unlinks the device: with the server when it can be reached within
// timeout (the phone then drops it from its list), else only locally.
// remote says which happened.
func (a *Adapter) Logout(ctx context.Context, timeout time.Duration) (remote bool, err error) {
	c := a.cur.Load()
	if c.cli.Store.ID == nil {
		return false, nil
	}
	c.pipe.stop() // nothing is handled during a logout; messages stay queued
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Past the timeout (or on Ctrl-C) a hanging dial is abandoned.
	unhook := context.AfterFunc(lctx, c.cancel)
	defer unhook()
	connected := make(chan struct{}, 1)
	id := c.cli.AddEventHandler(func(evt any) {
		if _, ok := evt.(*events.Connected); ok {
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	})
	defer c.cli.RemoveEventHandler(id)
	if err := c.cli.ConnectContext(c.ctx); err == nil {
		select {
		case <-connected:
			if err := c.cli.Logout(lctx); err == nil {
				c.close(a.log)
				return true, nil
			} else {
				a.log.Warn("logout request failed", "err", err)
			}
		case <-lctx.Done():
		}
	} else {
		a.log.Warn("connect for logout failed", "err", err)
	}
	c.close(a.log)
	if err := c.cli.Store.Delete(ctx); err != nil {
		return false, fmt.Errorf("delete local whatsapp session: %w", err)
	}
	return false, nil
}

// onEvent is whatsmeow's event callback. It converts and hands over, and
// never touches the database or the network itself.
func (a *Adapter) onEvent(c *conn, evt any) bool {
	own := a.Own()
	switch v := evt.(type) {
	case *events.Message:
		m := Classify(v, own)
		if m.Kind == bot.Ignored {
			a.log.Debug("message ignored", "why", m.Why, "id", m.ID)
			return true
		}
		return c.pipe.submit(job{msg: &m})
	case *events.Receipt:
		if r, ok := OwnerRead(v, own); ok {
			return c.pipe.submit(job{ev: r})
		}
	case *events.HistorySync:
		if k := KnownChats(v.Data, own); len(k.Chats) > 0 {
			c.pipe.submit(job{ev: k})
		}
	case *events.OfflineSyncPreview:
		a.log.Info("catching up with messages received while offline", "messages", v.Messages, "total", v.Total)
	case *events.OfflineSyncCompleted:
		return c.pipe.submit(job{ev: bot.SyncDone{}})
	case *events.TemporaryBan:
		until := time.Time{}
		if v.Expire > 0 {
			until = time.Now().Add(v.Expire)
		}
		c.online.Store(false)
		a.setBanned(until, true)
		a.say("WhatsApp has temporarily banned this account (%s). Automatic replies are stopped.", v.String())
		c.pipe.submitAsync(job{ev: bot.AccountTrouble{Reason: "temporary ban: " + v.Code.String(), Until: until}})
		go a.retryAfterBan(c, v.Expire)
	case *events.Connected:
		c.online.Store(true)
		a.setOwn(c.cli.Store)
		a.setBanned(time.Time{}, false)
		if c.connected.Swap(true) {
			a.say("Reconnected to WhatsApp.")
		} else {
			a.say("Connected to WhatsApp as %s.", a.Own().Self())
		}
	case *events.Disconnected:
		c.online.Store(false)
		if c.connected.Load() && c.ctx.Err() == nil {
			a.say("Connection to WhatsApp lost; reconnecting.")
		}
	case *events.KeepAliveTimeout:
		a.say("WhatsApp is not answering (%d keep-alive failures since %s); the connection may be down.",
			v.ErrorCount, v.LastSuccess.Format("15:04:05"))
	case *events.KeepAliveRestored:
		a.say("WhatsApp is answering again.")
	case *events.LoggedOut:
		msg := fmt.Sprintf("WhatsApp logged this device out (%s): it was unlinked from the phone, or the phone was offline for too long.", v.Reason.String())
		a.say("%s", msg)
		a.end(c, Ended{LoggedOut: true, Message: msg})
	case *events.StreamReplaced:
		msg := "Another program connected to WhatsApp with this session, so this one was disconnected. Run only one frontdesk per database."
		a.say("%s", msg)
		a.end(c, Ended{Message: msg})
	case *events.ClientOutdated:
		msg := "WhatsApp says this version of frontdesk is too old to connect. Update frontdesk."
		a.say("%s", msg)
		a.end(c, Ended{Message: msg})
	case *events.ConnectFailure:
		msg := fmt.Sprintf("WhatsApp refused the connection: %s %s.", v.Reason.String(), v.Message)
		a.say("%s", msg)
		a.end(c, Ended{Message: msg})
	case *events.StreamError:
		a.log.Warn("whatsapp stream error", "code", v.Code)
	case *events.UndecryptableMessage:
		a.log.Warn("could not decrypt a message", "id", v.Info.ID, "chat", UserID(v.Info.Chat))
	}
	return true
}

func (a *Adapter) end(c *conn, e Ended) {
	c.online.Store(false)
	c.endedByServer.Store(true)
	select {
	case a.ended <- e:
	default:
	}
}

// retryAfterBan reconnects once a temporary ban is over (whatsmeow does not:
// a ban is a connect failure that stops auto-reconnect).
func (a *Adapter) retryAfterBan(c *conn, expire time.Duration) {
	if expire <= 0 {
		expire = time.Hour
	}
	if !sleepCtx(c.ctx, expire+time.Minute) {
		return
	}
	a.say("Trying WhatsApp again after the temporary ban.")
	if err := c.cli.ConnectContext(c.ctx); err != nil && !errors.Is(err, whatsmeow.ErrAlreadyConnected) {
		a.say("Could not reconnect after the ban (%s); restart frontdesk later.", shortErr(err))
	}
}

func (a *Adapter) setBanned(until time.Time, banned bool) {
	a.banMu.Lock()
	defer a.banMu.Unlock()
	switch {
	case !banned:
		a.bannedUntil = time.Time{}
	case until.IsZero():
		a.bannedUntil = time.Now().Add(24 * time.Hour)
	default:
		a.bannedUntil = until
	}
}

func (a *Adapter) banned() bool {
	a.banMu.Lock()
	defer a.banMu.Unlock()
	return !a.bannedUntil.IsZero() && time.Now().Before(a.bannedUntil)
}

// handle runs one job on the worker goroutine.
func (a *Adapter) handle(h Handler, j job) error {
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.HandleTimeout)
	defer cancel()
	if j.msg == nil {
		if err := h.HandleEvent(ctx, j.ev); err != nil {
			a.log.Error("handle whatsapp event", "event", fmt.Sprintf("%T", j.ev), "err", err)
			return err
		}
		return nil
	}
	m := *j.msg
	if m.ChatAlt == "" && m.Kind != bot.OwnerSelf {
		m.ChatAlt = a.lookupAlt(ctx, m.Chat)
	}
	if m.Kind == bot.OwnerInChat {
		a.edits.remember(m.Chat, m.ID, m.Sent)
	}
	attrs := []any{"id", m.ID, "kind", m.Kind.String(), "chat", m.Chat.String(), "sent", m.Sent}
	if m.ChatAlt != "" {
		attrs = append(attrs, "alt", m.ChatAlt.String())
	}
	if a.opts.LogMessages {
		attrs = append(attrs, "text", m.Text)
	}
	a.log.Info("message", attrs...)
	if err := h.HandleMessage(ctx, m); err != nil {
		a.log.Error("message not recorded; WhatsApp will deliver it again", "id", m.ID, "err", err)
		return err
	}
	return nil
}

// lookupAlt finds the other identity of chat in whatsmeow's LID map
// (SenderAlt is not always sent).
func (a *Adapter) lookupAlt(ctx context.Context, chat bot.UserID) bot.UserID {
	jid, err := JID(chat)
	if err != nil {
		return ""
	}
	st := a.cur.Load().cli.Store
	if st == nil || st.LIDs == nil {
		return ""
	}
	var alt types.JID
	if chat.IsLID() {
		alt, err = st.LIDs.GetPNForLID(ctx, jid)
	} else {
		alt, err = st.LIDs.GetLIDForPN(ctx, jid)
	}
	if err != nil {
		a.log.Warn("look up other id", "chat", chat.String(), "err", err)
		return ""
	}
	return altOf(jid, alt)
}

// say writes one line for the person at the terminal and logs it.
func (a *Adapter) say(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	a.out.println(line)
	a.log.Info(line)
}

// sayRetry tells the person at the terminal that a connection attempt
// failed. It comes every few seconds while offline, so the log gets it at
// Debug only: in a terminal, where the log is stderr, it shows once.
func (a *Adapter) sayRetry(err error, delay time.Duration) {
	line := fmt.Sprintf("No connection to WhatsApp (%s); retrying in %s", shortErr(err), delay)
	a.out.println(line)
	a.log.Debug(line)
}

// lineWriter serialises writes of whole lines to the terminal.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) println(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.w, s)
}

func (l *lineWriter) write(f func(w io.Writer)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(l.w)
}

// retryDelay is the back-off for our own retries: 2 s per attempt, at most
// a minute (as whatsmeow's own reconnect, capped).
func retryDelay(attempt int) time.Duration {
	d := time.Duration(attempt) * 2 * time.Second
	if d > time.Minute {
		d = time.Minute
	}
	return d
}

// sleepCtx waits d; false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// shortErr keeps the part of a network error a person can act on
// ("dial tcp: lookup web.whatsapp.com: no such host") instead of the whole
// chain of wrappers.
func shortErr(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Error()
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Error()
	}
	return err.Error()
}
