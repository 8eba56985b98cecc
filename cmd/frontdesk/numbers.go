package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"

	"frontdesk/bot"
	"frontdesk/bot/whatsapp"
	"frontdesk/storage"
)

// The numbers of a database: `frontdesk link` adds one (while a
// `frontdesk run` serves the others: the run finds it within a few
// seconds), `frontdesk numbers` lists them, `frontdesk logout +NUMBER`
// unlinks one.

// sessions is a database with whatsmeow's device store opened on it.
type sessions struct {
	db        *storage.DB
	container *sqlstore.Container
}

// openSessions opens the database at dsn for command; a missing SQLite
// file is not created (hint says what to do), unless hint is empty.
func openSessions(ctx context.Context, command, dsn, hint string, log *slog.Logger) (*sessions, error) {
	if !storage.IsPostgres(dsn) && hint != "" {
		if err := existingDatabase(command, dsn, hint); err != nil {
			return nil, err
		}
	}
	db, err := openDatabase(ctx, command, dsn)
	if err != nil {
		return nil, err
	}
	c, err := whatsapp.OpenStore(ctx, db.SQL(), db.Dialect(), log)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: read the WhatsApp sessions: %w", command, err)
	}
	return &sessions{db: db, container: c}, nil
}

func (s *sessions) Close() { s.db.Close() }

// devices lists the linked devices by phone number.
func (s *sessions) devices(ctx context.Context) ([]*store.Device, error) {
	out, err := linkedDevices(ctx, s.container)
	if err != nil {
		return nil, fmt.Errorf("read the WhatsApp sessions: %w", err)
	}
	return out, nil
}

// linkedDevices lists the devices of c that are linked (have a phone
// number), by phone number; devices of one number keep the store's order.
func linkedDevices(ctx context.Context, c *sqlstore.Container) ([]*store.Device, error) {
	all, err := c.GetAllDevices(ctx)
	if err != nil {
		return nil, err
	}
	var out []*store.Device
	for _, d := range all {
		if d.ID != nil && d.ID.User != "" {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID.User < out[j].ID.User })
	return out, nil
}

// pick finds the device of number ("+39...", any spacing), or the only one
// when number is empty.
func (s *sessions) pick(ctx context.Context, command, number string) (*store.Device, error) {
	devices, err := s.devices(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", command, err)
	}
	if number == "" {
		switch len(devices) {
		case 0:
			return nil, nil
		case 1:
			return devices[0], nil
		}
		var list []string
		for _, d := range devices {
			list = append(list, "+"+d.ID.User)
		}
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("%s: %d numbers are linked (%s): name one, like `frontdesk %s %s`",
			command, len(devices), joinList(list), command, list[0])}
	}
	want := bot.PhoneID(number).Digits()
	if len(want) < 7 {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("%s: %q is not a phone number with country code (like +39 333 1234567)", command, number)}
	}
	for _, d := range devices {
		if d.ID.User == want {
			return d, nil
		}
	}
	return nil, fmt.Errorf("%s: +%s is not linked here (`frontdesk numbers` lists the linked numbers)", command, want)
}

// business is the store of the business command works on: number's
// ("+39..."), or with number empty the one linked number's, or the only
// business of a database not linked yet. self is the business's own number
// when known.
func (s *sessions) business(ctx context.Context, command, number string) (*storage.Store, bot.UserID, error) {
	if number != "" && len(bot.PhoneID(number).Digits()) < 7 {
		return nil, "", &exitError{code: exitUsage, err: fmt.Errorf("%s: --number %q is not a phone number with country code (like +39 333 1234567)", command, number)}
	}
	if err := adoptUpgraded(ctx, command, s.db); err != nil {
		return nil, "", err
	}
	device, err := s.pick(ctx, command, number)
	var digits string
	switch {
	case device != nil:
		digits = device.ID.User
	case number != "":
		// Not linked (any more): a business kept from before will do.
		digits = bot.PhoneID(number).Digits()
		bs, berr := s.db.Businesses(ctx)
		if berr != nil {
			return nil, "", fmt.Errorf("%s: %w", command, berr)
		}
		found := false
		for _, b := range bs {
			found = found || b.Number == digits
		}
		if !found {
			return nil, "", err
		}
	case err != nil:
		return nil, "", err
	default:
		st, err := s.db.Sole(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", command, err)
		}
		return st, "", nil
	}
	st, err := s.db.Business(ctx, digits)
	if err != nil {
		return nil, "", databaseError(command, err)
	}
	return st, bot.PhoneID(digits), nil
}

func joinList(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// runNumbers is `frontdesk numbers [--db DSN]`.
func runNumbers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("numbers", "frontdesk numbers [--db PATH|postgres://...]", stderr)
	dsn := fs.String("db", "frontdesk.db", "database file or PostgreSQL URL")
	rest, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected argument %q", rest[0])
	}
	s, err := openSessions(ctx, "numbers", *dsn, "give its place with --db, or link a number with `frontdesk run`", nil)
	if err != nil {
		return err
	}
	defer s.Close()
	devices, err := s.devices(ctx)
	if err != nil {
		return fmt.Errorf("numbers: %w", err)
	}
	if len(devices) == 0 {
		fmt.Fprintln(stdout, "No number is linked. Link one with `frontdesk link` (or `frontdesk run`).")
		return nil
	}
	var served func(number string) string
	if storage.IsPostgres(*dsn) {
		leases, err := storage.OpenLeases(ctx, *dsn)
		if err != nil {
			return databaseError("numbers", err)
		}
		defer leases.Close()
		served = func(number string) string {
			who, err := leases.Holder(ctx, number)
			switch {
			case err != nil:
				return "unknown (" + err.Error() + ")"
			case who == "":
				return "not served: no frontdesk run holds it (one takes it within seconds)"
			default:
				return "served by database " + who
			}
		}
	} else {
		running := "not served: no frontdesk run is running on this database"
		if l, err := storage.Lock(*dsn); err == nil {
			l.Release()
		} else if held := (*storage.HeldError)(nil); errors.As(err, &held) {
			running = "served by "
			if held.PID > 0 {
				running += fmt.Sprintf("process %d", held.PID)
				if held.Host != "" {
					running += " on " + held.Host
				}
			} else {
				running += "a frontdesk run"
			}
		}
		served = func(string) string { return running }
	}
	fmt.Fprintf(stdout, "%d linked number(s):\n", len(devices))
	for _, d := range devices {
		line := fmt.Sprintf("  +%s", d.ID.User)
		if d.PushName != "" {
			line += fmt.Sprintf(" (%s)", d.PushName)
		}
		fmt.Fprintf(stdout, "%s  %s\n", line, served(d.ID.User))
	}
	return nil
}

// linkConfig is everything linkNumber needs; tests fill it directly.
type linkConfig struct {
	DSN             string
	PairPhone       string
	Stdout, Stderr  io.Writer
	ConfigureClient func(*whatsmeow.Client)
	OnQR            func(code string)
	// Settle bounds the wait for the new session to finish its first
	// login before this process lets it go (default 15 s).
	Settle time.Duration
}

// runLink is `frontdesk link [--db DSN] [--pair-phone NUMBER]`: links one
// more number (QR code, or pairing code) while a `frontdesk run` may serve
// the others; the run starts serving it within a few seconds.
func runLink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("link", "frontdesk link [--db PATH|postgres://...] [--pair-phone NUMBER]", stderr)
	dsn := fs.String("db", "frontdesk.db", "database file or PostgreSQL URL (a missing file is created)")
	pairPhone := fs.String("pair-phone", "", "link with an 8-character code for this phone number (+39...) instead of a QR code")
	rest, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected argument %q (for the wa.me link of a number: frontdesk walink)", rest[0])
	}
	if *pairPhone != "" && len(bot.PhoneID(*pairPhone)) < 7 {
		return &exitError{code: 2, err: fmt.Errorf("link: --pair-phone %q is not a phone number with country code (like +39 333 1234567)", *pairPhone)}
	}
	return linkNumber(ctx, linkConfig{DSN: *dsn, PairPhone: *pairPhone, Stdout: stdout, Stderr: stderr})
}

// linkNumber links one more number into the database. Messages that reach
// the new number meanwhile are not handled here: they are not acknowledged,
// so WhatsApp delivers them again to the process that serves the number
// (the phone's history sync is: see linkHandler). The number's business
// is made once the session is let go, and the process that serves it
// waits for that (or for linkGrace).
func linkNumber(ctx context.Context, lc linkConfig) error {
	if lc.Stdout == nil {
		lc.Stdout = io.Discard
	}
	if lc.Stderr == nil {
		lc.Stderr = io.Discard
	}
	if lc.Settle <= 0 {
		lc.Settle = 15 * time.Second
	}
	log := slog.New(slog.NewTextHandler(lc.Stderr, nil))
	db, err := openDatabase(ctx, "link", lc.DSN)
	if err != nil {
		return err
	}
	defer db.Close()
	container, err := whatsapp.OpenStore(ctx, db.SQL(), db.Dialect(), log)
	if err != nil {
		return fmt.Errorf("link: %w", err)
	}
	// The business of before an upgrade goes to the number linked before
	// it, never to the one linked now; unless none is linked: then the
	// number linked now is the database's first (as with `frontdesk run`),
	// and gets what an import before it put there.
	if err := adoptUpgraded(ctx, "link", db); err != nil {
		return err
	}
	before, err := linkedDevices(ctx, container)
	if err != nil {
		return fmt.Errorf("link: read the WhatsApp sessions: %w", err)
	}
	wa := whatsapp.NewForDevice(container, container.NewDevice(), whatsapp.Options{
		Log: log, Out: lc.Stdout, ConfigureClient: lc.ConfigureClient, OnQR: lc.OnQR,
	})
	own, err := wa.Link(ctx, lc.PairPhone)
	if err != nil {
		wa.Disconnect()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, whatsapp.ErrLinkTimeout):
			return fmt.Errorf("link: the codes expired before a phone linked; run frontdesk link again for new ones")
		default:
			return fmt.Errorf("link: %w", err)
		}
	}
	h := &linkHandler{self: own.Self(), selfLID: own.SelfLID()}
	wa.Start(h)
	// Let the new session finish its first login (keys uploaded) before
	// letting it go.
	deadline := time.Now().Add(lc.Settle)
	for !wa.Online() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
	}
	wa.Stop()
	wa.Disconnect()
	// Only now the business: a running frontdesk serves a new number once
	// its business exists, and must not use the session while this
	// process still does.
	number := own.Self().Digits()
	if len(before) == 0 {
		if _, err := db.AdoptUnnamed(ctx, []string{number}); err != nil {
			return databaseError("link", err)
		}
	}
	store, err := db.Business(ctx, number)
	if err != nil {
		return databaseError("link", err)
	}
	if known := h.known(); len(known) > 0 {
		if err := store.MarkKnown(ctx, known, time.Now()); err != nil {
			return fmt.Errorf("link: save the chats of the phone's history: %w", err)
		}
	}
	if err := dropOlderSessions(ctx, container, wa.Client().Store.ID); err != nil {
		return fmt.Errorf("link: %w", err)
	}
	fmt.Fprintf(lc.Stdout, "Linked %s. A running frontdesk starts serving it within a few seconds; else start one with `frontdesk run`.\n", own.Self())
	return nil
}

// errLeftForRun refuses what `frontdesk link` does not handle.
var errLeftForRun = errors.New("left for the frontdesk run that serves the number")

// linkHandler is what `frontdesk link` does with the new number's events
// while it holds the session: it keeps the chats of the phone's history
// sync, saved as known customers once the session is let go (as run
// does; a crash within that moment forgets them, and a customer of before
// may then be greeted as new); messages and everything else are refused,
// so WhatsApp delivers them again to the process that serves the number.
type linkHandler struct {
	self, selfLID bot.UserID

	mu    sync.Mutex
	chats []bot.UserID
}

func (h *linkHandler) HandleMessage(context.Context, bot.Message) error { return errLeftForRun }

func (h *linkHandler) HandleEvent(_ context.Context, ev any) error {
	k, ok := ev.(bot.KnownChats)
	if !ok {
		return errLeftForRun
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range k.Chats {
		if c != h.self && c != h.selfLID && c != "" {
			h.chats = append(h.chats, c)
		}
	}
	return nil
}

func (h *linkHandler) known() []bot.UserID {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.UserID(nil), h.chats...)
}

// dropOlderSessions deletes other sessions of the number just linked (it
// was linked before, in this database): only the newest one is served.
func dropOlderSessions(ctx context.Context, c *sqlstore.Container, newest *types.JID) error {
	if newest == nil {
		return nil
	}
	all, err := c.GetAllDevices(ctx)
	if err != nil {
		return err
	}
	for _, d := range all {
		if d.ID != nil && d.ID.User == newest.User && *d.ID != *newest {
			if err := d.Delete(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}
