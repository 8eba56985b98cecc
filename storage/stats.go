package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"frontdesk/bot"
)

// This file answers `!stats` and the weekly digest in aggregates. Counts
// come from the rollups (rollup.go): whole quarter hours and days from
// the rollup tables, the partial ones at the period's two ends from the
// rows themselves, so a period may start and end at any nanosecond. The
// response times and the number of customers come from one pass over the
// index fd_inbound_customer, reduced in SQL to the start and end of each
// wait. No message text is read, and nothing older than the 90 days
// Retain keeps.

// Activity reads the activity from q.Since to q.Until, both included: a
// command given at Until sees the messages recorded at that same instant.
func (db *DB) Activity(ctx context.Context, q bot.ActivityQuery) (bot.Activity, error) {
	from, err := mustNanos("since", q.Since)
	if err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: %w", err)
	}
	to, err := mustNanos("until", q.Until)
	if err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: %w", err)
	}
	if to < from {
		return bot.Activity{}, errors.New("read activity: until is before since")
	}
	q.MinQuestions = max(q.MinQuestions, 1)
	a := bot.Activity{RulesSent: map[string]int{}, Withheld: map[string]int{}}
	// One read transaction, so the figures agree with each other even
	// while messages keep coming in.
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: begin: %w", err)
	}
	defer tx.Rollback()
	if err := quarters(ctx, tx, &a, split(from, to, quarterNanos)); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: messages: %w", err)
	}
	if err := replies(ctx, tx, &a, split(from, to, quarterNanos)); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: replies: %w", err)
	}
	if err := waits(ctx, tx, &a, from, to, q.Open); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: response times: %w", err)
	}
	if err := frequentQuestions(ctx, tx, &a, split(from, to, dayNanos), from, to, q); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: questions: %w", err)
	}
	return a, nil
}

// span is a period cut at bucket boundaries: the whole buckets first to
// last (none when first > last) and the rest, up to two ranges of
// nanoseconds (both ends included; empty when lo > hi).
type span struct {
	first, last        int64
	lo1, hi1, lo2, hi2 int64
}

// split cuts from..to (both included) into whole buckets of size and the
// ends.
func split(from, to, size int64) span {
	first := (from + size - 1) / size
	last := (to+1)/size - 1
	if first > last {
		return span{first: 1, last: 0, lo1: from, hi1: to, lo2: 1, hi2: 0}
	}
	return span{first: first, last: last, lo1: from, hi1: first*size - 1, lo2: (last + 1) * size, hi2: to}
}

func (s span) args() []any { return []any{s.first, s.last, s.lo1, s.hi1, s.lo2, s.hi2} }

// quarters reads the customer messages per quarter hour and the withheld
// replies.
func quarters(ctx context.Context, tx *sql.Tx, a *bot.Activity, s span) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT q, sum(inbound), sum(late), sum(kill) FROM (
			SELECT quarter AS q, inbound, late, kill FROM fd_stats_quarters
			WHERE quarter BETWEEN ?1 AND ?2
			UNION ALL
			SELECT received / 900000000000, stat = 1,
				kind = 'customer' AND instr(rules, '"late"') > 0,
				kind = 'customer' AND instr(rules, '"kill-switch"') > 0
			FROM fd_inbound WHERE received BETWEEN ?3 AND ?4 OR received BETWEEN ?5 AND ?6)
		GROUP BY q ORDER BY q`, s.args()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var q, n, late, kill int64
		if err := rows.Scan(&q, &n, &late, &kill); err != nil {
			return err
		}
		if n > 0 {
			a.Inbound += int(n)
			a.Quarters = append(a.Quarters, bot.QuarterCount{Start: time.Unix(0, q*quarterNanos).UTC(), Count: int(n)})
		}
		if late > 0 {
			a.Withheld[bot.SuppressedLate] += int(late)
		}
		if kill > 0 {
			a.Withheld[bot.SuppressedKill] += int(kill)
		}
	}
	return rows.Err()
}

// replies reads the automatic messages sent, in all and per rule.
func replies(ctx context.Context, tx *sql.Tx, a *bot.Activity, s span) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT rule, sum(n) FROM (
			SELECT rule, n FROM fd_stats_replies WHERE quarter BETWEEN ?1 AND ?2
			UNION ALL
			SELECT '', 1 FROM fd_outbox
			WHERE status = 'sent' AND (sent_at BETWEEN ?3 AND ?4 OR sent_at BETWEEN ?5 AND ?6)
			UNION ALL
			SELECT r.value, 1 FROM fd_outbox AS o, json_each(o.rules) AS r
			WHERE o.status = 'sent' AND (o.sent_at BETWEEN ?3 AND ?4 OR o.sent_at BETWEEN ?5 AND ?6))
		GROUP BY rule`, s.args()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rule string
			n    int
		)
		if err := rows.Scan(&rule, &n); err != nil {
			return err
		}
		switch {
		case n <= 0:
		case rule == "":
			a.RepliesSent = n
		default:
			a.RulesSent[rule] = n
		}
	}
	return rows.Err()
}

// openMinutes is one byte per minute from the minute of from to the
// minute of to: 1 when open says the business is open.
func openMinutes(from, to int64, open func(time.Time) bool) []byte {
	const minute = int64(time.Minute)
	first, last := from/minute, to/minute
	b := make([]byte, last-first+1)
	for i := range b {
		if open == nil || open(time.Unix(0, (first+int64(i))*minute)) {
			b[i] = 1
		}
	}
	return b
}

// waits reads the response times and the number of customers in one pass
// over each customer's chat in time order (a customer's message before
// the owner's at the same instant). Per row, the window keeps the last
// owner message (lo) and the last open-hours customer message (lc) before
// it: a customer message in open hours starts a wait when no open one
// came since the owner's last; an owner message ends one when an open one
// did. Only the rows that start or end a wait, or are a customer's first
// message, come out.
func waits(ctx context.Context, tx *sql.Tx, a *bot.Activity, from, to int64, open func(time.Time) bool) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT customer, received, isFirst, isStart, isEnd FROM (
			SELECT customer, received,
				stat = 1 AND coalesce(max(stat = 1) OVER w, 0) = 0 AS isFirst,
				op AND (max(CASE WHEN op THEN received END) OVER w IS NULL
					OR coalesce(max(CASE WHEN stat = 2 THEN received END) OVER w
						>= max(CASE WHEN op THEN received END) OVER w, 0)) AS isStart,
				stat = 2 AND max(CASE WHEN op THEN received END) OVER w IS NOT NULL
					AND coalesce(max(CASE WHEN op THEN received END) OVER w
						> max(CASE WHEN stat = 2 THEN received END) OVER w, 1) AS isEnd
			FROM (SELECT customer, received, stat,
					stat = 1 AND substr(?3, received / 60000000000 - ?4 + 1, 1) = x'01' AS op
				FROM fd_inbound INDEXED BY fd_inbound_customer
				WHERE received >= ?1 AND received <= ?2 AND stat IN (1, 2))
			WINDOW w AS (PARTITION BY customer ORDER BY received, stat
				ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
		WHERE isFirst OR isStart OR isEnd`,
		from, to, openMinutes(from, to, open), from/int64(time.Minute))
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		pending     bool
		pendingCust string
		pendingAt   int64
	)
	for rows.Next() {
		var (
			cust                    string
			at                      int64
			isFirst, isStart, isEnd bool
		)
		if err := rows.Scan(&cust, &at, &isFirst, &isStart, &isEnd); err != nil {
			return err
		}
		if isFirst {
			a.Customers++
		}
		switch {
		case isStart:
			if pending {
				a.Unanswered++
			}
			pending, pendingCust, pendingAt = true, cust, at
		case isEnd:
			if !pending || pendingCust != cust {
				return fmt.Errorf("wait of %s ends at %d without a start", cust, at)
			}
			a.Waits = append(a.Waits, bot.Wait{From: time.Unix(0, pendingAt).UTC(), To: time.Unix(0, at).UTC()})
			pending = false
		}
	}
	if pending {
		a.Unanswered++
	}
	return rows.Err()
}

// frequentQuestions lists the questions asked at least q.MinQuestions
// times and not skipped, counting the customers who asked only for those
// listed.
func frequentQuestions(ctx context.Context, tx *sql.Tx, a *bot.Activity, s span, from, to int64, q bot.ActivityQuery) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT text, sum(n) AS c FROM (
			SELECT text, n FROM fd_stats_questions WHERE day BETWEEN ?1 AND ?2
			UNION ALL
			SELECT text, 1 FROM fd_questions WHERE at BETWEEN ?3 AND ?4 OR at BETWEEN ?5 AND ?6)
		GROUP BY text HAVING c >= ?7
		ORDER BY c DESC, text`, append(s.args(), q.MinQuestions)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var qc bot.QuestionCount
		if err := rows.Scan(&qc.Text, &qc.Count); err != nil {
			return err
		}
		if q.Skip != nil && q.Skip(qc.Text) {
			continue
		}
		if q.MaxQuestions > 0 && len(a.Questions) >= q.MaxQuestions {
			a.MoreQuestions++
			continue
		}
		a.Questions = append(a.Questions, qc)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for i := range a.Questions {
		if err := tx.QueryRowContext(ctx, `
			SELECT count(DISTINCT customer) FROM fd_questions WHERE text = ? AND at BETWEEN ? AND ?`,
			a.Questions[i].Text, from, to).Scan(&a.Questions[i].Customers); err != nil {
			return err
		}
	}
	return nil
}
