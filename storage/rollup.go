package storage

import (
	"context"
	"database/sql"
	"fmt"

	"frontdesk/bot"
)

// This file keeps the rollups !stats reads (migration 0004_stats): counts
// per quarter hour and per day, updated in the same transaction as the
// message they count, so they cannot drift from the rows after a crash.
// Forget and Retain take back what they delete.

// statSQL is what an fd_inbound row counts as in customer chats: 1 a
// customer's message (a team member's, recorded with the rule "admin",
// excluded), 2 the owner writing from the phone, 0 anything else. The
// index fd_inbound_customer holds every column it reads.
const statSQL = `(CASE
	WHEN customer = '' THEN 0
	WHEN kind = 'owner-in-chat' THEN 2
	WHEN kind = 'customer' AND instr(rules, '"admin"') = 0 THEN 1
	ELSE 0 END)`

// What an fd_inbound row counts as, 1 or 0, in the three counts of
// fd_stats_quarters (written as CASE, not as a comparison, so that both
// dialects add them up).
const (
	inboundSQL = `(CASE WHEN ` + statSQL + ` = 1 THEN 1 ELSE 0 END)`
	lateSQL    = `(CASE WHEN kind = 'customer' AND instr(rules, '"late"') > 0 THEN 1 ELSE 0 END)`
	killSQL    = `(CASE WHEN kind = 'customer' AND instr(rules, '"kill-switch"') > 0 THEN 1 ELSE 0 END)`
)

// Lengths of the rollup buckets, in nanoseconds.
const (
	quarterNanos = int64(15 * 60 * 1e9)
	dayNanos     = int64(24 * 60 * 60 * 1e9)
)

// The per-message statements, prepared at Open with the others
// (statements.go).
const (
	rollupMessageSQL = `
		INSERT INTO fd_stats_quarters (business, quarter, inbound, late, kill) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (business, quarter) DO UPDATE SET inbound = fd_stats_quarters.inbound + excluded.inbound,
			late = fd_stats_quarters.late + excluded.late, kill = fd_stats_quarters.kill + excluded.kill`
	rollupQuestionSQL = `
		INSERT INTO fd_stats_questions (business, text, day, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (business, text, day) DO UPDATE SET n = fd_stats_questions.n + excluded.n`
	rollupSentSQL = `
		INSERT INTO fd_stats_replies (business, quarter, rule, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (business, quarter, rule) DO UPDATE SET n = fd_stats_replies.n + excluded.n`
)

// rollupSent counts automatic message id, just marked sent, in the quarter
// it went out: once as a message and once for each of its rules.
func (s *Store) rollupSent(ctx context.Context, tx *sql.Tx, id int64) error {
	var (
		at    int64
		rules string
	)
	if err := tx.QueryRowContext(ctx, s.db.q("SELECT sent_at, rules FROM fd_outbox WHERE business = ? AND id = ?"), s.id, id).Scan(&at, &rules); err != nil {
		return fmt.Errorf("count sent message: %w", err)
	}
	names, err := decodeRules(rules)
	if err != nil {
		return fmt.Errorf("count sent message: %w", err)
	}
	t := newTally()
	t.sentAt(at, names)
	return t.write(ctx, s, tx)
}

// ruleRows is the FROM clause giving each sent outbox row o of the
// business once per rule r.value.
func (db *DB) ruleRows() string {
	return db.pick("fd_outbox AS o, json_each(o.rules) AS r",
		"fd_outbox AS o CROSS JOIN LATERAL jsonb_array_elements_text(o.rules::jsonb) AS r(value)")
}

// In the queries below, ?1 is the business and where's own parameters
// start at ?2.

// unrollInbound takes back the counts of the business's fd_inbound rows
// matching where (with args), before they are deleted.
func (s *Store) unrollInbound(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	return s.execAll(ctx, tx, args, `
		UPDATE fd_stats_quarters AS s
		SET inbound = s.inbound - d.inbound, late = s.late - d.late, kill = s.kill - d.kill
		FROM (SELECT received / 900000000000 AS quarter,
				sum(`+inboundSQL+`) AS inbound, sum(`+lateSQL+`) AS late, sum(`+killSQL+`) AS kill
			FROM fd_inbound WHERE business = ?1 AND (`+where+`) GROUP BY 1) AS d
		WHERE s.business = ?1 AND s.quarter = d.quarter`,
		`DELETE FROM fd_stats_quarters WHERE business = ? AND inbound <= 0 AND late <= 0 AND kill <= 0`)
}

// unrollOutbox takes back the sent messages among the business's
// fd_outbox rows matching where, before they are deleted.
func (s *Store) unrollOutbox(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	return s.execAll(ctx, tx, args, `
		UPDATE fd_stats_replies AS s SET n = s.n - d.n
		FROM (SELECT o.sent_at / 900000000000 AS quarter, '' AS rule, count(*) AS n FROM fd_outbox AS o
			WHERE o.business = ?1 AND o.status = 'sent' AND o.sent_at IS NOT NULL AND (`+where+`) GROUP BY 1
			UNION ALL
			SELECT o.sent_at / 900000000000, r.value, count(*) FROM `+s.db.ruleRows()+`
			WHERE o.business = ?1 AND o.status = 'sent' AND o.sent_at IS NOT NULL AND (`+where+`) GROUP BY 1, 2) AS d
		WHERE s.business = ?1 AND s.quarter = d.quarter AND s.rule = d.rule`,
		`DELETE FROM fd_stats_replies WHERE business = ? AND n <= 0`)
}

// unrollQuestions takes back the business's fd_questions rows matching
// where, before they are deleted.
func (s *Store) unrollQuestions(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	return s.execAll(ctx, tx, args, `
		UPDATE fd_stats_questions AS s SET n = s.n - d.n
		FROM (SELECT text, at / 86400000000000 AS day, count(*) AS n FROM fd_questions
			WHERE business = ?1 AND (`+where+`) GROUP BY 1, 2) AS d
		WHERE s.business = ?1 AND s.text = d.text AND s.day = d.day`,
		`DELETE FROM fd_stats_questions WHERE business = ? AND n <= 0`)
}

// execAll runs the update with the business and args, then the cleanup
// with the business.
func (s *Store) execAll(ctx context.Context, tx *sql.Tx, args []any, update, cleanup string) error {
	if _, err := tx.ExecContext(ctx, s.db.q(update), append([]any{s.id}, args...)...); err != nil {
		return fmt.Errorf("take back counts: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.db.q(cleanup), s.id); err != nil {
		return fmt.Errorf("take back counts: %w", err)
	}
	return nil
}

// unrollParty takes back every count of the rows Forget deletes for id.
func (s *Store) unrollParty(ctx context.Context, tx *sql.Tx, id bot.UserID) error {
	if err := s.unrollInbound(ctx, tx, "chat = ?2 OR customer = ?2", id); err != nil {
		return err
	}
	if err := s.unrollOutbox(ctx, tx, "o.chat = ?2 OR o.customer = ?2", id); err != nil {
		return err
	}
	return s.unrollQuestions(ctx, tx, "customer = ?2", id)
}

// unrollBefore takes back every count of the rows Retain deletes.
func (s *Store) unrollBefore(ctx context.Context, tx *sql.Tx, before int64) error {
	if err := s.unrollInbound(ctx, tx, "received < ?2", before); err != nil {
		return err
	}
	if err := s.unrollOutbox(ctx, tx, "o.created < ?2 AND o.status IN ('sent', 'failed', 'discarded')", before); err != nil {
		return err
	}
	return s.unrollQuestions(ctx, tx, "at < ?2", before)
}

// rebuildRollups empties the business's rollups and refills them from its
// rows (for databases written in bulk, such as the big test database).
func (s *Store) rebuildRollups(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		"DELETE FROM fd_stats_quarters WHERE business = ?1",
		"DELETE FROM fd_stats_replies WHERE business = ?1",
		"DELETE FROM fd_stats_questions WHERE business = ?1",
		`INSERT INTO fd_stats_quarters (business, quarter, inbound, late, kill)
			SELECT ?1, q, inbound, late, kill FROM (
				SELECT received / 900000000000 AS q, sum(` + inboundSQL + `) AS inbound,
					sum(` + lateSQL + `) AS late, sum(` + killSQL + `) AS kill
				FROM fd_inbound WHERE business = ?1 GROUP BY 1) AS c
			WHERE inbound > 0 OR late > 0 OR kill > 0`,
		`INSERT INTO fd_stats_replies (business, quarter, rule, n)
			SELECT ?1, sent_at / 900000000000, '', count(*) FROM fd_outbox
			WHERE business = ?1 AND status = 'sent' AND sent_at IS NOT NULL GROUP BY 2`,
		`INSERT INTO fd_stats_replies (business, quarter, rule, n)
			SELECT ?1, o.sent_at / 900000000000, r.value, count(*) FROM ` + s.db.ruleRows() + `
			WHERE o.business = ?1 AND o.status = 'sent' AND o.sent_at IS NOT NULL GROUP BY 2, 3`,
		`INSERT INTO fd_stats_questions (business, text, day, n)
			SELECT ?1, text, at / 86400000000000, count(*) FROM fd_questions WHERE business = ?1 GROUP BY 2, 3`,
	} {
		if _, err := tx.ExecContext(ctx, s.db.q(q), s.id); err != nil {
			return fmt.Errorf("rebuild rollups: %w", err)
		}
	}
	return nil
}
