package commands

import (
	"context"
	"frontdesk/bot"
	"strings"
)

func helpCommand() *Command {
	return &Command{
		Name:    "help",
		Aliases: []string{"aiuto", "?"},
		Usage:   "!help [command]",
		Help:    "Lists the commands, or explains one.",
		Example: "!help away",
		Run:     runHelp,
	}
}

// runHelp lists the table, or shows the usage, help and example of one
// (sub)command ("!help away", "!help qr add").
func runHelp(ctx context.Context, c *Call) error {
	if len(c.Args) == 0 {
		var b strings.Builder
		b.WriteString(c.T("Commands:"))
		for _, cmd := range c.Commands() {
			b.WriteString("\n!" + cmd.Name)
			if h := cmd.help(c.Lang()); h != "" {
				b.WriteString(" — " + h)
			}
		}
		b.WriteString("\n" + c.T("Type !help <command> for details."))
		return c.Reply(b.String())
	}
	name := strings.TrimPrefix(c.Args[0], "!")
	cmd := find(c.Commands(), name)
	if cmd == nil {
		return c.Userf("Unknown command !%s. Type !help.", bot.Clip(name, 30))
	}
	for _, w := range c.Args[1:] {
		sub := find(cmd.Subcommands, w)
		if sub == nil {
			break
		}
		cmd = sub
	}
	return c.Reply(describe(c, cmd))
}

// describe is the help of one command: its sentence, usage, subcommands'
// usages and example.
func describe(c *Call, cmd *Command) string {
	var b strings.Builder
	if h := cmd.help(c.Lang()); h != "" {
		b.WriteString(h + "\n")
	}
	if cmd.Usage != "" {
		b.WriteString(c.T("Usage: ") + cmd.Usage)
	}
	for _, sub := range cmd.Subcommands {
		if sub.Usage != "" {
			b.WriteString("\n  " + sub.Usage)
		}
	}
	if cmd.Example != "" {
		b.WriteString("\n" + c.T("Example: ") + cmd.Example)
	}
	return strings.TrimSpace(b.String())
}
