package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"frontdesk/bot"
)

// Media: photos and documents kept by the SHA-256 of their bytes
// (fd_media), so the same file added twice is kept once and nothing about
// it depends on who refers to it. fd_media is the database's, not a
// business's: a business reaches a file only through a reference in its
// own configuration or outbox (which are its alone), two businesses
// keeping the same bytes keep them once, and pruning keeps whatever any
// business refers to.

// SaveMedia keeps m under its SHA-256; bytes already kept are kept once,
// as of now: a file kept again (a photo added back to a quick reply) is
// safe from pruning until the configuration that refers to it is saved.
// The key is checked against the bytes, so a reference always names what
// it says.
func (s *Store) SaveMedia(ctx context.Context, m bot.Media) error {
	sum := sha256.Sum256(m.Data)
	if hex.EncodeToString(sum[:]) != m.SHA256 || int64(len(m.Data)) != m.Size {
		return fmt.Errorf("keep media %s: the reference does not match the bytes", m.SHA256)
	}
	if err := bot.ValidMediaRef(m.MediaRef); err != nil {
		return fmt.Errorf("keep media %s: %w", m.SHA256, err)
	}
	_, err := s.db.sql.ExecContext(ctx, s.db.q(
		`INSERT INTO fd_media (sha256, mime, file_name, size, data, created) VALUES (?, ?, ?, ?, ?, ?)
		 ON CONFLICT (sha256) DO UPDATE SET created = `+s.db.pick(
			"max(fd_media.created, excluded.created)", "greatest(fd_media.created, excluded.created)")),
		m.SHA256, m.Mime, m.FileName, m.Size, m.Data, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("keep media %s: %w", m.SHA256, err)
	}
	return nil
}

// LoadMedia returns the media kept under key, or an error wrapping
// bot.ErrNoMedia.
func (s *Store) LoadMedia(ctx context.Context, key string) (bot.Media, error) {
	var m bot.Media
	err := s.db.sql.QueryRowContext(ctx, s.db.q(
		"SELECT sha256, mime, file_name, size, data FROM fd_media WHERE sha256 = ?"), key).
		Scan(&m.SHA256, &m.Mime, &m.FileName, &m.Size, &m.Data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return bot.Media{}, fmt.Errorf("load media %s: %w", key, bot.ErrNoMedia)
	case err != nil:
		return bot.Media{}, fmt.Errorf("load media %s: %w", key, err)
	}
	return m, nil
}

// HasMedia says whether media is kept under key, without reading it.
func (s *Store) HasMedia(ctx context.Context, key string) (bool, error) {
	var one int
	err := s.db.sql.QueryRowContext(ctx, s.db.q("SELECT 1 FROM fd_media WHERE sha256 = ?"), key).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("look for media %s: %w", key, err)
	}
	return true, nil
}

// PruneMedia deletes media kept before "before" that neither the saved
// configuration nor a waiting outgoing message of any business in the
// database names: the files are shared, so one business's housekeeping
// must not take a file another one still refers to.
func (s *Store) PruneMedia(ctx context.Context, before time.Time) (int, error) {
	if err := s.settle(ctx); err != nil {
		return 0, err
	}
	n, err := mustNanos("before", before)
	if err != nil {
		return 0, fmt.Errorf("prune media: %w", err)
	}
	res, err := s.db.sql.ExecContext(ctx, s.db.q(`
		DELETE FROM fd_media WHERE created < ?
		AND NOT EXISTS (SELECT 1 FROM fd_config WHERE instr(doc, fd_media.sha256) > 0)
		AND NOT EXISTS (SELECT 1 FROM fd_outbox
			WHERE status IN ('pending', 'sending') AND instr(attachment, fd_media.sha256) > 0)
		AND NOT EXISTS (SELECT 1 FROM fd_journal WHERE instr(entry, fd_media.sha256) > 0)`), n)
	if err != nil {
		return 0, fmt.Errorf("prune media: %w", err)
	}
	gone, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune media: %w", err)
	}
	return int(gone), nil
}

// encodeAttachment is an outgoing message's attachment as stored ("" for
// none).
func encodeAttachment(a *bot.Attachment) (string, error) {
	if a == nil {
		return "", nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("encode attachment: %w", err)
	}
	return string(b), nil
}

func decodeAttachment(s string) (*bot.Attachment, error) {
	if s == "" {
		return nil, nil
	}
	var a bot.Attachment
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return nil, fmt.Errorf("decode attachment: %w", err)
	}
	return &a, nil
}
