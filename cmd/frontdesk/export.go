package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"frontdesk/bot"
	"frontdesk/commands"
)

// `frontdesk export` and `frontdesk import` are !export and !import for
// the terminal: the same document (commands.EncodeConfig and
// commands.DecodeConfig), read from and written to the database directly,
// for backups and for moving a setup to another machine.

// defaultDB is the database `frontdesk` uses when --db is not given.
const defaultDB = "frontdesk.db"

// runExport prints the configuration stored in the database as the export
// document.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "frontdesk export [--db PATH] [--number +39...] [--media DIR] > config.json", stderr)
	dbPath := fs.String("db", defaultDB, "the database to read")
	number := fs.String("number", "", "the business to export, by its number (needed when several numbers are linked)")
	mediaDir := fs.String("media", "", "also write the photos and documents quick replies and keyword answers carry into this directory, as SHA256.ext")
	rest, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected argument %q", rest[0])
	}
	s, err := openSessions(ctx, "export", *dbPath, "give its path with --db", nil)
	if err != nil {
		return err
	}
	defer s.Close()
	store, _, err := s.business(ctx, "export", *number)
	if err != nil {
		return err
	}
	cfg, ok, err := store.LoadConfig(ctx)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if !ok {
		cfg = bot.DefaultConfig()
	}
	doc, err := commands.EncodeConfig(cfg)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", doc); err != nil {
		return fmt.Errorf("export: write: %w", err)
	}
	if *mediaDir != "" {
		return exportMedia(ctx, store, cfg, *mediaDir, stderr)
	}
	return nil
}

// runImport replaces the configuration in the database with the document
// in FILE ("-" reads standard input). The whole document is checked before
// the database is opened; on any error nothing changes.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", "frontdesk import [--db PATH] [--number +39...] [--media DIR] FILE   (FILE - reads standard input)", stderr)
	dbPath := fs.String("db", defaultDB, "the database to write")
	number := fs.String("number", "", "the business to import into, by its number (needed when several numbers are linked)")
	mediaDir := fs.String("media", "", "first keep the photos and documents that `frontdesk export --media` wrote into this directory")
	files, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError(fs, "give exactly one file")
	}
	in := os.Stdin
	if files[0] != "-" {
		if in, err = os.Open(files[0]); err != nil {
			return fmt.Errorf("import: read %s: %w", files[0], err)
		}
		defer in.Close()
	}
	// One byte over the limit is enough for DecodeConfig to refuse it.
	data, err := io.ReadAll(io.LimitReader(in, bot.MaxImportBytes+1))
	if err != nil {
		return fmt.Errorf("import: read %s: %w", files[0], err)
	}
	cfg, err := commands.DecodeConfig(data, "")
	if err != nil {
		return fmt.Errorf("import %s: nothing was changed: %w", files[0], err)
	}
	s, err := openSessions(ctx, "import", *dbPath, "", nil)
	if err != nil {
		return err
	}
	defer s.Close()
	store, self, err := s.business(ctx, "import", *number)
	if err != nil {
		return err
	}
	// The business's own number, known once it is linked, may not be an
	// admin: the same rule as !import's.
	if self != "" {
		if err := bot.ValidateConfig(cfg, self); err != nil {
			return fmt.Errorf("import %s: nothing was changed: invalid configuration: %w", files[0], err)
		}
	}
	if err := importMedia(ctx, store, cfg, *mediaDir); err != nil {
		return fmt.Errorf("import %s: nothing was changed: %w", files[0], err)
	}
	if err := store.SaveConfig(ctx, cfg, nil); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(stdout, "Configuration imported into %s: %d keyword answers, %d quick replies, %d holidays, %d admins.\n",
		*dbPath, len(cfg.Keywords), len(cfg.QuickReplies), len(cfg.Holidays), len(cfg.Admins))
	fmt.Fprintln(stdout, "If frontdesk is running on this database, restart it: it keeps its configuration in memory and would overwrite this one at the next change.")
	return nil
}
