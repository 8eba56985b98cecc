package commands

import (
	"context"

	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"frontdesk/bot"
)

// Limits of !stats.
const (
	defaultStatsDays = 30
	maxStatsDays     = 365
	// frequentQuestion is how many times a question must be asked in the
	// period before !stats suggests a quick reply for it.
	frequentQuestion = 20
	// chartWidth is the longest bar of the busiest-hours chart.
	chartWidth = 12
)

func statsCommand() *Command {
	return &Command{
		Name:    "stats",
		Aliases: []string{"statistiche"},
		Usage:   "!stats [days 1-365, default 30]",
		Help:    "Messages, automatic replies per rule, your response time, busiest hours, and the 10 most frequent questions without an answer; a chart of the messages by hour and by day comes with it.",
		Example: "!stats 7",
		Run:     runStats,
	}
}

func runStats(ctx context.Context, c *Call) error {
	days := defaultStatsDays
	switch len(c.Args) {
	case 0:
	case 1:
		n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(c.Args[0]), "d"))
		if err != nil || n < 1 || n > maxStatsDays {
			return c.Usagef("%q is not a number of days from 1 to %d.", bot.Clip(c.Args[0], 20), maxStatsDays)
		}
		days = n
	default:
		return c.Usagef("Give at most one number of days.")
	}
	until := c.At
	if until.IsZero() {
		until = c.Bot.Now()
	}
	st, err := computeStats(ctx, c.Bot, until.Add(-time.Duration(days)*24*time.Hour), until)
	if err != nil {
		return err
	}
	if err := c.Reply(st.format(c, days)); err != nil || !st.hasTraffic() {
		return err
	}
	return sendStatsPicture(ctx, c, st)
}

// stats are the figures of one period. Definitions:
//
//   - Inbound: messages customers wrote (team members excluded); Customers:
//     how many different customers wrote them.
//   - RepliesSent, RulesSent: automatic messages actually sent in the
//     period, and per rule (a greeting joined with the away message counts
//     once in each); Withheld: replies held back (late, kill switch).
//   - First response: a customer message received while the business is
//     open starts a wait, unless that customer is already waiting. The
//     owner's first message in that chat from the phone ends it. The
//     response time is the open time in between (closed hours, nights and
//     holidays do not count), so a question at 17:55 answered at 09:05 the
//     next working day took 10 minutes. Messages received while closed
//     start no wait; the owner writing first ends nothing. Waits still
//     running at the end of the period are Unanswered. Median is the median
//     of the answered waits (the mean of the two middle ones when even).
//   - Hours: customer messages per hour of the day, in the business zone;
//     Days: per calendar day there, Days[0] being FirstDay (midnight of
//     Since's date), the last Until's date.
//   - Questions: normalised questions asked at least frequentQuestion times
//     in the period that no keyword answer and no quick reply answers (see
//     answeredBy), each with a suggested shortcut: the maxQuestions most
//     asked, and how many more there are.
type stats struct {
	Since, Until time.Time
	// Loc is the business zone, for hours and dates.
	Loc         *time.Location
	Inbound     int
	Customers   int
	RepliesSent int
	RulesSent   map[string]int
	Withheld    map[string]int
	Answered    int
	Unanswered  int
	Median      time.Duration
	Hours       [24]int
	FirstDay    time.Time
	Days        []int
	Questions   []suggestion
	// MoreQuestions counts the frequent questions left off the list.
	MoreQuestions int
}

// suggestion is a frequent question with no answer, and the quick reply
// shortcut proposed for it.
type suggestion struct {
	bot.QuestionCount
	Shortcut string
}

// maxQuestions is how many frequent questions !stats and the digest list;
// the rest are only counted ("and N more"), so the answer fits a phone.
const maxQuestions = 10

// computeStats reads the period from since to until (both included) and
// works out every figure.
func computeStats(ctx context.Context, b bot.Business, since, until time.Time) (stats, error) {
	cfg, sched := b.Config(), b.Schedule()
	open := newOpenSpans(sched, since, until)
	a, err := b.Activity(ctx, bot.ActivityQuery{
		Since: since, Until: until,
		Open:         open.isOpen,
		MinQuestions: frequentQuestion,
		Skip:         func(text string) bool { return answeredBy(text, cfg) },
		MaxQuestions: maxQuestions,
	})
	if err != nil {
		return stats{}, fmt.Errorf("stats: %w", err)
	}
	return summarise(a, cfg, sched, since, until), nil
}

// openSpans are the open hours of one period, worked out once: sorted,
// disjoint spans [from, to) in nanoseconds, and before each the open time
// of the spans before it. Each wait's open time and each minute's "open?"
// is then a binary search rather than a walk through the schedule.
type openSpans struct {
	from, to, before []int64
}

func newOpenSpans(s bot.Schedule, since, until time.Time) openSpans {
	var o openSpans
	var total int64
	for t := since; t.Before(until); {
		next, ok := s.NextChange(t)
		if !ok || next.After(until) {
			next = until
		}
		if s.IsOpen(t) {
			o.from = append(o.from, t.UnixNano())
			o.to = append(o.to, next.UnixNano())
			o.before = append(o.before, total)
			total += next.Sub(t).Nanoseconds()
		}
		if !next.After(t) {
			break
		}
		t = next
	}
	return o
}

// span is the index of the last span starting at or before t (-1: none).
func (o openSpans) span(t int64) int {
	return sort.Search(len(o.from), func(i int) bool { return o.from[i] > t }) - 1
}

func (o openSpans) isOpen(t time.Time) bool {
	n := t.UnixNano()
	i := o.span(n)
	return i >= 0 && n < o.to[i]
}

// openBefore is the open time from the period's start to t.
func (o openSpans) openBefore(t int64) int64 {
	i := o.span(t)
	if i < 0 {
		return 0
	}
	return o.before[i] + min(t, o.to[i]) - o.from[i]
}

// between is the open time from a to b, within the period.
func (o openSpans) between(a, b time.Time) time.Duration {
	return time.Duration(o.openBefore(b.UnixNano()) - o.openBefore(a.UnixNano()))
}

// summarise is computeStats without the database: pure, so every figure
// can be checked against known traffic.
func summarise(a bot.Activity, cfg bot.Config, sched bot.Schedule, since, until time.Time) stats {
	loc := sched.Loc
	if loc == nil {
		loc = time.UTC
	}
	st := stats{Since: since, Until: until, Loc: loc, RepliesSent: a.RepliesSent, RulesSent: a.RulesSent, Withheld: a.Withheld,
		Inbound: a.Inbound, Customers: a.Customers, Unanswered: a.Unanswered, MoreQuestions: a.MoreQuestions}
	st.FirstDay = dayStart(since.In(loc))
	st.Days = make([]int, daysBetween(st.FirstDay, until.In(loc))+1)
	for _, q := range a.Quarters {
		at := q.Start.In(loc)
		st.Hours[at.Hour()] += q.Count
		if i := daysBetween(st.FirstDay, at); i >= 0 && i < len(st.Days) {
			st.Days[i] += q.Count
		}
	}
	open := newOpenSpans(sched, since, until)
	waits := make([]time.Duration, len(a.Waits))
	for i, w := range a.Waits {
		waits[i] = open.between(w.From, w.To)
	}
	st.Answered = len(waits)
	st.Median = median(waits)
	st.Questions = unanswered(a.Questions, cfg)
	return st
}

// openTime is how long the business was open between from and to.
func openTime(s bot.Schedule, from, to time.Time) time.Duration {
	var d time.Duration
	for t := from; t.Before(to); {
		next, ok := s.NextChange(t)
		if !ok || next.After(to) {
			next = to
		}
		if s.IsOpen(t) {
			d += next.Sub(t)
		}
		if !next.After(t) {
			break
		}
		t = next
	}
	return d
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// answeredBy reports whether a keyword answer or a quick reply already
// covers question (folded, numbers masked): a keyword phrase occurs in it
// as whole words, or the words of a quick reply's shortcut do ("/orari"
// covers "quali sono gli orari"). So adding the suggested quick reply
// takes the question off the list.
func answeredBy(question string, cfg bot.Config) bool {
	for _, k := range cfg.Keywords {
		for _, p := range k.Phrases {
			if bot.MatchPhrase(question, bot.MaskNumbers(bot.Fold(p))) {
				return true
			}
		}
	}
	for _, q := range cfg.QuickReplies {
		for _, s := range q.Shortcuts {
			if bot.MatchPhrase(question, bot.MaskNumbers(bot.Fold(strings.TrimPrefix(s, "/")))) {
				return true
			}
		}
	}
	return false
}

// unanswered keeps the questions nothing answers yet and proposes a
// shortcut for each, unique among the existing ones and each other.
func unanswered(qs []bot.QuestionCount, cfg bot.Config) []suggestion {
	taken := map[string]bool{bot.MenuShortcut: true}
	for _, q := range cfg.QuickReplies {
		for _, s := range q.Shortcuts {
			taken[bot.NormalizeShortcut(s)] = true
		}
	}
	var out []suggestion
	for _, q := range qs {
		if answeredBy(q.Text, cfg) {
			continue
		}
		s := suggestShortcut(q.Text, taken)
		taken[s] = true
		out = append(out, suggestion{QuestionCount: q, Shortcut: s})
	}
	return out
}

// suggestShortcut proposes "/" plus the question's longest word (the
// first of equal length), cut to the longest shortcut allowed; a number
// is added when it is taken. A question without a usable word gets
// "/faq".
func suggestShortcut(question string, taken map[string]bool) string {
	best := ""
	for _, w := range strings.Fields(question) {
		w = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return -1
		}, w)
		if len([]rune(w)) > len([]rune(best)) {
			best = w
		}
	}
	if len([]rune(best)) < bot.MinShortcutRunes {
		best = "faq"
	}
	if r := []rune(best); len(r) > bot.MaxShortcutRunes {
		best = string(r[:bot.MaxShortcutRunes])
	}
	s := "/" + best
	for n := 2; taken[s] || bot.ValidShortcut(s) != nil; n++ {
		suffix := strconv.Itoa(n)
		r := []rune(best)
		if len(r)+len(suffix) > bot.MaxShortcutRunes {
			r = r[:bot.MaxShortcutRunes-len(suffix)]
		}
		s = "/" + string(r) + suffix
	}
	return s
}
