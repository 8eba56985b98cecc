package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// statements are the queries of the per-message path, prepared once at
// Open so that each message costs no SQL parsing.
type statements struct {
	customer       *sql.Stmt
	phoneForLID    *sql.Stmt
	lidForPhone    *sql.Stmt
	insertInbound  *sql.Stmt
	recorded       *sql.Stmt
	markAnswered   *sql.Stmt
	pending        *sql.Stmt
	upsertCustomer *sql.Stmt
	insertOutbox   *sql.Stmt
	insertShortcut *sql.Stmt
	insertQuestion *sql.Stmt
	setOwnerActive *sql.Stmt
	// The statistics rollups (rollup.go).
	rollupMessage  *sql.Stmt
	rollupQuestion *sql.Stmt
	rollupSent     *sql.Stmt
	markSending    *sql.Stmt
	releaseSending *sql.Stmt
	markSent       *sql.Stmt
	markFailed     *sql.Stmt
}

func (s *statements) list() []struct {
	stmt **sql.Stmt
	sql  string
} {
	return []struct {
		stmt **sql.Stmt
		sql  string
	}{
		// The customer and its keyword memory: one row.
		{&s.customer, `
			SELECT name, known, last_inbound, away_period, owner_wrote, keywords
			FROM fd_customers WHERE id = ?`},
		{&s.phoneForLID, `SELECT pn FROM fd_identities WHERE lid = ?`},
		{&s.lidForPhone, `SELECT lid FROM fd_identities WHERE pn = ?`},
		// A message is a duplicate when its id was recorded for the same
		// party under either of its identities (?9 is the other one, or '').
		{&s.insertInbound, `
			INSERT INTO fd_inbound (party, msg_id, chat, kind, customer, sent, received, rules, answered)
			SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10
			WHERE NOT EXISTS (SELECT 1 FROM fd_inbound WHERE party = ?9 AND msg_id = ?2)
			ON CONFLICT (party, msg_id) DO NOTHING`},
		{&s.recorded, `
			SELECT party, answered FROM fd_inbound WHERE party IN (?1, ?2) AND msg_id = ?3`},
		{&s.markAnswered, `
			UPDATE fd_inbound SET answered = 1 WHERE party IN (?1, ?2) AND msg_id = ?3`},
		// NULL (or '') parameters leave the stored value as it is; ?6, the
		// keyword sends as a JSON object, is merged into the stored ones.
		{&s.upsertCustomer, `
			INSERT INTO fd_customers (id, name, last_inbound, away_period, owner_wrote, keywords)
			VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, '{}'))
			ON CONFLICT (id) DO UPDATE SET
				name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE fd_customers.name END,
				last_inbound = coalesce(excluded.last_inbound, fd_customers.last_inbound),
				away_period = coalesce(excluded.away_period, fd_customers.away_period),
				owner_wrote = coalesce(excluded.owner_wrote, fd_customers.owner_wrote),
				keywords = CASE WHEN ?6 IS NULL THEN fd_customers.keywords
					ELSE json_patch(fd_customers.keywords, ?6) END`},
		// The id is chosen by DB.nextOutboxID; status is 'pending', or
		// 'sending' for a reply the bot claimed as it was recorded.
		{&s.insertOutbox, `
			INSERT INTO fd_outbox (id, chat, customer, text, rules, created, status, msg_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.insertShortcut, `INSERT INTO fd_shortcut_uses (shortcut, by_owner, at) VALUES (?, ?, ?)`},
		{&s.pending, pendingQuery},
		{&s.insertQuestion, `INSERT INTO fd_questions (text, customer, at) VALUES (?, ?, ?)`},
		{&s.setOwnerActive, `UPDATE fd_state SET owner_active = ? WHERE id = 1`},
		{&s.rollupMessage, rollupMessageSQL},
		{&s.rollupQuestion, rollupQuestionSQL},
		{&s.rollupSent, rollupSentSQL},
		// Status moves, each one statement (so one implicit transaction)
		// that changes nothing when the message is not in a status it may
		// leave.
		{&s.markSending, `UPDATE fd_outbox SET status = 'sending' WHERE id = ? AND status = 'pending'`},
		{&s.releaseSending, `UPDATE fd_outbox SET status = 'pending' WHERE id = ? AND status = 'sending'`},
		{&s.markSent, `UPDATE fd_outbox SET status = 'sent', sent_at = ?, msg_id = ? WHERE id = ? AND status IN ('sending', 'pending')`},
		{&s.markFailed, `UPDATE fd_outbox SET status = 'failed', error = ? WHERE id = ? AND status IN ('sending', 'pending')`},
	}
}

func (s *statements) prepare(ctx context.Context, db *sql.DB) error {
	for _, q := range s.list() {
		st, err := db.PrepareContext(ctx, q.sql)
		if err != nil {
			s.close()
			return fmt.Errorf("prepare %q: %w", q.sql, err)
		}
		*q.stmt = st
	}
	return nil
}

func (s *statements) close() {
	for _, q := range s.list() {
		if *q.stmt != nil {
			(*q.stmt).Close()
			*q.stmt = nil
		}
	}
}
