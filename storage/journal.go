package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"frontdesk/bot"
)

// This file is how a customer message is recorded on SQLite: written
// once, small, and written out in full a moment later.
//
// RecordInbound's transaction inserts one row into fd_journal: the
// message's key (so a redelivery is refused as before), the outbox id of
// its reply, and the whole record. That is all a message costs before
// WhatsApp gets its ack: one small row in a table that is nearly always
// empty, so one page. The rows the record stands for (the message in
// fd_inbound, the customer, the reply in fd_outbox, the question, the
// statistics) are written out later, many messages in one transaction:
// when flushDelay has passed, when flushBatch messages wait (both in the
// background; a recorder writes out itself only past flushLimit), or before
// anything else reads or writes the business (settle, and every
// transaction of Store.tx, which writes them out first, in the same
// transaction). Each journal row is deleted in the transaction that
// writes it out, and written out only if that delete found it, so a
// record is written out once whoever does it: this process, another
// handle on the file, or the next process after a crash (DB.Business
// writes out what it finds).
//
// Meanwhile Customer adds the records not written out yet to what it reads
// (overlay), so a customer's second message is decided on the first.
//
// MarkSent of a reply this process recorded, and so knows is waiting or
// being sent, is kept in memory and written with the next batch; when the
// reply itself is still in memory it is written out sent. A crash before
// that batch leaves the reply "sending", and ResumeInterrupted sends it
// again under its message id, which the phone shows once: the same as a
// crash between a send and its MarkSent always did.
//
// PostgreSQL records every message wholly in one transaction, as before:
// several processes may share it, and each statement is a round trip
// either way.

// flushDelay is the longest a record waits in memory before it is
// written out (DB.flushAfter, which tests stretch to see records wait).
// Each write-out has a cost of its own (its transaction, the journal's
// delete, the rollups, the commit of every page it touched), so fewer,
// larger ones cost less per message: flat out against the fake server,
// 100 ms instead of 20 took frontdesk from 0.79 and 0.74 to 0.88 and 0.84
// times the messages per second of whatsmeow with the adapter's options,
// and its CPU per message from 1.30 and 1.28 to 1.13 and 1.16 times
// (docs/performance.md). But a reply's sent mark waits as long: a crash
// leaves every reply sent in that time "sending", to be sent again (shown
// once) after the restart, and the more there are, the more replies wait
// after a restart. At half a second a customer writing right after a
// restart found 5 replies waiting and got no answer ("flood";
// TestKillMediaNothingTwice with -kill.seed=1795812570488091533 left 2-4
// messages unanswered); at 100 ms none did, in that seed's runs and in
// the kill tests' random ones.
const flushDelay = 100 * time.Millisecond

// flushBatch is how many records start a write-out at once, in the
// background: the message that makes them flushBatch is not delayed by
// it.
const flushBatch = 256

// flushLimit is how many records make RecordInbound write them out
// itself: when the background cannot keep up, messages wait for it
// rather than memory grow.
const flushLimit = 4 * flushBatch

// journaled is one record not written out yet.
type journaled struct {
	seq int64
	in  bot.Inbound // in.Reply.ID set
	v   inboundValues
}

// sentMark is a MarkSent kept for the next batch.
type sentMark struct {
	id    int64
	msgID string
	at    int64
}

// writeBehind is one business's records and marks not written out yet.
// Its lock is held across a database call only by Customer's read, which
// waits for no writer (WAL); no writer takes it while holding the write
// lock.
type writeBehind struct {
	mu      sync.Mutex
	records []*journaled
	marks   []*sentMark
	// customers counts, per customer, the records in records about them.
	customers map[bot.UserID]int
	// claimed are the outbox ids of replies recorded by this process that
	// nothing has moved since: waiting or being sent, so MarkSent may be
	// kept in memory.
	claimed map[int64]bool
	// cache holds customers as their rows will be once everything in
	// memory is written out (Customer).
	cache  map[bot.UserID]bot.Customer
	timer  *time.Timer
	closed bool
	// early is set while a write-out started by flushBatch records runs.
	early bool
	// flushing counts the background write-outs under way (the timer's,
	// the early one), which Close waits for.
	flushing sync.WaitGroup
}

// batch is what one write-out takes from memory.
type batch struct {
	records []*journaled
	marks   []*sentMark
}

// writeBehind returns the business's write-behind state: nil on
// PostgreSQL.
func (s *Store) writeBehind() *writeBehind {
	if s.db.dialect == Postgres {
		return nil
	}
	if s.wb != nil {
		return s.wb
	}
	s.db.wbMu.Lock()
	defer s.db.wbMu.Unlock()
	if s.db.wb == nil {
		s.db.wb = make(map[int64]*writeBehind)
	}
	wb := s.db.wb[s.id]
	if wb == nil {
		wb = &writeBehind{customers: make(map[bot.UserID]int), claimed: make(map[int64]bool)}
		s.db.wb[s.id] = wb
	}
	s.wb = wb
	return wb
}

// take is everything waiting in memory, for one write-out.
func (wb *writeBehind) take() batch {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	return batch{records: slices.Clone(wb.records), marks: slices.Clone(wb.marks)}
}

// done forgets what b wrote out (or found written out by another).
func (wb *writeBehind) done(b batch) {
	if len(b.records)+len(b.marks) == 0 {
		return
	}
	wb.mu.Lock()
	defer wb.mu.Unlock()
	gone := make(map[*journaled]bool, len(b.records))
	for _, j := range b.records {
		gone[j] = true
		if c := j.in.Customer; c != "" {
			if wb.customers[c]--; wb.customers[c] <= 0 {
				delete(wb.customers, c)
			}
		}
	}
	wb.records = slices.DeleteFunc(wb.records, func(j *journaled) bool { return gone[j] })
	marks := make(map[*sentMark]bool, len(b.marks))
	for _, m := range b.marks {
		marks[m] = true
	}
	wb.marks = slices.DeleteFunc(wb.marks, func(m *sentMark) bool { return marks[m] })
}

// pending reports whether anything waits in memory.
func (wb *writeBehind) pending() bool {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	return len(wb.records)+len(wb.marks) > 0
}

// replyRules is the rules of reply id when its record waits in memory.
func (wb *writeBehind) replyRules(id int64) ([]string, bool) {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	for _, j := range wb.records {
		if r := j.in.Reply; r != nil && r.ID == id {
			return slices.Clone(r.Rules), true
		}
	}
	return nil, false
}

// unclaim forgets claimed ids: all of them when ids is empty.
func (wb *writeBehind) unclaim(ids ...int64) {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	drop(wb.claimed, ids)
}

// drop deletes keys from m: every key when keys is empty.
func drop[K comparable, V any](m map[K]V, keys []K) {
	if len(keys) == 0 {
		clear(m)
		return
	}
	for _, k := range keys {
		delete(m, k)
	}
}

// schedule arms the timer that writes out what waits, starts a write-out
// in the background when flushBatch records wait, and reports whether
// flushLimit wait, so that the caller must write them out itself.
func (wb *writeBehind) schedule(s *Store) bool {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	if wb.closed {
		return false
	}
	if wb.timer == nil {
		wb.timer = time.AfterFunc(s.db.flushAfter, func() {
			wb.mu.Lock()
			wb.timer = nil
			if wb.closed {
				wb.mu.Unlock()
				return
			}
			wb.flushing.Add(1)
			wb.mu.Unlock()
			defer wb.flushing.Done()
			// An error leaves everything in memory and in the journal:
			// the next write-out, or the next process, tries again.
			s.flush(context.Background()) //nolint:errcheck
		})
	}
	if len(wb.records) >= flushBatch && !wb.early {
		wb.early = true
		wb.flushing.Add(1)
		go func() {
			defer wb.flushing.Done()
			s.flush(context.Background()) //nolint:errcheck // as the timer's
			wb.mu.Lock()
			wb.early = false
			wb.mu.Unlock()
		}()
	}
	return len(wb.records) >= flushLimit
}

// recordJournal is RecordInbound on SQLite: the journal row, then the
// record kept in memory until it is written out.
func (s *Store) recordJournal(ctx context.Context, wb *writeBehind, in bot.Inbound, v inboundValues) error {
	entry, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("record message %s in %s: %w", in.ID, in.Chat, err)
	}
	var seq int64
	if in.Reply != nil {
		if err := checkReplyStatus(in.Reply.Status); err != nil {
			return recordError(in, err)
		}
	}
	s.db.writeMu.Lock()
	err = s.db.stmts.insertJournal.QueryRowContext(ctx, s.id, in.Party(), in.ID, in.Alias, s.db.outboxID.Load()+1, entry).Scan(&seq)
	s.db.writeMu.Unlock()
	if errors.Is(err, sql.ErrNoRows) {
		return bot.ErrDuplicate
	}
	if err != nil {
		return recordError(in, err)
	}
	s.db.seenOutboxID(seq)
	if in.Reply != nil {
		in.Reply.ID = seq
	}
	j := &journaled{seq: seq, in: copyInbound(in), v: v}
	wb.mu.Lock()
	wb.records = append(wb.records, j)
	if in.Customer != "" {
		wb.customers[in.Customer]++
		if c, ok := wb.cache[in.Customer]; ok {
			j.applyTo(&c)
			wb.cache[in.Customer] = c
		}
	}
	if in.Reply != nil {
		wb.claimed[in.Reply.ID] = true
	}
	wb.mu.Unlock()
	if wb.schedule(s) {
		// The message is recorded: a write-out that fails now is not its
		// failure (the caller would take it for unrecorded). What waits
		// stays in memory and in the journal, and the next write-out, or
		// the next read that needs it, tries again.
		s.flush(ctx) //nolint:errcheck
	}
	return nil
}

// copyInbound is in with its own copy of everything the caller could
// change afterwards.
func copyInbound(in bot.Inbound) bot.Inbound {
	in.Rules = slices.Clone(in.Rules)
	in.KeywordsSent = slices.Clone(in.KeywordsSent)
	if in.Reply != nil {
		r := *in.Reply
		r.Rules = slices.Clone(r.Rules)
		if r.Attachment != nil {
			a := *r.Attachment
			r.Attachment = &a
		}
		in.Reply = &r
	}
	return in
}

// markSentLater keeps MarkSent of id in memory when this process recorded
// the reply and nothing moved it since; false: it must be written now.
func (s *Store) markSentLater(wb *writeBehind, id int64, msgID string, at int64) bool {
	wb.mu.Lock()
	if !wb.claimed[id] {
		wb.mu.Unlock()
		return false
	}
	delete(wb.claimed, id)
	wb.marks = append(wb.marks, &sentMark{id: id, msgID: msgID, at: at})
	wb.mu.Unlock()
	wb.schedule(s)
	return true
}

// Flush writes out the recorded messages that wait (in memory or in the
// journal) at once, in one transaction. frontdesk never needs to call it:
// every read of the business that must see them does so first. It is for
// tests and tools that read the tables themselves.
func (s *Store) Flush(ctx context.Context) error {
	if s.writeBehind() == nil {
		return nil
	}
	return s.flush(ctx)
}

// flush writes out everything waiting, in one transaction.
func (s *Store) flush(ctx context.Context) error {
	return s.tx(ctx, func(*sql.Tx) error { return nil })
}

// settle writes out what waits before a read that must see it: the
// records in memory, or journal rows another handle or a crashed process
// left.
func (s *Store) settle(ctx context.Context) error {
	wb := s.writeBehind()
	if wb == nil {
		return nil
	}
	if !wb.pending() {
		var one int
		err := s.db.stmts.journalRows.QueryRowContext(ctx, s.id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read the journal: %w", err)
		}
	}
	if err := s.flush(ctx); err != nil {
		return fmt.Errorf("write out recorded messages: %w", err)
	}
	return nil
}

// writeOut writes out, in tx, every journal row of the business (b's
// records from memory, any other's from its entry), then b's marks.
func (s *Store) writeOut(ctx context.Context, tx *sql.Tx, b batch) error {
	rows, err := tx.StmtContext(ctx, s.db.stmts.takeJournal).QueryContext(ctx, s.id)
	if err != nil {
		return fmt.Errorf("read the journal: %w", err)
	}
	type row struct {
		seq   int64
		entry []byte
	}
	var found []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.seq, &r.entry); err != nil {
			rows.Close()
			return fmt.Errorf("read the journal: %w", err)
		}
		found = append(found, r)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read the journal: %w", err)
	}
	if len(found) == 0 && len(b.marks) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b row) int { return int(a.seq - b.seq) })
	mine := make(map[int64]*journaled, len(b.records))
	for _, j := range b.records {
		mine[j.seq] = j
	}
	sent := make(map[int64]*sentMark, len(b.marks))
	for _, m := range b.marks {
		sent[m.id] = m
	}
	t := newTally()
	for _, r := range found {
		j := mine[r.seq]
		if j == nil {
			if j, err = decodeJournaled(r.seq, r.entry); err != nil {
				return err
			}
		}
		var m *sentMark
		if j.in.Reply != nil {
			if m = sent[j.in.Reply.ID]; m != nil {
				delete(sent, m.id)
			}
		}
		if err := s.writeRecord(ctx, tx, j, m, t); err != nil {
			return fmt.Errorf("write out message %s: %w", j.in.ID, err)
		}
	}
	// Marks of replies written out before.
	for _, m := range b.marks {
		if sent[m.id] == nil {
			continue
		}
		var doc string
		err := tx.StmtContext(ctx, s.db.stmts.markSentRules).QueryRowContext(ctx, m.at, m.msgID, s.id, m.id).Scan(&doc)
		if errors.Is(err, sql.ErrNoRows) {
			// The message was discarded or forgotten since, or another
			// handle wrote the mark: nothing to mark or count.
			continue
		}
		if err != nil {
			return fmt.Errorf("mark outgoing message %d sent: %w", m.id, err)
		}
		rules, err := decodeRules(doc)
		if err != nil {
			return fmt.Errorf("mark outgoing message %d sent: %w", m.id, err)
		}
		t.sentAt(m.at, rules)
	}
	return t.write(ctx, s, tx)
}

// decodeJournaled reads a journal row this process does not hold.
func decodeJournaled(seq int64, entry []byte) (*journaled, error) {
	var in bot.Inbound
	if err := json.Unmarshal(entry, &in); err != nil {
		return nil, fmt.Errorf("journal row %d: %w", seq, err)
	}
	if in.Reply != nil {
		in.Reply.ID = seq
	}
	v, err := inboundArgs(in)
	if err != nil {
		return nil, fmt.Errorf("journal row %d: %w", seq, err)
	}
	return &journaled{seq: seq, in: in, v: v}, nil
}

// writeRecord writes out one record: what RecordInbound writes on
// PostgreSQL, the reply under the id it was given, and sent when m (its
// MarkSent) came meanwhile.
func (s *Store) writeRecord(ctx context.Context, tx *sql.Tx, j *journaled, m *sentMark, t *tally) error {
	if err := s.insertInbound(ctx, tx, j.in, j.v); err != nil {
		return err
	}
	return s.recordDerived(ctx, tx, j.in, j.v, m, t)
}

// overlayLocked adds to c (as read) the records about it not written out
// yet, as writing them out will. wb.mu is held.
func (wb *writeBehind) overlayLocked(c *bot.Customer) {
	if wb.customers[c.ID] == 0 {
		return
	}
	for _, j := range wb.records {
		if j.in.Customer == c.ID {
			j.applyTo(c)
		}
	}
}

// applyTo changes c as writing j out changes its row (tally.inbound).
func (j *journaled) applyTo(c *bot.Customer) {
	in, received := j.in, fromNanos(sql.NullInt64{Int64: j.v.received, Valid: true})
	if in.TouchCustomer {
		if in.Name != "" {
			c.Name = in.Name
		}
		c.LastInbound = received
	}
	if j.v.away.Valid {
		c.AwayPeriod = fromNanos(j.v.away)
	}
	if in.OwnerWrote {
		c.OwnerWrote = received
	}
	if len(in.KeywordsSent) > 0 {
		if c.KeywordSent == nil {
			c.KeywordSent = make(map[int]time.Time, len(in.KeywordsSent))
		}
		for _, id := range in.KeywordsSent {
			c.KeywordSent[id] = received
		}
	}
}

// cacheSize is how many customers a business remembers between messages:
// those writing now (a customer often writes several messages in a row),
// not its whole list.
const cacheSize = 256

// remember keeps c, as its row will be once everything in memory is
// written out. wb.mu is held.
func (wb *writeBehind) remember(c bot.Customer) {
	if wb.cache == nil {
		wb.cache = make(map[bot.UserID]bot.Customer)
	}
	if len(wb.cache) >= cacheSize {
		for id := range wb.cache { // any one goes
			delete(wb.cache, id)
			break
		}
	}
	wb.cache[c.ID] = c
}

// forget drops remembered customers: all of them when ids is empty.
func (wb *writeBehind) forget(ids ...bot.UserID) {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	drop(wb.cache, ids)
}

// closeWriteBehind writes out what waits in every business of db and
// stops the timers, before the database closes.
func (db *DB) closeWriteBehind() error {
	db.wbMu.Lock()
	all := make(map[int64]*writeBehind, len(db.wb))
	for id, wb := range db.wb {
		all[id] = wb
	}
	db.wbMu.Unlock()
	var errs []error
	for id, wb := range all {
		wb.mu.Lock()
		wb.closed = true
		if wb.timer != nil {
			wb.timer.Stop()
			wb.timer = nil
		}
		wb.mu.Unlock()
		wb.flushing.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s := &Store{db: db, id: id}
		errs = append(errs, s.flush(ctx))
		cancel()
	}
	return errors.Join(errs...)
}
