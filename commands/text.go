package commands

import (
	"fmt"
	"strings"
)

// Owner-facing answers come in English and Italian (!lang). Each
// answer is written once as a pair at the place it is given, so the two
// languages cannot drift apart and no message key has to be looked up.

// Lang is the language of the owner-facing answers: "en" or "it".
func (c *Call) Lang() string {
	if c.lang == "" {
		return "en"
	}
	return c.lang
}

// SetLang switches the language of this call's later answers (!lang).
func (c *Call) SetLang(lang string) { c.lang = lang }

// T picks the English or Italian text.
func (c *Call) T(en, it string) string {
	if c.Lang() == "it" {
		return it
	}
	return en
}

// Tf is T with fmt.Sprintf formatting; both texts take the same args.
func (c *Call) Tf(en, it string, args ...any) string {
	return fmt.Sprintf(c.T(en, it), args...)
}

// Usagef is a wrong input: the answer names what is wrong and adds the
// usage line of the (sub)command being run.
func (c *Call) Usagef(en, it string, args ...any) error {
	return &UsageError{Reason: c.Tf(en, it, args...)}
}

// Userf is a refusal shown as is.
func (c *Call) Userf(en, it string, args ...any) error {
	return &UserError{Msg: c.Tf(en, it, args...)}
}

// onOff renders a switch.
func (c *Call) onOff(on bool) string {
	if on {
		return c.T("on", "attivo")
	}
	return c.T("off", "disattivo")
}

// quote shows a text the owner set, or a placeholder when it is empty.
func (c *Call) quote(s string) string {
	if strings.TrimSpace(s) == "" {
		return c.T("(empty)", "(vuoto)")
	}
	return "“" + s + "”"
}
