package commands

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"frontdesk/bot"
)

// profileField is one business detail of !profile.
type profileField struct {
	name  string // subcommand, and the labels catalog key
	alias string // the Italian subcommand name
	max   int    // limit in characters
	kind  string // "text", "url" or "phone"
	get   func(p *bot.Profile) *string
}

var profileFields = []profileField{
	{bot.N("name"), "nome", bot.MaxNameRunes, "text", func(p *bot.Profile) *string { return &p.Name }},
	{bot.N("about"), "descrizione", bot.MaxAboutRunes, "text", func(p *bot.Profile) *string { return &p.About }},
	{bot.N("website"), "sito", bot.MaxTextRunes, "url", func(p *bot.Profile) *string { return &p.Website }},
	{bot.N("booking"), "prenotazioni", bot.MaxTextRunes, "url", func(p *bot.Profile) *string { return &p.Booking }},
	{bot.N("catalog"), "catalogo", bot.MaxTextRunes, "url", func(p *bot.Profile) *string { return &p.Catalog }},
	{bot.N("phone"), "telefono", bot.MaxTextRunes, "phone", func(p *bot.Profile) *string { return &p.Phone }},
	{bot.N("address"), "indirizzo", bot.MaxTextRunes, "text", func(p *bot.Profile) *string { return &p.Address }},
}

func profileCommand() *Command {
	cmd := &Command{
		Name:    "profile",
		Aliases: []string{"profilo"},
		Usage:   "!profile [name|about|website|booking|catalog|phone|address|location <value>]",
		Help:    "Business details used by the placeholders {business}, {website}, {booking}, {catalog}, {phone}, {address}.",
		Example: "!profile website https://example.com",
		Run:     showProfile,
	}
	for _, f := range profileFields {
		arg := "<text>"
		switch f.kind {
		case "url":
			arg = "<https://...>"
		case "phone":
			arg = "<number>"
		}
		if f.kind == "text" {
			arg = fmt.Sprintf("<text, up to %d characters>", f.max)
		}
		cmd.Subcommands = append(cmd.Subcommands, &Command{
			Name:    f.name,
			Aliases: []string{f.alias},
			Usage:   fmt.Sprintf("!profile %s %s|clear", f.name, arg),
			Run:     func(ctx context.Context, c *Call) error { return setProfile(c, f) },
		})
	}
	cmd.Subcommands = append(cmd.Subcommands, &Command{
		Name:    "location",
		Aliases: []string{"posizione"},
		Usage:   "!profile location <latitude>,<longitude>|clear",
		Run:     setLocation,
	})
	return cmd
}

// setLocation sets the pin a customer (or the owner, in a customer chat)
// gets for /where.
func setLocation(ctx context.Context, c *Call) error {
	value := c.Rest(0)
	if value == "" {
		return c.Usagef("The latitude and longitude are missing, like 45.4642,9.1900.")
	}
	var loc *bot.Location
	if !strings.EqualFold(value, "clear") && !strings.EqualFold(value, "cancella") {
		l, err := bot.ParseLocation(value)
		if err != nil {
			return c.Usagef("Wrong location: %v", err)
		}
		loc = &l
	}
	var shortcutTaken bool
	err := c.Update(func(cfg *bot.Config) error {
		cfg.Profile.Location = loc
		shortcutTaken = findQuickReply(cfg, bot.WhereShortcut) >= 0
		return nil
	})
	if err != nil {
		return fmt.Errorf("save profile location: %w", err)
	}
	if loc == nil {
		return c.Reply(c.Tf("Business %s cleared.", c.T("location")))
	}
	msg := c.Tf("Business location saved: %s. Customers who send %s get it as a pin with your business name and address; typed by you in a chat, %s is replaced by the pin.", loc.String(), bot.WhereShortcut, bot.WhereShortcut)
	if shortcutTaken {
		msg += "\n" + c.Tf("Note: your quick reply %s answers instead; delete it with !qr del %s to send the pin.", bot.WhereShortcut, bot.WhereShortcut)
	}
	return c.Reply(msg)
}

func showProfile(ctx context.Context, c *Call) error {
	if len(c.Args) > 0 {
		return c.Usagef("Unknown detail %q.", bot.Clip(c.Args[0], 30))
	}
	cfg := c.Bot.Config()
	var b strings.Builder
	b.WriteString(c.T("Business details:"))
	for _, f := range profileFields {
		v := *f.get(&cfg.Profile)
		if v == "" {
			v = c.T("(not set)")
		}
		fmt.Fprintf(&b, "\n%s: %s", c.T(f.name), v)
	}
	loc := c.T("(not set)")
	if l := cfg.Profile.Location; l != nil {
		loc = l.String() + " (" + bot.WhereShortcut + ")"
	}
	fmt.Fprintf(&b, "\n%s: %s", c.T("location"), loc)
	return c.Reply(b.String())
}

func setProfile(c *Call, f profileField) error {
	value := c.Rest(0)
	if value == "" {
		return c.Usagef("The value is missing.")
	}
	cleared := len(c.Args) == 1 && (strings.EqualFold(value, "clear") || strings.EqualFold(value, "cancella"))
	if cleared {
		value = ""
	}
	switch {
	case cleared:
	case bot.ValidName(value) != nil:
		return c.Usagef("Business details are one line of ordinary characters: no line breaks, tabs or control characters.")
	case utf8.RuneCountInString(value) > f.max:
		return c.Usagef("Too long: %d characters; the limit is %d.", utf8.RuneCountInString(value), f.max)
	case f.kind == "url" && bot.ValidURL(value) != nil:
		return c.Usagef("%q is not a web address: write it in full, starting with https://", bot.Clip(value, 40))
	case f.kind == "phone" && bot.ValidPhone(value) != nil:
		return c.Usagef("%q is not a phone number: use digits, optionally with a leading + and spaces.", bot.Clip(value, 40))
	case strings.ContainsAny(value, "{}"):
		return c.Usagef("Business details cannot hold { or }.")
	}
	err := c.Update(func(cfg *bot.Config) error {
		*f.get(&cfg.Profile) = value
		return nil
	})
	if err != nil {
		return fmt.Errorf("save profile %s: %w", f.name, err)
	}
	label := c.T(f.name)
	if cleared {
		return c.Reply(c.Tf("Business %s cleared.", label))
	}
	return c.Reply(c.Tf("Business %s saved: %s", label, value))
}
