package main

import (
	"context"
	"fmt"
	"math/rand"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage"
	"frontdesk/storage/storagetest"
)

// Several `frontdesk run` processes on one PostgreSQL database share the
// numbers: each number is served by one process at a time (its lease), and
// when a process dies the others take its numbers over. The test runs real
// processes (this test binary again, as TestFleetChild), SIGKILLs the one
// serving every number while customers write, and counts what customers
// got: no reply twice, none missing, and how long the takeover took.

const (
	fleetChildDSNEnv    = "FRONTDESK_FLEET_CHILD_DSN"
	fleetChildRemoteEnv = "FRONTDESK_FLEET_CHILD_FAKEWA"
	// fleetChildMetricsEnv, when set, is the child's --metrics address.
	fleetChildMetricsEnv = "FRONTDESK_FLEET_CHILD_METRICS"
)

// TestFleetChild is one `frontdesk run` process of the takeover test; run
// directly it skips.
func TestFleetChild(t *testing.T) {
	dsn, remote := os.Getenv(fleetChildDSNEnv), os.Getenv(fleetChildRemoteEnv)
	if dsn == "" || remote == "" {
		t.Skip("the takeover test starts this as its child process")
	}
	route, err := fakewa.ConfigureRemoteByNumber(remote)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := runBot(ctx, runConfig{DBPath: dsn, Stdout: os.Stdout, Stderr: os.Stderr, ConfigureClient: route,
		Metrics: os.Getenv(fleetChildMetricsEnv)}); err != nil {
		t.Fatalf("runBot: %v", err)
	}
}

// withAppName names the process in PostgreSQL's session list, so a lease
// holder can be told apart.
func withAppName(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

type fleetChild struct {
	name string
	cmd  *exec.Cmd
	done chan error
	log  string
}

func startFleetChild(t *testing.T, dir, name, dsn, remote string) *fleetChild {
	t.Helper()
	path := filepath.Join(dir, name+".log")
	cmd, done := startTestChild(t, "TestFleetChild", path, fleetChildDSNEnv+"="+withAppName(dsn, name), fleetChildRemoteEnv+"="+remote)
	c := &fleetChild{name: name, cmd: cmd, done: done, log: path}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
		c.done <- nil
		if t.Failed() {
			b, _ := os.ReadFile(path)
			t.Logf("%s log (tail):\n%s", name, tail(string(b)))
		}
	})
	return c
}

// holders maps each number to the application name of the session holding
// its lease ("" when none).
func holders(t *testing.T, leases *storage.Leases, numbers []string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	for _, n := range numbers {
		who, err := leases.Holder(context.Background(), n)
		if err != nil {
			t.Fatalf("holder of %s: %v", n, err)
		}
		out[n] = ""
		if i := strings.Index(who, "("); i >= 0 {
			out[n] = strings.TrimSuffix(strings.SplitN(who[i+1:], ")", 2)[0], ")")
		}
	}
	return out
}

func TestTakeoverAfterKill(t *testing.T) {
	dsn := storagetest.Postgres(t)
	began := time.Now()
	ctx := context.Background()
	servers := []*fakewa.Server{
		fakewa.NewServer(t),
		fakewa.NewServerFor(t, phoneB, lidB),
		fakewa.NewServerFor(t, phoneC, lidC),
	}
	var numbers []string
	for _, s := range servers {
		numbers = append(numbers, s.Owner())
	}

	// Link the three numbers and configure each business from its phone,
	// with one run in this process.
	for _, srv := range servers {
		linkFake(t, dsn, srv)
	}
	configuring := startFleetRun(t, dsn, 100*time.Millisecond, servers...)
	for _, srv := range servers {
		for _, cmd := range []string{"!greeting text Welcome to +" + srv.Owner() + ", {name}!", "!greeting on"} {
			if got := ownerSays(t, srv, cmd); got == "" || strings.HasPrefix(got, "Usage") {
				t.Fatalf("%s answered %q", cmd, got)
			}
		}
	}
	for _, srv := range servers {
		srv.WaitQuiet(time.Second)
	}
	configuring.stop(t)

	// Three processes: the first takes every number, then two more start.
	dir := t.TempDir()
	remote := fakewa.RemoteFleet(servers...)
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	leases := storage.NewLeases(db.SQL())
	first := startFleetChild(t, dir, "fd1", dsn, remote)
	waitHeld := func(timeout time.Duration, ok func(map[string]string) bool) map[string]string {
		t.Helper()
		deadline := time.Now().Add(timeout)
		for {
			h := holders(t, leases, numbers)
			if ok(h) {
				return h
			}
			if time.Now().After(deadline) {
				t.Fatalf("leases after %v: %v", timeout, h)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitHeld(30*time.Second, func(h map[string]string) bool {
		for _, n := range numbers {
			if h[n] != "fd1" {
				return false
			}
		}
		return true
	})
	for _, srv := range servers {
		srv.WaitConnected(t, 1, e2eWait) // fd1 is online on each
	}
	startFleetChild(t, dir, "fd2", dsn, remote)
	startFleetChild(t, dir, "fd3", dsn, remote)
	time.Sleep(fleetPoll + time.Second) // they start and find every number taken
	if h := holders(t, leases, numbers); h[numbers[0]] != "fd1" || h[numbers[1]] != "fd1" || h[numbers[2]] != "fd1" {
		t.Fatalf("a number changed hands while its holder lived: %v", h)
	}

	// Customers write, two a second per number, before, during and after
	// fd1 is killed.
	type sent struct {
		srv  *fakewa.Server
		c    *fakewa.Customer
		name string
		at   time.Time
	}
	var customers []sent
	var killedAt time.Time
	seed := *killSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	killDelay := time.Duration(rand.New(rand.NewSource(seed)).Int63n(int64(300 * time.Millisecond)))
	t.Logf("kill %v after the seventh round of messages (seed %d; -kill.seed=%d repeats it)", killDelay.Round(time.Millisecond), seed, seed)
	moved := make(map[string]time.Duration) // number -> lease taken over after
	answeredAfter := make(map[string]time.Duration)
	for round := 0; ; round++ {
		for i, srv := range servers {
			name := fmt.Sprintf("C%d-%d", i, round)
			c := srv.NewCustomer(name)
			c.Send("hello")
			customers = append(customers, sent{srv: srv, c: c, name: name, at: time.Now()})
		}
		if round == 6 {
			// A random moment within the replies to these messages: before
			// they are recorded, while they are sent, or after.
			time.Sleep(killDelay)
			_ = first.cmd.Process.Signal(syscall.SIGKILL)
			killedAt = time.Now()
			t.Logf("fd1 killed with SIGKILL while customers write")
		}
		if !killedAt.IsZero() {
			h := holders(t, leases, numbers)
			for _, n := range numbers {
				if _, ok := moved[n]; !ok && h[n] != "" && h[n] != "fd1" {
					moved[n] = time.Since(killedAt)
				}
			}
			if len(moved) == len(numbers) && round >= 12 {
				break
			}
			if time.Since(killedAt) > 45*time.Second {
				t.Fatalf("numbers not taken over within 45 s: %v", h)
			}
		}
		time.Sleep(500 * time.Millisecond)
	}

	// Every customer gets exactly one greeting.
	unanswered, duplicates := 0, 0
	deadline := time.Now().Add(30 * time.Second) // for all the answers together
	for _, s := range customers {
		want := "Welcome to +" + s.srv.Owner() + ", " + s.name + "!"
		var got []fakewa.Received
		for {
			got = s.c.Received()
			if len(got) > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if len(got) == 0 {
			unanswered++
			t.Errorf("%s at +%s got no answer", s.name, s.srv.Owner())
			continue
		}
		if s.at.After(killedAt) {
			n := s.srv.Owner()
			if d := got[0].At.Sub(killedAt); d > answeredAfter[n] {
				answeredAfter[n] = d
			}
		}
		if got[0].Text != want {
			t.Errorf("%s got %q, want %q", s.name, got[0].Text, want)
		}
	}
	time.Sleep(time.Second) // a late second reply would show now
	resent := 0
	for _, s := range customers {
		if d := len(s.c.Deliveries()); d > len(s.c.Received()) {
			resent++ // delivered again under its id: the phone shows it once
		}
		if got := s.c.Received(); len(got) > 1 {
			duplicates++
			t.Errorf("%s got %d replies: %v", s.name, len(got), got)
		}
	}
	var takeovers []string
	var worst time.Duration
	for _, n := range numbers {
		takeovers = append(takeovers, fmt.Sprintf("+%s %.1fs", n, moved[n].Seconds()))
		worst = max(worst, moved[n])
	}
	sort.Strings(takeovers)
	h := holders(t, leases, numbers)
	t.Logf("takeover: %d numbers from the killed process to %v; lease taken over after %s (worst %.1fs, limit 30s)",
		len(numbers), h, strings.Join(takeovers, ", "), worst.Seconds())
	t.Logf("customers: %d, unanswered: %d, duplicates: %d (resent under the same id, shown once: %d); last answer after the kill at %v; test took %s",
		len(customers), unanswered, duplicates, resent, answeredAfter, time.Since(began).Round(time.Second))
	if worst > 30*time.Second {
		t.Errorf("takeover took %v, over 30 s", worst)
	}
	for _, s := range servers {
		s.WaitQuiet(time.Second)
	}
}

// TestLeaseLostStopsServing: when a process's lease session ends under it
// (its connection to PostgreSQL dropped), it stops serving the number at
// once, says so, and takes the number up again once the lease is free; a
// customer writing meanwhile is answered once.
func TestLeaseLostStopsServing(t *testing.T) {
	dsn := storagetest.Postgres(t)
	ctx := context.Background()
	srv := fakewa.NewServer(t)
	linkFake(t, dsn, srv)
	run := startFleetRun(t, dsn, 200*time.Millisecond, srv)
	out := run.out
	for _, cmd := range []string{"!greeting text Welcome, {name}!", "!greeting on"} {
		if got := ownerSays(t, srv, cmd); got == "" || strings.HasPrefix(got, "Usage") {
			t.Fatalf("%s answered %q", cmd, got)
		}
	}
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	srv.WaitQuiet(time.Second)
	lost := time.Now()
	if _, err := db.SQL().ExecContext(ctx, `SELECT pg_terminate_backend(l.pid)
		FROM (SELECT `+"hashtextextended('frontdesk number ' || current_schema() || ' ' || $1::text, 0)"+` AS k) x, pg_locks l
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.classid::bigint = ((x.k >> 32) & 4294967295) AND l.objid::bigint = (x.k & 4294967295)`, srv.Owner()); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(out.String(), "lease is lost") {
		if time.Since(lost) > 3*storage.LeaseCheckEvery+5*time.Second {
			t.Fatal("the lost lease was not noticed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("lease loss noticed after %v", time.Since(lost).Round(10*time.Millisecond))
	c := srv.NewCustomer("Dora")
	c.Send("hello")
	if got := c.Next(t, 20*time.Second); got.Text != "Welcome, Dora!" {
		t.Fatalf("Dora got %q", got.Text)
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(c.Received()); n != 1 {
		t.Fatalf("Dora got %d replies", n)
	}
	leases := storage.NewLeases(db.SQL())
	if who, err := leases.Holder(ctx, srv.Owner()); err != nil || who == "" {
		t.Fatalf("number not held again: %q %v", who, err)
	}
	srv.WaitQuiet(time.Second)
	run.stop(t)
}

// TestManyNumbersOnPostgres: one process holds more numbers than the
// stores' connection pool has connections (each lease keeps a connection
// of its own), and answers on every one.
func TestManyNumbersOnPostgres(t *testing.T) {
	dsn := storagetest.Postgres(t)
	const n = 20
	var servers []*fakewa.Server
	for i := range n {
		srv := fakewa.NewServerFor(t, fmt.Sprintf("1555300%04d", i), fmt.Sprintf("3000000000%05d", i))
		servers = append(servers, srv)
		linkFake(t, dsn, srv)
	}
	run := startFleetRun(t, dsn, 200*time.Millisecond, servers...)
	for _, srv := range servers {
		if got := ownerSays(t, srv, "!status"); got == "" {
			t.Fatalf("+%s: !status unanswered", srv.Owner())
		}
	}
	for _, srv := range servers {
		srv.WaitQuiet(time.Second)
	}
	run.stop(t)
}
