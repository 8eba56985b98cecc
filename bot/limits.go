package bot

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file holds the size limits and the rules for single values that
// ValidateConfig and the commands share, so that what `!import` accepts is
// exactly what the commands accept: a command checks a typed value with the
// same function ValidateConfig applies to the stored one.

// Size limits. They keep everything the bot sends within what a phone
// shows well and WhatsApp accepts.
const (
	// MaxKeywordAnswers is how many keyword answers one automatic message
	// joins: the first ones matching, in the order they were added.
	MaxKeywordAnswers = 3
	// MaxKeywords and MaxQuickReplies bound the lists (entries of !kw list
	// and !qr list).
	MaxKeywords     = 500
	MaxQuickReplies = 500
	// MinPhraseRunes and MaxPhraseRunes bound one keyword phrase.
	MinPhraseRunes = 1
	MaxPhraseRunes = 60
	// MaxMenuEntries is how many shortcuts /menu lists.
	MaxMenuEntries = 30
	// MaxReplyRunes is the longest owner answer sent as one message;
	// longer ones are split (SplitReply).
	MaxReplyRunes = 4000
	// MaxImportBytes is the largest document !import reads.
	MaxImportBytes = 1 << 20
	// Phone numbers: digits with the country code (E.164 allows 15).
	MinPhoneDigits = 6
	MaxPhoneDigits = 15
	// MaxCustomerNameRunes is the longest customer name the bot keeps
	// and puts in {name}. WhatsApp's app allows 25 characters; a name
	// sent by another client may be any length, and is cut.
	MaxCustomerNameRunes = 50
)

// MenuShortcut is answered by the bot itself with the list of public
// shortcuts, so no quick reply may take it.
const MenuShortcut = "/menu"

// checkChars refuses invalid UTF-8 and control characters: C0 and C1
// controls and DEL. A newline is allowed only when multiline. Tab and
// carriage return are refused too: WhatsApp shows neither well, and a
// text pasted from a computer gets a clear answer instead of odd spacing.
func checkChars(s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return Problemf("it is not valid UTF-8 text")
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if isControl(r) {
			if multiline {
				return Problemf("it holds the control character %s; only ordinary characters and line breaks are allowed", controlName(r))
			}
			return Problemf("it holds the control character %s; it must be one line of ordinary characters", controlName(r))
		}
	}
	return nil
}

// CleanName makes a customer's WhatsApp name, which their phone sends
// and nobody checked, fit to keep and to send back in {name}: invalid
// UTF-8 (and U+FFFD) and control characters become spaces, the
// bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069, which would turn the rest of the reply around) go, runs
// of white space become one space, and the name is cut after
// MaxCustomerNameRunes characters (and before a joiner left dangling
// there).
func CleanName(s string) string {
	if nameIsClean(s) {
		return s
	}
	var b strings.Builder
	space, n := false, 0
	for _, r := range s {
		if isBidiControl(r) {
			continue
		}
		if nameSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			if n+1 >= MaxCustomerNameRunes {
				break
			}
			b.WriteByte(' ')
			n, space = n+1, false
		}
		if n == MaxCustomerNameRunes {
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimRight(b.String(), " \u200d")
}

// nameIsClean reports whether CleanName would leave s as it is (most
// names: then it allocates nothing).
func nameIsClean(s string) bool {
	n, space := 0, true // true: a space here would be leading or doubled
	for _, r := range s {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
		case nameSpace(r) || isBidiControl(r):
			return false
		default:
			space = false
		}
		if n++; n > MaxCustomerNameRunes {
			return false
		}
	}
	return (n == 0 || !space) && !strings.HasSuffix(s, "\u200d")
}

// nameSpace reports a character a name holds as a space: white space, a
// control character, or a broken one (invalid UTF-8 reads as U+FFFD).
func nameSpace(r rune) bool {
	return r == utf8.RuneError || isControl(r) || unicode.IsSpace(r)
}

// isControl reports the C0 and C1 control characters and DEL.
func isControl(r rune) bool {
	return r < 0x20 || r >= 0x7f && r < 0xa0
}

// isBidiControl reports the explicit bidirectional formatting characters
// that need a matching end (an embedding, override or isolate).
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

func controlName(r rune) string {
	switch r {
	case 0:
		return "NUL"
	case '\t':
		return "tab"
	case '\n':
		return "line break"
	case '\r':
		return "carriage return"
	}
	return fmt.Sprintf("U+%04X", r)
}

// ValidName checks a one-line value (business details, a holiday's name,
// a keyword phrase): valid UTF-8 with no control character, not even a
// line break.
func ValidName(s string) error { return checkChars(s, false) }

// ValidTimeZone checks an explicitly set time zone: an IANA name this
// binary can load, written as the zone database spells it. "Local" and
// "" are refused: they mean whatever zone the host runs in.
func ValidTimeZone(name string) error {
	if name == "" || strings.EqualFold(name, "local") {
		return Problemf("%q is not an IANA time zone name (like Europe/Rome): it would follow the host's zone", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || loc.String() != name {
		return Problemf("%s is not a known IANA time zone (like Europe/Rome)", quoteClip(name))
	}
	return nil
}

// ValidURL checks a website, booking or catalog link: an absolute http
// or https address with a host and no spaces.
func ValidURL(s string) error {
	if err := ValidName(s); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " ") {
		return Problemf("%s is not a web address starting with http:// or https://", quoteClip(s))
	}
	return nil
}

// ValidPhone checks the business phone as shown to customers: digits with
// an optional leading "+" and the usual separators (space - . ( ) /),
// 6 to 15 digits.
func ValidPhone(s string) error {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')', r == '/':
		default:
			return Problemf("%s is not a phone number: digits with an optional leading +", quoteClip(s))
		}
	}
	if digits < MinPhoneDigits || digits > MaxPhoneDigits {
		return Problemf("%s has %d digits; a phone number has %d to %d", quoteClip(s), digits, MinPhoneDigits, MaxPhoneDigits)
	}
	return nil
}

// ValidAdmin checks one admin as stored: a phone number in digits (country
// code first, not written with 00), 6 to 15 digits, and not self, the
// business's own number (the owner always commands the bot). self may be
// empty when it is not known.
func ValidAdmin(a, self UserID) error {
	s := string(a)
	switch {
	case s == "" || a.IsLID() || !allDigits(s):
		return Problemf("%s is not a phone number in digits, like 393331234567", quoteClip(s))
	case len(s) < MinPhoneDigits || len(s) > MaxPhoneDigits:
		return Problemf("%q has %d digits; a phone number has %d to %d", s, len(s), MinPhoneDigits, MaxPhoneDigits)
	case strings.HasPrefix(s, "00"):
		return Problemf("%q starts with 00: give the country code without it, like 393331234567", s)
	case self != "" && a == self:
		return Problemf("%s is the business's own number: the owner always commands the bot", a)
	}
	return nil
}

// ValidPhrase checks one keyword phrase as stored: 1 to 60 characters on
// one line, with at least one letter or digit to match.
func ValidPhrase(p string) error {
	if err := ValidName(p); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(p); n < MinPhraseRunes || n > MaxPhraseRunes {
		return Problemf("the phrase has %d characters; it needs %d to %d", n, MinPhraseRunes, MaxPhraseRunes)
	}
	if Fold(p) == "" {
		return Problemf("%s has no letters or digits to match", quoteClip(p))
	}
	return nil
}

// quoteClip quotes a value for an error message, shortened so that a huge
// value cannot make a huge answer.
func quoteClip(s string) string {
	const n = 40
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	rs := []rune(s)
	if len(rs) <= n {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…", string(rs[:n]))
}
