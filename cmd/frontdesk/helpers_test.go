package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/store/sqlstore"

	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage"
)

// Helpers the end-to-end, fleet and measuring tests share.

// linkWait bounds the wait for a link's first QR code: on PostgreSQL the
// first open of a fresh schema runs every migration, which takes seconds
// on a loaded machine.
const linkWait = 60 * time.Second

// linkFake links srv's number into the database dsn with `frontdesk
// link`, the fake phone scanning the QR code.
func linkFake(t *testing.T, dsn string, srv *fakewa.Server) {
	t.Helper()
	lq := make(chan string, 4)
	linked := make(chan error, 1)
	go func() {
		linked <- linkNumber(context.Background(), linkConfig{DSN: dsn, Stdout: io.Discard, Stderr: io.Discard,
			ConfigureClient: fakewa.RouteByNumber(srv, srv), OnQR: func(c string) { lq <- c }})
	}()
	select {
	case code := <-lq:
		if err := srv.Phone().Scan(code); err != nil {
			t.Fatal(err)
		}
	case err := <-linked:
		t.Fatalf("link +%s ended before showing a QR code: %v", srv.Owner(), err)
	case <-time.After(linkWait):
		t.Fatalf("link showed no QR code within %v", linkWait)
	}
	if err := <-linked; err != nil {
		t.Fatalf("link +%s: %v", srv.Owner(), err)
	}
}

// fleetRun is one `frontdesk run` (runBot) in this process, in the
// background.
type fleetRun struct {
	out    *porttest.Output // its standard output and error
	cancel context.CancelFunc
	done   chan error
	// stopped: stop saw it end without an error.
	stopped bool
}

// startFleetRun runs runBot on the database dsn, servers' numbers routed
// to them, looking for new numbers every poll. When the test fails its
// output is logged (unless it had stopped cleanly); it is stopped when the
// test ends.
func startFleetRun(t *testing.T, dsn string, poll time.Duration, servers ...*fakewa.Server) *fleetRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &fleetRun{out: &porttest.Output{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		r.done <- runBot(ctx, runConfig{DBPath: dsn, Stdout: r.out, Stderr: r.out,
			ConfigureClient: fakewa.RouteByNumber(nil, servers...), Poll: poll})
	}()
	t.Cleanup(func() {
		if t.Failed() && !r.stopped {
			t.Logf("output:\n%s", tail(r.out.String()))
		}
		cancel()
		select {
		case err := <-r.done:
			r.done <- err
		case <-time.After(30 * time.Second):
		}
	})
	return r
}

// stop ends the run as SIGINT would and fails the test unless runBot
// returns nil within 30 seconds.
func (r *fleetRun) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err
		if err != nil {
			t.Fatalf("run: %v\n%s", err, tail(r.out.String()))
		}
		r.stopped = true
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop")
	}
}

// startTestChild runs test, a test of this binary that is a child
// process's body (the environment entries env tell it what to do), with
// its output in logPath. done gets what the process's Wait returned, once
// its log is closed.
func startTestChild(t testing.TB, test, logPath string, env ...string) (cmd *exec.Cmd, done chan error) {
	t.Helper()
	return startTestChildOf(t, os.Args[0], test, logPath, env...)
}

// startTestChildOf is startTestChild with the test binary at bin (a copy
// of this one).
func startTestChildOf(t testing.TB, bin, test, logPath string, env ...string) (cmd *exec.Cmd, done chan error) {
	t.Helper()
	cmd = exec.Command(bin, "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", test, err)
	}
	done = make(chan error, 1)
	go func() {
		done <- cmd.Wait()
		f.Close()
	}()
	return cmd, done
}

// sqliteContainer is whatsmeow's device store on db (SQLite) alone, as a
// program of whatsmeow without frontdesk opens it.
func sqliteContainer(t *testing.T, ctx context.Context, db *storage.DB) *sqlstore.Container {
	t.Helper()
	container := sqlstore.NewWithDB(db.SQL(), "sqlite3", nil)
	if err := container.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	return container
}
