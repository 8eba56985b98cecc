package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"frontdesk/bot"
)

// Factory builds a bot on the database at dbPath, talking through m and
// telling time by c, for the account self. closeStore closes the database
// (the bot's Close does not). Replay calls it at the start and after every
// `restart` and `crash`, always with the same dbPath.
type Factory func(ctx context.Context, dbPath string, m *Messenger, c bot.Clock, self bot.UserID) (b *bot.Bot, closeStore func() error, err error)

// Options configure Run.
type Options struct {
	Factory Factory
	// DBPath is the database the bot runs on (created if missing).
	DBPath string
	// Verbose, when set, gets every message in and out with its virtual time.
	Verbose io.Writer
	// Out gets a report for every expectation that does not hold (and for
	// every error the bot returns). Nil discards them.
	Out io.Writer
}

// Result counts what a run checked.
type Result struct {
	// Expects is how many expect lines ran; Failed how many did not hold.
	Expects, Failed int
	// BotErrors counts errors the bot returned while handling lines.
	BotErrors int
}

// OK reports whether every expectation held and the bot returned no error.
func (r Result) OK() bool { return r.Failed == 0 && r.BotErrors == 0 }

// maxTicksPerInstant bounds how often the runner ticks without the clock
// moving, in case a bot keeps saying work is due now (say, a send that
// keeps failing while offline).
const maxTicksPerInstant = 5

// Run plays s against a bot built by o.Factory. It returns a *SyntaxError
// when the transcript turns out wrong while running (a `time` line that
// sends the clock back), and other errors when the bot cannot be started;
// failed expectations are reported to o.Out and counted in the Result.
func Run(ctx context.Context, s *Script, o Options) (res Result, err error) {
	if o.Factory == nil {
		return Result{}, errors.New("replay: no bot factory")
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	prefix := fmt.Sprintf("R%X.", time.Now().UnixNano())
	r := &runner{
		s:       s,
		o:       o,
		clock:   &bot.ManualClock{},
		matcher: NewMatcher(s.Self),
		prefix:  prefix,
		loc:     time.Local,
	}
	r.msgr = NewMessenger(r.clock, prefix)
	// Until the first `time` line the clock is unset; give the bot a
	// plausible time meanwhile (the first time line, read in the host zone).
	for _, st := range s.Steps {
		if st.Op == OpTime {
			t, _ := st.wall(time.Local)
			r.clock.Set(t)
			break
		}
	}
	if err := r.start(ctx); err != nil {
		return r.res, err
	}
	defer func() {
		if cerr := r.stop(true); cerr != nil && err == nil {
			err = cerr
		}
	}()
	for i := range s.Steps {
		if err := ctx.Err(); err != nil {
			return r.res, err
		}
		r.st = &s.Steps[i]
		if err := r.step(ctx); err != nil {
			return r.res, err
		}
	}
	return r.res, nil
}

type runner struct {
	s       *Script
	o       Options
	clock   *bot.ManualClock
	msgr    *Messenger
	matcher *Matcher
	prefix  string

	b          *bot.Bot
	closeStore func() error
	// loc is the bot's zone as of the last step (read outside bot calls,
	// never from inside the fake messenger).
	loc *time.Location

	st       *Step
	clockSet bool
	offline  bool
	queued   []bot.Message
	links    map[bot.UserID]bot.UserID
	seq      int
	res      Result
}

func (r *runner) start(ctx context.Context) error {
	b, closeStore, err := r.o.Factory(ctx, r.o.DBPath, r.msgr, r.clock, r.s.Self)
	if err != nil {
		return fmt.Errorf("%s: start the bot: %w", r.s.Name, err)
	}
	if b == nil {
		if closeStore != nil {
			_ = closeStore()
		}
		return fmt.Errorf("%s: start the bot: factory returned no bot", r.s.Name)
	}
	r.b, r.closeStore = b, closeStore
	r.refreshZone()
	return nil
}

// stop ends the current bot: cleanly (Close, then the store) or as a crash
// (only the database handle is dropped).
func (r *runner) stop(clean bool) error {
	if r.b == nil {
		return nil
	}
	var errs []error
	if clean {
		if err := r.call("close the bot", r.b.Close); err != nil {
			errs = append(errs, err)
		}
		r.flush()
	}
	if r.closeStore != nil {
		if err := r.closeStore(); err != nil {
			errs = append(errs, fmt.Errorf("close the database: %w", err))
		}
	}
	r.b, r.closeStore = nil, nil
	return errors.Join(errs...)
}

func (r *runner) step(ctx context.Context) error {
	st := r.st
	switch st.Op {
	case OpTime:
		target, msg := st.wall(r.loc)
		if msg != "" {
			return r.syntax(msg)
		}
		if !r.clockSet {
			r.clockSet = true
			r.clock.Set(target)
			r.tick(ctx)
			return nil
		}
		if now := r.clock.Now(); target.Before(now) {
			return r.syntax(fmt.Sprintf("time %s sends the clock back (it is already %s)",
				FormatTime(target, r.loc), FormatTime(now, r.loc)))
		}
		r.advance(ctx, target)
	case OpWait:
		r.advance(ctx, r.clock.Now().Add(st.Wait))
	case OpMessage:
		m := r.message(st.Message)
		if r.offline {
			r.queued = append(r.queued, m)
			r.verbose("queued  %s", r.describeIn(m))
			return nil
		}
		r.deliver(ctx, m)
		r.tick(ctx)
	case OpLink:
		if r.links == nil {
			r.links = map[bot.UserID]bot.UserID{}
		}
		r.links[st.LID], r.links[st.Phone] = st.Phone, st.LID
		r.matcher.Link(st.LID, st.Phone)
		r.msgr.Link(st.LID, st.Phone)
	case OpOffline:
		r.offline = true
		r.msgr.SetOffline(true)
		r.verbose("-- offline")
	case OpOnline:
		r.offline = false
		r.msgr.SetOffline(false)
		r.verbose("-- online, %d queued message(s)", len(r.queued))
		queued := r.queued
		r.queued = nil
		for _, m := range queued {
			r.deliver(ctx, m)
		}
		r.syncDone(ctx)
	case OpRestart, OpCrash:
		clean := st.Op == OpRestart
		r.verbose("-- %s", st.Src)
		if err := r.stop(clean); err != nil {
			r.botErr(err)
		}
		if err := r.start(ctx); err != nil {
			return fmt.Errorf("%s:%d: %w", r.s.Name, st.Line, err)
		}
		if !r.offline {
			r.syncDone(ctx)
		} else {
			r.tick(ctx)
		}
	case OpExpect:
		r.res.Expects++
		r.matcher.Loc = r.loc
		if ok, report := r.matcher.Check(st.Expect); !ok {
			r.res.Failed++
			fmt.Fprintf(r.o.Out, "%s:%d: %s\n  %s\n", r.s.Name, st.Line, st.Src, strings.ReplaceAll(report, "\n", "\n  "))
		}
	}
	return nil
}

// advance moves the clock to target, stopping at every moment the bot
// wants to do something on the way, so timers fire in order.
func (r *runner) advance(ctx context.Context, target time.Time) {
	same := 0
	for ctx.Err() == nil {
		var w time.Time
		if err := r.call("next wake", func() error { w = r.b.NextWake(); return nil }); err != nil {
			r.botErr(err)
			break
		}
		if w.IsZero() || w.After(target) {
			break
		}
		if w.After(r.clock.Now()) {
			r.clock.Set(w)
			same = 0
		} else if same++; same >= maxTicksPerInstant {
			break
		}
		r.tick(ctx)
	}
	r.clock.Set(target)
	r.tick(ctx)
}

func (r *runner) syncDone(ctx context.Context) {
	r.botErr(r.call("sync done", func() error { return r.b.HandleEvent(ctx, bot.SyncDone{}) }))
	r.flush()
	r.tick(ctx)
}

func (r *runner) tick(ctx context.Context) {
	err := r.call("tick", func() error { return r.b.Tick(ctx) })
	if err != nil && r.offline {
		// Sends fail while offline; the bot keeps them for later.
		r.verbose("tick while offline: %v", err)
		err = nil
	}
	r.botErr(err)
	r.flush()
	r.refreshZone()
}

func (r *runner) deliver(ctx context.Context, m bot.Message) {
	r.verbose("in  %s", r.describeIn(m))
	r.botErr(r.call("handle message", func() error { return r.b.HandleMessage(ctx, m) }))
	r.flush()
	r.refreshZone()
}

// message turns a message line into what the WhatsApp adapter would hand
// the bot, stamped with the current virtual time.
func (r *runner) message(ml MessageLine) bot.Message {
	r.seq++
	m := bot.Message{
		ID:       fmt.Sprintf("%sIN%d", r.prefix, r.seq),
		Chat:     ml.Chat,
		ChatAlt:  r.links[ml.Chat],
		Text:     ml.Text,
		PushName: ml.Name,
		Sent:     r.clock.Now(),
	}
	m.Media = inboundMedia(ml.Kind)
	switch ml.From {
	case FromOwnerSelf:
		m.Kind, m.Chat, m.ChatAlt = bot.OwnerSelf, r.s.Self, ""
		r.matcher.OwnerWrote(m.Chat, m.ID)
	case FromOwnerInChat:
		m.Kind = bot.OwnerInChat
		r.matcher.OwnerWrote(m.Chat, m.ID)
	case FromCustomer:
		m.Kind = bot.FromCustomer
	case FromGroup:
		// The adapter says why as below; it leaves Chat and Text empty,
		// but the fake keeps them so a bot that looked past Kind would
		// answer and fail the scenario.
		m.Kind, m.Why = bot.Ignored, "group"
	case FromStatus:
		m.Kind, m.Why = bot.Ignored, "status update"
	}
	if ml.Kind == "reaction" || ml.Kind == "delete" {
		// Not messages: the adapter ignores them (see Classify).
		m.Kind, m.Why = bot.Ignored, ml.Kind
	}
	return m
}

// call runs one bot method, turning a panic into an error: a bot bug must
// fail the scenario, not crash the runner.
func (r *runner) call(what string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: bot panicked: %v", what, p)
		}
	}()
	if err := f(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (r *runner) botErr(err error) {
	if err == nil {
		return
	}
	r.res.BotErrors++
	line, src := 0, ""
	if r.st != nil {
		line, src = r.st.Line, r.st.Src
	}
	fmt.Fprintf(r.o.Out, "%s:%d: %s\n  bot error: %v\n", r.s.Name, line, src, err)
}

func (r *runner) syntax(msg string) error {
	return &SyntaxError{File: r.s.Name, Line: r.st.Line, Msg: msg}
}

// flush moves what the bot sent into the matcher (and the verbose log).
func (r *runner) flush() {
	outs := r.msgr.Take()
	for _, o := range outs {
		r.verbose("out %s", r.matcher.Describe(o))
	}
	r.matcher.Add(outs...)
}

func (r *runner) refreshZone() {
	if r.b == nil {
		return
	}
	_ = r.call("schedule", func() error {
		if loc := r.b.Schedule().Loc; loc != nil {
			r.loc = loc
		}
		return nil
	})
}

func (r *runner) describeIn(m bot.Message) string {
	from := m.Chat.String()
	switch m.Kind {
	case bot.OwnerSelf:
		from = "owner"
	case bot.OwnerInChat:
		from = "owner@" + m.Chat.String()
	case bot.Ignored:
		from = m.Why + " " + m.Chat.String()
	}
	if m.PushName != "" {
		from += " (" + m.PushName + ")"
	}
	if m.Media != nil {
		from = m.Media.Kind + " " + from
	}
	s := fmt.Sprintf("%s: %q", from, m.Text)
	if !m.Sent.Equal(r.clock.Now()) {
		s += " (sent " + FormatTime(m.Sent, r.loc) + ")"
	}
	return s
}

func (r *runner) verbose(format string, args ...any) {
	if r.o.Verbose == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	fmt.Fprintf(r.o.Verbose, "%s  %s\n", FormatTime(r.clock.Now(), r.loc), strings.TrimRight(line, "\n"))
}
