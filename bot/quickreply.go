package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// EditWindow is how long WhatsApp lets a message be edited.
const EditWindow = 20 * time.Minute

// expandShortcut edits the owner's message in a customer chat into the
// quick reply's full text: the same message, so the customer sees one. It
// returns the shortcut when the edit was made, and an error when a file
// or pin could not be sent for want of a connection (or as the bot stops):
// the message must not be recorded then, so its redelivery sends it (as
// when the customer cannot be read).
func (b *Bot) expandShortcut(ctx context.Context, m Message, customer UserID, text string, now time.Time) (string, error) {
	// {name} is the customer's, never the name on m, which is the owner's.
	c, err := b.opts.Store.Customer(ctx, customer)
	if err != nil {
		return "", fmt.Errorf("load customer: %w", err)
	}
	b.mu.Lock()
	v := b.view()
	q, s, ok := v.quickReply(text)
	var full string
	var attach *Attachment
	if ok {
		// The customer's language variant, as a customer typing the
		// shortcut would get it (the caption, when it has a file).
		l := lazyVars{v: v, in: Input{Now: now, Name: c.Name}}
		l.lang, _ = NumberLanguage(customer)
		p, _ := l.part(RuleShortcut, q.Text, q.Variants, nil, now)
		full = p.Text
		if q.Media != nil {
			attach = &Attachment{Media: q.Media}
		}
	} else if pin := v.wherePin(); pin != nil && strings.EqualFold(strings.TrimSpace(text), WhereShortcut) {
		ok, s, attach = true, WhereShortcut, &Attachment{Pin: pin}
	}
	hint := ""
	if !ok && looksLikeShortcut(text) {
		hint = Tr(v.cfg.Lang, "%s is not a quick reply, so nothing was changed.%s", strings.ToLower(strings.TrimSpace(text)), didYouMean(v.cfg.Lang, closestShortcuts(v.cfg, text, 3)))
	}
	b.mu.Unlock()

	switch {
	case hint != "":
		if err := b.Say(ctx, b.opts.Self, hint); err != nil {
			b.log.Warn("shortcut hint", "err", err)
		}
	case !ok:
	case !m.Sent.IsZero() && now.Sub(m.Sent) >= EditWindow:
		b.log.Info("shortcut too old to edit", "chat", m.Chat.String(), "shortcut", s)
	case attach != nil:
		// A photo, document or pin cannot replace a text by an edit: the
		// media is sent in its place, then the typed shortcut deleted.
		err := b.replaceWithAttachment(ctx, m, *attach, full)
		if err != nil {
			b.log.Warn("replace shortcut with media", "chat", m.Chat.String(), "shortcut", s, "err", err)
		}
		switch {
		case err == nil:
		case errors.Is(err, ErrNotSent) || ctx.Err() != nil:
			// Nothing is recorded: the redelivery tries again under the
			// same ids, so the customer sees each message once.
			return "", err
		case errors.Is(err, errTypedNotDeleted):
			// The customer got the file; the owner sees the typed text
			// still there in the chat.
		default:
			b.mu.Lock()
			lang := b.cfg.Lang
			b.mu.Unlock()
			note := Tr(lang, "%s could not be sent in the chat with %s (%v): what you typed was left as it is. Type it again, or send it yourself.", s, customer.String(), err)
			if err := b.Say(ctx, b.opts.Self, note); err != nil {
				b.log.Warn("tell the owner a shortcut failed", "err", err)
			}
			return "", nil
		}
		if attach.Pin != nil {
			return "", nil // /where is not a quick reply: no use to count
		}
		return s, nil
	default:
		if err := b.opts.Messenger.EditText(ctx, m.Chat, m.ID, full); err != nil {
			b.log.Warn("expand shortcut", "chat", m.Chat.String(), "shortcut", s, "err", err)
			return "", nil
		}
		return s, nil
	}
	return "", nil
}

// previewShortcut answers a shortcut typed in the self chat with what it
// would become.
func (b *Bot) previewShortcut(ctx context.Context, chat UserID, text string, now time.Time) {
	b.mu.Lock()
	v := b.view()
	q, s, ok := v.quickReply(text)
	var answer string
	switch {
	case ok:
		answer = Tr(v.cfg.Lang, "%s becomes:\n\n%s", s, Render(q.Text, templateVars(v, now)))
	case looksLikeShortcut(text):
		answer = Tr(v.cfg.Lang, "%s is not a quick reply, so nothing was changed.%s", strings.ToLower(strings.TrimSpace(text)), didYouMean(v.cfg.Lang, closestShortcuts(v.cfg, text, 3)))
	}
	b.mu.Unlock()
	if answer == "" {
		return
	}
	if err := b.Say(ctx, chat, answer); err != nil {
		b.log.Warn("shortcut preview", "err", err)
	}
}

// looksLikeShortcut: one word starting with "/" (the owner meant a
// shortcut, not a sentence that happens to start with a slash).
func looksLikeShortcut(text string) bool {
	t := strings.TrimSpace(text)
	return len(t) > 1 && t[0] == '/' && !strings.ContainsAny(t, " \n\t")
}

// closestShortcuts returns up to n existing shortcuts nearest to text.
func closestShortcuts(cfg *Config, text string, n int) []string {
	target := strings.ToLower(strings.TrimSpace(text))
	type cand struct {
		s string
		d int
	}
	var cs []cand
	for _, q := range cfg.QuickReplies {
		for _, s := range q.Shortcuts {
			d := editDistance(target, s)
			if strings.HasPrefix(s, target) || strings.HasPrefix(target, s) {
				d = min(d, 1)
			}
			cs = append(cs, cand{s, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].s)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean is the hint after an unknown shortcut: the closest ones.
func didYouMean(lang string, list []string) string {
	if len(list) == 0 {
		return ""
	}
	return Tr(lang, " Did you mean: %s", strings.Join(list, ", "))
}
