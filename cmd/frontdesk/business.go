package main

import (
	"context"
	"fmt"

	"go.mau.fi/whatsmeow/types"

	"frontdesk/storage"
)

// businessStore is the store of the business of number (phone digits) in
// db, made when missing.
func businessStore(ctx context.Context, db *storage.DB, number string) (*storage.Store, error) {
	st, err := db.Business(ctx, number)
	if err != nil {
		return nil, databaseError("run", err)
	}
	return st, nil
}

// adoptUpgraded gives the business with no number of a SQLite database
// (an upgraded database's business of before several numbers, or a fresh
// database's first, where an import may have put a configuration) to
// the number it belongs to: the oldest linked session whose number has no
// business of its own, the one linked before the upgrade. With no number
// linked it stays unnamed (export and import without --number reach it).
// run, link, export and import call it before anything opens a business,
// so a number linked later never takes it. A PostgreSQL database never
// has such a business.
func adoptUpgraded(ctx context.Context, command string, db *storage.DB) error {
	if db.Dialect() != storage.SQLite {
		return nil
	}
	numbers, err := oldestFirst(ctx, db)
	if err != nil {
		return fmt.Errorf("%s: read the WhatsApp sessions: %w", command, err)
	}
	if len(numbers) == 0 {
		return nil
	}
	if _, err := db.AdoptUnnamed(ctx, numbers); err != nil {
		return databaseError(command, err)
	}
	return nil
}

// oldestFirst lists the linked numbers of a SQLite database's sessions,
// the one linked first first (by rowid: a session saved again keeps its
// row). A database whatsmeow never opened has none.
func oldestFirst(ctx context.Context, db *storage.DB) ([]string, error) {
	var exists int
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'whatsmeow_device'").Scan(&exists); err != nil || exists == 0 {
		return nil, err
	}
	rows, err := db.SQL().QueryContext(ctx, "SELECT jid FROM whatsmeow_device ORDER BY rowid")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	seen := make(map[string]bool)
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		jid, err := types.ParseJID(s)
		if err != nil || !allDigits(jid.User) || seen[jid.User] {
			continue
		}
		seen[jid.User] = true
		out = append(out, jid.User)
	}
	return out, rows.Err()
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
