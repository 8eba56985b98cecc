package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"frontdesk/bot"
)

// The away message and the greeting share one command shape (on, off,
// text, when, after, shift): messageKind describes what differs, and
// messageCommand builds either family from it.

// messageFields points into one Config at the settings of one message.
type messageFields struct {
	On     *bool
	Text   *string
	When   *string
	After  *int
	Shifts *[]bot.Shift
	// Variants are the text in other languages (variants.go).
	Variants *bot.Variants
}

// messageKind is what differs between !away and !greeting.
type messageKind struct {
	name               string // command name
	noun               string // catalog key: "away message"
	textSaved          string // catalog key: "Away message text saved."
	help               string // catalog key
	example            string
	whens              []string
	afterMin, afterMax int
	afterUnit          string // catalog key: "minutes"
	fields             func(cfg *bot.Config) messageFields
}

var awayKind = messageKind{
	name:      "away",
	noun:      bot.N("away message"),
	textSaved: bot.N("Away message text saved."),
	help:      bot.N("The message customers get when you are closed or away."),
	example:   "!away text Hi {name}! We are closed now; we will answer {next_open}.",
	whens:     []string{bot.WhenClosed, bot.WhenAlways},
	afterMin:  bot.MinAwayAfter, afterMax: bot.MaxAwayAfter,
	afterUnit: bot.N("minutes"),
	fields: func(cfg *bot.Config) messageFields {
		a := &cfg.Away
		return messageFields{&a.On, &a.Text, &a.When, &a.AfterMinutes, &a.Shifts, &a.Variants}
	},
}

func awayCommand() *Command { return messageCommand(awayKind) }

// messageCommand builds the !away or !greeting family.
func messageCommand(k messageKind) *Command {
	n := "!" + k.name
	whens := strings.Join(k.whens, "|")
	after := fmt.Sprintf("%s after <%s %d-%d>", n, k.afterUnit, k.afterMin, k.afterMax)
	return &Command{
		Name:    k.name,
		Usage:   fmt.Sprintf("%s on|off|text <text>|when %s|after <%d-%d>|shift ...", n, whens, k.afterMin, k.afterMax),
		Help:    k.help,
		Example: k.example,
		Run:     func(ctx context.Context, c *Call) error { return showMessage(c, k) },
		Subcommands: []*Command{
			{Name: "on", Aliases: []string{"si", "sì"}, Usage: n + " on", Run: func(ctx context.Context, c *Call) error { return setMessageOn(c, k, true) }},
			{Name: "off", Aliases: []string{"no"}, Usage: n + " off", Run: func(ctx context.Context, c *Call) error { return setMessageOn(c, k, false) }},
			{Name: "text", Aliases: []string{"testo"}, Usage: n + " text [language|main] <text>", Help: "Sets the main text. With a language code first (it, es, pt, de, fr), the text for customers whose number's country speaks it. With main first, all that follows is the main text, even when it begins with a code: main de lunes a viernes…", Run: func(ctx context.Context, c *Call) error { return setMessageText(c, k) }},
			{Name: "when", Aliases: []string{"quando"}, Usage: n + " when " + whens, Run: func(ctx context.Context, c *Call) error { return setMessageWhen(c, k) }},
			{Name: "after", Aliases: []string{"dopo"}, Usage: after, Run: func(ctx context.Context, c *Call) error { return setMessageAfter(c, k) }},
			{
				Name:  "shift",
				Usage: n + " shift <HH:MM-HH:MM> <text> | shift del <HH:MM-HH:MM> | shift list",
				Run:   func(ctx context.Context, c *Call) error { return addShift(c, k) },
				Subcommands: []*Command{
					{Name: "del", Aliases: []string{"delete", "rm", "remove"}, Usage: n + " shift del <HH:MM-HH:MM>", Run: func(ctx context.Context, c *Call) error { return delShift(c, k) }},
					{Name: "list", Aliases: []string{"ls"}, Usage: n + " shift list", Run: func(ctx context.Context, c *Call) error { return listShifts(c, k) }},
				},
			},
		},
	}
}

// label is the message's name in the answer's language.
func (k messageKind) label(c *Call) string { return c.T(k.noun) }

// Title is the label with a capital letter, to start an answer.
func (k messageKind) title(c *Call) string {
	l := k.label(c)
	return strings.ToUpper(l[:1]) + l[1:]
}

// noArgs refuses extra words after a command that takes none.
func noArgs(c *Call) error {
	if len(c.Args) > 0 {
		return c.Usagef("Unexpected %q.", bot.Clip(c.Rest(0), 30))
	}
	return nil
}

func showMessage(c *Call, k messageKind) error {
	if len(c.Args) > 0 {
		return c.Usagef("Unknown option %q.", bot.Clip(c.Args[0], 30))
	}
	cfg := c.Bot.Config()
	f := k.fields(&cfg)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", k.title(c), c.onOff(*f.On))
	fmt.Fprintf(&b, c.T("Text: %s\n"), c.quote(*f.Text))
	if len(*f.Variants) > 0 {
		b.WriteString(formatVariants(c, *f.Variants) + "\n")
	}
	fmt.Fprintf(&b, c.T("When: %s\n"), c.whenWord(*f.When))
	fmt.Fprintf(&b, c.T("After: %d %s"), *f.After, c.T(k.afterUnit))
	if len(*f.Shifts) > 0 {
		b.WriteString("\n" + formatShifts(c, *f.Shifts))
	}
	return c.Reply(b.String())
}

func setMessageOn(c *Call, k messageKind, on bool) error {
	if err := noArgs(c); err != nil {
		return err
	}
	err := c.Update(func(cfg *bot.Config) error {
		*k.fields(cfg).On = on
		return nil
	})
	var refused *UserError
	if errors.As(err, &refused) && on {
		cfg := c.Bot.Config()
		if strings.TrimSpace(*k.fields(&cfg).Text) == "" {
			return c.Userf("%s has no text yet: set it first with !%s text <text>, then !%s on.", k.title(c), k.name, k.name)
		}
	}
	if err != nil {
		return fmt.Errorf("switch %s: %w", k.name, err)
	}
	cfg := c.Bot.Config()
	f := k.fields(&cfg)
	msg := c.Tf("%s is now %s.", k.title(c), c.onOff(on))
	if on && strings.TrimSpace(*f.Text) == "" && len(*f.Shifts) == 0 {
		msg += "\n" + c.Tf("Warning: its text is empty, so nothing is sent yet. Set it with !%s text <text>.", k.name)
	}
	if on && k.name == "away" && *f.When == bot.WhenClosed && !cfg.Hours.Set && len(cfg.Holidays) == 0 {
		msg += "\n" + c.T("Warning: no opening hours are set, so you are always open and it never fires. Set !hours, or use !away when always.")
	}
	return c.Reply(msg)
}

// validText checks a customer-facing text and turns the bot's reason into
// an answer.
func validText(c *Call, text string) error {
	if strings.TrimSpace(text) == "" {
		return c.Usagef("The text is missing.")
	}
	if err := bot.ValidateText(text); err != nil {
		return c.Userf("Text refused: %v", err)
	}
	return nil
}

func setMessageText(c *Call, k messageKind) error {
	if len(c.Args) == 1 && bot.IsLanguage(c.Args[0]) {
		return c.Usagef("Give the text in %s after %s, or del to delete it.", bot.LanguageName(c.Lang(), c.Args[0]), c.Args[0])
	}
	if lang := variantLang(c, 0); lang != "" {
		whole := c.Rest(0)
		return saveVariant(c, k.title(c), lang, c.Rest(1), func(cfg *bot.Config) (*bot.Variants, error) {
			return k.fields(cfg).Variants, nil
		}, func(cfg *bot.Config) string {
			if *k.fields(cfg).Text == "" {
				return c.Tf("The main text is still empty: customers whose number's country speaks another language get nothing. To make all of it the main text, send: !%s text main %s", k.name, whole)
			}
			return c.Tf("If “%s” was the first word of the main text instead, send: !%s text main %s", lang, k.name, whole)
		})
	}
	text := c.Rest(0)
	if len(c.Args) > 0 && c.Args[0] == mainWord {
		text = c.Rest(1)
	}
	if err := validText(c, text); err != nil {
		return err
	}
	err := c.Update(func(cfg *bot.Config) error {
		*k.fields(cfg).Text = text
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %s text: %w", k.name, err)
	}
	cfg := c.Bot.Config()
	msg := c.T(k.textSaved)
	if !*k.fields(&cfg).On {
		msg += " " + c.Tf("It is off: turn it on with !%s on.", k.name)
	}
	return c.Reply(msg)
}

func setMessageWhen(c *Call, k messageKind) error {
	if len(c.Args) != 1 {
		return c.Usagef("Say when: %s.", strings.Join(k.whens, ", "))
	}
	when := strings.ToLower(c.Args[0])
	switch when {
	case "sempre":
		when = bot.WhenAlways
	case "chiuso":
		when = bot.WhenClosed
	case "aperto":
		when = bot.WhenOpen
	}
	valid := false
	for _, w := range k.whens {
		valid = valid || w == when
	}
	if !valid {
		return c.Usagef("%q is not one of %s.", bot.Clip(c.Args[0], 30), strings.Join(k.whens, ", "))
	}
	err := c.Update(func(cfg *bot.Config) error {
		*k.fields(cfg).When = when
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %s when: %w", k.name, err)
	}
	return c.Reply(c.Tf("%s: when %s.", k.title(c), c.whenWord(when)))
}

func setMessageAfter(c *Call, k messageKind) error {
	if len(c.Args) != 1 {
		return c.Usagef("Give one number of %s.", c.T(k.afterUnit))
	}
	s := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(c.Args[0]), "m"), "d")
	n, err := strconv.Atoi(s)
	if err != nil {
		return c.Usagef("%q is not a number.", bot.Clip(c.Args[0], 30))
	}
	if n < k.afterMin || n > k.afterMax {
		return c.Usagef("%d is out of range: from %d to %d %s.",
			n, k.afterMin, k.afterMax, c.T(k.afterUnit))
	}
	err = c.Update(func(cfg *bot.Config) error {
		*k.fields(cfg).After = n
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %s after: %w", k.name, err)
	}
	return c.Reply(c.Tf("%s: after %d %s.", k.title(c), n, c.T(k.afterUnit)))
}

// parseWindowArg reads a shift window and turns the bot's reason into a
// usage error.
func parseWindowArg(c *Call, s string) (bot.Window, error) {
	w, err := bot.ParseWindow(s)
	if err != nil {
		return bot.Window{}, c.Usagef("Wrong time window: %v", err)
	}
	return w, nil
}

func addShift(c *Call, k messageKind) error {
	if len(c.Args) == 0 {
		return c.Usagef("Give a time window and a text.")
	}
	w, err := parseWindowArg(c, c.Args[0])
	if err != nil {
		return err
	}
	text := c.Rest(1)
	if err := validText(c, text); err != nil {
		return err
	}
	replaced := false
	err = c.Update(func(cfg *bot.Config) error {
		shifts := k.fields(cfg).Shifts
		replaced = false
		for i, s := range *shifts {
			if s.Window == w {
				(*shifts)[i].Text = text
				replaced = true
				return nil
			}
		}
		if err := bot.CheckShiftOverlap(*shifts, w); err != nil {
			return c.Userf("Shift refused: %v", err)
		}
		*shifts = append(*shifts, bot.Shift{Window: w, Text: text})
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %s shift: %w", k.name, err)
	}
	if replaced {
		return c.Reply(c.Tf("%s for %s replaced.", k.title(c), bot.FormatWindow(w)))
	}
	return c.Reply(c.Tf("%s for %s saved: used for messages arriving in that window, any day.", k.title(c), bot.FormatWindow(w)))
}

func delShift(c *Call, k messageKind) error {
	if len(c.Args) != 1 {
		return c.Usagef("Give the time window of the shift to delete.")
	}
	w, err := parseWindowArg(c, c.Args[0])
	if err != nil {
		return err
	}
	err = c.Update(func(cfg *bot.Config) error {
		shifts := k.fields(cfg).Shifts
		for i, s := range *shifts {
			if s.Window == w {
				*shifts = append((*shifts)[:i:i], (*shifts)[i+1:]...)
				return nil
			}
		}
		if len(*shifts) == 0 {
			return c.Userf("There is no shift %s: none is set.", bot.FormatWindow(w))
		}
		var have []string
		for _, s := range *shifts {
			have = append(have, bot.FormatWindow(s.Window))
		}
		return c.Userf("There is no shift %s. Shifts: %s.", bot.FormatWindow(w), strings.Join(have, ", "))
	})
	if err != nil {
		return fmt.Errorf("delete %s shift: %w", k.name, err)
	}
	return c.Reply(c.Tf("Shift %s deleted.", bot.FormatWindow(w)))
}

func listShifts(c *Call, k messageKind) error {
	if err := noArgs(c); err != nil {
		return err
	}
	cfg := c.Bot.Config()
	shifts := *k.fields(&cfg).Shifts
	if len(shifts) == 0 {
		return c.Reply(c.Tf("No shifts: the main text is always used. Add one with !%s shift 09:00-17:00 <text>.", k.name))
	}
	return c.Reply(formatShifts(c, shifts))
}

func formatShifts(c *Call, shifts []bot.Shift) string {
	var b strings.Builder
	b.WriteString(c.T("Shifts:"))
	for _, s := range shifts {
		b.WriteString("\n" + bot.FormatWindow(s.Window) + " " + c.quote(s.Text))
	}
	return b.String()
}
