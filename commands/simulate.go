package commands

import (
	"context"
	"strings"
	"time"

	"frontdesk/bot"
)

// This file is !simulate: what a customer writing a text at a given moment
// would receive, and which rule decided. It asks the engine
// (bot.Simulate), which decides with the real rules but sends and records
// nothing; the answer goes only to the chat that asked.

func simulateCommand() *Command {
	return &Command{
		Name:    "simulate",
		Aliases: []string{"sim", "simula"},
		Usage:   "!simulate <mon..sun|today|tomorrow|YYYY-MM-DD> <HH:MM> [new|known] <text>",
		Help:    "Shows what a customer writing that text at that moment would get, and why; sends nothing to anyone.",
		Example: "!simulate sat 21:30 new hello, are you open?",
		Run:     runSimulate,
	}
}

// simArgs is a parsed !simulate.
type simArgs struct {
	At  time.Time
	New bool
	// Text starts at this argument index (for Call.Rest).
	TextArg int
}

// parseSimulate reads the day, time and customer kind of !simulate. The
// day is a weekday (English or Italian, any case: its next occurrence on
// or after today, so "mon" on a Monday is today even if the time has
// passed), "today", "tomorrow" (also "oggi", "domani") or a date
// YYYY-MM-DD; the time is HH:MM from 00:00 to 23:59, in loc. The customer
// is "new" unless "known" follows (also "nuovo", "noto").
func parseSimulate(c *Call, args []string, now time.Time, loc *time.Location) (simArgs, error) {
	if len(args) < 2 {
		return simArgs{}, c.Usagef("Give a day, a time and the customer's text.")
	}
	today := now.In(loc)
	y, m, d := today.Date()
	day := strings.ToLower(args[0])
	var date time.Time
	switch day {
	case "today", "oggi":
		date = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case "tomorrow", "domani":
		date = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	default:
		if t, err := time.Parse(time.DateOnly, day); err == nil {
			date = t
			break
		}
		wd, ok := weekdayWord(day)
		if !ok {
			return simArgs{}, c.Usagef("%q is not a day: write mon..sun, today, tomorrow or a date like 2026-12-24.", bot.Clip(args[0], 30))
		}
		ahead := (int(wd) - int(today.Weekday()) + 7) % 7
		date = time.Date(y, m, d+ahead, 0, 0, 0, 0, time.UTC)
	}
	minute, err := bot.ParseClock(args[1])
	if err != nil || minute >= 1440 {
		return simArgs{}, c.Usagef("%q is not a time: write HH:MM from 00:00 to 23:59.", bot.Clip(args[1], 30))
	}
	out := simArgs{New: true, TextArg: 2}
	if len(args) > 2 {
		switch strings.ToLower(args[2]) {
		case "new", "nuovo":
			out.TextArg = 3
		case "known", "noto":
			out.New, out.TextArg = false, 3
		}
	}
	if len(args) <= out.TextArg {
		return simArgs{}, c.Usagef("The customer's text is missing.")
	}
	out.At = time.Date(date.Year(), date.Month(), date.Day(), minute/60, minute%60, 0, 0, loc)
	return out, nil
}

// weekdayWord reads one weekday name (English or Italian, short or long,
// accents optional) and nothing else: not "mon-fri", not "weekend".
func weekdayWord(s string) (time.Weekday, bool) {
	if strings.ContainsAny(s, ",-") {
		return 0, false
	}
	days, err := ParseDays(s)
	if err != nil || len(days) != 1 {
		return 0, false
	}
	return days[0], true
}

func runSimulate(ctx context.Context, c *Call) error {
	sched := c.Bot.Schedule()
	a, err := parseSimulate(c, c.Args, c.Bot.Now(), sched.Loc)
	if err != nil {
		return err
	}
	text := c.Rest(a.TextArg)
	d := c.Bot.Simulate(a.At, a.New, text)

	var s strings.Builder
	who := c.T("A new customer")
	if !a.New {
		who = c.T("A known customer")
	}
	s.WriteString(c.Tf("%s writing %s on %s (%s), with you away:",
		who, c.quote(bot.Clip(text, 60)), c.stamp(a.At, sched.Loc), zoneName(sched.Loc, a.At)))
	switch {
	case d.Suppressed != "":
		s.WriteString("\n" + c.Tf("Nothing would be sent: %s.", suppressedWhy(c, d.Suppressed)))
		if len(d.Parts) > 0 {
			s.WriteString("\n" + c.Tf("Otherwise it would get (%s):", strings.Join(d.Rules(), " + ")))
			s.WriteString("\n\n" + attachmentLine(c, d.Attachment) + d.Text())
		}
	case len(d.Parts) == 0:
		s.WriteString("\n" + c.T("Nothing would be sent."))
	default:
		s.WriteString("\n" + c.Tf("It would get this message (%s):", strings.Join(d.Rules(), " + ")))
		s.WriteString("\n\n" + attachmentLine(c, d.Attachment) + d.Text())
	}
	if len(d.Skipped) > 0 {
		s.WriteString("\n\n" + c.T("Not sent: ") + strings.Join(d.Skipped, "; "))
	}
	return c.Reply(s.String())
}

// suppressedWhy words the engine's reason for holding everything back.
func suppressedWhy(c *Call, why string) string {
	switch why {
	case bot.SuppressedKill:
		return c.T("the kill switch is on (!on turns it off)")
	case bot.SuppressedLate:
		return c.T("the message would arrive too late")
	}
	return why
}

// attachmentLine shows what a simulated message carries besides its text,
// on a line of its own before it: "[photo, 24 KB]", "[location ...]".
func attachmentLine(c *Call, a *bot.Attachment) string {
	switch {
	case a == nil:
		return ""
	case a.Media != nil:
		return strings.TrimSpace(c.mediaNote(a.Media)) + "\n"
	case a.Pin != nil:
		return "[" + c.T("location") + " " + strings.Join(nonEmpty(a.Pin.Location.String(), a.Pin.Name, a.Pin.Address), ", ") + "]\n"
	}
	return ""
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
