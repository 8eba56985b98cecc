package commands

import (
	"strings"

	"frontdesk/bot"
)

// Owner-facing answers are written in English where they are given and
// translated through the catalog of package bot (bot.Tr): the English
// text is the key. See docs/translating.md.

// Lang is the language of the owner-facing answers: one of bot.Languages.
func (c *Call) Lang() string {
	if c.lang == "" {
		return "en"
	}
	return c.lang
}

// SetLang switches the language of this call's later answers (!lang).
func (c *Call) SetLang(lang string) { c.lang = lang }

// T is text in the answer's language (bot.T): no formatting.
func (c *Call) T(text string) string { return bot.T(c.Lang(), text) }

// Tf is format in the answer's language, formatted with args (bot.Tr).
func (c *Call) Tf(format string, args ...any) string { return bot.Tr(c.Lang(), format, args...) }

// Usagef is a wrong input: the answer names what is wrong and adds the
// usage line of the (sub)command being run.
func (c *Call) Usagef(format string, args ...any) error {
	return &UsageError{Reason: c.Tf(format, args...)}
}

// Userf is a refusal shown as is.
func (c *Call) Userf(format string, args ...any) error {
	return &UserError{Msg: c.Tf(format, args...)}
}

// onOff renders a switch.
func (c *Call) onOff(on bool) string {
	if on {
		return c.T("on")
	}
	return c.T("off")
}

// whenWord shows a `when` setting (always, open, closed) in the answer's
// language; the owner types the English word (or its Italian alias).
func (c *Call) whenWord(w string) string {
	switch w {
	case bot.WhenAlways:
		return c.T("always")
	case bot.WhenOpen:
		return c.T("open")
	case bot.WhenClosed:
		return c.T("closed")
	}
	return w
}

// quote shows a text the owner set, or a placeholder when it is empty.
func (c *Call) quote(s string) string {
	if strings.TrimSpace(s) == "" {
		return c.T("(empty)")
	}
	return "“" + s + "”"
}

// ruleCounts is m with each rule named in the owner's language.
func ruleCounts(c *Call, m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for rule, n := range m {
		out[bot.RuleName(c.Lang(), rule)] += n
	}
	return out
}
