package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"frontdesk/bot"
)

// This file is !week: the next seven days as the bot will live them —
// open windows, holidays, and which automatic messages are active when.

func weekCommand() *Command {
	return &Command{
		Name:    "week",
		Aliases: []string{"settimana"},
		Usage:   "!week [image]",
		Help:    "The next 7 days: open windows, holidays, and which automatic messages are active when; with image, the opening hours as a picture.",
		Example: "!week image",
		Run:     runWeek,
		Subcommands: []*Command{
			{Name: "image", Aliases: []string{"immagine", "picture", "foto"}, Usage: "!week image", Run: runWeekImage},
		},
	}
}

func runWeek(ctx context.Context, c *Call) error {
	if len(c.Args) > 0 {
		return c.Usagef("Unknown option %q: write !week, or !week image for a picture.", bot.Clip(c.Args[0], 30))
	}
	cfg := c.Bot.Config()
	sched := c.Bot.Schedule()
	now := c.Bot.Now()
	return c.Reply(formatWeekAhead(c, cfg, sched, c.Bot.KillSwitch(), now))
}

// formatWeekAhead is the answer of !week: a header saying what runs all
// the time, then one line per day from today.
func formatWeekAhead(c *Call, cfg bot.Config, sched bot.Schedule, kill bot.KillSwitch, now time.Time) string {
	loc := sched.Loc
	var s strings.Builder
	s.WriteString(c.Tf("The next 7 days (%s):", zoneName(loc, now)))
	if kill.Active(now) {
		s.WriteString("\n" + killSwitchLine(c, kill, now, loc))
	}
	if len(cfg.Keywords) > 0 {
		s.WriteString("\n" + c.Tf("Keyword answers (%d) work at any hour.", len(cfg.Keywords)))
	}
	today := now.In(loc)
	for i := 0; i < 7; i++ {
		// Noon avoids landing on the wrong date across a DST change.
		day := time.Date(today.Year(), today.Month(), today.Day()+i, 12, 0, 0, 0, loc)
		s.WriteString("\n" + dayLine(c, cfg, sched, day))
	}
	return s.String()
}

// dayLine is one day of !week: "Mon 30 Nov: 09:00-13:00, 14:00-18:00 ·
// away outside these hours · greeting any time".
func dayLine(c *Call, cfg bot.Config, sched bot.Schedule, day time.Time) string {
	loc := sched.Loc
	wins := sched.OpenWindows(day)
	var parts []string
	holiday, onHoliday := sched.HolidayAt(day)
	switch {
	case onHoliday:
		h := c.T("holiday, closed")
		if holiday.Name != "" {
			h = c.Tf("holiday (%s), closed", holiday.Name)
		}
		parts = append(parts, h)
	case len(wins) == 0:
		parts = append(parts, c.T("closed"))
	case !cfg.Hours.Set:
		parts = append(parts, c.T("open all day (no hours set)"))
	default:
		ws := make([]string, len(wins))
		for i, w := range wins {
			ws[i] = windowString(w, loc)
		}
		parts = append(parts, strings.Join(ws, ", "))
	}
	allOpen := len(wins) == 1 && wins[0][0].Equal(dayStart(day)) && !wins[0][1].Before(dayStart(day).AddDate(0, 0, 1))
	closedAllDay := len(wins) == 0

	if cfg.Away.On {
		text := c.T("away")
		if onHoliday && holiday.Message != "" {
			text = c.Tf("holiday message %s", c.quote(preview(holiday.Message, 6)))
		}
		switch {
		case cfg.Away.When == bot.WhenAlways || closedAllDay:
			parts = append(parts, c.Tf("%s all day", text))
		case allOpen:
			parts = append(parts, c.Tf("no %s (open all day)", text))
		default:
			parts = append(parts, c.Tf("%s outside these hours", text))
		}
	}
	if cfg.Greeting.On {
		g := c.T("greeting")
		switch {
		case cfg.Greeting.When == bot.WhenAlways:
			parts = append(parts, c.Tf("%s any time", g))
		case cfg.Greeting.When == bot.WhenOpen && closedAllDay:
			parts = append(parts, c.Tf("no %s (closed)", g))
		case cfg.Greeting.When == bot.WhenOpen:
			parts = append(parts, c.Tf("%s during these hours", g))
		case allOpen:
			parts = append(parts, c.Tf("no %s (open all day)", g))
		case closedAllDay:
			parts = append(parts, c.Tf("%s all day", g))
		default:
			parts = append(parts, c.Tf("%s outside these hours", g))
		}
	}
	return c.day(day, loc) + ": " + strings.Join(parts, " · ")
}

// dayStart is midnight at the start of t's date, in t's zone.
func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// windowString prints one open interval of a day as "09:00-18:00"; an
// interval running to the next midnight ends at "24:00".
func windowString(w [2]time.Time, loc *time.Location) string {
	a, b := w[0].In(loc), w[1].In(loc)
	end := b.Format("15:04")
	if end == "00:00" && b.After(a) {
		end = "24:00"
	}
	return fmt.Sprintf("%s-%s", a.Format("15:04"), end)
}
