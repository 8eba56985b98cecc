package commands

// Commands is the one visible list of every owner command, in the order
// !help shows them. To add a command, write a constructor in its family's
// file and add it here; there is no init() registration.
func Commands() []*Command {
	return []*Command{
		helpCommand(),
		// Kill switch.
		offCommand(),
		onCommand(),
		pauseCommand(),
		// Automatic replies.
		awayCommand(),
		greetingCommand(),
		keywordCommand(),
		quickReplyCommand(),
		// Schedule.
		tzCommand(),
		hoursCommand(),
		holidayCommand(),
		// Business details and language.
		profileCommand(),
		langCommand(),
		// Review, team, data.
		statusCommand(),
		checkCommand(),
		simulateCommand(),
		weekCommand(),
		logCommand(),
		adminCommand(),
		exportCommand(),
		importCommand(),
		forgetCommand(),
		// Shop counter and reports.
		linkCommand(),
		statsCommand(),
		digestCommand(),
	}
}
