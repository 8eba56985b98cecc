package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mdp/qrterminal/v3"
	"go.mau.fi/whatsmeow/store/sqlstore"
	waLog "go.mau.fi/whatsmeow/util/log"

	"frontdesk/bot"
	"frontdesk/commands/walink"
)

// runLink is `frontdesk link [--db PATH] [--text T] [--out FILE.png]`: the
// wa.me link to the linked account's chat, with optional prefilled text,
// printed with its QR code in the terminal and saved as a PNG for
// printing. It is `!link` for the owner at the computer; the number comes
// from the WhatsApp session in the database, so the bot must have been
// linked once with `frontdesk run`. It sends nothing and may run while the
// bot runs.
func runLink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("link", "frontdesk link [--db PATH] [--text T] [--out FILE.png]", stderr)
	dbPath := fs.String("db", "frontdesk.db", "the bot's database")
	text := fs.String("text", "", fmt.Sprintf("text the customer's message starts with (at most %d characters)", walink.MaxText))
	out := fs.String("out", "frontdesk-link.png", "where to save the QR code image")
	rest, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected %q (quote the text: --text \"...\")", rest[0])
	}
	if *out == "" {
		return &exitError{code: 2, err: errors.New("link: --out needs a file name")}
	}

	self, err := ownNumber(ctx, *dbPath)
	if err != nil {
		return err
	}
	link, err := walink.Link(self, *text)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("link: %w", err)}
	}
	png, err := walink.PNG(link)
	if err != nil {
		return fmt.Errorf("link: %w", err)
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return fmt.Errorf("link: save the QR code: %w", err)
	}
	qrterminal.GenerateHalfBlock(link, qrterminal.M, stdout)
	fmt.Fprintf(stdout, "%s\nQR code saved to %s\n", link, *out)
	return nil
}

// ownNumber reads the linked account's phone number from the WhatsApp
// session kept in the database at path. A missing database is not
// created: that would only hide a wrong --db.
func ownNumber(ctx context.Context, path string) (bot.UserID, error) {
	if err := existingDatabase("link", path, "give its place with --db, or link the bot first with `frontdesk run`"); err != nil {
		return "", err
	}
	db, err := openDatabase(ctx, "link", path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	container := sqlstore.NewWithDB(db.SQL(), db.Dialect(), waLog.Noop)
	if err := container.Upgrade(ctx); err != nil {
		return "", fmt.Errorf("link: read the WhatsApp session: %w", err)
	}
	device, err := container.GetFirstDevice(ctx)
	if err != nil {
		return "", fmt.Errorf("link: read the WhatsApp session: %w", err)
	}
	if device.ID == nil || device.ID.User == "" {
		return "", fmt.Errorf("link: the bot is not linked to a WhatsApp account yet: run `frontdesk run` and scan the QR code first")
	}
	return bot.PhoneID(device.ID.User), nil
}
