package main

import (
	"errors"
	"fmt"

	"frontdesk/storage"
)

// exitInUse is the exit status when another frontdesk holds the database:
// 1 is a failed command, 2 a usage error, 3 is kept for a database that
// cannot be opened.
const exitInUse = 4

// claimDatabase takes the single-instance lock of the database at path for
// the subcommand name, before anything connects. Another process holding it
// is an exitInUse error naming that process.
func claimDatabase(name, path string) (*storage.InstanceLock, error) {
	l, err := storage.Lock(path)
	var held *storage.HeldError
	if errors.As(err, &held) {
		return nil, &exitError{code: exitInUse, err: fmt.Errorf("%s: %w; stop it first", name, err)}
	}
	if err != nil {
		// The lock file cannot even be made: the database's place is
		// unusable, as opening it would find.
		return nil, databaseError(name, err)
	}
	return l, nil
}
