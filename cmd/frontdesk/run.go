package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"go.mau.fi/whatsmeow"

	"frontdesk/bot"
	"frontdesk/bot/whatsapp"
	"frontdesk/metrics"
	"frontdesk/storage"
)

// runRun is `frontdesk run [--db PATH] [--pair-phone NUMBER] [--log-messages] [--metrics ADDR]`.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "frontdesk run [--db PATH] [--pair-phone NUMBER] [--log-messages] [--metrics HOST:PORT]", stderr)
	dbPath := fs.String("db", "frontdesk.db", "database file (created with mode 0600; it holds the WhatsApp sessions)")
	pairPhone := fs.String("pair-phone", "", "link with an 8-character code for this phone number (+39...) instead of a QR code")
	logMessages := fs.Bool("log-messages", false, "include message texts in the log")
	metricsAddr := fs.String("metrics", "", "serve Prometheus metrics on http://HOST:PORT/metrics and readiness on /health (e.g. 127.0.0.1:9464)")
	rest, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected argument %q", rest[0])
	}
	if *pairPhone != "" && storage.IsPostgres(*dbPath) {
		return usageError(fs, "--pair-phone links the first number of a SQLite database; on PostgreSQL link numbers with `frontdesk link --pair-phone`")
	}
	if *pairPhone != "" && len(bot.PhoneID(*pairPhone)) < 7 {
		return &exitError{code: 2, err: fmt.Errorf("run: --pair-phone %q is not a phone number with country code (like +39 333 1234567)", *pairPhone)}
	}
	return runBot(ctx, runConfig{
		DBPath: *dbPath, PairPhone: *pairPhone, LogMessages: *logMessages, Metrics: *metricsAddr,
		Stdout: stdout, Stderr: stderr,
	})
}

// runConfig is everything runBot needs; tests fill it directly.
type runConfig struct {
	DBPath      string
	PairPhone   string
	LogMessages bool
	// Metrics, when set, is the host:port of the metrics endpoint.
	Metrics string
	Stdout  io.Writer
	Stderr  io.Writer
	// ConfigureClient is called on every whatsmeow client before it
	// connects (tests route it to a fake server).
	ConfigureClient func(*whatsmeow.Client)
	// OnQR receives each QR code shown (tests scan it with a fake phone).
	OnQR func(code string)
	// Poll is how often the linked numbers are looked at (default
	// fleetPoll).
	Poll time.Duration
	// OnMetrics, when set, gets the address the metrics endpoint listens on.
	OnMetrics func(addr string)
	// unpaced lifts the bot's pace limit: only the end-to-end throughput
	// benchmark sets it (no flag does).
	unpaced bool
}

// runBot is the production bot: open the database, link a first number if
// none is, then serve every linked number until ctx ends. It returns nil
// on a clean stop.
func runBot(ctx context.Context, rc runConfig) error {
	if rc.Stdout == nil {
		rc.Stdout = io.Discard
	}
	if rc.Stderr == nil {
		rc.Stderr = io.Discard
	}
	shared := storage.IsPostgres(rc.DBPath)
	if !shared {
		lock, err := claimDatabase("run", rc.DBPath)
		if err != nil {
			return err
		}
		defer lock.Release() // after the database is closed
	}
	log := slog.New(slog.NewTextHandler(rc.Stderr, nil))
	db, err := openDatabase(ctx, "run", rc.DBPath)
	if err != nil {
		return err
	}
	defer db.Close() // the last step of every shutdown
	container, err := whatsapp.OpenStore(ctx, db.SQL(), db.Dialect(), log)
	if err != nil {
		return err
	}
	if err := adoptUpgraded(ctx, "run", db); err != nil {
		return err
	}
	fc := fleetConfig{
		DB: db, Container: container, Log: log, LogMessages: rc.LogMessages, Out: rc.Stdout,
		ConfigureClient: rc.ConfigureClient, Poll: rc.Poll, Exclusive: !shared,
		Unpaced: rc.unpaced,
	}
	if shared {
		leases, err := storage.OpenLeases(ctx, rc.DBPath)
		if err != nil {
			return databaseError("run", err)
		}
		defer leases.Close() // after the fleet released every lease
		fc.Leases = pgLeases{leases}
	}
	f := newFleet(fc)
	if rc.Metrics != "" {
		m := metrics.New(f)
		f.cfg.Metrics = m
		addr, err := m.Serve(ctx, rc.Metrics, func(err error) { log.Error("metrics endpoint stopped", "err", err) })
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("run: --metrics %s: %w", rc.Metrics, err)}
		}
		fmt.Fprintf(rc.Stdout, "Metrics on http://%s/metrics, readiness on http://%s/health\n", addr, addr)
		if rc.OnMetrics != nil {
			rc.OnMetrics(addr)
		}
	}
	for {
		var adopt *whatsapp.Adapter
		if !shared {
			linked, err := linkedDevices(ctx, container)
			if err != nil {
				return fmt.Errorf("read the linked numbers: %w", err)
			}
			if len(linked) == 0 {
				fmt.Fprintln(rc.Stdout, "This frontdesk is not linked to a WhatsApp account yet.")
				wa := whatsapp.NewForDevice(container, container.NewDevice(), whatsapp.Options{
					Log: log, LogMessages: rc.LogMessages, Out: rc.Stdout,
					ConfigureClient: rc.ConfigureClient, OnQR: rc.OnQR,
				})
				_, err := wa.Link(ctx, rc.PairPhone)
				if err != nil {
					wa.Stop()
					wa.Disconnect()
				}
				switch {
				case ctx.Err() != nil:
					return nil
				case errors.Is(err, whatsapp.ErrLinkTimeout):
					return fmt.Errorf("linking: the codes expired before a phone linked; run frontdesk again for new ones")
				case err != nil:
					return fmt.Errorf("linking: %w", err)
				}
				adopt = wa
				// The database's first number: it gets the business with
				// no number (what an import or the single number of
				// before an upgrade left).
				if err := adoptUpgraded(ctx, "run", db); err != nil {
					wa.Stop()
					wa.Disconnect()
					return err
				}
			}
		} else {
			fmt.Fprintln(rc.Stdout, "Serving the linked numbers no other frontdesk serves (add one with `frontdesk link`).")
		}
		err := f.run(ctx, adopt)
		if !errors.Is(err, errNoNumbers) {
			return err
		}
		fmt.Fprintln(rc.Stdout, "Link frontdesk again with the new QR code below, or stop it with Ctrl-C.")
	}
}

// serve runs one linked session until ctx ends (nil, nil) or WhatsApp ends
// it for good, then shuts down in order: stop taking events and finish the
// one in hand, stop the outbox, disconnect, close the bot. The database is
// closed by the caller.
func serve(ctx context.Context, wa *whatsapp.Adapter, b *bot.Bot, log *slog.Logger) (*whatsapp.Ended, error) {
	wa.Start(b)
	botCtx, stopBot := context.WithCancel(context.Background())
	defer stopBot()
	botDone := make(chan error, 1)
	go func() { botDone <- b.Run(botCtx) }()

	var ended *whatsapp.Ended
	var runErr error
	select {
	case <-ctx.Done():
		log.Info("stopping")
	case e := <-wa.Ended():
		ended = &e
	case err := <-botDone:
		if err == nil {
			err = errors.New("stopped by itself")
		}
		runErr = fmt.Errorf("bot outbox loop: %w", err)
		botDone <- nil
	}
	wa.Stop()
	stopBot()
	select {
	case <-botDone:
	case <-time.After(time.Second):
		log.Warn("outbox still busy at shutdown; leaving it")
	}
	wa.Disconnect()
	if err := b.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close bot: %w", err)
	}
	return ended, runErr
}
