package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver

	"frontdesk/bot"
)

// DB is frontdesk's SQLite database. It is safe for concurrent use.
type DB struct {
	sql       *sql.DB
	stmts     statements
	outboxID  atomic.Int64 // the last outbox id given out (loadOutboxID)
	closeOnce sync.Once
	closeErr  error
}

var _ bot.Store = (*DB)(nil)

// fileMode is the only mode the database file may have: it holds the
// WhatsApp session keys.
const fileMode fs.FileMode = 0o600

// Open opens (creating if needed) the database at path and brings its schema
// up to date. The file is created with mode 0600 before SQLite touches it,
// and an existing file readable by others is tightened to 0600.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	if err := secureFile(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := secureCompanions(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sqlDB, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := &DB{sql: sqlDB}
	if err := db.init(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

func (db *DB) init(ctx context.Context) error {
	var fk bool
	if err := db.sql.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("check foreign keys: %w", err)
	}
	if !fk {
		return errors.New("foreign keys are not enabled (whatsmeow's store requires them)")
	}
	if err := migrate(ctx, db.sql); err != nil {
		return err
	}
	if err := db.loadOutboxID(ctx); err != nil {
		return err
	}
	return db.stmts.prepare(ctx, db.sql)
}

// dsn is the go-sqlite3 data source for path: foreign keys (whatsmeow needs
// them), WAL with NORMAL sync (fast commits, safe across crashes of the
// process), a generous busy timeout, BEGIN IMMEDIATE so that
// transactions never fail half-way on a lock upgrade, and a cache of
// prepared statements per connection: whatsmeow (whose Signal store shares
// this database) runs its queries as plain strings, and preparing them
// again on every message was a tenth of the process's CPU under load
// (docs/performance.md, "End to end").
func dsn(path string) string {
	// SQLite decodes %HH in file: URIs; escape what would end the path.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=10000&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=64"
}

// secureFile creates path with mode 0600 if it does not exist, or narrows
// an existing file's mode to 0600.
func secureFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return fmt.Errorf("create file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("check file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if st.Mode().Perm() != fileMode {
		if err := f.Chmod(fileMode); err != nil {
			return fmt.Errorf("restrict file mode to 0600: %w", err)
		}
	}
	return nil
}

// secureCompanions narrows SQLite's -wal and -shm files beside path to mode
// 0600 when they exist: SQLite creates them with the database's mode, but
// ones restored from a backup keep whatever mode they were copied with,
// and the WAL holds recent writes, session keys included.
func secureCompanions(path string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		p := path + suffix
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", suffix, err)
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		if st.Mode().Perm() != fileMode {
			if err := os.Chmod(p, fileMode); err != nil {
				return fmt.Errorf("restrict %s to mode 0600: %w", p, err)
			}
		}
	}
	return nil
}

// SQL returns the underlying handle, so that whatsmeow's sqlstore keeps the
// session in the same file: sqlstore.NewWithDB(db.SQL(), "sqlite3", log).
func (db *DB) SQL() *sql.DB { return db.sql }

// Close releases the database. Calling it again does nothing.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.stmts.close()
		db.closeErr = db.sql.Close()
	})
	return db.closeErr
}

// tx runs fn in one (immediate) transaction, committing when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
