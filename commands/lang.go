package commands

import (
	"context"
	"fmt"

	"frontdesk/bot"
)

func langCommand() *Command {
	return &Command{
		Name:    "lang",
		Aliases: []string{"lingua", "language", "idioma", "sprache", "langue"},
		Usage:   "!lang en|it|es|pt|de|fr",
		Help:    "Language of the bot's answers to you and of {next_open} in the main texts.",
		Example: "!lang es",
		Run:     runLang,
	}
}

func runLang(ctx context.Context, c *Call) error {
	if len(c.Args) == 0 {
		return c.Reply(c.Tf("Language: %s. Switch with !lang %s.", bot.LanguageName(c.Lang(), c.Lang()), "en|it|es|pt|de|fr"))
	}
	lang, ok := bot.ParseLanguage(c.Rest(0))
	if !ok {
		return c.Usagef("%q is not a supported language: %s.", bot.Clip(c.Rest(0), 20), bot.LanguageList())
	}
	err := c.Update(func(cfg *bot.Config) error {
		cfg.Lang = lang
		return nil
	})
	if err != nil {
		return fmt.Errorf("save language: %w", err)
	}
	c.SetLang(lang)
	return c.Reply(c.Tf("Language set to %s.", bot.LanguageName(lang, lang)))
}
