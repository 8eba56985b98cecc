package commands

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"frontdesk/commands/walink"
)

func linkCommand() *Command {
	return &Command{
		Name:    "link",
		Aliases: []string{"qrcode"},
		Usage:   "!link [text, at most 140 characters]",
		Help:    "The wa.me link to your chat, with optional prefilled text, and its QR code for posters and the counter.",
		Example: "!link I would like to order",
		Run:     runLink,
	}
}

// runLink sends the link and its QR code as one image, to whoever asked:
// the caption is the link itself, so it can be copied from the chat too.
func runLink(ctx context.Context, c *Call) error {
	text := c.Rest(0)
	link, err := walink.Link(c.Bot.Self(), text)
	switch {
	case errors.Is(err, walink.ErrTextTooLong):
		return c.Usagef("The text is %d characters long; a link takes at most %d.",
			utf8.RuneCountInString(text), walink.MaxText)
	case errors.Is(err, walink.ErrNoNumber):
		return c.Userf("The bot does not know this account's phone number yet, so it cannot make the link. Try again once it is linked and connected.")
	case err != nil:
		return c.Usagef("The text cannot be put in a link: %v.", err)
	}
	png, err := walink.PNG(link)
	if err != nil {
		return fmt.Errorf("link QR code: %w", err)
	}
	if err := c.Bot.SayImage(ctx, c.Chat, png, link); err != nil {
		return fmt.Errorf("send link QR code: %w", err)
	}
	return nil
}
