package commands

func quickReplyCommand() *Command {
	return &Command{Name: "qr", Run: notYet}
}
