package bot

import (
	"strings"
	"time"
)

// Rule names, as recorded with each decision and shown by !log and !simulate.
const (
	RuleGreeting = "greeting"
	RuleKeyword  = "keyword"
	RuleShortcut = "shortcut"
	RuleMenu     = "menu"
	RuleAway     = "away"
	RuleHoliday  = "holiday"
	// RuleWhere: the /where location pin.
	RuleWhere = "where"
)

// ruleNames are the catalog keys of the rules' names; in English a
// rule's name is its id.
var ruleNames = map[string]string{
	RuleGreeting: N("@rule|greeting"),
	RuleKeyword:  N("@rule|keyword"),
	RuleShortcut: N("@rule|shortcut"),
	RuleMenu:     N("@rule|menu"),
	RuleAway:     N("@rule|away"),
	RuleHoliday:  N("@rule|holiday"),
	RuleWhere:    N("@rule|where"),
}

// RuleName is the name of rule in lang ("away", "assenza", "Abwesenheit");
// an unknown rule is shown as it is.
func RuleName(lang, rule string) string {
	if key, ok := ruleNames[rule]; ok {
		return T(lang, key)
	}
	return rule
}

// RuleNames is RuleName of each rule.
func RuleNames(lang string, rules []string) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = RuleName(lang, r)
	}
	return out
}

// Part is one rule's contribution to an automatic message.
type Part struct {
	Rule string
	Text string
	// Variant is the language of the text variant used ("" for the main
	// text).
	Variant string
	// Caption marks the text of the answer whose photo or document the
	// message carries: when the composed caption is too long for a phone,
	// it is the part kept under the media (see Decision.Compose).
	Caption bool
}

// Decision is what the engine decided for one customer message: the parts
// that fired, in order (greeting, answer, away), and why the other rules
// did not. It is a value: deciding sends and stores nothing.
type Decision struct {
	Parts []Part
	// Skipped explains, per rule, why it did not fire ("away: open now"),
	// as problems the owner can read in their language (ErrorText).
	Skipped []error
	// Suppressed, when set, says why nothing at all may be sent (kill
	// switch, late delivery) even if rules fired.
	Suppressed string
	// AwayPeriod is the closed period the away part belongs to.
	AwayPeriod time.Time
	// KeywordIDs are the keyword answers that fired.
	KeywordIDs []int
	// Shortcut is the quick-reply shortcut a customer used, if any.
	Shortcut string
	// Attachment is the photo or document of the answer (a shortcut's,
	// else the first keyword answer's that has one) or the /where pin:
	// the message goes out as that, with Text as its caption.
	Attachment *Attachment
	// Lang is the customer's language, from the calling code LangCode of
	// their number ("" when neither is known), and decides which text
	// variants they get.
	Lang, LangCode string
}

// Text is the one message that goes out (or the caption of its
// attachment): the parts joined by a blank line.
func (d Decision) Text() string {
	texts := make([]string, 0, len(d.Parts))
	for _, p := range d.Parts {
		if p.Text != "" { // the /where pin's part has none
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, "\n\n")
}

// Compose is the message that goes out for d: its text (the caption, when
// it carries media) and its attachment. A caption a phone would not show
// whole (over MaxCaption) keeps only the text of the answer the media
// belongs to, when that fits; the other parts, in their order, go as a
// text message right after the media, under an id from newID. A pin
// carries no text: its message's parts all follow it as a text. Nothing
// is cut and nothing is dropped.
func (d Decision) Compose(newID func() string) (string, *Attachment) {
	full := d.Text()
	if d.Attachment == nil {
		return full, nil
	}
	a := *d.Attachment
	switch {
	case a.Pin != nil:
		if full != "" {
			a.After, a.AfterID = full, newID()
		}
		return "", &a
	case CaptionLen(full) <= MaxCaption:
		return full, &a
	}
	caption, kept := "", false
	var rest []string
	for _, p := range d.Parts {
		switch {
		case p.Text == "":
		case p.Caption && !kept && CaptionLen(p.Text) <= MaxCaption:
			caption, kept = p.Text, true
		default:
			rest = append(rest, p.Text)
		}
	}
	a.After, a.AfterID = strings.Join(rest, "\n\n"), newID()
	return caption, &a
}

// Rules lists the rules that fired, in order.
func (d Decision) Rules() []string {
	rules := make([]string, len(d.Parts))
	for i, p := range d.Parts {
		rules[i] = p.Rule
	}
	return rules
}
