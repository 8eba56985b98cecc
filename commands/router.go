// Package commands is the owner's command language: "!away on",
// "!qr add /time ...", "!hours mon-fri 09:00-18:00". It owns the router
// (prefix, case, aliases, subcommands, error reporting, panic recovery),
// the one visible table of commands (registry.go) and one file per command
// family. Commands change the configuration only through
// bot.UpdateConfig, so every change is validated and saved before it is
// acknowledged, and a refused command changes nothing.
package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"
	"unicode"

	"frontdesk/bot"
)

// Command is one entry of the command table: a top-level command such as
// "away" or a subcommand such as "away shift". The router walks
// Subcommands by name or alias before it calls Run, so a family writes
// one small Run per form instead of parsing its own subcommand names.
type Command struct {
	// Name is what the user types, lower case, without "!".
	Name    string
	Aliases []string
	// Usage is the one-line syntax shown after a wrong input,
	// e.g. "!away after <minutes 5-60>".
	Usage string
	// Help is one short sentence for !help, in English: a catalog key
	// (bot.Tr), translated when it is shown.
	Help string
	// Example is a complete command line shown by "!help <command>".
	Example     string
	Subcommands []*Command
	// Run handles the command with c.Args being the words after the
	// (sub)command name. Nil for commands that only group subcommands.
	Run func(ctx context.Context, c *Call) error
	// TakesFile marks the commands that keep the photo or document they
	// come with (!qr add, !kw add); any other command sent as a file's
	// caption answers that the file was not kept.
	TakesFile bool
}

// matches reports whether word (already lower case) names cmd.
func (cmd *Command) matches(word string) bool {
	if word == cmd.Name {
		return true
	}
	for _, a := range cmd.Aliases {
		if word == a {
			return true
		}
	}
	return false
}

// find returns the command among cmds named word (any case), or nil.
func find(cmds []*Command, word string) *Command {
	word = strings.ToLower(word)
	for _, cmd := range cmds {
		if cmd.matches(word) {
			return cmd
		}
	}
	return nil
}

// help returns Help in lang.
func (cmd *Command) help(lang string) string {
	if cmd.Help == "" {
		return ""
	}
	return bot.T(lang, cmd.Help)
}

// Call is one command being run: who sent it, where answers go, and the
// words after the command name.
type Call struct {
	Bot   bot.Business
	Chat  bot.UserID
	From  bot.UserID
	Admin bool
	// Args are the words after the (sub)command name, as typed.
	Args []string
	At   time.Time
	// Media is the photo or document the command came with (the command
	// was its caption), or nil.
	Media *bot.InboundMedia
	// Cmd is the (sub)command being run; Path its names from the top
	// ("away", "shift").
	Cmd  *Command
	Path []string

	ctx      context.Context
	raw      string  // the text after "!"
	words    []token // every word of raw
	consumed int     // words taken by the command path
	lang     string
	table    []*Command
	reply    func(text string) error
	log      *slog.Logger
	replies  int
	// fileNoted: the file the command came with was said not kept.
	fileNoted bool
}

// token is one word and where it starts in the raw text.
type token struct {
	word  string
	start int
}

// tokenize splits s at white space, remembering where each word starts so
// that Rest can hand back texts with their own spacing.
func tokenize(s string) []token {
	var toks []token
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				toks = append(toks, token{s[start:i], start})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		toks = append(toks, token{s[start:], start})
	}
	return toks
}

// Rest returns the raw text after the first n arguments, with its own
// spacing, case and line breaks (only the ends trimmed): texts such as an
// away message are taken from here rather than from Args.
func (c *Call) Rest(n int) string {
	i := c.consumed + n
	if n < 0 || i >= len(c.words) {
		return ""
	}
	return strings.TrimSpace(c.raw[c.words[i].start:])
}

// Reply answers in the chat the command came from. The first answer of a
// command that came with a file it does not take says so on a last line.
func (c *Call) Reply(text string) error {
	if note := c.fileNotKept(); note != "" {
		text += "\n\n" + note
	}
	c.replies++
	if c.reply == nil {
		return errors.New("reply: no chat to answer")
	}
	if err := c.reply(text); err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	return nil
}

// Context is the context the command runs in.
func (c *Call) Context() context.Context { return c.ctx }

// Log is the logger for commands (never give it message texts).
func (c *Call) Log() *slog.Logger {
	if c.log == nil {
		return slog.Default()
	}
	return c.log
}

// Commands is the table the router runs (for !help).
func (c *Call) Commands() []*Command { return c.table }

// UsageError is a wrong input: the user sees Reason and the usage line of
// the (sub)command that refused it (Cmd, when set, else the one running).
type UsageError struct {
	Reason string
	Cmd    *Command
}

func (e *UsageError) Error() string { return "usage: " + e.Reason }

// UserError is a refusal the user sees exactly as written (already in
// their language).
type UserError struct {
	Msg string
}

func (e *UserError) Error() string { return e.Msg }

// Router is the bot.Commander: it parses "!command args", finds the
// command in its table and runs it, turning errors and panics into short
// answers so no input can crash the bot.
type Router struct {
	table  []*Command
	pasted pasted
}

// New returns the router over the full command table.
func New() bot.Commander { return NewRouter(Commands()) }

// NewRouter returns a router over the given table (tests use small ones).
func NewRouter(table []*Command) *Router { return &Router{table: table} }

// Run implements bot.Commander.
func (r *Router) Run(ctx context.Context, b bot.Business, bc bot.CommandMessage) {
	c := &Call{
		Bot:   b,
		Chat:  bc.Chat,
		From:  bc.From,
		Admin: bc.Admin,
		At:    bc.At,
		Media: bc.Media,
		lang:  "en",
	}
	if b != nil {
		c.log = b.Log()
		c.reply = func(text string) error { return b.Say(ctx, bc.Chat, text) }
	}
	r.Dispatch(ctx, c, bc.Text)
}

// Dispatch runs text as a command for c (whose Bot may be nil in tests of
// the router alone; then c must have been given a reply function with
// NewCall). It never panics.
func (r *Router) Dispatch(ctx context.Context, c *Call, text string) {
	defer func() {
		if p := recover(); p != nil {
			c.Log().Error("command panicked", "command", strings.Join(c.Path, " "),
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r.apologise(c)
		}
	}()
	if c.Bot != nil {
		if lang := c.Bot.Config().Lang; lang != "" {
			c.lang = lang
		}
	}
	r.report(c, r.route(ctx, c, text))
	if note := c.fileNotKept(); note != "" {
		r.send(c, note) // the command answered nothing (or not in words)
	}
}

// fileNotKept is, once per command, the line saying that the file the
// command came with was not kept because the command takes none; "" when
// there is no such file or it was said already.
func (c *Call) fileNotKept() string {
	if c.Media == nil || c.fileNoted || c.Cmd != nil && c.Cmd.TakesFile {
		return ""
	}
	c.fileNoted = true
	return c.Tf("The %s was not kept: this command takes no file (only !qr add and !kw add do).", c.mediaWord(c.Media.Kind))
}

// NewCall makes a Call without a bot, answering through reply: for tests
// of commands that need no bot.
func NewCall(reply func(text string) error, at time.Time) *Call {
	return &Call{reply: reply, At: at, lang: "en", log: slog.New(slog.DiscardHandler)}
}

// route finds and runs the command in text.
func (r *Router) route(ctx context.Context, c *Call, text string) error {
	c.ctx = ctx
	c.table = r.table
	c.raw = strings.TrimLeftFunc(text, unicode.IsSpace)
	if k, n, rest, ok := bot.PartLabel(c.raw); ok {
		return r.routePart(c, k, n, rest)
	}
	c.raw = strings.TrimPrefix(c.raw, "!")
	c.words = tokenize(c.raw)
	if len(c.words) == 0 {
		return &UserError{c.T("Type !help for the list of commands.")}
	}
	name := c.words[0].word
	if strings.HasPrefix(name, "{") {
		name = "{" // a pasted !export document, however it is spaced: !import's alias
	}
	cmd := find(r.table, name)
	if cmd == nil {
		return &UserError{c.Tf("Unknown command !%s. Type !help.", bot.Clip(name, 30))}
	}
	c.Cmd, c.Path, c.consumed = cmd, []string{cmd.Name}, 1
	for c.consumed < len(c.words) {
		sub := find(c.Cmd.Subcommands, c.words[c.consumed].word)
		if sub == nil {
			break
		}
		c.Cmd, c.Path = sub, append(c.Path, sub.Name)
		c.consumed++
	}
	c.Args = make([]string, 0, len(c.words)-c.consumed)
	for _, t := range c.words[c.consumed:] {
		c.Args = append(c.Args, t.word)
	}
	if c.Cmd.Run == nil {
		if len(c.Args) == 0 {
			return c.Usagef("What should !%s do?", strings.Join(c.Path, " "))
		}
		return c.Usagef("Unknown option %q.", bot.Clip(c.Args[0], 30))
	}
	return c.Cmd.Run(ctx, c)
}

// report turns the command's error into the user's answer.
func (r *Router) report(c *Call, err error) {
	if err == nil {
		return
	}
	var ue *UsageError
	var uerr *UserError
	switch {
	case errors.As(err, &ue):
		cmd := ue.Cmd
		if cmd == nil {
			cmd = c.Cmd
		}
		msg := ue.Reason
		if cmd != nil && cmd.Usage != "" {
			msg += "\n" + c.T("Usage: ") + cmd.Usage
		}
		r.send(c, msg)
	case errors.As(err, &uerr):
		r.send(c, uerr.Msg)
	default:
		c.Log().Error("command failed", "command", strings.Join(c.Path, " "), "err", err)
		r.apologise(c)
	}
}

func (r *Router) apologise(c *Call) {
	r.send(c, c.T("Sorry, something went wrong; nothing was changed. Please try again."))
}

// send answers and logs a failure to answer; it must not panic, since it
// also runs from the panic handler.
func (r *Router) send(c *Call, text string) {
	defer func() {
		if p := recover(); p != nil {
			c.Log().Error("command answer panicked", "panic", fmt.Sprint(p))
		}
	}()
	if err := c.Reply(text); err != nil {
		c.Log().Error("command answer not sent", "command", strings.Join(c.Path, " "), "err", err)
	}
}

// Update changes the configuration through the bot, which validates and
// saves it before it becomes current; a configuration it refuses is
// reported to the user with its reason. Errors change returns (UserError,
// UsageError) come back as they are.
func (c *Call) Update(change func(cfg *bot.Config) error) error {
	err := c.Bot.UpdateConfig(c.ctx, change)
	var refused *bot.RefusedError
	if errors.As(err, &refused) {
		return c.Userf("Refused: %v", refused.Err)
	}
	return err
}
