package bot

import (
	"strings"
	"time"
)

// The reasons a rule did not fire that take no argument from the
// message, made once: decide runs for every customer message, and only
// !simulate reads them.
var (
	skipGreetingOwnerWrote = Problemf("greeting: the owner wrote in this chat in the last 30 minutes")
	skipGreetingKnown      = Problemf("greeting: known customer")
	skipGreetingClosed     = Problemf("greeting: only when open, and closed now")
	skipGreetingOpen       = Problemf("greeting: only when closed, and open now")
	skipGreetingNoText     = Problemf("greeting: no text set")
	skipKeywordOwnerWrote  = Problemf("keyword: the owner wrote in this chat in the last 30 minutes")
	skipKeywordRecent      = Problemf("keyword: already answered in the last hour")
	skipKeywordSecondFile  = Problemf("keyword: only one file per message")
	skipAwayOwnerWrote     = Problemf("away: the owner wrote in this chat in the last 30 minutes")
	skipAwayOpen           = Problemf("away: open now")
	skipAwayAlreadySent    = Problemf("away: already sent to this customer in this closed period")
	skipAwayNoText         = Problemf("away: no text set")
	skipKeywordEnough      = Problemf("keyword: already %d keyword answers in this message", MaxKeywordAnswers)
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
	// Lang, when set, is the customer's language, instead of the one of
	// their number's calling code (!simulate with a language).
	Lang string
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
	d.Lang, d.LangCode = in.Lang, ""
	if d.Lang == "" {
		d.Lang, d.LangCode = NumberLanguage(in.Customer.ID)
	}
	vars.lang = d.Lang

	// Greeting.
	switch {
	case !cfg.Greeting.On:
	case takeover:
		d.Skipped = append(d.Skipped, skipGreetingOwnerWrote)
	case !isNewContact(in, cfg.Greeting.AfterDays):
		d.Skipped = append(d.Skipped, skipGreetingKnown)
	case cfg.Greeting.When == WhenOpen && !open:
		d.Skipped = append(d.Skipped, skipGreetingClosed)
	case cfg.Greeting.When == WhenClosed && open:
		d.Skipped = append(d.Skipped, skipGreetingOpen)
	default:
		if p, ok := vars.part(RuleGreeting, cfg.Greeting.Text, cfg.Greeting.Variants, cfg.Greeting.Shifts, now.In(v.sched.Loc)); ok {
			d.Parts = append(d.Parts, p)
		} else {
			d.Skipped = append(d.Skipped, skipGreetingNoText)
		}
	}

	// Answers: a customer shortcut (also during takeover), then keywords.
	if q, s, ok := v.quickReply(in.Text); ok && !q.Private {
		d.Shortcut = s
		// With a photo or document the text is its caption, and the
		// customer's variant replaces that caption; the file stays.
		p, _ := vars.part(RuleShortcut, q.Text, q.Variants, nil, now)
		p.Rule = RuleShortcut // a file may go without a caption
		if q.Media != nil {
			d.Attachment = &Attachment{Media: q.Media}
			p.Caption = true
		}
		d.Parts = append(d.Parts, p)
	} else if strings.EqualFold(strings.TrimSpace(in.Text), MenuShortcut) {
		if menu := v.menu(&vars); menu != "" {
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
				d.Skipped = append(d.Skipped, skipKeywordOwnerWrote)
				break
			}
			if last, ok := in.Customer.KeywordSent[k.ID]; ok && now.Sub(last) < KeywordEvery {
				d.Skipped = append(d.Skipped, skipKeywordRecent)
				continue
			}
			if len(d.KeywordIDs) == MaxKeywordAnswers {
				d.Skipped = append(d.Skipped, skipKeywordEnough)
				break
			}
			if k.Media != nil && d.Attachment != nil {
				// One file (or pin) per message: this answer is not sent
				// nor counted, so it answers the next message asking.
				d.Skipped = append(d.Skipped, skipKeywordSecondFile)
				continue
			}
			d.KeywordIDs = append(d.KeywordIDs, k.ID)
			p, _ := vars.part(RuleKeyword, k.Text, k.Variants, nil, now)
			p.Rule = RuleKeyword // a file may go without a caption
			if k.Media != nil {
				d.Attachment = &Attachment{Media: k.Media}
				p.Caption = true
			}
			d.Parts = append(d.Parts, p)
		}
	}

	// Away.
	period := awayPeriod(v.sched, now)
	holiday, onHoliday := v.sched.HolidayAt(now)
	switch {
	case !cfg.Away.On:
	case takeover:
		d.Skipped = append(d.Skipped, skipAwayOwnerWrote)
	case cfg.Away.When != WhenAlways && open:
		d.Skipped = append(d.Skipped, skipAwayOpen)
	case now.Sub(in.OwnerActive) < time.Duration(cfg.Away.AfterMinutes)*time.Minute:
		d.Skipped = append(d.Skipped, Problemf("away: the owner was active in the last %d minutes", cfg.Away.AfterMinutes))
	case in.Customer.AwayPeriod.Equal(period):
		d.Skipped = append(d.Skipped, skipAwayAlreadySent)
	default:
		p, ok := vars.part(RuleAway, cfg.Away.Text, cfg.Away.Variants, cfg.Away.Shifts, now.In(v.sched.Loc))
		if onHoliday && holiday.Message != "" {
			p, ok = Part{Rule: RuleHoliday, Text: vars.render(holiday.Message, "")}, true
		}
		if !ok {
			d.Skipped = append(d.Skipped, skipAwayNoText)
			break
		}
		d.AwayPeriod = period
		d.Parts = append(d.Parts, p)
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

// menu lists the public shortcuts with the first words of each, as the
// customer would get it: the variant in the customer's language when
// there is one, placeholders worded (l.render). An entry that is a file
// alone is named "photo" or "document". The first MaxMenuEntries are
// listed, then how many more there are. Those names and "and %d more"
// are in the customer's language when some entry was in it, else in the
// owner's, so the menu reads in one language.
func (v view) menu(l *lazyVars) string {
	type entry struct {
		shortcut, words string
		media           *MediaRef
	}
	var entries []entry
	more, inLang := 0, false
	for _, q := range v.cfg.QuickReplies {
		if q.Private || len(q.Shortcuts) == 0 {
			continue
		}
		if len(entries) == MaxMenuEntries {
			more++
			continue
		}
		text, variant := q.Text, ""
		if t, ok := q.Variants[l.lang]; ok && t != "" && l.lang != "" {
			text, variant, inLang = t, l.lang, true
		}
		entries = append(entries, entry{q.Shortcuts[0], firstWords(l.render(text, variant), 6), q.Media})
	}
	if len(entries) == 0 {
		return ""
	}
	lang := l.lang
	if !inLang {
		lang = v.cfg.Lang
	}
	lines := make([]string, 0, len(entries)+1)
	for _, e := range entries {
		words := e.words
		if words == "" && e.media != nil {
			words = Tr(lang, "@menu|document")
			if e.media.IsImage() {
				words = Tr(lang, "@menu|photo")
			}
		}
		if words == "" {
			lines = append(lines, e.shortcut)
			continue
		}
		lines = append(lines, e.shortcut+" – "+words)
	}
	if more > 0 {
		lines = append(lines, Tr(lang, "@menu|and %d more", more))
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

// lazyVars chooses the text of each rule for the customer's language and
// renders its placeholders, computing {next_open} and {hours} only when
// a text uses them, once per language: most texts use neither, and
// {hours} (the whole week worded) costs more than the rest together.
type lazyVars struct {
	v  view
	in Input
	// lang is the customer's language ("" when unknown).
	lang string
	// One decision words placeholders in at most two languages: the
	// owner's (main texts) and the customer's (variants).
	tv    [2]TemplateVars
	tvFor [2]string
	// has says which of {next_open} and {hours} tv[slot] holds already.
	has [2]lazyHas
}

type lazyHas struct{ nextOpen, hours bool }

// part is a rule's text for this customer: the shift text whose window
// holds local (a shift is chosen for its time and has no language
// variants), else the variant in the customer's language, else the main
// text. ok is false when that text is empty.
func (l *lazyVars) part(rule, main string, vs Variants, shifts []Shift, local time.Time) (Part, bool) {
	text := shiftText(main, shifts, local)
	variant := ""
	if text == main {
		if t, ok := vs[l.lang]; ok && t != "" {
			text, variant = t, l.lang
		}
	}
	if text == "" {
		return Part{}, false
	}
	return Part{Rule: rule, Text: l.render(text, variant), Variant: variant}, true
}

// render expands text's placeholders; {next_open} and {hours} are worded
// in variant's language, or in the owner's for a main text ("").
func (l *lazyVars) render(text, variant string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	lang := variant
	if lang == "" {
		lang = l.v.cfg.Lang
	}
	slot := 0
	if variant != "" {
		slot = 1
	}
	if l.tvFor[slot] != lang {
		l.tv[slot] = baseVars(l.v, l.in.Name, l.in.Customer.Name)
		l.tvFor[slot] = lang
		l.has[slot] = lazyHas{}
	}
	tv, has := &l.tv[slot], &l.has[slot]
	if !has.nextOpen && UsesPlaceholder(text, "next_open") {
		tv.NextOpen = nextOpenIn(l.v, lang, l.in.Now)
		has.nextOpen = true
	}
	if !has.hours && UsesPlaceholder(text, "hours") {
		tv.Hours = HoursSummary(l.v.cfg.Hours, lang)
		has.hours = true
	}
	return Render(text, *tv)
}

// templateVars are the placeholder values at now, in the owner's
// language.
func templateVars(v view, now time.Time, names ...string) TemplateVars {
	return templateVarsIn(v, v.cfg.Lang, now, names...)
}

// templateVarsIn are the placeholder values at now, {next_open} and
// {hours} worded in lang.
func templateVarsIn(v view, lang string, now time.Time, names ...string) TemplateVars {
	tv := baseVars(v, names...)
	tv.NextOpen = nextOpenIn(v, lang, now)
	tv.Hours = HoursSummary(v.cfg.Hours, lang)
	return tv
}

// baseVars are the placeholder values that need no clock nor language:
// the business profile and the first of names not empty once cleaned
// (CleanName: a name stored before names were cleaned may hold anything).
func baseVars(v view, names ...string) TemplateVars {
	p := v.cfg.Profile
	tv := TemplateVars{Business: p.Name, Website: p.Website, Booking: p.Booking, Catalog: p.Catalog, Phone: p.Phone, Address: p.Address}
	for _, n := range names {
		if n = CleanName(n); n != "" {
			tv.Name = n
			break
		}
	}
	return tv
}

// nextOpenIn is {next_open} at now in lang ("" when the business never
// opens again).
func nextOpenIn(v view, lang string, now time.Time) string {
	if at, ok := v.sched.NextOpen(now); ok {
		return FormatNextOpen(now, at, v.sched.Loc, lang)
	}
	return ""
}

// Simulation is a made-up customer message for Simulate.
type Simulation struct {
	At time.Time
	// New: a customer never seen; else a known one with nothing else
	// remembered.
	New  bool
	Text string
	// Phone, when set, is the customer's number (its calling code gives
	// the language); Lang, when set, the language itself.
	Phone UserID
	Lang  string
}

// Simulate decides what a customer would receive, with the current
// configuration and an owner who has been away. It sends and records
// nothing.
func (b *Bot) Simulate(s Simulation) Decision {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := Customer{ID: s.Phone, Known: !s.New}
	if !s.New {
		c.LastInbound = s.At.Add(-time.Hour)
	}
	return decide(b.view(), Input{Text: s.Text, Sent: s.At, Now: s.At, Customer: c, Lang: s.Lang})
}
