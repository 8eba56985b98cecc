package bot

import (
	"strings"
	"unicode/utf8"
)

// Placeholders lists the names valid inside {braces} in customer-facing
// texts, in the order they are shown to the owner.
var Placeholders = []string{"name", "business", "next_open", "hours", "website", "booking", "catalog", "phone", "address"}

// TemplateVars are the values placeholders expand to.
type TemplateVars struct {
	Name, Business, NextOpen, Hours, Website, Booking, Catalog, Phone, Address string
}

func (v TemplateVars) lookup(name string) (string, bool) {
	switch name {
	case "name":
		return v.Name, true
	case "business":
		return v.Business, true
	case "next_open":
		return v.NextOpen, true
	case "hours":
		return v.Hours, true
	case "website":
		return v.Website, true
	case "booking":
		return v.Booking, true
	case "catalog":
		return v.Catalog, true
	case "phone":
		return v.Phone, true
	case "address":
		return v.Address, true
	}
	return "", false
}

// placeholderAt reports whether text[i] opens a "{word}" (word: ASCII
// letters, digits, underscore; at least one) and returns the word and the
// index just past "}". A lone "{", "{}" or "{ }" is plain text.
func placeholderAt(text string, i int) (word string, next int, ok bool) {
	j := i + 1
	for j < len(text) {
		c := text[j]
		if c == '}' {
			if j == i+1 {
				return "", 0, false
			}
			return text[i+1 : j], j + 1, true
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", 0, false
		}
		j++
	}
	return "", 0, false
}

func placeholderList() string {
	parts := make([]string, len(Placeholders))
	for i, p := range Placeholders {
		parts[i] = "{" + p + "}"
	}
	return strings.Join(parts, " ")
}

// ValidateText checks a customer-facing text as the owner typed it: not
// empty, valid UTF-8 without control characters other than line breaks,
// at most MaxTextRunes characters (runes: "è" and "😀" count one), and
// only known placeholders.
func ValidateText(text string) error {
	if strings.TrimSpace(text) == "" {
		return Problemf("the text is empty")
	}
	if err := checkChars(text, true); err != nil {
		return Problemf("the text is refused: %v", err)
	}
	if n := utf8.RuneCountInString(text); n > MaxTextRunes {
		return Problemf("the text is %d characters long; the limit is %d", n, MaxTextRunes)
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '{' {
			continue
		}
		word, next, ok := placeholderAt(text, i)
		if !ok {
			continue
		}
		if _, known := (TemplateVars{}).lookup(word); !known {
			return Problemf("unknown placeholder {%s}; valid ones are %s", word, placeholderList())
		}
		i = next - 1
	}
	return nil
}

// UsesPlaceholder reports whether text contains the placeholder {name}.
func UsesPlaceholder(text, name string) bool {
	return strings.Contains(text, "{"+name+"}")
}

// Render expands the placeholders of text in one pass: a value that itself
// contains "{name}" is not expanded again. Unknown placeholders stay as
// typed. When a value is empty (no customer name, say) the space before it
// goes too if punctuation or the end follows, so "Hi {name}!" becomes "Hi!"
// rather than "Hi !".
func Render(text string, v TemplateVars) string {
	if strings.IndexByte(text, '{') < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 32)
	last := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '{' {
			continue
		}
		word, next, ok := placeholderAt(text, i)
		if !ok {
			continue
		}
		val, known := v.lookup(word)
		if !known {
			i = next - 1
			continue
		}
		b.WriteString(text[last:i])
		if val == "" && next <= len(text) && (next == len(text) || strings.IndexByte(" ,.!?;:", text[next]) >= 0) {
			if s := b.String(); strings.HasSuffix(s, " ") {
				trimmed := strings.TrimSuffix(s, " ")
				b.Reset()
				b.WriteString(trimmed)
			}
		}
		b.WriteString(val)
		last = next
		i = next - 1
	}
	b.WriteString(text[last:])
	return b.String()
}
