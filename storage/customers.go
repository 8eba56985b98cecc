package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"frontdesk/bot"
)

// Customer returns what is remembered about id: one customer row, its
// keyword sends included, read by its key. A customer never seen comes
// back with only ID set. On SQLite the records not written out yet are
// added, and customers seen lately are remembered (journal.go).
func (s *Store) Customer(ctx context.Context, id bot.UserID) (bot.Customer, error) {
	wb := s.writeBehind()
	if wb == nil {
		return s.readCustomer(ctx, id)
	}
	// Held across the read, so that no write-out can take records from
	// memory after the read missed them and before they are added.
	wb.mu.Lock()
	defer wb.mu.Unlock()
	if c, ok := wb.cache[id]; ok {
		return cloneCustomer(c), nil
	}
	c, err := s.readCustomer(ctx, id)
	if err != nil {
		return c, err
	}
	wb.overlayLocked(&c)
	wb.remember(c)
	return cloneCustomer(c), nil
}

// readCustomer reads id's row.
func (s *Store) readCustomer(ctx context.Context, id bot.UserID) (bot.Customer, error) {
	c := bot.Customer{ID: id}
	var (
		last, away, wrote sql.NullInt64
		keywords          []byte
	)
	err := s.db.stmts.customer.QueryRowContext(ctx, s.id, id).Scan(&c.Name, &c.Known, &last, &away, &wrote, &keywords)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return bot.Customer{}, fmt.Errorf("load customer %s: %w", id, err)
	}
	c.LastInbound = fromNanos(last)
	c.AwayPeriod = fromNanos(away)
	c.OwnerWrote = fromNanos(wrote)
	if c.KeywordSent, err = decodeKeywords(keywords); err != nil {
		return bot.Customer{}, fmt.Errorf("load customer %s: keyword sends: %w", id, err)
	}
	return c, nil
}

// cloneCustomer is c with a keyword map of its own.
func cloneCustomer(c bot.Customer) bot.Customer {
	if c.KeywordSent != nil {
		c.KeywordSent = maps.Clone(c.KeywordSent)
	}
	return c
}

// decodeKeywords reads a customer's keyword sends, {"id": unix nanos}.
func decodeKeywords(doc []byte) (map[int]time.Time, error) {
	if len(doc) <= 2 { // "{}"
		return nil, nil
	}
	var raw map[string]int64
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, err
	}
	out := make(map[int]time.Time, len(raw))
	for k, at := range raw {
		id, err := strconv.Atoi(k)
		if err != nil {
			return nil, fmt.Errorf("keyword id %q", k)
		}
		out[id] = fromNanos(sql.NullInt64{Int64: at, Valid: true})
	}
	return out, nil
}

// encodeKeywordTimes is the JSON object merged into a customer's keyword
// sends: keyword id to when it was sent (unix nanos), in id order.
func encodeKeywordTimes(sent map[int]int64) sql.NullString {
	b := []byte{'{'}
	for i, id := range slices.Sorted(maps.Keys(sent)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, sent[id], 10)
	}
	return sql.NullString{String: string(append(b, '}')), Valid: true}
}

// MarkKnown records customers found in the chat history at linking, so
// they are not greeted as new. Everything else about them is kept.
func (s *Store) MarkKnown(ctx context.Context, ids []bot.UserID, at time.Time) error {
	n, err := nanos(at)
	if err != nil {
		return fmt.Errorf("mark customers known: %w", err)
	}
	if wb := s.writeBehind(); wb != nil {
		// Read again, known, next time: dropped after the change, and
		// before it in case it fails half-way.
		wb.forget(ids...)
		defer wb.forget(ids...)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, s.db.q(`
			INSERT INTO fd_customers (business, id, known, known_at) VALUES (?, ?, 1, ?)
			ON CONFLICT (business, id) DO UPDATE SET
				known = 1,
				known_at = coalesce(fd_customers.known_at, excluded.known_at)`))
		if err != nil {
			return err
		}
		defer st.Close()
		for _, id := range ids {
			if id == "" {
				return errors.New("empty customer id")
			}
			if _, err := st.ExecContext(ctx, s.id, id, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark %d customers known: %w", len(ids), err)
	}
	return nil
}

// RecordInbound is the per-message transaction: it records (party, ID) and,
// all or nothing, the customer updates, the owner's activity, keyword
// sends, the queued reply, a customer shortcut use and the normalised
// question. A message recorded before gives bot.ErrDuplicate and changes
// nothing. Every statement is prepared and touches rows by key.
func (s *Store) RecordInbound(ctx context.Context, in bot.Inbound) error {
	args, err := inboundArgs(in)
	if err != nil {
		return fmt.Errorf("record message %s in %s: %w", in.ID, in.Chat, err)
	}
	if wb := s.writeBehind(); wb != nil {
		return s.recordJournal(ctx, wb, in, args)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error { return s.recordInbound(ctx, tx, in, args) })
	return recordError(in, err)
}

// recordError wraps a failed record, leaving bot.ErrDuplicate bare.
func recordError(in bot.Inbound, err error) error {
	if errors.Is(err, bot.ErrDuplicate) {
		return err
	}
	if err != nil {
		return fmt.Errorf("record message %s in %s: %w", in.ID, in.Chat, err)
	}
	return nil
}

// Recorded reports whether message id was recorded for the party known
// as id or as alias (alias may be empty), whether its answer went out, and
// the answer kept meanwhile.
func (s *Store) Recorded(ctx context.Context, id, alias bot.UserID, msgID string) (bot.Recorded, error) {
	if err := s.settle(ctx); err != nil {
		return bot.Recorded{}, err
	}
	var (
		r     bot.Recorded
		party bot.UserID
	)
	err := s.db.stmts.recorded.QueryRowContext(ctx, id, alias, msgID, s.id).Scan(&party, &r.Answered)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.Recorded{Answered: true}, nil
	}
	if err != nil {
		return bot.Recorded{}, fmt.Errorf("look up message %s: %w", msgID, err)
	}
	r.Found = true
	if r.Answered {
		return r, nil
	}
	rows, err := s.db.sql.QueryContext(ctx,
		s.db.q("SELECT out_id, text FROM fd_answers WHERE business = ? AND party = ? AND msg_id = ? ORDER BY seq"), s.id, party, msgID)
	if err != nil {
		return bot.Recorded{}, fmt.Errorf("read the answer to message %s: %w", msgID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p bot.AnswerPart
		if err := rows.Scan(&p.ID, &p.Text); err != nil {
			return bot.Recorded{}, fmt.Errorf("read the answer to message %s: %w", msgID, err)
		}
		r.Answer = append(r.Answer, p)
	}
	if err := rows.Err(); err != nil {
		return bot.Recorded{}, fmt.Errorf("read the answer to message %s: %w", msgID, err)
	}
	return r, nil
}

// SaveAnswer keeps parts, after those kept before, as the answer to a
// command message that awaits it (one recorded under id or alias).
func (s *Store) SaveAnswer(ctx context.Context, id, alias bot.UserID, msgID string, parts []bot.AnswerPart) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var (
			party    bot.UserID
			answered bool
		)
		err := tx.StmtContext(ctx, s.db.stmts.recorded).QueryRowContext(ctx, id, alias, msgID, s.id).Scan(&party, &answered)
		if errors.Is(err, sql.ErrNoRows) || answered {
			return nil // nothing awaits an answer
		}
		if err != nil {
			return err
		}
		var next int
		if err := tx.QueryRowContext(ctx, s.db.q("SELECT coalesce(max(seq), 0) FROM fd_answers WHERE business = ? AND party = ? AND msg_id = ?"),
			s.id, party, msgID).Scan(&next); err != nil {
			return err
		}
		for _, p := range parts {
			next++
			if _, err := tx.ExecContext(ctx, s.db.q("INSERT INTO fd_answers (business, party, msg_id, seq, out_id, text) VALUES (?, ?, ?, ?, ?, ?)"),
				s.id, party, msgID, next, p.ID, p.Text); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("keep the answer to message %s: %w", msgID, err)
	}
	return nil
}

// MarkAnswered records that the answer to a command message went out and
// drops the kept answer.
func (s *Store) MarkAnswered(ctx context.Context, id, alias bot.UserID, msgID string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.StmtContext(ctx, s.db.stmts.markAnswered).ExecContext(ctx, id, alias, msgID, s.id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.db.q("DELETE FROM fd_answers WHERE business = ? AND party IN (?, ?) AND msg_id = ?"), s.id, id, alias, msgID)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark message %s answered: %w", msgID, err)
	}
	return nil
}

// inboundValues are in's checked and converted values.
type inboundValues struct {
	sent      sql.NullInt64
	received  int64
	away      sql.NullInt64
	rules     string
	replyAt   int64
	replyChat bot.UserID
	replyCust bot.UserID
}

// inboundArgs checks in before any SQL runs, so bad input changes nothing.
func inboundArgs(in bot.Inbound) (inboundValues, error) {
	var v inboundValues
	var err error
	if in.Chat == "" || in.ID == "" {
		return v, errors.New("chat and message id are required")
	}
	if v.received, err = mustNanos("received", in.Received); err != nil {
		return v, err
	}
	if v.sent, err = nanos(in.Sent); err != nil {
		return v, fmt.Errorf("sent: %w", err)
	}
	if v.away, err = nanos(in.AwayPeriod); err != nil {
		return v, fmt.Errorf("away period: %w", err)
	}
	v.rules = encodeRules(in.Rules)
	if r := in.Reply; r != nil {
		if r.Text == "" && r.Attachment == nil {
			return v, errors.New("reply has no text")
		}
		v.replyAt = v.received
		if !r.Created.IsZero() {
			if v.replyAt, err = mustNanos("reply created", r.Created); err != nil {
				return v, err
			}
		}
		v.replyChat, v.replyCust = r.Chat, r.Customer
		if v.replyChat == "" {
			v.replyChat = in.Chat
		}
		if v.replyCust == "" {
			v.replyCust = in.Customer
		}
	}
	return v, nil
}

// recordInbound records in wholly in tx: the message and everything it
// stands for.
func (s *Store) recordInbound(ctx context.Context, tx *sql.Tx, in bot.Inbound, v inboundValues) error {
	if wb := s.writeBehind(); wb != nil && in.Customer != "" {
		defer wb.forget(in.Customer)
	}
	if in.Reply != nil {
		if err := checkReplyStatus(in.Reply.Status); err != nil {
			return err
		}
	}
	if err := s.insertInbound(ctx, tx, in, v); err != nil {
		return err
	}
	t := newTally()
	if err := s.recordDerived(ctx, tx, in, v, nil, t); err != nil {
		return err
	}
	return t.write(ctx, s, tx)
}

// insertInbound inserts the message's row, or gives bot.ErrDuplicate.
func (s *Store) insertInbound(ctx context.Context, tx *sql.Tx, in bot.Inbound, v inboundValues) error {
	res, err := tx.StmtContext(ctx, s.db.stmts.insertInbound).ExecContext(ctx,
		in.Party(), in.ID, in.Chat, in.Kind.String(), in.Customer, v.sent, v.received, v.rules, in.Alias, bit(!in.AwaitsAnswer), s.id)
	if err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("insert message: %w", err)
	} else if n == 0 {
		return bot.ErrDuplicate
	}
	return nil
}

// recordDerived writes what a recorded message stands for: the reply
// (sent already when sent is not nil), the shortcut use and the question,
// and adds the rest to t (the customer, the owner's activity and the
// statistics), which the caller writes.
func (s *Store) recordDerived(ctx context.Context, tx *sql.Tx, in bot.Inbound, v inboundValues, sent *sentMark, t *tally) error {
	t.inbound(in, v)
	if r := in.Reply; r != nil {
		if err := s.queueReply(ctx, tx, r, v, sent, t); err != nil {
			return err
		}
	}
	if in.Shortcut != "" {
		if _, err := tx.StmtContext(ctx, s.db.stmts.insertShortcut).ExecContext(ctx, s.id, in.Shortcut, bit(in.ShortcutByOwner), v.received); err != nil {
			return fmt.Errorf("count shortcut use: %w", err)
		}
	}
	if in.Question != "" {
		if _, err := tx.StmtContext(ctx, s.db.stmts.insertQuestion).ExecContext(ctx, s.id, in.Question, in.Customer, v.received); err != nil {
			return fmt.Errorf("record question: %w", err)
		}
	}
	return nil
}

// Forget deletes every row about the given identities: customer rows,
// keyword sends, inbound records, outbox messages, questions and identity
// links. The other identity of each (LID or phone number, when linked) is
// forgotten too, so a person cannot survive under their other name. It
// returns how many rows went.
func (s *Store) Forget(ctx context.Context, ids []bot.UserID) (int64, error) {
	var total int64
	if wb := s.writeBehind(); wb != nil {
		wb.unclaim() // their replies may go
		defer wb.forget()
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		all, err := s.withLinkedIdentities(ctx, tx, ids)
		if err != nil {
			return err
		}
		deletes := []string{
			"DELETE FROM fd_customers WHERE business = ?1 AND id = ?2",
			// These two scan the business's rows (their tables keep 90
			// days): an index on chat or customer would cost every message
			// a page.
			"DELETE FROM fd_inbound WHERE business = ?1 AND (chat = ?2 OR customer = ?2)",
			"DELETE FROM fd_outbox WHERE business = ?1 AND (chat = ?2 OR customer = ?2)",
			"DELETE FROM fd_questions WHERE business = ?1 AND customer = ?2",
			"DELETE FROM fd_identities WHERE business = ?1 AND (lid = ?2 OR pn = ?2)",
		}
		for _, id := range all {
			if err := s.unrollParty(ctx, tx, id); err != nil {
				return err
			}
			for _, q := range deletes {
				res, err := tx.ExecContext(ctx, s.db.q(q), s.id, id)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				total += n
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("forget %v: %w", ids, err)
	}
	return total, nil
}

// withLinkedIdentities returns ids plus the LID or phone number linked to
// each, without duplicates or empty ids.
func (s *Store) withLinkedIdentities(ctx context.Context, tx *sql.Tx, ids []bot.UserID) ([]bot.UserID, error) {
	seen := make(map[bot.UserID]bool)
	var all []bot.UserID
	add := func(id bot.UserID) {
		if id != "" && !seen[id] {
			seen[id] = true
			all = append(all, id)
		}
	}
	for _, id := range ids {
		add(id)
		rows, err := tx.QueryContext(ctx,
			s.db.q("SELECT lid, pn FROM fd_identities WHERE business = ?1 AND (lid = ?2 OR pn = ?2)"), s.id, id)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var lid, pn bot.UserID
			if err := rows.Scan(&lid, &pn); err != nil {
				rows.Close()
				return nil, err
			}
			add(lid)
			add(pn)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return all, nil
}
