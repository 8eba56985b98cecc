package commands

import (
	"strings"
	"sync"
	"time"

	"frontdesk/bot"
)

// A long !export document comes as numbered parts ("(1/3)" on the first
// line of each), because every answer longer than a phone shows well is
// split. Pasting the parts back, in any order, imports the document once
// the last one is in: pasted collects them per chat.

// pastedTTL is how long the parts already pasted wait for the others.
const pastedTTL = 30 * time.Minute

// pasted holds the parts pasted so far, per chat.
type pasted struct {
	mu    sync.Mutex
	chats map[bot.UserID]*pastedDoc
}

type pastedDoc struct {
	n     int
	parts map[int]string
	last  time.Time
}

// add keeps part k of n for chat and returns the whole text once every
// part is in (and forgets it), or how many parts are in so far. A part
// count that differs from the parts before starts over.
func (p *pasted) add(chat bot.UserID, k, n int, text string, at time.Time) (whole string, have int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.chats == nil {
		p.chats = map[bot.UserID]*pastedDoc{}
	}
	d := p.chats[chat]
	if d == nil || d.n != n || at.Sub(d.last) > pastedTTL {
		d = &pastedDoc{n: n, parts: map[int]string{}}
		p.chats[chat] = d
	}
	d.parts[k], d.last = text, at
	if len(d.parts) < n {
		return "", len(d.parts)
	}
	delete(p.chats, chat)
	ordered := make([]string, n)
	for i := range n {
		ordered[i] = d.parts[i+1]
	}
	return strings.Join(ordered, "\n"), n
}

// routePart takes one pasted part. Only !import is ever sent in parts that
// come back, so the whole text, once complete, is imported.
func (r *Router) routePart(c *Call, k, n int, text string) error {
	if c.Admin {
		return c.Userf("Only the owner can import a configuration.")
	}
	whole, have := r.pasted.add(c.Chat, k, n, text, c.At)
	if whole == "" {
		return c.Reply(c.Tf("Part %d of %d received (%d so far); paste the others to import the document.", k, n, have))
	}
	c.raw = strings.TrimSpace(whole)
	c.Cmd, c.Path = find(r.table, "import"), []string{"import"}
	if c.Cmd == nil {
		return &UserError{c.T("Type !help for the list of commands.")}
	}
	return runImport(c.ctx, c)
}
