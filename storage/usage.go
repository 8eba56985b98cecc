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
func (s *Store) RecordShortcutUse(ctx context.Context, shortcut string, byOwner bool, at time.Time) error {
	if err := s.settle(ctx); err != nil {
		return err
	}
	if shortcut == "" {
		return errors.New("count shortcut use: no shortcut")
	}
	n, err := mustNanos("at", at)
	if err != nil {
		return fmt.Errorf("count use of %s: %w", shortcut, err)
	}
	if _, err := s.db.stmts.insertShortcut.ExecContext(ctx, s.id, shortcut, bit(byOwner), n); err != nil {
		return fmt.Errorf("count use of %s: %w", shortcut, err)
	}
	return nil
}

// ShortcutUses sums uses at or after since, by shortcut.
func (s *Store) ShortcutUses(ctx context.Context, since time.Time) (map[string]bot.ShortcutUses, error) {
	if err := s.settle(ctx); err != nil {
		return nil, err
	}
	n, err := nanos(since)
	if err != nil {
		return nil, fmt.Errorf("sum shortcut uses: %w", err)
	}
	rows, err := s.db.sql.QueryContext(ctx, s.db.q(`
		SELECT shortcut, CAST(sum(by_owner) AS INTEGER), CAST(sum(1 - by_owner) AS INTEGER), max(at)
		FROM fd_shortcut_uses WHERE business = ? AND at >= ?
		GROUP BY shortcut`), s.id, atOrAfter(n))
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
func (s *Store) Retain(ctx context.Context, before time.Time) error {
	n, err := mustNanos("before", before)
	if err != nil {
		return fmt.Errorf("apply retention: %w", err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.unrollBefore(ctx, tx, n); err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM fd_inbound WHERE business = ? AND received < ?",
			"DELETE FROM fd_questions WHERE business = ? AND at < ?",
			"DELETE FROM fd_outbox WHERE business = ? AND created < ? AND status IN ('sent', 'failed', 'discarded')",
		} {
			if _, err := tx.ExecContext(ctx, s.db.q(q), s.id, n); err != nil {
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
