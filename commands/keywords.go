package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"frontdesk/bot"
)

func keywordCommand() *Command {
	return &Command{
		Name:    "kw",
		Aliases: []string{"keyword", "keywords"},
		Usage:   "!kw add <phrase>[, <phrase>...] = <text> | list [page] | del <n>",
		Help:    "Keyword answers: a text sent when a customer's message contains a phrase. Send a photo or PDF with !kw add as its caption to send it with the text.",
		Example: "!kw add price, how much = Our prices are at {website}",
		Run:     func(ctx context.Context, c *Call) error { return listKeywords(c) },
		Subcommands: []*Command{
			{Name: "add", Aliases: []string{"aggiungi"}, Usage: "!kw add <phrase>[, <phrase>...] = <text>", Run: addKeyword, TakesFile: true},
			{Name: "list", Aliases: []string{"ls", "elenco"}, Usage: "!kw list [page]", Run: func(ctx context.Context, c *Call) error { return listKeywords(c) }},
			{Name: "del", Aliases: []string{"delete", "rm", "remove", "elimina"}, Usage: "!kw del <n>", Run: delKeyword},
			{Name: "text", Aliases: []string{"testo"}, Usage: "!kw text <n> <language> <text|del>", Run: keywordText},
		},
	}
}

// parseKeyword splits "a, b c = text" into its folded-checked phrases (as
// typed, trimmed) and its text.
func parseKeyword(c *Call, s string) (phrases []string, text string, err error) {
	left, right, ok := strings.Cut(s, "=")
	if !ok {
		return nil, "", c.Usagef("Missing \"=\" between the phrases and the answer.")
	}
	text = strings.TrimSpace(right)
	seen := map[string]bool{}
	for _, p := range strings.Split(left, ",") {
		p = strings.Join(strings.Fields(p), " ")
		if err := bot.ValidPhrase(p); err != nil {
			switch n := utf8.RuneCountInString(p); {
			case p == "":
				return nil, "", c.Usagef("An empty phrase: separate phrases with single commas.")
			case bot.ValidName(p) != nil:
				return nil, "", c.Usagef("The phrase %q holds a control character: use ordinary characters.", bot.Clip(p, 30))
			case n > bot.MaxPhraseRunes:
				return nil, "", c.Usagef("The phrase %q is %d characters long; the limit is %d.", bot.Clip(p, 30), n, bot.MaxPhraseRunes)
			}
			return nil, "", c.Usagef("The phrase %q has no letters or digits to match.", bot.Clip(p, 30))
		}
		if seen[bot.Fold(p)] {
			continue
		}
		seen[bot.Fold(p)] = true
		phrases = append(phrases, p)
	}
	if c.Media == nil || text != "" {
		// With a photo or document the caption text may be left out.
		if err := validText(c, text); err != nil {
			return nil, "", err
		}
	}
	return phrases, text, nil
}

func addKeyword(ctx context.Context, c *Call) error {
	phrases, text, err := parseKeyword(c, c.Rest(0))
	if err != nil {
		return err
	}
	media, err := keepMedia(c)
	if err != nil {
		return err
	}
	var n int
	var others []string // phrases already answered by another keyword
	err = c.Update(func(cfg *bot.Config) error {
		if len(cfg.Keywords) >= bot.MaxKeywords {
			return c.Userf("You have %d keyword answers, the most allowed: delete one with !kw del <n> first.", len(cfg.Keywords))
		}
		id := 0
		others = others[:0]
		for _, k := range cfg.Keywords {
			id = max(id, k.ID)
			for _, old := range k.Phrases {
				for _, p := range phrases {
					if bot.Fold(old) == bot.Fold(p) {
						others = append(others, p)
					}
				}
			}
		}
		cfg.Keywords = append(cfg.Keywords, bot.Keyword{ID: id + 1, Phrases: phrases, Text: text, Media: media})
		n = len(cfg.Keywords)
		return nil
	})
	if err != nil {
		return fmt.Errorf("add keyword: %w", err)
	}
	msg := c.Tf("Keyword answer %d saved for: %s.", n, strings.Join(phrases, ", "))
	if media != nil {
		msg = c.Tf("Keyword answer %d saved for: %s, with its %s (%s).", n, strings.Join(phrases, ", "), c.mediaLabel(media), bot.FormatSize(media.Size))
	}
	if len(others) > 0 {
		msg += "\n" + c.Tf("Note: %s already had an answer; both will be sent.", strings.Join(others, ", "))
	}
	return c.Reply(msg)
}

func listKeywords(c *Call) error {
	if len(c.Args) > 0 && len(c.Path) == 1 {
		return c.Usagef("Unknown option %q.", bot.Clip(c.Args[0], 30))
	}
	if len(c.Args) > 1 {
		return c.Usagef("Give at most a page number.")
	}
	p, err := pageArg(c, firstArg(c))
	if err != nil {
		return err
	}
	cfg := c.Bot.Config()
	if len(cfg.Keywords) == 0 {
		return c.Reply(c.T("No keyword answers. Add one with !kw add price = Our prices: {website}"))
	}
	lines := make([]string, len(cfg.Keywords))
	for i, k := range cfg.Keywords {
		lines[i] = fmt.Sprintf("%d. %s = %s%s", i+1, strings.Join(k.Phrases, ", "), k.Text, variantCodes(k.Variants)) + c.mediaNote(k.Media)
	}
	return c.replyPage(c.T("Keyword answers:"), lines, p, "!kw list %d")
}

// listIndex reads the 1-based number of an item in a list of n.
func listIndex(c *Call, n int, what string) (int, error) {
	if len(c.Args) != 1 {
		return 0, c.Usagef("Give the number of the %s, as shown by the list.", c.T(what))
	}
	i, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSuffix(c.Args[0], "."), "#"))
	if err != nil {
		return 0, c.Usagef("%q is not a number.", bot.Clip(c.Args[0], 30))
	}
	if n == 0 {
		return 0, c.Userf("There is nothing to delete: the list is empty.")
	}
	if i < 1 || i > n {
		return 0, c.Usagef("There is no number %d: the list goes from 1 to %d.", i, n)
	}
	return i - 1, nil
}

func delKeyword(ctx context.Context, c *Call) error {
	cfg := c.Bot.Config()
	i, err := listIndex(c, len(cfg.Keywords), bot.N("keyword answer"))
	if err != nil {
		return err
	}
	target := cfg.Keywords[i].ID
	var gone bot.Keyword
	err = c.Update(func(cfg *bot.Config) error {
		for j, k := range cfg.Keywords {
			if k.ID == target {
				gone = k
				cfg.Keywords = append(cfg.Keywords[:j:j], cfg.Keywords[j+1:]...)
				return nil
			}
		}
		return c.Userf("That keyword answer was just changed; look at !kw list again.")
	})
	if err != nil {
		return fmt.Errorf("delete keyword: %w", err)
	}
	return c.Reply(c.Tf("Keyword answer %d deleted (%s).", i+1, strings.Join(gone.Phrases, ", ")))
}
