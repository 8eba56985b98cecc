// Command frontdesk is a WhatsApp auto-reply bot for small businesses: it
// links to the business's account as a companion device and answers
// customers by the rules the owner sets from the phone.
//
//	frontdesk [run] [--db PATH|URL] [--pair-phone NUMBER] [--log-messages] [--metrics HOST:PORT]
//	frontdesk link [--db PATH|URL] [--pair-phone NUMBER]
//	frontdesk numbers [--db PATH|URL]
//	frontdesk logout [--db PATH|URL] [+NUMBER]
//	frontdesk walink [+NUMBER] [--db PATH] [--text T] [--out FILE.png]
//	frontdesk replay [-v] [--db PATH] FILE...
//	frontdesk help
//
// Every subcommand exits 0 when it did its job, 1 when it failed (for
// replay: an expectation did not hold), 2 for a wrong command line or
// scenario file, 3 when the database could not be opened, and 4 when
// another process holds it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// The exit statuses; 0 is success.
const (
	exitFailed   = 1 // the command failed; for replay, an expectation did not hold
	exitUsage    = 2 // a wrong command line, or a scenario file that cannot run
	exitDatabase = 3 // the database (--db) could not be opened
)

// command is one subcommand. run gets the arguments after the command's
// name and writes only to the writers it is given.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commandTable is the one list of subcommands, in the order help shows
// them. It is a function rather than a variable because help refers to it.
func commandTable() []command {
	return []command{
		{"run", "link to WhatsApp if needed, then answer customers until Ctrl-C (the default)", runRun},
		{"link", "link one more number (QR or pairing code) while the others keep running", runLink},
		{"numbers", "list the linked numbers and which process serves each", runNumbers},
		{"logout", "unlink a number (logout +39...) from WhatsApp and delete its session", runLogout},
		{"replay", "run scenario transcripts against a fake WhatsApp", runReplay},
		{"walink", "print the wa.me link and QR code of a business", runWalink},
		{"export", "write the configuration as JSON", runExport},
		{"import", "replace the configuration with a JSON document", runImport},
		{"help", "show this list", runHelp},
	}
}

// run dispatches args to a subcommand. No arguments, or flags first, mean
// "run"; a flag that run does not know is then most likely a mistyped
// command, so the error names the commands.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	name, implicit := "run", true
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args, implicit = args[0], args[1:], false
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		return runHelp(ctx, nil, stdout, stderr)
	}
	for _, c := range commandTable() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, args, stdout, stderr)
		var fe *flagError
		if implicit && errors.As(err, &fe) && fe.undefined != "" {
			return &exitError{code: exitUsage, err: fmt.Errorf(
				"unknown flag -%s before any command: with no command the flags are run's (above); the commands are %s",
				fe.undefined, commandNames())}
		}
		return err
	}
	printUsage(stderr)
	return &exitError{code: exitUsage, err: fmt.Errorf("unknown command %q", name)}
}

// commandNames lists the subcommands for an error message.
func commandNames() string {
	var names []string
	for _, c := range commandTable() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

func runHelp(_ context.Context, _ []string, stdout, _ io.Writer) error {
	printUsage(stdout)
	return nil
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: frontdesk [command] [flags]")
	fmt.Fprintln(w)
	for _, c := range commandTable() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "`frontdesk COMMAND -h` lists the command's flags.")
	fmt.Fprintln(w, "Exit status: 0 done, 1 failed (replay: an expectation failed), 2 wrong usage or")
	fmt.Fprintln(w, "scenario file, 3 the database could not be opened, 4 another frontdesk run holds")
	fmt.Fprintln(w, "the SQLite database.")
}

// exitCode reports err on stderr and turns it into the process's exit
// status: 0 for nil, the code an *exitError carries, else exitFailed.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "frontdesk:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailed
}
