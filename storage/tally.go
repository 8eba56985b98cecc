package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"frontdesk/bot"
)

// tally gathers what recorded messages add to the customers, the owner's
// activity and the statistics rollups, so that a write-out of many
// messages (journal.go) updates each customer, quarter and question once.
// A message recorded wholly in one transaction uses a tally of its own.
// Folding the messages in the order they were recorded gives what
// applying them one by one would: a later value replaces an earlier one,
// keyword sends merge, counts add up.
type tally struct {
	customers   map[bot.UserID]*customerDelta
	order       []bot.UserID
	ownerActive sql.NullInt64
	quarters    map[int64]*[3]int // inbound, late, kill
	questions   map[questionDay]int
	sent        map[quarterRule]int
}

// customerDelta is what messages change in one customer's row: "" and
// NULL leave a column as it is.
type customerDelta struct {
	name              string
	last, away, wrote sql.NullInt64
	keywords          map[int]int64
}

type questionDay struct {
	text string
	day  int64
}

type quarterRule struct {
	quarter int64
	rule    string
}

func newTally() *tally {
	return &tally{
		customers: make(map[bot.UserID]*customerDelta),
		quarters:  make(map[int64]*[3]int),
		questions: make(map[questionDay]int),
		sent:      make(map[quarterRule]int),
	}
}

// inbound adds one recorded message.
func (t *tally) inbound(in bot.Inbound, v inboundValues) {
	received := sql.NullInt64{Int64: v.received, Valid: true}
	if in.Customer != "" && (in.TouchCustomer || in.OwnerWrote || v.away.Valid || len(in.KeywordsSent) > 0) {
		d := t.customers[in.Customer]
		if d == nil {
			d = &customerDelta{}
			t.customers[in.Customer] = d
			t.order = append(t.order, in.Customer)
		}
		if in.TouchCustomer {
			if in.Name != "" {
				d.name = in.Name
			}
			d.last = received
		}
		if v.away.Valid {
			d.away = v.away
		}
		if in.OwnerWrote {
			d.wrote = received
		}
		for _, id := range in.KeywordsSent {
			if d.keywords == nil {
				d.keywords = make(map[int]int64)
			}
			d.keywords[id] = v.received
		}
	}
	if in.OwnerActive {
		t.ownerActive = received
	}
	// A customer's message (team members excluded) in its quarter, a
	// withheld reply by reason, the normalised question in its day.
	if in.Kind == bot.FromCustomer {
		var c [3]int
		if in.Customer != "" && !slices.Contains(in.Rules, "admin") {
			c[0] = 1
		}
		if slices.Contains(in.Rules, bot.SuppressedLate) {
			c[1] = 1
		}
		if slices.Contains(in.Rules, bot.SuppressedKill) {
			c[2] = 1
		}
		if c != [3]int{} {
			q := t.quarters[v.received/quarterNanos]
			if q == nil {
				q = new([3]int)
				t.quarters[v.received/quarterNanos] = q
			}
			for i := range c {
				q[i] += c[i]
			}
		}
	}
	if in.Question != "" {
		t.questions[questionDay{in.Question, v.received / dayNanos}]++
	}
}

// sentAt adds an automatic message with rules sent at (unix nanos): once
// as a message and once for each of its rules, in its quarter.
func (t *tally) sentAt(at int64, rules []string) {
	q := at / quarterNanos
	t.sent[quarterRule{q, ""}]++
	for _, r := range rules {
		t.sent[quarterRule{q, r}]++
	}
}

// write writes the tally in tx.
func (t *tally) write(ctx context.Context, s *Store, tx *sql.Tx) error {
	if len(t.order) > 0 {
		st := tx.StmtContext(ctx, s.db.stmts.upsertCustomer)
		for _, id := range t.order {
			d := t.customers[id]
			var keywords sql.NullString
			if len(d.keywords) > 0 {
				keywords = encodeKeywordTimes(d.keywords)
			}
			if _, err := st.ExecContext(ctx, id, d.name, d.last, d.away, d.wrote, keywords, s.id); err != nil {
				return fmt.Errorf("update customer: %w", err)
			}
		}
	}
	if t.ownerActive.Valid {
		if _, err := tx.StmtContext(ctx, s.db.stmts.setOwnerActive).ExecContext(ctx, t.ownerActive.Int64, s.id); err != nil {
			return fmt.Errorf("record owner activity: %w", err)
		}
	}
	err := upsertCounts(ctx, tx.StmtContext(ctx, s.db.stmts.rollupMessage), t.quarters,
		func(a, b int64) int { return cmp.Compare(a, b) },
		func(q int64, c *[3]int) []any { return []any{s.id, q, c[0], c[1], c[2]} })
	if err != nil {
		return fmt.Errorf("count messages: %w", err)
	}
	err = upsertCounts(ctx, tx.StmtContext(ctx, s.db.stmts.rollupQuestion), t.questions,
		func(a, b questionDay) int { return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.text, b.text)) },
		func(k questionDay, n int) []any { return []any{s.id, k.text, k.day, n} })
	if err != nil {
		return fmt.Errorf("count questions: %w", err)
	}
	err = upsertCounts(ctx, tx.StmtContext(ctx, s.db.stmts.rollupSent), t.sent,
		func(a, b quarterRule) int {
			return cmp.Or(cmp.Compare(a.quarter, b.quarter), cmp.Compare(a.rule, b.rule))
		},
		func(k quarterRule, n int) []any { return []any{s.id, k.quarter, k.rule, n} })
	if err != nil {
		return fmt.Errorf("count sent messages: %w", err)
	}
	return nil
}

// upsertCounts runs st once per entry of counts, in key order (the same
// tally is always written the same way), with the arguments args gives.
func upsertCounts[K comparable, V any](ctx context.Context, st *sql.Stmt, counts map[K]V, order func(a, b K) int, args func(K, V) []any) error {
	if len(counts) == 0 {
		return nil
	}
	for _, k := range slices.SortedFunc(maps.Keys(counts), order) {
		if _, err := st.ExecContext(ctx, args(k, counts[k])...); err != nil {
			return err
		}
	}
	return nil
}
