package storage

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"frontdesk/bot"
)

// TestMigrationPerfKeepsData opens a database at schema version 3 with a
// customer's keyword sends and a waiting, a claimed and a sent reply: after
// 0005_perf the keyword sends are the customer's, the outbox keeps its rows and
// their order, and new replies come after them.
func TestMigrationPerfKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v3.db")
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	sqliteAtVersion(t, path, 3, at,
		`INSERT INTO fd_customers (id, name, last_inbound) VALUES ('391', 'Ada', ?1)`,
		`INSERT INTO fd_keyword_sends (customer, keyword_id, sent_at) VALUES ('391', 1, ?1), ('391', 7, ?1 + 1), ('392', 2, ?1)`,
		`INSERT INTO fd_outbox (id, chat, customer, text, created, status, msg_id) VALUES
			(5, '391', '391', 'sent', ?1, 'sent', 'O5'), (8, '391', '391', 'waiting', ?1, 'pending', 'O8'),
			(9, '392', '392', 'claimed', ?1, 'sending', 'O9')`,
	)

	db, err := OpenStore(ctx, path, testNumber)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Customer(ctx, "391")
	if err != nil || c.Name != "Ada" || len(c.KeywordSent) != 2 || !c.KeywordSent[1].Equal(at) || !c.KeywordSent[7].Equal(at.Add(1)) {
		t.Errorf("Customer 391 = %+v, %v; want Ada with keywords 1 and 7", c, err)
	}
	if c, err := db.Customer(ctx, "392"); err != nil || !c.KeywordSent[2].Equal(at) {
		t.Errorf("Customer 392 = %+v, %v; want keyword 2 kept", c, err)
	}
	if r, err := db.ResumeInterrupted(ctx); err != nil || len(r) != 1 {
		t.Errorf("ResumeInterrupted = %+v, %v; want one", r, err)
	}
	in := bot.Inbound{Chat: "393", ID: "M1", Kind: bot.FromCustomer, Customer: "393", Received: at, TouchCustomer: true,
		Reply: &bot.Outgoing{Text: "new", MsgID: "O10"}}
	if err := db.RecordInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	if in.Reply.ID <= 9 {
		t.Errorf("new reply got id %d, want after 9", in.Reply.ID)
	}
	out, err := db.PendingOutgoing(ctx, 10)
	if err != nil || len(out) != 3 || out[0].MsgID != "O8" || out[1].MsgID != "O9" || out[2].MsgID != "O10" {
		t.Errorf("PendingOutgoing = %+v, %v; want O8, O9, O10", out, err)
	}
	var seq int
	if err := db.db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'fd_keyword_sends'").Scan(&seq); err != nil || seq != 0 {
		t.Errorf("fd_keyword_sends still there (%d, %v)", seq, err)
	}
}

// sqliteAtVersion makes the SQLite database path as the first version
// migrations made it, with rows: each statement gets at (Unix
// nanoseconds) as ?1.
func sqliteAtVersion(t *testing.T, path string, version int, at time.Time, rows ...string) {
	t.Helper()
	ctx := t.Context()
	raw, err := sql.Open("sqlite3", sqliteDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if err := applyMigrations(ctx, raw, SQLite, ms[:version]); err != nil {
		t.Fatal(err)
	}
	for _, q := range rows {
		if _, err := raw.ExecContext(ctx, q, at.UnixNano()); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
