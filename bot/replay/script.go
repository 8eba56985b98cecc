package replay

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"frontdesk/bot"
)

// DefaultSelf is the linked account's number when a script has no `me` line.
const DefaultSelf = "+1 555 0100"

// Script is a parsed transcript: who the account is and the steps in order.
type Script struct {
	// Name is the file name, used in every error and failure report.
	Name string
	// Self is the account's own phone number (`me`, or DefaultSelf).
	Self  bot.UserID
	Steps []Step
}

// Expects counts the script's expect lines.
func (s *Script) Expects() int {
	n := 0
	for _, st := range s.Steps {
		if st.Op == OpExpect {
			n++
		}
	}
	return n
}

// Op says what a Step does.
type Op int

// The step kinds, one per line type of docs/scenarios.md (`me` is folded into
// Script.Self).
const (
	OpTime Op = iota
	OpWait
	OpMessage
	OpLink
	OpOffline
	OpOnline
	OpRestart
	OpCrash
	OpExpect
)

// Step is one meaningful line of a transcript.
type Step struct {
	Line int
	// Src is the line as written, without leading spaces (for reports).
	Src string
	Op  Op

	// Time (OpTime) is the wall-clock time; when Zoned is false only its
	// date and clock fields count and they are read in the bot's zone at
	// the moment the step runs.
	Time  time.Time
	Zoned bool
	// Wait (OpWait) is how far the clock advances.
	Wait time.Duration
	// Message (OpMessage) is who says what.
	Message MessageLine
	// LID and Phone (OpLink) are the two identities of one person.
	LID, Phone bot.UserID
	// Expect (OpExpect) is the expectation.
	Expect Expect
}

// Sender says who a message line comes from.
type Sender int

// The senders of message lines.
const (
	// FromOwnerSelf: `owner: TEXT`.
	FromOwnerSelf Sender = iota
	// FromOwnerInChat: `owner@NUM: TEXT`.
	FromOwnerInChat
	// FromCustomer: `NUM [(Name)]: TEXT` or `lid:DIGITS: TEXT`.
	FromCustomer
	// FromGroup: `group ID NUM: TEXT`.
	FromGroup
	// FromStatus: `status NUM: TEXT`.
	FromStatus
)

// MessageLine is an inbound message as written in the transcript.
type MessageLine struct {
	From Sender
	// Chat is the customer (or, for FromOwnerInChat, the customer's chat);
	// the group member for FromGroup, the poster for FromStatus; empty for
	// FromOwnerSelf.
	Chat  bot.UserID
	Group string
	Name  string
	Text  string
	// Kind is what the message is besides its text: "" (text only),
	// "image", "video", "voice", "document", "sticker" (media, Text its
	// caption, possibly empty), "reaction" or "delete" (not messages:
	// the adapter ignores them).
	Kind string
}

// messageKinds are the words that may start a message line.
var messageKinds = map[string]bool{"image": true, "video": true, "voice": true, "document": true, "sticker": true, "reaction": true, "delete": true}

// What an Expect checks.
type What int

// The forms of `expect`.
const (
	ExpectText What = iota
	ExpectEdit
	ExpectImage
	ExpectNone
	ExpectDocument
	ExpectLocation
	// ExpectDelete: the owner's last message in the chat was deleted for
	// everyone.
	ExpectDelete
)

// Expect is one `expect` line. Owner true names the owner's self chat; a
// non-empty Chat names one chat; neither (only with ExpectNone) means every
// customer chat.
type Expect struct {
	What  What
	Owner bool
	Chat  bot.UserID
	// Text is the exact text, or the part to find when Contains is set.
	Text     string
	Contains bool
}

// SyntaxError is a mistake in a transcript, tied to its line. Parse returns
// them (joined) for everything it can see; Run returns one for what only
// shows while running (a `time` line that sends the clock back).
type SyntaxError struct {
	File string
	Line int
	Msg  string
}

// Error is "FILE:LINE: message", or "FILE: message" for the file as a
// whole (Line 0).
func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// MaxLineBytes is the longest line a transcript may have (without its line
// end): far more than any message a scenario needs, and a sure sign of a
// file that is not a transcript when exceeded.
const MaxLineBytes = 64 << 10

// bom is the byte order mark some editors put at the start of a UTF-8 file.
const bom = "\uFEFF"

// maxSyntaxErrors stops a wrong file (say, not a transcript at all) from
// flooding the terminal.
const maxSyntaxErrors = 20

// Parse reads a transcript. Every syntax error found is returned, joined,
// as *SyntaxError values ("FILE:LINE: message"); with any error the Script
// is nil, so nothing runs.
func Parse(name string, r io.Reader) (*Script, error) {
	p := parser{s: &Script{Name: name, Self: bot.PhoneID(DefaultSelf)}}
	sc := bufio.NewScanner(r)
	// Room for the longest line and a "\r\n" after it.
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes+2)
	tooLong := fmt.Sprintf("line longer than %d bytes", MaxLineBytes)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, bom)
		}
		if len(line) > MaxLineBytes {
			p.errs = append(p.errs, &SyntaxError{File: name, Line: n, Msg: tooLong})
			continue
		}
		line = strings.TrimLeft(line, " \t")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := p.line(n, line); err != "" {
			p.errs = append(p.errs, &SyntaxError{File: name, Line: n, Msg: err})
			if len(p.errs) >= maxSyntaxErrors {
				break
			}
		}
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		// The scanner cannot go past such a line: this is the last error.
		p.errs = append(p.errs, &SyntaxError{File: name, Line: n + 1, Msg: tooLong})
	case err != nil:
		p.errs = append(p.errs, &SyntaxError{File: name, Line: n + 1, Msg: fmt.Sprintf("cannot read: %v", err)})
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return p.s, nil
}

type parser struct {
	s    *Script
	errs []error

	clockSet   bool
	sawMessage bool
	offline    bool
	// known is the absolute clock when every time line so far had a zone
	// (RFC 3339), so a clock going back is caught before running.
	known      time.Time
	knownValid bool
}

// line parses one non-blank line; it returns an error message or "".
func (p *parser) line(n int, line string) string {
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	st := Step{Line: n, Src: line}
	switch word {
	case "me":
		if p.sawMessage {
			return "me must come before any message"
		}
		id, err := phone(rest)
		if err != "" {
			return err
		}
		p.s.Self = id
		return ""
	case "time":
		return p.timeLine(st, rest)
	case "wait":
		if !p.clockSet {
			return "wait before the first time line: the clock is not set yet"
		}
		d, err := time.ParseDuration(rest)
		if err != nil {
			return fmt.Sprintf("bad duration %q (want a Go duration such as 90s, 20m, 2h30m, 48h)", rest)
		}
		if d < 0 {
			return fmt.Sprintf("wait %s would send the clock back", rest)
		}
		if p.knownValid {
			p.known = p.known.Add(d)
		}
		st.Op, st.Wait = OpWait, d
	case "offline", "online", "restart", "crash":
		if rest != "" {
			return fmt.Sprintf("%s takes nothing after it", word)
		}
		switch word {
		case "offline":
			if p.offline {
				return "offline while already offline"
			}
			p.offline = true
			st.Op = OpOffline
		case "online":
			if !p.offline {
				return "online without an earlier offline"
			}
			p.offline = false
			st.Op = OpOnline
		case "restart":
			st.Op = OpRestart
		default:
			st.Op = OpCrash
		}
	case "expect":
		e, err := parseExpect(rest)
		if err != "" {
			return err
		}
		st.Op, st.Expect = OpExpect, e
	default:
		if messageKinds[word] {
			return p.messageLineOf(st, word, rest)
		}
		return p.messageLine(st, line)
	}
	p.s.Steps = append(p.s.Steps, st)
	return ""
}

// Time layouts read in the bot's zone; RFC 3339 carries its own.
var localLayouts = []string{
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
}

func (p *parser) timeLine(st Step, rest string) string {
	if t, err := time.Parse(time.RFC3339, rest); err == nil {
		if p.knownValid && t.Before(p.known) {
			return fmt.Sprintf("time %s sends the clock back (it is already %s)", rest, p.known.Format(time.RFC3339))
		}
		p.known, p.knownValid = t, true
		st.Time, st.Zoned = t, true
	} else {
		var ok bool
		for _, layout := range localLayouts {
			if t, err := time.Parse(layout, rest); err == nil {
				st.Time, ok = t, true
				break
			}
		}
		if !ok {
			return fmt.Sprintf("bad time %q (want 2026-11-25 15:00 or RFC 3339 such as 2026-11-25T15:00:00+01:00)", rest)
		}
		p.knownValid = false
	}
	p.clockSet = true
	st.Op = OpTime
	p.s.Steps = append(p.s.Steps, st)
	return ""
}

// messageLine parses the lines that carry a message or a LID mapping.
func (p *parser) messageLine(st Step, line string) string {
	return p.messageLineOf(st, "", line)
}

// messageLineOf parses a message line whose kind (media, reaction,
// deletion; "" for text) was its first word.
func (p *parser) messageLineOf(st Step, kind, line string) string {
	m := MessageLine{Kind: kind}
	head, text, sep := splitTarget(line)
	switch {
	case kind != "" && sep == 0 && head != "":
		// "sticker NUM" and "delete NUM": no text after them.
		head, sep = strings.TrimSuffix(head, ":"), ':'
		fallthrough
	case kind != "" && sep == ':':
		if head == "owner" || strings.HasPrefix(head, "owner@") {
			if kind == "reaction" || kind == "delete" {
				return kind + " lines are for customers: NUM: TEXT"
			}
		}
		return p.messageHead(st, m, head, text, line)
	case strings.HasPrefix(line, "lid:") && sep == '~':
		lid, err := lidID(head)
		if err != "" {
			return err
		}
		pn, err := phone(text)
		if err != "" {
			return err
		}
		st.Op, st.LID, st.Phone = OpLink, lid, pn
		p.s.Steps = append(p.s.Steps, st)
		return ""
	case sep != ':':
		return fmt.Sprintf("unknown line %q", line)
	}
	return p.messageHead(st, m, head, text, line)
}

// messageHead reads who sends a message line (HEAD of "HEAD: TEXT").
func (p *parser) messageHead(st Step, m MessageLine, head, text, line string) string {
	switch {
	case head == "owner":
		m.From = FromOwnerSelf
	case strings.HasPrefix(head, "owner@"):
		id, err := chatID(strings.TrimPrefix(head, "owner@"))
		if err != "" {
			return err
		}
		m.From, m.Chat = FromOwnerInChat, id
	case strings.HasPrefix(head, "group "):
		fields := strings.Fields(strings.TrimPrefix(head, "group "))
		if len(fields) < 2 {
			return "group line needs a group id and a member number: group ID NUM: TEXT"
		}
		g := fields[0]
		if strings.Trim(g, "0123456789-") != "" || bot.PhoneID(g) == "" {
			return fmt.Sprintf("bad group id %q (digits)", g)
		}
		id, err := chatID(strings.Join(fields[1:], " "))
		if err != "" {
			return err
		}
		m.From, m.Group, m.Chat = FromGroup, g, id
	case strings.HasPrefix(head, "status "):
		id, err := chatID(strings.TrimPrefix(head, "status "))
		if err != "" {
			return err
		}
		m.From, m.Chat = FromStatus, id
	case strings.HasPrefix(head, "lid:") || strings.HasPrefix(head, "+") || (head != "" && head[0] >= '0' && head[0] <= '9'):
		num := head
		if strings.HasSuffix(head, ")") {
			i := strings.LastIndex(head, "(")
			if i < 0 {
				return fmt.Sprintf("unknown line %q", line)
			}
			m.Name = strings.TrimSpace(head[i+1 : len(head)-1])
			num = strings.TrimSpace(head[:i])
			if m.Name == "" {
				return "empty name in ( )"
			}
		}
		id, err := chatID(num)
		if err != "" {
			return err
		}
		m.From, m.Chat = FromCustomer, id
	default:
		return fmt.Sprintf("unknown line %q", line)
	}
	if !p.clockSet {
		return "message before the first time line: the clock is not set yet"
	}
	if text == "" && (m.Kind == "" || m.Kind == "reaction") {
		return "message text is empty"
	}
	m.Text = text
	p.sawMessage = true
	st.Op, st.Message = OpMessage, m
	p.s.Steps = append(p.s.Steps, st)
	return ""
}
