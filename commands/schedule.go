package commands

func tzCommand() *Command      { return &Command{Name: "tz", Run: notYet} }
func hoursCommand() *Command   { return &Command{Name: "hours", Run: notYet} }
func holidayCommand() *Command { return &Command{Name: "holiday", Run: notYet} }
