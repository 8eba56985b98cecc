//go:build unix

package storage

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	first, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(LockPath(path))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v %v", st, err)
	}

	_, err = Lock(path) // a second open file description conflicts
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second Lock = %v, want *HeldError", err)
	}
	if held.PID != os.Getpid() || !strings.Contains(err.Error(), "process ") {
		t.Fatalf("held by %+v: %v", held, err)
	}

	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if err := first.Release(); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	again, err := Lock(path)
	if err != nil {
		t.Fatalf("Lock after Release: %v", err)
	}
	again.Release()
}

// TestLockHeldByAnotherProcess runs this test binary again as a holder:
// while it lives the database is refused, naming its pid; once it is
// killed (no chance to clean up) the database is free.
func TestLockHeldByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), "FRONTDESK_LOCK_HELPER="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if strings.TrimSpace(line) != "locked" {
			t.Fatalf("helper said %q", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("helper did not take the lock")
	}

	_, err = Lock(path)
	var held *HeldError
	if !errors.As(err, &held) || held.PID != cmd.Process.Pid {
		t.Fatalf("Lock while the helper holds it = %v, want held by pid %d", err, cmd.Process.Pid)
	}
	host, _ := os.Hostname()
	if held.Host != host {
		t.Errorf("host %q, want %q", held.Host, host)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	l, err := Lock(path)
	if err != nil {
		t.Fatalf("Lock after the holder was killed: %v", err)
	}
	l.Release()
}

// TestLockHelperProcess is the holder for TestLockHeldByAnotherProcess; it
// does nothing in a normal run.
func TestLockHelperProcess(t *testing.T) {
	path := os.Getenv("FRONTDESK_LOCK_HELPER")
	if path == "" {
		t.Skip("helper process only")
	}
	if _, err := Lock(path); err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	bufio.NewReader(os.Stdin).ReadString('\n') // until the parent goes
	os.Exit(0)
}
