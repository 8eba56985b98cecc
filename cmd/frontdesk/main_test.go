package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// dispatch runs `frontdesk args...` as main does and returns what it wrote
// and its exit status.
func dispatch(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

// TestFlagErrorPrintedOnce checks that an unknown flag is reported once,
// with the subcommand's usage, and exits 2.
func TestFlagErrorPrintedOnce(t *testing.T) {
	for _, cmd := range []string{"run", "replay", "logout", "link", "export", "import"} {
		t.Run(cmd, func(t *testing.T) {
			_, errs, code := dispatch(t, cmd, "--frob")
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if n := strings.Count(errs, "flag provided but not defined"); n != 1 {
				t.Errorf("the error is printed %d times, want once:\n%s", n, errs)
			}
			if !strings.Contains(errs, "usage: frontdesk "+cmd) || !strings.Contains(errs, "-db") {
				t.Errorf("no usage with the flags:\n%s", errs)
			}
			if !strings.HasSuffix(errs, "frontdesk: "+cmd+": flag provided but not defined: -frob\n") {
				t.Errorf("the error does not come last, after the usage:\n%s", errs)
			}
		})
	}
}

// TestFlagBadValue checks the other flag mistakes: printed once, exit 2.
func TestFlagBadValue(t *testing.T) {
	_, errs, code := dispatch(t, "replay", "-v=maybe", "x.txt")
	if code != exitUsage || strings.Count(errs, "invalid boolean value") != 1 {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
	_, errs, code = dispatch(t, "export", "--db")
	if code != exitUsage || strings.Count(errs, "flag needs an argument") != 1 {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
}

// TestMainUnknownFlagBeforeCommand checks that `frontdesk --frob` is an
// error naming the subcommands, while run's own flags without a command
// still mean run.
func TestMainUnknownFlagBeforeCommand(t *testing.T) {
	_, errs, code := dispatch(t, "--frob")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	last := errs[strings.LastIndex(strings.TrimSuffix(errs, "\n"), "\n")+1:]
	if !strings.Contains(last, "unknown flag -frob before any command") {
		t.Errorf("last line %q does not name the flag", last)
	}
	for _, c := range commandTable() {
		if !strings.Contains(last, c.name) {
			t.Errorf("last line %q does not name the command %s", last, c.name)
		}
	}
	if n := strings.Count(errs, "frob"); n != 1 {
		t.Errorf("-frob is reported %d times, want once:\n%s", n, errs)
	}

	// Flags of run with no command still go to run: these reach its own
	// checks (the pairing number, a stray operand).
	if _, errs, code := dispatch(t, "--pair-phone", "12"); code != exitUsage || !strings.Contains(errs, "not a phone number") {
		t.Errorf("--pair-phone 12: exit %d, stderr:\n%s", code, errs)
	}
	if _, errs, code := dispatch(t, "--db", "x.db", "extra"); code != exitUsage || !strings.Contains(errs, "run: unexpected argument") {
		t.Errorf("--db x.db extra: exit %d, stderr:\n%s", code, errs)
	}
}
