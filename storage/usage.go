package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"frontdesk/bot"
)

// RecordShortcutUse counts one use of a quick reply's shortcut.
func (db *DB) RecordShortcutUse(ctx context.Context, shortcut string, byOwner bool, at time.Time) error {
	if shortcut == "" {
		return errors.New("count shortcut use: no shortcut")
	}
	n, err := mustNanos("at", at)
	if err != nil {
		return fmt.Errorf("count use of %s: %w", shortcut, err)
	}
	if _, err := db.stmts.insertShortcut.ExecContext(ctx, shortcut, byOwner, n); err != nil {
		return fmt.Errorf("count use of %s: %w", shortcut, err)
	}
	return nil
}

// ShortcutUses sums uses at or after since, by shortcut.
func (db *DB) ShortcutUses(ctx context.Context, since time.Time) (map[string]bot.ShortcutUses, error) {
	n, err := nanos(since)
	if err != nil {
		return nil, fmt.Errorf("sum shortcut uses: %w", err)
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT shortcut, sum(by_owner), sum(1 - by_owner), max(at)
		FROM fd_shortcut_uses WHERE at >= coalesce(?, -9223372036854775808)
		GROUP BY shortcut`, n)
	if err != nil {
		return nil, fmt.Errorf("sum shortcut uses: %w", err)
	}
	defer rows.Close()
	uses := make(map[string]bot.ShortcutUses)
	for rows.Next() {
		var (
			name string
			u    bot.ShortcutUses
			last int64
		)
		if err := rows.Scan(&name, &u.Owner, &u.Customer, &last); err != nil {
			return nil, fmt.Errorf("sum shortcut uses: %w", err)
		}
		u.Last = fromNanos(sql.NullInt64{Int64: last, Valid: true})
		uses[name] = u
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sum shortcut uses: %w", err)
	}
	return uses, nil
}

// Retain deletes what is kept only for a while (90 days, for !stats): the
// inbound message records and the normalised questions from before
// "before", and finished outbox messages (sent, failed or discarded)
// created before it. Pending and sending messages are never touched.
// Deleting an old inbound record is safe: WhatsApp never redelivers a
// message that old, and it would be too late to answer anyway.
func (db *DB) Retain(ctx context.Context, before time.Time) error {
	n, err := mustNanos("before", before)
	if err != nil {
		return fmt.Errorf("apply retention: %w", err)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := unrollBefore(ctx, tx, n); err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM fd_inbound WHERE received < ?",
			"DELETE FROM fd_questions WHERE at < ?",
			"DELETE FROM fd_outbox WHERE created < ? AND status IN ('sent', 'failed', 'discarded')",
		} {
			if _, err := tx.ExecContext(ctx, q, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("apply retention before %s: %w", before.Format(time.RFC3339), err)
	}
	return nil
}
