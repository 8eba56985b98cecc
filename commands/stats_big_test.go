package commands

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"syscall"
	"testing"
	"time"
)

// TestStatsOnTheBigDatabase measures !stats 90 and the weekly digest, as
// the owner runs them (router, bot.Business, real store), on the big
// database storage's TestGenerate writes (docs/performance.md):
//
//	go test ./storage -run TestGenerate -args -generate=/tmp/big.db
//	FRONTDESK_BIG_DB=/tmp/big.db go test ./commands -run TestStatsOnTheBigDatabase -v
//
// It prints time, Go heap and the process's peak RSS per run; it asserts
// nothing about them. The bot opens a copy-free connection to the file:
// it only reads (but saves the test's opening hours).
func TestStatsOnTheBigDatabase(t *testing.T) {
	path := os.Getenv("FRONTDESK_BIG_DB")
	if path == "" {
		t.Skip("set FRONTDESK_BIG_DB to the database storage's TestGenerate wrote")
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, statsZone)
	sb := newTestBot(t, withDB(path), withSelf("39021234567"), withStart(now), withHostZone(time.UTC))
	if err := sb.b.UpdateConfig(context.Background(), statsConfig); err != nil {
		t.Fatalf("configure: %v", err)
	}
	for _, cmd := range []string{"!stats 90", "!digest show"} {
		var durs []time.Duration
		for run := 0; run < 3; run++ {
			runtime.GC()
			start := time.Now()
			sent := sb.runSent(cmd)
			d := time.Since(start)
			durs = append(durs, d)
			size, parts := 0, len(sent)
			for _, s := range sent {
				size += len(s.Text)
			}
			t.Logf("ratio %s run %d: %v, answer %d bytes in %d parts, heap %s, peak RSS %s",
				cmd, run+1, d.Round(time.Millisecond), size, parts, mib(heapBytes()), mib(peakRSS()))
			if run == 0 && testing.Verbose() && len(sent) > 0 {
				t.Logf("%s answer, first part:\n%s", cmd, sent[0].Text)
			}
		}
		sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
		fmt.Printf("ratio %s: min %v median %v max %v, peak RSS %s\n", cmd,
			durs[0].Round(time.Millisecond), durs[1].Round(time.Millisecond), durs[2].Round(time.Millisecond), mib(peakRSS()))
	}
}

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakRSS is the process's peak resident set size (Linux: kilobytes).
func peakRSS() uint64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return uint64(ru.Maxrss) * 1024
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
