package bot

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file checks shortcuts and whole configurations. ValidateConfig is
// the gate every configuration passes before it is saved (`!import` and
// each command's change), so it names the field that is wrong.

// Shortcut length limits, in characters after the slash.
const (
	MinShortcutRunes = 3
	MaxShortcutRunes = 8
)

// ValidShortcut checks a quick-reply shortcut: "/" followed by 3 to 8
// letters, digits or "_" ("/time", "/ship_eu"). Case does not matter; it is
// stored lower case (NormalizeShortcut).
func ValidShortcut(s string) error {
	rest, ok := strings.CutPrefix(s, "/")
	if !ok {
		return Problemf("shortcut %s must start with /, like /time", quoteClip(s))
	}
	n := 0
	for _, r := range rest {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			return Problemf("shortcut %s may hold only letters, digits and _ after the /", quoteClip(s))
		}
		n++
	}
	if n < MinShortcutRunes || n > MaxShortcutRunes {
		return Problemf("shortcut %s has %d characters after the /; it needs %d to %d", quoteClip(s), n, MinShortcutRunes, MaxShortcutRunes)
	}
	return nil
}

// NormalizeShortcut returns the stored form of a shortcut: trimmed, lower
// case.
func NormalizeShortcut(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// SimilarShortcuts reports whether two different shortcuts are one edit
// apart (a character added, removed or changed: /time and /times, /time and
// /tima), which customers and the owner easily confuse. Equal shortcuts
// are duplicates, not similar.
func SimilarShortcuts(a, b string) bool {
	a, b = NormalizeShortcut(a), NormalizeShortcut(b)
	if a == b {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	switch len(rb) - len(ra) {
	case 0: // one change
		diff := 0
		for i := range ra {
			if ra[i] != rb[i] {
				diff++
			}
		}
		return diff == 1
	case 1: // one insertion into the shorter
		i := 0
		for i < len(ra) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i:]) == string(rb[i+1:])
	}
	return false
}

// CheckShiftOverlap refuses w when it overlaps the window of one of shifts.
// Shift windows apply every day, so they are compared on a 24-hour circle:
// 22:00-02:00 overlaps 01:00-03:00. Windows that only touch (09:00-17:00,
// 17:00-24:00) do not overlap.
func CheckShiftOverlap(shifts []Shift, w Window) error {
	for _, s := range shifts {
		if circleOverlap(s.Window, w) {
			return Problemf("shift %s overlaps the existing shift %s: shift windows must not overlap", FormatWindow(w), FormatWindow(s.Window))
		}
	}
	return nil
}

func circleOverlap(x, y Window) bool {
	x1, x2 := lineSpan(x)
	y1, y2 := lineSpan(y)
	for _, shift := range []int{-1440, 0, 1440} {
		if x1 < y2+shift && y1+shift < x2 {
			return true
		}
	}
	return false
}

// checkWindow checks one stored window's range.
func checkWindow(w Window) error {
	if w.Start < 0 || w.Start >= 1440 {
		return Problemf("start %d is out of range 0-1439 minutes (00:00-23:59)", w.Start)
	}
	if w.End < 0 || w.End > 1440 {
		return Problemf("end %d is out of range 0-1440 minutes (00:00-24:00)", w.End)
	}
	if w.Start == w.End {
		return Problemf("window %s starts and ends at the same time", FormatWindow(w))
	}
	return nil
}

// ValidateConfig checks a whole configuration and reports every problem,
// each naming its field ("away.after_minutes: 90 is out of range 5-60").
// self is the business's own number, which may not be an admin ("" when
// it is not known, as for a document checked away from the bot).
// It is the one judge of what is valid: !import, `frontdesk import` and
// every command's change pass through it, and commands check typed values
// with the same rules (ValidTimeZone, ValidURL, ValidPhone, ValidAdmin,
// ValidPhrase, ValidName, ValidateText).
func ValidateConfig(cfg Config, self UserID) error {
	var errs []error
	bad := func(field string, err error) {
		errs = append(errs, Problemf("%s: %v", field, err))
	}
	text := func(field, t string) {
		if err := ValidateText(t); err != nil {
			errs = append(errs, Problemf("%s: %v", field, err))
		}
	}
	variants := func(field string, vs Variants) {
		for _, lang := range sortedKeys(vs) {
			if !IsLanguage(lang) {
				bad(field+".variants", Problemf("%s is not a supported language: %s", quoteClip(lang), LanguageList()))
				continue
			}
			text(field+".variants."+lang, vs[lang])
		}
	}
	// name checks a one-line value and its length; it reports whether
	// the value passed.
	name := func(field, v string, max int) bool {
		if err := ValidName(v); err != nil {
			bad(field, err)
			return false
		}
		if n := utf8.RuneCountInString(v); n > max {
			bad(field, Problemf("%d characters; the limit is %d", n, max))
			return false
		}
		return true
	}

	if cfg.TimeZone != "" {
		if err := ValidTimeZone(cfg.TimeZone); err != nil {
			bad("time_zone", err)
		}
	}
	if !IsLanguage(cfg.Lang) {
		bad("lang", Problemf("%s is not a supported language: %s", quoteClip(cfg.Lang), LanguageList()))
	}

	// Hours.
	for d := time.Sunday; d <= time.Saturday; d++ {
		field := "hours." + strings.ToLower(d.String()[:3])
		ok := true
		for _, w := range cfg.Hours.Days[d] {
			if err := checkWindow(w); err != nil {
				bad(field, err)
				ok = false
			}
		}
		if ok {
			if err := CheckDayOverlap(cfg.Hours.Days[d]); err != nil {
				bad(field, err)
			}
		}
	}

	// Holidays.
	for i, h := range cfg.Holidays {
		field := fmt.Sprintf("holidays[%d]", i)
		from, err1 := time.Parse(time.DateOnly, h.From)
		to, err2 := time.Parse(time.DateOnly, h.To)
		if err1 != nil {
			bad(field+".from", Problemf("%s is not a date YYYY-MM-DD", quoteClip(h.From)))
		}
		if err2 != nil {
			bad(field+".to", Problemf("%s is not a date YYYY-MM-DD", quoteClip(h.To)))
		}
		if err1 == nil && err2 == nil && to.Before(from) {
			bad(field, Problemf("ends (%s) before it starts (%s)", h.To, h.From))
		}
		name(field+".name", h.Name, MaxTextRunes)
		if h.Message != "" {
			text(field+".message", h.Message)
		}
	}

	// Away and greeting.
	if cfg.Away.When != WhenClosed && cfg.Away.When != WhenAlways {
		bad("away.when", Problemf("%s is not one of closed, always", quoteClip(cfg.Away.When)))
	}
	if a := cfg.Away.AfterMinutes; a < MinAwayAfter || a > MaxAwayAfter {
		bad("away.after_minutes", Problemf("%d is out of range %d-%d", a, MinAwayAfter, MaxAwayAfter))
	}
	// An empty text is allowed even when on: the engine then sends
	// nothing and !check reports it with the fix.
	if cfg.Away.Text != "" {
		text("away.text", cfg.Away.Text)
	}
	variants("away", cfg.Away.Variants)
	checkShifts(&errs, "away.shifts", cfg.Away.Shifts)
	if w := cfg.Greeting.When; w != WhenAlways && w != WhenOpen && w != WhenClosed {
		bad("greeting.when", Problemf("%s is not one of always, open, closed", quoteClip(w)))
	}
	if a := cfg.Greeting.AfterDays; a < MinGreetAfter || a > MaxGreetAfter {
		bad("greeting.after_days", Problemf("%d is out of range %d-%d", a, MinGreetAfter, MaxGreetAfter))
	}
	if cfg.Greeting.Text != "" {
		text("greeting.text", cfg.Greeting.Text)
	}
	variants("greeting", cfg.Greeting.Variants)
	checkShifts(&errs, "greeting.shifts", cfg.Greeting.Shifts)

	// Keywords.
	if n := len(cfg.Keywords); n > MaxKeywords {
		bad("keywords", Problemf("%d keyword answers; the limit is %d", n, MaxKeywords))
	}
	ids := map[int]bool{}
	for i, k := range cfg.Keywords {
		field := fmt.Sprintf("keywords[%d]", i)
		if ids[k.ID] {
			bad(field+".id", Problemf("%d is used by another keyword answer", k.ID))
		}
		ids[k.ID] = true
		if len(k.Phrases) == 0 {
			bad(field+".phrases", Problemf("no phrase: give at least one"))
		}
		for j, p := range k.Phrases {
			if err := ValidPhrase(p); err != nil {
				bad(fmt.Sprintf("%s.phrases[%d]", field, j), err)
			}
		}
		mediaText(&errs, field, k.Text, k.Media)
		variants(field, k.Variants)
	}

	// Quick replies.
	if n := len(cfg.QuickReplies); n > MaxQuickReplies {
		bad("quick_replies", Problemf("%d quick replies; the limit is %d", n, MaxQuickReplies))
	}
	seen := map[string]int{}
	for i, q := range cfg.QuickReplies {
		field := fmt.Sprintf("quick_replies[%d]", i)
		if len(q.Shortcuts) == 0 {
			bad(field+".shortcuts", Problemf("no shortcut: give at least one, like /time"))
		}
		for j, s := range q.Shortcuts {
			f := fmt.Sprintf("%s.shortcuts[%d]", field, j)
			if err := ValidShortcut(s); err != nil {
				bad(f, err)
				continue
			}
			n := NormalizeShortcut(s)
			if n == MenuShortcut && q.Media == nil {
				bad(f, Problemf("%s is reserved: it shows customers the list of public quick replies", MenuShortcut))
				continue
			}
			if prev, dup := seen[n]; dup {
				bad(f, Problemf("%s is already used by quick_replies[%d]", n, prev))
				continue
			}
			seen[n] = i
		}
		mediaText(&errs, field, q.Text, q.Media)
		variants(field, q.Variants)
	}

	// Profile: one-line values, without braces (a value is put into
	// texts, where "{" would start a placeholder).
	p := cfg.Profile
	for _, f := range []struct {
		field, v, kind string
		max            int
	}{
		{"profile.name", p.Name, "text", MaxNameRunes}, {"profile.about", p.About, "text", MaxAboutRunes},
		{"profile.website", p.Website, "url", MaxTextRunes}, {"profile.booking", p.Booking, "url", MaxTextRunes},
		{"profile.catalog", p.Catalog, "url", MaxTextRunes}, {"profile.phone", p.Phone, "phone", MaxTextRunes},
		{"profile.address", p.Address, "text", MaxTextRunes},
	} {
		if f.v == "" {
			continue
		}
		if !name(f.field, f.v, f.max) {
			continue
		}
		if strings.ContainsAny(f.v, "{}") {
			bad(f.field, Problemf("business details cannot hold { or }"))
			continue
		}
		var err error
		switch f.kind {
		case "url":
			err = ValidURL(f.v)
		case "phone":
			err = ValidPhone(f.v)
		}
		if err != nil {
			bad(f.field, err)
		}
	}

	if p.Location != nil {
		if err := ValidLocation(*p.Location); err != nil {
			bad("profile.location", err)
		}
	}

	// Admins.
	admins := map[UserID]int{}
	for i, a := range cfg.Admins {
		field := fmt.Sprintf("admins[%d]", i)
		if err := ValidAdmin(a, self); err != nil {
			bad(field, err)
			continue
		}
		if prev, dup := admins[a]; dup {
			bad(field, Problemf("%s is already admins[%d]", a, prev))
			continue
		}
		admins[a] = i
	}
	return JoinProblems(errs)
}

func checkShifts(errs *[]error, field string, shifts []Shift) {
	for i, s := range shifts {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := checkWindow(s.Window); err != nil {
			*errs = append(*errs, Problemf("%s: %v", f+".window", err))
			continue
		}
		if err := CheckShiftOverlap(shifts[:i], s.Window); err != nil {
			*errs = append(*errs, Problemf("%s: %v", f+".window", err))
		}
		if err := ValidateText(s.Text); err != nil {
			*errs = append(*errs, Problemf("%s: %v", f+".text", err))
		}
	}
}

// mediaText checks the text of a quick reply or keyword answer and its
// media: with a photo or document the text (its caption) may be empty.
func mediaText(errs *[]error, field, text string, media *MediaRef) {
	if media != nil {
		if err := ValidMediaRef(*media); err != nil {
			*errs = append(*errs, Problemf("%s: %v", field+".media", err))
		}
		if text == "" {
			return
		}
	}
	if err := ValidateText(text); err != nil {
		*errs = append(*errs, Problemf("%s: %v", field+".text", err))
	}
}

// sortedKeys are the languages of vs in the order of Languages, then any
// others sorted: problems and lists come out the same every time.
func sortedKeys(vs Variants) []string {
	var out, other []string
	for _, l := range Languages {
		if _, ok := vs[l]; ok {
			out = append(out, l)
		}
	}
	for l := range vs {
		if !IsLanguage(l) {
			other = append(other, l)
		}
	}
	sort.Strings(other)
	return append(out, other...)
}
