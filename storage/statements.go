package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// statements are the queries of the per-message path, prepared once at
// Open so that each message costs no SQL parsing. Every one names the
// business: a parameter of its own, so one prepared statement serves
// every business of the database.
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
	// The journal (journal.go).
	insertJournal  *sql.Stmt
	takeJournal    *sql.Stmt
	journalRows    *sql.Stmt
	insertOutboxAt *sql.Stmt
	markSentRules  *sql.Stmt
}

func (s *statements) list(db *DB) []struct {
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
			FROM fd_customers WHERE business = ? AND id = ?`},
		{&s.phoneForLID, `SELECT pn FROM fd_identities WHERE business = ? AND lid = ?`},
		{&s.lidForPhone, `SELECT lid FROM fd_identities WHERE business = ? AND pn = ?`},
		// A message is a duplicate when its id was recorded for the same
		// party under either of its identities (?9 is the other one, or '').
		{&s.insertInbound, `
			INSERT INTO fd_inbound (business, party, msg_id, chat, kind, customer, sent, received, rules, answered)
			SELECT ?11, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10
			WHERE NOT EXISTS (SELECT 1 FROM fd_inbound WHERE business = ?11 AND party = ?9 AND msg_id = ?2)
			ON CONFLICT (business, party, msg_id) DO NOTHING`},
		{&s.recorded, `
			SELECT party, answered FROM fd_inbound WHERE business = ?4 AND party IN (?1, ?2) AND msg_id = ?3`},
		{&s.markAnswered, `
			UPDATE fd_inbound SET answered = 1 WHERE business = ?4 AND party IN (?1, ?2) AND msg_id = ?3`},
		// NULL (or '') parameters leave the stored value as it is; ?6, the
		// keyword sends as a JSON object, is merged into the stored ones.
		{&s.upsertCustomer, `
			INSERT INTO fd_customers (business, id, name, last_inbound, away_period, owner_wrote, keywords)
			VALUES (?7, ?1, ?2, ?3, ?4, ?5, coalesce(?6, '{}'))
			ON CONFLICT (business, id) DO UPDATE SET
				name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE fd_customers.name END,
				last_inbound = coalesce(excluded.last_inbound, fd_customers.last_inbound),
				away_period = coalesce(excluded.away_period, fd_customers.away_period),
				owner_wrote = coalesce(excluded.owner_wrote, fd_customers.owner_wrote),
				keywords = ` + db.pick(
			`CASE WHEN ?6 IS NULL THEN fd_customers.keywords ELSE json_patch(fd_customers.keywords, ?6) END`,
			`CASE WHEN ?6::text IS NULL THEN fd_customers.keywords ELSE (fd_customers.keywords::jsonb || ?6::jsonb)::text END`)},
		// The id is chosen on SQLite as the next one this handle gives
		// out (?10, from DB.outboxID) unless the file already holds a
		// larger one (another handle on the file, under the same write
		// lock) or its journal (a reply waiting to be written out under
		// its seq, journal.go), by the identity column on PostgreSQL; status is
		// 'pending', or 'sending' for a reply the bot claimed as it was
		// recorded; ?9 is the attachment (encodeAttachment), '' for text
		// alone.
		{&s.insertOutbox, db.pick(`
			INSERT INTO fd_outbox (id, business, chat, customer, text, rules, created, status, msg_id, attachment)
			VALUES (max(?10, (SELECT coalesce(max(id), 0) + 1 FROM fd_outbox), (SELECT coalesce(max(seq), 0) + 1 FROM fd_journal)),
				?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
			RETURNING id`, `
			INSERT INTO fd_outbox (business, chat, customer, text, rules, created, status, msg_id, attachment)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id`)},
		{&s.insertShortcut, `INSERT INTO fd_shortcut_uses (business, shortcut, by_owner, at) VALUES (?, ?, ?, ?)`},
		{&s.pending, pendingQuery},
		{&s.insertQuestion, `INSERT INTO fd_questions (business, text, customer, at) VALUES (?, ?, ?, ?)`},
		{&s.setOwnerActive, `UPDATE fd_state SET owner_active = ? WHERE business = ?`},
		{&s.rollupMessage, rollupMessageSQL},
		{&s.rollupQuestion, rollupQuestionSQL},
		{&s.rollupSent, rollupSentSQL},
		// Status moves, each one statement (so one implicit transaction)
		// that changes nothing when the message is not in a status it may
		// leave.
		{&s.markSending, `UPDATE fd_outbox SET status = 'sending' WHERE business = ? AND id = ? AND status = 'pending'`},
		{&s.releaseSending, `UPDATE fd_outbox SET status = 'pending' WHERE business = ? AND id = ? AND status = 'sending'`},
		{&s.markSent, `UPDATE fd_outbox SET status = 'sent', sent_at = ?, msg_id = ? WHERE business = ? AND id = ? AND status IN ('sending', 'pending')`},
		// A message's journal row (SQLite only): refused, with no row
		// returned, when the message was recorded before for the same
		// party under either identity (?4 is the other one, or ''),
		// written out or not. Its seq, which is its reply's outbox id, is
		// the next this handle gives out (?5) unless the file's outbox or
		// journal holds a larger one already (another handle).
		{&s.insertJournal, db.pick(`
			INSERT INTO fd_journal (seq, business, party, msg_id, entry)
			SELECT max(?5, (SELECT coalesce(max(id), 0) + 1 FROM fd_outbox), (SELECT coalesce(max(seq), 0) + 1 FROM fd_journal)),
				?1, ?2, ?3, ?6
			WHERE NOT EXISTS (SELECT 1 FROM fd_inbound WHERE business = ?1 AND party = ?2 AND msg_id = ?3)
				AND NOT EXISTS (SELECT 1 FROM fd_inbound WHERE business = ?1 AND party = ?4 AND msg_id = ?3)
				AND NOT EXISTS (SELECT 1 FROM fd_journal WHERE business = ?1 AND party = ?4 AND msg_id = ?3)
			ON CONFLICT (business, party, msg_id) DO NOTHING
			RETURNING seq`,
			`SELECT 0 WHERE false`)}, // never run: PostgreSQL records wholly (recordInbound)
		{&s.takeJournal, `DELETE FROM fd_journal WHERE business = ? RETURNING seq, entry`},
		{&s.journalRows, `SELECT 1 FROM fd_journal WHERE business = ? LIMIT 1`},
		{&s.insertOutboxAt, `
			INSERT INTO fd_outbox (id, business, chat, customer, text, rules, created, status, msg_id, attachment, sent_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		// markSent that says the rules of the message it marked.
		{&s.markSentRules, `UPDATE fd_outbox SET status = 'sent', sent_at = ?, msg_id = ? WHERE business = ? AND id = ? AND status IN ('sending', 'pending') RETURNING rules`},
		{&s.markFailed, `UPDATE fd_outbox SET status = 'failed', error = ? WHERE business = ? AND id = ? AND status IN ('sending', 'pending')`},
	}
}

func (s *statements) prepare(ctx context.Context, db *DB) error {
	for _, q := range s.list(db) {
		st, err := db.sql.PrepareContext(ctx, db.q(q.sql))
		if err != nil {
			s.close()
			return fmt.Errorf("prepare %q: %w", q.sql, err)
		}
		*q.stmt = st
	}
	return nil
}

func (s *statements) close() {
	for _, q := range s.list(nil) {
		if *q.stmt != nil {
			(*q.stmt).Close()
			*q.stmt = nil
		}
	}
}
