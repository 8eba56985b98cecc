package storage

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/store/sqlstore"
	waLog "go.mau.fi/whatsmeow/util/log"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp"
)

// testNumber is the business the tests open.
const testNumber = "15550100"

// openTemp opens a fresh database in the test's temporary directory, and
// its business testNumber; closing the Store closes the database.
func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	db, err := OpenStore(t.Context(), path, testNumber)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db, path
}

func TestStoreContract(t *testing.T) {
	eachDialect(t, func(t *testing.T, fresh func(testing.TB) string) {
		porttest.RunStore(t, func(t *testing.T) bot.Store { return openAt(t, fresh(t)) })
	})
}

func TestFileMode(t *testing.T) {
	tests := []struct {
		name   string
		before os.FileMode // 0: the file does not exist yet
	}{
		{"new file", 0},
		{"world readable file is tightened", 0o644},
		{"group writable file is tightened", 0o660},
		{"already private", 0o600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "frontdesk.db")
			if tc.before != 0 {
				if err := os.WriteFile(path, nil, tc.before); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tc.before); err != nil { // past the umask
					t.Fatal(err)
				}
			}
			db, err := OpenStore(t.Context(), path, testNumber)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer db.Close()
			// Write something so that the WAL exists too.
			if err := db.SetOwnerActive(t.Context(), time.Now()); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{path, path + "-wal"} {
				st, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("%s mode = %v, want 0600", filepath.Base(p), st.Mode().Perm())
				}
			}
		})
	}
}

// TestRestoredCompanionFilesTightened: -wal and -shm files restored from a
// backup with a looser mode are narrowed to 0600 when the database opens.
func TestRestoredCompanionFilesTightened(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	db, err := OpenStore(t.Context(), path, testNumber)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetOwnerActive(t.Context(), time.Now()); err != nil {
		t.Fatal(err)
	}
	// A backup copied while it ran: the WAL holds the last write.
	backup := map[string][]byte{}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		backup[suffix] = b
	}
	db.Close()
	for suffix, b := range backup {
		os.Remove(path + suffix)
		if err := os.WriteFile(path+suffix, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path+suffix, 0o644); err != nil { // past the umask
			t.Fatal(err)
		}
	}
	db, err = OpenStore(t.Context(), path, testNumber)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		st, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", suffix, st.Mode().Perm())
		}
	}
}

// TestReadPool: the read-only pool the statistics read on (readTx)
// refuses writes, leaves the database and its -wal and -shm files at mode
// 0600, and closes before the read-write pool, whose last connection
// checkpoints the WAL and removes both files.
func TestReadPool(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	s, err := OpenStore(ctx, path, testNumber)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetOwnerActive(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := s.Activity(ctx, bot.ActivityQuery{Since: now.Add(-time.Hour), Until: now, MinQuestions: 1}); err != nil {
		t.Fatal(err)
	}
	tx, err := s.db.readTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM fd_businesses").Scan(&n); err != nil || n != 1 {
		t.Errorf("read in the read-only transaction: %d businesses, %v; want 1", n, err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE fd_businesses SET created = 1"); err == nil {
		t.Error("the read-only transaction wrote")
	}
	tx.Rollback()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		st, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", filepath.Base(path+suffix), st.Mode().Perm())
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after Close, %s: %v; want it removed", suffix, err)
		}
	}
}

func TestOpenRefusesBadPaths(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"empty", ""},
		{"a directory", dir},
		{"missing parent directory", filepath.Join(dir, "nope", "frontdesk.db")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(t.Context(), tc.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q): no error", tc.path)
			}
		})
	}
}

func TestOpenOddPath(t *testing.T) {
	// Characters that mean something in a file: URI must stay part of the name.
	path := filepath.Join(t.TempDir(), "my shop #1 ?100%.db")
	db, err := OpenStore(t.Context(), path, testNumber)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := db.SetOwnerActive(t.Context(), time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), filepath.Base(path)) {
			t.Errorf("unexpected file %q next to %q", e.Name(), filepath.Base(path))
		}
	}
}

func TestForeignKeysOn(t *testing.T) {
	db, _ := openTemp(t)
	defer db.Close()
	var on bool
	if err := db.db.SQL().QueryRowContext(t.Context(), "PRAGMA foreign_keys").Scan(&on); err != nil || !on {
		t.Errorf("foreign_keys = %v (%v), want on", on, err)
	}
	var mode string
	if err := db.db.SQL().QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
}

func TestReopenKeepsData(t *testing.T) { eachDialect(t, testReopenKeepsData) }

func testReopenKeepsData(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	path := fresh(t)
	db := openAt(t, path)
	at := time.Date(2025, 6, 1, 10, 0, 0, 123456789, time.FixedZone("PDT", -7*3600))
	cfg := bot.DefaultConfig()
	cfg.TimeZone = "America/Los_Angeles"
	if err := db.SaveConfig(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	in := bot.Inbound{Chat: "15551234567", ID: "M1", Kind: bot.FromCustomer, Customer: "15551234567", Name: "Sam",
		Received: at, TouchCustomer: true, Reply: &bot.Outgoing{Text: "hi"}}
	if err := db.RecordInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	for i := range 2 { // migrations are idempotent: reopening twice is fine
		db, err := OpenStore(ctx, path, testNumber)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		got, ok, err := db.LoadConfig(ctx)
		if err != nil || !ok || got.TimeZone != cfg.TimeZone {
			t.Errorf("reopen %d: config = %+v, %v, %v", i, got, ok, err)
		}
		c, err := db.Customer(ctx, "15551234567")
		if err != nil || c.Name != "Sam" || !c.LastInbound.Equal(at) {
			t.Errorf("reopen %d: customer = %+v, %v", i, c, err)
		}
		if err := db.RecordInbound(ctx, in); !errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("reopen %d: message recorded before reopening: %v, want ErrDuplicate", i, err)
		}
		out, err := db.PendingOutgoing(ctx, 10)
		if err != nil || len(out) != 1 || out[0].Chat != in.Chat || out[0].Customer != in.Customer || !out[0].Created.Equal(at) {
			t.Errorf("reopen %d: outbox = %+v, %v", i, out, err)
		}
		if v := schemaVersion(t, db.db.SQL()); v != SchemaVersion() {
			t.Errorf("reopen %d: schema version %d, want %d", i, v, SchemaVersion())
		}
		db.Close()
	}
}

func schemaVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("SELECT version FROM fd_schema").Scan(&v); err != nil {
		t.Fatalf("read schema version: %v", err)
	}
	return v
}

func TestNewerSchemaRefused(t *testing.T) { eachDialect(t, testNewerSchemaRefused) }

func testNewerSchemaRefused(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	path := fresh(t)
	db := openAt(t, path)
	if _, err := db.db.SQL().ExecContext(ctx, "UPDATE fd_schema SET version = version + 1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err := OpenStore(ctx, path, testNumber)
	if err == nil {
		db.Close()
		t.Fatal("Open of a database from a newer frontdesk: no error")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("error %q does not say the database is newer", err)
	}
}

func TestMigrationsNumbered(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || SchemaVersion() != len(ms) {
		t.Errorf("%d migrations, SchemaVersion %d", len(ms), SchemaVersion())
	}
}

// TestWhatsmeowSameFile checks that whatsmeow's session tables and ours
// share one file, whichever is created first.
func TestWhatsmeowSameFile(t *testing.T) {
	upgradeWhatsmeow := func(t *testing.T, db *sql.DB) {
		t.Helper()
		c := sqlstore.NewWithDB(db, "sqlite3", waLog.Noop)
		if err := c.Upgrade(t.Context()); err != nil {
			t.Fatalf("whatsmeow Upgrade: %v", err)
		}
		dev := c.NewDevice()
		if dev == nil {
			t.Fatal("whatsmeow NewDevice: nil")
		}
		if _, err := c.GetAllDevices(t.Context()); err != nil {
			t.Fatalf("whatsmeow GetAllDevices: %v", err)
		}
	}
	useOurs := func(t *testing.T, db *Store) {
		t.Helper()
		in := bot.Inbound{Chat: "15551234567", ID: "M1", Customer: "15551234567", Received: time.Now(), TouchCustomer: true}
		if err := db.RecordInbound(t.Context(), in); err != nil && !errors.Is(err, bot.ErrDuplicate) {
			t.Fatalf("RecordInbound: %v", err)
		}
	}
	t.Run("ours first", func(t *testing.T) {
		db, path := openTemp(t)
		useOurs(t, db)
		upgradeWhatsmeow(t, db.db.SQL())
		db.Close()
		db, err := OpenStore(t.Context(), path, testNumber)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer db.Close()
		upgradeWhatsmeow(t, db.db.SQL())
		useOurs(t, db)
	})
	t.Run("whatsmeow first", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "frontdesk.db")
		raw, err := sql.Open("sqlite3", sqliteDSN(path))
		if err != nil {
			t.Fatal(err)
		}
		upgradeWhatsmeow(t, raw)
		raw.Close()
		db, err := OpenStore(t.Context(), path, testNumber)
		if err != nil {
			t.Fatalf("Open over whatsmeow's tables: %v", err)
		}
		defer db.Close()
		useOurs(t, db)
		upgradeWhatsmeow(t, db.db.SQL())
	})
}

// TestWhatsmeowSamePostgres: whatsmeow's session tables live in the same
// PostgreSQL schema as ours, through the same handle, even when another
// schema of the database holds whatsmeow's tables already (another
// frontdesk on the same server).
func TestWhatsmeowSamePostgres(t *testing.T) {
	for range 2 { // the other frontdesk, then ours
		db, err := Open(t.Context(), postgresDSN(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := sqlstore.NewWithDB(db.SQL(), db.Dialect(), waLog.Noop).Upgrade(t.Context()); err != nil {
			t.Fatalf("whatsmeow Upgrade: %v", err)
		}
	}
	db, err := Open(t.Context(), postgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Dialect() != Postgres {
		t.Fatalf("Dialect = %q", db.Dialect())
	}
	// As run opens it (whatsapp.OpenStore, which also copes with another
	// schema's whatsmeow tables in the same database).
	c, err := whatsapp.OpenStore(t.Context(), db.SQL(), db.Dialect(), nil)
	if err != nil {
		t.Fatalf("whatsmeow Upgrade: %v", err)
	}
	if _, err := c.GetAllDevices(t.Context()); err != nil {
		t.Fatalf("whatsmeow GetAllDevices: %v", err)
	}
	s, err := db.Business(t.Context(), testNumber)
	if err != nil {
		t.Fatal(err)
	}
	in := bot.Inbound{Chat: "15551234567", ID: "M1", Customer: "15551234567", Received: time.Now(), TouchCustomer: true}
	if err := s.RecordInbound(t.Context(), in); err != nil {
		t.Fatalf("RecordInbound: %v", err)
	}
	var tables int
	if err := db.SQL().QueryRowContext(t.Context(),
		"SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'whatsmeow%'").Scan(&tables); err != nil || tables == 0 {
		t.Errorf("whatsmeow tables in our schema: %d, %v", tables, err)
	}
}

// TestTimesRoundTrip stores instants in zones other than UTC, to the
// nanosecond, and checks they come back as the same instant.
func TestTimesRoundTrip(t *testing.T) { eachDialect(t, testTimesRoundTrip) }

func testTimesRoundTrip(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	db := openAt(t, fresh(t))
	defer db.Close()
	tokyo := time.FixedZone("JST", 9*3600)
	tests := []struct {
		name string
		at   time.Time
	}{
		{"nanoseconds east", time.Date(2025, 12, 31, 23, 59, 59, 999999999, tokyo)},
		{"west of UTC", time.Date(2024, 2, 29, 1, 2, 3, 4, time.FixedZone("", -3*3600-1800))},
		{"before 1970", time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC)},
		{"local", time.Now()},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := bot.UserID("3900000000" + string(rune('0'+i)))
			in := bot.Inbound{Chat: id, ID: "M", Customer: id, Received: tc.at, Sent: tc.at, TouchCustomer: true,
				AwayPeriod: tc.at, OwnerActive: true, KeywordsSent: []int{4}}
			if err := db.RecordInbound(ctx, in); err != nil {
				t.Fatal(err)
			}
			c, err := db.Customer(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for what, got := range map[string]time.Time{"LastInbound": c.LastInbound, "AwayPeriod": c.AwayPeriod, "KeywordSent": c.KeywordSent[4]} {
				if !got.Equal(tc.at) {
					t.Errorf("%s = %v, want %v", what, got, tc.at)
				}
			}
			owner, err := db.OwnerActive(ctx)
			if err != nil || !owner.Equal(tc.at) {
				t.Errorf("OwnerActive = %v (%v), want %v", owner, err, tc.at)
			}
		})
	}
}

func TestBadInputChangesNothing(t *testing.T) { eachDialect(t, testBadInputChangesNothing) }

func testBadInputChangesNothing(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	db := openAt(t, fresh(t))
	defer db.Close()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tooLate := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		do   func() error
	}{
		{"inbound without chat", func() error {
			return db.RecordInbound(ctx, bot.Inbound{ID: "X", Received: now})
		}},
		{"inbound without id", func() error {
			return db.RecordInbound(ctx, bot.Inbound{Chat: "391", Received: now})
		}},
		{"inbound without received time", func() error {
			return db.RecordInbound(ctx, bot.Inbound{Chat: "391", ID: "X"})
		}},
		{"reply without text", func() error {
			return db.RecordInbound(ctx, bot.Inbound{Chat: "391", ID: "X", Received: now, Reply: &bot.Outgoing{}})
		}},
		{"time out of range", func() error {
			return db.RecordInbound(ctx, bot.Inbound{Chat: "391", ID: "X", Received: now, AwayPeriod: tooLate})
		}},
		{"link with swapped ids", func() error { return db.LinkIdentity(ctx, "391", "lid:1") }},
		{"link with empty lid", func() error { return db.LinkIdentity(ctx, "lid:", "391") }},
		{"kill switch until year 2300", func() error {
			_, err := db.SaveKillSwitch(ctx, bot.KillSwitch{Off: true, Until: tooLate}, nil)
			return err
		}},
		{"mark known empty id", func() error { return db.MarkKnown(ctx, []bot.UserID{"391", ""}, now) }},
		{"shortcut use without name", func() error { return db.RecordShortcutUse(ctx, "", true, now) }},
		{"mark sent at zero time", func() error { return db.MarkSent(ctx, 1, "W", time.Time{}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.do(); err == nil {
				t.Error("no error")
			}
			if n := countRows(t, db); n != 0 {
				t.Errorf("%d rows written", n)
			}
			k, err := db.LoadKillSwitch(ctx)
			if err != nil || k.Off {
				t.Errorf("kill switch = %+v, %v", k, err)
			}
		})
	}
}

// countRows counts the rows of every table that starts empty.
func countRows(t *testing.T, db *Store) int {
	t.Helper()
	total := 0
	for _, table := range []string{"fd_config", "fd_identities", "fd_customers",
		"fd_inbound", "fd_outbox", "fd_shortcut_uses", "fd_questions"} {
		var n int
		if err := db.db.SQL().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		total += n
	}
	return total
}

func TestInboundRowForStats(t *testing.T) {
	ctx := t.Context()
	db, _ := openTemp(t)
	defer db.Close()
	at := time.Date(2025, 5, 5, 18, 30, 0, 0, time.UTC)
	in := bot.Inbound{Chat: "lid:77", ID: "M1", Kind: bot.FromCustomer, Customer: "3977", Received: at, Sent: at.Add(-time.Second),
		Rules: []string{"greeting", "away"}, Question: "quanto costa"}
	if err := db.RecordInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var kind, customer, rules string
	var received int64
	if err := db.db.SQL().QueryRowContext(ctx, "SELECT kind, customer, received, rules FROM fd_inbound WHERE chat = ? AND msg_id = ?", in.Chat, in.ID).
		Scan(&kind, &customer, &received, &rules); err != nil {
		t.Fatal(err)
	}
	if kind != "customer" || customer != "3977" || received != at.UnixNano() || rules != `["greeting","away"]` {
		t.Errorf("inbound row = %q %q %d %q", kind, customer, received, rules)
	}
	// Rules can be taken apart in SQL.
	var n int
	if err := db.db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM fd_inbound, json_each(fd_inbound.rules) WHERE json_each.value = 'away'").Scan(&n); err != nil || n != 1 {
		t.Errorf("json_each on rules: %d, %v", n, err)
	}
	var q, qc string
	if err := db.db.SQL().QueryRowContext(ctx, "SELECT text, customer FROM fd_questions").Scan(&q, &qc); err != nil || q != "quanto costa" || qc != "3977" {
		t.Errorf("question row = %q %q %v", q, qc, err)
	}
}

func TestRetain(t *testing.T) { eachDialect(t, testRetain) }

func testRetain(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	db := openAt(t, fresh(t))
	defer db.Close()
	now := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	old, recent := now.AddDate(0, 0, -91), now.AddDate(0, 0, -89)
	for _, m := range []struct {
		id string
		at time.Time
	}{{"old", old}, {"recent", recent}} {
		in := bot.Inbound{Chat: "391", ID: m.id, Kind: bot.FromCustomer, Customer: "391", Received: m.at,
			Question: "q " + m.id, Reply: &bot.Outgoing{Text: m.id}}
		if err := db.RecordInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	// The old reply was sent; the recent one is still pending.
	out, _ := db.PendingOutgoing(ctx, 10)
	if err := db.MarkSent(ctx, out[0].ID, "W", old); err != nil {
		t.Fatal(err)
	}
	// An old message still waiting is never dropped by retention.
	if err := db.RecordInbound(ctx, bot.Inbound{Chat: "392", ID: "x", Received: old, Reply: &bot.Outgoing{Text: "waiting"}}); err != nil {
		t.Fatal(err)
	}

	if err := db.Retain(ctx, now.AddDate(0, 0, -90)); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := db.db.SQL().QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		query string
		want  int
	}{
		{"SELECT count(*) FROM fd_inbound WHERE msg_id = 'old' OR msg_id = 'x'", 0},
		{"SELECT count(*) FROM fd_inbound WHERE msg_id = 'recent'", 1},
		{"SELECT count(*) FROM fd_questions WHERE text = 'q old'", 0},
		{"SELECT count(*) FROM fd_questions WHERE text = 'q recent'", 1},
		{"SELECT count(*) FROM fd_outbox WHERE text = 'old'", 0},
		{"SELECT count(*) FROM fd_outbox WHERE text IN ('recent', 'waiting')", 2},
	}
	for _, tc := range tests {
		if got := count(tc.query); got != tc.want {
			t.Errorf("%s = %d, want %d", tc.query, got, tc.want)
		}
	}
}

func TestForgetCountsEveryRow(t *testing.T) { eachDialect(t, testForgetCountsEveryRow) }

func testForgetCountsEveryRow(t *testing.T, fresh func(testing.TB) string) {
	ctx := t.Context()
	db := openAt(t, fresh(t))
	defer db.Close()
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	if err := db.LinkIdentity(ctx, "lid:5", "395"); err != nil {
		t.Fatal(err)
	}
	in := bot.Inbound{Chat: "lid:5", ID: "M1", Kind: bot.FromCustomer, Customer: "395", Received: at, TouchCustomer: true,
		KeywordsSent: []int{1, 2}, Question: "q", Reply: &bot.Outgoing{Text: "r"}}
	if err := db.RecordInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	// identity 1 + inbound 1 + customer 1 (its keyword sends with it) + outbox 1 + question 1
	// Only the phone number is given: the LID is found through the link.
	n, err := db.Forget(ctx, []bot.UserID{"395"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("Forget = %d rows, want 5", n)
	}
	if rows := countRows(t, db); rows != 0 {
		t.Errorf("%d rows left", rows)
	}
}

func TestConcurrentRecordInbound(t *testing.T) { eachDialect(t, testConcurrentRecordInbound) }

func testConcurrentRecordInbound(t *testing.T, fresh func(testing.TB) string) {
	ctx := context.Background()
	db := openAt(t, fresh(t))
	defer db.Close()
	at := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	const workers, each = 8, 20
	errs := make(chan error, workers)
	dups := make(chan int, workers)
	for w := range workers {
		go func() {
			d := 0
			for i := range each {
				// Every worker records the same messages: each is recorded once.
				in := bot.Inbound{Chat: "391", ID: "M" + string(rune('a'+i)), Customer: "391", Received: at.Add(time.Duration(w)),
					TouchCustomer: true, Reply: &bot.Outgoing{Text: "r"}}
				err := db.RecordInbound(ctx, in)
				if errors.Is(err, bot.ErrDuplicate) {
					d++
				} else if err != nil {
					errs <- err
					return
				}
			}
			dups <- d
		}()
	}
	total := 0
	for range workers {
		select {
		case err := <-errs:
			t.Fatal(err)
		case d := <-dups:
			total += d
		}
	}
	if total != (workers-1)*each {
		t.Errorf("%d duplicates, want %d", total, (workers-1)*each)
	}
	out, err := db.PendingOutgoing(ctx, 1000)
	if err != nil || len(out) != each {
		t.Errorf("%d replies queued (%v), want %d", len(out), err, each)
	}
}

// TestHotPathUsesIndexes keeps the per-message and per-send queries off
// full-table scans: their cost must not grow with the history. The one
// exception is the turn-taking order of the outbox, which sorts the
// waiting messages (bounded by MaxQueuedPerCustomer per customer and the
// 6-hour horizon), found through an index on status.
func TestHotPathUsesIndexes(t *testing.T) {
	db, _ := openTemp(t)
	defer db.Close()
	queries := []string{recentSentQuery, sentSinceQuery}
	for _, q := range db.db.stmts.list(db.db) {
		if q.sql != pendingQuery {
			queries = append(queries, q.sql)
		}
	}
	plan := func(q string) []string {
		rows, err := db.db.SQL().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, make([]any, params(q))...)
		if err != nil {
			t.Fatalf("explain %s: %v", q, err)
		}
		defer rows.Close()
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, detail)
		}
		return steps
	}
	if steps := plan(pendingQuery); !slices.ContainsFunc(steps, func(s string) bool {
		return strings.HasPrefix(s, "SEARCH fd_outbox USING INDEX ") && strings.HasSuffix(s, "(business=? AND status=?)")
	}) {
		t.Errorf("the outbox's waiting messages are not found through a status index: %q", steps)
	}
	for _, q := range queries {
		rows, err := db.db.SQL().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, make([]any, params(q))...)
		if err != nil {
			t.Fatalf("explain %s: %v", q, err)
		}
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			if (strings.HasPrefix(detail, "SCAN ") && detail != "SCAN CONSTANT ROW" && detail != "SCAN q") ||
				strings.Contains(detail, "TEMP B-TREE") {
				t.Errorf("%s\n  plan step %q reads more than it needs", q, detail)
			}
		}
		rows.Close()
	}
}

// params counts q's parameters: plain ? each, ?N up to the highest N.
func params(q string) int {
	plain, numbered := 0, 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			continue
		}
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		if j == i+1 {
			plain++
		} else if n, _ := strconv.Atoi(q[i+1 : j]); n > numbered {
			numbered = n
		}
	}
	return plain + numbered
}

// TestFailedMigrationChangesNothing: a migration that fails half-way leaves
// neither its first statements nor a new version behind.
func TestFailedMigrationChangesNothing(t *testing.T) {
	ctx := t.Context()
	raw, err := sql.Open("sqlite3", sqliteDSN(filepath.Join(t.TempDir(), "m.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ms := []migration{
		{version: 1, name: "0001_a.sql", sql: "CREATE TABLE fd_a (x INTEGER);"},
		{version: 2, name: "0002_b.sql", sql: "CREATE TABLE fd_b (x INTEGER); INSERT INTO nowhere VALUES (1);"},
	}
	err = applyMigrations(ctx, raw, SQLite, ms)
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("applyMigrations = %v, want an error naming 0002_b.sql", err)
	}
	if v := schemaVersion(t, raw); v != 1 {
		t.Errorf("version after failed migration = %d, want 1", v)
	}
	var n int
	if err := raw.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'fd_b'").Scan(&n); err != nil || n != 0 {
		t.Errorf("fd_b exists after its migration failed (%d, %v)", n, err)
	}
	// Fixed, it applies on the next start.
	ms[1].sql = "CREATE TABLE fd_b (x INTEGER);"
	if err := applyMigrations(ctx, raw, SQLite, ms); err != nil {
		t.Fatal(err)
	}
	if v := schemaVersion(t, raw); v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
}
