package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// newFlagSet is a subcommand's flag set; usage is its one-line synopsis.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: "+usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, allowing flags after operands too, and returns
// the operands. help is true when -h asked for the usage, which is printed
// already: the subcommand then ends with exit status 0. A bad flag is an
// exit-2 error.
func parseFlags(fs *flag.FlagSet, args []string) (operands []string, help bool, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, true, nil
			}
			return nil, false, &exitError{code: 2, err: err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return operands, false, nil
		}
		operands = append(operands, args[0])
		args = args[1:]
	}
}

// usageError prints the usage and returns an exit-2 error naming what is
// wrong.
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fs.Usage()
	return &exitError{code: 2, err: fmt.Errorf(fs.Name()+": "+format, args...)}
}
