package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet is a subcommand's flag set; usage is its one-line synopsis.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package prints a parse error itself, before the usage.
	// parseFlags returns the error instead, so main prints it once, after
	// the usage, like every other error; only the usage goes out here.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: "+usage)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, allowing flags after operands too, and returns
// the operands. help is true when -h asked for the usage, which is printed
// already: the subcommand then ends with exit status 0. A bad flag is an
// exit-2 error wrapping a *flagError; its usage is printed already.
func parseFlags(fs *flag.FlagSet, args []string) (operands []string, help bool, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, true, nil
			}
			return nil, false, &exitError{code: exitUsage, err: newFlagError(fs.Name(), err)}
		}
		args = fs.Args()
		if len(args) == 0 {
			return operands, false, nil
		}
		operands = append(operands, args[0])
		args = args[1:]
	}
}

// flagError is a flag the subcommand could not parse.
type flagError struct {
	command string
	// undefined is the name of a flag the subcommand does not have
	// (without dashes), or "" for another mistake (a missing or bad value).
	undefined string
	err       error
}

// undefinedPrefix starts the flag package's error for a flag a set does
// not define; the package has no sentinel error for it.
const undefinedPrefix = "flag provided but not defined: -"

func newFlagError(command string, err error) *flagError {
	fe := &flagError{command: command, err: err}
	if name, ok := strings.CutPrefix(err.Error(), undefinedPrefix); ok {
		fe.undefined = name
	}
	return fe
}

func (e *flagError) Error() string { return e.command + ": " + e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// usageError prints the usage and returns an exit-2 error naming what is
// wrong.
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fs.Usage()
	return &exitError{code: exitUsage, err: fmt.Errorf(fs.Name()+": "+format, args...)}
}
