package commands

import (
	"context"
	"fmt"
	"strings"

	"frontdesk/bot"
)

func langCommand() *Command {
	return &Command{
		Name:    "lang",
		Aliases: []string{"lingua", "language"},
		Usage:   "!lang en|it",
		Help:    "Language of the bot's answers to you and of {next_open}.",
		Example: "!lang it",
		Run:     runLang,
	}
}

func runLang(ctx context.Context, c *Call) error {
	if len(c.Args) == 0 {
		return c.Reply(c.T("Language: English. Switch with !lang it."))
	}
	if len(c.Args) != 1 {
		return c.Usagef("Give one language: en or it.")
	}
	var lang string
	switch strings.ToLower(c.Args[0]) {
	case "en", "english", "inglese":
		lang = "en"
	case "it", "italian", "italiano":
		lang = "it"
	default:
		return c.Usagef("%q is not a supported language: en or it.", bot.Clip(c.Args[0], 20))
	}
	err := c.Update(func(cfg *bot.Config) error {
		cfg.Lang = lang
		return nil
	})
	if err != nil {
		return fmt.Errorf("save language: %w", err)
	}
	c.SetLang(lang)
	return c.Reply(c.T("Language set to English."))
}
