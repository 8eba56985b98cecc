package replay

import (
	"fmt"
	"strings"

	"frontdesk/bot"
)

// parseExpect reads what follows "expect ".
func parseExpect(rest string) (Expect, string) {
	var e Expect
	if rest == "none" {
		e.What = ExpectNone
		return e, ""
	}
	if t, ok := strings.CutPrefix(rest, "none "); ok {
		e.What = ExpectNone
		if err := e.target(strings.TrimSpace(t)); err != "" {
			return e, err
		}
		return e, ""
	}
	if t, ok := strings.CutPrefix(rest, "delete "); ok {
		e.What = ExpectDelete
		if err := e.target(strings.TrimSpace(t)); err != "" {
			return e, err
		}
		if e.Owner {
			return e, "expect delete names a customer chat"
		}
		return e, ""
	}
	switch {
	case strings.HasPrefix(rest, "edit "):
		e.What, rest = ExpectEdit, strings.TrimSpace(rest[len("edit "):])
	case strings.HasPrefix(rest, "image "):
		e.What, rest = ExpectImage, strings.TrimSpace(rest[len("image "):])
	case strings.HasPrefix(rest, "document "):
		e.What, rest = ExpectDocument, strings.TrimSpace(rest[len("document "):])
	case strings.HasPrefix(rest, "location "):
		e.What, rest = ExpectLocation, strings.TrimSpace(rest[len("location "):])
	}
	head, text, sep := splitTarget(rest)
	switch sep {
	case ':':
	case '~':
		e.Contains = true
	default:
		return e, fmt.Sprintf("bad expect %q (want: expect NUM: TEXT, expect NUM ~ PART, expect owner ~ PART, expect edit NUM: TEXT, expect image|document|location NUM|owner ~ PART, expect delete NUM, expect none [NUM|owner])", rest)
	}
	if err := e.target(head); err != "" {
		return e, err
	}
	if text == "" {
		return e, "expect needs a text after : or ~"
	}
	e.Text = text
	return e, ""
}

func (e *Expect) target(s string) string {
	if s == "owner" {
		e.Owner = true
		return ""
	}
	id, err := chatID(s)
	if err != "" {
		return err
	}
	e.Chat = id
	return ""
}

// splitTarget cuts "HEAD: TEXT" or "HEAD ~ TEXT" at the first ':' or '~'
// (after a leading "lid:", whose colon belongs to the id). TEXT is trimmed
// and has `\n` turned into newlines; sep is 0 when there is neither.
func splitTarget(s string) (head, text string, sep byte) {
	for i := 0; i < len(s); i++ {
		if s[i] != ':' && s[i] != '~' {
			continue
		}
		if s[i] == ':' && isLIDPrefix(s, i) {
			continue
		}
		text = strings.TrimSpace(s[i+1:])
		return strings.TrimSpace(s[:i]), strings.ReplaceAll(text, `\n`, "\n"), s[i]
	}
	return strings.TrimSpace(s), "", 0
}

// isLIDPrefix reports whether the colon at s[i] ends a "lid" word (the
// start of "lid:DIGITS"), not a separator.
func isLIDPrefix(s string, i int) bool {
	if i < 3 || !strings.EqualFold(s[i-3:i], "lid") {
		return false
	}
	return i == 3 || s[i-4] == ' ' || s[i-4] == '@'
}

// chatID reads a chat named by a phone number or by "lid:DIGITS".
func chatID(s string) (bot.UserID, string) {
	if strings.HasPrefix(strings.ToLower(s), "lid:") {
		return lidID(s)
	}
	return phone(s)
}

func lidID(s string) (bot.UserID, string) {
	d := strings.TrimSpace(s[len("lid:"):])
	if d == "" || strings.Trim(d, "0123456789") != "" || len(d) > 24 {
		return "", fmt.Sprintf("bad lid %q (want lid:DIGITS)", s)
	}
	return bot.LIDID(d), ""
}

// phone reads a phone number: digits with spaces, dashes and a leading +.
func phone(s string) (bot.UserID, string) {
	body := strings.TrimPrefix(strings.TrimSpace(s), "+")
	if body == "" || strings.Trim(body, "0123456789 -") != "" || body[0] < '0' || body[0] > '9' {
		return "", fmt.Sprintf("bad phone number %q (digits, spaces, dashes and a leading +)", s)
	}
	id := bot.PhoneID(body)
	if n := len(id); n < 5 || n > 15 {
		return "", fmt.Sprintf("bad phone number %q (5 to 15 digits)", s)
	}
	return id, ""
}
