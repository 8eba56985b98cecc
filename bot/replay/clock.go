package replay

import (
	"sync"
	"time"
)

// Clock is the virtual clock a replay runs on. It only moves when the
// transcript says so (`time`, `wait`), which makes a run deterministic.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t. The runner never moves it back; Set itself does
// not check, so the runner can report a going-back `time` line precisely.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
