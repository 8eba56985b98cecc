// Command frontdesk is a WhatsApp auto-reply bot for small businesses: it
// links to the business's account as a companion device and answers
// customers by the rules the owner sets from the phone.
//
//	frontdesk [run] [--db PATH] [--pair-phone NUMBER] [--log-messages]
//	frontdesk logout [--db PATH]
//	frontdesk replay [-v] [--db PATH] FILE...
//	frontdesk help
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
		{"logout", "unlink this device from WhatsApp and delete the session", runLogout},
		{"replay", "run scenario transcripts against a fake WhatsApp", runReplay},
		{"link", "print the wa.me link and QR code of the business", runLink},
		{"export", "write the configuration as JSON", runExport},
		{"import", "replace the configuration with a JSON document", runImport},
		{"help", "show this list", runHelp},
	}
}

// run dispatches args to a subcommand; no subcommand (or only flags) means
// "run".
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	name := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		return runHelp(ctx, nil, stdout, stderr)
	}
	for _, c := range commandTable() {
		if c.name == name {
			return c.run(ctx, args, stdout, stderr)
		}
	}
	printUsage(stderr)
	return &exitError{code: 2, err: fmt.Errorf("unknown command %q", name)}
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
}

// exitCode reports err on stderr and turns it into the process's exit
// status: 0 for nil, the code an *exitError carries, else 1.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "frontdesk:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
