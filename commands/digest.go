package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"frontdesk/bot"
)

func digestCommand() *Command {
	return &Command{
		Name:    "digest",
		Aliases: []string{"riepilogo"},
		Usage:   "!digest on|off|show",
		Help:    "A weekly summary every Monday at 09:00: holidays ahead, unused quick replies, frequent questions, problems found.",
		Example: "!digest on",
		Run:     showDigestSetting,
		Subcommands: []*Command{
			{Name: "on", Aliases: []string{"si", "sì"}, Usage: "!digest on", Run: func(ctx context.Context, c *Call) error { return setDigest(c, true) }},
			{Name: "off", Aliases: []string{"no"}, Usage: "!digest off", Run: func(ctx context.Context, c *Call) error { return setDigest(c, false) }},
			{Name: "show", Aliases: []string{"now", "mostra", "ora"}, Usage: "!digest show", Run: showDigestNow},
		},
	}
}

func showDigestSetting(ctx context.Context, c *Call) error {
	if len(c.Args) > 0 {
		return c.Usagef("Unknown option %q.", bot.Clip(c.Args[0], 30))
	}
	if c.Bot.Config().Digest {
		return c.Reply(c.T("The weekly digest is on: every Monday at 09:00. !digest show shows it now; !digest off stops it."))
	}
	return c.Reply(c.T("The weekly digest is off. !digest on sends it every Monday at 09:00; !digest show shows it now."))
}

func setDigest(c *Call, on bool) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if err := c.Update(func(cfg *bot.Config) error {
		cfg.Digest = on
		return nil
	}); err != nil {
		return fmt.Errorf("save digest setting: %w", err)
	}
	if on {
		return c.Reply(c.T("Weekly digest on: you will get it every Monday at 09:00."))
	}
	return c.Reply(c.T("Weekly digest off."))
}

func showDigestNow(ctx context.Context, c *Call) error {
	if err := noArgs(c); err != nil {
		return err
	}
	text, err := Digest(ctx, c.Bot)
	if err != nil {
		return err
	}
	return c.Reply(text)
}

// digestWeek and digestQuestions are the periods the digest looks at: the
// week just past for the figures and the holidays ahead, the last 30 days
// (as !stats) for frequent questions.
const (
	digestWeek      = 7 * 24 * time.Hour
	digestQuestions = defaultStatsDays * 24 * time.Hour
)

// Digest writes the owner's weekly digest, in the owner's language: the
// past week's figures, holidays in the next 7 days, quick replies used
// fewer than 5 times in 90 days, frequent questions nothing answers (last
// 30 days, as !stats), and what !check finds. The bot sends it every
// Monday at 09:00 business time while the digest is on
// (bot.Options.Digest); `!digest show` shows it at any time. It changes
// nothing.
func Digest(ctx context.Context, b bot.Business) (string, error) {
	cfg := b.Config()
	sched := b.Schedule()
	now := b.Now()
	c := &Call{lang: cfg.Lang}
	loc := sched.Loc
	if loc == nil {
		loc = time.UTC
	}
	var out strings.Builder
	out.WriteString(c.Tf("Weekly digest, %s", now.In(loc).Format("2006-01-02")))
	attention := false
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		attention = true
		out.WriteString("\n\n" + title)
		for _, l := range lines {
			out.WriteString("\n• " + l)
		}
	}

	week, err := computeStats(ctx, b, now.Add(-digestWeek), now)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	line := c.Tf("Last 7 days: %d customer messages from %d customers, %d automatic replies.",
		week.Inbound, week.Customers, week.RepliesSent)
	if week.Answered > 0 {
		line += " " + c.Tf("Your median first response: %s.", formatWait(week.Median))
	}
	out.WriteString("\n" + line)

	section(c.T("Holidays in the next 7 days (closed all day):"),
		holidaysAhead(c, cfg.Holidays, now.In(loc), 7))

	stale, err := staleForDigest(ctx, c, b, cfg, now)
	if err != nil {
		return "", err
	}
	section(c.Tf("Quick replies used fewer than %d times in %d days (remove with !qr del /shortcut):", staleUses, staleDays), stale)

	month, err := computeStats(ctx, b, now.Add(-digestQuestions), now)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	var qs []string
	for _, q := range month.Questions {
		qs = append(qs, c.Tf("“%s” asked %d times: !qr add %s <answer>",
			q.Text, q.Count, q.Shortcut))
	}
	if month.MoreQuestions > 0 {
		qs = append(qs, c.Tf("and %d more", month.MoreQuestions))
	}
	section(c.Tf("Questions asked %d+ times in 30 days that nothing answers yet:", frequentQuestion), qs)

	findings, err := Findings(ctx, b)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	section(c.T("!check found:"), findings)

	if !attention {
		out.WriteString("\n\n" + c.T("Nothing needs your attention this week."))
	}
	return out.String(), nil
}

// holidaysAhead lists the holidays that close at least one of the days
// days from today's date (business zone) onwards, as they were entered.
func holidaysAhead(c *Call, hols []bot.Holiday, today time.Time, days int) []string {
	first := today.Format("2006-01-02")
	last := time.Date(today.Year(), today.Month(), today.Day()+days-1, 12, 0, 0, 0, today.Location()).Format("2006-01-02")
	var out []string
	for _, h := range hols {
		to := h.To
		if to == "" {
			to = h.From
		}
		// Dates as 2006-01-02 compare correctly as strings.
		if h.From > last || to < first {
			continue
		}
		line := h.From
		if to != h.From {
			line += ".." + to
		}
		if h.Name != "" {
			line += " " + h.Name
		}
		if h.Message != "" {
			line += " " + c.T("(with its own away message)")
		}
		out = append(out, line)
	}
	return out
}

// staleForDigest lists the quick replies whose shortcuts together were
// used fewer than staleUses times in the last staleDays days, as !qr stale
// does.
func staleForDigest(ctx context.Context, c *Call, b bot.Business, cfg bot.Config, now time.Time) ([]string, error) {
	if len(cfg.QuickReplies) == 0 {
		return nil, nil
	}
	uses, err := b.ShortcutUses(ctx, now.AddDate(0, 0, -staleDays))
	if err != nil {
		return nil, fmt.Errorf("digest: shortcut uses: %w", err)
	}
	var out []string
	for _, q := range cfg.QuickReplies {
		n := 0
		for _, s := range q.Shortcuts {
			u := uses[bot.NormalizeShortcut(s)]
			n += u.Owner + u.Customer
		}
		if n < staleUses {
			out = append(out, c.Tf("%s: used %d times", strings.Join(q.Shortcuts, " "), n))
		}
	}
	return out, nil
}
