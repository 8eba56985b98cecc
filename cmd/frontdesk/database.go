package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"frontdesk/storage"
)

// openDatabase opens the database at path for command. Whatever stops it
// (a directory or file without permission, a file that is not a
// database) ends the command with exitDatabase, told apart from a command
// that ran and failed.
func openDatabase(ctx context.Context, command, path string) (*storage.DB, error) {
	db, err := storage.Open(ctx, path)
	if err != nil {
		return nil, databaseError(command, err)
	}
	return db, nil
}

// existingDatabase checks that path exists before a command that reads a
// database opens it: opening would create a missing one, which only hides
// a wrong --db. A missing file is the command's failure (hint says what to
// do); one that cannot even be looked at is a database error.
func existingDatabase(command, path, hint string) error {
	if storage.IsPostgres(path) {
		return nil // opening a PostgreSQL database creates no file
	}
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no database at %s (%s): %w", command, path, hint, err)
	default:
		return databaseError(command, err)
	}
}

// databaseError is err as an exitDatabase error; command, when not "",
// starts its message.
func databaseError(command string, err error) error {
	err = fmt.Errorf("could not open the database: %w", err)
	if command != "" {
		err = fmt.Errorf("%s: %w", command, err)
	}
	return &exitError{code: exitDatabase, err: err}
}
