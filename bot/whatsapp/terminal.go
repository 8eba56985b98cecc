package whatsapp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// say writes one line for the person at the terminal and logs it.
func (a *Adapter) say(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	a.out.println(line)
	a.log.Info(line)
}

// lineWriter serialises writes of whole lines to the terminal.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) println(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.w, s)
}

func (l *lineWriter) write(f func(w io.Writer)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(l.w)
}

// shortErr keeps the part of a network error a person can act on
// ("dial tcp: lookup web.whatsapp.com: no such host") instead of the whole
// chain of wrappers.
func shortErr(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Error()
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Error()
	}
	return err.Error()
}
