//go:build !unix

package storage

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("lock held")

// tryLock does nothing where flock(2) does not exist: the single-instance
// guard is not available there.
func tryLock(*os.File) error { return nil }
