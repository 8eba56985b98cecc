package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mdp/qrterminal/v3"

	"frontdesk/bot"
	"frontdesk/commands/walink"
)

// runWalink is `frontdesk walink [+NUMBER] [--db PATH] [--text T] [--out FILE.png]`: the
// wa.me link to a linked account's chat, with optional prefilled text,
// printed with its QR code in the terminal and saved as a PNG for
// printing. It is `!link` for the owner at the computer; the number comes
// from the WhatsApp session in the database, so the bot must have been
// linked once; with several numbers linked, NUMBER says which. It sends
// nothing and may run while the bot runs.
func runWalink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("walink", "frontdesk walink [+NUMBER] [--db PATH] [--text T] [--out FILE.png]", stderr)
	dbPath := fs.String("db", "frontdesk.db", "the bot's database")
	text := fs.String("text", "", fmt.Sprintf("text the customer's message starts with (at most %d characters)", walink.MaxText))
	out := fs.String("out", "frontdesk-link.png", "where to save the QR code image")
	rest, help, err := parseFlags(fs, args)
	if help || err != nil {
		return err
	}
	number := ""
	if len(rest) > 0 && len(bot.PhoneID(rest[0]).Digits()) >= 7 && !strings.ContainsAny(rest[0], " \t") {
		number, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected %q (quote the text: --text \"...\")", rest[0])
	}
	if *out == "" {
		return &exitError{code: 2, err: errors.New("walink: --out needs a file name")}
	}

	self, err := ownNumber(ctx, *dbPath, number)
	if err != nil {
		return err
	}
	link, err := walink.Link(self, *text)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("walink: %w", err)}
	}
	png, err := walink.PNG(link)
	if err != nil {
		return fmt.Errorf("walink: %w", err)
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return fmt.Errorf("walink: save the QR code: %w", err)
	}
	qrterminal.GenerateHalfBlock(link, qrterminal.M, stdout)
	fmt.Fprintf(stdout, "%s\nQR code saved to %s\n", link, *out)
	return nil
}

// ownNumber reads the phone number of the linked account number (or of
// the only one, when number is empty) from the WhatsApp sessions kept in
// the database at path. A missing database is not created: that would
// only hide a wrong --db.
func ownNumber(ctx context.Context, path, number string) (bot.UserID, error) {
	s, err := openSessions(ctx, "walink", path, "give its place with --db, or link the bot first with `frontdesk run`", nil)
	if err != nil {
		return "", err
	}
	defer s.Close()
	device, err := s.pick(ctx, "walink", number)
	if err != nil {
		return "", err
	}
	if device == nil {
		return "", fmt.Errorf("walink: the bot is not linked to a WhatsApp account yet: run `frontdesk run` and scan the QR code first")
	}
	return bot.PhoneID(device.ID.User), nil
}
