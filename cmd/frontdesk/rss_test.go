package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"

	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage"
)

// The memory benchmark: a child process (this test binary started again
// with -test.run=^TestRSSChild$, as the kill tests do) runs linked and idle
// against the fake server in the parent, which reads the child's VmRSS and
// VmHWM from /proc. The children are:
//
//   - idle: the test binary doing nothing (what the harness itself costs);
//   - plain: a bare whatsmeow client on the same database settings, linked
//     and connected (the floor);
//   - frontdesk: runBot's wiring, linked and connected, on an empty
//     database, and on a copy of the 100,000-customer database
//     (FRONTDESK_BIG_DB) when one is given.

const (
	rssChildEnv   = "FRONTDESK_RSS_CHILD" // idle, plain or frontdesk
	rssDBEnv      = "FRONTDESK_RSS_CHILD_DB"
	rssRemoteEnv  = "FRONTDESK_RSS_CHILD_FAKEWA"
	rssIdleEnv    = "FRONTDESK_RSS_IDLE" // how long a child is left idle before reading (default 5s)
	rssBigDBEnv   = "FRONTDESK_BIG_DB"
	rssDefaultFor = 5 * time.Second
)

// TestRSSChild is the child process of TestRSS; run directly it skips.
func TestRSSChild(t *testing.T) {
	mode := os.Getenv(rssChildEnv)
	if mode == "" {
		t.Skip("TestRSS starts this as its child process")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if mode == "idle" {
		<-ctx.Done()
		return
	}
	route, err := fakewa.ConfigureRemote(os.Getenv(rssRemoteEnv))
	if err != nil {
		t.Fatal(err)
	}
	dbPath := os.Getenv(rssDBEnv)
	switch mode {
	case "frontdesk":
		err := runBot(ctx, runConfig{
			DBPath: dbPath, Stdout: io.Discard, Stderr: os.Stderr, ConfigureClient: route,
			OnQR: func(string) {
				fmt.Fprintln(os.Stderr, "rss child: the device is not linked")
				os.Exit(3)
			},
		})
		if err != nil {
			t.Fatalf("runBot: %v", err)
		}
	case "plain":
		db, err := storage.Open(ctx, dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dev, err := sqliteContainer(t, ctx, db).GetFirstDevice(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if dev.ID == nil {
			t.Fatal("rss child: the device is not linked")
		}
		cli := whatsmeow.NewClient(dev, nil)
		route(cli)
		if err := cli.Connect(); err != nil {
			t.Fatal(err)
		}
		<-ctx.Done()
		cli.Disconnect()
	default:
		t.Fatalf("%s=%q", rssChildEnv, mode)
	}
}

// memory is what /proc says of a process, in KiB.
type memory struct{ rss, hwm int }

func readMemory(pid int) (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, _ := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.Atoi(fields[0])
		switch name {
		case "VmRSS":
			m.rss = n
		case "VmHWM":
			m.hwm = n
		}
	}
	return m, sc.Err()
}

// TestRSS runs only with FRONTDESK_BENCH=1. Each child runs
// FRONTDESK_BENCH_ROUNDS times (default 3), interleaved.
func TestRSS(t *testing.T) {
	if os.Getenv(benchEnv) == "" {
		t.Skip("set FRONTDESK_BENCH=1 to measure memory")
	}
	rounds := benchInt(t, "FRONTDESK_BENCH_ROUNDS", 3)
	idle := rssDefaultFor
	if s := os.Getenv(rssIdleEnv); s != "" {
		var err error
		if idle, err = time.ParseDuration(s); err != nil {
			t.Fatalf("%s=%q", rssIdleEnv, s)
		}
	}
	ctx := context.Background()
	dir := t.TempDir()

	// The fake keeps one linked account, so each child has a fake server
	// of its own; its device is linked in this process right after the
	// server starts (whatsmeow's certificate root key is process-wide:
	// the newest server's), and the child gets its server's root key.
	type child struct {
		name, mode, db string
		srv            *fakewa.Server
		logins         int
	}
	children := []*child{{name: "test binary idle", mode: "idle"}}

	plain := &child{name: "whatsmeow alone, linked idle", mode: "plain", db: filepath.Join(dir, "plain.db"), srv: fakewa.NewServer(t)}
	func() {
		db, err := storage.Open(ctx, plain.db)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cli := whatsmeow.NewClient(sqliteContainer(t, ctx, db).NewDevice(), nil)
		plain.srv.Configure(cli)
		qrs, err := cli.GetQRChannel(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := cli.Connect(); err != nil {
			t.Fatal(err)
		}
		linkEcho(t, plain.srv, qrs)
		plain.logins++
		plain.srv.WaitConnected(t, plain.logins, e2eWait)
		plain.srv.WaitQuiet(time.Second)
		cli.Disconnect()
	}()
	children = append(children, plain)

	linkFrontdesk := func(c *child) {
		c.srv = fakewa.NewServer(t)
		e := &e2e{t: t, srv: c.srv, dbPath: c.db, qrs: make(chan string, 64)}
		e.startWith(runConfig{})
		if err := c.srv.Phone().Scan(e.nextQR()); err != nil {
			t.Fatal(err)
		}
		c.logins++
		c.srv.WaitConnected(t, c.logins, e2eWait)
		e.stop()
		children = append(children, c)
	}
	linkFrontdesk(&child{name: "frontdesk linked idle", mode: "frontdesk", db: filepath.Join(dir, "frontdesk.db")})
	if big := os.Getenv(rssBigDBEnv); big != "" {
		bigCopy := filepath.Join(dir, "big.db")
		if out, err := exec.Command("cp", big, bigCopy).CombinedOutput(); err != nil {
			t.Fatalf("copy %s: %v %s", big, err, out)
		}
		linkFrontdesk(&child{name: "frontdesk idle, 100k customers", mode: "frontdesk", db: bigCopy})
	} else {
		t.Logf("no %s: the 100k-customer figure is left out", rssBigDBEnv)
	}

	got := map[string][]memory{}
	for r := range rounds {
		for i := range children {
			c := children[(i+r)%len(children)]
			logPath := filepath.Join(dir, fmt.Sprintf("child-%d-%d.log", r, i))
			cmd, done := startTestChild(t, "TestRSSChild", logPath,
				rssChildEnv+"="+c.mode, rssDBEnv+"="+c.db, rssRemoteEnv+"="+remoteOf(c.srv))
			if c.srv != nil {
				c.logins++
				c.srv.WaitConnected(t, c.logins, killWait)
			}
			time.Sleep(idle)
			m, err := readMemory(cmd.Process.Pid)
			if err != nil {
				t.Fatal(err)
			}
			if c.srv != nil {
				c.srv.WaitQuiet(time.Second)
			}
			_ = cmd.Process.Signal(os.Interrupt)
			werr := <-done
			if werr != nil {
				b, _ := os.ReadFile(logPath)
				t.Fatalf("%s child: %v\n%s", c.name, werr, b)
			}
			got[c.name] = append(got[c.name], m)
			t.Logf("round %d %-32s VmRSS %6.1f MiB  VmHWM %6.1f MiB", r+1, c.name, mib(m.rss), mib(m.hwm))
		}
	}
	for _, c := range children {
		var rss, hwm []float64
		for _, m := range got[c.name] {
			rss = append(rss, mib(m.rss))
			hwm = append(hwm, mib(m.hwm))
		}
		fmt.Printf("rss %s MiB: %s (peak %s)\n", c.name, benchSpread(rss), benchSpread(hwm))
	}
}

func mib(kib int) float64 { return float64(kib) / 1024 }

func remoteOf(s *fakewa.Server) string {
	if s == nil {
		return ""
	}
	return s.Remote()
}
