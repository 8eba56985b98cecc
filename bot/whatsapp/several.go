package whatsapp

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"time"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
)

// Several numbers: one device store (whatsmeow's sqlstore.Container) holds
// every linked device of the process, and each device gets an Adapter of
// its own (one whatsmeow.Client each): OpenStore, then NewForDevice for
// each device.

// OpenStore opens whatsmeow's device store in db and upgrades its tables.
// dialect is "sqlite3" or "postgres".
func OpenStore(ctx context.Context, db *sql.DB, dialect string, log *slog.Logger) (*sqlstore.Container, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if dialect == "postgres" {
		if err := ownVersionTable(ctx, db); err != nil {
			return nil, fmt.Errorf("prepare whatsmeow tables: %w", err)
		}
	}
	c := sqlstore.NewWithDB(db, dialect, newWALog(log, "store"))
	if err := c.Upgrade(ctx); err != nil {
		return nil, fmt.Errorf("prepare whatsmeow tables: %w", err)
	}
	return c, nil
}

// ownVersionTable makes whatsmeow's schema version table in the
// connection's own schema when it is missing there. whatsmeow (go.mau.fi/util
// dbutil) asks information_schema whether the table exists without naming
// a schema, so a whatsmeow_version of another schema in the same database
// (another frontdesk, a test's schema) made it read a table its
// search_path does not have ("relation whatsmeow_version does not
// exist"). An empty table is what dbutil itself creates: version 0, every
// upgrade to run. Two processes racing here: the loser's CREATE may fail
// while the table now exists, which is fine.
func ownVersionTable(ctx context.Context, db *sql.DB) error {
	exists := func() (bool, error) {
		var ok bool
		err := db.QueryRowContext(ctx, "SELECT to_regclass('whatsmeow_version') IS NOT NULL").Scan(&ok)
		return ok, err
	}
	if ok, err := exists(); err != nil || ok {
		return err
	}
	_, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS whatsmeow_version (version INTEGER, compat INTEGER)")
	if err != nil {
		if ok, err2 := exists(); err2 == nil && ok {
			return nil
		}
		return fmt.Errorf("create whatsmeow_version: %w", err)
	}
	return nil
}

// NewForDevice prepares a client for device, one of container's (a new,
// unlinked one from container.NewDevice to link another number). Reset
// must not be used on such an adapter: it forgets every device of the
// store.
func NewForDevice(container *sqlstore.Container, device *store.Device, opts Options) *Adapter {
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
		opts:      opts,
		log:       opts.Log.With("component", "whatsapp"),
		out:       &lineWriter{w: opts.Out},
		ended:     make(chan Ended, 1),
		container: container,
	}
	a.edits.init()
	a.setConn(device)
	return a
}

// Online reports whether the client is connected and logged in now.
func (a *Adapter) Online() bool { return a.cur.Load().online.Load() }
