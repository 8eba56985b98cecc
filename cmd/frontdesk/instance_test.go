package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontdesk/storage"
)

// TestSecondInstanceExitsAtOnce: while one process holds a database, run
// and replay --db on it exit at once with exitInUse and a message
// naming the holder, before connecting anywhere (no route to WhatsApp is
// given: a connection attempt would hang or be refused, not be quick).
func TestSecondInstanceExitsAtOnce(t *testing.T) {
	path := linkedDB(t, "15550001111")
	held, err := storage.Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	scenario := filepath.Join(t.TempDir(), "s.txt")
	if err := os.WriteFile(scenario, []byte("time 2026-11-26T21:00:00+01:00\n+39 333 1234567: hi\nexpect none\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := [][]string{
		{"run", "--db", path},
		{"--db", path},
		{"replay", "--db", path, scenario},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			code := exitCode(run(ctx, args, &stdout, &stderr), &stderr)
			if code != exitInUse {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitInUse, stderr.String())
			}
			if want := fmt.Sprintf("process %d", os.Getpid()); !strings.Contains(stderr.String(), want) {
				t.Fatalf("stderr %q does not name %s", stderr.String(), want)
			}
			if strings.Contains(stdout.String(), "WhatsApp") {
				t.Fatalf("it went on: stdout %q", stdout.String())
			}
		})
	}
	// logout may unlink a number while a run serves the others (the
	// run sees the session replaced, then gone).
	var out bytes.Buffer
	if err := logout(context.Background(), logoutConfig{DBPath: path, Stdout: &out, Stderr: &out,
		Timeout: 300 * time.Millisecond, ConfigureClient: refusing(t)}); err != nil {
		t.Fatalf("logout while held: %v", err)
	}
	held.Release()
	// The holder gone, the database is free again.
	path = linkedDB(t, "15550001111")
	out.Reset()
	if err := logout(context.Background(), logoutConfig{DBPath: path, Stdout: &out, Stderr: &out,
		Timeout: 300 * time.Millisecond, ConfigureClient: refusing(t)}); err != nil {
		t.Fatalf("logout after release: %v", err)
	}
}
