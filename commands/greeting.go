package commands

func greetingCommand() *Command {
	return &Command{Name: "greeting", Run: notYet}
}
