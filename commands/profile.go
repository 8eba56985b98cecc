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
	name, it string // subcommand and its Italian label
	max      int    // limit in characters
	kind     string // "text", "url" or "phone"
	get      func(p *bot.Profile) *string
}

var profileFields = []profileField{
	{"name", "nome", bot.MaxNameRunes, "text", func(p *bot.Profile) *string { return &p.Name }},
	{"about", "descrizione", bot.MaxAboutRunes, "text", func(p *bot.Profile) *string { return &p.About }},
	{"website", "sito", bot.MaxTextRunes, "url", func(p *bot.Profile) *string { return &p.Website }},
	{"booking", "prenotazioni", bot.MaxTextRunes, "url", func(p *bot.Profile) *string { return &p.Booking }},
	{"catalog", "catalogo", bot.MaxTextRunes, "url", func(p *bot.Profile) *string { return &p.Catalog }},
	{"phone", "telefono", bot.MaxTextRunes, "phone", func(p *bot.Profile) *string { return &p.Phone }},
	{"address", "indirizzo", bot.MaxTextRunes, "text", func(p *bot.Profile) *string { return &p.Address }},
}

func profileCommand() *Command {
	cmd := &Command{
		Name:    "profile",
		Aliases: []string{"profilo"},
		Usage:   "!profile [name|about|website|booking|catalog|phone|address <value>]",
		Help:    "Business details used by the placeholders {business}, {website}, {booking}, {catalog}, {phone}, {address}.",
		HelpIt:  "Dati dell'attività usati dai segnaposto {business}, {website}, {booking}, {catalog}, {phone}, {address}.",
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
			Aliases: []string{f.it},
			Usage:   fmt.Sprintf("!profile %s %s|clear", f.name, arg),
			Run:     func(ctx context.Context, c *Call) error { return setProfile(c, f) },
		})
	}
	return cmd
}

func showProfile(ctx context.Context, c *Call) error {
	if len(c.Args) > 0 {
		return c.Usagef("Unknown detail %q.", "Dato sconosciuto %q.", clip(c.Args[0], 30))
	}
	cfg := c.Bot.Config()
	var b strings.Builder
	b.WriteString(c.T("Business details:", "Dati dell'attività:"))
	for _, f := range profileFields {
		v := *f.get(&cfg.Profile)
		if v == "" {
			v = c.T("(not set)", "(non impostato)")
		}
		fmt.Fprintf(&b, "\n%s: %s", c.T(f.name, f.it), v)
	}
	return c.Reply(b.String())
}

func setProfile(c *Call, f profileField) error {
	value := c.Rest(0)
	if value == "" {
		return c.Usagef("The value is missing.", "Manca il valore.")
	}
	cleared := len(c.Args) == 1 && (strings.EqualFold(value, "clear") || strings.EqualFold(value, "cancella"))
	if cleared {
		value = ""
	}
	switch {
	case cleared:
	case bot.ValidName(value) != nil:
		return c.Usagef("Business details are one line of ordinary characters: no line breaks, tabs or control characters.",
			"I dati dell'attività sono una riga di caratteri normali: niente a capo, tabulazioni o caratteri di controllo.")
	case utf8.RuneCountInString(value) > f.max:
		return c.Usagef("Too long: %d characters; the limit is %d.", "Troppo lungo: %d caratteri; il limite è %d.", utf8.RuneCountInString(value), f.max)
	case f.kind == "url" && bot.ValidURL(value) != nil:
		return c.Usagef("%q is not a web address: write it in full, starting with https://", "%q non è un indirizzo web: scrivilo per intero, iniziando con https://", clip(value, 40))
	case f.kind == "phone" && bot.ValidPhone(value) != nil:
		return c.Usagef("%q is not a phone number: use digits, optionally with a leading + and spaces.", "%q non è un numero di telefono: usa cifre, eventualmente con + iniziale e spazi.", clip(value, 40))
	case strings.ContainsAny(value, "{}"):
		return c.Usagef("Business details cannot hold { or }.", "I dati dell'attività non possono contenere { o }.")
	}
	err := c.Update(func(cfg *bot.Config) error {
		*f.get(&cfg.Profile) = value
		return nil
	})
	if err != nil {
		return fmt.Errorf("save profile %s: %w", f.name, err)
	}
	label := c.T(f.name, f.it)
	if cleared {
		return c.Reply(c.Tf("Business %s cleared.", "%s dell'attività cancellato.", label))
	}
	return c.Reply(c.Tf("Business %s saved: %s", "%s dell'attività salvato: %s", label, value))
}
