package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/storage"
)

// The per-message cost is measured against a floor taken in the same run:
// one bare transaction on the same driver, DSN and settings (storage.Open),
// inserting one row into a small table. Benchmark numbers on a shared
// machine are noisy; ratios measured side by side are not (much).
//
//	FRONTDESK_BENCH=1 go test -run TestPerfRatios -v ./bot/
//
// prints "ratio <name>: min/median/max" over FRONTDESK_BENCH_ROUNDS rounds
// (default 5), each round running every step kind once, interleaved.

// floorStep is the bare transaction: BEGIN IMMEDIATE, INSERT OR IGNORE
// of one row into a small table, COMMIT. With fresh false the keys repeat
// every 1000 transactions, so from then on the insert is ignored and the
// commit writes nothing (the floor as first defined); with fresh true each
// transaction inserts a new row, one page written, like a message's.
func floorStep(tb testing.TB, fresh bool) func() {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(tb.TempDir(), "floor.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.SQL().ExecContext(ctx, "CREATE TABLE floor (k INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		tb.Fatal(err)
	}
	i := 0
	return func() {
		k := i % 1000
		if fresh {
			k = i
		}
		tx, err := db.SQL().BeginTx(ctx, nil)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO floor (k, v) VALUES (?, ?)", k, "x"); err != nil {
			tb.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
		i++
	}
}

// journalStep is the least this design writes for a message before its
// ack, with nothing around it: one autocommit insert of the message's key
// and its record (a JSON bot.Inbound of the size a customer message with
// a reply has) into a table shaped as the store's journal, a unique index
// on the key, and every 256th message (a full batch) the rows deleted in one
// transaction, as the write-out does. No decision, no duplicate check
// against written-out messages, none of the rows written out.
func journalStep(tb testing.TB) func() {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(tb.TempDir(), "journal.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	for _, q := range []string{
		"CREATE TABLE j (seq INTEGER PRIMARY KEY, business INTEGER NOT NULL, party TEXT NOT NULL, msg_id TEXT NOT NULL, entry TEXT NOT NULL)",
		"CREATE UNIQUE INDEX j_message ON j (business, party, msg_id)",
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			tb.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	entry, err := json.Marshal(bot.Inbound{Chat: "+393330000001", ID: "3EB0C431D2A5B5E0F1A2", Kind: bot.FromCustomer,
		Customer: "+393330000001", Name: "Mario", Sent: now, Received: now, TouchCustomer: true,
		Rules: []string{"keyword"}, KeywordsSent: []int{1}, Question: "buongiorno qual e il prezzo",
		Reply: &bot.Outgoing{Chat: "+393330000001", Customer: "+393330000001", Text: "Prices: https://example.com/prices",
			Rules: []string{"keyword"}, Created: now, Status: "sending", MsgID: "3EB0A1B2C3D4E5F60718"}})
	if err != nil {
		tb.Fatal(err)
	}
	insert, err := db.SQL().PrepareContext(ctx, "INSERT INTO j (business, party, msg_id, entry) VALUES (1, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { insert.Close() })
	i := 0
	return func() {
		var seq int64
		if err := insert.QueryRowContext(ctx, strconv.Itoa(393330000000+i%500), fmt.Sprint("M", i), entry).Scan(&seq); err != nil {
			tb.Fatal(err)
		}
		i++
		if i%256 == 0 {
			tx, err := db.SQL().BeginTx(ctx, nil)
			if err != nil {
				tb.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM j WHERE business = 1"); err != nil {
				tb.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// messageStep is one customer message through bot.HandleMessage and the
// Tick that sends its reply (classify, decide, record, send handed off to
// a no-op Messenger), from customers among population ones known before
// (each with history: a message recorded, a reply sent, a keyword send).
// settle writes out what the store keeps in memory (the measured rounds
// end with it, so its cost is counted).
func messageStep(tb testing.TB, population int) (step, settle func()) {
	h := newHarness(tb, func(c *bot.Config) {
		c.Greeting = bot.GreetingConfig{On: true, Text: "Welcome {name}!", When: bot.WhenAlways, AfterDays: 14}
		c.Keywords = []bot.Keyword{{ID: 1, Phrases: []string{"price", "prezzo"}, Text: "Prices: {website}"}}
	})
	ctx := context.Background()
	chat := func(i int) bot.UserID { return bot.PhoneID(strconv.Itoa(393330000000 + i)) }
	if population > 0 {
		populate(tb, h, population, chat)
	}
	customers := max(population, 500)
	i := 0
	step = func() {
		h.now = h.now.Add(4 * time.Second) // 15 a minute: under the pace limit
		m := bot.Message{ID: fmt.Sprint("M", i), Chat: chat(i * 7919 % customers),
			Kind: bot.FromCustomer, Text: "Buongiorno, qual è il prezzo?", PushName: "Mario", Sent: h.now}
		if err := h.b.HandleMessage(ctx, m); err != nil {
			tb.Fatal(err)
		}
		if err := h.b.Tick(ctx); err != nil {
			tb.Fatal(err)
		}
		if i%256 == 0 {
			h.wa.Take()
		}
		i++
	}
	settle = func() {
		if err := h.db.Flush(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	return step, settle
}

// populate gives the database n customers with some history, written in
// one transaction (the per-message path is not what is measured here).
func populate(tb testing.TB, h *harness, n int, chat func(int) bot.UserID) {
	ctx := context.Background()
	tx, err := h.db.DB().SQL().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	at := h.now.Add(-30 * 24 * time.Hour).UnixNano()
	// A keyword send each: in the customer's row, or (schema before 0004,
	// so that this file measures main too) in fd_keyword_sends.
	customer := []string{`INSERT INTO fd_customers (id, name, known, last_inbound, keywords) VALUES (?1, 'Mario', 1, ?2, json_object('1', ?2))`}
	var old int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'fd_keyword_sends'").Scan(&old); err != nil {
		tb.Fatal(err)
	}
	if old > 0 {
		customer = []string{`INSERT INTO fd_customers (id, name, known, last_inbound) VALUES (?1, 'Mario', 1, ?2)`,
			`INSERT INTO fd_keyword_sends (customer, keyword_id, sent_at) VALUES (?1, 1, ?2)`}
	}
	rows := []string{
		`INSERT INTO fd_inbound (party, msg_id, chat, kind, customer, received, rules) VALUES (?1, 'OLD', ?1, 'customer', ?1, ?2, '["keyword"]')`,
		`INSERT INTO fd_outbox (id, chat, customer, text, rules, created, status, sent_at, msg_id) VALUES (-?2, ?1, ?1, 'Prices', '["keyword"]', ?2, 'sent', ?2, 'OUT' || ?1)`,
		`INSERT INTO fd_questions (text, customer, at) VALUES ('qual e il prezzo', ?1, ?2)`,
	}
	// From schema 0006 on, every row belongs to the business (?3).
	var businesses int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'fd_businesses'").Scan(&businesses); err != nil {
		tb.Fatal(err)
	}
	if businesses > 0 {
		customer = []string{`INSERT INTO fd_customers (business, id, name, known, last_inbound, keywords) VALUES (?3, ?1, 'Mario', 1, ?2, json_object('1', ?2))`}
		rows = []string{
			`INSERT INTO fd_inbound (business, party, msg_id, chat, kind, customer, received, rules) VALUES (?3, ?1, 'OLD', ?1, 'customer', ?1, ?2, '["keyword"]')`,
			`INSERT INTO fd_outbox (id, business, chat, customer, text, rules, created, status, sent_at, msg_id) VALUES (-?2, ?3, ?1, ?1, 'Prices', '["keyword"]', ?2, 'sent', ?2, 'OUT' || ?1)`,
			`INSERT INTO fd_questions (business, text, customer, at) VALUES (?3, 'qual e il prezzo', ?1, ?2)`,
		}
	}
	for _, q := range append(customer, rows...) {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			tb.Fatal(err)
		}
		for i := range n {
			args := []any{chat(i), at + int64(i)}
			if businesses > 0 {
				args = append(args, h.db.ID())
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				tb.Fatal(err)
			}
		}
		st.Close()
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// TestPerfRatios runs the per-message steps interleaved with their
// floors and prints each ratio's min/median/max. It runs only with
// FRONTDESK_BENCH=1 (it takes a minute or two).
//
// Each round times a fixed number of steps of each kind, after a warm-up:
// wall time, and CPU time (user and system, every thread: the store's
// background write-out included), per step. A message round ends by
// writing out what the store still keeps in memory, inside the timing.
func TestPerfRatios(t *testing.T) {
	if os.Getenv("FRONTDESK_BENCH") == "" {
		t.Skip("set FRONTDESK_BENCH=1 to measure")
	}
	rounds := 5
	if s := os.Getenv("FRONTDESK_BENCH_ROUNDS"); s != "" {
		var err error
		if rounds, err = strconv.Atoi(s); err != nil || rounds < 1 {
			t.Fatalf("FRONTDESK_BENCH_ROUNDS=%q", s)
		}
	}
	type bench struct {
		name   string
		n      int
		step   func()
		settle func()
	}
	message := func(name string, population int) bench {
		step, settle := messageStep(t, population)
		return bench{name, 2000, step, settle}
	}
	benches := []bench{
		{"bare-txn", 20000, floorStep(t, false), nil},
		{"bare-write", 20000, floorStep(t, true), nil},
		{"bare-journal", 20000, journalStep(t), nil},
		message("message", 0),
		message("message-1k", 1000),
		message("message-100k", 100000),
	}
	wall := map[string][]float64{}
	cpu := map[string][]float64{}
	allocs := map[string][]float64{}
	for r := range rounds {
		for _, bn := range benches {
			for range bn.n / 10 { // warm-up
				bn.step()
			}
			if bn.settle != nil {
				bn.settle()
			}
			runtime.GC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			c0 := cpuTime(t)
			t0 := time.Now()
			for range bn.n {
				bn.step()
			}
			if bn.settle != nil {
				bn.settle()
			}
			w := time.Since(t0)
			c := cpuTime(t) - c0
			runtime.ReadMemStats(&m1)
			per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(bn.n) / 1e3 }
			wall[bn.name] = append(wall[bn.name], per(w))
			cpu[bn.name] = append(cpu[bn.name], per(c))
			allocs[bn.name] = append(allocs[bn.name], float64(m1.Mallocs-m0.Mallocs)/float64(bn.n))
			t.Logf("round %d %-13s %8.1f µs wall %8.1f µs CPU %6.0f allocs per step", r+1, bn.name,
				per(w), per(c), float64(m1.Mallocs-m0.Mallocs)/float64(bn.n))
		}
	}
	for _, bn := range benches {
		fmt.Printf("time %s µs: %s (CPU %s)\n", bn.name, spread(wall[bn.name], 1), spread(cpu[bn.name], 1))
	}
	ratio := func(kind string, of map[string][]float64, a, b string) {
		ratios := make([]float64, rounds)
		for r := range rounds {
			ratios[r] = of[a][r] / of[b][r]
		}
		fmt.Printf("ratio %s%s/%s: %s\n", kind, a, b, spread(ratios, 1))
	}
	ratio("", wall, "bare-write", "bare-txn")
	ratio("", wall, "bare-journal", "bare-txn")
	for _, floor := range []string{"bare-txn", "bare-write", "bare-journal"} {
		for _, m := range []string{"message", "message-1k", "message-100k"} {
			ratio("", wall, m, floor)
		}
	}
	ratio("", wall, "message-100k", "message-1k")
	for _, m := range []string{"message", "message-100k"} {
		ratio("cpu ", cpu, m, "bare-write")
	}
	fmt.Printf("allocs message: %s\n", spread(allocs["message"], 1))
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// spread is min/median/max of xs scaled by k.
func spread(xs []float64, k float64) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	f := func(x float64) string {
		if x*k >= 100 {
			return strconv.FormatFloat(x*k, 'f', 0, 64)
		}
		return strconv.FormatFloat(x*k, 'f', 2, 64)
	}
	return f(s[0]) + "/" + f(s[len(s)/2]) + "/" + f(s[len(s)-1])
}
