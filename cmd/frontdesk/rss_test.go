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
	"golang.org/x/sys/unix"

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
//
// Each child runs three times a round, its binary in each binState.

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

// memory is what /proc says of a process, in KiB: the resident set and
// its peak (status), and the resident set's anonymous part (heap, stacks,
// SQLite's caches: memory of this process alone) and file-backed part
// (pages of the executable and libraries, shared and droppable; smaps_rollup).
type memory struct{ rss, hwm, anon, file int }

func readMemory(pid int) (memory, error) {
	var m memory
	err := readProcFields(fmt.Sprintf("/proc/%d/status", pid), func(name string, n int) {
		switch name {
		case "VmRSS":
			m.rss = n
		case "VmHWM":
			m.hwm = n
		}
	})
	if err != nil {
		return memory{}, err
	}
	var rollupRSS int
	err = readProcFields(fmt.Sprintf("/proc/%d/smaps_rollup", pid), func(name string, n int) {
		switch name {
		case "Rss":
			rollupRSS = n
		case "Anonymous":
			m.anon = n
		}
	})
	m.file = rollupRSS - m.anon
	return m, err
}

// readProcFields calls field with each "Name: N kB" line's name and N.
func readProcFields(path string, field func(name string, n int)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, _ := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		if n, err := strconv.Atoi(fields[0]); err == nil {
			field(name, n)
		}
	}
	return sc.Err()
}

// A binary's state in the page cache. How much of a running program's
// executable is resident depends on it: the kernel maps, around each page
// the program touches, the neighbouring pages that happen to be cached,
// and maps a file the linker has just written more widely still.
type binState int

const (
	notCached binState = iota // a copy dropped from the cache (after a reboot, or memory was short)
	cached                    // a copy read wholly into the cache
	asLinked                  // the test binary as go test's linker wrote it (as right after a build)
)

func (b binState) String() string {
	return [...]string{"binary not cached", "binary cached", "binary as linked"}[b]
}

// prepare sets the copy at path in state b and returns the binary to run.
func (b binState) prepare(path string) (string, error) {
	if b == asLinked {
		return os.Args[0], nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if b == cached {
		_, err = io.Copy(io.Discard, f)
	} else {
		err = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	}
	return path, err
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

	// The children run a copy of this binary, which this process does
	// not map, so that it can be dropped from the page cache, or this
	// binary itself.
	binCopy := filepath.Join(dir, "child.test")
	if out, err := exec.Command("cp", os.Args[0], binCopy).CombinedOutput(); err != nil {
		t.Fatalf("copy the test binary: %v %s", err, out)
	}
	type run struct {
		name  string
		state binState
	}
	var runs []run
	for _, state := range []binState{notCached, cached, asLinked} {
		for _, c := range children {
			runs = append(runs, run{c.name, state})
		}
	}
	byName := map[string]*child{}
	for _, c := range children {
		byName[c.name] = c
	}
	got := map[run][]memory{}
	for r := range rounds {
		for i := range runs {
			rn := runs[(i+r)%len(runs)]
			c := byName[rn.name]
			bin, err := rn.state.prepare(binCopy)
			if err != nil {
				t.Fatal(err)
			}
			logPath := filepath.Join(dir, fmt.Sprintf("child-%d-%d.log", r, i))
			cmd, done := startTestChildOf(t, bin, "TestRSSChild", logPath,
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
			got[rn] = append(got[rn], m)
			t.Logf("round %d %-32s %s VmRSS %6.1f MiB (anonymous %5.1f, file %5.1f)  VmHWM %6.1f MiB",
				r+1, c.name, rn.state, mib(m.rss), mib(m.anon), mib(m.file), mib(m.hwm))
		}
	}
	for _, rn := range runs {
		var rss, anon, file, hwm []float64
		for _, m := range got[rn] {
			rss = append(rss, mib(m.rss))
			anon = append(anon, mib(m.anon))
			file = append(file, mib(m.file))
			hwm = append(hwm, mib(m.hwm))
		}
		fmt.Printf("rss %s, %s MiB: %s (anonymous %s, file %s, peak %s)\n", rn.name, rn.state,
			benchSpread(rss), benchSpread(anon), benchSpread(file), benchSpread(hwm))
	}
}

func mib(kib int) float64 { return float64(kib) / 1024 }

func remoteOf(s *fakewa.Server) string {
	if s == nil {
		return ""
	}
	return s.Remote()
}
