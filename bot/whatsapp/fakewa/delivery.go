package fakewa

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the fake peers' Signal stores live in SQLite

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
)

// Acks returns every receipt and ack the client sent, in order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// Acked reports whether the client acknowledged the stanza with this id.
func (s *Server) Acked(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.byID[id]
	return d != nil && d.acked
}

// DeliveryCount is how many times the stanza with this id was written to a
// client socket.
func (s *Server) DeliveryCount(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.byID[id]; d != nil {
		return d.sent
	}
	return 0
}

// Sent returns the message stanzas the client sent, in order.
func (s *Server) Sent() []Outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Outgoing(nil), s.sent...)
}

// Redeliver sends the stanza with this id again, byte for byte, as the real
// server does when the client did not ack it (e.g. it crashed after handling
// the message but before the receipt went out). It is marked unacked again.
func (s *Server) Redeliver(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.byID[id]
	if d == nil {
		return fmt.Errorf("fakewa: no stanza with id %q", id)
	}
	d.acked = false
	s.sendLocked(d)
	return nil
}

// deliver queues a stanza for the client and sends it now if a client is
// logged in.
func (s *Server) deliver(node waBinary.Node, rebuild func(retry) (waBinary.Node, error)) {
	id, _ := node.Attrs["id"].(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &delivery{id: id, node: node, rebuild: rebuild}
	s.deliveries = append(s.deliveries, d)
	s.byID[id] = d
	s.sendLocked(d)
}

func (s *Server) sendLocked(d *delivery) {
	if s.cur == nil || !s.cur.loggedIn {
		return
	}
	if err := s.cur.tr.sendNode(d.node); err != nil {
		s.debugf("deliver %s: %v", d.id, err)
		return
	}
	d.sent++
}

func newMessageID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "3EB0" + strings.ToUpper(hex.EncodeToString(b))
}

func (s *Server) handleAck(node *waBinary.Node) {
	ag := node.AttrGetter()
	a := Ack{Class: node.Tag, ID: ag.OptionalString("id"), Type: ag.OptionalString("type"), Error: ag.OptionalInt("error")}
	if node.Tag == "ack" && a.Type == "" {
		a.Type = ag.OptionalString("class")
	}
	s.mu.Lock()
	s.acks = append(s.acks, a)
	if d := s.byID[a.ID]; d != nil && a.Type != "retry" && a.Error == 0 {
		d.acked = true
	}
	s.mu.Unlock()
	if node.Tag == "receipt" && a.Type == "retry" {
		s.handleRetry(node)
	}
}

// handleOutgoing takes a message stanza from the client: each <to> is
// decrypted by the peer it is for, then the server acks the stanza (so when
// SendMessage returns, the peers already have it).
func (s *Server) handleOutgoing(c *conn, node *waBinary.Node) {
	ag := node.AttrGetter()
	id := ag.OptionalString("id")
	to, _ := node.Attrs["to"].(types.JID)
	out := Outgoing{ID: id, To: to, Edit: ag.OptionalString("edit"), Node: node}
	acc, err := s.linkedAccount()
	if err == nil && ag.OptionalString("category") != "peer" {
		participants := node.GetChildByTag("participants")
		got := make(map[*peer]bool)
		for _, t := range participants.GetChildrenByTag("to") {
			wire, _ := t.Attrs["jid"].(types.JID)
			enc, ok := t.GetOptionalChildByTag("enc")
			if !ok {
				continue
			}
			isPhone := wire.User == s.ownerPhone || wire.User == s.ownerLID
			if isPhone && wire.Device != 0 {
				continue
			}
			p := s.peerFor(wire)
			if p == nil {
				s.debugf("message %s to unknown device %s", id, wire)
				continue
			}
			if err := p.receiveFromBot(acc, wire, id, enc, isPhone, got[p]); err != nil {
				s.tb.Errorf("fakewa: %v", err)
			}
			got[p] = true
		}
	}
	s.mu.Lock()
	s.sent = append(s.sent, out)
	s.mu.Unlock()
	attrs := waBinary.Attrs{"class": "message", "id": id, "t": s.Now().Unix()}
	if !to.IsEmpty() {
		attrs["from"] = to
	}
	if err := c.tr.sendNode(waBinary.Node{Tag: "ack", Attrs: attrs}); err != nil {
		s.debugf("ack message %s: %v", id, err)
	}
}

// handleRetry answers a retry receipt (the client could not decrypt a
// stanza) as the sender's phone would: the same message, same id, encrypted
// again, with a new session from the keys in the receipt when it has them.
func (s *Server) handleRetry(node *waBinary.Node) {
	id := node.AttrGetter().OptionalString("id")
	s.mu.Lock()
	d := s.byID[id]
	s.mu.Unlock()
	if d == nil || d.rebuild == nil {
		s.debugf("retry receipt for %s: cannot resend", id)
		return
	}
	retryNode := node.GetChildByTag("retry")
	r := retry{count: retryNode.AttrGetter().OptionalInt("count")}
	if keys, ok := node.GetOptionalChildByTag("keys"); ok {
		acc, err := s.linkedAccount()
		if err != nil {
			return
		}
		reg := bytesOf(node.GetChildByTag("registration"))
		if len(reg) != 4 {
			s.debugf("retry receipt for %s: bad registration", id)
			return
		}
		bundleNode := waBinary.Node{Tag: "user", Content: append(keys.GetChildren(), waBinary.Node{Tag: "registration", Content: reg})}
		if r.bundle, err = parseBundle(uint32(acc.pn.Device), bundleNode); err != nil {
			s.debugf("retry receipt for %s: %v", id, err)
			return
		}
	}
	fresh, err := d.rebuild(r)
	if err != nil {
		s.debugf("retry receipt for %s: rebuild: %v", id, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d.node = fresh
	d.acked = false
	s.sendLocked(d)
}

// Resend makes the sender of the stanza with this id encrypt the same
// message again and send it with the same id, as a phone does when asked
// to retry. Unlike Redeliver, the client can decrypt it again, so its
// handler sees the same message id twice.
func (s *Server) Resend(id string) error {
	s.mu.Lock()
	d := s.byID[id]
	s.mu.Unlock()
	if d == nil || d.rebuild == nil {
		return fmt.Errorf("fakewa: no resendable message with id %q", id)
	}
	fresh, err := d.rebuild(retry{count: 1})
	if err != nil {
		return fmt.Errorf("fakewa: resend %s: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d.node = fresh
	d.acked = false
	s.sendLocked(d)
	return nil
}
