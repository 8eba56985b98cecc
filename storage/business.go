package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"frontdesk/bot"
)

// Store is one business in the database: everything of one linked
// WhatsApp number (owner, admins, configuration, customers, the record of
// its messages, outbox, kill switch, statistics). It implements bot.Store;
// every query it makes names its business, so nothing of another business
// is ever read or changed. Get one with DB.Business.
type Store struct {
	db     *DB
	id     int64
	number string
	owns   bool // Close closes db (OpenStore)
	// wb is the business's write-behind state on SQLite, found once in
	// the database's map (writeBehind).
	wb *writeBehind
}

var _ bot.Store = (*Store)(nil)

// Business is a business in a database.
type Business struct {
	// ID is the database's own key of the business.
	ID int64
	// Number is the linked number's digits (no +); "" for the business of
	// a database from before several numbers, until AdoptUnnamed gives
	// it to its number.
	Number  string
	Created time.Time
}

// ErrNoBusiness is returned (wrapped) by Sole for a database that holds
// no business.
var ErrNoBusiness = errors.New("no business with that number")

// checkNumber refuses anything but a linked number's digits.
func checkNumber(number string) error {
	if number == "" || len(number) > 32 {
		return fmt.Errorf("business number %q: want the number's digits, without +", number)
	}
	for _, c := range number {
		if c < '0' || c > '9' {
			return fmt.Errorf("business number %q: want the number's digits, without +", number)
		}
	}
	return nil
}

// Business returns the business of the linked number (its digits, without
// +), creating it if the database has none. It never gives a number the
// business of before of an upgraded database (the one with no number):
// AdoptUnnamed does, for the number that business belongs to.
func (db *DB) Business(ctx context.Context, number string) (*Store, error) {
	if err := checkNumber(number); err != nil {
		return nil, err
	}
	var id int64
	err := db.tx(ctx, 0, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q("SELECT id FROM fd_businesses WHERE number = ?"), number).Scan(&id)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := tx.QueryRowContext(ctx, db.q("INSERT INTO fd_businesses (number, created) VALUES (?, ?) RETURNING id"),
			number, time.Now().UnixNano()).Scan(&id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, db.q("INSERT INTO fd_state (business) VALUES (?)"), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open business %s: %w", number, err)
	}
	s, err := db.store(ctx, id, number)
	if err != nil {
		return nil, fmt.Errorf("open business %s: %w", number, err)
	}
	return s, nil
}

// store is the Store of business id. What a crash left in its journal is
// written out before anything reads the business.
func (db *DB) store(ctx context.Context, id int64, number string) (*Store, error) {
	s := &Store{db: db, id: id, number: number}
	s.writeBehind() // before the Store is shared: s.wb is not written after
	if err := s.settle(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// AdoptUnnamed gives the business with no number (a SQLite database's
// business of before several numbers: its configuration, customers and
// history) to the first of candidates (numbers' digits, the one it
// belongs to first) that has no business yet, and returns that number; ""
// when there is no such business or no such candidate. It is one
// transaction: of two processes adopting at once, one does.
func (db *DB) AdoptUnnamed(ctx context.Context, candidates []string) (string, error) {
	for _, c := range candidates {
		if err := checkNumber(c); err != nil {
			return "", err
		}
	}
	adopted := ""
	err := db.tx(ctx, 0, func(tx *sql.Tx) error {
		adopted = ""
		var unnamed sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT min(id) FROM fd_businesses WHERE number IS NULL").Scan(&unnamed)
		if err != nil || !unnamed.Valid {
			return err
		}
		for _, c := range candidates {
			var id int64
			err := tx.QueryRowContext(ctx, db.q("SELECT id FROM fd_businesses WHERE number = ?"), c).Scan(&id)
			if err == nil {
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.q("UPDATE fd_businesses SET number = ? WHERE id = ? AND number IS NULL"), c, unnamed.Int64); err != nil {
				return err
			}
			adopted = c
			return nil
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("adopt the business of before: %w", err)
	}
	return adopted, nil
}

// Businesses lists the database's businesses, oldest first.
func (db *DB) Businesses(ctx context.Context) ([]Business, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT id, coalesce(number, ''), created FROM fd_businesses ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list businesses: %w", err)
	}
	defer rows.Close()
	var out []Business
	for rows.Next() {
		var (
			b       Business
			created int64
		)
		if err := rows.Scan(&b.ID, &b.Number, &created); err != nil {
			return nil, fmt.Errorf("list businesses: %w", err)
		}
		b.Created = time.Unix(0, created).UTC()
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list businesses: %w", err)
	}
	return out, nil
}

// Sole returns the database's one business, numbered or not (an upgraded
// database's business not adopted yet), for a command that works on a
// database of one number without being told which. It returns
// ErrNoBusiness (wrapped) when there is none, and an error listing the
// numbers when there are several.
func (db *DB) Sole(ctx context.Context) (*Store, error) {
	list, err := db.Businesses(ctx)
	if err != nil {
		return nil, err
	}
	switch len(list) {
	case 0:
		return nil, fmt.Errorf("the database holds no business yet: %w", ErrNoBusiness)
	case 1:
		s, err := db.store(ctx, list[0].ID, list[0].Number)
		if err != nil {
			return nil, fmt.Errorf("open business %s: %w", list[0].Number, err)
		}
		return s, nil
	}
	numbers := make([]string, len(list))
	for i, b := range list {
		numbers[i] = "+" + b.Number
		if b.Number == "" {
			numbers[i] = "(not linked yet)"
		}
	}
	return nil, fmt.Errorf("the database holds %d businesses (%s): say which number", len(list), strings.Join(numbers, ", "))
}

// OutgoingRules is the rules that made the business's outgoing message id
// (pending, sent or failed), as recorded with it; ok is false when the
// business has no such message (any more).
func (s *Store) OutgoingRules(ctx context.Context, id int64) (rules []string, ok bool, err error) {
	var doc string
	err = s.db.sql.QueryRowContext(ctx, s.db.q("SELECT rules FROM fd_outbox WHERE business = ? AND id = ?"), s.id, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		// On SQLite the reply may wait in memory to be written out
		// (journal.go); its rules are there. (Asked after every send when
		// the metrics are on: writing everything out for it would undo
		// the batching.)
		if wb := s.writeBehind(); wb != nil {
			rules, ok = wb.replyRules(id)
		}
		return rules, ok, nil
	}
	if err == nil {
		rules, err = decodeRules(doc)
	}
	if err != nil {
		return nil, false, fmt.Errorf("rules of outgoing message %d: %w", id, err)
	}
	return rules, true, nil
}

// Number is the business's linked number (digits, no +).
func (s *Store) Number() string { return s.number }

// ID is the database's own key of the business.
func (s *Store) ID() int64 { return s.id }

// DB is the database the business is in.
func (s *Store) DB() *DB { return s.db }

// Close closes the database when the Store came from OpenStore. A Store
// from DB.Business shares its database's connections, which DB.Close
// releases: its Close does nothing.
func (s *Store) Close() error {
	if s.owns {
		return s.db.Close()
	}
	return nil
}

// OpenStore opens the database dsn names (as Open) and its business of
// number (as DB.Business), for a program or test that serves one
// business, the database's only one: a business with no number (an
// upgraded database's) is number's (AdoptUnnamed) unless number has one
// already. Closing the Store closes the database. frontdesk itself,
// which may serve several numbers, opens businesses with DB.Business.
func OpenStore(ctx context.Context, dsn, number string) (*Store, error) {
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.AdoptUnnamed(ctx, []string{number}); err != nil {
		db.Close()
		return nil, err
	}
	s, err := db.Business(ctx, number)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.owns = true
	return s, nil
}

// tx runs fn in one transaction holding the business's write lock. On
// SQLite it writes out the recorded messages waiting (journal.go) first,
// in the same transaction, so fn sees and changes everything recorded.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	wb := s.writeBehind()
	if wb == nil {
		return s.db.tx(ctx, s.id, fn)
	}
	b := wb.take()
	err := s.db.tx(ctx, s.id, func(tx *sql.Tx) error {
		if err := s.writeOut(ctx, tx, b); err != nil {
			return err
		}
		return fn(tx)
	})
	if err == nil {
		wb.done(b)
	}
	return err
}
