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
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver (read-only pool)
)

// DB is frontdesk's database: a SQLite file or a PostgreSQL database,
// holding any number of businesses (Business). It is safe for concurrent
// use.
type DB struct {
	sql *sql.DB
	// read is, on SQLite, a second pool on the same file for read-only
	// transactions (readTx); nil on PostgreSQL.
	read    *sql.DB
	dialect string
	queries
	stmts    statements
	outboxID atomic.Int64 // SQLite: the last outbox id given out (loadOutboxID)
	// wb is, on SQLite, each business's records not written out yet
	// (journal.go).
	wbMu sync.Mutex
	wb   map[int64]*writeBehind
	// writeMu, on SQLite, lets one of this handle's write transactions at
	// a time ask for the file's write lock: one that found it taken would
	// sleep in SQLite's busy handler (a millisecond and more) instead of
	// waiting its turn.
	writeMu sync.Mutex
	// flushAfter is how long a recorded message waits in memory at most
	// (flushDelay).
	flushAfter time.Duration
	// checkpoints copies SQLite's log into the file (checkpoint.go).
	checkpoints *checkpointer
	closeOnce   sync.Once
	closeErr    error
}

// fileMode is the only mode the database file may have: it holds the
// WhatsApp session keys.
const fileMode fs.FileMode = 0o600

// IsPostgres reports whether dsn names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database dsn names and brings its
// schema up to date. dsn is a SQLite file path, or a postgres:// URL
// (see openPostgres). A SQLite file is created with mode 0600 before
// SQLite touches it, and an existing file readable by others is tightened
// to 0600.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("open database: no path given")
	}
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	path := dsn
	if err := secureFile(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := secureCompanions(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sqlDB, err := sql.Open(writerDriver, sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := &DB{sql: sqlDB, dialect: SQLite, queries: queries{dialect: SQLite}, flushAfter: flushDelay}
	if err := db.init(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// The read-only pool, opened after init: the file exists, its mode
	// and its companions' checked, and it is in WAL mode. (A -wal or -shm
	// file SQLite creates for a reader gets the database's mode, 0600.)
	if db.read, err = sql.Open("sqlite3", sqliteReadDSN(path)); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.checkpoints = startCheckpointer(db.sql)
	return db, nil
}

func (db *DB) init(ctx context.Context) error {
	if db.dialect == SQLite {
		var fk bool
		if err := db.sql.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			return fmt.Errorf("check foreign keys: %w", err)
		}
		if !fk {
			return errors.New("foreign keys are not enabled (whatsmeow's store requires them)")
		}
	}
	if err := migrate(ctx, db.sql, db.dialect); err != nil {
		return err
	}
	if err := db.loadOutboxID(ctx); err != nil {
		return err
	}
	return db.stmts.prepare(ctx, db)
}

// sqliteDSN is the go-sqlite3 data source for path: foreign keys (whatsmeow needs
// them), WAL with NORMAL sync (fast commits, safe across crashes of the
// process), a generous busy timeout, BEGIN IMMEDIATE so that
// transactions never fail half-way on a lock upgrade (which is why
// read-only transactions go to another pool: sqliteReadDSN), and a cache of
// prepared statements per connection: whatsmeow (whose Signal store shares
// this database) runs its queries as plain strings, and preparing them
// again on every message was a tenth of the process's CPU under load
// (docs/performance.md, "End to end").
func sqliteDSN(path string) string {
	return sqliteURI(path) + "?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=10000&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=64"
}

// sqliteReadDSN is the data source of the read-only pool (readTx): the
// file opened read-only (mode=ro, and query_only on top), transactions
// begun with a plain, deferred BEGIN, which in WAL mode reads a snapshot
// and takes no lock that keeps a writer waiting. It sets no journal mode:
// the file is in WAL mode already, and a read-only connection may not
// change it.
func sqliteReadDSN(path string) string {
	return sqliteURI(path) + "?mode=ro&_query_only=1&_busy_timeout=10000&_txlock=deferred&_stmt_cache_size=16"
}

// sqliteURI is the file: URI of path.
func sqliteURI(path string) string {
	// SQLite decodes %HH in file: URIs; escape what would end the path.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc
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
// sessions in the same database: sqlstore.NewWithDB(db.SQL(), db.Dialect(), log).
func (db *DB) SQL() *sql.DB { return db.sql }

// Dialect is the database's kind as database/sql and whatsmeow name it:
// "sqlite3" (SQLite) or "postgres" (PostgreSQL).
func (db *DB) Dialect() string { return db.dialect }

// Close releases the database. Calling it again does nothing.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		wbErr := db.closeWriteBehind()
		if db.checkpoints != nil {
			db.checkpoints.stop()
		}
		db.stmts.close()
		// The reader first, so that the last connection to close is a
		// read-write one, which checkpoints the WAL and removes the -wal
		// and -shm files.
		var readErr error
		if db.read != nil {
			readErr = db.read.Close()
		}
		db.closeErr = errors.Join(wbErr, readErr, db.sql.Close())
	})
	return db.closeErr
}

// pick is the SQLite or the PostgreSQL spelling of a query, for the few
// that the translation in dialect.go does not cover.
func (db *DB) pick(sqlite, postgres string) string {
	if db != nil && db.dialect == Postgres {
		return postgres
	}
	return sqlite
}

// tx runs fn in one transaction that holds business's write lock,
// committing when fn returns nil. On SQLite every write transaction is
// BEGIN IMMEDIATE, which takes the database's one write lock; on
// PostgreSQL the transaction takes the business's advisory lock first
// (lockBusiness), so the writes of one business are as serialised as on
// SQLite while other businesses go on.
func (db *DB) tx(ctx context.Context, business int64, fn func(*sql.Tx) error) error {
	if db.dialect == SQLite {
		db.writeMu.Lock()
		defer db.writeMu.Unlock()
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := db.lockBusiness(ctx, tx, business); err != nil {
		tx.Rollback()
		return err
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

// exec runs the prepared write st outside a transaction (SQLite makes it
// one), waiting its turn for the write lock (writeMu) on SQLite.
func (db *DB) exec(ctx context.Context, st *sql.Stmt, args ...any) (sql.Result, error) {
	if db.dialect == SQLite {
		db.writeMu.Lock()
		defer db.writeMu.Unlock()
	}
	return st.ExecContext(ctx, args...)
}

// readTx begins a read-only transaction that sees one snapshot of the
// database from its first query on and keeps no writer waiting. On
// SQLite a write transaction (tx) takes the file's one write lock at
// BEGIN, for every business in the file, so reads that need to agree
// with each other (the statistics) run on the read-only pool instead: a
// deferred transaction there reads the WAL snapshot while writers go on.
// On PostgreSQL: a repeatable-read, read-only transaction.
func (db *DB) readTx(ctx context.Context) (*sql.Tx, error) {
	if db.read != nil {
		return db.read.BeginTx(ctx, nil)
	}
	return db.sql.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
}

// lockBusiness takes, on PostgreSQL, the transaction-scoped advisory lock
// of business (0: the list of businesses and the schema) in the current
// schema: pg_advisory_xact_lock(hashtext(current_schema()), business). It
// is released at commit or rollback. SQLite needs none.
func (db *DB) lockBusiness(ctx context.Context, tx *sql.Tx, business int64) error {
	if db.dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(current_schema()), $1)", int32(business)); err != nil {
		return fmt.Errorf("lock business %d: %w", business, err)
	}
	return nil
}
