package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/replay"
	"frontdesk/storage"
)

// runReplay is `frontdesk replay [-v] [--db PATH|URL] FILE...`: every file
// is parsed first (a syntax error anywhere, or a file without any expect
// line, exits 2 before anything runs), then each runs on a fresh temporary
// database unless --db names one. A postgres:// URL runs each file in a
// fresh schema of that database, dropped afterwards. Failures and a summary per file go to
// stdout. The error it returns carries the exit code: 1 when an
// expectation failed, 2 for a wrong transcript or wrong usage, 3 when the
// database could not be opened (nothing more runs then).
func runReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("replay", "frontdesk replay [-v] [--db PATH|postgres://...] FILE...\n"+
		"exit status: 0 all expectations hold, 1 one failed, 2 a wrong file or usage, 3 the database could not be opened", stderr)
	verbose := fs.Bool("v", false, "print every message in and out with its virtual time")
	dbPath := fs.String("db", "", "run on this SQLite database (kept) instead of a fresh temporary one per file;\n"+
		"a postgres:// URL runs each file in a fresh schema of that database, dropped afterwards")
	files, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	if len(files) == 0 {
		return usageError(fs, "no scenario file given")
	}

	scripts := make([]*replay.Script, 0, len(files))
	bad := 0
	for _, name := range files {
		s, err := parseFile(name)
		if err != nil {
			fmt.Fprintln(stderr, err)
			bad++
			continue
		}
		scripts = append(scripts, s)
	}
	if bad > 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("replay: %d of %d files have errors; nothing was run", bad, len(files))}
	}

	if *dbPath != "" && !storage.IsPostgres(*dbPath) { // a database of its own needs no guard
		lock, err := claimDatabase("replay", *dbPath)
		if err != nil {
			return err
		}
		defer lock.Release()
	}

	level := slog.LevelError
	if *verbose {
		level = slog.LevelInfo
	}
	// The bot's logs carry no wall-clock time: next to virtual times it
	// would only confuse.
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	var vw io.Writer
	if *verbose {
		vw = stdout
	}

	failedFiles, syntaxErrs := 0, 0
	for _, s := range scripts {
		res, err := runScript(ctx, s, *dbPath, logger, vw, stdout)
		var se *replay.SyntaxError
		var ee *exitError
		switch {
		case errors.As(err, &ee) && ee.code == exitDatabase:
			// Every later file would fail the same way.
			fmt.Fprintln(stderr, err)
			return &exitError{code: exitDatabase, err: errors.New("replay: could not open the database; nothing more was run")}
		case errors.As(err, &se):
			fmt.Fprintln(stderr, err)
			syntaxErrs++
		case err != nil:
			fmt.Fprintf(stdout, "FAIL %s: %v\n", s.Name, err)
			failedFiles++
		case !res.OK():
			fmt.Fprintf(stdout, "FAIL %s: %d of %d expectations failed, %d bot errors\n", s.Name, res.Failed, res.Expects, res.BotErrors)
			failedFiles++
		default:
			fmt.Fprintf(stdout, "ok   %s: %d expectations hold\n", s.Name, res.Expects)
		}
	}
	switch {
	case syntaxErrs > 0:
		return &exitError{code: exitUsage, err: fmt.Errorf("replay: %d of %d files have errors", syntaxErrs, len(scripts))}
	case failedFiles > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("replay: %d of %d files failed", failedFiles, len(scripts))}
	}
	return nil
}

// parseFile reads a transcript. One without any expect line would report
// "ok" having checked nothing, so it is an error too.
func parseFile(name string) (*replay.Script, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer f.Close()
	s, err := replay.Parse(name, f)
	switch {
	case err != nil:
		return nil, err
	case len(s.Steps) == 0:
		return nil, &replay.SyntaxError{File: name, Msg: "nothing to check: the file has only blank lines and comments; " +
			"a scenario needs at least one expect line (see docs/scenarios.md)"}
	case s.Expects() == 0:
		return nil, &replay.SyntaxError{File: name, Msg: "nothing to check: the file has no expect line; " +
			"a scenario needs at least one (see docs/scenarios.md)"}
	}
	return s, nil
}

// runScript runs one transcript on dbPath, or on a fresh database in a
// temporary directory that is removed afterwards, or, for a postgres://
// URL, in a fresh schema of that database, dropped afterwards.
func runScript(ctx context.Context, s *replay.Script, dbPath string, log *slog.Logger, verbose, out io.Writer) (replay.Result, error) {
	if storage.IsPostgres(dbPath) {
		dsn, drop, err := storage.TempSchema(ctx, dbPath, "fdreplay")
		if err != nil {
			return replay.Result{}, databaseError("", err)
		}
		defer func() {
			// The schema goes even when ctx was cancelled.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := drop(ctx); err != nil {
				log.Error("replay: could not drop the scenario's schema", "err", err)
			}
		}()
		dbPath = dsn
	} else if dbPath == "" {
		dir, err := os.MkdirTemp("", "frontdesk-replay-*")
		if err != nil {
			return replay.Result{}, databaseError("", fmt.Errorf("temporary directory: %w", err))
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "frontdesk.db")
	}
	return replay.Run(ctx, s, replay.Options{
		Factory: replayFactory(log),
		DBPath:  dbPath,
		Verbose: verbose,
		Out:     out,
	})
}

// replayFactory builds the production bot (same storage, engine and
// commands as `run`) on the replay's fake connection and virtual clock.
func replayFactory(log *slog.Logger) replay.Factory {
	return func(ctx context.Context, dbPath string, m *replay.Messenger, c bot.Clock, self bot.UserID) (*bot.Bot, func() error, error) {
		// The runner names the file; "replay:" would only repeat.
		db, err := openDatabase(ctx, "", dbPath)
		if err != nil {
			return nil, nil, err
		}
		store, err := db.Business(ctx, self.Digits())
		if err != nil {
			db.Close()
			return nil, nil, databaseError("", err)
		}
		b, err := newBot(ctx, botSetup{DB: store, Messenger: m, Directory: m, Clock: c, Self: self, HostZone: time.Local, Log: log})
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		return b, db.Close, nil
	}
}

// exitError is an error that asks main for a particular exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }
