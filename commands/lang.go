package commands

func langCommand() *Command { return &Command{Name: "lang", Run: notYet} }
