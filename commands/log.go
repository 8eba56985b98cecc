package commands

import (
	"context"
	"fmt"
	"frontdesk/bot"
	"strconv"
	"strings"
)

// This file is !log: the last automatic messages that went out. "!log 100"
// asks for the last 100; they come 30 a page, "!log 100 2" the second.

// Limits of !log.
const (
	defaultLogLines = 10
	maxLogLines     = 100
)

func logCommand() *Command {
	return &Command{
		Name:    "log",
		Aliases: []string{"registro"},
		Usage:   fmt.Sprintf("!log [n 1-%d] [page]", maxLogLines),
		Help:    "The last automatic messages sent: time, customer, rule, first words.",
		Example: "!log 20",
		Run:     runLog,
	}
}

// parseLogCount reads the optional count of !log (default 10, 1-100).
func parseLogCount(c *Call, args []string) (int, error) {
	switch len(args) {
	case 0:
		return defaultLogLines, nil
	case 1:
	default:
		return 0, c.Usagef("Give at most how many messages and a page number.")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return 0, c.Usagef("%q is not a number.", bot.Clip(args[0], 30))
	}
	if n < 1 || n > maxLogLines {
		return 0, c.Usagef("%d is out of range: from 1 to %d.", n, maxLogLines)
	}
	return n, nil
}

func runLog(ctx context.Context, c *Call) error {
	args, pageWord := c.Args, ""
	if len(args) == 2 {
		args, pageWord = args[:1], args[1]
	}
	n, err := parseLogCount(c, args)
	if err != nil {
		return err
	}
	p, err := pageArg(c, pageWord)
	if err != nil {
		return err
	}
	sent, err := c.Bot.RecentSent(ctx, n)
	if err != nil {
		return fmt.Errorf("log: %w", err)
	}
	if len(sent) == 0 {
		return c.Reply(c.T("No automatic message has been sent yet."))
	}
	loc := c.Bot.Schedule().Loc
	title := c.T("The last automatic message:")
	if len(sent) > 1 {
		title = c.Tf("The last %d automatic messages, newest first:", len(sent))
	}
	lines := make([]string, len(sent))
	for i, o := range sent {
		who := o.Customer
		if who == "" {
			who = o.Chat
		}
		lines[i] = fmt.Sprintf("%s %s (%s) %s", c.stamp(o.SentAt, loc), who, strings.Join(bot.RuleNames(c.Lang(), o.Rules), "+"), c.quote(preview(o.AllText(), 6)))
	}
	return c.replyPage(title, lines, p, fmt.Sprintf("!log %d %%d", n))
}
