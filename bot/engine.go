package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// New loads the saved configuration and kill switch and returns a Bot ready
// to handle messages.
func New(ctx context.Context, opts Options) (*Bot, error) {
	if opts.Store == nil || opts.Messenger == nil {
		return nil, errors.New("bot: Store and Messenger are required")
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock
	}
	if opts.HostZone == nil {
		opts.HostZone = time.Local
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b := &Bot{opts: opts, log: opts.Log, wakeCh: make(chan struct{}, 1), late: map[UserID]bool{},
		adminLIDAsked: map[UserID]time.Time{}}

	cfg, ok, err := opts.Store.LoadConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load configuration: %w", err)
	}
	if !ok {
		cfg = DefaultConfig()
	}
	fillDefaults(&cfg)
	if err := b.setConfig(cfg); err != nil {
		// A stored zone this binary cannot load must not keep the bot
		// down: fall back to the host's zone and say so.
		b.log.Warn("stored time zone unusable, using the host's", "zone", cfg.TimeZone, "err", err)
		cfg.TimeZone = ""
		if err := b.setConfig(cfg); err != nil {
			return nil, fmt.Errorf("load configuration: %w", err)
		}
	}
	if b.kill, err = opts.Store.LoadKillSwitch(ctx); err != nil {
		return nil, fmt.Errorf("load kill switch: %w", err)
	}
	if b.ownerActive, err = opts.Store.OwnerActive(ctx); err != nil {
		return nil, fmt.Errorf("load owner activity: %w", err)
	}
	recent, err := opts.Store.RecentSent(ctx, MaxPerMinute)
	if err != nil {
		return nil, fmt.Errorf("load recent sends: %w", err)
	}
	for i := len(recent) - 1; i >= 0; i-- {
		b.sent = append(b.sent, recent[i].SentAt)
	}
	resumed, err := opts.Store.ResumeInterrupted(ctx)
	if err != nil {
		return nil, err
	}
	if resumed > 0 {
		b.log.Info("sends interrupted by a stop are tried again under their message id", "messages", resumed)
	}
	if b.queued, err = opts.Store.PendingByCustomer(ctx); err != nil {
		return nil, err
	}
	b.pending = len(b.queued) > 0
	if b.digestSent, err = opts.Store.DigestSent(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// fillDefaults repairs zero values a hand-edited or older configuration
// may carry, so that the engine never works with an invalid setting.
func fillDefaults(cfg *Config) {
	d := DefaultConfig()
	if cfg.Lang == "" {
		cfg.Lang = d.Lang
	}
	if cfg.Away.When == "" {
		cfg.Away.When = d.Away.When
	}
	if cfg.Away.AfterMinutes == 0 {
		cfg.Away.AfterMinutes = d.Away.AfterMinutes
	}
	if cfg.Greeting.When == "" {
		cfg.Greeting.When = d.Greeting.When
	}
	if cfg.Greeting.AfterDays == 0 {
		cfg.Greeting.AfterDays = d.Greeting.AfterDays
	}
}

// setConfig makes cfg current with everything derived from it. b.mu must
// be held (or b not yet shared).
func (b *Bot) setConfig(cfg Config) error {
	sched, err := NewSchedule(cfg, b.opts.HostZone)
	if err != nil {
		return err
	}
	b.useConfig(cfg, sched)
	return nil
}

// useConfig makes cfg and its schedule current. b.mu must be held.
func (b *Bot) useConfig(cfg Config, sched Schedule) {
	b.cfg, b.sched, b.rules = cfg, sched, compile(cfg)
}

// RefusedError is a configuration change that the validator refused: the
// reason is for the person who asked for it.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// Config returns a copy of the current configuration.
func (b *Bot) Config() Config {
	b.mu.Lock()
	defer b.mu.Unlock()
	return cloneConfig(b.cfg)
}

// UpdateConfig applies change to a copy of the configuration, validates the
// result and builds its schedule (once each), saves it and only then makes
// it current. On any error nothing changes; a refused configuration is a
// *RefusedError.
func (b *Bot) UpdateConfig(ctx context.Context, change func(*Config) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	next := cloneConfig(b.cfg)
	if err := change(&next); err != nil {
		return err
	}
	if err := ValidateConfig(next, b.opts.Self); err != nil {
		return &RefusedError{err}
	}
	sched, err := NewSchedule(next, b.opts.HostZone)
	if err != nil {
		return &RefusedError{err}
	}
	rec := pendingRecord(ctx)
	if err := b.opts.Store.SaveConfig(ctx, next, rec.inbound()); err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	rec.saved()
	if next.Digest && !b.cfg.Digest {
		// The digest starts with the next Monday, not last week's.
		b.noteDigestSent(ctx, b.Now())
	}
	b.useConfig(next, sched)
	b.signal() // the zone or the digest may move the next wake-up
	return nil
}

// cloneConfig copies cfg deeply enough that changing the copy's slices
// never touches the original.
func cloneConfig(cfg Config) Config {
	c := cfg
	for d := range c.Hours.Days {
		c.Hours.Days[d] = append([]Window(nil), cfg.Hours.Days[d]...)
	}
	c.Holidays = append([]Holiday(nil), cfg.Holidays...)
	c.Away.Shifts = append([]Shift(nil), cfg.Away.Shifts...)
	c.Greeting.Shifts = append([]Shift(nil), cfg.Greeting.Shifts...)
	c.Keywords = make([]Keyword, len(cfg.Keywords))
	for i, k := range cfg.Keywords {
		k.Phrases = append([]string(nil), k.Phrases...)
		c.Keywords[i] = k
	}
	c.QuickReplies = make([]QuickReply, len(cfg.QuickReplies))
	for i, q := range cfg.QuickReplies {
		q.Shortcuts = append([]string(nil), q.Shortcuts...)
		c.QuickReplies[i] = q
	}
	c.Admins = append([]UserID(nil), cfg.Admins...)
	return c
}

// Schedule returns the current schedule.
func (b *Bot) Schedule() Schedule {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sched
}

// KillSwitch returns the kill switch as it stands.
func (b *Bot) KillSwitch() KillSwitch {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.kill
}

// Stopped is what turning the kill switch on found.
type Stopped struct {
	// Discarded automatic messages were waiting; they will never be sent.
	Discarded int
	// OnItsWay automatic messages were already with WhatsApp when the
	// switch was turned; SetKillSwitch waited for them, and they went out.
	OnItsWay int
}

// SetKillSwitch saves k (discarding pending automatic messages when it
// stops them) and makes it current. Turning it on first waits for an
// automatic send in flight to finish, so that once it returns nothing
// automatic leaves.
func (b *Bot) SetKillSwitch(ctx context.Context, k KillSwitch) (Stopped, error) {
	var st Stopped
	if k.Off {
		// No new send starts from here; wait for the one in flight.
		b.mu.Lock()
		b.stopping++
		busy, before := b.sending, b.delivered
		b.mu.Unlock()
		defer func() {
			b.mu.Lock()
			b.stopping--
			b.mu.Unlock()
		}()
		b.sendMu.Lock()
		defer b.sendMu.Unlock()
		if busy {
			b.mu.Lock()
			st.OnItsWay = b.delivered - before
			b.mu.Unlock()
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	rec := pendingRecord(ctx)
	n, err := b.opts.Store.SaveKillSwitch(ctx, k, rec.inbound())
	if err != nil {
		return Stopped{}, fmt.Errorf("save kill switch: %w", err)
	}
	rec.saved()
	st.Discarded = n
	b.kill = k
	if k.Off {
		b.pending = false
		b.queued = map[UserID]int{} // nothing waits any more
	}
	b.signal()
	return st, nil
}

// Say sends text to the owner or an admin right away (answers to
// commands, alerts, the digest; not automatic messages, so neither paced
// nor stopped by the kill switch). Every owner-bound text goes through
// here; one longer than MaxReplyRunes goes out as numbered parts
// (SplitReply).
func (b *Bot) Say(ctx context.Context, chat UserID, text string) error {
	for _, part := range SplitReply(text, MaxReplyRunes) {
		if _, err := b.opts.Messenger.SendText(ctx, chat, part, ""); err != nil {
			return fmt.Errorf("reply to %s: %w", chat, err)
		}
	}
	return nil
}

// Close finishes the bot's own work: it waits for the message in hand.
// It does not close the Store.
func (b *Bot) Close() error {
	b.handleMu.Lock()
	defer b.handleMu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	return nil
}

// signal tells Run that work may be due.
func (b *Bot) signal() {
	select {
	case b.wakeCh <- struct{}{}:
	default:
	}
}

// HandleMessage classifies, decides, records and queues the reply for one
// inbound message. It returns nil once the message is recorded (or was a
// duplicate): only then may the transport acknowledge it. Sending happens
// later, from the outbox, in Tick.
func (b *Bot) HandleMessage(ctx context.Context, m Message) error {
	b.handleMu.Lock()
	defer b.handleMu.Unlock()
	switch m.Kind {
	case OwnerSelf:
		return b.handleOwnerSelf(ctx, m)
	case OwnerInChat:
		return b.handleOwnerInChat(ctx, m)
	case FromCustomer:
		return b.handleCustomer(ctx, m)
	default:
		b.log.Debug("ignored message", "why", m.Why, "id", m.ID)
		return nil
	}
}

// record stores in; a duplicate is reported as done=false with no error.
func (b *Bot) record(ctx context.Context, in Inbound) (bool, error) {
	err := b.opts.Store.RecordInbound(ctx, in)
	if errors.Is(err, ErrDuplicate) {
		b.log.Info("duplicate message dropped", "chat", in.Chat.String(), "id", in.ID)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record message %s: %w", in.ID, err)
	}
	return true, nil
}

// seen reports whether in was recorded before (a redelivery).
func (b *Bot) seen(ctx context.Context, in Inbound) (bool, error) {
	who := in.Customer
	if who == "" {
		who = in.Chat
	}
	dup, err := b.opts.Store.Recorded(ctx, who, in.Alias, in.ID)
	if err != nil {
		return false, fmt.Errorf("look up message %s: %w", in.ID, err)
	}
	if dup {
		b.log.Info("duplicate message dropped", "chat", in.Chat.String(), "id", in.ID)
	}
	return dup, nil
}

// handleOwnerSelf runs a command (or previews a shortcut) from the self
// chat. The message is recorded with the command's first change, or after
// it, never before: see record.go.
func (b *Bot) handleOwnerSelf(ctx context.Context, m Message) error {
	now := b.Now()
	// The self chat may be addressed by phone number or LID: it is
	// recorded under the business's own number either way.
	in := Inbound{Chat: b.opts.Self, ID: m.ID, Kind: OwnerSelf, Sent: m.Sent, Received: now, OwnerActive: true}
	if dup, err := b.seen(ctx, in); err != nil || dup {
		return err
	}
	b.noteOwnerActive(now)
	rec := &commandRecord{in: in}
	text := strings.TrimSpace(m.Text)
	switch {
	case IsCommand(text):
		b.runCommand(withCommandRecord(ctx, rec), CommandMessage{Chat: m.Chat, From: b.opts.Self, Text: text, At: now})
	case strings.HasPrefix(text, "/"):
		b.previewShortcut(ctx, m.Chat, text, now)
	}
	if rec.done {
		return nil
	}
	_, err := b.record(ctx, in)
	return err
}

// IsCommand reports whether a text from the owner or an admin is a command
// for the bot: "!..." or a pasted configuration document ("{...").
func IsCommand(text string) bool {
	text = strings.TrimSpace(text)
	return strings.HasPrefix(text, "!") || strings.HasPrefix(text, "{")
}

// handleOwnerInChat notes the owner's activity in a customer chat and
// expands a shortcut typed there. The message is recorded after the
// expansion, so a crash in between expands it on redelivery (editing the
// message into the same text again shows nothing new).
func (b *Bot) handleOwnerInChat(ctx context.Context, m Message) error {
	now := b.Now()
	customer, alias := b.canonical(ctx, m)
	in := Inbound{Chat: m.Chat, ID: m.ID, Kind: OwnerInChat, Customer: customer, Alias: alias,
		Sent: m.Sent, Received: now, OwnerWrote: true, OwnerActive: true}
	if dup, err := b.seen(ctx, in); err != nil || dup {
		return err
	}
	b.noteOwnerActive(now)
	if text := strings.TrimSpace(m.Text); strings.HasPrefix(text, "/") {
		if s := b.expandShortcut(ctx, m, customer, text, now); s != "" {
			in.Shortcut, in.ShortcutByOwner = s, true
		}
	}
	_, err := b.record(ctx, in)
	return err
}

func (b *Bot) noteOwnerActive(at time.Time) {
	b.mu.Lock()
	if at.After(b.ownerActive) {
		b.ownerActive = at
	}
	b.mu.Unlock()
}

func (b *Bot) runCommand(ctx context.Context, c CommandMessage) {
	if b.opts.Commands == nil {
		return
	}
	b.opts.Commands.Run(ctx, b, c)
}

// canonical returns the identity a person is keyed by (the phone number
// when known, else the LID) and their other identity when known. It learns
// LID/phone pairs as they show up.
func (b *Bot) canonical(ctx context.Context, m Message) (id, alias UserID) {
	if !m.Chat.IsLID() {
		if m.ChatAlt.IsLID() {
			b.learnIdentity(ctx, m.ChatAlt, m.Chat)
		}
		return m.Chat, m.ChatAlt
	}
	if m.ChatAlt != "" && !m.ChatAlt.IsLID() {
		b.learnIdentity(ctx, m.Chat, m.ChatAlt)
		return m.ChatAlt, m.Chat
	}
	pn, err := b.opts.Store.PhoneForLID(ctx, m.Chat)
	if err != nil {
		b.log.Warn("look up phone number for LID", "lid", m.Chat.String(), "err", err)
	}
	if pn == "" {
		pn = b.adminForLID(ctx, m.Chat)
	}
	if pn != "" {
		return pn, m.Chat
	}
	return m.Chat, ""
}

// adminAskEvery limits how often the Directory is asked about admins whose
// LID is unknown.
const adminAskEvery = 10 * time.Minute

// adminForLID returns the admin whose LID lid is, asking the Directory
// about admins whose LID is not known yet; "" when lid is nobody's. An
// admin must never be mistaken for a customer because WhatsApp addressed
// them by a LID before the mapping was learned.
func (b *Bot) adminForLID(ctx context.Context, lid UserID) UserID {
	if b.opts.Directory == nil {
		return ""
	}
	now := b.Now()
	b.mu.Lock()
	var ask []UserID
	for _, a := range b.cfg.Admins {
		if at, ok := b.adminLIDAsked[a]; !ok || now.Sub(at) >= adminAskEvery {
			ask = append(ask, a)
		}
	}
	b.mu.Unlock()
	var unknown []UserID
	for _, a := range ask {
		if l, err := b.opts.Store.LIDForPhone(ctx, a); err == nil && l == "" {
			unknown = append(unknown, a)
		}
	}
	if len(unknown) == 0 {
		return ""
	}
	found, err := b.opts.Directory.LIDsOf(ctx, unknown)
	if err != nil {
		b.log.Warn("look up admins' LIDs", "err", err)
		return ""
	}
	b.mu.Lock()
	for _, a := range unknown {
		b.adminLIDAsked[a] = now
	}
	b.mu.Unlock()
	var match UserID
	for pn, l := range found {
		if l == "" || !l.IsLID() {
			continue
		}
		b.learnIdentity(ctx, l, pn)
		if l == lid {
			match = pn
		}
	}
	return match
}

func (b *Bot) learnIdentity(ctx context.Context, lid, pn UserID) {
	known, err := b.opts.Store.PhoneForLID(ctx, lid)
	if err == nil && known == pn {
		return
	}
	if err := b.opts.Store.LinkIdentity(ctx, lid, pn); err != nil {
		b.log.Warn("remember LID mapping", "lid", lid.String(), "err", err)
	}
}

func (b *Bot) isAdmin(id UserID) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.cfg.Admins {
		if a == id {
			return true
		}
	}
	return false
}

// MaxQueuedPerCustomer is how many automatic messages one customer may
// have waiting in the outbox; a message beyond it gets no automatic reply
// (recorded as "flood"), so one customer cannot fill the queue.
const MaxQueuedPerCustomer = 5

func (b *Bot) handleCustomer(ctx context.Context, m Message) error {
	now := b.Now()
	id, alias := b.canonical(ctx, m)
	if b.isAdmin(id) {
		// Team members command the bot from their own chat and never get
		// automatic replies. Their commands take effect exactly once, as
		// the owner's do.
		in := Inbound{Chat: m.Chat, ID: m.ID, Kind: FromCustomer, Customer: id, Alias: alias, Sent: m.Sent, Received: now, Rules: []string{"admin"}}
		if dup, err := b.seen(ctx, in); err != nil || dup {
			return err
		}
		rec := &commandRecord{in: in}
		if text := strings.TrimSpace(m.Text); IsCommand(text) {
			b.runCommand(withCommandRecord(ctx, rec), CommandMessage{Chat: m.Chat, From: id, Admin: true, Text: text, At: now})
		}
		if rec.done {
			return nil
		}
		_, err := b.record(ctx, in)
		return err
	}
	cust, err := b.opts.Store.Customer(ctx, id)
	if err != nil {
		return fmt.Errorf("load customer: %w", err)
	}
	if cust.LastInbound.IsZero() && !cust.Known {
		b.knownByAlias(ctx, &cust, m)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	folded := Fold(m.Text)
	d := decide(b.view(), Input{Text: m.Text, Folded: folded, Name: m.PushName, Sent: m.Sent, Now: now, Customer: cust, OwnerActive: b.ownerActive})
	in := Inbound{
		Chat: m.Chat, ID: m.ID, Kind: FromCustomer, Customer: id, Alias: alias, Name: m.PushName,
		Sent: m.Sent, Received: now, TouchCustomer: true,
		Question: questionOf(folded, d.Shortcut),
	}
	switch {
	case d.Suppressed != "":
		in.Rules = []string{d.Suppressed}
	case len(d.Parts) > 0 && b.queued[id] >= MaxQueuedPerCustomer:
		in.Rules = []string{SuppressedFlood}
	case len(d.Parts) > 0:
		in.Rules = d.Rules()
		in.AwayPeriod = d.AwayPeriod
		in.KeywordsSent = d.KeywordIDs
		in.Shortcut = d.Shortcut
		in.Reply = &Outgoing{Chat: m.Chat, Customer: id, Text: d.Text(), Rules: d.Rules(), Created: now,
			MsgID: b.opts.Messenger.NewMessageID()}
	}
	fresh, err := b.record(ctx, in)
	if err != nil || !fresh {
		return err
	}
	if b.opts.LogMessages {
		b.log.Info("customer message", "chat", m.Chat.String(), "text", m.Text, "rules", in.Rules)
	} else {
		b.log.Info("customer message", "chat", m.Chat.String(), "rules", in.Rules)
	}
	if d.Suppressed == SuppressedLate {
		b.late[id] = true
	}
	if in.Reply != nil {
		b.queued[id]++
		b.pending = true
		b.signal()
	}
	return nil
}

// knownByAlias treats a customer who is new under one identity as known
// when the other identity was seen before (in the history at linking, or
// writing by LID before the phone number was known): old customers are
// never greeted as new because WhatsApp changed how it addresses them.
func (b *Bot) knownByAlias(ctx context.Context, cust *Customer, m Message) {
	alias := m.ChatAlt
	if alias == "" || alias == cust.ID {
		alias = m.Chat
	}
	if alias == cust.ID && !cust.ID.IsLID() {
		lid, err := b.opts.Store.LIDForPhone(ctx, cust.ID)
		if err != nil {
			b.log.Warn("look up LID for phone number", "err", err)
			return
		}
		alias = lid
	}
	if alias == "" || alias == cust.ID {
		return
	}
	other, err := b.opts.Store.Customer(ctx, alias)
	if err != nil {
		b.log.Warn("load customer by other identity", "err", err)
		return
	}
	if other.Known || !other.LastInbound.IsZero() {
		cust.Known = true
		cust.LastInbound = other.LastInbound
		cust.AwayPeriod = other.AwayPeriod
	}
}

// questionOf is the form of a message kept for frequent-question mining:
// folded, numbers masked, and only for ordinary questions.
func questionOf(folded, shortcut string) string {
	if shortcut != "" {
		return ""
	}
	q := MaskNumbers(folded)
	if q == "" || len([]rune(q)) > 120 {
		return ""
	}
	return q
}

// HandleEvent takes the other transport events: OwnerRead, KnownChats,
// SyncDone, AccountTrouble.
func (b *Bot) HandleEvent(ctx context.Context, ev any) error {
	switch ev := ev.(type) {
	case OwnerRead:
		at := ev.At
		if at.IsZero() {
			at = b.Now()
		}
		if err := b.opts.Store.SetOwnerActive(ctx, at); err != nil {
			return fmt.Errorf("save owner activity: %w", err)
		}
		b.noteOwnerActive(at)
	case KnownChats:
		ids := make([]UserID, 0, len(ev.Chats))
		for _, c := range ev.Chats {
			if c != b.opts.Self && c != b.opts.SelfLID && c != "" {
				ids = append(ids, c)
			}
		}
		if err := b.opts.Store.MarkKnown(ctx, ids, b.Now()); err != nil {
			return fmt.Errorf("save known chats: %w", err)
		}
	case SyncDone:
		b.mu.Lock()
		b.retryAt = time.Time{}
		b.mu.Unlock()
		b.signal()
		return b.reportLate(ctx)
	case AccountTrouble:
		reason := Problemf("WhatsApp restricted the account: %s", ev.Reason)
		if !ev.Until.IsZero() {
			reason = Problemf("WhatsApp restricted the account: %s until %s", ev.Reason, ev.Until.In(b.Schedule().Loc).Format("2006-01-02 15:04"))
		}
		return b.stopForTrouble(ctx, reason)
	default:
		return fmt.Errorf("unknown event %T", ev)
	}
	return nil
}

// stopForTrouble turns the kill switch on by itself and tells the owner,
// in their language (the switch keeps the reason in English).
func (b *Bot) stopForTrouble(ctx context.Context, reason error) error {
	if _, err := b.SetKillSwitch(ctx, KillSwitch{Off: true, Reason: reason.Error()}); err != nil {
		return err
	}
	b.log.Warn("kill switch turned on automatically", "reason", reason.Error())
	// Telling the owner is best effort: the same restriction may stop it.
	alert := Tr(b.Config().Lang, "%v. Automatic replies are OFF. Type !on when it is over.", reason)
	if err := b.Say(ctx, b.opts.Self, alert); err != nil {
		b.log.Warn("tell owner about the restriction", "err", err)
	}
	return nil
}

// reportLate tells the owner, in one line, how many chats waited too long
// while the bot was offline.
func (b *Bot) reportLate(ctx context.Context) error {
	b.mu.Lock()
	n := len(b.late)
	lang := b.cfg.Lang
	b.late = map[UserID]bool{}
	b.mu.Unlock()
	if n == 0 {
		return nil
	}
	return b.Say(ctx, b.opts.Self, Tr(lang, "While the bot was offline, %d chat(s) waited more than 6 hours. They got no automatic reply: please answer them yourself.", n))
}
