package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"frontdesk/bot"
)

// LoadConfig returns the saved configuration; ok is false when none was
// ever saved.
func (s *Store) LoadConfig(ctx context.Context) (bot.Config, bool, error) {
	var doc string
	err := s.db.sql.QueryRowContext(ctx, s.db.q("SELECT doc FROM fd_config WHERE business = ?"), s.id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.Config{}, false, nil
	}
	if err != nil {
		return bot.Config{}, false, fmt.Errorf("load config: %w", err)
	}
	var cfg bot.Config
	if err := json.Unmarshal([]byte(doc), &cfg); err != nil {
		return bot.Config{}, false, fmt.Errorf("load config: decode: %w", err)
	}
	return cfg, true, nil
}

// SaveConfig replaces the saved configuration with cfg, whole. With rec,
// the command message that made the change is recorded in the same
// transaction (bot.ErrDuplicate, nothing saved, if it was before).
func (s *Store) SaveConfig(ctx context.Context, cfg bot.Config, rec *bot.Inbound) error {
	doc, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("save config: encode: %w", err)
	}
	err = s.withRecord(ctx, rec, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.db.q(
			`INSERT INTO fd_config (business, doc, updated) VALUES (?, ?, ?)
			 ON CONFLICT (business) DO UPDATE SET doc = excluded.doc, updated = excluded.updated`),
			s.id, string(doc), time.Now().UnixNano())
		return err
	})
	if err != nil && !errors.Is(err, bot.ErrDuplicate) {
		return fmt.Errorf("save config: %w", err)
	}
	return err
}

// withRecord runs fn in one transaction that also records rec, when not
// nil, first.
func (s *Store) withRecord(ctx context.Context, rec *bot.Inbound, fn func(*sql.Tx) error) error {
	var v inboundValues
	if rec != nil {
		var err error
		if v, err = inboundArgs(*rec); err != nil {
			return recordError(*rec, err)
		}
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if rec != nil {
			if err := s.recordInbound(ctx, tx, *rec, v); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

// LoadKillSwitch returns the saved kill switch; a fresh database stops
// nothing.
func (s *Store) LoadKillSwitch(ctx context.Context) (bot.KillSwitch, error) {
	var (
		k     bot.KillSwitch
		until sql.NullInt64
	)
	err := s.db.sql.QueryRowContext(ctx, s.db.q(
		"SELECT kill_off, kill_until, kill_reason FROM fd_state WHERE business = ?"), s.id).
		Scan(&k.Off, &until, &k.Reason)
	if err != nil {
		return bot.KillSwitch{}, fmt.Errorf("load kill switch: %w", err)
	}
	k.Until = fromNanos(until)
	return k, nil
}

// SaveKillSwitch saves k; when k stops messages, every pending outgoing
// message is discarded in the same transaction, so nothing queued before
// `!off` trickles out afterwards. Messages already being sent are left
// alone. With rec, the command message is recorded in the same
// transaction, as for SaveConfig.
func (s *Store) SaveKillSwitch(ctx context.Context, k bot.KillSwitch, rec *bot.Inbound) (int, error) {
	until, err := nanos(k.Until)
	if err != nil {
		return 0, fmt.Errorf("save kill switch: until: %w", err)
	}
	var discarded int64
	if wb := s.writeBehind(); wb != nil && k.Off {
		wb.unclaim() // the waiting ones are discarded
	}
	err = s.withRecord(ctx, rec, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.db.q(
			"UPDATE fd_state SET kill_off = ?, kill_until = ?, kill_reason = ? WHERE business = ?"),
			bit(k.Off), until, k.Reason, s.id); err != nil {
			return err
		}
		if !k.Off {
			return nil
		}
		res, err := tx.ExecContext(ctx, s.db.q(`UPDATE fd_outbox SET status = 'discarded'
			 WHERE business = ? AND status IN ('pending', 'sending') AND status = 'pending'`), s.id)
		if err != nil {
			return err
		}
		discarded, err = res.RowsAffected()
		return err
	})
	if errors.Is(err, bot.ErrDuplicate) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("save kill switch: %w", err)
	}
	return int(discarded), nil
}

// DigestSent is when the weekly digest last went out (zero: never).
func (s *Store) DigestSent(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	if err := s.db.sql.QueryRowContext(ctx, s.db.q("SELECT digest_sent FROM fd_state WHERE business = ?"), s.id).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("load digest time: %w", err)
	}
	return fromNanos(at), nil
}

// SetDigestSent records when the weekly digest went out.
func (s *Store) SetDigestSent(ctx context.Context, at time.Time) error {
	n, err := nanos(at)
	if err != nil {
		return fmt.Errorf("save digest time: %w", err)
	}
	if _, err := s.db.sql.ExecContext(ctx, s.db.q("UPDATE fd_state SET digest_sent = ? WHERE business = ?"), n, s.id); err != nil {
		return fmt.Errorf("save digest time: %w", err)
	}
	return nil
}

// OwnerActive is the last moment the owner did something from the phone.
func (s *Store) OwnerActive(ctx context.Context) (time.Time, error) {
	if err := s.settle(ctx); err != nil {
		return time.Time{}, err
	}
	var at sql.NullInt64
	if err := s.db.sql.QueryRowContext(ctx, s.db.q("SELECT owner_active FROM fd_state WHERE business = ?"), s.id).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("load owner activity: %w", err)
	}
	return fromNanos(at), nil
}

// SetOwnerActive records the owner's last activity.
func (s *Store) SetOwnerActive(ctx context.Context, at time.Time) error {
	if err := s.settle(ctx); err != nil {
		return err
	}
	n, err := nanos(at)
	if err != nil {
		return fmt.Errorf("save owner activity: %w", err)
	}
	if _, err := s.db.stmts.setOwnerActive.ExecContext(ctx, n, s.id); err != nil {
		return fmt.Errorf("save owner activity: %w", err)
	}
	return nil
}

// LinkIdentity remembers that lid and pn are the same person. A newer link
// replaces any older one of either identity: WhatsApp gives each phone
// number one LID.
func (s *Store) LinkIdentity(ctx context.Context, lid, pn bot.UserID) error {
	if !lid.IsLID() || lid.Digits() == "" {
		return fmt.Errorf("link identity: %q is not a LID", lid)
	}
	if pn == "" || pn.IsLID() {
		return fmt.Errorf("link identity: %q is not a phone number", pn)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.db.q("DELETE FROM fd_identities WHERE business = ? AND (lid = ? OR pn = ?)"), s.id, lid, pn); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.db.q("INSERT INTO fd_identities (business, lid, pn) VALUES (?, ?, ?)"), s.id, lid, pn)
		return err
	})
	if err != nil {
		return fmt.Errorf("link identity %s = %s: %w", lid, pn, err)
	}
	return nil
}

// PhoneForLID returns the phone number of lid, or "" when unknown.
func (s *Store) PhoneForLID(ctx context.Context, lid bot.UserID) (bot.UserID, error) {
	var pn bot.UserID
	err := s.db.stmts.phoneForLID.QueryRowContext(ctx, s.id, lid).Scan(&pn)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("phone for %s: %w", lid, err)
	}
	return pn, nil
}

// LIDForPhone returns the LID of pn, or "" when unknown.
func (s *Store) LIDForPhone(ctx context.Context, pn bot.UserID) (bot.UserID, error) {
	var lid bot.UserID
	err := s.db.stmts.lidForPhone.QueryRowContext(ctx, s.id, pn).Scan(&lid)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("LID for %s: %w", pn, err)
	}
	return lid, nil
}
