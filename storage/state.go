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
func (db *DB) LoadConfig(ctx context.Context) (bot.Config, bool, error) {
	var doc string
	err := db.sql.QueryRowContext(ctx, "SELECT doc FROM fd_config WHERE id = 1").Scan(&doc)
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
func (db *DB) SaveConfig(ctx context.Context, cfg bot.Config, rec *bot.Inbound) error {
	doc, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("save config: encode: %w", err)
	}
	err = db.withRecord(ctx, rec, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO fd_config (id, doc, updated) VALUES (1, ?, ?)
			 ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated = excluded.updated`,
			string(doc), time.Now().UnixNano())
		return err
	})
	if err != nil && !errors.Is(err, bot.ErrDuplicate) {
		return fmt.Errorf("save config: %w", err)
	}
	return err
}

// withRecord runs fn in one transaction that also records rec, when not
// nil, first.
func (db *DB) withRecord(ctx context.Context, rec *bot.Inbound, fn func(*sql.Tx) error) error {
	var v inboundValues
	if rec != nil {
		var err error
		if v, err = inboundArgs(*rec); err != nil {
			return recordError(*rec, err)
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if rec != nil {
			if err := db.recordInbound(ctx, tx, *rec, v); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

// LoadKillSwitch returns the saved kill switch; a fresh database stops
// nothing.
func (db *DB) LoadKillSwitch(ctx context.Context) (bot.KillSwitch, error) {
	var (
		k     bot.KillSwitch
		until sql.NullInt64
	)
	err := db.sql.QueryRowContext(ctx,
		"SELECT kill_off, kill_until, kill_reason FROM fd_state WHERE id = 1").
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
func (db *DB) SaveKillSwitch(ctx context.Context, k bot.KillSwitch, rec *bot.Inbound) (int, error) {
	until, err := nanos(k.Until)
	if err != nil {
		return 0, fmt.Errorf("save kill switch: until: %w", err)
	}
	var discarded int64
	err = db.withRecord(ctx, rec, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			"UPDATE fd_state SET kill_off = ?, kill_until = ?, kill_reason = ? WHERE id = 1",
			k.Off, until, k.Reason); err != nil {
			return err
		}
		if !k.Off {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE fd_outbox SET status = 'discarded'
			 WHERE status IN ('pending', 'sending') AND status = 'pending'`)
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
func (db *DB) DigestSent(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	if err := db.sql.QueryRowContext(ctx, "SELECT digest_sent FROM fd_state WHERE id = 1").Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("load digest time: %w", err)
	}
	return fromNanos(at), nil
}

// SetDigestSent records when the weekly digest went out.
func (db *DB) SetDigestSent(ctx context.Context, at time.Time) error {
	n, err := nanos(at)
	if err != nil {
		return fmt.Errorf("save digest time: %w", err)
	}
	if _, err := db.sql.ExecContext(ctx, "UPDATE fd_state SET digest_sent = ? WHERE id = 1", n); err != nil {
		return fmt.Errorf("save digest time: %w", err)
	}
	return nil
}

// OwnerActive is the last moment the owner did something from the phone.
func (db *DB) OwnerActive(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	if err := db.sql.QueryRowContext(ctx, "SELECT owner_active FROM fd_state WHERE id = 1").Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("load owner activity: %w", err)
	}
	return fromNanos(at), nil
}

// SetOwnerActive records the owner's last activity.
func (db *DB) SetOwnerActive(ctx context.Context, at time.Time) error {
	n, err := nanos(at)
	if err != nil {
		return fmt.Errorf("save owner activity: %w", err)
	}
	if _, err := db.sql.ExecContext(ctx, "UPDATE fd_state SET owner_active = ? WHERE id = 1", n); err != nil {
		return fmt.Errorf("save owner activity: %w", err)
	}
	return nil
}

// LinkIdentity remembers that lid and pn are the same person. A newer link
// replaces any older one of either identity: WhatsApp gives each phone
// number one LID.
func (db *DB) LinkIdentity(ctx context.Context, lid, pn bot.UserID) error {
	if !lid.IsLID() || lid.Digits() == "" {
		return fmt.Errorf("link identity: %q is not a LID", lid)
	}
	if pn == "" || pn.IsLID() {
		return fmt.Errorf("link identity: %q is not a phone number", pn)
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM fd_identities WHERE lid = ? OR pn = ?", lid, pn); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO fd_identities (lid, pn) VALUES (?, ?)", lid, pn)
		return err
	})
	if err != nil {
		return fmt.Errorf("link identity %s = %s: %w", lid, pn, err)
	}
	return nil
}

// PhoneForLID returns the phone number of lid, or "" when unknown.
func (db *DB) PhoneForLID(ctx context.Context, lid bot.UserID) (bot.UserID, error) {
	var pn bot.UserID
	err := db.stmts.phoneForLID.QueryRowContext(ctx, lid).Scan(&pn)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("phone for %s: %w", lid, err)
	}
	return pn, nil
}

// LIDForPhone returns the LID of pn, or "" when unknown.
func (db *DB) LIDForPhone(ctx context.Context, pn bot.UserID) (bot.UserID, error) {
	var lid bot.UserID
	err := db.stmts.lidForPhone.QueryRowContext(ctx, pn).Scan(&lid)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("LID for %s: %w", pn, err)
	}
	return lid, nil
}
