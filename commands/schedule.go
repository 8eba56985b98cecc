package commands

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"frontdesk/bot"
	"frontdesk/commands/holidays"
)

// This file holds the schedule commands: !tz, !hours and !holiday.

// importCalendar gives a country's (or region's) public holidays for a year.
// It is a variable so that tests (!check's too) can give a calendar of
// their own.
var importCalendar = holidays.Import

func tzCommand() *Command {
	return &Command{
		Name:    "tz",
		Aliases: []string{"timezone", "fuso"},
		Usage:   "!tz [<IANA zone, like Europe/Rome>]",
		Help:    "Shows or sets the business's time zone.",
		Example: "!tz Europe/Rome",
		Run:     runTZ,
	}
}

func runTZ(ctx context.Context, c *Call) error {
	if len(c.Args) == 0 {
		cfg := c.Bot.Config()
		loc := c.Bot.Schedule().Loc
		now := c.At
		if loc != nil {
			now = now.In(loc)
		}
		if cfg.TimeZone == "" {
			return c.Reply(c.Tf("Time zone: not set, using this computer's (%s, now %s). Set it with !tz Europe/Rome.",
				now.Location(), now.Format("15:04")))
		}
		return c.Reply(c.Tf("Time zone: %s (now %s).", cfg.TimeZone, now.Format("15:04")))
	}
	if len(c.Args) > 1 {
		return c.Usagef("Give one zone name, without spaces.")
	}
	name := c.Args[0]
	loc, err := loadZone(name)
	if err == nil {
		// The same rule as !import's: an IANA name as the zone database
		// spells it, never "Local".
		err = bot.ValidTimeZone(loc.String())
	}
	if err != nil {
		return c.Usagef("%q is not a known time zone: use an IANA name such as Europe/Rome, Europe/London or America/New_York.", bot.Clip(name, 40))
	}
	name = loc.String()
	err = c.Update(func(cfg *bot.Config) error {
		cfg.TimeZone = name
		return nil
	})
	if err != nil {
		return fmt.Errorf("save time zone: %w", err)
	}
	return c.Reply(c.Tf("Time zone set to %s (now %s there).",
		name, c.At.In(loc).Format("15:04")))
}

// loadZone loads an IANA zone, forgiving the case of a typed name
// ("europe/rome"). "Local" and "" are refused: they depend on the host.
func loadZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "local") || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, bot.Problemf("time zone %q: not an IANA name", name)
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, nil
	}
	// Title-case each part: europe/rome -> Europe/Rome, america/new_york -> America/New_York.
	parts := strings.Split(name, "/")
	for i, p := range parts {
		words := strings.Split(strings.ToLower(p), "_")
		for j, w := range words {
			if w != "" {
				words[j] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
		parts[i] = strings.Join(words, "_")
	}
	if strings.EqualFold(name, "utc") {
		parts = []string{"UTC"}
	}
	return time.LoadLocation(strings.Join(parts, "/"))
}

func hoursCommand() *Command {
	return &Command{
		Name:    "hours",
		Aliases: []string{"orari"},
		Usage:   "!hours [<days> <HH:MM-HH:MM>... | <days> closed | clear]",
		Help:    "Shows or sets the weekly opening hours.",
		Example: "!hours mon-fri 09:00-13:00 14:00-18:00",
		Run:     runHours,
		Subcommands: []*Command{
			{Name: "clear", Aliases: []string{"reset", "cancella"}, Usage: "!hours clear", Run: clearHours},
		},
	}
}

func runHours(ctx context.Context, c *Call) error {
	if len(c.Args) == 0 {
		cfg := c.Bot.Config()
		return c.Reply(c.T("Opening hours:") + "\n" + bot.FormatWeek(cfg.Hours, c.Lang()))
	}
	days, windows, err := ParseHoursArgs(c.Args)
	if err != nil {
		return c.Usagef("Wrong hours: %v", err)
	}
	var week bot.Week
	err = c.Update(func(cfg *bot.Config) error {
		cfg.Hours.Set = true
		for _, d := range days {
			cfg.Hours.Days[d] = append([]bot.Window(nil), windows...)
		}
		week = cfg.Hours
		return nil
	})
	if err != nil {
		return fmt.Errorf("save hours: %w", err)
	}
	return c.Reply(c.T("Hours saved:") + "\n" + bot.FormatWeek(week, c.Lang()))
}

func clearHours(ctx context.Context, c *Call) error {
	if err := noArgs(c); err != nil {
		return err
	}
	err := c.Update(func(cfg *bot.Config) error {
		cfg.Hours = bot.Week{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("clear hours: %w", err)
	}
	return c.Reply(c.T("Hours cleared: the business counts as always open."))
}

func holidayCommand() *Command {
	return &Command{
		Name:    "holiday",
		Aliases: []string{"holidays", "ferie", "festivi"},
		Usage:   "!holiday add|list|del|import",
		Help:    "Days you are closed, each with an optional message.",
		Example: "!holiday add 2026-12-24..2027-01-06 Happy holidays! We reopen {next_open}.",
		Run:     func(ctx context.Context, c *Call) error { return listHolidays(c) },
		Subcommands: []*Command{
			{Name: "add", Aliases: []string{"aggiungi"}, Usage: "!holiday add YYYY-MM-DD[..YYYY-MM-DD] [message]", Run: addHoliday},
			{Name: "list", Aliases: []string{"ls", "elenco"}, Usage: "!holiday list [page]", Run: func(ctx context.Context, c *Call) error {
				return listHolidays(c)
			}},
			{Name: "del", Aliases: []string{"delete", "rm", "remove", "elimina"}, Usage: "!holiday del <n>", Run: delHoliday},
			{Name: "import", Aliases: []string{"importa"}, Usage: "!holiday import <country or region, like IT or DE-BY> <year>", Run: importHolidays},
		},
	}
}

// parseDateRange reads "2026-12-24" or "2026-12-24..2027-01-06".
func parseDateRange(c *Call, s string) (from, to string, err error) {
	a, b, isRange := strings.Cut(s, "..")
	if !isRange {
		b = a
	}
	fa, err1 := time.Parse(time.DateOnly, a)
	fb, err2 := time.Parse(time.DateOnly, b)
	switch {
	case err1 != nil:
		return "", "", c.Usagef("%q is not a date: write YYYY-MM-DD, like 2026-12-24.", bot.Clip(a, 30))
	case err2 != nil:
		return "", "", c.Usagef("%q is not a date: write YYYY-MM-DD, like 2027-01-06.", bot.Clip(b, 30))
	case fb.Before(fa):
		return "", "", c.Usagef("The range ends (%s) before it starts (%s).", b, a)
	case fb.Sub(fa) > 366*24*time.Hour:
		return "", "", c.Usagef("The range is longer than a year.")
	}
	return a, b, nil
}

// formatHoliday is one line of the holiday list.
func formatHoliday(c *Call, h bot.Holiday) string {
	s := h.From
	if h.To != h.From {
		s += ".." + h.To
	}
	if h.Name != "" {
		s += " " + h.Name
	}
	if h.Message != "" {
		s += " — " + c.quote(h.Message)
	}
	return s
}

// sortHolidays orders holidays by date, as the list numbers them.
func sortHolidays(hs []bot.Holiday) {
	sort.SliceStable(hs, func(i, j int) bool {
		if hs[i].From != hs[j].From {
			return hs[i].From < hs[j].From
		}
		return hs[i].To < hs[j].To
	})
}

func addHoliday(ctx context.Context, c *Call) error {
	if len(c.Args) == 0 {
		return c.Usagef("Give a date or a range of dates.")
	}
	from, to, err := parseDateRange(c, c.Args[0])
	if err != nil {
		return err
	}
	msg := c.Rest(1)
	if msg != "" {
		if err := validText(c, msg); err != nil {
			return err
		}
	}
	h := bot.Holiday{From: from, To: to, Message: msg}
	var overlaps []string
	err = c.Update(func(cfg *bot.Config) error {
		overlaps = overlaps[:0]
		for _, o := range cfg.Holidays {
			if o.From == from && o.To == to && o.Message == msg {
				return c.Userf("That holiday is already in the list.")
			}
			if o.From <= to && from <= o.To {
				overlaps = append(overlaps, formatHoliday(c, o))
			}
		}
		cfg.Holidays = append(cfg.Holidays, h)
		sortHolidays(cfg.Holidays)
		return nil
	})
	if err != nil {
		return fmt.Errorf("add holiday: %w", err)
	}
	answer := c.Tf("Holiday added: %s.", formatHoliday(c, h))
	if len(overlaps) > 0 {
		answer += "\n" + c.Tf("Note: it overlaps %s.", strings.Join(overlaps, "; "))
	}
	return c.Reply(answer)
}

func listHolidays(c *Call) error {
	p := 1
	switch {
	case len(c.Args) == 1 && c.Cmd.Name == "list":
		var err error
		if p, err = pageArg(c, c.Args[0]); err != nil {
			return err
		}
	case len(c.Args) > 0:
		return c.Usagef("Unknown option %q.", bot.Clip(c.Args[0], 30))
	}
	cfg := c.Bot.Config()
	hs := cfg.Holidays
	sortHolidays(hs)
	if len(hs) == 0 {
		return c.Reply(c.T("No holidays. Add one with !holiday add 2026-12-24..2026-12-26, or !holiday import IT 2026."))
	}
	lines := make([]string, len(hs))
	for i, h := range hs {
		lines[i] = fmt.Sprintf("%d. %s", i+1, formatHoliday(c, h))
	}
	return c.replyPage(c.T("Holidays:"), lines, p, "!holiday list %d")
}

func delHoliday(ctx context.Context, c *Call) error {
	cfg := c.Bot.Config()
	hs := cfg.Holidays
	sortHolidays(hs)
	i, err := listIndex(c, len(hs), bot.N("@list|holiday"))
	if err != nil {
		return err
	}
	target := hs[i]
	err = c.Update(func(cfg *bot.Config) error {
		for j, h := range cfg.Holidays {
			if h == target {
				cfg.Holidays = append(cfg.Holidays[:j:j], cfg.Holidays[j+1:]...)
				return nil
			}
		}
		return c.Userf("That holiday was just changed; look at !holiday list again.")
	})
	if err != nil {
		return fmt.Errorf("delete holiday: %w", err)
	}
	return c.Reply(c.Tf("Holiday %d deleted: %s.", i+1, formatHoliday(c, target)))
}

func importHolidays(ctx context.Context, c *Call) error {
	supported := strings.Join(holidays.Supported(), ", ")
	if len(c.Args) != 2 {
		return c.Usagef("Give a country code (%s) or a region (like DE-BY), and a year.", supported)
	}
	country := strings.ToUpper(strings.ReplaceAll(c.Args[0], "_", "-"))
	year, err := strconv.Atoi(c.Args[1])
	if err != nil || year < holidays.MinYear || year > holidays.MaxYear {
		return c.Usagef("%q is not a year between %d and %d.", bot.Clip(c.Args[1], 30), holidays.MinYear, holidays.MaxYear)
	}
	list, err := importCalendar(country, year, c.Lang())
	if err != nil {
		return c.Usagef("Cannot import: %v.", err)
	}
	added := 0
	err = c.Update(func(cfg *bot.Config) error {
		added = 0
		for _, h := range list {
			dup := false
			for _, o := range cfg.Holidays {
				dup = dup || (o.From == h.From && o.To == h.To)
			}
			if !dup {
				cfg.Holidays = append(cfg.Holidays, h)
				added++
			}
		}
		sortHolidays(cfg.Holidays)
		cfg.HolidayCountry = country
		return nil
	})
	if err != nil {
		return fmt.Errorf("import holidays: %w", err)
	}
	return c.Reply(c.Tf("%d public holidays of %s %d added (%d were already there). See !holiday list.", added, country, year, len(list)-added))
}
