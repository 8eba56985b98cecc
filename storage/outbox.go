package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"frontdesk/bot"
)

// Outbox statuses. A message moves pending → sending → sent or failed;
// back from sending to pending when the send certainly did not leave, or
// when a crash interrupted it (it is then sent again under the same
// WhatsApp message id, so the customer's phone shows it once); pending →
// discarded when the kill switch stops messages.
const (
	statusPending   = "pending"
	statusSending   = "sending"
	statusSent      = "sent"
	statusFailed    = "failed"
	statusDiscarded = "discarded"
)

const outboxColumns = "id, chat, customer, text, rules, created, status, sent_at, msg_id, attachment"

// The outbox reads the bot makes, each served by a partial index
// (fd_outbox_waiting, fd_outbox_sent) however long the outbox grows.
//
// pendingQuery serves customers in turns: every customer's oldest waiting
// message first (in the order they were queued), then every customer's
// second, and so on, so one customer writing a thousand messages delays
// nobody else by more than one round. A message being sent (or claimed
// for sending as it was recorded) holds its customer's first turn.
const (
	pendingQuery = `
		SELECT ` + outboxColumns + ` FROM (
			SELECT ` + outboxColumns + `, row_number() OVER (PARTITION BY customer ORDER BY id) AS turn
			FROM fd_outbox WHERE business = ? AND status IN ('pending', 'sending')) AS w
		WHERE status = 'pending'
		ORDER BY turn, id LIMIT ?`
	recentSentQuery = "SELECT " + outboxColumns + " FROM fd_outbox WHERE business = ? AND status = 'sent' ORDER BY sent_at DESC, id DESC LIMIT ?"
	sentSinceQuery  = "SELECT count(*) FROM fd_outbox WHERE business = ? AND status = 'sent' AND sent_at >= ?"
)

func scanOutgoing(rows *sql.Rows) ([]bot.Outgoing, error) {
	defer rows.Close()
	var out []bot.Outgoing
	for rows.Next() {
		var (
			o       bot.Outgoing
			rules   string
			created int64
			sentAt  sql.NullInt64
			attach  string
		)
		if err := rows.Scan(&o.ID, &o.Chat, &o.Customer, &o.Text, &rules, &created, &o.Status, &sentAt, &o.MsgID, &attach); err != nil {
			return nil, err
		}
		var err error
		if o.Rules, err = decodeRules(rules); err != nil {
			return nil, err
		}
		if o.Attachment, err = decodeAttachment(attach); err != nil {
			return nil, err
		}
		o.Created = fromNanos(sql.NullInt64{Int64: created, Valid: true})
		o.SentAt = fromNanos(sentAt)
		out = append(out, o)
	}
	return out, rows.Err()
}

// PendingOutgoing returns up to limit queued messages, oldest first.
func (s *Store) PendingOutgoing(ctx context.Context, limit int) ([]bot.Outgoing, error) {
	if err := s.settle(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.db.stmts.pending.QueryContext(ctx, s.id, limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	out, err := scanOutgoing(rows)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// PendingByCustomer counts the messages waiting (or being sent) for each
// customer.
func (s *Store) PendingByCustomer(ctx context.Context) (map[bot.UserID]int, error) {
	if err := s.settle(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.sql.QueryContext(ctx, s.db.q(
		"SELECT customer, count(*) FROM fd_outbox WHERE business = ? AND status IN ('pending', 'sending') GROUP BY customer"), s.id)
	if err != nil {
		return nil, fmt.Errorf("count waiting messages: %w", err)
	}
	defer rows.Close()
	out := make(map[bot.UserID]int)
	for rows.Next() {
		var (
			c bot.UserID
			n int
		)
		if err := rows.Scan(&c, &n); err != nil {
			return nil, fmt.Errorf("count waiting messages: %w", err)
		}
		out[c] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count waiting messages: %w", err)
	}
	return out, nil
}

// ResumeInterrupted puts messages a crash left "sending" back in the queue,
// in their original place. Each keeps the WhatsApp message id it was being
// sent under, so if it did leave, the resend shows as the same message.
func (s *Store) ResumeInterrupted(ctx context.Context) ([]bot.Resumed, error) {
	if wb := s.writeBehind(); wb != nil {
		wb.unclaim()
	}
	if err := s.settle(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.sql.QueryContext(ctx, s.db.q(
		`UPDATE fd_outbox SET status = 'pending'
		 WHERE business = ? AND status IN ('pending', 'sending') AND status = 'sending' AND msg_id <> ''
		 RETURNING id, customer`), s.id)
	if err != nil {
		return nil, fmt.Errorf("resume interrupted sends: %w", err)
	}
	var out []bot.Resumed
	for rows.Next() {
		var r bot.Resumed
		if err := rows.Scan(&r.ID, &r.Customer); err != nil {
			rows.Close()
			return nil, fmt.Errorf("resume interrupted sends: %w", err)
		}
		out = append(out, r)
	}
	// On SQLite the update commits as the statement ends, in Close.
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("resume interrupted sends: %w", err)
	}
	slices.SortFunc(out, func(a, b bot.Resumed) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// checkReplyStatus refuses a reply that is not queued pending or sending.
func checkReplyStatus(status string) error {
	switch status {
	case "", statusPending, statusSending:
		return nil
	}
	return fmt.Errorf("queue reply: status %q: a reply is queued pending or sending", status)
}

// queueReply inserts r into the outbox, pending or, when the bot claimed
// it as it was recorded, sending. A reply from the journal has its id
// already (r.ID), and is inserted sent when its MarkSent came meanwhile
// (sent, counted for the statistics as MarkSent counts it); otherwise it
// takes the next outbox id and tells the bot in r.ID.
func (s *Store) queueReply(ctx context.Context, tx *sql.Tx, r *bot.Outgoing, v inboundValues, sent *sentMark, t *tally) error {
	status := r.Status
	if status == "" {
		status = statusPending
	}
	attach, err := encodeAttachment(r.Attachment)
	if err != nil {
		return fmt.Errorf("queue reply: %w", err)
	}
	rules := encodeRules(r.Rules)
	if r.ID != 0 {
		msgID, sentAt := r.MsgID, sql.NullInt64{}
		if sent != nil {
			status, msgID, sentAt = statusSent, sent.msgID, sql.NullInt64{Int64: sent.at, Valid: true}
		}
		if _, err := tx.StmtContext(ctx, s.db.stmts.insertOutboxAt).ExecContext(ctx,
			r.ID, s.id, v.replyChat, v.replyCust, r.Text, rules, v.replyAt, status, msgID, attach, sentAt); err != nil {
			return fmt.Errorf("queue reply %d: %w", r.ID, err)
		}
		if sent != nil {
			t.sentAt(sent.at, r.Rules)
		}
		return nil
	}
	st := tx.StmtContext(ctx, s.db.stmts.insertOutbox)
	args := []any{s.id, v.replyChat, v.replyCust, r.Text, rules, v.replyAt, status, r.MsgID, attach}
	if s.db.dialect != Postgres {
		args = append(args, s.db.outboxID.Add(1))
	}
	var id int64
	if err := st.QueryRowContext(ctx, args...).Scan(&id); err != nil {
		return fmt.Errorf("queue reply: %w", err)
	}
	if s.db.dialect != Postgres {
		s.db.seenOutboxID(id)
	}
	r.ID = id
	return nil
}

// loadOutboxID starts SQLite's outbox ids after the largest one stored.
// Ids come from memory, not from AUTOINCREMENT (whose sqlite_sequence row
// would be one more page written per reply): they only grow while the
// process runs, so an id the bot holds never names another message, even
// when !forget deleted the newest row; one lost to a rolled-back
// transaction is a harmless gap. They are shared by the file's
// businesses. The insert takes the stored largest id plus one instead
// when that is larger (another handle on the same file wrote since;
// it reads under the write lock), and seenOutboxID moves the counter
// past it, so two handles never give one id twice. On PostgreSQL, which
// several processes may share, the identity column's sequence gives them.
func (db *DB) loadOutboxID(ctx context.Context) error {
	if db.dialect == Postgres {
		return nil
	}
	var max int64
	if err := db.sql.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM fd_outbox").Scan(&max); err != nil {
		return fmt.Errorf("read outbox ids: %w", err)
	}
	db.outboxID.Store(max)
	return nil
}

// setStatus runs one prepared status move of message id and explains a
// refused one (the message is missing, or in a status it may not leave).
func (s *Store) setStatus(ctx context.Context, what string, id int64, st *sql.Stmt, from []string, args ...any) error {
	return s.setStatusThen(ctx, what, id, st, from, nil, args...)
}

// setStatusThen is setStatus with then, when not nil, run after the move
// in the same transaction.
func (s *Store) setStatusThen(ctx context.Context, what string, id int64, st *sql.Stmt, from []string, then func(*sql.Tx) error, args ...any) error {
	var (
		res sql.Result
		err error
	)
	if then == nil {
		res, err = s.db.exec(ctx, st, args...)
		// On SQLite the message may still wait to be written out
		// (journal.go): then it is, and the move made again.
		if n := int64(-1); err == nil && s.writeBehind() != nil {
			if n, err = res.RowsAffected(); err == nil && n == 0 {
				if err = s.settle(ctx); err == nil {
					res, err = s.db.exec(ctx, st, args...)
				}
			}
		}
	} else {
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var err error
			if res, err = tx.StmtContext(ctx, st).ExecContext(ctx, args...); err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // explained below
			}
			return then(tx)
		})
	}
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			var cur string
			err = s.db.sql.QueryRowContext(ctx, s.db.q("SELECT status FROM fd_outbox WHERE business = ? AND id = ?"), s.id, id).Scan(&cur)
			switch {
			case err == sql.ErrNoRows:
				err = fmt.Errorf("no outgoing message %d", id)
			case err == nil:
				err = fmt.Errorf("outgoing message %d is %s, not %s", id, cur, from)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%s %d: %w", what, id, err)
	}
	return nil
}

// MarkSending claims a pending message before it is handed to WhatsApp.
// Only a pending message can be claimed, so a message discarded by the kill
// switch is never sent.
func (s *Store) MarkSending(ctx context.Context, id int64) error {
	err := s.setStatus(ctx, "claim outgoing message", id, s.db.stmts.markSending, []string{statusPending}, s.id, id)
	if wb := s.writeBehind(); wb != nil && err != nil {
		wb.unclaim(id) // not pending: what it is now is the database's to say
	}
	return err
}

// ReleaseSending puts a claimed message back in the queue; it keeps its id
// and so its place.
func (s *Store) ReleaseSending(ctx context.Context, id int64) error {
	if wb := s.writeBehind(); wb != nil {
		wb.unclaim(id)
	}
	return s.setStatus(ctx, "release outgoing message", id, s.db.stmts.releaseSending, []string{statusSending}, s.id, id)
}

// MarkSent records that message id went out as WhatsApp message msgID.
func (s *Store) MarkSent(ctx context.Context, id int64, msgID string, at time.Time) error {
	n, err := mustNanos("sent at", at)
	if err != nil {
		return fmt.Errorf("mark outgoing message %d sent: %w", id, err)
	}
	// A reply this process recorded and nothing moved since is marked
	// with the next batch (journal.go).
	if wb := s.writeBehind(); wb != nil && s.markSentLater(wb, id, msgID, n) {
		return nil
	}
	// The reply is counted for !stats in the same transaction.
	return s.setStatusThen(ctx, "mark outgoing message sent", id, s.db.stmts.markSent,
		[]string{statusSending, statusPending}, func(tx *sql.Tx) error { return s.rollupSent(ctx, tx, id) }, n, msgID, s.id, id)
}

// MarkFailed records that message id will not be sent, and why.
func (s *Store) MarkFailed(ctx context.Context, id int64, reason string) error {
	if wb := s.writeBehind(); wb != nil {
		wb.unclaim(id)
	}
	return s.setStatus(ctx, "mark outgoing message failed", id, s.db.stmts.markFailed,
		[]string{statusSending, statusPending}, reason, s.id, id)
}

// SentSince counts automatic messages sent at or after t.
func (s *Store) SentSince(ctx context.Context, t time.Time) (int, error) {
	if err := s.settle(ctx); err != nil {
		return 0, err
	}
	n, err := nanos(t)
	if err != nil {
		return 0, fmt.Errorf("count sent messages: %w", err)
	}
	var count int
	err = s.db.sql.QueryRowContext(ctx, s.db.q(sentSinceQuery), s.id, atOrAfter(n)).Scan(&count)
	if err != nil {
		return 0, fmt.Errorf("count sent messages: %w", err)
	}
	return count, nil
}

// RecentSent returns the last n sent automatic messages, newest first.
func (s *Store) RecentSent(ctx context.Context, n int) ([]bot.Outgoing, error) {
	if err := s.settle(ctx); err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, nil
	}
	rows, err := s.db.sql.QueryContext(ctx, s.db.q(recentSentQuery), s.id, n)
	if err != nil {
		return nil, fmt.Errorf("read sent messages: %w", err)
	}
	out, err := scanOutgoing(rows)
	if err != nil {
		return nil, fmt.Errorf("read sent messages: %w", err)
	}
	return out, nil
}

// seenOutboxID moves SQLite's outbox id counter up to id, an id the
// database just gave out, when it is behind.
func (db *DB) seenOutboxID(id int64) {
	for {
		cur := db.outboxID.Load()
		if cur >= id || db.outboxID.CompareAndSwap(cur, id) {
			return
		}
	}
}
