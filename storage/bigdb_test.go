package storage

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"frontdesk/bot"
)

// The big database for the statistics measurements (docs/performance.md):
//
//	go test ./storage -run TestGenerate -args -generate=/tmp/big.db
//
// writes 100,000 customers and 1,000,000 inbound messages (900,000 from
// customers, 100,000 from the owner's phone) spread over the 90 days
// before BigDBNow, with their questions and automatic replies, through
// the real schema in bulk, then fills the rollups with the same SQL as
// migration 0004_stats. Without -generate the test is skipped.
var generate = flag.String("generate", "", "write the big statistics database to this path")

// BigDBNow is the moment the big database's 90 days end (a Monday, 12:00
// in Rome); commands' statistics benchmark sets its clock there.
var BigDBNow = time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC)

// BigDBNumber is the business the big database holds (commands' statistics
// benchmark runs as that number).
const BigDBNumber = "39021234567"

func TestGenerate(t *testing.T) {
	if *generate == "" {
		t.Skip("give -generate=/path/to/big.db to write the big database")
	}
	start := time.Now()
	if err := GenerateBig(context.Background(), *generate, 100_000, 900_000, 100_000); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s in %v", *generate, time.Since(start).Round(time.Millisecond))
}

// GenerateBig writes the big database at path (which must not hold one):
// customers customers, inbound customer messages and owner messages over
// the 90 days before BigDBNow.
func GenerateBig(ctx context.Context, path string, customers, inbound, owner int) error {
	db, err := OpenStore(ctx, path, BigDBNumber)
	if err != nil {
		return err
	}
	defer db.Close()
	b := db.id
	rng := rand.New(rand.NewPCG(1, 2))
	end := BigDBNow.UnixNano()
	begin := BigDBNow.Add(-90 * 24 * time.Hour).UnixNano()
	when := func() int64 { return begin + rng.Int64N(end-begin) }
	cust := func(i int) string { return fmt.Sprintf("39300%07d", i) }
	// 3,000 questions, a few asked very often, most rarely.
	question := func() string {
		k := int(float64(3000) * rng.Float64() * rng.Float64() * rng.Float64())
		var w []byte
		for n := k + 26; n > 0; n /= 26 {
			w = append(w, byte('a'+n%26))
		}
		return "come funziona il servizio " + string(w) + " #"
	}
	tx, err := db.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prep := func(q string) func(args ...any) error {
		st, perr := tx.PrepareContext(ctx, db.db.q(q))
		if perr != nil {
			err = perr
			return func(...any) error { return perr }
		}
		return func(args ...any) error { _, e := st.ExecContext(ctx, args...); return e }
	}
	addCustomer := prep(`INSERT INTO fd_customers (business, id, last_inbound) VALUES (?, ?, ?)`)
	addInbound := prep(`INSERT INTO fd_inbound (business, party, msg_id, chat, kind, customer, sent, received, rules) VALUES (?6, ?1, ?2, ?1, ?3, ?1, ?4, ?4, ?5)`)
	addQuestion := prep(`INSERT INTO fd_questions (business, text, customer, at) VALUES (?, ?, ?, ?)`)
	addReply := prep(`INSERT INTO fd_outbox (business, chat, customer, text, rules, created, status, sent_at, msg_id) VALUES (?5, ?1, ?1, 'automatic', ?2, ?3, 'sent', ?6, ?4)`)
	if err != nil {
		return err
	}
	for i := range customers {
		if err := addCustomer(b, cust(i), end); err != nil {
			return err
		}
	}
	for i := range inbound {
		c, at := cust(rng.IntN(customers)), when()
		rules, reply := "[]", ""
		switch r := rng.IntN(100); {
		case r < 20:
			rules, reply = `["away"]`, `["away"]`
		case r < 25:
			rules, reply = `["greeting","away"]`, `["greeting","away"]`
		case r < 35:
			rules, reply = `["keyword"]`, `["keyword"]`
		case r < 36:
			rules = `["late"]`
		case r < 37:
			rules = `["kill-switch"]`
		}
		if err := addInbound(c, fmt.Sprintf("C%07d", i), "customer", at, rules, b); err != nil {
			return err
		}
		if err := addQuestion(b, question(), c, at); err != nil {
			return err
		}
		if reply != "" {
			if err := addReply(c, reply, at, fmt.Sprintf("R%07d", i), b, at+int64(time.Second)); err != nil {
				return err
			}
		}
	}
	for i := range owner {
		if err := addInbound(cust(rng.IntN(customers)), fmt.Sprintf("O%07d", i), "owner-in-chat", when(), "[]", b); err != nil {
			return err
		}
	}
	if err := db.rebuildRollups(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// TestWritesDuringStatsOnTheBigDatabase measures how long a message of
// another business in the same file takes to be recorded while `!stats 90`
// reads (docs/performance.md, "Statistics"):
//
//	cp /tmp/big.db /tmp/big-run.db
//	FRONTDESK_BIG_DB=/tmp/big-run.db go test ./storage -run TestWritesDuringStatsOnTheBigDatabase -v
//
// Each round records one message with nothing else running, then starts
// the 90-day read and, 100 ms into it, records another. It prints the
// times (min/median/max) and asserts nothing about them. It adds a
// business to the file: run it on a copy.
func TestWritesDuringStatsOnTheBigDatabase(t *testing.T) {
	path := os.Getenv("FRONTDESK_BIG_DB")
	if path == "" || IsPostgres(path) {
		t.Skip("set FRONTDESK_BIG_DB to a copy of the SQLite file TestGenerate wrote")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stats, err := db.Business(ctx, BigDBNumber)
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.Business(ctx, "39029999999")
	if err != nil {
		t.Fatal(err)
	}
	seq := time.Now().UnixNano()
	record := func() (time.Duration, error) {
		seq++
		in := bot.Inbound{ID: fmt.Sprintf("W%d", seq), Chat: "393331234567", Customer: "393331234567", Kind: bot.FromCustomer,
			Received: time.Now(), TouchCustomer: true, Question: "orari", Reply: &bot.Outgoing{Text: "auto", Created: time.Now()}}
		start := time.Now()
		err := other.RecordInbound(ctx, in)
		return time.Since(start), err
	}
	q := bot.ActivityQuery{Since: BigDBNow.Add(-90 * 24 * time.Hour), Until: BigDBNow, MinQuestions: 1}
	var alone, during, read []time.Duration
	for round := range 5 {
		d, err := record()
		if err != nil {
			t.Fatal(err)
		}
		alone = append(alone, d)
		type result struct {
			took time.Duration
			end  time.Time
			err  error
		}
		done := make(chan result, 1)
		start := time.Now()
		go func() {
			_, err := stats.Activity(ctx, q)
			done <- result{time.Since(start), time.Now(), err}
		}()
		time.Sleep(100 * time.Millisecond)
		d, err = record()
		wrote := time.Now()
		if err != nil {
			t.Fatal(err)
		}
		r := <-done
		if r.err != nil {
			t.Fatal(r.err)
		}
		during = append(during, d)
		read = append(read, r.took)
		t.Logf("round %d: !stats 90 read %v; message recorded alone in %v, during the read in %v, %v before the read ended (negative: after)",
			round+1, r.took.Round(time.Millisecond), alone[round].Round(time.Microsecond), d.Round(time.Microsecond), r.end.Sub(wrote).Round(time.Millisecond))
	}
	mmm := func(ds []time.Duration) string {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return fmt.Sprintf("%v / %v / %v", ds[0].Round(time.Microsecond), ds[len(ds)/2].Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond))
	}
	fmt.Printf("ratio !stats 90 read (min/median/max): %s\n", mmm(read))
	fmt.Printf("ratio message recorded, nothing else running: %s\n", mmm(alone))
	fmt.Printf("ratio message recorded during !stats 90: %s\n", mmm(during))
}
