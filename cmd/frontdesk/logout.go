package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"go.mau.fi/whatsmeow"

	"frontdesk/bot"
	"frontdesk/bot/whatsapp"
	"frontdesk/storage"
)

// logoutTimeout bounds the attempt to tell WhatsApp; after it the session
// is deleted locally anyway.
const logoutTimeout = 15 * time.Second

// runLogout is `frontdesk logout [--db PATH|URL] [+NUMBER]`.
func runLogout(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("logout", "frontdesk logout [--db PATH|postgres://...] [+NUMBER]", stderr)
	dbPath := fs.String("db", "frontdesk.db", "database file or PostgreSQL URL")
	rest, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	number := ""
	if len(rest) > 0 {
		if len(bot.PhoneID(rest[0]).Digits()) < 7 {
			return usageError(fs, "unexpected argument %q (the number to unlink looks like +39 333 1234567)", rest[0])
		}
		number, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected argument %q (one number at a time)", rest[0])
	}
	return logout(ctx, logoutConfig{DBPath: *dbPath, Number: number, Stdout: stdout, Stderr: stderr, Timeout: logoutTimeout})
}

// logoutConfig is everything logout needs; tests fill it directly.
type logoutConfig struct {
	DBPath string
	// Number is the number to unlink ("+39..."); empty: the only one.
	Number          string
	Stdout, Stderr  io.Writer
	Timeout         time.Duration
	ConfigureClient func(*whatsmeow.Client)
}

// logout unlinks one number's device: through WhatsApp when it can be
// reached (the phone then drops it from "Linked devices"), else only
// locally. A `frontdesk run` serving the number meanwhile sees its session
// replaced, then gone, and stops serving it; it keeps serving the others.
// The business's data (configuration, customers) stays in the database:
// linking the number again finds it.
func logout(ctx context.Context, lc logoutConfig) error {
	log := slog.New(slog.NewTextHandler(lc.Stderr, nil))
	s, err := openSessions(ctx, "logout", lc.DBPath, "give its place with --db", log)
	if err != nil {
		return err
	}
	defer s.Close()
	device, err := s.pick(ctx, "logout", lc.Number)
	if err != nil {
		return err
	}
	if device == nil {
		fmt.Fprintln(lc.Stdout, "This frontdesk is not linked to WhatsApp; nothing to do.")
		return nil
	}
	if !storage.IsPostgres(lc.DBPath) {
		// A run holding the database serves this number: logging out
		// replaces its connection, which it reports and stops; its
		// other numbers go on.
		if l, err := storage.Lock(lc.DBPath); err == nil {
			defer l.Release()
		}
	}
	wa := whatsapp.NewForDevice(s.container, device, whatsapp.Options{Log: log, ConfigureClient: lc.ConfigureClient})
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
