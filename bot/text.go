package bot

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// This file folds text for matching: keyword phrases against customer
// messages, and customer questions against each other for `!stats`.

// stripMarks removes combining marks after canonical decomposition, so "é"
// becomes "e". Transformers keep state, so each call takes its own.
var stripMarks = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// Fold returns s in the form used for matching: lower case, accents
// removed, every character that is not a letter or digit turned into a
// space, runs of spaces collapsed, trimmed. "Richiesta ORDINE!" and
// "richiesta   ordine" both fold to "richiesta ordine"; "perché" to
// "perche". It runs once per inbound message, so plain ASCII takes a fast
// path that never touches the Unicode tables.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		t := stripMarks.Get().(transform.Transformer)
		t.Reset()
		if out, _, err := transform.String(t, s); err == nil {
			s = out
		}
		stripMarks.Put(t)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending before the next word character
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			r = unicode.ToLower(r)
		default:
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MatchPhrase reports whether foldedPhrase occurs in foldedText as whole
// words. Both must already be folded by Fold, so word boundaries are single
// spaces: "richiesta ordine" is in "buongiorno richiesta ordine per
// domani" but not in "richiestaordine" or "richiesta ordinen".
func MatchPhrase(foldedText, foldedPhrase string) bool {
	if foldedPhrase == "" {
		return false
	}
	for from := 0; from+len(foldedPhrase) <= len(foldedText); {
		i := strings.Index(foldedText[from:], foldedPhrase)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(foldedPhrase)
		if (i == 0 || foldedText[i-1] == ' ') && (end == len(foldedText) || foldedText[end] == ' ') {
			return true
		}
		from = i + 1
	}
	return false
}

// MaskNumbers replaces every run of digits in a folded text with "#", so
// "order 1234 for 2 people" and "order 98 for 4 people" count as the same
// question in `!stats`.
func MaskNumbers(folded string) string {
	var b strings.Builder
	b.Grow(len(folded))
	inDigits := false
	for _, r := range folded {
		if unicode.IsDigit(r) {
			if !inDigits {
				b.WriteByte('#')
				inDigits = true
			}
			continue
		}
		inDigits = false
		b.WriteRune(r)
	}
	return b.String()
}

// Clip shortens what someone typed to n characters before it is echoed in
// an answer.
func Clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}
