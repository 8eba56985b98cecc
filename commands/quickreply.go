package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"frontdesk/bot"
)

// staleUses and staleDays define a stale quick reply: used fewer
// than 5 times in the last 90 days.
const (
	staleUses = 5
	staleDays = 90
)

func quickReplyCommand() *Command {
	one := func(verb string) string { return "!qr " + verb + " /shortcut" }
	return &Command{
		Name:    "qr",
		Aliases: []string{"quickreply"},
		Usage:   "!qr add|alias|list|show|del|private|public|stats|stale",
		Help:    "Quick replies: type /shortcut to send a saved text (or a photo or PDF: send it with !qr add as its caption); customers may use them too.",
		Example: "!qr add /time Open Monday to Friday 09:00-18:00.",
		Run:     func(ctx context.Context, c *Call) error { return listQuickReplies(c) },
		Subcommands: []*Command{
			{Name: "add", Aliases: []string{"aggiungi"}, Usage: "!qr add /shortcut <text>", Run: addQuickReply, TakesFile: true},
			{Name: "alias", Usage: "!qr alias /existing /new [/new2 ...]", Run: aliasQuickReply},
			{Name: "list", Aliases: []string{"ls", "elenco"}, Usage: "!qr list [/prefix] [page]", Run: func(ctx context.Context, c *Call) error { return listQuickReplies(c) }},
			{Name: "show", Aliases: []string{"mostra"}, Usage: one("show"), Run: showQuickReply},
			{Name: "del", Aliases: []string{"delete", "rm", "remove", "elimina"}, Usage: one("del"), Run: delQuickReply},
			{Name: "private", Aliases: []string{"privata"}, Usage: one("private"), Run: func(ctx context.Context, c *Call) error { return setQuickReplyPrivate(c, true) }},
			{Name: "public", Aliases: []string{"pubblica"}, Usage: one("public"), Run: func(ctx context.Context, c *Call) error { return setQuickReplyPrivate(c, false) }},
			{Name: "stats", Usage: "!qr stats [page]", Run: quickReplyStats},
			{Name: "stale", Usage: "!qr stale [page]", Run: staleQuickReplies},
			{Name: "text", Aliases: []string{"testo"}, Usage: "!qr text /shortcut <language> <text|del>", Run: quickReplyText},
		},
	}
}

// shortcutArg reads and checks a shortcut argument, adding the "/" the
// owner may have left out.
func shortcutArg(c *Call, s string) (string, error) {
	if !strings.HasPrefix(s, "/") {
		s = "/" + s
	}
	if err := bot.ValidShortcut(s); err != nil {
		return "", c.Usagef("Wrong shortcut: %v", err)
	}
	return bot.NormalizeShortcut(s), nil
}

// findQuickReply returns the index of the quick reply with shortcut s.
func findQuickReply(cfg *bot.Config, s string) int {
	for i, q := range cfg.QuickReplies {
		for _, sc := range q.Shortcuts {
			if bot.NormalizeShortcut(sc) == s {
				return i
			}
		}
	}
	return -1
}

// notFound refuses an unknown shortcut, suggesting similar ones.
func notFound(c *Call, cfg *bot.Config, s string) error {
	var near []string
	for _, q := range cfg.QuickReplies {
		for _, sc := range q.Shortcuts {
			if bot.SimilarShortcuts(sc, s) || strings.HasPrefix(sc, s) || strings.HasPrefix(s, sc) {
				near = append(near, sc)
			}
		}
	}
	if len(near) > 0 {
		return c.Userf("There is no quick reply %s. Did you mean %s?", s, strings.Join(near, " or "))
	}
	return c.Userf("There is no quick reply %s. See !qr list.", s)
}

// checkNewShortcut refuses a shortcut already taken (by cfg or earlier in
// this same command) and returns the existing ones too similar to it.
func checkNewShortcut(c *Call, cfg *bot.Config, s string, taken []string) (similar []string, err error) {
	if s == bot.MenuShortcut && c.Media == nil {
		return nil, c.Userf("%s is reserved: it shows customers the list of your public quick replies.", s)
	}
	if i := findQuickReply(cfg, s); i >= 0 {
		return nil, c.Userf("%s already exists: %s. Delete it first with !qr del %s, or pick another shortcut.", s, c.quote(bot.Clip(cfg.QuickReplies[i].Text, 40)), s)
	}
	for _, t := range taken {
		if t == s {
			return nil, c.Usagef("%s is given twice.", s)
		}
	}
	for _, q := range cfg.QuickReplies {
		for _, sc := range q.Shortcuts {
			if bot.SimilarShortcuts(sc, s) {
				similar = append(similar, sc)
			}
		}
	}
	for _, t := range taken {
		if bot.SimilarShortcuts(t, s) {
			similar = append(similar, t)
		}
	}
	return similar, nil
}

// similarWarning words the warning for too-similar shortcuts.
func similarWarning(c *Call, s string, similar []string) string {
	if len(similar) == 0 {
		return ""
	}
	return "\n" + c.Tf("Warning: %s is very similar to %s; customers may mix them up.", s, strings.Join(similar, ", "))
}

func addQuickReply(ctx context.Context, c *Call) error {
	if len(c.Args) == 0 {
		return c.Usagef("Give a shortcut and its text.")
	}
	s, err := shortcutArg(c, c.Args[0])
	if err != nil {
		return err
	}
	text := c.Rest(1)
	if c.Media == nil || text != "" {
		// With a photo or document the caption text may be left out.
		if err := validText(c, text); err != nil {
			return err
		}
	}
	if s == bot.MenuShortcut && c.Media == nil {
		return c.Userf("%s is reserved: it shows customers the list of your public quick replies. To answer it with a photo or PDF of your menu instead, send the file with this command as its caption.", s)
	}
	cfg := c.Bot.Config()
	if _, err := checkNewShortcut(c, &cfg, s, nil); err != nil {
		return err // refused before the file is downloaded
	}
	media, err := keepMedia(c)
	if err != nil {
		return err
	}
	var similar []string
	err = c.Update(func(cfg *bot.Config) error {
		var err error
		if len(cfg.QuickReplies) >= bot.MaxQuickReplies {
			return c.Userf("You have %d quick replies, the most allowed: delete one with !qr del /shortcut first.", len(cfg.QuickReplies))
		}
		if similar, err = checkNewShortcut(c, cfg, s, nil); err != nil {
			return err
		}
		cfg.QuickReplies = append(cfg.QuickReplies, bot.QuickReply{Shortcuts: []string{s}, Text: text, Created: c.At, Media: media})
		return nil
	})
	if err != nil {
		return fmt.Errorf("add quick reply: %w", err)
	}
	if media != nil {
		return c.Reply(c.Tf("Quick reply %s saved with its %s (%s).", s, c.mediaLabel(media), bot.FormatSize(media.Size)) + similarWarning(c, s, similar))
	}
	return c.Reply(c.Tf("Quick reply %s saved.", s) + similarWarning(c, s, similar))
}

func aliasQuickReply(ctx context.Context, c *Call) error {
	if len(c.Args) < 2 {
		return c.Usagef("Give an existing shortcut and at least one new one.")
	}
	existing, err := shortcutArg(c, c.Args[0])
	if err != nil {
		return err
	}
	var news []string
	for _, a := range c.Args[1:] {
		s, err := shortcutArg(c, a)
		if err != nil {
			return err
		}
		news = append(news, s)
	}
	var warnings string
	err = c.Update(func(cfg *bot.Config) error {
		i := findQuickReply(cfg, existing)
		if i < 0 {
			return notFound(c, cfg, existing)
		}
		warnings = ""
		var taken []string
		for _, s := range news {
			similar, err := checkNewShortcut(c, cfg, s, taken)
			if err != nil {
				return err
			}
			warnings += similarWarning(c, s, similar)
			taken = append(taken, s)
		}
		cfg.QuickReplies[i].Shortcuts = append(cfg.QuickReplies[i].Shortcuts, taken...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("alias quick reply: %w", err)
	}
	cfg := c.Bot.Config()
	all := cfg.QuickReplies[max(findQuickReply(&cfg, existing), 0)].Shortcuts
	return c.Reply(c.Tf("%s now also answers as %s. Shortcuts: %s.",
		existing, strings.Join(news, " "), strings.Join(all, " ")) + warnings)
}

func listQuickReplies(c *Call) error {
	prefix, pageWord := "", ""
	args := c.Args
	if len(args) > 0 && c.Cmd.Name == "list" && isPageNumber(args[len(args)-1]) {
		pageWord, args = args[len(args)-1], args[:len(args)-1]
	}
	switch {
	case len(args) == 1 && c.Cmd.Name == "list":
		prefix = bot.NormalizeShortcut(args[0])
		if !strings.HasPrefix(prefix, "/") {
			prefix = "/" + prefix
		}
	case len(args) > 0:
		if c.Cmd.Name == "list" {
			return c.Usagef("Give at most one prefix, like /sh, and a page number.")
		}
		return c.Usagef("Unknown option %q.", bot.Clip(args[0], 30))
	}
	p, err := pageArg(c, pageWord)
	if err != nil {
		return err
	}
	cfg := c.Bot.Config()
	var lines []string
	for _, q := range cfg.QuickReplies {
		match := prefix == ""
		for _, s := range q.Shortcuts {
			match = match || strings.HasPrefix(s, prefix)
		}
		if !match {
			continue
		}
		line := strings.Join(q.Shortcuts, " ")
		if q.Private {
			line += c.T(" (private)")
		}
		lines = append(lines, line+" — "+bot.Clip(strings.ReplaceAll(q.Text, "\n", " "), 50)+variantCodes(q.Variants)+c.mediaNote(q.Media))
	}
	switch {
	case len(cfg.QuickReplies) == 0:
		return c.Reply(c.T("No quick replies yet. Add one with !qr add /time We are open 09:00-18:00."))
	case len(lines) == 0:
		return c.Reply(c.Tf("No quick reply starts with %s.", prefix))
	}
	next := "!qr list %d"
	if prefix != "" {
		next = "!qr list " + prefix + " %d"
	}
	return c.replyPage(c.Tf("Quick replies (%d):", len(lines)), lines, p, next)
}

// oneShortcut reads the single shortcut argument of show, del, private and
// public and finds its quick reply in cfg.
func oneShortcut(c *Call) (string, error) {
	if len(c.Args) != 1 {
		return "", c.Usagef("Give one shortcut, like /time.")
	}
	return shortcutArg(c, c.Args[0])
}

func showQuickReply(ctx context.Context, c *Call) error {
	s, err := oneShortcut(c)
	if err != nil {
		return err
	}
	cfg := c.Bot.Config()
	i := findQuickReply(&cfg, s)
	if i < 0 {
		return notFound(c, &cfg, s)
	}
	q := cfg.QuickReplies[i]
	vis := c.T("public: customers may use it")
	if q.Private {
		vis = c.T("private: only you may use it")
	}
	variants := ""
	if len(q.Variants) > 0 {
		variants = "\n" + formatVariants(c, q.Variants)
	}
	return showWithMedia(c, q.Media, fmt.Sprintf("%s\n%s%s\n(%s)", strings.Join(q.Shortcuts, " "), q.Text, variants, vis))
}

func delQuickReply(ctx context.Context, c *Call) error {
	s, err := oneShortcut(c)
	if err != nil {
		return err
	}
	var gone bot.QuickReply
	err = c.Update(func(cfg *bot.Config) error {
		i := findQuickReply(cfg, s)
		if i < 0 {
			return notFound(c, cfg, s)
		}
		gone = cfg.QuickReplies[i]
		cfg.QuickReplies = append(cfg.QuickReplies[:i:i], cfg.QuickReplies[i+1:]...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete quick reply: %w", err)
	}
	if len(gone.Shortcuts) > 1 {
		return c.Reply(c.Tf("Quick reply deleted with all its shortcuts: %s.",
			strings.Join(gone.Shortcuts, " ")))
	}
	return c.Reply(c.Tf("Quick reply %s deleted.", s))
}

func setQuickReplyPrivate(c *Call, private bool) error {
	s, err := oneShortcut(c)
	if err != nil {
		return err
	}
	var shortcuts []string
	err = c.Update(func(cfg *bot.Config) error {
		i := findQuickReply(cfg, s)
		if i < 0 {
			return notFound(c, cfg, s)
		}
		cfg.QuickReplies[i].Private = private
		shortcuts = cfg.QuickReplies[i].Shortcuts
		return nil
	})
	if err != nil {
		return fmt.Errorf("set quick reply visibility: %w", err)
	}
	if private {
		return c.Reply(c.Tf("%s is now private: customers cannot use it and /menu does not show it.", strings.Join(shortcuts, " ")))
	}
	return c.Reply(c.Tf("%s is now public: customers may use it and /menu shows it.", strings.Join(shortcuts, " ")))
}

// usesSince loads shortcut uses from the store.
func usesSince(ctx context.Context, c *Call, since time.Time) (map[string]bot.ShortcutUses, error) {
	uses, err := c.Bot.ShortcutUses(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("load shortcut uses: %w", err)
	}
	return uses, nil
}

// onePageArg reads the only, optional argument of a paged list.
func onePageArg(c *Call) (int, error) {
	if len(c.Args) > 1 {
		return 0, c.Usagef("Give at most a page number.")
	}
	return pageArg(c, firstArg(c))
}

func quickReplyStats(ctx context.Context, c *Call) error {
	p, err := onePageArg(c)
	if err != nil {
		return err
	}
	cfg := c.Bot.Config()
	if len(cfg.QuickReplies) == 0 {
		return c.Reply(c.T("No quick replies yet."))
	}
	all, err := usesSince(ctx, c, time.Time{})
	if err != nil {
		return err
	}
	recent, err := usesSince(ctx, c, c.At.AddDate(0, 0, -staleDays))
	if err != nil {
		return err
	}
	type row struct {
		s              string
		total, owner   int
		customer, last int
	}
	var rows []row
	for _, q := range cfg.QuickReplies {
		for _, s := range q.Shortcuts {
			u := all[s]
			r := recent[s]
			rows = append(rows, row{s, u.Owner + u.Customer, u.Owner, u.Customer, r.Owner + r.Customer})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].total > rows[j].total })
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = c.Tf("%s: %d (you %d, customers %d); %d",
			r.s, r.total, r.owner, r.customer, r.last)
	}
	return c.replyPage(c.Tf("Quick reply uses (all time; last %d days):", staleDays),
		lines, p, "!qr stats %d")
}

func staleQuickReplies(ctx context.Context, c *Call) error {
	p, err := onePageArg(c)
	if err != nil {
		return err
	}
	cfg := c.Bot.Config()
	recent, err := usesSince(ctx, c, c.At.AddDate(0, 0, -staleDays))
	if err != nil {
		return err
	}
	var lines []string
	for _, q := range cfg.QuickReplies {
		used := 0
		for _, s := range q.Shortcuts {
			used += recent[s].Owner + recent[s].Customer
		}
		if used >= staleUses {
			continue
		}
		line := c.Tf("%s: used %d times", strings.Join(q.Shortcuts, " "), used)
		if !q.Created.IsZero() && c.At.Sub(q.Created) < staleDays*24*time.Hour {
			days := int(c.At.Sub(q.Created).Hours() / 24)
			line += c.Tf(" (added %d days ago)", days)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return c.Reply(c.Tf("No stale quick replies: each was used at least %d times in the last %d days.", staleUses, staleDays))
	}
	return c.replyPage(c.Tf("Quick replies used fewer than %d times in the last %d days (consider !qr del):", staleUses, staleDays), lines, p, "!qr stale %d")
}
