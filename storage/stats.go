package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"frontdesk/bot"
)

// This file answers `!stats` and the weekly digest in aggregates. (The
// two ends of a period are read as two ranges joined by UNION ALL, not
// one OR, so that each is an index search in the business's rows.) Counts
// come from the rollups (rollup.go): whole quarter hours and days from
// the rollup tables, the partial ones at the period's two ends from the
// rows themselves, so a period may start and end at any nanosecond. The
// response times and the number of customers come from one pass over the
// index fd_inbound_customer, reduced in SQL to the start and end of each
// wait. No message text is read, and nothing older than the 90 days
// Retain keeps.

// Activity reads the activity from q.Since to q.Until, both included: a
// command given at Until sees the messages recorded at that same instant.
func (s *Store) Activity(ctx context.Context, q bot.ActivityQuery) (bot.Activity, error) {
	if err := s.settle(ctx); err != nil {
		return bot.Activity{}, err
	}
	return s.activity(ctx, q, nil)
}

// activity is Activity; midway, when not nil, runs inside the read
// transaction after the first figures are read (the tests' window into
// it).
func (s *Store) activity(ctx context.Context, q bot.ActivityQuery, midway func()) (bot.Activity, error) {
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
	// One read transaction, a snapshot, so the figures agree with each
	// other even while messages keep coming in; it keeps no writer of any
	// business waiting (readTx).
	tx, err := s.db.readTx(ctx)
	if err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: begin: %w", err)
	}
	defer tx.Rollback()
	if err := s.quarters(ctx, tx, &a, split(from, to, quarterNanos)); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: messages: %w", err)
	}
	if midway != nil {
		midway()
	}
	if err := s.replies(ctx, tx, &a, split(from, to, quarterNanos)); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: replies: %w", err)
	}
	if err := s.waits(ctx, tx, &a, from, to, q.Open); err != nil {
		return bot.Activity{}, fmt.Errorf("read activity: response times: %w", err)
	}
	if err := s.frequentQuestions(ctx, tx, &a, split(from, to, dayNanos), from, to, q); err != nil {
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

// args are the span's bounds as ?2 to ?7, after the business (?1).
func (sp span) args(business int64) []any {
	return []any{business, sp.first, sp.last, sp.lo1, sp.hi1, sp.lo2, sp.hi2}
}

// quarters reads the customer messages per quarter hour and the withheld
// replies.
func (s *Store) quarters(ctx context.Context, tx *sql.Tx, a *bot.Activity, sp span) error {
	rows, err := tx.QueryContext(ctx, s.db.q(`
		SELECT q, CAST(sum(inbound) AS INTEGER), CAST(sum(late) AS INTEGER), CAST(sum(kill) AS INTEGER) FROM (
			SELECT quarter AS q, inbound, late, kill FROM fd_stats_quarters
			WHERE business = ?1 AND quarter BETWEEN ?2 AND ?3
			UNION ALL
			SELECT received / 900000000000, `+inboundSQL+`, `+lateSQL+`, `+killSQL+`
			FROM fd_inbound WHERE business = ?1 AND received BETWEEN ?4 AND ?5
			UNION ALL
			SELECT received / 900000000000, `+inboundSQL+`, `+lateSQL+`, `+killSQL+`
			FROM fd_inbound WHERE business = ?1 AND received BETWEEN ?6 AND ?7) AS c
		GROUP BY q ORDER BY q`), sp.args(s.id)...)
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
func (s *Store) replies(ctx context.Context, tx *sql.Tx, a *bot.Activity, sp span) error {
	rows, err := tx.QueryContext(ctx, s.db.q(`
		SELECT rule, CAST(sum(n) AS INTEGER) FROM (
			SELECT rule, n FROM fd_stats_replies WHERE business = ?1 AND quarter BETWEEN ?2 AND ?3
			UNION ALL
			SELECT '', 1 FROM fd_outbox WHERE business = ?1 AND status = 'sent' AND sent_at BETWEEN ?4 AND ?5
			UNION ALL
			SELECT '', 1 FROM fd_outbox WHERE business = ?1 AND status = 'sent' AND sent_at BETWEEN ?6 AND ?7
			UNION ALL
			SELECT r.value, 1 FROM `+s.db.ruleRows()+`
			WHERE o.business = ?1 AND o.status = 'sent' AND o.sent_at BETWEEN ?4 AND ?5
			UNION ALL
			SELECT r.value, 1 FROM `+s.db.ruleRows()+`
			WHERE o.business = ?1 AND o.status = 'sent' AND o.sent_at BETWEEN ?6 AND ?7) AS c
		GROUP BY rule`), sp.args(s.id)...)
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

// waits reads the response times and the number of customers. Only the
// owner's messages and the customers' messages in open hours matter to a
// wait: in each customer's chat in time order (a customer's message before
// the owner's at the same instant: 'customer' < 'owner-in-chat', the
// index's own order, so nothing is sorted), an open-hours customer message right
// after an owner message (or first) starts a wait, and an owner message
// right after an open-hours customer message ends the one running. Only
// those rows come out, so Go pairs each end with the start before it.
func (s *Store) waits(ctx context.Context, tx *sql.Tx, a *bot.Activity, from, to int64, open func(time.Time) bool) error {
	if err := tx.QueryRowContext(ctx, s.db.q(`
		SELECT count(*) FROM (SELECT customer FROM fd_inbound INDEXED BY fd_inbound_customer
			WHERE business = ?3 AND received >= ?1 AND received <= ?2 AND customer <> '' AND kind = 'customer'
				AND instr(rules, '"admin"') = 0 GROUP BY customer) AS c`),
		from, to, s.id).Scan(&a.Customers); err != nil {
		return err
	}
	// ?3 holds a byte per minute: 1 when the business is open.
	openMinute := s.db.pick(`substr(?3, received / 60000000000 - ?4 + 1, 1) = x'01'`,
		`get_byte(?3::bytea, CAST(received / 60000000000 - ?4 AS integer)) = 1`)
	rows, err := tx.QueryContext(ctx, s.db.q(`
		SELECT received, stat FROM (
			SELECT received, stat,
				lag(stat) OVER (PARTITION BY customer ORDER BY received, kind) AS prev
			FROM (SELECT customer, received, kind, CASE kind WHEN 'owner-in-chat' THEN 2 ELSE 1 END AS stat
				FROM fd_inbound INDEXED BY fd_inbound_customer
				WHERE business = ?5 AND received >= ?1 AND received <= ?2 AND customer <> ''
					AND (kind = 'owner-in-chat' OR (kind = 'customer'
						AND `+openMinute+`
						AND instr(rules, '"admin"') = 0))) AS m) AS w
		WHERE (stat = 1 AND coalesce(prev, 2) = 2) OR (stat = 2 AND prev = 1)`),
		from, to, openMinutes(from, to, open), from/int64(time.Minute), s.id)
	if err != nil {
		return err
	}
	defer rows.Close()
	// Rows come in the window's order, customer by customer: an end
	// always follows its start.
	var (
		pending   bool
		pendingAt int64
	)
	for rows.Next() {
		var at, stat int64
		if err := rows.Scan(&at, &stat); err != nil {
			return err
		}
		if stat == 1 {
			if pending {
				a.Unanswered++
			}
			pending, pendingAt = true, at
			continue
		}
		if !pending || at < pendingAt {
			return fmt.Errorf("a wait ends at %d without a start", at)
		}
		a.Waits = append(a.Waits, bot.Wait{From: time.Unix(0, pendingAt).UTC(), To: time.Unix(0, at).UTC()})
		pending = false
	}
	if pending {
		a.Unanswered++
	}
	return rows.Err()
}

// frequentQuestions lists the questions asked at least q.MinQuestions
// times and not skipped, counting the customers who asked only for those
// listed.
func (s *Store) frequentQuestions(ctx context.Context, tx *sql.Tx, a *bot.Activity, sp span, from, to int64, q bot.ActivityQuery) error {
	rows, err := tx.QueryContext(ctx, s.db.q(`
		SELECT text, CAST(sum(n) AS INTEGER) AS c FROM (
			SELECT text, n FROM fd_stats_questions WHERE business = ?1 AND day BETWEEN ?2 AND ?3
			UNION ALL
			SELECT text, 1 FROM fd_questions WHERE business = ?1 AND at BETWEEN ?4 AND ?5
			UNION ALL
			SELECT text, 1 FROM fd_questions WHERE business = ?1 AND at BETWEEN ?6 AND ?7) AS u
		GROUP BY text HAVING sum(n) >= ?8
		ORDER BY c DESC, text`), append(sp.args(s.id), q.MinQuestions)...)
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
		if err := tx.QueryRowContext(ctx, s.db.q(`
			SELECT count(DISTINCT customer) FROM fd_questions WHERE business = ? AND text = ? AND at BETWEEN ? AND ?`),
			s.id, a.Questions[i].Text, from, to).Scan(&a.Questions[i].Customers); err != nil {
			return err
		}
	}
	return nil
}
