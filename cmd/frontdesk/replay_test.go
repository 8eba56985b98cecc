package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/storage"
	"frontdesk/storage/storagetest"
)

// replayFiles runs `frontdesk replay args...` and returns its output and
// exit code.
func replayFiles(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := runReplay(context.Background(), args, &out, &errb)
	code = 0
	if err != nil {
		var ee *exitError
		if !errors.As(err, &ee) {
			t.Fatalf("runReplay returned %v, not an exit error", err)
		}
		code = ee.code
	}
	return out.String(), errb.String(), code
}

// TestScenarios runs the project's transcripts through the real bot,
// storage and commands.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("../../testdata/scenarios/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario files found")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, errs, code := replayFiles(t, f)
			if code != 0 {
				t.Errorf("exit %d\n%s%s", code, out, errs)
			}
		})
	}
}

// writeScenario writes body to a file in a temporary directory.
func writeScenario(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const awayAlways = `
time 2026-11-25T21:00:00+01:00
owner: !away text We are closed.
owner: !away when always
owner: !away on
wait 20m
`

func TestReplayExitCodes(t *testing.T) {
	good := writeScenario(t, "good.txt", awayAlways+"+39 333 1234567: hi\nexpect +39 333 1234567: We are closed.\n")
	tests := []struct {
		name     string
		body     string
		code     int
		stdout   []string // each must appear in stdout
		stderr   []string // each must appear in stderr
		notRunOf string   // when set, this file must not have run
	}{
		{
			name:   "all hold",
			body:   awayAlways + "+39 333 1234567: hi\nexpect +39 333 1234567: We are closed.\nexpect none\n",
			code:   0,
			stdout: []string{"ok   ", "2 expectations hold"},
		},
		{
			name: "failed expectation shows expected and pending",
			body: awayAlways + "+39 333 1234567: hi\nexpect +39 333 1234567: We are open.\n+39 333 7654321: hi\nexpect none\n",
			code: 1,
			stdout: []string{
				"case.txt:8: expect +39 333 1234567: We are open.",
				`expected: the next output to +393331234567 to be a text message that is exactly "We are open."`,
				`+393331234567  text "We are closed."`,
				"case.txt:10: expect none",
				"pending:",
				`+393337654321  text "We are closed."`,
				"FAIL ", "2 of 2 expectations failed",
			},
		},
		{
			name:     "syntax error exits 2 before anything runs",
			body:     awayAlways + "+39 333 1234567: hi\nwait soon\n",
			code:     2,
			stderr:   []string{"case.txt:8: bad duration \"soon\""},
			notRunOf: good,
		},
		{
			name:     "an empty file has nothing to check",
			body:     "",
			code:     2,
			stderr:   []string{"case.txt: nothing to check: the file has only blank lines and comments"},
			notRunOf: good,
		},
		{
			name:   "comments and blank lines only",
			body:   "# my setup, to be written\n\n   \n# later\n",
			code:   2,
			stderr: []string{"case.txt: nothing to check", "at least one expect line"},
		},
		{
			name:   "no expect line",
			body:   awayAlways + "+39 333 1234567: hi\n",
			code:   2,
			stderr: []string{"case.txt: nothing to check: the file has no expect line"},
		},
		{
			name:   "a byte order mark is skipped",
			body:   "\uFEFF" + awayAlways + "+39 333 1234567: hi\nexpect +39 333 1234567: We are closed.\n",
			code:   0,
			stdout: []string{"ok   ", "1 expectations hold"},
		},
		{
			name:   "a 10 MB line",
			body:   awayAlways + "+39 333 1234567: " + strings.Repeat("x", 10<<20) + "\nexpect none\n",
			code:   2,
			stderr: []string{"case.txt:7: line longer than 65536 bytes"},
		},
		{
			name: "a local time in a spring-forward gap",
			body: "time 2026-03-28T10:00:00+01:00\nowner: !tz Europe/Rome\nexpect owner ~ Europe/Rome\ntime 2026-03-29 02:30\nexpect none\n",
			code: 2,
			stderr: []string{"case.txt:4: time 2026-03-29 02:30 does not exist in Europe/Rome: the clocks jump from 02:00 to 03:00",
				"RFC 3339 with an offset"},
		},
		{
			name: "a local time in a fall-back overlap",
			body: "time 2026-10-24T10:00:00+02:00\nowner: !tz Europe/Rome\nexpect owner ~ Europe/Rome\ntime 2026-10-25 02:30\nexpect none\n",
			code: 2,
			stderr: []string{"case.txt:4: time 2026-10-25 02:30 happens twice in Europe/Rome",
				"2026-10-25T02:30:00+02:00 for the first, 2026-10-25T02:30:00+01:00 for the second"},
		},
		{
			name:   "local times beside the DST change are fine",
			body:   "time 2026-03-28T10:00:00+01:00\nowner: !tz Europe/Rome\nexpect owner ~ Europe/Rome\ntime 2026-03-29 01:59\ntime 2026-03-29 03:00\nexpect none\n",
			code:   0,
			stdout: []string{"ok   "},
		},
		{
			name:   "clock going back after a zone change exits 2",
			body:   "time 2026-11-25T10:00:00+01:00\nowner: !tz Asia/Tokyo\ntime 2026-11-25 12:00\nexpect none\n",
			code:   2,
			stderr: []string{"case.txt:3: time 2026-11-25 12:00:00 JST sends the clock back"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := writeScenario(t, "case.txt", tt.body)
			args := []string{f}
			if tt.notRunOf != "" {
				args = []string{tt.notRunOf, f}
			}
			out, errs, code := replayFiles(t, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errs)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			if tt.notRunOf != "" && strings.Contains(out, tt.notRunOf) {
				t.Errorf("%s ran despite a syntax error in another file:\n%s", tt.notRunOf, out)
			}
		})
	}
}

func TestReplayUsage(t *testing.T) {
	if _, errs, code := replayFiles(t); code != 2 || !strings.Contains(errs, "usage: frontdesk replay") {
		t.Errorf("no files: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := replayFiles(t, "/nonexistent/x.txt"); code != 2 || !strings.Contains(errs, "/nonexistent/x.txt") {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	if _, _, code := replayFiles(t, "--bogus"); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
}

func TestReplayVerbose(t *testing.T) {
	// The zone is set first, so the times shown do not depend on the host's.
	f := writeScenario(t, "v.txt", "time 2026-11-25T21:00:00+01:00\nowner: !tz Europe/Rome\n"+
		awayAlways+"offline\n+39 333 1234567 (Mario): hi\nwait 5m\nonline\nexpect +39 333 1234567: We are closed.\n")
	out, errs, code := replayFiles(t, f, "-v")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, w := range []string{
		`2026-11-25 21:00:00 CET  in  owner: "!away on"`,
		`2026-11-25 21:00:00 CET  out owner  text "Away message is now on."`,
		`2026-11-25 21:20:00 CET  queued  +393331234567 (Mario): "hi"`,
		`2026-11-25 21:25:00 CET  in  +393331234567 (Mario): "hi" (sent 2026-11-25 21:20:00 CET)`,
		`2026-11-25 21:25:00 CET  out +393331234567  text "We are closed."`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("verbose output lacks %q:\n%s", w, out)
		}
	}
}

// TestReplayDatabases checks that each file gets a fresh database, and that
// --db shares one (and keeps it).
func TestReplayDatabases(t *testing.T) {
	setUp := writeScenario(t, "setup.txt", awayAlways+"+39 333 1234567: hi\nexpect +39 333 1234567: We are closed.\n")
	// On a fresh database the away message is off: nobody gets anything.
	check := writeScenario(t, "check.txt", "time 2026-11-26T21:00:00+01:00\n+39 333 7654321: hi\nexpect none\n")
	if out, errs, code := replayFiles(t, setUp, check); code != 0 {
		t.Errorf("fresh databases: exit %d\n%s%s", code, out, errs)
	}
	db := filepath.Join(t.TempDir(), "shared.db")
	out, _, code := replayFiles(t, "--db", db, setUp, check)
	if code != 1 || !strings.Contains(out, `+393337654321  text "We are closed."`) {
		t.Errorf("--db: exit %d, want 1 with the away message from the shared configuration:\n%s", code, out)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("--db file not kept: %v", err)
	}
}

// TestReplayOnPostgres runs transcripts with --db postgres://...: each in
// a fresh schema (so a later file does not see an earlier one's
// configuration), dropped afterwards. (.ci/run replays every scenario on
// PostgreSQL through the binary; two of them here, a restart among them.)
func TestReplayOnPostgres(t *testing.T) {
	base := storagetest.Postgres(t) // skips without FRONTDESK_TEST_POSTGRES
	files := []string{"../../testdata/scenarios/replay-restart.txt", "../../testdata/scenarios/stats-digest.txt"}
	if out, errs, code := replayFiles(t, append([]string{"--db", base}, files...)...); code != 0 {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	setUp := writeScenario(t, "setup.txt", awayAlways+"+39 333 1234567: hi\nexpect +39 333 1234567: We are closed.\n")
	check := writeScenario(t, "check.txt", "time 2026-11-26T21:00:00+01:00\n+39 333 7654321: hi\nexpect none\n")
	if out, errs, code := replayFiles(t, "--db", base, setUp, check); code != 0 {
		t.Errorf("a schema per file: exit %d\n%s%s", code, out, errs)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var left int
	// Only this process's: other processes may replay on the same database.
	if err := db.QueryRow("SELECT count(*) FROM pg_namespace WHERE starts_with(nspname, $1)",
		storage.SchemaPrefix("fdreplay")).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d replay schemas left behind (%v)", left, err)
	}
	if _, _, code := replayFiles(t, "--db", "postgres://nobody@127.0.0.1:1/none", setUp); code != exitDatabase {
		t.Errorf("unreachable PostgreSQL: exit %d, want %d", code, exitDatabase)
	}
}
