package fakewa

import (
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the fake peers' Signal stores live in SQLite

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
)

// Linked reports the linked device's JIDs (phone number and LID, with the
// device number), or ok=false while no device is linked.
func (s *Server) Linked() (pn, lid types.JID, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.account == nil {
		return types.EmptyJID, types.EmptyJID, false
	}
	return s.account.pn, s.account.lid, true
}

// Logins is the number of successful logins so far (the first one after
// pairing included). Use WaitLogin to wait for the next one.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// WaitLogin waits until at least n logins happened, failing the test after
// timeout.
func (s *Server) WaitLogin(tb testing.TB, n int, timeout time.Duration) {
	tb.Helper()
	s.waitCount(tb, "login", n, timeout, func() int { return s.logins })
}

func (s *Server) noteActive() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actives++
	close(s.loginWaiter)
	s.loginWaiter = make(chan struct{})
}

// WaitConnected waits until the client finished its n-th login (prekeys
// checked, passive mode off: whatsmeow emits events.Connected right after),
// failing the test after timeout. Peers can send from then on.
func (s *Server) WaitConnected(tb testing.TB, n int, timeout time.Duration) {
	tb.Helper()
	s.waitCount(tb, "connection", n, timeout, func() int { return s.actives })
}

// waitCount waits until count (read under s.mu) reaches n; logins and
// connections both wake loginWaiter.
func (s *Server) waitCount(tb testing.TB, what string, n int, timeout time.Duration, count func() int) {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, ch := count(), s.loginWaiter
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			tb.Fatalf("fakewa: waited %v for %s #%d, saw %d", timeout, what, n, got)
		}
	}
}

// HoldLogin makes the next logins wait (the client stays connected but not
// logged in, as during a slow reconnect) until the returned release function
// is called. Messages sent meanwhile are queued and delivered after login.
func (s *Server) HoldLogin() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holdLogin == nil {
		s.holdLogin = make(chan struct{})
	}
	ch := s.holdLogin
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.holdLogin == ch {
				s.holdLogin = nil
			}
			s.mu.Unlock()
			close(ch)
		})
	}
}

// DropConnection closes the client's socket from the server side, as a
// network failure would: whatsmeow emits events.Disconnected and reconnects.
// Stanzas not acked yet are delivered again after the next login.
//
// It first waits (at most a second) until the client has acked what it was
// sent or has been quiet for 50 ms: whatsmeow's FrameSocket reads its
// connection without a lock while sending (framesocket.go:124) and clears
// it in Close (:82), so closing while a receipt is in flight is reported
// by the race detector. Waiting makes every send happen before the close.
func (s *Server) DropConnection() {
	s.WaitQuiet(time.Second)
	s.mu.Lock()
	cur := s.cur
	s.cur = nil
	s.mu.Unlock()
	if cur != nil {
		cur.close()
	}
}

// LogOut unlinks the device from the server side (as "Linked devices > Log
// out" on the phone does): the connected client gets the device_removed
// stream error and emits events.LoggedOut; a client that logs in later gets a
// 401 failure. Undelivered stanzas are dropped.
func (s *Server) LogOut() {
	s.WaitQuiet(time.Second)
	s.syncPoint()
	s.mu.Lock()
	cur := s.cur
	s.cur = nil
	s.pending = nil
	s.mu.Unlock()
	s.unlink()
	if cur != nil {
		_ = cur.tr.sendNode(waBinary.Node{
			Tag:   "stream:error",
			Attrs: waBinary.Attrs{"code": "401"},
			Content: []waBinary.Node{{
				Tag:   "conflict",
				Attrs: waBinary.Attrs{"type": "device_removed"},
			}},
		})
		time.Sleep(10 * time.Millisecond) // let the client read it before the close
		cur.close()
	}
}

// WaitQuiet waits until the connection has been idle in both directions
// for 30 ms with every stanza written to the client acked (or for 100 ms
// with some still unacked, as when a handler failed), or limit has passed.
// Tests call it before they disconnect or stop a client: whatsmeow has data
// races between sending and closing (FrameSocket.SendFrame vs Close) and
// between a cancelled request and its arriving response (cancelResponse vs
// receiveResponse) that the race detector reports when a close or a
// cancellation lands while a frame is in flight.
func (s *Server) WaitQuiet(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		pending := false
		for _, d := range s.deliveries {
			if d.sent > 0 && !d.acked {
				pending = true
				break
			}
		}
		s.mu.Unlock()
		idle := time.Since(time.Unix(0, max(s.lastRecv.Load(), s.lastSent.Load())))
		if idle > 100*time.Millisecond || (!pending && idle > 30*time.Millisecond) {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// syncPoint sends the logged-in client an ignorable notification and waits
// (at most a second) for its ack. whatsmeow dispatches events.Connected
// from a goroutine of its own that reads the device store, while the
// handler of a later stream error deletes it; the ack, sent from the
// handler queue under whatsmeow's socket lock, orders the two for the race
// detector.
func (s *Server) syncPoint() {
	s.mu.Lock()
	live := s.cur != nil && s.cur.loggedIn
	s.mu.Unlock()
	if !live {
		return
	}
	id := newMessageID()
	s.deliver(waBinary.Node{Tag: "notification", Attrs: waBinary.Attrs{
		"id": id, "type": "server", "from": types.ServerJID, "t": s.Now().Unix(),
	}}, nil)
	deadline := time.Now().Add(time.Second)
	for !s.Acked(id) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// unlink forgets the linked device after the client logged itself out
// (Client.Logout): later logins of it get a 401 failure.
func (s *Server) unlink() {
	s.mu.Lock()
	s.account = nil
	s.bot = botKeys{}
	s.deliveries = nil
	s.byID = make(map[string]*delivery)
	peers := s.uniquePeers()
	s.mu.Unlock()
	for _, p := range peers {
		p.resetBotSession()
	}
}
