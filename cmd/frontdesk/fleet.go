package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"frontdesk/bot"
	"frontdesk/bot/whatsapp"
	"frontdesk/metrics"
	"frontdesk/storage"
)

// The fleet serves every linked number of one database in this process,
// each its own business: its own whatsmeow client (whatsapp.Adapter), its
// own bot.Bot on its own business's store. It polls whatsmeow's device
// store, so a number `frontdesk link` adds from another process is served
// within a poll, and one `frontdesk logout` removed is stopped. A number is
// served only while this process holds its lease: on SQLite the database
// is this process's alone (the instance lock), so every lease is granted;
// on PostgreSQL a lease is an advisory lock, and a number another process
// holds is left to it until that process dies.

// fleetPoll is how often the device store and the free leases are looked
// at: a number another process let go is taken over within about this.
const fleetPoll = 3 * time.Second

// numberLease is this process's right to serve one number.
type numberLease interface {
	// Check proves the lease still held (a round trip for a database
	// lease); an error means it may be gone: send nothing more.
	Check(ctx context.Context) error
	// Lost is closed once the lease may be gone.
	Lost() <-chan struct{}
	// Release gives the number up.
	Release()
}

// leaser hands out leases; TryAcquire returns nil, nil when another
// process holds the number.
type leaser interface {
	TryAcquire(ctx context.Context, number string) (numberLease, error)
}

// localLeases is the leaser of a database only this process uses (the
// instance lock keeps every other process out): every lease is granted,
// and held until released.
type localLeases struct{}

func (localLeases) TryAcquire(context.Context, string) (numberLease, error) {
	return &localLease{released: make(chan struct{})}, nil
}

type localLease struct {
	once     sync.Once
	released chan struct{}
}

// errLeaseReleased is a released local lease's Check.
var errLeaseReleased = errors.New("the lease on this number was given up")

func (l *localLease) Check(context.Context) error {
	select {
	case <-l.released:
		return errLeaseReleased
	default:
		return nil
	}
}
func (l *localLease) Lost() <-chan struct{} { return l.released }
func (l *localLease) Release()              { l.once.Do(func() { close(l.released) }) }

// pgLeases is the leaser of a shared PostgreSQL database.
type pgLeases struct{ l *storage.Leases }

func (p pgLeases) TryAcquire(ctx context.Context, number string) (numberLease, error) {
	ls, err := p.l.TryAcquire(ctx, number)
	if ls == nil || err != nil {
		return nil, err
	}
	return ls, nil
}

// fleetConfig is what a fleet needs.
type fleetConfig struct {
	DB          *storage.DB
	Container   *sqlstore.Container
	Leases      leaser
	Log         *slog.Logger
	LogMessages bool
	Out         io.Writer // terminal lines, each prefixed with its number
	// ConfigureClient is called on every whatsmeow client before it
	// connects (tests route it to a fake server).
	ConfigureClient func(*whatsmeow.Client)
	Metrics         *metrics.Metrics
	Poll            time.Duration
	// Exclusive: the database is this process's alone (SQLite): the run
	// returns errNoNumbers once the last number is logged out, for the
	// caller to offer a new QR code.
	Exclusive bool
	// Unpaced lifts every bot's pace limit (the throughput benchmark only).
	Unpaced bool
	// StuckGrace is how long every number must have been stuck before an
	// exclusive run ends for it (default stuckGrace).
	StuckGrace time.Duration
}

// stuckGrace leaves a `frontdesk logout`, which replaces the session
// before it deletes it (after telling WhatsApp, within logoutTimeout),
// the time to finish: the number then turns out logged out.
const stuckGrace = logoutTimeout + 15*time.Second

// errNoNumbers ends a fleet run on an exclusive database once its last
// number was logged out: the caller offers a new QR code.
var errNoNumbers = errors.New("no linked number left")

// fleet is the set of numbers this process serves.
type fleet struct {
	cfg  fleetConfig
	out  *syncWriter
	wake chan struct{}

	mu   sync.Mutex
	nums map[string]*served // by phone digits
	// firstSeen is when a linked number was first found in the store.
	firstSeen map[string]time.Time
	// fatal is why an exclusive run must end.
	fatal error
}

// served is one number being served.
type served struct {
	phone  string // digits
	jid    types.JID
	self   bot.UserID
	lease  numberLease
	wa     *whatsapp.Adapter
	bot    atomic.Pointer[bot.Bot]
	store  bot.Store
	state  atomic.Pointer[string]
	cancel context.CancelFunc
	done   chan struct{}
	// endedFor is set when the number stopped: why.
	endedFor atomic.Pointer[whatsapp.Ended]
	// stuck: WhatsApp ended the session for a reason other than a logout
	// (replaced, client outdated...): the number stays stopped, and shown
	// as needing attention, until its session is removed or the process
	// restarts; on an exclusive database the run ends once every number
	// it holds is stuck (everyNumberStuck).
	stuck atomic.Bool
	// stuckAt is when it became stuck (Unix nanoseconds).
	stuckAt atomic.Int64
	// unlinked: its session is gone from the store.
	unlinked atomic.Bool
}

func newFleet(cfg fleetConfig) *fleet {
	if cfg.Poll <= 0 {
		cfg.Poll = fleetPoll
	}
	if cfg.StuckGrace <= 0 {
		cfg.StuckGrace = stuckGrace
	}
	if cfg.Leases == nil {
		cfg.Leases = localLeases{}
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	return &fleet{cfg: cfg, out: &syncWriter{w: cfg.Out}, wake: make(chan struct{}, 1), nums: make(map[string]*served)}
}

// run serves numbers until ctx ends (nil), or on an exclusive database
// until the last one is logged out (errNoNumbers) or every one held is
// stuck (the reasons). adopt, when not nil, is a just-linked adapter to serve
// as it is (its client is connected already).
func (f *fleet) run(ctx context.Context, adopt *whatsapp.Adapter) error {
	defer f.stopAll()
	f.mu.Lock()
	f.fatal = nil
	f.mu.Unlock()
	if adopt != nil {
		if err := f.adopt(ctx, adopt); err != nil {
			return err
		}
	}
	t := time.NewTicker(f.cfg.Poll)
	defer t.Stop()
	for {
		f.scan(ctx)
		f.mu.Lock()
		fatal := f.fatal
		f.mu.Unlock()
		if fatal != nil {
			return fatal
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-f.wake:
		}
	}
}

// poke makes run scan at once.
func (f *fleet) poke() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// scan starts the linked numbers not served yet whose lease is free, and
// stops the numbers whose device is gone from the store.
func (f *fleet) scan(ctx context.Context) {
	f.reap()
	devices, err := linkedDevices(ctx, f.cfg.Container)
	if err != nil {
		if ctx.Err() == nil {
			f.cfg.Log.Warn("read the linked numbers", "err", err)
		}
		return
	}
	present := make(map[string]*store.Device)
	for _, d := range devices {
		present[d.ID.User] = d
	}
	f.mu.Lock()
	var gone []*served
	for phone, s := range f.nums {
		d, ok := present[phone]
		if !ok || *d.ID != s.jid {
			gone = append(gone, s)
		}
	}
	f.mu.Unlock()
	for _, s := range gone {
		s.unlinked.Store(true)
		f.stop(s, &whatsapp.Ended{LoggedOut: true, Message: "unlinked"})
	}
	f.reap()
	phones := make([]string, 0, len(present))
	for p := range present {
		phones = append(phones, p)
	}
	sort.Strings(phones)
	ready, err := f.readyNumbers(ctx, phones)
	if err != nil {
		if ctx.Err() == nil {
			f.cfg.Log.Warn("read the businesses", "err", err)
		}
		return
	}
	for _, phone := range phones {
		if ctx.Err() != nil {
			return
		}
		f.mu.Lock()
		_, busy := f.nums[phone]
		f.mu.Unlock()
		if busy || !ready[phone] {
			continue
		}
		lease, err := f.cfg.Leases.TryAcquire(ctx, phone)
		if err != nil {
			f.cfg.Log.Warn("lease", "number", "+"+phone, "err", err)
			continue
		}
		if lease == nil {
			continue // another process serves it
		}
		// The device may have been logged out between the listing and
		// the lease; read it again under the lease.
		d, err := f.cfg.Container.GetDevice(ctx, *present[phone].ID)
		if err != nil || d == nil {
			lease.Release()
			continue
		}
		wa := whatsapp.NewForDevice(f.cfg.Container, d, f.adapterOptions(phone))
		if err := f.start(ctx, phone, lease, wa); err != nil {
			f.cfg.Log.Error("start number", "number", "+"+phone, "err", err)
		}
	}
}

// linkGrace is how long a session without a business may be in use by a
// `frontdesk link` still finishing; after it the number is served anyway
// (the link process died before making the business).
const linkGrace = 30 * time.Second

// readyNumbers says which of the linked numbers may be served now. A
// `frontdesk link` in another process makes the number's business only
// after it let the new session go, so a number without a business is left
// alone for linkGrace: two clients of one session at once would fight
// over its keys. (The business with no number of an upgraded database
// was given to its number before the run began: adoptUpgraded.)
func (f *fleet) readyNumbers(ctx context.Context, phones []string) (map[string]bool, error) {
	bs, err := f.cfg.DB.Businesses(ctx)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(bs))
	for _, b := range bs {
		if b.Number != "" {
			known[b.Number] = true
		}
	}
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.firstSeen == nil {
		f.firstSeen = make(map[string]time.Time)
	}
	ready := make(map[string]bool, len(phones))
	for _, p := range phones {
		if _, ok := f.firstSeen[p]; !ok {
			f.firstSeen[p] = now
		}
		ready[p] = known[p] || now.Sub(f.firstSeen[p]) >= linkGrace
	}
	return ready, nil
}

func (f *fleet) adapterOptions(phone string) whatsapp.Options {
	return whatsapp.Options{
		Log:             f.cfg.Log.With("number", "+"+phone),
		LogMessages:     f.cfg.LogMessages,
		Out:             f.out.prefixed("+" + phone + ": "),
		ConfigureClient: f.cfg.ConfigureClient,
	}
}

// adopt serves a just-linked adapter.
func (f *fleet) adopt(ctx context.Context, wa *whatsapp.Adapter) error {
	id := wa.Client().Store.ID
	if id == nil {
		return errors.New("the new number is not linked")
	}
	phone := id.User
	lease, err := f.cfg.Leases.TryAcquire(ctx, phone)
	if err != nil {
		wa.Stop()
		wa.Disconnect()
		return err
	}
	if lease == nil {
		// Another process took the new number first; it serves it.
		wa.Stop()
		wa.Disconnect()
		return nil
	}
	return f.start(ctx, phone, lease, wa)
}

// start serves phone with wa under lease.
func (f *fleet) start(ctx context.Context, phone string, lease numberLease, wa *whatsapp.Adapter) error {
	own := wa.Own()
	s := &served{phone: phone, jid: *wa.Client().Store.ID, self: own.Self(), lease: lease, wa: wa, done: make(chan struct{})}
	s.setState("starting")
	st, err := businessStore(ctx, f.cfg.DB, phone)
	if err != nil {
		lease.Release()
		wa.Stop()
		wa.Disconnect()
		return err
	}
	s.store = newCountingStore(st, f.cfg.Metrics, "+"+phone, lease)
	b, err := newBot(ctx, botSetup{
		Store: s.store, Messenger: &fencedMessenger{Messenger: wa, lease: lease}, Directory: wa,
		Clock: bot.SystemClock, Self: own.Self(), SelfLID: own.SelfLID(), HostZone: time.Local,
		Log: f.cfg.Log.With("number", "+"+phone), LogMessages: f.cfg.LogMessages,
		Unpaced: f.cfg.Unpaced,
	})
	if err != nil {
		lease.Release()
		wa.Stop()
		wa.Disconnect()
		return err
	}
	s.bot.Store(b)
	sctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	f.mu.Lock()
	f.nums[phone] = s
	f.mu.Unlock()
	f.cfg.Log.Info("serving number", "number", "+"+phone)
	go func() {
		defer close(s.done)
		f.serveNumber(sctx, s, b)
	}()
	return nil
}

// serveNumber runs one number until sctx ends, WhatsApp ends its session,
// or its lease may be lost (then it stops sending at once).
func (f *fleet) serveNumber(sctx context.Context, s *served, b *bot.Bot) {
	ctx, cancel := context.WithCancel(sctx)
	defer cancel()
	lost := s.lease.Lost()
	go func() {
		select {
		case <-lost:
			// Not when the number stopped first: the lease is then
			// released, which closes lost too.
			if ctx.Err() == nil {
				s.setState("lease lost")
				f.say(s.phone, "This process may no longer hold the number (its database lease is lost); it stops serving it.")
			}
			cancel()
		case <-ctx.Done():
		}
	}()
	s.setState("connecting")
	ended, err := serve(ctx, s.wa, b, f.cfg.Log.With("number", "+"+s.phone))
	cancel()
	s.lease.Release()
	switch {
	case err != nil:
		s.endedFor.Store(&whatsapp.Ended{Message: err.Error()})
		s.setState("stopped: " + err.Error())
		s.markStuck()
	case ended != nil:
		s.endedFor.Store(ended)
		if ended.LoggedOut {
			s.setState("logged out")
			f.forgetDevice(s.jid)
		} else {
			s.setState("stopped: " + ended.Message)
			s.markStuck()
		}
	default:
		s.endedFor.CompareAndSwap(nil, &whatsapp.Ended{Message: "stopped"})
		if !s.unlinked.Load() {
			s.setState("stopped")
		}
	}
	f.poke()
}

// forgetDevice deletes a logged-out number's session. whatsmeow deletes it
// too, in a goroutine of its own: the old device is not touched, the row
// is deleted through a fresh read (deleting twice is harmless).
func (f *fleet) forgetDevice(jid types.JID) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := f.cfg.Container.GetDevice(ctx, jid)
	if err != nil || d == nil {
		return
	}
	if err := d.Delete(ctx); err != nil {
		f.cfg.Log.Warn("delete the logged-out session", "number", "+"+jid.User, "err", err)
	}
}

// reap forgets the numbers that stopped: logged out, lost, or (on a
// shared database) ended otherwise, so another process, or a later scan
// of this one, may serve them. On an exclusive database the run ends when
// none is left after a logout.
func (f *fleet) reap() {
	f.mu.Lock()
	defer f.mu.Unlock()
	loggedOut := false
	for phone, s := range f.nums {
		e := s.endedFor.Load()
		if e == nil {
			continue
		}
		select {
		case <-s.done:
		default:
			continue
		}
		if s.stuck.Load() && !s.unlinked.Load() {
			continue // shown as needing attention; not retried
		}
		loggedOut = loggedOut || e.LoggedOut || s.unlinked.Load()
		delete(f.nums, phone)
		f.cfg.Metrics.Forget("+" + phone)
		if (e.LoggedOut || s.unlinked.Load()) && len(f.nums) > 0 {
			f.say(phone, "This number is not linked any more (logged out from the phone, or by frontdesk logout); link it again with `frontdesk link`. The other numbers go on.")
		}
	}
	if f.cfg.Exclusive && loggedOut && len(f.nums) == 0 && f.fatal == nil {
		f.fatal = errNoNumbers
	}
	if f.cfg.Exclusive && f.fatal == nil {
		f.fatal = everyNumberStuck(f.nums, time.Now().Add(-f.cfg.StuckGrace))
	}
}

// everyNumberStuck is why an exclusive run ends when every number it
// holds was stopped by WhatsApp for a reason other than a logout (another
// client replaced the session, the client is outdated) or by its outbox
// loop: nothing is served, and no other process may serve them (the
// database is this one's), so the run ends with the reasons, which the
// operator must act on, rather than serving nothing. nil when a number is
// still served, or none is held, or one became stuck after before: a
// `frontdesk logout` replaces the session before it deletes it, and a
// number gone from the store is a logout (a new QR code), not a failure.
func everyNumberStuck(nums map[string]*served, before time.Time) error {
	if len(nums) == 0 {
		return nil
	}
	phones := make([]string, 0, len(nums))
	for phone, s := range nums {
		select {
		case <-s.done:
		default:
			return nil
		}
		if !s.stuck.Load() || s.unlinked.Load() || s.stuckAt.Load() > before.UnixNano() {
			return nil
		}
		phones = append(phones, phone)
	}
	sort.Strings(phones)
	why := ""
	for i, phone := range phones {
		if i > 0 {
			why += "; "
		}
		msg := "stopped"
		if e := nums[phone].endedFor.Load(); e != nil {
			msg = e.Message
		}
		why += "+" + phone + ": " + msg
	}
	return fmt.Errorf("run: no number is served any more: %s", why)
}

// stop ends one number and waits for it.
func (f *fleet) stop(s *served, why *whatsapp.Ended) {
	s.endedFor.CompareAndSwap(nil, why)
	s.cancel()
	<-s.done
	f.poke()
}

// stopAll ends every number (in parallel: each takes up to a second or
// two to shut down) and waits for them.
func (f *fleet) stopAll() {
	f.mu.Lock()
	all := make([]*served, 0, len(f.nums))
	for _, s := range f.nums {
		all = append(all, s)
	}
	f.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range all {
		wg.Go(func() {
			s.cancel()
			<-s.done
		})
	}
	wg.Wait()
}

func (s *served) setState(st string) { s.state.Store(&st) }

func (s *served) markStuck() {
	s.stuckAt.Store(time.Now().UnixNano())
	s.stuck.Store(true)
}

// say writes a line about number phone (digits) on the terminal and in
// the log.
func (f *fleet) say(phone, line string) {
	f.out.println("+" + phone + ": " + line)
	f.cfg.Log.Info(line, "number", "+"+phone)
}

// Numbers reports the numbers held, with their outbox depth, for a
// metrics scrape.
func (f *fleet) Numbers(ctx context.Context) []metrics.Number {
	return f.numbers(ctx, true)
}

// Health reports the numbers held without reading the database, for the
// readiness probe.
func (f *fleet) Health(ctx context.Context) []metrics.Number {
	return f.numbers(ctx, false)
}

func (f *fleet) numbers(ctx context.Context, outbox bool) []metrics.Number {
	f.mu.Lock()
	all := make([]*served, 0, len(f.nums))
	for _, s := range f.nums {
		all = append(all, s)
	}
	f.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].phone < all[j].phone })
	out := make([]metrics.Number, 0, len(all))
	for _, s := range all {
		n := metrics.Number{Number: "+" + s.phone, State: *s.state.Load(), Outbox: -1}
		if s.endedFor.Load() == nil {
			n.Connected = s.wa.Online()
			n.Retrying = !n.Connected
			if n.Connected {
				n.State = "connected"
			} else if n.State == "connected" {
				n.State = "retrying"
			}
		}
		if b := s.bot.Load(); b != nil {
			n.KillSwitch = b.KillSwitch().Off
		}
		if outbox {
			if q, err := s.store.PendingByCustomer(ctx); err == nil {
				n.Outbox = 0
				for _, c := range q {
					n.Outbox += c
				}
			}
		}
		out = append(out, n)
	}
	return out
}

// fencedMessenger sends only while the lease is proven held: before each
// send it checks the lease, and a send it cannot prove safe is "not sent"
// (the message stays queued under its id for whoever holds the number).
type fencedMessenger struct {
	bot.Messenger
	lease numberLease
}

func (m *fencedMessenger) fence(ctx context.Context) error {
	if err := m.lease.Check(ctx); err != nil {
		return fmt.Errorf("%w (%v)", bot.ErrNotSent, err)
	}
	return nil
}

func (m *fencedMessenger) SendText(ctx context.Context, to bot.UserID, text, id string) (string, error) {
	if err := m.fence(ctx); err != nil {
		return "", err
	}
	return m.Messenger.SendText(ctx, to, text, id)
}

func (m *fencedMessenger) EditText(ctx context.Context, chat bot.UserID, id, text string) error {
	if err := m.fence(ctx); err != nil {
		return err
	}
	return m.Messenger.EditText(ctx, chat, id, text)
}

func (m *fencedMessenger) SendImage(ctx context.Context, to bot.UserID, png []byte, caption string) (string, error) {
	if err := m.fence(ctx); err != nil {
		return "", err
	}
	return m.Messenger.SendImage(ctx, to, png, caption)
}

func (m *fencedMessenger) SendMedia(ctx context.Context, to bot.UserID, md bot.Media, caption, id string) (string, error) {
	if err := m.fence(ctx); err != nil {
		return "", err
	}
	return m.Messenger.SendMedia(ctx, to, md, caption, id)
}

func (m *fencedMessenger) SendLocation(ctx context.Context, to bot.UserID, pin bot.Pin, id string) (string, error) {
	if err := m.fence(ctx); err != nil {
		return "", err
	}
	return m.Messenger.SendLocation(ctx, to, pin, id)
}

func (m *fencedMessenger) Revoke(ctx context.Context, chat bot.UserID, id string) error {
	if err := m.fence(ctx); err != nil {
		return err
	}
	return m.Messenger.Revoke(ctx, chat, id)
}

// countingStore counts, for the metrics, what the bot records: messages
// received, automatic messages sent per rule, sends failed for good. It
// also fences what a message changes: a message is recorded (and a
// command's change saved) only while the lease is proven held, else it is
// left unacknowledged for the next holder, whose configuration and outbox
// it then reaches. It keeps nothing per message: the rules of a message
// sent are read from its outbox row.
type countingStore struct {
	bot.Store
	outbox *storage.Store
	m      *metrics.Metrics
	number string
	lease  numberLease
}

// newCountingStore counts what st records for number, fenced by lease.
func newCountingStore(st *storage.Store, m *metrics.Metrics, number string, lease numberLease) *countingStore {
	return &countingStore{Store: st, outbox: st, m: m, number: number, lease: lease}
}

func (c *countingStore) fence(ctx context.Context) error {
	if err := c.lease.Check(ctx); err != nil {
		return fmt.Errorf("not recorded: %w", err)
	}
	return nil
}

func (c *countingStore) RecordInbound(ctx context.Context, in bot.Inbound) error {
	if err := c.fence(ctx); err != nil {
		return err
	}
	err := c.Store.RecordInbound(ctx, in)
	if err == nil {
		c.m.CountReceived(c.number)
	}
	return err
}

func (c *countingStore) SaveConfig(ctx context.Context, cfg bot.Config, rec *bot.Inbound) error {
	if err := c.fence(ctx); err != nil {
		return err
	}
	err := c.Store.SaveConfig(ctx, cfg, rec)
	if err == nil && rec != nil {
		c.m.CountReceived(c.number)
	}
	return err
}

func (c *countingStore) SaveKillSwitch(ctx context.Context, k bot.KillSwitch, rec *bot.Inbound) (int, error) {
	if err := c.fence(ctx); err != nil {
		return 0, err
	}
	n, err := c.Store.SaveKillSwitch(ctx, k, rec)
	if err == nil && rec != nil {
		c.m.CountReceived(c.number)
	}
	return n, err
}

// MarkSent counts the message sent under each rule of its outbox row
// (one read, only with the metrics on); a row gone already (or unread)
// counts as "other" rather than not at all.
func (c *countingStore) MarkSent(ctx context.Context, id int64, msgID string, at time.Time) error {
	err := c.Store.MarkSent(ctx, id, msgID, at)
	if err != nil || c.m == nil {
		return err
	}
	var rules []string
	if c.outbox != nil {
		r, ok, rerr := c.outbox.OutgoingRules(ctx, id)
		if ok && rerr == nil {
			rules = r
		}
	}
	c.m.CountAutomatic(c.number, rules)
	return nil
}

func (c *countingStore) MarkFailed(ctx context.Context, id int64, reason string) error {
	err := c.Store.MarkFailed(ctx, id, reason)
	if err == nil {
		c.m.CountFailed(c.number)
	}
	return err
}

// syncWriter serialises whole writes of several numbers' lines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) println(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(s.w, line)
}

// prefixed is a writer that starts every line with prefix.
func (s *syncWriter) prefixed(prefix string) io.Writer { return &prefixWriter{s: s, prefix: prefix} }

type prefixWriter struct {
	s      *syncWriter
	prefix string
	mid    bool // within a line
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	n := len(b)
	for len(b) > 0 {
		if !p.mid {
			if _, err := io.WriteString(p.s.w, p.prefix); err != nil {
				return 0, err
			}
			p.mid = true
		}
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		if i < len(b) {
			i++
			p.mid = false
		}
		if _, err := p.s.w.Write(b[:i]); err != nil {
			return 0, err
		}
		b = b[i:]
	}
	return n, nil
}
