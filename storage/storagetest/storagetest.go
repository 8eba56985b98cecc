// Package storagetest gives tests a fresh database of each kind storage
// supports: a SQLite file in the test's temporary directory, and a
// PostgreSQL schema of its own, dropped when the test ends.
//
// The PostgreSQL tests run where FRONTDESK_TEST_POSTGRES names a database
// (for example postgres://postgres@127.0.0.1:5432/test), and fail when it
// cannot be reached; where it is unset they are skipped with a line
// saying so, unless FRONTDESK_REQUIRE_POSTGRES=1 (which .ci/run sets). Each test gets a schema of its own, so tests run in parallel and
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
	// skipping when EnvPostgres is unset.
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
// variable the test is skipped (or fails under FRONTDESK_REQUIRE_POSTGRES=1);
// with it, a database that cannot be reached fails the test.
func Postgres(t testing.TB) string {
	t.Helper()
	NeedPostgres(t)
	base := os.Getenv(EnvPostgres)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn, drop, err := storage.TempSchema(ctx, base, "fdtest")
	if err != nil {
		t.Fatalf("%s is set, but: %v", EnvPostgres, err)
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

// NeedPostgres skips t (with one line saying how to run it), or fails it
// under FRONTDESK_REQUIRE_POSTGRES=1, when FRONTDESK_TEST_POSTGRES is
// unset. Call it before subtests that each call Postgres, so that the
// line is printed once.
func NeedPostgres(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvPostgres) == "" {
		unavailable(t, "set "+EnvPostgres+"=postgres://postgres@127.0.0.1:5432/test to run it")
	}
}

func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		t.Fatal("PostgreSQL is required (" + EnvRequire + "=1): " + msg)
	}
	t.Skip("PostgreSQL test skipped: " + msg)
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
		t.Run(d.Name, func(t *testing.T) {
			if d.Name == "postgres" {
				NeedPostgres(t)
			}
			fn(t, d.Fresh)
		})
	}
}
