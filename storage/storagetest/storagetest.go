// Package storagetest gives tests a fresh database of each kind storage
// supports: a SQLite file in the test's temporary directory, and a
// PostgreSQL schema of its own, dropped when the test ends.
//
// The PostgreSQL tests run where FRONTDESK_TEST_POSTGRES names a database
// (for example postgres://postgres@127.0.0.1:5432/test); elsewhere they
// are skipped with a line saying so, unless FRONTDESK_REQUIRE_POSTGRES=1
// (which .ci/run sets), where a missing or unreachable database fails
// them. Each test gets a schema of its own, so tests run in parallel and
// leave nothing behind.
package storagetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"frontdesk/storage"
)

// Environment variables.
const (
	// EnvPostgres names the PostgreSQL database the tests may use.
	EnvPostgres = "FRONTDESK_TEST_POSTGRES"
	// EnvRequire, set to 1, makes a PostgreSQL test fail instead of
	// skipping when EnvPostgres is unset or the database unreachable.
	EnvRequire = "FRONTDESK_REQUIRE_POSTGRES"
)

// SQLite returns the path of a new SQLite database in t's temporary
// directory.
func SQLite(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "frontdesk.db")
}

// Postgres returns the URL of a new, empty schema in the database
// FRONTDESK_TEST_POSTGRES names, dropped when t ends. Without the
// variable the test is skipped (or fails under FRONTDESK_REQUIRE_POSTGRES=1).
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		unavailable(t, "PostgreSQL test skipped: set "+EnvPostgres+"=postgres://postgres@127.0.0.1:5432/test to run it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn, drop, err := storage.TempSchema(ctx, base, "fdtest")
	if err != nil {
		unavailable(t, "PostgreSQL test skipped: "+err.Error())
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := drop(ctx); err != nil {
			t.Errorf("drop the test's schema: %v", err)
		}
	})
	return dsn
}

func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		t.Fatal(msg + " (" + EnvRequire + "=1: PostgreSQL is required)")
	}
	t.Skip(msg)
}

// Dialects are the kinds of database, each with the function that makes
// a fresh one for a test: "sqlite" and "postgres".
var Dialects = []struct {
	Name  string
	Fresh func(t testing.TB) string
}{
	{"sqlite", SQLite},
	{"postgres", Postgres},
}

// Each runs fn once per kind of database, as subtests named after them;
// fresh makes a new database of that kind.
func Each(t *testing.T, fn func(t *testing.T, fresh func(t testing.TB) string)) {
	for _, d := range Dialects {
		t.Run(d.Name, func(t *testing.T) { fn(t, d.Fresh) })
	}
}
