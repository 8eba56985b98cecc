package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"go.mau.fi/whatsmeow"

	"frontdesk/bot/whatsapp"
)

// logoutTimeout bounds the attempt to tell WhatsApp; after it the session
// is deleted locally anyway.
const logoutTimeout = 15 * time.Second

// runLogout is `frontdesk logout [--db PATH]`.
func runLogout(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("logout", "frontdesk logout [--db PATH]", stderr)
	dbPath := fs.String("db", "frontdesk.db", "database file")
	rest, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected argument %q", rest[0])
	}
	return logout(ctx, logoutConfig{DBPath: *dbPath, Stdout: stdout, Stderr: stderr, Timeout: logoutTimeout})
}

// logoutConfig is everything logout needs; tests fill it directly.
type logoutConfig struct {
	DBPath          string
	Stdout, Stderr  io.Writer
	Timeout         time.Duration
	ConfigureClient func(*whatsmeow.Client)
}

// logout unlinks the device: through WhatsApp when it can be reached (the
// phone then drops it from "Linked devices"), else only locally.
func logout(ctx context.Context, lc logoutConfig) error {
	if err := existingDatabase("logout", lc.DBPath, "give its place with --db"); err != nil {
		return err
	}
	lock, err := claimDatabase("logout", lc.DBPath)
	if err != nil {
		return err
	}
	defer lock.Release()
	log := slog.New(slog.NewTextHandler(lc.Stderr, nil))
	db, err := openDatabase(ctx, "logout", lc.DBPath)
	if err != nil {
		return err
	}
	defer db.Close()
	wa, err := whatsapp.New(ctx, db.SQL(), whatsapp.Options{Log: log, ConfigureClient: lc.ConfigureClient})
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if !wa.Linked() {
		fmt.Fprintln(lc.Stdout, "This frontdesk is not linked to WhatsApp; nothing to do.")
		return nil
	}
	who := wa.Own().Self()
	fmt.Fprintf(lc.Stdout, "Unlinking %s from WhatsApp...\n", who)
	remote, err := wa.Logout(ctx, lc.Timeout)
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if remote {
		fmt.Fprintf(lc.Stdout, "Logged out: WhatsApp unlinked this device from %s and the local session is deleted.\n", who)
		return nil
	}
	fmt.Fprintf(lc.Stdout, "Could not reach WhatsApp, so the local session was deleted only.\n"+
		"The phone may still list this device: remove it under WhatsApp > Settings > Linked devices.\n")
	return nil
}
