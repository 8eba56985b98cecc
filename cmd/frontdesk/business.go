package main

import (
	"context"
	"strings"

	"frontdesk/bot"
	"frontdesk/storage"
)

// businessStore is the store of the business of number (phone digits) in
// db.
func businessStore(_ context.Context, db *storage.DB, _ string) (bot.Store, error) {
	return db, nil
}

// isShared reports whether the database at dsn may be shared by several
// processes (PostgreSQL); a file path is SQLite, this process's alone.
func isShared(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// storeDialect is whatsmeow's name for db's SQL dialect.
func storeDialect(_ *storage.DB) string { return "sqlite3" }
