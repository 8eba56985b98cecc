package storage

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// InstanceLock is the claim of one process on a database: only one
// frontdesk may use a database file at a time (two on one WhatsApp session
// disconnect each other over and over and corrupt its Signal sessions).
// It is an exclusive flock(2) on a lock file beside the database, which the
// kernel releases when the process ends in any way, so a killed process
// never blocks the next start.
type InstanceLock struct {
	f *os.File
}

// HeldError is returned by Lock when another process holds the database.
type HeldError struct {
	Path string // the lock file
	PID  int    // 0 when the holder has not written it yet
	Host string
}

func (e *HeldError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = "process " + strconv.Itoa(e.PID)
		if e.Host != "" {
			who += " on " + e.Host
		}
	}
	return fmt.Sprintf("the database is in use by %s (lock %s): only one frontdesk may use a database at a time", who, e.Path)
}

// LockPath is the lock file of the database at path.
func LockPath(path string) string { return path + ".lock" }

// Lock claims the database at path for this process, or fails at once
// with a *HeldError naming the process that has it. The lock file is
// created with mode 0600 and holds the holder's pid and host name.
func Lock(path string) (*InstanceLock, error) {
	if path == "" {
		return nil, errors.New("lock database: no path given")
	}
	lp := LockPath(path)
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("lock database: %w", err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, holder(lp)
		}
		return nil, fmt.Errorf("lock database %s: %w", lp, err)
	}
	host, _ := os.Hostname()
	if err := writeHolder(f, os.Getpid(), host); err != nil {
		f.Close() // closing the file releases the lock
		return nil, fmt.Errorf("lock database %s: %w", lp, err)
	}
	return &InstanceLock{f: f}, nil
}

// Release gives the database up. Calling it again does nothing.
func (l *InstanceLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // releases the flock
	l.f = nil
	return err
}

func writeHolder(f *os.File, pid int, host string) error {
	if err := f.Chmod(fileMode); err != nil {
		return fmt.Errorf("restrict lock file mode: %w", err)
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(fmt.Sprintf("%d %s\n", pid, host)), 0)
	return err
}

// holder reads who holds the lock file at path.
func holder(path string) *HeldError {
	e := &HeldError{Path: path}
	b, err := os.ReadFile(path)
	if err != nil {
		return e
	}
	fields := strings.Fields(string(b))
	if len(fields) > 0 {
		e.PID, _ = strconv.Atoi(fields[0])
	}
	if len(fields) > 1 {
		e.Host = fields[1]
	}
	return e
}
