package commands

import (
	"context"
	"fmt"
	"strings"

	"frontdesk/bot"
)

// This file is !admin: team members who may give commands from their own
// 1:1 chat with the business. They are stored by phone number
// (cfg.Admins); the engine also recognises them when WhatsApp addresses
// them by LID, through the identity mapping. Only the owner may add or
// remove admins (an admin could otherwise lock the owner's team out or
// let anyone in); admins may list them.

func adminCommand() *Command {
	return &Command{
		Name:    "admin",
		Aliases: []string{"admins", "team"},
		Usage:   "!admin add|del|list <number>",
		Help:    "Team members who may give commands from their own chat with the business.",
		Example: "!admin add +39 333 1234567",
		Run:     func(ctx context.Context, c *Call) error { return listAdmins(c) },
		Subcommands: []*Command{
			{Name: "add", Aliases: []string{"aggiungi"}, Usage: "!admin add <phone number>", Help: "Adds a team member.", Example: "!admin add +39 333 1234567", Run: addAdmin},
			{Name: "del", Aliases: []string{"delete", "rm", "remove", "elimina"}, Usage: "!admin del <phone number>", Help: "Removes a team member.", Example: "!admin del +39 333 1234567", Run: delAdmin},
			{Name: "list", Aliases: []string{"ls", "elenco"}, Usage: "!admin list", Help: "Lists the team members.", Example: "!admin list", Run: func(ctx context.Context, c *Call) error { return listAdmins(c) }},
		},
	}
}

// parsePhone reads a phone number as people write it ("+39 333 123-4567")
// and returns its digits. Only digits, spaces, "+", "-", ".", "(" and ")"
// may appear, with 6 to 15 digits. A number starting with 00 is refused:
// that is an exit code, not part of the number, and stored with it the
// number would never match the sender WhatsApp reports.
func parsePhone(c *Call, s string) (bot.UserID, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", c.Usagef("The phone number is missing.")
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || strings.ContainsRune(" +-.()", r)) {
			return "", c.Usagef("%q is not a phone number: write it with the country code, like +39 333 1234567.", bot.Clip(s, 30))
		}
	}
	id := bot.PhoneID(s)
	if n := len(id); n < bot.MinPhoneDigits || n > bot.MaxPhoneDigits {
		return "", c.Usagef("%q has %d digits; a phone number with country code has %d to %d.", bot.Clip(s, 30), n, bot.MinPhoneDigits, bot.MaxPhoneDigits)
	}
	if strings.HasPrefix(string(id), "00") {
		return "", c.Usagef("%q starts with 00: write the country code with +, like +39 333 1234567.", bot.Clip(s, 30))
	}
	// Whatever else the stored-admin rule refuses (the same rule !import
	// applies) is refused here too.
	if err := bot.ValidAdmin(id, ""); err != nil {
		return "", c.Usagef("%q is not a phone number: write it with the country code, like +39 333 1234567.", bot.Clip(s, 30))
	}
	return id, nil
}

// ownerOnly refuses admin-management commands from admins.
func ownerOnly(c *Call) error {
	if c.Admin {
		return c.Userf("Only the owner can add or remove admins.")
	}
	return nil
}

// adminTarget is the number an !admin add or del is about: given by the
// owner, a phone number, not the owner's own (ownNumber says why not).
func adminTarget(c *Call, ownNumber string) (bot.UserID, error) {
	if err := ownerOnly(c); err != nil {
		return "", err
	}
	id, err := parsePhone(c, c.Rest(0))
	if err != nil {
		return "", err
	}
	if id == c.Bot.Self() {
		return "", c.Userf(ownNumber, id)
	}
	return id, nil
}

func addAdmin(ctx context.Context, c *Call) error {
	id, err := adminTarget(c, bot.N("%s is the owner's own number: the owner always commands the bot and cannot be added as an admin."))
	if err != nil {
		return err
	}
	err = c.Update(func(cfg *bot.Config) error {
		for _, a := range cfg.Admins {
			if a == id {
				return c.Userf("%s is already an admin.", id)
			}
		}
		cfg.Admins = append(cfg.Admins, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("add admin: %w", err)
	}
	return c.Reply(c.Tf("%s is now an admin: they can send commands (like !status) in their chat with you, and never get automatic replies.", id))
}

func delAdmin(ctx context.Context, c *Call) error {
	id, err := adminTarget(c, bot.N("%s is the owner's own number: the owner cannot be removed."))
	if err != nil {
		return err
	}
	err = c.Update(func(cfg *bot.Config) error {
		for i, a := range cfg.Admins {
			if a == id {
				cfg.Admins = append(cfg.Admins[:i:i], cfg.Admins[i+1:]...)
				return nil
			}
		}
		return c.Userf("%s is not an admin. See !admin list.", id)
	})
	if err != nil {
		return fmt.Errorf("remove admin: %w", err)
	}
	return c.Reply(c.Tf("%s is no longer an admin.", id))
}

func listAdmins(c *Call) error {
	if len(c.Args) > 0 {
		return c.Usagef("Unknown option %q.", bot.Clip(c.Args[0], 30))
	}
	cfg := c.Bot.Config()
	if len(cfg.Admins) == 0 {
		return c.Reply(c.T("No admins: only you give commands. Add one with !admin add +39 333 1234567."))
	}
	var s strings.Builder
	s.WriteString(c.T("Admins:"))
	for _, a := range cfg.Admins {
		s.WriteString("\n" + a.String())
	}
	return c.Reply(s.String())
}
