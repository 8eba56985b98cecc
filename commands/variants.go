package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"frontdesk/bot"
)

// This file is the language variants of customer texts: `!away text es
// Cerrado, volvemos {next_open}.`, the same for !greeting, `!kw text 2 es
// ...` and `!qr text /time es ...`. A customer whose number's calling
// code speaks that language gets the variant instead of the main text
// (bot.NumberLanguage); `del` instead of the text removes it. As a main
// text may begin with a code ("de lunes a viernes", "es tarde"), `!away
// text main ...` always saves the main text, and the answer to a variant
// of !away or !greeting gives that command back (insisting when the main
// text is still empty).

// variantLang reads a language code at argument i when more words follow
// it: "es Cerrado ..." is a Spanish text. Only the exact lower-case code
// counts, so a main text may still begin with "Es" or "It".
func variantLang(c *Call, i int) string {
	if i+1 < len(c.Args) && c.Args[i] == mainWord {
		return ""
	}
	if i+1 < len(c.Args) && bot.IsLanguage(c.Args[i]) {
		return c.Args[i]
	}
	return ""
}

// mainWord before a text says it is the main text, even when it begins
// with a language code: `!away text main de lunes a viernes`.
const mainWord = "main"

// setVariant stores text as the lang variant in vs, or removes it when
// text is "del". It reports whether there was one to remove.
func setVariant(vs *bot.Variants, lang, text string) bool {
	if strings.EqualFold(text, "del") {
		_, had := (*vs)[lang]
		delete(*vs, lang)
		if len(*vs) == 0 {
			*vs = nil
		}
		return had
	}
	if *vs == nil {
		*vs = bot.Variants{}
	}
	(*vs)[lang] = text
	return true
}

// saveVariant validates and saves one variant of the text that field
// points to in a configuration, and answers. what names the text
// ("Away message", "Keyword answer 2"). note, when not nil, adds a line
// to the answer of a saved variant from the saved configuration.
func saveVariant(c *Call, what, lang, text string, field func(cfg *bot.Config) (*bot.Variants, error), note func(cfg *bot.Config) string) error {
	remove := strings.EqualFold(text, "del")
	if !remove {
		if err := validText(c, text); err != nil {
			return err
		}
	}
	had := false
	err := c.Update(func(cfg *bot.Config) error {
		vs, err := field(cfg)
		if err != nil {
			return err
		}
		had = setVariant(vs, lang, text)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %s variant: %w", lang, err)
	}
	name := bot.LanguageName(c.Lang(), lang)
	switch {
	case remove && !had:
		return c.Reply(c.Tf("%s: no text in %s; nothing changed.", what, name))
	case remove:
		return c.Reply(c.Tf("%s: text in %s deleted; those customers get the main text.", what, name))
	}
	msg := c.Tf("%s: text in %s saved. Customers whose number's country speaks it get it instead of the main text.", what, name)
	if note != nil {
		cfg := c.Bot.Config()
		if n := note(&cfg); n != "" {
			msg += "\n" + n
		}
	}
	return c.Reply(msg)
}

// formatVariants lists a text's variants, one a line: `  es: "Cerrado"`.
func formatVariants(c *Call, vs bot.Variants) string {
	var lines []string
	for _, lang := range bot.Languages {
		if t, ok := vs[lang]; ok {
			lines = append(lines, c.Tf("Text in %s: %s", bot.LanguageName(c.Lang(), lang), c.quote(t)))
		}
	}
	return strings.Join(lines, "\n")
}

// keywordText is `!kw text <n> <lang> <text|del>`.
func keywordText(ctx context.Context, c *Call) error {
	if len(c.Args) < 3 || !bot.IsLanguage(c.Args[1]) {
		return c.Usagef("Give the number of the answer, a language (%s) and its text.", bot.LanguageList())
	}
	cfg := c.Bot.Config()
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSuffix(c.Args[0], "."), "#"))
	if err != nil {
		return c.Usagef("%q is not a number.", bot.Clip(c.Args[0], 30))
	}
	if n < 1 || n > len(cfg.Keywords) {
		return c.Userf("There is no keyword answer %d. See !kw list.", n)
	}
	id := cfg.Keywords[n-1].ID
	what := c.Tf("Keyword answer %d", n)
	return saveVariant(c, what, c.Args[1], c.Rest(2), func(cfg *bot.Config) (*bot.Variants, error) {
		for i := range cfg.Keywords {
			if cfg.Keywords[i].ID == id {
				return &cfg.Keywords[i].Variants, nil
			}
		}
		return nil, c.Userf("That keyword answer was just changed; look at !kw list again.")
	}, nil)
}

// quickReplyText is `!qr text /shortcut <lang> <text|del>`.
func quickReplyText(ctx context.Context, c *Call) error {
	if len(c.Args) < 3 || !bot.IsLanguage(c.Args[1]) {
		return c.Usagef("Give the shortcut, a language (%s) and its text.", bot.LanguageList())
	}
	s, err := shortcutArg(c, c.Args[0])
	if err != nil {
		return err
	}
	return saveVariant(c, s, c.Args[1], c.Rest(2), func(cfg *bot.Config) (*bot.Variants, error) {
		i := findQuickReply(cfg, s)
		if i < 0 {
			return nil, notFound(c, cfg, s)
		}
		return &cfg.QuickReplies[i].Variants, nil
	}, nil)
}

// variantCodes marks a list line with the languages of its variants:
// " [es, pt]", or "" when there are none.
func variantCodes(vs bot.Variants) string {
	var codes []string
	for _, lang := range bot.Languages {
		if _, ok := vs[lang]; ok {
			codes = append(codes, lang)
		}
	}
	if len(codes) == 0 {
		return ""
	}
	return " [" + strings.Join(codes, ", ") + "]"
}
