package storage

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrationFiles are the schema changes, named NNNN_what.sql and numbered
// from 0001 without gaps. A released file is never edited: add a new one.
//
// A file applies to both dialects, written in SQLite's spelling and
// translated for PostgreSQL (postgresDDL), except where a line
// "-- dialect: sqlite3" or "-- dialect: postgres" starts a part for one
// of them only ("-- dialect: all" ends it). PostgreSQL starts at
// firstPostgres: the files before it are SQLite's history, and
// 0006_businesses creates the whole schema of both.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// firstPostgres is the first migration a PostgreSQL database applies;
// a new one is recorded at the version before it.
const firstPostgres = 6

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations in version order and checks
// the numbering, so that a mistake fails every test rather than a user's
// database.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
		if _, err := m.statements(Postgres); err != nil {
			return nil, err
		}
	}
	return ms, nil
}

// statements are m's statements for dialect, in order, translated.
func (m migration) statements(dialect string) ([]string, error) {
	if dialect == Postgres && m.version < firstPostgres {
		return nil, nil
	}
	var (
		out  []string
		cur  []string
		part = "all"
	)
	flush := func() {
		body := strings.TrimSpace(strings.Join(cur, "\n"))
		cur = nil
		if body == "" || (part != "all" && part != dialect) {
			return
		}
		if dialect == Postgres {
			for _, st := range strings.Split(body, ";\n") {
				if st = strings.TrimSpace(postgresDDL(st)); strings.Trim(st, ";\n\t ") != "" {
					out = append(out, st)
				}
			}
			return
		}
		out = append(out, body)
	}
	for _, line := range strings.Split(m.sql, "\n") {
		if d, ok := strings.CutPrefix(strings.TrimSpace(line), "-- dialect:"); ok {
			flush()
			switch part = strings.TrimSpace(d); part {
			case "all", SQLite, Postgres:
			default:
				return nil, fmt.Errorf("migration %s: unknown dialect %q", m.name, part)
			}
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out, nil
}

// SchemaVersion is the schema version this binary brings databases to.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// migrate applies the migrations the database lacks, each in its own
// transaction together with the new version number. The version is read
// inside the transaction, which holds the write lock (SQLite's BEGIN
// IMMEDIATE; PostgreSQL's advisory lock 0 of the schema), so two processes
// opening the same database cannot both apply one migration.
func migrate(ctx context.Context, db *sql.DB, dialect string) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	return applyMigrations(ctx, db, dialect, ms)
}

// applyMigrations brings db to version len(ms).
func applyMigrations(ctx context.Context, db *sql.DB, dialect string, ms []migration) error {
	for {
		done, err := migrateOne(ctx, db, dialect, ms)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// schemaTable holds the schema version. PostgreSQL's transactional DDL
// lets it be made inside the migration's locked transaction.
const schemaTable = `CREATE TABLE IF NOT EXISTS fd_schema (
	id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
)`

// migrateOne applies the next missing migration; done reports that none was
// missing.
func migrateOne(ctx context.Context, db *sql.DB, dialect string, ms []migration) (done bool, err error) {
	q := func(s string) string { return s }
	if dialect == Postgres {
		q = postgresDDL
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin migration: %w", err)
	}
	defer tx.Rollback()
	if dialect == Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(current_schema()), 0)"); err != nil {
			return false, fmt.Errorf("lock the schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, q(schemaTable)); err != nil {
		return false, fmt.Errorf("create schema table: %w", err)
	}
	var version int
	err = tx.QueryRowContext(ctx, "SELECT version FROM fd_schema WHERE id = 1").Scan(&version)
	if err != nil && err != sql.ErrNoRows {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case version > len(ms):
		return false, fmt.Errorf("database schema version %d is newer than this program knows (%d): use a newer frontdesk", version, len(ms))
	case version == len(ms):
		return true, tx.Commit()
	case dialect == Postgres && version < firstPostgres-1:
		version = firstPostgres - 1 // a new PostgreSQL database starts there
	}
	m := ms[version]
	stmts, err := m.statements(dialect)
	if err != nil {
		return false, err
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return false, fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, q(
		`INSERT INTO fd_schema (id, version) VALUES (1, ?)
		 ON CONFLICT (id) DO UPDATE SET version = excluded.version`), m.version); err != nil {
		return false, fmt.Errorf("record migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit migration %s: %w", m.name, err)
	}
	return false, nil
}
