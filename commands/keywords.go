package commands

func keywordCommand() *Command {
	return &Command{Name: "kw", Run: notYet}
}
