package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The storage tests run on both dialects: SQLite always, PostgreSQL where
// FRONTDESK_TEST_POSTGRES names a database (each test in a schema of its
// own, dropped at its end). Package storagetest gives other packages the
// same; it cannot be used here (it imports storage).

func sqlitePath(t testing.TB) string { return filepath.Join(t.TempDir(), "frontdesk.db") }

// skipPostgres skips t (or fails it under FRONTDESK_REQUIRE_POSTGRES=1).
func skipPostgres(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("FRONTDESK_REQUIRE_POSTGRES") == "1" {
		t.Fatal("PostgreSQL is required (FRONTDESK_REQUIRE_POSTGRES=1): " + msg)
	}
	t.Skip("PostgreSQL test skipped: " + msg)
}

// needPostgres skips t, once for all its subtests, when no PostgreSQL
// database is given.
func needPostgres(t testing.TB) {
	t.Helper()
	if os.Getenv("FRONTDESK_TEST_POSTGRES") == "" {
		skipPostgres(t, "set FRONTDESK_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test to run it")
	}
}

func postgresDSN(t testing.TB) string {
	t.Helper()
	needPostgres(t)
	base := os.Getenv("FRONTDESK_TEST_POSTGRES")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn, drop, err := TempSchema(ctx, base, "fdtest")
	if err != nil {
		t.Fatalf("FRONTDESK_TEST_POSTGRES is set, but: %v", err)
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

// eachDialect runs fn as the subtests "sqlite" and "postgres"; fresh
// makes a new database of that kind.
func eachDialect(t *testing.T, fn func(t *testing.T, fresh func(testing.TB) string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, sqlitePath) })
	t.Run("postgres", func(t *testing.T) {
		needPostgres(t)
		fn(t, postgresDSN)
	})
}

// openAt opens the business testNumber in a new database at dsn; closing
// the Store closes the database.
func openAt(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := OpenStore(t.Context(), dsn, testNumber)
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	return s
}
