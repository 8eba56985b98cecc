package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/bot"
	"frontdesk/commands"
)

// unopenableDatabases are --db values that exist (or whose place does) but
// cannot be opened as a database, each with what the error must say. They
// fail for root too; permissions are in TestDatabasePermissionExitCode.
func unopenableDatabases(t *testing.T) map[string][]string {
	t.Helper()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string][]string{
		"a directory":         {dir, "is a directory"},
		"below a plain file":  {filepath.Join(file, "frontdesk.db"), "not a directory"},
		"not a database file": {notDB, "not a database"},
	}
}

// TestDatabaseErrorExitCode checks that every subcommand that opens --db
// exits 3 with "could not open the database" when it cannot, instead of 1
// like a failed expectation or command.
func TestDatabaseErrorExitCode(t *testing.T) {
	scenario := writeScenario(t, "s.txt", awayAlways+"+39 333 1234567: hi\nexpect +39 333 1234567: We are closed.\n")
	doc, err := commands.EncodeConfig(bot.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	config := writeScenario(t, "config.json", string(doc))
	for name, db := range unopenableDatabases(t) {
		path, why := db[0], db[1]
		for _, args := range [][]string{
			{"replay", "--db", path, scenario, scenario},
			{"export", "--db", path},
			{"import", "--db", path, config},
			{"logout", "--db", path},
			{"walink", "--db", path, "--out", filepath.Join(t.TempDir(), "qr.png")},
			{"link", "--db", path},
			{"numbers", "--db", path},
		} {
			t.Run(name+"/"+args[0], func(t *testing.T) {
				out, errs, code := dispatch(t, args...)
				if code != exitDatabase {
					t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitDatabase, out, errs)
				}
				if !strings.Contains(errs, "could not open the database") || !strings.Contains(errs, why) {
					t.Errorf("stderr does not say why:\n%s", errs)
				}
				if args[0] == "replay" {
					if strings.Count(errs, why) != 1 || strings.Contains(out, "FAIL") {
						t.Errorf("replay went on after the first file:\nstdout:\n%s\nstderr:\n%s", out, errs)
					}
				}
			})
		}
	}
}

// TestDatabasePermissionExitCode checks a database file and a directory
// the user may not write. Root may write anything, so it skips for root.
func TestDatabasePermissionExitCode(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root is not refused by file modes")
	}
	scenario := writeScenario(t, "s.txt", awayAlways+"+39 333 1234567: hi\nexpect +39 333 1234567: We are closed.\n")
	locked := filepath.Join(t.TempDir(), "locked.db")
	if err := os.WriteFile(locked, nil, 0o000); err != nil {
		t.Fatal(err)
	}
	readOnly := t.TempDir()
	if err := os.Chmod(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(readOnly, 0o755) })
	for _, path := range []string{locked, filepath.Join(readOnly, "frontdesk.db")} {
		out, errs, code := dispatch(t, "replay", "--db", path, scenario)
		if code != exitDatabase || !strings.Contains(errs, "could not open the database") || !strings.Contains(errs, "permission denied") {
			t.Errorf("--db %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", path, code, exitDatabase, out, errs)
		}
	}
}
