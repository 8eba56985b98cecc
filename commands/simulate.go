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
		Usage:   "!simulate <mon..sun|today|tomorrow|YYYY-MM-DD> <HH:MM> [new|known] [+number|language] <text>",
		Help:    "Shows what a customer writing that text at that moment would get, and why; sends nothing to anyone. With a number (+34 ...) or a language (es), it shows which language variant that customer gets. The number may be written in groups of at least 2 digits (+34 600 123 456); a 1-digit word, or a group that would make it longer than 15 digits, starts the text.",
		Example: "!simulate sat 21:30 new +34 hola, ¿está abierto?",
		Run:     runSimulate,
	}
}

// simArgs is a parsed !simulate.
type simArgs struct {
	At  time.Time
	New bool
	// Phone or Lang is the customer's number or language, when given.
	Phone bot.UserID
	Lang  string
	// Text starts at this argument index (for Call.Rest).
	TextArg int
}

// parseSimulate reads the day, time and customer kind of !simulate. The
// day is a weekday (English or Italian, any case: its next occurrence on
// or after today, so "mon" on a Monday is today even if the time has
// passed), "today", "tomorrow" (also in the other languages: "oggi",
// "domani", "hoy", "mañana", ...) or a date
// YYYY-MM-DD; the time is HH:MM from 00:00 to 23:59, in loc. The customer
// is "new" unless "known" follows (also in the other languages: "nuovo",
// "noto", "nuevo", "conocido", "novo", "conhecido", "neu", "bekannt",
// "nouveau", "connu"). Then may come
// the customer's number or language (a code of bot.Languages, when more
// text follows it). The number is a word of digits starting with + and
// the groups of digits after it ("+34", "+34 600 123 456", "+34 600
// 123-456"): a group has at least 2 digits and the number at most
// bot.MaxPhoneDigits, so in "+34 2 cafés" the text is "2 cafés".
func parseSimulate(c *Call, args []string, now time.Time, loc *time.Location) (simArgs, error) {
	if len(args) < 2 {
		return simArgs{}, c.Usagef("Give a day, a time and the customer's text.")
	}
	today := now.In(loc)
	y, m, d := today.Date()
	day := strings.ToLower(args[0])
	var date time.Time
	switch day {
	case "today", "oggi", "hoy", "hoje", "heute", "aujourd'hui":
		date = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case "tomorrow", "domani", "mañana", "manana", "amanhã", "amanha", "morgen", "demain":
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
		case "new", "nuovo", "nuevo", "novo", "neu", "nouveau":
			out.TextArg = 3
		case "known", "noto", "conocido", "conhecido", "bekannt", "connu":
			out.New, out.TextArg = false, 3
		}
	}
	if len(args) > out.TextArg+1 {
		w := args[out.TextArg]
		switch {
		case len(w) > 1 && w[0] == '+' && allDigits(w[1:]):
			number := w[1:]
			out.TextArg++
			for out.TextArg < len(args)-1 {
				g := strings.ReplaceAll(args[out.TextArg], "-", "")
				if len(g) < 2 || !allDigits(g) || len(number)+len(g) > bot.MaxPhoneDigits {
					break
				}
				number += g
				out.TextArg++
			}
			out.Phone = bot.PhoneID("+" + number)
		case bot.IsLanguage(w):
			out.Lang = w
			out.TextArg++
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
	d := c.Bot.Simulate(bot.Simulation{At: a.At, New: a.New, Text: text, Phone: a.Phone, Lang: a.Lang})

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
			s.WriteString("\n" + c.Tf("Otherwise it would get (%s):", strings.Join(bot.RuleNames(c.Lang(), d.Rules()), " + ")))
			s.WriteString("\n\n" + simulatedMessage(c, d))
		}
	case len(d.Parts) == 0:
		s.WriteString("\n" + c.T("Nothing would be sent."))
	default:
		s.WriteString("\n" + c.Tf("It would get this message (%s):", strings.Join(bot.RuleNames(c.Lang(), d.Rules()), " + ")))
		s.WriteString("\n\n" + simulatedMessage(c, d))
	}
	if len(d.Skipped) > 0 {
		why := make([]string, len(d.Skipped))
		for i, err := range d.Skipped {
			why[i] = bot.ErrorText(c.Lang(), err)
		}
		s.WriteString("\n\n" + c.T("Not sent: ") + strings.Join(why, "; "))
	}
	if a.Phone != "" || a.Lang != "" {
		s.WriteString("\n\n" + variantReport(c, a, d))
	}
	return c.Reply(s.String())
}

// variantReport says which language the customer was taken to speak, and
// why, and for each part whether it was that language's variant or the
// main text.
func variantReport(c *Call, a simArgs, d bot.Decision) string {
	var lines []string
	switch {
	case d.Lang != "" && d.LangCode != "":
		lines = append(lines, c.Tf("Language: %s, from the calling code +%s.", bot.LanguageName(c.Lang(), d.Lang), d.LangCode))
	case d.Lang != "":
		lines = append(lines, c.Tf("Language: %s, as you asked.", bot.LanguageName(c.Lang(), d.Lang)))
	default:
		lines = append(lines, c.Tf("+%s has no calling code of %s: the customer gets the main texts.", string(a.Phone), bot.LanguageList()))
	}
	for _, p := range d.Parts {
		label := ruleLabel(c, p.Rule)
		switch {
		case p.Variant != "":
			lines = append(lines, c.Tf("%s: text in %s.", label, bot.LanguageName(c.Lang(), p.Variant)))
		case d.Lang != "" && p.Rule != bot.RuleMenu && p.Rule != bot.RuleWhere: // the list and the pin have no text of their own
			lines = append(lines, c.Tf("%s: main text (none in %s).", label, bot.LanguageName(c.Lang(), d.Lang)))
		}
	}
	return strings.Join(lines, "\n")
}

// ruleLabel names a rule for the owner.
func ruleLabel(c *Call, rule string) string {
	switch rule {
	case bot.RuleGreeting:
		return c.T("Greeting")
	case bot.RuleAway:
		return c.T("Away message")
	case bot.RuleHoliday:
		return c.T("Holiday message")
	case bot.RuleKeyword:
		return c.T("Keyword answer")
	case bot.RuleShortcut:
		return c.T("Quick reply")
	}
	return bot.RuleName(c.Lang(), rule)
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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

// simulatedMessage shows what the customer would receive: the attachment
// and its caption (or the text), and the text that would follow the
// attachment as a message of its own (a pin's text; the parts a phone
// would not show in the caption).
func simulatedMessage(c *Call, d bot.Decision) string {
	text, a := d.Compose(func() string { return "" })
	out := attachmentLine(c, a) + text
	if a != nil && a.After != "" {
		if text != "" {
			out += "\n\n"
		}
		out += "[" + c.T("then, as a separate message:") + "]\n" + a.After
	}
	return out
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
