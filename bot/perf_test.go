package bot_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
// (default 5), each round running every benchmark once, interleaved.

// floorBench is the bare transaction: BEGIN IMMEDIATE, INSERT OR IGNORE
// of one row into a small table, COMMIT.
func floorBench(tb testing.TB) func(*testing.B) {
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
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tx, err := db.SQL().BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO floor (k, v) VALUES (?, ?)", i%1000, "x"); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
}

// messageBench is one customer message through bot.HandleMessage and the
// Tick that sends its reply (classify, decide, record, send handed off to
// a no-op Messenger), from customers among population ones known before
// (each with history: a message recorded, a reply sent, a keyword send).
func messageBench(tb testing.TB, population int) func(*testing.B) {
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
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.now = h.now.Add(4 * time.Second) // 15 a minute: under the pace limit
			m := bot.Message{ID: fmt.Sprint("M", i), Chat: chat(i * 7919 % customers),
				Kind: bot.FromCustomer, Text: "Buongiorno, qual è il prezzo?", PushName: "Mario", Sent: h.now}
			if err := h.b.HandleMessage(ctx, m); err != nil {
				b.Fatal(err)
			}
			if err := h.b.Tick(ctx); err != nil {
				b.Fatal(err)
			}
			if i%256 == 0 {
				h.wa.Take()
			}
			i++
		}
	}
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

// TestPerfRatios runs the per-message benchmarks interleaved with their
// floor and prints each ratio's min/median/max. It runs only with
// FRONTDESK_BENCH=1 (it takes a minute or two).
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
	benches := []struct {
		name string
		fn   func(*testing.B)
	}{
		{"bare-txn", floorBench(t)},
		{"message", messageBench(t, 0)},
		{"message-1k", messageBench(t, 1000)},
		{"message-100k", messageBench(t, 100000)},
	}
	ns := map[string][]float64{}
	allocs := map[string][]float64{}
	for r := range rounds {
		for _, bn := range benches {
			res := testing.Benchmark(bn.fn)
			if res.N == 0 {
				t.Fatalf("%s failed", bn.name)
			}
			ns[bn.name] = append(ns[bn.name], float64(res.NsPerOp()))
			allocs[bn.name] = append(allocs[bn.name], float64(res.AllocsPerOp()))
			t.Logf("round %d %-13s %8.1f µs/op %6d allocs/op %7d B/op", r+1, bn.name,
				float64(res.NsPerOp())/1e3, res.AllocsPerOp(), res.AllocedBytesPerOp())
		}
	}
	for _, bn := range benches {
		fmt.Printf("time %s µs: %s\n", bn.name, spread(ns[bn.name], 1e-3))
	}
	for _, p := range [][2]string{
		{"message", "bare-txn"},
		{"message-1k", "bare-txn"},
		{"message-100k", "bare-txn"},
		{"message-100k", "message-1k"},
	} {
		ratios := make([]float64, rounds)
		for r := range rounds {
			ratios[r] = ns[p[0]][r] / ns[p[1]][r]
		}
		fmt.Printf("ratio %s/%s: %s\n", p[0], p[1], spread(ratios, 1))
	}
	fmt.Printf("allocs message: %s\n", spread(allocs["message"], 1))
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
