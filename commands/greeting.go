package commands

import "frontdesk/bot"

// greetingKind is the greeting for new or long-silent customers: the same
// command shape as the away message (see away.go), with its own `when`
// values and an `after` in days.
var greetingKind = messageKind{
	name:      "greeting",
	noun:      bot.N("@label|greeting"),
	textSaved: bot.N("Greeting text saved."),
	help:      bot.N("The message new customers (or ones silent for a while) get first."),
	example:   "!greeting text Welcome to {business}! Type /menu for quick answers.",
	whens:     []string{bot.WhenAlways, bot.WhenOpen, bot.WhenClosed},
	afterMin:  bot.MinGreetAfter, afterMax: bot.MaxGreetAfter,
	afterUnit: bot.N("days"),
	fields: func(cfg *bot.Config) messageFields {
		g := &cfg.Greeting
		return messageFields{&g.On, &g.Text, &g.When, &g.AfterDays, &g.Shifts, &g.Variants}
	},
}

func greetingCommand() *Command { return messageCommand(greetingKind) }
