package commands

import (
	"fmt"
	"frontdesk/bot"
	"strconv"
	"strings"
)

// This file pages long lists (!kw list, !qr list, !qr stats, !qr stale,
// !log, !holiday list): pageSize entries an answer, the page chosen with a
// number after the command ("!qr list 2") and a footer telling how to see
// the next one.

// pageSize is how many entries one page of a list shows.
const pageSize = 30

// isPageNumber reports whether a word is a page number rather than, say,
// a shortcut prefix.
func isPageNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// pageArg reads a page number (1 when s is "").
func pageArg(c *Call, s string) (int, error) {
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || !isPageNumber(s) || n < 1 {
		return 0, c.Usagef("%q is not a page number: give 1, 2, 3...", bot.Clip(s, 30))
	}
	return n, nil
}

// page renders page p of lines under title. next is the command that shows
// a given page, with %d for its number ("!qr list %d"). Lines are written
// as they are: callers number them across pages when the number matters.
func (c *Call) page(title string, lines []string, p int, next string) (string, error) {
	pages := max(1, (len(lines)+pageSize-1)/pageSize)
	if p > pages {
		return "", c.Usagef("There is no page %d: the list has %d.", p, pages)
	}
	from, to := (p-1)*pageSize, min(p*pageSize, len(lines))
	var b strings.Builder
	b.WriteString(title)
	for _, l := range lines[from:to] {
		b.WriteString("\n" + l)
	}
	switch {
	case pages == 1:
	case p < pages:
		b.WriteString("\n" + c.Tf("Page %d of %d. Next page: %s", p, pages, fmt.Sprintf(next, p+1)))
	default:
		b.WriteString("\n" + c.Tf("Page %d of %d.", p, pages))
	}
	return b.String(), nil
}

// replyPage pages lines and answers with the page.
func (c *Call) replyPage(title string, lines []string, p int, next string) error {
	text, err := c.page(title, lines, p, next)
	if err != nil {
		return err
	}
	return c.Reply(text)
}

// firstArg is the first argument, or "".
func firstArg(c *Call) string {
	if len(c.Args) == 0 {
		return ""
	}
	return c.Args[0]
}
