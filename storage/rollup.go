package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

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

// Lengths of the rollup buckets, in nanoseconds.
const (
	quarterNanos = int64(15 * 60 * 1e9)
	dayNanos     = int64(24 * 60 * 60 * 1e9)
)

// The per-message statements, prepared at Open with the others
// (statements.go).
const (
	rollupMessageSQL = `
		INSERT INTO fd_stats_quarters (quarter, inbound, late, kill) VALUES (?, ?, ?, ?)
		ON CONFLICT (quarter) DO UPDATE SET inbound = inbound + excluded.inbound,
			late = late + excluded.late, kill = kill + excluded.kill`
	rollupQuestionSQL = `
		INSERT INTO fd_stats_questions (text, day, n) VALUES (?, ?, 1)
		ON CONFLICT (text, day) DO UPDATE SET n = n + 1`
	rollupSentSQL = `
		INSERT INTO fd_stats_replies (quarter, rule, n) VALUES (?, ?, 1)
		ON CONFLICT (quarter, rule) DO UPDATE SET n = n + 1`
)

// rollupInbound counts one recorded inbound message: a customer message
// (team members excluded) in its quarter, a withheld reply by reason, and
// its normalised question in its day.
func (db *DB) rollupInbound(ctx context.Context, tx *sql.Tx, in bot.Inbound, received int64) error {
	var inbound, late, kill int
	if in.Kind == bot.FromCustomer {
		if in.Customer != "" && !slices.Contains(in.Rules, "admin") {
			inbound = 1
		}
		if slices.Contains(in.Rules, bot.SuppressedLate) {
			late = 1
		}
		if slices.Contains(in.Rules, bot.SuppressedKill) {
			kill = 1
		}
	}
	if inbound+late+kill > 0 {
		if _, err := tx.StmtContext(ctx, db.stmts.rollupMessage).ExecContext(ctx,
			received/quarterNanos, inbound, late, kill); err != nil {
			return fmt.Errorf("count message: %w", err)
		}
	}
	if in.Question != "" {
		if _, err := tx.StmtContext(ctx, db.stmts.rollupQuestion).ExecContext(ctx,
			in.Question, received/dayNanos); err != nil {
			return fmt.Errorf("count question: %w", err)
		}
	}
	return nil
}

// rollupSent counts automatic message id, just marked sent, in the quarter
// it went out: once as a message and once for each of its rules.
func (db *DB) rollupSent(ctx context.Context, tx *sql.Tx, id int64) error {
	var (
		at    int64
		rules string
	)
	if err := tx.QueryRowContext(ctx, "SELECT sent_at, rules FROM fd_outbox WHERE id = ?", id).Scan(&at, &rules); err != nil {
		return fmt.Errorf("count sent message: %w", err)
	}
	names, err := decodeRules(rules)
	if err != nil {
		return fmt.Errorf("count sent message: %w", err)
	}
	st := tx.StmtContext(ctx, db.stmts.rollupSent)
	for _, rule := range append([]string{""}, names...) {
		if _, err := st.ExecContext(ctx, at/quarterNanos, rule); err != nil {
			return fmt.Errorf("count sent message: %w", err)
		}
	}
	return nil
}

// unrollInbound takes back the counts of the fd_inbound rows matching
// where (with args), before they are deleted.
func unrollInbound(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	return execAll(ctx, tx, args, `
		UPDATE fd_stats_quarters AS s
		SET inbound = s.inbound - d.inbound, late = s.late - d.late, kill = s.kill - d.kill
		FROM (SELECT received / 900000000000 AS quarter,
				sum(`+statSQL+` = 1) AS inbound,
				sum(kind = 'customer' AND instr(rules, '"late"') > 0) AS late,
				sum(kind = 'customer' AND instr(rules, '"kill-switch"') > 0) AS kill
			FROM fd_inbound WHERE `+where+` GROUP BY 1) AS d
		WHERE s.quarter = d.quarter`,
		`DELETE FROM fd_stats_quarters WHERE inbound <= 0 AND late <= 0 AND kill <= 0`)
}

// unrollOutbox takes back the sent messages among the fd_outbox rows
// matching where, before they are deleted.
func unrollOutbox(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	return execAll(ctx, tx, args, `
		UPDATE fd_stats_replies AS s SET n = s.n - d.n
		FROM (SELECT sent_at / 900000000000 AS quarter, '' AS rule, count(*) AS n FROM fd_outbox
			WHERE status = 'sent' AND sent_at IS NOT NULL AND (`+where+`) GROUP BY 1
			UNION ALL
			SELECT o.sent_at / 900000000000, r.value, count(*) FROM fd_outbox AS o, json_each(o.rules) AS r
			WHERE o.status = 'sent' AND o.sent_at IS NOT NULL AND (`+where+`) GROUP BY 1, 2) AS d
		WHERE s.quarter = d.quarter AND s.rule = d.rule`,
		`DELETE FROM fd_stats_replies WHERE n <= 0`)
}

// unrollQuestions takes back the fd_questions rows matching where, before
// they are deleted.
func unrollQuestions(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	return execAll(ctx, tx, args, `
		UPDATE fd_stats_questions AS s SET n = s.n - d.n
		FROM (SELECT text, at / 86400000000000 AS day, count(*) AS n FROM fd_questions
			WHERE `+where+` GROUP BY 1, 2) AS d
		WHERE s.text = d.text AND s.day = d.day`,
		`DELETE FROM fd_stats_questions WHERE n <= 0`)
}

// execAll runs the update with args, then the cleanup without.
func execAll(ctx context.Context, tx *sql.Tx, args []any, update, cleanup string) error {
	if _, err := tx.ExecContext(ctx, update, args...); err != nil {
		return fmt.Errorf("take back counts: %w", err)
	}
	if _, err := tx.ExecContext(ctx, cleanup); err != nil {
		return fmt.Errorf("take back counts: %w", err)
	}
	return nil
}

// unrollParty takes back every count of the rows Forget deletes for id.
func unrollParty(ctx context.Context, tx *sql.Tx, id bot.UserID) error {
	if err := unrollInbound(ctx, tx, "chat = ?1 OR customer = ?1", id); err != nil {
		return err
	}
	if err := unrollOutbox(ctx, tx, "chat = ?1 OR customer = ?1", id); err != nil {
		return err
	}
	return unrollQuestions(ctx, tx, "customer = ?1", id)
}

// unrollBefore takes back every count of the rows Retain deletes.
func unrollBefore(ctx context.Context, tx *sql.Tx, before int64) error {
	if err := unrollInbound(ctx, tx, "received < ?1", before); err != nil {
		return err
	}
	if err := unrollOutbox(ctx, tx, "created < ?1 AND status IN ('sent', 'failed', 'discarded')", before); err != nil {
		return err
	}
	return unrollQuestions(ctx, tx, "at < ?1", before)
}

// rebuildRollups empties the rollup tables and refills them from the rows
// with the very statements of migration 0004_stats that fill them (for
// databases written in bulk, such as the big test database).
func rebuildRollups(ctx context.Context, tx *sql.Tx) error {
	body, err := migrationFiles.ReadFile("migrations/0004_stats.sql")
	if err != nil {
		return err
	}
	for _, table := range []string{"fd_stats_quarters", "fd_stats_replies", "fd_stats_questions"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return fmt.Errorf("rebuild rollups: %w", err)
		}
	}
	for _, stmt := range strings.Split(string(body), ";\n") {
		var code []string
		for _, line := range strings.Split(stmt, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "--") {
				code = append(code, line)
			}
		}
		q := strings.TrimSpace(strings.Join(code, "\n"))
		if !strings.HasPrefix(q, "INSERT INTO fd_stats_") {
			continue
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild rollups: %w", err)
		}
	}
	return nil
}
