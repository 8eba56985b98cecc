package commands

func awayCommand() *Command {
	return &Command{Name: "away", Run: notYet}
}
