package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"frontdesk/bot"
)

// This file holds !status, the one-screen overview, and the small
// formatting helpers the review commands (!status, !check, !week, !log,
// !simulate) share.

func statusCommand() *Command {
	return &Command{
		Name:    "status",
		Aliases: []string{"stato"},
		Usage:   "!status",
		Help:    "One screen: every feature on or off, kill switch, time zone, open or closed now.",
		Example: "!status",
		Run:     runStatus,
	}
}

func runStatus(ctx context.Context, c *Call) error {
	if err := noArgs(c); err != nil {
		return err
	}
	b := c.Bot
	cfg := b.Config()
	sched := b.Schedule()
	loc := sched.Loc
	now := b.Now()
	var s strings.Builder
	line := func(format string, args ...any) {
		if s.Len() > 0 {
			s.WriteByte('\n')
		}
		fmt.Fprintf(&s, format, args...)
	}

	line("%s", c.T("frontdesk status"))
	line(c.T("Away: %s — %s (when %s, after %d min)"),
		c.onOff(cfg.Away.On), c.quote(preview(cfg.Away.Text, 6)), c.whenWord(cfg.Away.When), cfg.Away.AfterMinutes)
	line(c.T("Greeting: %s — %s (when %s, after %d days)"),
		c.onOff(cfg.Greeting.On), c.quote(preview(cfg.Greeting.Text, 6)), c.whenWord(cfg.Greeting.When), cfg.Greeting.AfterDays)
	line(c.T("Keyword answers: %d"), len(cfg.Keywords))
	line(c.T("Quick replies: %d"), len(cfg.QuickReplies))
	line("%s", killSwitchLine(c, b.KillSwitch(), now, loc))
	if cfg.TimeZone == "" {
		line(c.T("Time zone: %s (the computer's; set yours with !tz Europe/Rome)"), zoneName(loc, now))
	} else {
		line(c.T("Time zone: %s"), cfg.TimeZone)
	}
	line("%s", openLine(c, sched, cfg, now))
	if at, ok := sched.NextOpen(now); ok && sched.IsOpen(now) { // when closed, the line above says it
		line(c.T("Next opening: %s"), bot.FormatNextOpen(now, at, loc, c.Lang()))
	}
	last, err := b.RecentSent(ctx, 1)
	if err != nil {
		return fmt.Errorf("status: last automatic message: %w", err)
	}
	if len(last) == 0 {
		line("%s", c.T("Last automatic message: none yet"))
	} else {
		o := last[0]
		line(c.T("Last automatic message: %s to %s (%s)"),
			c.stamp(o.SentAt, loc), o.Customer, strings.Join(bot.RuleNames(c.Lang(), o.Rules), "+"))
	}
	if self := b.Self(); self != "" {
		line(c.T("Linked number: %s"), self)
	}
	line("%s", c.T("Remember: switch off the WhatsApp Business app's own away and greeting messages, or customers get two."))
	return c.Reply(s.String())
}

// killSwitchLine says whether automatic messages are stopped, until when
// and why.
func killSwitchLine(c *Call, k bot.KillSwitch, now time.Time, loc *time.Location) string {
	if !k.Active(now) {
		return c.T("Kill switch: off (automatic replies run)")
	}
	s := c.T("Kill switch: ON — no automatic message goes out")
	if !k.Until.IsZero() {
		s += c.Tf(", until %s", bot.FormatNextOpen(now, k.Until, loc, c.Lang()))
	}
	if k.Reason != "" {
		s += " (" + k.Reason + ")"
	}
	return s
}

// openLine says whether the business is open now and until when.
func openLine(c *Call, sched bot.Schedule, cfg bot.Config, now time.Time) string {
	open := sched.IsOpen(now)
	if !cfg.Hours.Set && len(cfg.Holidays) == 0 {
		return c.T("Now: open (no hours set, so always open)")
	}
	state := c.T("closed")
	if open {
		state = c.T("open")
	}
	if h, ok := sched.HolidayAt(now); ok {
		name := h.Name
		if name == "" {
			name = h.From
		}
		state += c.Tf(" (holiday: %s)", name)
	}
	at, ok := sched.NextChange(now)
	if !ok {
		return c.Tf("Now: %s, with no change ahead", state)
	}
	return c.Tf("Now: %s until %s", state, bot.FormatNextOpen(now, at, sched.Loc, c.Lang()))
}

// zoneName names loc for the owner: its IANA name, or for the host's
// unnamed zone ("Local") the abbreviation and offset in use at now.
func zoneName(loc *time.Location, now time.Time) string {
	if loc == nil {
		return "UTC"
	}
	if name := loc.String(); name != "Local" {
		return name
	}
	return now.In(loc).Format("MST, UTC-07:00")
}

// stamp prints a moment in the business zone as "Wed 25 Nov 21:00"
// (Italian "mer 25 nov 21:00"): short, and unambiguous within a year.
func (c *Call) stamp(t time.Time, loc *time.Location) string {
	return c.day(t, loc) + " " + t.In(loc).Format("15:04")
}

// day prints the calendar date of t in loc as "Wed 25 Nov".
func (c *Call) day(t time.Time, loc *time.Location) string {
	return bot.FormatStamp(t, loc, c.Lang())
}

// preview returns the first n words of text on one line, with "…" when
// cut: enough to recognise a text without filling the screen.
func preview(text string, n int) string {
	words := strings.Fields(text)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	return strings.Join(words[:n], " ") + "…"
}
