package commands

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"frontdesk/bot"
)

// This file writes !stats' text answer from the figures of stats.go; the
// picture that follows it is in pictures.go.

// ruleOrder is the order rules are listed in: the order of an automatic
// message's parts, then the rest by name.
var ruleOrder = []string{bot.RuleGreeting, bot.RuleShortcut, bot.RuleMenu, bot.RuleKeyword, bot.RuleAway, bot.RuleHoliday}

func (st stats) format(c *Call, days int) string {
	var b strings.Builder
	loc := st.Loc
	b.WriteString(c.Tf("Statistics, last %d days (since %s):",
		days, st.Since.In(loc).Format("2006-01-02 15:04")))
	if days > int(bot.Retention/(24*time.Hour)) {
		b.WriteString("\n" + c.Tf("(messages are kept for %d days, so older ones are not counted)", int(bot.Retention/(24*time.Hour))))
	}
	b.WriteString("\n" + c.Tf("Customer messages: %d from %d customers", st.Inbound, st.Customers))
	b.WriteString("\n" + c.Tf("Automatic replies sent: %d", st.RepliesSent))
	if len(st.RulesSent) > 0 {
		b.WriteString(" (" + countList(ruleCounts(c, st.RulesSent), bot.RuleNames(c.Lang(), ruleOrder)) + ")")
	}
	if n := st.Withheld[bot.SuppressedLate] + st.Withheld[bot.SuppressedKill]; n > 0 {
		b.WriteString("\n" + c.Tf("Not answered automatically: %d arrived too late, %d while replies were off",
			st.Withheld[bot.SuppressedLate], st.Withheld[bot.SuppressedKill]))
	}
	switch {
	case st.Answered > 0:
		b.WriteString("\n" + c.Tf("Your first response (open hours only): median %s over %d conversations; %d still waiting",
			formatWait(st.Median), st.Answered, st.Unanswered))
	case st.Unanswered > 0:
		b.WriteString("\n" + c.Tf("Your first response: no answer from your phone yet; %d conversations waiting", st.Unanswered))
	}
	if chart := hoursChart(st.Hours); chart != "" {
		b.WriteString("\n" + c.Tf("Busiest hours (%s):", loc.String()) + chart)
	}
	if !st.hasTraffic() {
		b.WriteString("\n" + c.T("No customer messages in this period, so no chart."))
	}
	if len(st.Questions) == 0 {
		b.WriteString("\n" + c.Tf("No question was asked %d or more times without an answer.", frequentQuestion))
	} else {
		b.WriteString("\n" + c.Tf("Asked %d+ times with no quick reply or keyword answer; to add one, copy a line and write the answer:", frequentQuestion))
		for _, q := range st.Questions {
			b.WriteString("\n" + c.Tf("“%s” %d times, %d customers", q.Text, q.Count, q.Customers))
			b.WriteString("\n!qr add " + q.Shortcut + " " + c.T("<answer>"))
		}
		if st.MoreQuestions > 0 {
			b.WriteString("\n" + c.Tf("and %d more", st.MoreQuestions))
		}
	}
	return b.String()
}

// countList renders counts as "greeting 3, away 5", in order first, then
// any other names alphabetically.
func countList(m map[string]int, order []string) string {
	var parts []string
	seen := map[string]bool{}
	for _, k := range order {
		if n, ok := m[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
			seen[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// hoursChart draws the hours from the first to the last with messages,
// one line each: "09 ████████ 42". Bars are scaled to the busiest hour;
// an hour with any message gets at least one block.
func hoursChart(hours [24]int) string {
	first, last, top := -1, -1, 0
	for h, n := range hours {
		if n > 0 {
			if first < 0 {
				first = h
			}
			last = h
			top = max(top, n)
		}
	}
	if first < 0 {
		return ""
	}
	var b strings.Builder
	for h := first; h <= last; h++ {
		n := hours[h]
		bar := strings.Repeat("█", (n*chartWidth+top-1)/top)
		if bar == "" {
			bar = "·"
		}
		fmt.Fprintf(&b, "\n%02d %s %d", h, bar, n)
	}
	return b.String()
}

// formatWait renders a response time to the minute: "7 min", "2 h 05 min".
func formatWait(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}
