package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"frontdesk/bot"
	"frontdesk/commands"
	"frontdesk/storage"
)

func TestExportImportCLI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "fd.db")

	cfg := bot.DefaultConfig()
	cfg.TimeZone = "Europe/Rome"
	cfg.Away.On, cfg.Away.Text = true, "Closed; back {next_open}."
	cfg.Admins = []bot.UserID{"393331234567"}
	doc, err := commands.EncodeConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config.json")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}

	var out, errb bytes.Buffer
	if err := runExport(ctx, []string{"--db", dbPath}, &out, &errb); err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("export of a missing database: %v", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		t.Errorf("export created the missing database")
	}

	if err := runImport(ctx, []string{file, "--db", dbPath}, &out, &errb); err != nil {
		t.Fatalf("import: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "Configuration imported into") {
		t.Errorf("import output: %q", out.String())
	}
	out.Reset()
	if err := runExport(ctx, []string{"--db", dbPath}, &out, &errb); err != nil {
		t.Fatalf("export: %v", err)
	}
	if got := out.String(); got != string(doc)+"\n" {
		t.Errorf("import, export differ:\n%s\n---\n%s", doc, got)
	}

	// A bad document changes nothing.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, bytes.Replace(doc, []byte(`"after_minutes": 15`), []byte(`"after_minutes": 1`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	err = runImport(ctx, []string{"--db", dbPath, bad}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "nothing was changed") || !strings.Contains(err.Error(), "away.after_minutes: 1 is out of range") {
		t.Errorf("bad import: %v", err)
	}
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store, err := db.Sole(ctx)
	if err != nil {
		t.Fatal(err)
	}
	saved, ok, err := store.LoadConfig(ctx)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if again, _ := commands.EncodeConfig(saved); !bytes.Equal(again, doc) {
		t.Errorf("a refused import changed the database:\n%s", again)
	}

	// The same limits as !import: 1 MB, a clear word for a wrong shape,
	// the commands' rules.
	for name, tt := range map[string]struct{ doc, want string }{
		"over 1 MB": {string(doc[:len(doc)-1]) + strings.Repeat(" ", 1<<20) + "}", "the limit is 1 MB"},
		"a list":    {"[1,2,3]", "the document must be a JSON object"},
		"Local":     {strings.Replace(string(doc), `"time_zone": "Europe/Rome"`, `"time_zone": "Local"`, 1), `time_zone: "Local"`},
	} {
		f := filepath.Join(dir, "limits.json")
		if err := os.WriteFile(f, []byte(tt.doc), 0o600); err != nil {
			t.Fatal(err)
		}
		err := runImport(ctx, []string{"--db", dbPath, f}, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), tt.want) || len(err.Error()) > 1000 {
			t.Errorf("%s: want an error with %q, got %.1000v", name, tt.want, err)
		}
	}

	for _, args := range [][]string{{}, {"a.json", "b.json"}} {
		if err := runImport(ctx, args, &out, &errb); err == nil {
			t.Errorf("import %v accepted", args)
		}
	}
	if err := runImport(ctx, []string{filepath.Join(dir, "missing.json"), "--db", dbPath}, &out, &errb); err == nil {
		t.Errorf("import of a missing file accepted")
	}
}
