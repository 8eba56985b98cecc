package storage

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"syscall"
	"testing"
	"time"

	"frontdesk/bot"
)

// journalMessage is customer message i of the journal tests: ten
// customers taking turns, each message answered (the reply claimed as it
// is recorded), every third one a keyword answer, each with a question.
func journalMessage(i int) bot.Inbound {
	id := bot.UserID(fmt.Sprintf("3933300000%02d", i%10))
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Second)
	in := bot.Inbound{Chat: id, ID: fmt.Sprintf("3EB0J%06d", i), Kind: bot.FromCustomer, Customer: id,
		Name: fmt.Sprint("Customer ", i%10), Received: at, Sent: at.Add(-time.Second), TouchCustomer: true,
		Rules: []string{"greeting"}, Question: fmt.Sprint("question ", i%4),
		Reply: &bot.Outgoing{Text: fmt.Sprint("reply ", i), Rules: []string{"greeting"}, Status: statusSending,
			MsgID: fmt.Sprintf("3EB0R%06d", i)}}
	if i%3 == 0 {
		in.Rules = append(in.Rules, "keyword")
		in.Reply.Rules = in.Rules
		in.KeywordsSent = []int{i % 2}
	}
	if i%5 == 0 {
		in.AwayPeriod = at.Truncate(time.Hour)
	}
	return in
}

// everything is all the business shows: each customer, the outbox, the
// statistics.
func everything(t *testing.T, s *Store) (map[bot.UserID]bot.Customer, []bot.Outgoing, bot.Activity) {
	t.Helper()
	ctx := context.Background()
	customers := map[bot.UserID]bot.Customer{}
	for c := range 10 {
		id := bot.UserID(fmt.Sprintf("3933300000%02d", c))
		got, err := s.Customer(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		customers[id] = got
	}
	var out []bot.Outgoing
	rows, err := s.db.sql.QueryContext(ctx, "SELECT id, text, status, msg_id FROM fd_outbox WHERE business = ? ORDER BY id", s.id)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o bot.Outgoing
		if err := rows.Scan(&o.ID, &o.Text, &o.Status, &o.MsgID); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	rows.Close()
	a, err := s.Activity(ctx, bot.ActivityQuery{Since: time.Unix(0, 1), Until: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		MinQuestions: 1})
	if err != nil {
		t.Fatal(err)
	}
	return customers, out, a
}

// rollupsMatchRows checks that the statistics kept as messages were
// written out are what rebuilding them from the rows gives: nothing
// counted twice or missed.
func rollupsMatchRows(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	_, _, kept := everything(t, s)
	if err := s.tx(ctx, func(tx *sql.Tx) error { return s.rebuildRollups(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	_, _, rebuilt := everything(t, s)
	if !reflect.DeepEqual(kept, rebuilt) {
		t.Errorf("statistics kept:\n%+v\nrebuilt from the rows:\n%+v", kept, rebuilt)
	}
}

func journalRows(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.sql.QueryRow("SELECT count(*) FROM fd_journal").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestJournalWrittenOutWithoutAsking: records wait in memory and in the
// journal until the timer writes them out (a few records, the timer
// short), or until a full batch starts its write-out in the background
// (the timer an hour away), with nothing reading or asking. The rows are
// read through a second handle, which does not settle.
func TestJournalWrittenOutWithoutAsking(t *testing.T) {
	for _, c := range []struct {
		name  string
		after time.Duration
		n     int
	}{
		{"by the timer", 200 * time.Millisecond, 5},
		{"at a full batch", time.Hour, flushBatch},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			path := sqlitePath(t)
			a := openAt(t, path)
			defer a.Close()
			a.db.flushAfter = c.after
			for i := range c.n {
				if err := a.RecordInbound(ctx, journalMessage(i)); err != nil {
					t.Fatal(err)
				}
			}
			b, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			deadline := time.Now().Add(30 * time.Second)
			for {
				var got int
				if err := b.sql.QueryRow("SELECT count(*) FROM fd_inbound").Scan(&got); err != nil {
					t.Fatal(err)
				}
				journal, waiting := journalRows(t, b), a.writeBehind().pending()
				if got == c.n && journal == 0 && !waiting {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after 30 s: %d of %d messages written out, %d journal rows, records in memory: %v",
						got, c.n, journal, waiting)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestJournalWrittenOutOnce: records waiting in one handle's memory are
// seen at once by its reads (customers included), written out by another
// handle that opens the file (as the next process after a crash does),
// and not again by the first; the first's sent marks still count once.
func TestJournalWrittenOutOnce(t *testing.T) {
	ctx := context.Background()
	path := sqlitePath(t)
	a := openAt(t, path)
	defer a.Close()
	a.db.flushAfter = time.Hour // nothing written out unless asked
	const n = 60
	replies := make([]int64, n)
	for i := range n {
		in := journalMessage(i)
		if err := a.RecordInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		replies[i] = in.Reply.ID
		if i%2 == 0 {
			if err := a.MarkSent(ctx, in.Reply.ID, in.Reply.MsgID, in.Received.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.RecordInbound(ctx, in); err != bot.ErrDuplicate {
			t.Fatalf("message %d recorded again: %v, want ErrDuplicate", i, err)
		}
	}
	// The rules of a waiting reply (asked after every send when the
	// metrics are on) come from memory: nothing is written out for them.
	if rules, ok, err := a.OutgoingRules(ctx, replies[3]); err != nil || !ok || len(rules) != 2 {
		t.Errorf("OutgoingRules of a waiting reply = %v, %v, %v; want its two rules", rules, ok, err)
	}
	if got := journalRows(t, a.db); got != n {
		t.Fatalf("%d journal rows, want %d waiting", got, n)
	}
	// What the first handle shows before anything is written out...
	wantCustomers := map[bot.UserID]bot.Customer{}
	for c := range 10 {
		id := bot.UserID(fmt.Sprintf("3933300000%02d", c))
		got, err := a.Customer(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantCustomers[id] = got
		if got.Name == "" || got.LastInbound.IsZero() {
			t.Fatalf("customer %s before the write-out: %+v", id, got)
		}
	}

	// ...the second handle writes out as it opens the business.
	dbB, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer dbB.Close()
	b, err := dbB.Business(ctx, testNumber)
	if err != nil {
		t.Fatal(err)
	}
	if got := journalRows(t, dbB); got != 0 {
		t.Fatalf("%d journal rows after the second handle opened the business, want 0", got)
	}
	customersB, outB, _ := everything(t, b)
	for id, want := range wantCustomers {
		got := customersB[id]
		if !got.LastInbound.Equal(want.LastInbound) || got.Name != want.Name || !got.AwayPeriod.Equal(want.AwayPeriod) ||
			len(got.KeywordSent) != len(want.KeywordSent) {
			t.Errorf("customer %s written out as %+v, the first handle showed %+v", id, got, want)
		}
	}
	if len(outB) != n {
		t.Fatalf("%d replies written out, want %d", len(outB), n)
	}

	// The first handle's own write-out finds its records gone and writes
	// only its marks.
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	_, out, act := everything(t, a)
	sent := 0
	for _, o := range out {
		if o.Status == statusSent {
			sent++
		}
	}
	if len(out) != n || sent != n/2 {
		t.Errorf("outbox: %d replies, %d sent; want %d, %d", len(out), sent, n, n/2)
	}
	if act.Inbound != n || act.RepliesSent != n/2 {
		t.Errorf("statistics: %d messages, %d replies sent; want %d, %d", act.Inbound, act.RepliesSent, n, n/2)
	}
	var inbound int
	if err := a.db.sql.QueryRow("SELECT count(*) FROM fd_inbound").Scan(&inbound); err != nil || inbound != n {
		t.Errorf("%d inbound rows (%v), want %d", inbound, err, n)
	}
	rollupsMatchRows(t, a)
}

// TestJournalSurvivesKill: a process recording messages (and marking
// their replies sent) is killed at random points, mid write-out or not.
// Every message it acknowledged is there afterwards, once, with its
// reply; a reply whose mark was lost is "sending" (resent under its
// message id); the statistics match the rows.
func TestJournalSurvivesKill(t *testing.T) {
	if path := os.Getenv("FRONTDESK_JOURNAL_CHILD"); path != "" {
		journalChild(path)
		return
	}
	if testing.Short() {
		t.Skip("kills child processes")
	}
	path := sqlitePath(t)
	next := 0
	for round, after := range []int{37, 250, 511, 90} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestJournalSurvivesKill$")
		cmd.Env = append(os.Environ(), "FRONTDESK_JOURNAL_CHILD="+path, fmt.Sprint("FRONTDESK_JOURNAL_FROM=", next))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var acked []int
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			var i int
			if _, err := fmt.Sscanf(lines.Text(), "ack %d", &i); err == nil {
				acked = append(acked, i)
			}
			if len(acked) == after {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
		go func() {
			for lines.Scan() { // drain
			}
		}()
		cmd.Wait()
		if len(acked) < after {
			t.Fatalf("round %d: the child acknowledged %d messages before it ended, want %d", round, len(acked), after)
		}

		s := openAt(t, path)
		for _, i := range acked {
			in := journalMessage(i)
			r, err := s.Recorded(context.Background(), in.Customer, "", in.ID)
			if err != nil || !r.Found {
				t.Errorf("round %d: acknowledged message %d lost (%+v, %v)", round, i, r, err)
			}
		}
		_, out, act := everything(t, s)
		replies := map[string]string{}
		for _, o := range out {
			replies[o.MsgID] = o.Status
		}
		for _, i := range acked {
			if st := replies[journalMessage(i).Reply.MsgID]; st != statusSent && st != statusSending {
				t.Errorf("round %d: the reply to acknowledged message %d is %q", round, i, st)
			}
		}
		// The child may have recorded more than the parent read before
		// the kill: each of those is there once, or not at all.
		var inbound int
		if err := s.db.sql.QueryRow("SELECT count(*) FROM fd_inbound").Scan(&inbound); err != nil {
			t.Fatal(err)
		}
		if inbound < next+len(acked) || act.Inbound != inbound || len(out) != inbound {
			t.Errorf("round %d: %d messages recorded, %d counted, %d replies; want at least %d, all counted, one reply each",
				round, inbound, act.Inbound, len(out), next+len(acked))
		}
		rollupsMatchRows(t, s)
		t.Logf("round %d: killed after %d acknowledged messages; %d recorded in all, %d replies", round, len(acked), inbound, len(out))
		next = inbound
		s.Close()
	}
}

// journalChild records messages from FRONTDESK_JOURNAL_FROM on until it
// is killed, saying "ack N" once message N is recorded.
func journalChild(path string) {
	ctx := context.Background()
	s, err := OpenStore(ctx, path, testNumber)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var from int
	fmt.Sscan(os.Getenv("FRONTDESK_JOURNAL_FROM"), &from)
	w := bufio.NewWriter(os.Stdout)
	for i := from; ; i++ {
		in := journalMessage(i)
		if err := s.RecordInbound(ctx, in); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintf(w, "ack %d\n", i)
		w.Flush()
		if err := s.MarkSent(ctx, in.Reply.ID, in.Reply.MsgID, in.Received.Add(time.Second)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if i%7 == 0 {
			time.Sleep(time.Millisecond) // a pace that lets the timer write out too
		}
	}
}
