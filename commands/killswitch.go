package commands

func offCommand() *Command   { return &Command{Name: "off", Run: notYet} }
func onCommand() *Command    { return &Command{Name: "on", Run: notYet} }
func pauseCommand() *Command { return &Command{Name: "pause", Run: notYet} }
