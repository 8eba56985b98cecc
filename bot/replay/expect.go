package replay

import (
	"fmt"
	"strings"
	"time"

	"frontdesk/bot"
)

// Matcher holds the outputs no `expect` has consumed yet and checks
// expectations against them (the table of docs/scenarios.md).
type Matcher struct {
	// Self is the owner's own chat: outputs there are "owner" outputs.
	Self bot.UserID
	// Loc is the zone virtual times are shown in.
	Loc *time.Location

	pending []Output
	// alias maps each identity of a linked person to the other one, so an
	// expectation naming either sees the chat under both names.
	alias map[bot.UserID]bot.UserID
	// lastOwner is the id of the owner's last message in each chat.
	lastOwner map[bot.UserID]string
}

// NewMatcher returns a Matcher with nothing pending.
func NewMatcher(self bot.UserID) *Matcher {
	return &Matcher{Self: self, Loc: time.UTC, alias: map[bot.UserID]bot.UserID{}, lastOwner: map[bot.UserID]string{}}
}

// Add appends outputs, in the order they were sent.
func (m *Matcher) Add(outs ...Output) { m.pending = append(m.pending, outs...) }

// Pending returns the outputs not yet consumed.
func (m *Matcher) Pending() []Output { return append([]Output(nil), m.pending...) }

// Link records that lid and pn are the same person.
func (m *Matcher) Link(lid, pn bot.UserID) {
	m.alias[lid] = pn
	m.alias[pn] = lid
}

// OwnerWrote records that the owner's message id is now the last one the
// owner sent in chat (what `expect edit` wants edited).
func (m *Matcher) OwnerWrote(chat bot.UserID, id string) { m.lastOwner[chat] = id }

func (m *Matcher) isOwner(o Output) bool { return o.Chat == m.Self }

func (m *Matcher) inChat(o Output, chat bot.UserID) bool {
	return o.Chat == chat || (m.alias[chat] != "" && o.Chat == m.alias[chat])
}

// lastOwnerIn is the owner's last message in chat under either identity.
func (m *Matcher) lastOwnerIn(chat bot.UserID) string {
	if id := m.lastOwner[chat]; id != "" {
		return id
	}
	if alt := m.alias[chat]; alt != "" {
		return m.lastOwner[alt]
	}
	return ""
}

// Check tests e against the pending outputs and consumes what it matched
// (for a failed `expect NUM` the output it looked at, for a failed
// `expect none` the outputs that should not be there, so one mistake is
// reported once). When e fails, report says what was expected and what was
// pending, one item per line.
func (m *Matcher) Check(e Expect) (ok bool, report string) {
	switch {
	case e.What == ExpectNone:
		return m.checkNone(e)
	case e.Owner:
		return m.checkSome(e)
	default:
		return m.checkNext(e)
	}
}

func (m *Matcher) checkNone(e Expect) (bool, string) {
	sel, name := func(o Output) bool { return !m.isOwner(o) }, "any customer chat"
	switch {
	case e.Owner:
		sel, name = m.isOwner, "the owner"
	case e.Chat != "":
		sel, name = func(o Output) bool { return m.inChat(o, e.Chat) }, e.Chat.String()
	}
	found := m.take(sel, len(m.pending))
	if len(found) == 0 {
		return true, ""
	}
	return false, "expected: nothing pending for " + name + "\n" + m.listing("pending", found)
}

// checkSome is the owner rule: some pending owner output matches; it and
// every earlier owner output are consumed.
func (m *Matcher) checkSome(e Expect) (bool, string) {
	var mine []Output
	for _, o := range m.pending {
		if m.isOwner(o) {
			mine = append(mine, o)
		}
	}
	for i, o := range mine {
		if m.matches(e, o, m.Self) {
			m.take(m.isOwner, i+1)
			return true, ""
		}
	}
	return false, "expected: " + m.describe(e, "some pending output to the owner", m.Self) + "\n" + m.listing("pending for the owner", mine)
}

// checkNext is the customer rule: the next pending output of that chat
// matches.
func (m *Matcher) checkNext(e Expect) (bool, string) {
	var mine []Output
	for _, o := range m.pending {
		if m.inChat(o, e.Chat) {
			mine = append(mine, o)
		}
	}
	want := "expected: " + m.describe(e, "the next output to "+e.Chat.String(), e.Chat) + "\n"
	if len(mine) == 0 {
		return false, want + m.listing("pending for "+e.Chat.String(), nil)
	}
	m.take(func(o Output) bool { return m.inChat(o, e.Chat) }, 1)
	if m.matches(e, mine[0], e.Chat) {
		return true, ""
	}
	return false, want + m.listing("pending for "+e.Chat.String(), mine)
}

func (m *Matcher) matches(e Expect, o Output, chat bot.UserID) bool {
	switch e.What {
	case ExpectText:
		if o.Kind != OutText {
			return false
		}
	case ExpectImage:
		if o.Kind != OutImage {
			return false
		}
	case ExpectDocument:
		if o.Kind != OutDocument {
			return false
		}
	case ExpectLocation:
		if o.Kind != OutLocation {
			return false
		}
	case ExpectDelete:
		return o.Kind == OutDelete && o.ID != "" && o.ID == m.lastOwnerIn(chat)
	case ExpectEdit:
		if o.Kind != OutEdit || o.ID == "" || o.ID != m.lastOwnerIn(chat) {
			return false
		}
	}
	if e.Contains {
		return strings.Contains(strings.ToLower(o.Text), strings.ToLower(e.Text))
	}
	return o.Text == e.Text
}

// take removes up to n pending outputs that sel accepts, oldest first, and
// returns them.
func (m *Matcher) take(sel func(Output) bool, n int) []Output {
	var taken []Output
	kept := m.pending[:0]
	for _, o := range m.pending {
		if len(taken) < n && sel(o) {
			taken = append(taken, o)
			continue
		}
		kept = append(kept, o)
	}
	m.pending = kept
	return taken
}

func (m *Matcher) describe(e Expect, where string, chat bot.UserID) string {
	var what string
	switch e.What {
	case ExpectEdit:
		id := m.lastOwnerIn(chat)
		if id == "" {
			id = "none: the owner wrote nothing there"
		}
		what = fmt.Sprintf("%s to be an edit of the owner's last message there (id %s)", where, id)
	case ExpectImage:
		what = where + " to be an image whose caption"
	case ExpectDocument:
		what = where + " to be a document whose caption"
	case ExpectLocation:
		what = where + " to be a location pin whose coordinates, name, address or comment"
	case ExpectDelete:
		id := m.lastOwnerIn(chat)
		if id == "" {
			id = "none: the owner wrote nothing there"
		}
		return fmt.Sprintf("%s to delete the owner's last message there (id %s)", where, id)
	default:
		what = where + " to be a text message that"
	}
	if e.Contains {
		return fmt.Sprintf("%s contains %q (any case)", what, e.Text)
	}
	if e.What == ExpectEdit {
		return fmt.Sprintf("%s, into exactly %q", what, e.Text)
	}
	return fmt.Sprintf("%s is exactly %q", what, e.Text)
}

func (m *Matcher) listing(title string, outs []Output) string {
	if len(outs) == 0 {
		return "  " + title + ": nothing"
	}
	var b strings.Builder
	b.WriteString("  " + title + ":")
	for _, o := range outs {
		b.WriteString("\n    " + m.Format(o))
	}
	return b.String()
}

// Format renders one output on one line: virtual time, chat, kind, text.
func (m *Matcher) Format(o Output) string {
	return FormatTime(o.At, m.Loc) + "  " + m.Describe(o)
}

// Describe renders an output without its time: chat, kind, text.
func (m *Matcher) Describe(o Output) string {
	chat := o.Chat.String()
	if m.isOwner(o) {
		chat = "owner"
	}
	kind := o.Kind.String()
	switch o.Kind {
	case OutEdit:
		kind = "edit of " + o.ID
	case OutDelete:
		kind = "delete of " + o.ID
	case OutDocument:
		kind = "document " + o.FileName
	}
	return fmt.Sprintf("%s  %s %q", chat, kind, o.Text)
}

// FormatTime shows a virtual time in loc, with the zone so a report does
// not depend on the reader's guess.
func FormatTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04:05 MST")
}
