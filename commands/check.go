package commands

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"frontdesk/bot"
)

// This file is !check, the static review. Each finding is one
// line that says what is wrong and ends with the command that fixes it, so
// the owner can copy it. Findings is exported because the weekly digest
// and !on show the same review.

func checkCommand() *Command {
	return &Command{
		Name:    "check",
		Aliases: []string{"controlla", "verifica"},
		Usage:   "!check",
		Help:    "Reviews the setup and lists what to fix, each with the command that fixes it.",
		Example: "!check",
		Run: func(ctx context.Context, c *Call) error {
			if err := noArgs(c); err != nil {
				return err
			}
			return runCheck(ctx, c)
		},
	}
}

// runCheck answers with the review; !on runs it too.
func runCheck(ctx context.Context, c *Call) error {
	report, err := CheckReport(ctx, c.Bot)
	if err != nil {
		return err
	}
	return c.Reply(report)
}

// maxCheckFindings is how many findings !check names; the rest are
// counted.
const maxCheckFindings = 20

// CheckReport is the whole answer of !check in the owner's language: the
// findings as a list, or "All good" when there are none. !on appends it to
// its answer.
func CheckReport(ctx context.Context, b bot.Business) (string, error) {
	found, err := Findings(ctx, b)
	if err != nil {
		return "", err
	}
	c := &Call{lang: b.Config().Lang}
	if len(found) == 0 {
		return c.T("All good: nothing to fix."), nil
	}
	var s strings.Builder
	if len(found) == 1 {
		s.WriteString(c.T("1 thing to fix:"))
	} else {
		s.WriteString(c.Tf("%d things to fix:", len(found)))
	}
	for i, f := range found {
		if i == maxCheckFindings {
			s.WriteString("\n" + c.Tf("and %d more: fix these first, then type !check again.", len(found)-i))
			break
		}
		s.WriteString("\n• " + f)
	}
	return s.String(), nil
}

// Findings is the static review of the bot's configuration, in
// the owner's language: one line per problem, each ending with the command
// that fixes it; none when all is well. It reads the configuration, the
// kill switch and the shortcut usage; it changes nothing.
func Findings(ctx context.Context, b bot.Business) ([]string, error) {
	cfg := b.Config()
	c := &Call{lang: cfg.Lang}
	now := b.Now()
	sched := b.Schedule()
	var out []string
	add := func(text string) { out = append(out, text) }

	// Away and greeting switched on with nothing to send.
	if cfg.Away.On && strings.TrimSpace(cfg.Away.Text) == "" {
		add(c.Tf("Away is on but has no text: !away text We are closed now; we will answer {next_open}."))
	}
	if cfg.Greeting.On && strings.TrimSpace(cfg.Greeting.Text) == "" {
		add(c.Tf("The greeting is on but has no text: !greeting text Hello {name}, thanks for writing to {business}!"))
	}

	// Away for closed times with no hours: always open, so it never fires.
	if cfg.Away.On && cfg.Away.When == bot.WhenClosed && !cfg.Hours.Set {
		add(c.Tf("Away is on for closed times, but no opening hours are set, so you are always open and it never fires: !hours mon-fri 09:00-18:00 (or !away when always)."))
	}

	texts := storedTexts(c, cfg)

	// {next_open} with no opening at all.
	if _, ok := sched.NextOpen(now); !ok && cfg.Hours.Set {
		for _, t := range texts {
			if bot.UsesPlaceholder(t.text, "next_open") {
				add(c.Tf("%s uses {next_open}, but there is no opening time at all, so it stays empty: !hours mon-fri 09:00-18:00.", t.label))
				break
			}
		}
	}

	// Business details a text relies on but that were never set: the
	// customer would see a gap ("Prices on ").
	details := []struct{ name, value, fix string }{
		{"business", cfg.Profile.Name, "!profile name <your business name>"},
		{"website", cfg.Profile.Website, "!profile website https://..."},
		{"booking", cfg.Profile.Booking, "!profile booking https://..."},
		{"catalog", cfg.Profile.Catalog, "!profile catalog https://..."},
		{"phone", cfg.Profile.Phone, "!profile phone +39..."},
		{"address", cfg.Profile.Address, "!profile address <street, town>"},
	}
	for _, d := range details {
		if d.value != "" {
			continue
		}
		for _, t := range texts {
			if bot.UsesPlaceholder(t.text, d.name) {
				add(c.Tf("%s uses {%s}, which is not set, so customers would see a gap: %s", t.label, d.name, d.fix))
			}
		}
	}

	// Texts over the limit or with an unknown placeholder.
	for _, t := range texts {
		if strings.TrimSpace(t.text) == "" {
			continue // an empty text is reported above when it matters
		}
		if err := bot.ValidateText(t.text); err != nil {
			add(c.Tf("%s: %v. Write it again: %s", t.label, err, t.fix))
		}
	}

	// A language some texts have a variant in and others lack.
	out = append(out, variantFindings(c, cfg)...)

	// Vague promises in away and holiday texts.
	for _, t := range texts {
		if !t.away || bot.UsesPlaceholder(t.text, "next_open") {
			continue
		}
		if p := vaguePromise(t.text); p != "" {
			add(c.Tf("%s promises %q but not when: say it with {next_open}: %s", t.label, p, t.fix))
		}
	}

	// Clock times the hours do not know.
	known := hourMarks(cfg.Hours)
	for _, t := range texts {
		var stray []string
		for _, m := range clockTimes(t.text) {
			if !cfg.Hours.Set || !known[m%1440] {
				stray = append(stray, clockString(m))
			}
		}
		if len(stray) == 0 {
			continue
		}
		if !cfg.Hours.Set {
			add(c.Tf("%s names %s, but no opening hours are set: !hours mon-fri 09:00-18:00 (with your real hours).", t.label, strings.Join(stray, ", ")))
		} else {
			add(c.Tf("%s names %s, which is not an opening or closing time in your hours (%s): fix the hours with !hours, or the text: %s",
				t.label, strings.Join(stray, ", "), bot.HoursSummary(cfg.Hours, cfg.Lang), t.fix))
		}
	}

	// Time zone never set.
	if cfg.TimeZone == "" {
		add(c.Tf("The time zone was never set, so the computer's (%s) is used: !tz Europe/Rome (with your zone).", zoneName(sched.Loc, now)))
	}

	// National holidays coming up that are not in the list.
	if f := missingHolidays(c, cfg, sched, now); f != "" {
		out = append(out, f)
	}

	// Duplicate and too-similar shortcuts.
	out = append(out, shortcutFindings(c, cfg)...)

	// Quick replies nobody used for 90 days.
	stale, err := unusedQuickReplies(ctx, b, cfg, now)
	if err != nil {
		return nil, err
	}
	for _, s := range stale {
		add(c.Tf("Quick reply %s was not used in 90 days: delete it with !qr del %s, or keep it.", s, s))
	}

	// Kill switch on.
	if k := b.KillSwitch(); k.Active(now) {
		add(c.Tf("%s: !on", killSwitchLine(c, k, now, sched.Loc)))
	}
	return out, nil
}

// storedText is one customer-facing text of the configuration, with the
// words naming it and the command that sets it again.
type storedText struct {
	label string
	text  string
	fix   string
	// away: an away or holiday text, which should say when you are back.
	away bool
}

// storedTexts lists every customer-facing text in cfg, in the order the
// owner meets them.
func storedTexts(c *Call, cfg bot.Config) []storedText {
	var ts []storedText
	if cfg.Away.Text != "" {
		ts = append(ts, storedText{c.T("The away text"), cfg.Away.Text,
			c.T("!away text We are closed now; we will answer {next_open}."), true})
	}
	for _, s := range cfg.Away.Shifts {
		w := bot.FormatWindow(s.Window)
		ts = append(ts, storedText{c.Tf("The away text for %s", w), s.Text,
			c.Tf("!away shift %s We are closed now; we will answer {next_open}.", w), true})
	}
	if cfg.Greeting.Text != "" {
		ts = append(ts, storedText{c.T("The greeting"), cfg.Greeting.Text,
			c.T("!greeting text <new text>"), false})
	}
	for _, s := range cfg.Greeting.Shifts {
		w := bot.FormatWindow(s.Window)
		ts = append(ts, storedText{c.Tf("The greeting for %s", w), s.Text,
			c.Tf("!greeting shift %s <new text>", w), false})
	}
	hs := append([]bot.Holiday(nil), cfg.Holidays...)
	sortHolidays(hs) // numbered as !holiday list shows them
	for i, h := range hs {
		if h.Message == "" {
			continue
		}
		dates := h.From
		if h.To != h.From {
			dates += ".." + h.To
		}
		ts = append(ts, storedText{c.Tf("The message of holiday %d (%s)", i+1, dates), h.Message,
			c.Tf("!holiday del %d, then !holiday add %s We are closed for the holidays; back {next_open}.", i+1, dates), true})
	}
	for i, k := range cfg.Keywords {
		ts = append(ts, storedText{c.Tf("Keyword answer %d (%s)", i+1, strings.Join(k.Phrases, ", ")), k.Text,
			c.Tf("!kw del %d, then !kw add %s = <new text>", i+1, strings.Join(k.Phrases, ", ")), false})
	}
	for _, q := range cfg.QuickReplies {
		if len(q.Shortcuts) == 0 {
			continue
		}
		s := q.Shortcuts[0]
		ts = append(ts, storedText{c.Tf("Quick reply %s", s), q.Text,
			c.Tf("!qr del %s, then !qr add %s <new text>", s, s), false})
	}
	return append(ts, variantTexts(c, cfg)...)
}

// vaguePhrases promise an answer without saying when, in each language.
// They are matched as whole words on folded text (case, accents and
// punctuation ignored).
var vaguePhrases = []string{
	"as soon as possible", "asap", "shortly",
	"il prima possibile", "a breve", "appena possibile", "quanto prima",
	"lo antes posible", "cuanto antes", "en breve", "lo más pronto posible", "a la brevedad",
	"o mais rápido possível", "o quanto antes", "em breve", "assim que possível", "o mais breve possível",
	"so schnell wie möglich", "so bald wie möglich", "schnellstmöglich", "baldmöglichst", "in Kürze",
	"dès que possible", "au plus vite", "au plus tôt", "sous peu", "dans les plus brefs délais",
}

// foldedVague are vaguePhrases folded, in the same order.
var foldedVague = func() []string {
	out := make([]string, len(vaguePhrases))
	for i, p := range vaguePhrases {
		out[i] = bot.Fold(p)
	}
	return out
}()

// vaguePromise returns the first vague phrase in text, or "".
func vaguePromise(text string) string {
	folded := bot.Fold(text)
	for i, p := range foldedVague {
		if bot.MatchPhrase(folded, p) {
			return vaguePhrases[i]
		}
	}
	return ""
}

// clockRE finds times of day written "9:00", "18:30", "9:30pm", "9am",
// "9 pm". A dot is not accepted as separator: "12.50" is more often a price
// than a time.
var clockRE = regexp.MustCompile(`(?i)(^|[^0-9:.])([0-9]{1,2})(?::([0-9]{2}))?\s?(a\.?m\.?|p\.?m\.?)?`)

// clockTimes returns the times of day named in text, in minutes from
// midnight (24:00 is 1440), in order, without repeats. A bare number is not
// a time: it needs minutes ("9:00") or am/pm ("9am"). Impossible times
// ("25:00", "13pm") are not times either.
func clockTimes(text string) []int {
	var out []int
	seen := map[int]bool{}
	for _, m := range clockRE.FindAllStringSubmatchIndex(text, -1) {
		end := m[1]
		if end < len(text) && text[end] >= '0' && text[end] <= '9' {
			continue // part of a longer number
		}
		ampm := ""
		if m[8] >= 0 {
			ampm = strings.ToLower(text[m[8]:m[9]])
			if next := m[9]; next < len(text) && isASCIILetter(text[next]) && isASCIILetter(text[next-1]) {
				ampm = "" // "9 amici", "at 9 amazing": not am/pm
			}
		}
		if m[6] < 0 && ampm == "" {
			continue // a bare number
		}
		h, _ := strconv.Atoi(text[m[4]:m[5]])
		min := 0
		if m[6] >= 0 {
			min, _ = strconv.Atoi(text[m[6]:m[7]])
			if end < len(text) && text[end] == ':' {
				continue // "10:00:00" and the like: not a plain time
			}
		}
		if min > 59 {
			continue
		}
		if ampm != "" {
			if h < 1 || h > 12 {
				continue
			}
			if h == 12 {
				h = 0
			}
			if strings.HasPrefix(ampm, "p") {
				h += 12
			}
		} else if h > 24 || (h == 24 && min != 0) {
			continue
		}
		t := h*60 + min
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// hourMarks is the set of minutes-of-day at which some window of the week
// opens or closes: the times a text may name without contradicting the
// hours. 24:00 counts as 00:00. A time strictly inside a window is not a
// mark: "open until 17:00" with hours ending at 18:00 is exactly the kind
// of stale text the check is for.
func hourMarks(w bot.Week) map[int]bool {
	marks := map[int]bool{}
	for _, day := range w.Days {
		for _, win := range day {
			marks[win.Start%1440] = true
			marks[win.End%1440] = true
		}
	}
	return marks
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

func clockString(m int) string {
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// missingHolidays reports the national public holidays of the next 30
// days when the holiday list has none in that time: it looks like the
// calendar was imported for another year only. It needs a country imported
// before (cfg.HolidayCountry).
func missingHolidays(c *Call, cfg bot.Config, sched bot.Schedule, now time.Time) string {
	if cfg.HolidayCountry == "" {
		return ""
	}
	loc := sched.Loc
	today := now.In(loc)
	first := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 0, 30)
	inWindow := func(h bot.Holiday) bool {
		from, err1 := time.Parse(time.DateOnly, h.From)
		to, err2 := time.Parse(time.DateOnly, h.To)
		return err1 == nil && err2 == nil && !to.Before(first) && !from.After(last)
	}
	for _, h := range cfg.Holidays {
		if inWindow(h) {
			return ""
		}
	}
	var names []string
	years, seen := map[int]bool{}, map[string]bool{}
	for _, y := range []int{today.Year(), today.Year() + 1} {
		list, err := importCalendar(cfg.HolidayCountry, y, c.Lang())
		if err != nil {
			continue // the calendar is unavailable: nothing to compare with
		}
		for _, h := range list {
			if inWindow(h) && !seen[h.From] {
				seen[h.From] = true
				name := h.Name
				if name == "" {
					name = c.T("holiday")
				}
				names = append(names, name+" "+h.From)
				from, _ := time.Parse(time.DateOnly, h.From)
				years[from.Year()] = true
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	var cmds []string
	for _, y := range []int{today.Year(), today.Year() + 1} {
		if years[y] {
			cmds = append(cmds, fmt.Sprintf("!holiday import %s %d", cfg.HolidayCountry, y))
		}
	}
	return c.Tf("No holiday in the next 30 days, but the %s calendar has %s: %s (or ignore it if you stay open).",
		cfg.HolidayCountry, strings.Join(names, ", "), strings.Join(cmds, c.T(" and ")))
}

// shortcutFindings reports shortcuts used twice and shortcuts of
// different quick replies one edit apart (aliases of the same reply may
// be alike on purpose).
func shortcutFindings(c *Call, cfg bot.Config) []string {
	var out []string
	owner := map[string]int{}
	for i, q := range cfg.QuickReplies {
		for _, s := range q.Shortcuts {
			n := bot.NormalizeShortcut(s)
			if _, dup := owner[n]; dup {
				out = append(out, c.Tf("Shortcut %s is used twice: !qr del %s, then add it again once.", n, n))
				continue
			}
			owner[n] = i
		}
	}
	all := make([]string, 0, len(owner))
	for s := range owner {
		all = append(all, s)
	}
	sort.Strings(all)
	for i, a := range all {
		for _, b := range all[i+1:] {
			if owner[a] != owner[b] && bot.SimilarShortcuts(a, b) {
				out = append(out, c.Tf("Shortcuts %s and %s are easily confused: delete or rename one, e.g. !qr del %s.", a, b, b))
			}
		}
	}
	return out
}

// unusedQuickReplies returns the first shortcut of each quick reply that
// is older than 90 days and none of whose shortcuts was used (by the owner
// or a customer) in the last 90 days. A reply with no creation time (an
// old import) is not judged: its age is unknown.
func unusedQuickReplies(ctx context.Context, b bot.Business, cfg bot.Config, now time.Time) ([]string, error) {
	if len(cfg.QuickReplies) == 0 {
		return nil, nil
	}
	since := now.Add(-90 * 24 * time.Hour)
	uses, err := b.ShortcutUses(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("check: shortcut uses: %w", err)
	}
	var out []string
	for _, q := range cfg.QuickReplies {
		if len(q.Shortcuts) == 0 || q.Created.IsZero() || q.Created.After(since) {
			continue
		}
		used := false
		for _, s := range q.Shortcuts {
			u := uses[bot.NormalizeShortcut(s)]
			used = used || u.Owner+u.Customer > 0
		}
		if !used {
			out = append(out, q.Shortcuts[0])
		}
	}
	return out, nil
}
