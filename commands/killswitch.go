package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"frontdesk/bot"
)

// The kill switch: !off stops every automatic message at once,
// !pause is !off with an automatic resume, !on resumes and runs !check.

// Pause limits.
const (
	minPause = time.Minute
	maxPause = 30 * 24 * time.Hour
)

func offCommand() *Command {
	return &Command{
		Name:    "off",
		Aliases: []string{"stop", "spegni"},
		Usage:   "!off",
		Help:    "Stops every automatic message at once, until !on.",
		Example: "!off",
		Run:     runOff,
	}
}

func onCommand() *Command {
	return &Command{
		Name:    "on",
		Aliases: []string{"start", "accendi"},
		Usage:   "!on",
		Help:    "Turns automatic messages back on and reviews the setup.",
		Example: "!on",
		Run:     runOn,
	}
}

func pauseCommand() *Command {
	return &Command{
		Name:    "pause",
		Aliases: []string{"pausa"},
		Usage:   "!pause <duration, like 30m, 2h, 1h30m or 1d>",
		Help:    "Stops automatic messages for a while; they resume by themselves.",
		Example: "!pause 2h",
		Run:     runPause,
	}
}

// stoppedNote says how many waiting messages the stop threw away, and
// whether one was already on its way (it went out before this answer).
func stoppedNote(c *Call, st bot.Stopped) string {
	note := discardedNote(c, st.Discarded)
	if st.OnItsWay > 0 {
		note += " " + c.T("1 message was already on its way and has gone out; nothing more will.")
	}
	return note
}

// discardedNote says how many waiting messages the stop threw away.
func discardedNote(c *Call, n int) string {
	switch n {
	case 0:
		return c.T("No message was waiting.")
	case 1:
		return c.T("1 waiting message was discarded.")
	}
	return c.Tf("%d waiting messages were discarded.", n)
}

func runOff(ctx context.Context, c *Call) error {
	if err := noArgs(c); err != nil {
		return err
	}
	n, err := c.Bot.SetKillSwitch(ctx, bot.KillSwitch{Off: true, Reason: "!off"})
	if err != nil {
		return fmt.Errorf("turn kill switch on: %w", err)
	}
	return c.Reply(c.T("Automatic replies are OFF: nothing automatic goes out until !on.") + " " + stoppedNote(c, n))
}

func runOn(ctx context.Context, c *Call) error {
	if err := noArgs(c); err != nil {
		return err
	}
	was := c.Bot.KillSwitch()
	if _, err := c.Bot.SetKillSwitch(ctx, bot.KillSwitch{}); err != nil {
		return fmt.Errorf("turn kill switch off: %w", err)
	}
	msg := c.T("Automatic replies are ON. Messages that came in meanwhile are not answered.")
	if !was.Active(c.At) {
		msg = c.T("Automatic replies are ON (they already were).")
	}
	if err := c.Reply(msg); err != nil {
		return err
	}
	return runCheck(ctx, c)
}

// parsePause reads a Go duration ("2h", "1h30m") or days ("1d", "2d",
// "1d12h").
func parsePause(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	var total time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		days, err := strconv.Atoi(s[:i])
		if err != nil || days < 0 || days > 366 {
			return 0, bot.Problemf("%q is not a duration", s)
		}
		total = time.Duration(days) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return total, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, bot.Problemf("%q is not a duration", s)
	}
	return total + d, nil
}

func runPause(ctx context.Context, c *Call) error {
	if len(c.Args) != 1 {
		return c.Usagef("Give one duration.")
	}
	d, err := parsePause(c.Args[0])
	if err != nil {
		return c.Usagef("%q is not a duration: write 30m, 2h, 1h30m or 2d.", bot.Clip(c.Args[0], 20))
	}
	if d < minPause || d > maxPause {
		return c.Usagef("%s is out of range: from 1 minute to 30 days.", bot.Clip(c.Args[0], 20))
	}
	until := c.At.Add(d)
	n, err := c.Bot.SetKillSwitch(ctx, bot.KillSwitch{Off: true, Until: until, Reason: "!pause " + c.Args[0]})
	if err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	when := bot.FormatNextOpen(c.At, until, c.Bot.Schedule().Loc, c.Lang())
	return c.Reply(c.Tf("Automatic replies paused until %s; they resume by themselves (or now with !on).", when) + " " + stoppedNote(c, n))
}
