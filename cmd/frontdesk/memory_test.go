package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdesk/bot/whatsapp"
	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage"
)

// TestMemoryPerNumber measures what each linked number costs a `frontdesk
// run` idling against the fake WhatsApp: 1, 10 and 50 numbers in one
// process (a child process, so the fakes' own memory is not counted),
// read from its metrics endpoint once every number is connected. It prints
// figures and ratios and asserts nothing about them: run it with
// FRONTDESK_BENCH=1 (without -race, which multiplies memory).
func TestMemoryPerNumber(t *testing.T) {
	if os.Getenv("FRONTDESK_BENCH") == "" {
		t.Skip("memory figures: set FRONTDESK_BENCH=1 to measure")
	}
	const most = 50
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	var servers []*fakewa.Server
	start := time.Now()
	for i := range most {
		srv := fakewa.NewServerFor(t, fmt.Sprintf("1555200%04d", i), fmt.Sprintf("2000000000%05d", i))
		servers = append(servers, srv)
		linkFake(t, base, srv)
	}
	t.Logf("linked %d numbers in %v", most, time.Since(start).Round(time.Millisecond))

	sizes := []int{1, 10, most}
	for _, n := range sizes {
		keepFirst(t, base, filepath.Join(dir, fmt.Sprintf("n%d.db", n)), servers[:n])
	}
	// Three rounds; each round measures every size once, so a drift of
	// the machine spreads over all sizes.
	const rounds = 3
	rss := make(map[int][]float64)
	heap := make(map[int][]float64)
	for round := range rounds {
		for _, n := range sizes {
			r, h := idleMemory(t, filepath.Join(dir, fmt.Sprintf("n%d.db", n)), servers[:n])
			rss[n], heap[n] = append(rss[n], r), append(heap[n], h)
			fmt.Printf("figure: round=%d numbers=%d rss_mb=%.1f go_heap_inuse_mb=%.1f\n", round+1, n, r, h)
		}
	}
	for _, n := range sizes[1:] {
		var perRSS, perHeap []float64
		for i := range rounds {
			extra := float64(n - sizes[0])
			perRSS = append(perRSS, (rss[n][i]-rss[sizes[0]][i])/extra)
			perHeap = append(perHeap, (heap[n][i]-heap[sizes[0]][i])/extra)
		}
		fmt.Printf("ratio: MB per additional number, 1->%d numbers (min/median/max of %d rounds): rss %s, go heap %s; target <= 5\n",
			n, rounds, minMedMax(perRSS), minMedMax(perHeap))
	}
}

func minMedMax(v []float64) string {
	s := slices.Clone(v)
	slices.Sort(s)
	return fmt.Sprintf("%.2f/%.2f/%.2f", s[0], s[len(s)/2], s[len(s)-1])
}

// keepFirst copies the database at from to to, keeping only the sessions
// of servers' numbers.
func keepFirst(t *testing.T, from, to string, servers []*fakewa.Server) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
	keep := make(map[string]bool)
	for _, s := range servers {
		keep[s.Owner()] = true
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := whatsapp.OpenStore(ctx, db.SQL(), db.Dialect(), nil)
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.GetAllDevices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		if d.ID != nil && !keep[d.ID.User] {
			if err := d.Delete(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// idleMemory runs `frontdesk run --metrics` on path in a child process
// until every number of servers is connected and a few seconds idle, and
// returns its resident memory and Go heap in use (MB).
func idleMemory(t *testing.T, path string, servers []*fakewa.Server) (rss, heap float64) {
	t.Helper()
	logins := make([]int, len(servers))
	for i, s := range servers {
		logins[i] = s.Logins()
	}
	c := startFleetChildAt(t, path, fakewa.RemoteFleet(servers...))
	defer func() {
		_ = c.cmd.Process.Signal(os.Interrupt)
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
		c.done <- nil
	}()
	for i, s := range servers {
		s.WaitLogin(t, logins[i]+1, 60*time.Second)
	}
	addr := ""
	deadline := time.Now().Add(10 * time.Second)
	for addr == "" {
		b, _ := os.ReadFile(c.log)
		if _, rest, ok := strings.Cut(string(b), "Metrics on http://"); ok {
			addr, _, _ = strings.Cut(rest, "/")
		}
		if time.Now().After(deadline) {
			t.Fatalf("no metrics address in the child's output:\n%s", tail(string(b)))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		_, body := scrape(t, "http://"+addr+"/metrics")
		if metricValue(body, "frontdesk_numbers_held", "") == float64(len(servers)) && len(connectedLine.FindAllString(body, -1)) == len(servers) {
			break
		}
		if time.Now().After(deadline.Add(60 * time.Second)) {
			t.Fatalf("not every number connected:\n%s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(5 * time.Second) // idle
	_, body := scrape(t, "http://"+addr+"/metrics")
	return metricValue(body, "process_resident_memory_bytes", "") / 1e6, metricValue(body, "go_memstats_heap_inuse_bytes", "") / 1e6
}

var connectedLine = regexp.MustCompile(`(?m)^frontdesk_connected\{[^}]*\} 1$`)

// startFleetChildAt runs TestFleetChild on the database at path with the
// metrics endpoint on a free port.
func startFleetChildAt(t *testing.T, path, remote string) *fleetChild {
	t.Helper()
	logPath := path + ".log"
	cmd, done := startTestChild(t, "TestFleetChild", logPath,
		fleetChildDSNEnv+"="+path, fleetChildRemoteEnv+"="+remote, fleetChildMetricsEnv+"=127.0.0.1:0")
	return &fleetChild{name: filepath.Base(path), cmd: cmd, done: done, log: logPath}
}
