package bot

import (
	"strconv"
	"strings"
	"time"
)

// Why nothing at all goes out, when rules fired but must not be sent.
const (
	SuppressedLate = "late"
	SuppressedKill = "kill-switch"
	// SuppressedFlood: the customer already has MaxQueuedPerCustomer
	// replies waiting.
	SuppressedFlood = "flood"
)

// Input is one customer message and the state it is decided against.
type Input struct {
	Text string
	// Folded is Fold(Text), when the caller has it already.
	Folded string
	// Name is the customer's WhatsApp name as sent with the message.
	Name        string
	Sent        time.Time
	Now         time.Time
	Customer    Customer
	OwnerActive time.Time
}

// view is the configuration a decision is made with: everything derived
// from Config, and the kill switch.
type view struct {
	cfg   *Config
	rules *compiled
	sched Schedule
	kill  KillSwitch
}

func (b *Bot) view() view {
	return view{cfg: &b.cfg, rules: &b.rules, sched: b.sched, kill: b.kill}
}

// compiled is what the engine precomputes from Config once per change, so
// that deciding a message folds nothing but the message itself.
type compiled struct {
	// phrases[i] are the folded phrases of Keywords[i].
	phrases [][]string
	// shortcuts maps a lower-case shortcut to its index in QuickReplies.
	shortcuts map[string]int
}

func compile(cfg Config) compiled {
	c := compiled{phrases: make([][]string, len(cfg.Keywords)), shortcuts: map[string]int{}}
	for i, k := range cfg.Keywords {
		for _, p := range k.Phrases {
			if f := Fold(p); f != "" {
				c.phrases[i] = append(c.phrases[i], f)
			}
		}
	}
	for i, q := range cfg.QuickReplies {
		for _, s := range q.Shortcuts {
			c.shortcuts[strings.ToLower(s)] = i
		}
	}
	return c
}

// quickReply finds the quick reply whose shortcut is exactly text (any
// case, surrounding spaces ignored).
func (v view) quickReply(text string) (QuickReply, string, bool) {
	s := strings.ToLower(strings.TrimSpace(text))
	i, ok := v.rules.shortcuts[s]
	if !ok {
		return QuickReply{}, "", false
	}
	return v.cfg.QuickReplies[i], s, true
}

// decide is the engine's rule book: given a customer message, the stored
// state and now, which automatic message (if any) goes out and why. It is
// pure: it reads its arguments only.
func decide(v view, in Input) Decision {
	var d Decision
	cfg := v.cfg
	now := in.Now
	takeover := !in.Customer.OwnerWrote.IsZero() && now.Sub(in.Customer.OwnerWrote) < TakeoverWindow
	open := v.sched.IsOpen(now)
	vars := lazyVars{v: v, in: in}

	// Greeting.
	switch {
	case !cfg.Greeting.On:
	case takeover:
		d.Skipped = append(d.Skipped, "greeting: the owner wrote in this chat in the last 30 minutes")
	case !isNewContact(in, cfg.Greeting.AfterDays):
		d.Skipped = append(d.Skipped, "greeting: known customer")
	case cfg.Greeting.When == WhenOpen && !open:
		d.Skipped = append(d.Skipped, "greeting: only when open, and closed now")
	case cfg.Greeting.When == WhenClosed && open:
		d.Skipped = append(d.Skipped, "greeting: only when closed, and open now")
	default:
		if t := shiftText(cfg.Greeting.Text, cfg.Greeting.Shifts, now.In(v.sched.Loc)); t != "" {
			d.Parts = append(d.Parts, Part{Rule: RuleGreeting, Text: vars.render(t)})
		} else {
			d.Skipped = append(d.Skipped, "greeting: no text set")
		}
	}

	// Answers: a customer shortcut (also during takeover), then keywords.
	if q, s, ok := v.quickReply(in.Text); ok && !q.Private {
		d.Shortcut = s
		d.Parts = append(d.Parts, Part{Rule: RuleShortcut, Text: vars.render(q.Text)})
		if q.Media != nil {
			d.Attachment = &Attachment{Media: q.Media}
		}
	} else if strings.EqualFold(strings.TrimSpace(in.Text), MenuShortcut) {
		if menu := v.menu(); menu != "" {
			d.Parts = append(d.Parts, Part{Rule: RuleMenu, Text: menu})
		}
	} else if strings.EqualFold(strings.TrimSpace(in.Text), WhereShortcut) {
		if pin := v.wherePin(); pin != nil {
			d.Parts = append(d.Parts, Part{Rule: RuleWhere})
			d.Attachment = &Attachment{Pin: pin}
		}
	}
	if len(cfg.Keywords) > 0 {
		folded := in.Folded
		if folded == "" {
			folded = Fold(in.Text)
		}
		for i, k := range cfg.Keywords {
			if !matchesAny(folded, v.rules.phrases[i]) {
				continue
			}
			if takeover {
				d.Skipped = append(d.Skipped, "keyword: the owner wrote in this chat in the last 30 minutes")
				break
			}
			if last, ok := in.Customer.KeywordSent[k.ID]; ok && now.Sub(last) < KeywordEvery {
				d.Skipped = append(d.Skipped, "keyword: already answered in the last hour")
				continue
			}
			if len(d.KeywordIDs) == MaxKeywordAnswers {
				d.Skipped = append(d.Skipped, "keyword: already "+strconv.Itoa(MaxKeywordAnswers)+" keyword answers in this message")
				break
			}
			d.KeywordIDs = append(d.KeywordIDs, k.ID)
			d.Parts = append(d.Parts, Part{Rule: RuleKeyword, Text: vars.render(k.Text)})
			if k.Media != nil && d.Attachment == nil {
				d.Attachment = &Attachment{Media: k.Media}
			}
		}
	}

	// Away.
	period := awayPeriod(v.sched, now)
	holiday, onHoliday := v.sched.HolidayAt(now)
	switch {
	case !cfg.Away.On:
	case takeover:
		d.Skipped = append(d.Skipped, "away: the owner wrote in this chat in the last 30 minutes")
	case cfg.Away.When != WhenAlways && open:
		d.Skipped = append(d.Skipped, "away: open now")
	case now.Sub(in.OwnerActive) < time.Duration(cfg.Away.AfterMinutes)*time.Minute:
		d.Skipped = append(d.Skipped, "away: the owner was active in the last "+strconv.Itoa(cfg.Away.AfterMinutes)+" minutes")
	case in.Customer.AwayPeriod.Equal(period):
		d.Skipped = append(d.Skipped, "away: already sent to this customer in this closed period")
	default:
		text, rule := shiftText(cfg.Away.Text, cfg.Away.Shifts, now.In(v.sched.Loc)), RuleAway
		if onHoliday && holiday.Message != "" {
			text, rule = holiday.Message, RuleHoliday
		}
		if text == "" {
			d.Skipped = append(d.Skipped, "away: no text set")
			break
		}
		d.AwayPeriod = period
		d.Parts = append(d.Parts, Part{Rule: rule, Text: vars.render(text)})
	}

	switch {
	case !in.Sent.IsZero() && now.Sub(in.Sent) > LateAfter:
		d.Suppressed = SuppressedLate
	case len(d.Parts) == 0:
	case v.kill.Active(now):
		d.Suppressed = SuppressedKill
	}
	if d.Suppressed != "" {
		d.AwayPeriod, d.KeywordIDs, d.Shortcut = time.Time{}, nil, ""
	}
	return d
}

// isNewContact: a first message ever, or the first after afterDays of
// silence in the chat (the owner writing there counts as contact too).
func isNewContact(in Input, afterDays int) bool {
	last := in.Customer.LastInbound
	if in.Customer.OwnerWrote.After(last) {
		last = in.Customer.OwnerWrote
	}
	if last.IsZero() {
		return !in.Customer.Known
	}
	return in.Now.Sub(last) >= time.Duration(afterDays)*24*time.Hour
}

// epochPeriod stands for a stretch that has not changed for as long as the
// schedule looks back (always open, or never open): once per customer.
var epochPeriod = time.Unix(1, 0).UTC()

func awayPeriod(s Schedule, now time.Time) time.Time {
	if p := s.PeriodStart(now); !p.IsZero() {
		return p
	}
	return epochPeriod
}

func matchesAny(folded string, phrases []string) bool {
	for _, p := range phrases {
		if MatchPhrase(folded, p) {
			return true
		}
	}
	return false
}

// shiftText picks the shift variant whose daily window holds local, else
// the main text.
func shiftText(main string, shifts []Shift, local time.Time) string {
	m := local.Hour()*60 + local.Minute()
	for _, s := range shifts {
		if inWindow(s.Window, m) {
			return s.Text
		}
	}
	return main
}

// inWindow reports whether minute-of-day m falls in w (which may cross
// midnight).
func inWindow(w Window, m int) bool {
	if w.End > w.Start {
		return m >= w.Start && m < w.End
	}
	return m >= w.Start || m < w.End
}

// menu lists the public shortcuts with the first words of each: the first
// MaxMenuEntries, then how many more there are.
func (v view) menu() string {
	var lines []string
	more := 0
	for _, q := range v.cfg.QuickReplies {
		if q.Private || len(q.Shortcuts) == 0 {
			continue
		}
		if len(lines) == MaxMenuEntries {
			more++
			continue
		}
		lines = append(lines, q.Shortcuts[0]+" – "+firstWords(q.Text, 6))
	}
	if len(lines) == 0 {
		return ""
	}
	if more > 0 {
		lines = append(lines, Tr(v.cfg.Lang, "@menu|and %d more", more))
	}
	return strings.Join(lines, "\n")
}

// firstWords returns up to n words of text, with "…" when cut.
func firstWords(text string, n int) string {
	words := strings.Fields(text)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	return strings.Join(words[:n], " ") + "…"
}

// lazyVars renders placeholders, computing {next_open} and {hours} only
// when a text uses them.
type lazyVars struct {
	v    view
	in   Input
	done bool
	tv   TemplateVars
}

func (l *lazyVars) render(text string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	if !l.done {
		l.tv = templateVars(l.v, l.in.Now, l.in.Name, l.in.Customer.Name)
		l.done = true
	}
	return Render(text, l.tv)
}

// templateVars are the placeholder values at now.
func templateVars(v view, now time.Time, names ...string) TemplateVars {
	p := v.cfg.Profile
	tv := TemplateVars{Business: p.Name, Website: p.Website, Booking: p.Booking, Catalog: p.Catalog, Phone: p.Phone, Address: p.Address}
	for _, n := range names {
		if n != "" {
			tv.Name = n
			break
		}
	}
	if at, ok := v.sched.NextOpen(now); ok {
		tv.NextOpen = FormatNextOpen(now, at, v.sched.Loc, v.cfg.Lang)
	}
	tv.Hours = HoursSummary(v.cfg.Hours, v.cfg.Lang)
	return tv
}

// Simulate decides what a customer writing text at the moment at would
// receive (as a new customer, or a known one with nothing else remembered),
// with the current configuration and an owner who has been away. It sends
// and records nothing.
func (b *Bot) Simulate(at time.Time, newCustomer bool, text string) Decision {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := Customer{Known: !newCustomer}
	if !newCustomer {
		c.LastInbound = at.Add(-time.Hour)
	}
	return decide(b.view(), Input{Text: text, Sent: at, Now: at, Customer: c})
}
