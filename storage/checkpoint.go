package storage

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// On SQLite a commit that finds the write-ahead log over 1000 pages
// copies it into the database file there and then (an automatic
// checkpoint): a few milliseconds spent inside whichever message's
// commit crossed the line, which was the slowest one percent of replies
// (docs/performance.md, "Latency"). frontdesk's connections turn that off
// (writerDriver), and a goroutine of the DB (checkpointer) checkpoints
// the log every checkpointEvery instead, without making writers wait
// (PASSIVE: it copies what no reader still needs and leaves the rest for
// next time).

// writerDriver is go-sqlite3 with automatic checkpoints off on every
// connection it opens.
const writerDriver = "sqlite3-frontdesk"

// checkpointEvery is how often the checkpointer copies the log into the
// database file.
const checkpointEvery = time.Second

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil)
			return err
		},
	})
}

// checkpointer checkpoints db's log every checkpointEvery until stop is
// called (which waits for it to end).
type checkpointer struct {
	stop func()
}

func startCheckpointer(db *sql.DB) *checkpointer {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				// An error (the database busy, or closing) is left for
				// the next tick; the log only grows meanwhile.
				db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)") //nolint:errcheck
			}
		}
	}()
	return &checkpointer{stop: func() { cancel(); wg.Wait() }}
}
