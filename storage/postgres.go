package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// openPostgres opens the PostgreSQL database of the URL dsn
// (postgres://user@host:5432/dbname?sslmode=...; every libpq-style
// parameter pgx knows, search_path included, may be given). frontdesk's
// tables (fd_*) and whatsmeow's (whatsmeow_*) go in the schema the
// connection uses: the first of search_path, "public" by default.
func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	where := redact(dsn)
	sqlDB, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	// A handful of connections serve every business of the process; an
	// idle one is kept a while so that the prepared statements stay.
	sqlDB.SetMaxOpenConns(16)
	sqlDB.SetMaxIdleConns(8)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	db := &DB{sql: sqlDB, dialect: Postgres, queries: queries{dialect: Postgres}}
	if err := db.init(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	if _, err := sqlDB.ExecContext(ctx, whatsmeowVersionTable); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database %s: %w", where, err)
	}
	return db, nil
}

// whatsmeowVersionTable is whatsmeow's schema version table, as its
// store creates it. On PostgreSQL that store (go.mau.fi/util's dbutil)
// asks information_schema whether the table exists in any schema of the
// database, not in the one it uses: with whatsmeow's tables in another
// schema (another frontdesk, a test running beside), it would skip making
// its own and then fail to read it. Made here, in the connection's
// schema, before whatsmeow looks, the table is found where it is read,
// empty, and whatsmeow creates the rest of its schema from version 0.
const whatsmeowVersionTable = `CREATE TABLE IF NOT EXISTS whatsmeow_version (version INTEGER, compat INTEGER)`

// redact is dsn without its password, for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(PostgreSQL URL)"
	}
	return u.Redacted()
}

// schemaName is what TempSchema accepts as a prefix.
var schemaName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// TempSchema creates a new, empty schema in the PostgreSQL database dsn
// names, and returns dsn set to use it (its search_path) and drop, which
// removes the schema with everything in it. The schema is named
// SchemaPrefix(prefix) and a random suffix. `frontdesk replay --db postgres://...` runs each
// scenario in one, and tests use them (storagetest.Postgres).
func TempSchema(ctx context.Context, dsn, prefix string) (schemaDSN string, drop func(context.Context) error, err error) {
	if !IsPostgres(dsn) {
		return "", nil, fmt.Errorf("%s is not a postgres:// URL", redact(dsn))
	}
	if !schemaName.MatchString(prefix) {
		return "", nil, fmt.Errorf("schema prefix %q: want lower-case letters, digits and _", prefix)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL URL: %w", err)
	}
	var suffix [4]byte
	rand.Read(suffix[:])
	name := SchemaPrefix(prefix) + hex.EncodeToString(suffix[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		return "", nil, fmt.Errorf("create schema %s in %s: %w", name, redact(dsn), err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	drop = func(ctx context.Context) error {
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", name, err)
		}
		return nil
	}
	return u.String(), drop, nil
}

// SchemaPrefix is how the names of the schemas this process makes with
// TempSchema(prefix) start: the prefix and the process id, so that a
// schema left behind names the process that made it, and a process can
// tell its own from others' in a shared database.
func SchemaPrefix(prefix string) string {
	return prefix + "_" + strconv.Itoa(os.Getpid()) + "_"
}
