package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"frontdesk/bot"
)

// This file answers `!stats` and the weekly digest. It reads only what the
// per-message path already records (fd_inbound, fd_outbox, fd_questions):
// no message text, and nothing older than the 90 days Retain keeps.

// Activity reads the activity from since to until, both included: a
// command given at until sees the messages recorded at that same instant.
// minQuestions is how many times a question must have been asked to be
// listed (at least 1).
func (db *DB) Activity(ctx context.Context, since, until time.Time, minQuestions int) (bot.Activity, error) {
	from, err := mustNanos("since", since)
	if err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: %w", err)
	}
	to, err := mustNanos("until", until)
	if err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: %w", err)
	}
	if to < from {
		return bot.Activity{}, errors.New("read activity: until is before since")
	}
	minQuestions = max(minQuestions, 1)
	a := bot.Activity{RulesSent: map[string]int{}, Withheld: map[string]int{}}
	// One read transaction, so the figures agree with each other even
	// while messages keep coming in.
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: begin: %w", err)
	}
	defer tx.Rollback()
	if a.Events, err = chatEvents(ctx, tx, from, to); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: messages: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `
		SELECT count(*) FROM fd_outbox
		WHERE status = 'sent' AND sent_at >= ? AND sent_at <= ?`, from, to).Scan(&a.RepliesSent); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: replies: %w", err)
	}
	if err := countBy(ctx, tx, a.RulesSent, `
		SELECT r.value, count(*) FROM fd_outbox AS o, json_each(o.rules) AS r
		WHERE o.status = 'sent' AND o.sent_at >= ? AND o.sent_at <= ?
		GROUP BY r.value`, from, to); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: replies by rule: %w", err)
	}
	if err := countBy(ctx, tx, a.Withheld, `
		SELECT r.value, count(*) FROM fd_inbound AS i, json_each(i.rules) AS r
		WHERE i.kind = 'customer' AND i.received >= ? AND i.received <= ?
		  AND r.value IN ('`+bot.SuppressedLate+`', '`+bot.SuppressedKill+`')
		GROUP BY r.value`, from, to); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: withheld replies: %w", err)
	}
	if a.Questions, err = frequentQuestions(ctx, tx, from, to, minQuestions); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: questions: %w", err)
	}
	return a, nil
}

// chatEvents reads customer and owner messages in customer chats. A team
// member's message is recorded as a customer's with the rule "admin": it
// is left out, as the team is not a customer.
func chatEvents(ctx context.Context, tx *sql.Tx, from, to int64) ([]bot.ChatEvent, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT customer, kind = 'owner-in-chat', received FROM fd_inbound AS i
		WHERE received >= ? AND received <= ? AND customer <> ''
		  AND (kind = 'owner-in-chat'
		       OR (kind = 'customer' AND NOT EXISTS (
		           SELECT 1 FROM json_each(i.rules) WHERE value = 'admin')))
		ORDER BY customer, received, kind = 'owner-in-chat'`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var evs []bot.ChatEvent
	for rows.Next() {
		var (
			e  bot.ChatEvent
			at int64
		)
		if err := rows.Scan(&e.Customer, &e.Owner, &at); err != nil {
			return nil, err
		}
		e.At = fromNanos(sql.NullInt64{Int64: at, Valid: true})
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// countBy adds the (name, count) rows of query to m.
func countBy(ctx context.Context, tx *sql.Tx, m map[string]int, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name string
			n    int
		)
		if err := rows.Scan(&name, &n); err != nil {
			return err
		}
		m[name] += n
	}
	return rows.Err()
}

func frequentQuestions(ctx context.Context, tx *sql.Tx, from, to int64, min int) ([]bot.QuestionCount, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT text, count(*), count(DISTINCT customer) FROM fd_questions
		WHERE at >= ? AND at <= ?
		GROUP BY text HAVING count(*) >= ?
		ORDER BY count(*) DESC, text`, from, to, min)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var qs []bot.QuestionCount
	for rows.Next() {
		var q bot.QuestionCount
		if err := rows.Scan(&q.Text, &q.Count, &q.Customers); err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, rows.Err()
}
