package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/whatsapp/fakewa"
)

// The kill tests run `frontdesk run`'s wiring (runBot) in a child process —
// this test binary started again with -test.run=^TestKillChild$ — against
// the fake WhatsApp server in the parent, and SIGKILL it at random moments
// while customers write, then start it again on the same database. The
// customers' phones keep messages by chat, sender and id, as real phones
// do, so a reply sent again with the same id after a crash shows once.

// Environment of the child process: where its database is and how it
// reaches the parent's fake server (fakewa.Server.Remote).
const (
	killChildDBEnv     = "FRONTDESK_KILL_CHILD_DB"
	killChildRemoteEnv = "FRONTDESK_KILL_CHILD_FAKEWA"
	killChildClockEnv  = "FRONTDESK_KILL_CHILD_CLOCK"
)

// lifeStep is how far the clock moves on between two lives of the bot: a
// minute and a second, so the pace limit (20 automatic messages a minute)
// never holds a new life back for what its predecessors sent, and a test
// of seconds can answer a hundred messages. Real time passes while a bot
// is down too.
const lifeStep = 61 * time.Second

var killSeed = flag.Int64("kill.seed", 0, "seed of the kill tests' random kill points (0: new one; each test logs its seed)")

// TestKillChild is the child process of the kill tests; run directly it
// skips.
func TestKillChild(t *testing.T) {
	dbPath, remote := os.Getenv(killChildDBEnv), os.Getenv(killChildRemoteEnv)
	if dbPath == "" || remote == "" {
		t.Skip("the kill tests start this as their child process")
	}
	route, err := fakewa.ConfigureRemote(remote)
	if err != nil {
		t.Fatal(err)
	}
	offset, err := time.ParseDuration(os.Getenv(killChildClockEnv))
	if err != nil {
		t.Fatal(err)
	}
	// This process is the bot's alone: its clock may run ahead.
	bot.SystemClock = bot.ClockFunc(func() time.Time { return time.Now().Add(offset) })
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err = runBot(ctx, runConfig{
		DBPath: dbPath, Stdout: os.Stdout, Stderr: os.Stderr, ConfigureClient: route,
		OnQR: func(string) {
			fmt.Fprintln(os.Stderr, "kill child: the device is not linked any more")
			os.Exit(3)
		},
	})
	if err != nil {
		t.Fatalf("runBot: %v", err)
	}
}

const killWait = 20 * time.Second

// killRig is the fake WhatsApp with a linked, configured device and the
// bot running (and dying) in child processes on one database.
type killRig struct {
	t    *testing.T
	e    *e2e
	srv  *fakewa.Server
	rng  *rand.Rand
	dir  string
	seed int64

	child  *exec.Cmd
	done   chan error
	logins int          // the server's login count when the child started
	offset atomic.Int64 // how far the clocks run ahead of time.Now
	lives  int
	kills  int
	logs   []string
	ids    map[string]string // message ids by customer and expected reply
}

// newKillRig links a device and configures it by the owner's commands
// from the phone's self chat, with the bot in this process; the children
// start from that database.
func newKillRig(t *testing.T, commands ...string) *killRig {
	t.Helper()
	return newKillRigSetup(t, func(e *e2e) {
		for _, cmd := range commands {
			if got := e.command(cmd); got == "" || strings.HasPrefix(got, "Usage") || strings.Contains(got, "rror") {
				t.Fatalf("%s answered %q", cmd, got)
			}
		}
	})
}

// newKillRigSetup is newKillRig with setup run on the linked bot, in this
// process, before the children.
func newKillRigSetup(t *testing.T, setup func(e *e2e)) *killRig {
	t.Helper()
	seed := *killSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("kill test seed %d (replay the kill points with -kill.seed=%d)", seed, seed)
	e := newE2E(t)
	r := &killRig{t: t, e: e, srv: e.srv, rng: rand.New(rand.NewSource(seed)), dir: t.TempDir(), seed: seed}
	// The fake stamps stanzas with the children's clock.
	r.srv.Now = func() time.Time { return time.Now().Add(time.Duration(r.offset.Load())) }
	e.start()
	e.link()
	setup(e)
	e.stop()
	t.Cleanup(func() {
		if r.child != nil {
			r.kill()
		}
		if t.Failed() {
			r.dumpLogs()
			t.Logf("outbox: %s", r.outbox())
		}
	})
	return r
}

// start runs the bot in a new child process.
func (r *killRig) start() {
	r.t.Helper()
	if r.child != nil {
		r.t.Fatal("kill rig: a child is already running")
	}
	offset := time.Duration(r.lives+1) * lifeStep
	r.offset.Store(int64(offset))
	path := filepath.Join(r.dir, fmt.Sprintf("child-%02d.log", r.lives))
	r.logins = r.srv.Logins()
	r.child, r.done = startTestChild(r.t, "TestKillChild", path, killChildDBEnv+"="+r.e.dbPath,
		killChildRemoteEnv+"="+r.srv.Remote(), killChildClockEnv+"="+offset.String())
	r.lives++
	r.logs = append(r.logs, path)
}

// loggedIn reports whether the running child has logged in to the fake.
func (r *killRig) loggedIn() bool { return r.srv.Logins() > r.logins }

// waitLogin waits until the running child has logged in.
func (r *killRig) waitLogin() {
	r.t.Helper()
	deadline := time.Now().Add(killWait)
	for !r.loggedIn() {
		select {
		case err := <-r.done:
			r.done <- err
			r.t.Fatalf("child %d exited before logging in: %v", r.lives, err)
		default:
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("child %d did not log in within %v", r.lives, killWait)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// kill ends the child with SIGKILL, as a crash or a power cut would.
func (r *killRig) kill() {
	r.t.Helper()
	_ = r.child.Process.Kill()
	<-r.done
	r.child = nil
	r.kills++
}

// stop ends the child as Ctrl-C would and checks it shut down cleanly.
func (r *killRig) stop() {
	r.t.Helper()
	r.srv.WaitQuiet(time.Second)
	_ = r.child.Process.Signal(os.Interrupt)
	var err error
	select {
	case err = <-r.done:
	case <-time.After(killWait):
		_ = r.child.Process.Kill()
		err = errors.Join(errors.New("did not stop within the wait"), <-r.done)
	}
	r.child = nil
	if err != nil {
		r.t.Errorf("child %d stopped with %v; log:\n%s", r.lives, err, r.logTail(r.lives-1, 4000))
	}
}

// settle waits until the fake saw no new message from the bot for quiet.
func (r *killRig) settle(quiet time.Duration) {
	deadline := time.Now().Add(killWait)
	n, since := len(r.srv.Sent()), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		if m := len(r.srv.Sent()); m != n {
			n, since = m, time.Now()
		} else if time.Since(since) >= quiet {
			return
		}
	}
}

// waitFor polls cond until it holds or the wait is over.
func (r *killRig) waitFor(cond func() bool) bool {
	return r.waitForAtMost(killWait, cond)
}

func (r *killRig) waitForAtMost(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// pause sleeps a random time in [lo, hi).
func (r *killRig) pause(lo, hi time.Duration) {
	time.Sleep(r.between(lo, hi))
}

func (r *killRig) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.rng.Int63n(int64(hi-lo)))
}

func (r *killRig) logTail(i, n int) string {
	b, err := os.ReadFile(r.logs[i])
	if err != nil {
		return err.Error()
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// dumpLogs shows the ends of the last children's logs.
func (r *killRig) dumpLogs() {
	for i := max(0, len(r.logs)-3); i < len(r.logs); i++ {
		r.t.Logf("child %d log (end):\n%s", i+1, r.logTail(i, 3000))
	}
}

// selfChat tells whether a message the phone got is in its own chat.
func selfChat(m fakewa.Received) bool {
	return m.Chat.User == fakewa.OwnerPhone || m.Chat.User == fakewa.OwnerLID
}

// shownCounts counts a customer's shown messages by text.
func shownCounts(c *fakewa.Customer) map[string]int {
	n := make(map[string]int)
	for _, m := range c.Shown() {
		n[m.Text]++
	}
	return n
}

// outbox summarises the bot's outbox by status, for failure reports.
func (r *killRig) outbox() string {
	db, err := sql.Open("sqlite3", "file:"+r.e.dbPath+"?mode=ro")
	if err != nil {
		return err.Error()
	}
	defer db.Close()
	rows, err := db.Query("SELECT status, count(*) FROM fd_outbox GROUP BY status ORDER BY status")
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return err.Error()
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, status))
	}
	return strings.Join(parts, ", ")
}

// query runs a one-row, one-column query on the bot's database.
func (r *killRig) query(q string, args ...any) string {
	db, err := sql.Open("sqlite3", "file:"+r.e.dbPath+"?mode=ro")
	if err != nil {
		return err.Error()
	}
	defer db.Close()
	var out sql.NullString
	if err := db.QueryRow(q, args...).Scan(&out); err != nil {
		return err.Error()
	}
	return out.String
}
