package commands

func profileCommand() *Command { return &Command{Name: "profile", Run: notYet} }
