package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// This file is !log: the last automatic messages that went out.

// Limits of !log.
const (
	defaultLogLines = 10
	maxLogLines     = 100
)

func logCommand() *Command {
	return &Command{
		Name:    "log",
		Aliases: []string{"registro"},
		Usage:   fmt.Sprintf("!log [n 1-%d]", maxLogLines),
		Help:    "The last automatic messages sent: time, customer, rule, first words.",
		HelpIt:  "Gli ultimi messaggi automatici inviati: ora, cliente, regola, prime parole.",
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
		return 0, c.Usagef("Give at most one number.", "Indica al massimo un numero.")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return 0, c.Usagef("%q is not a number.", "%q non è un numero.", clip(args[0], 30))
	}
	if n < 1 || n > maxLogLines {
		return 0, c.Usagef("%d is out of range: from 1 to %d.", "%d è fuori intervallo: da 1 a %d.", n, maxLogLines)
	}
	return n, nil
}

func runLog(ctx context.Context, c *Call) error {
	n, err := parseLogCount(c, c.Args)
	if err != nil {
		return err
	}
	sent, err := c.Bot.Store().RecentSent(ctx, n)
	if err != nil {
		return fmt.Errorf("log: %w", err)
	}
	if len(sent) == 0 {
		return c.Reply(c.T("No automatic message has been sent yet.", "Non è ancora stato inviato nessun messaggio automatico."))
	}
	loc := c.Bot.Schedule().Loc
	var s strings.Builder
	if len(sent) == 1 {
		s.WriteString(c.T("The last automatic message:", "L'ultimo messaggio automatico:"))
	} else {
		s.WriteString(c.Tf("The last %d automatic messages, newest first:", "Gli ultimi %d messaggi automatici, dal più recente:", len(sent)))
	}
	for _, o := range sent {
		who := o.Customer
		if who == "" {
			who = o.Chat
		}
		fmt.Fprintf(&s, "\n%s %s (%s) %s", c.stamp(o.SentAt, loc), who, strings.Join(o.Rules, "+"), c.quote(preview(o.Text, 6)))
	}
	return c.Reply(s.String())
}
