package commands

import (
	"context"
	"fmt"
	"strings"

	"frontdesk/bot"
)

// This file is !forget: a customer's right to be forgotten. Everything
// stored about them goes — under their phone number and under the hidden
// id (LID) WhatsApp may use for them — in one transaction.

func forgetCommand() *Command {
	return &Command{
		Name:    "forget",
		Aliases: []string{"dimentica"},
		Usage:   "!forget <phone number | lid:DIGITS>",
		Help:    "Deletes everything stored about one customer.",
		Example: "!forget +39 333 1234567",
		Run:     runForget,
	}
}

// forgetTarget reads the customer to forget: a phone number as people
// write it, or "lid:DIGITS" as !log may show it.
func forgetTarget(c *Call, s string) (bot.UserID, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToLower(s), "lid:") {
		id := bot.ParseUserID(s)
		if id == "" || strings.ContainsFunc(s[4:], func(r rune) bool { return r < '0' || r > '9' }) {
			return "", c.Usagef("%q is not a hidden id: write lid: and its digits.", bot.Clip(s, 30))
		}
		return id, nil
	}
	return parsePhone(c, s)
}

func runForget(ctx context.Context, c *Call) error {
	id, err := forgetTarget(c, c.Rest(0))
	if err != nil {
		return err
	}
	if id == c.Bot.Self() {
		return c.Userf("%s is your own number, not a customer.", id)
	}
	n, err := c.Bot.Forget(ctx, id)
	if err != nil {
		return fmt.Errorf("forget customer: %w", err)
	}
	if n == 0 {
		return c.Reply(c.Tf("Nothing was stored about %s.", id))
	}
	return c.Reply(c.Tf("Forgotten: %d stored records about %s were deleted.", n, id))
}
