package fakewa

import (
	"net"
	"os"
	"syscall"
	"time"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"
)

// This file is the bot being offline: outages of the server (refused
// connections), the offline-sync stanzas a login ends with, and messages
// sent long before they are delivered.

// GoOffline takes the server off the network, as an outage between the bot
// and WhatsApp would: the client's connection is dropped (after WaitQuiet,
// as DropConnection) and new connections are refused ("connection
// refused") until back is called. Stanzas for the client queue meanwhile
// and go out at the next login.
func (s *Server) GoOffline() (back func()) {
	s.WaitQuiet(time.Second)
	s.mu.Lock()
	s.offline = true
	cur := s.cur
	s.cur = nil
	s.mu.Unlock()
	if cur != nil {
		cur.close()
	}
	s.ts.CloseClientConnections() // pooled media connections too
	return s.backOnline
}

func (s *Server) backOnline() {
	s.mu.Lock()
	s.offline = false
	s.mu.Unlock()
}

// Offline reports whether the server refuses connections now.
func (s *Server) Offline() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offline
}

// refusedDial is what dialing the server gives while it is offline.
func refusedDial(network string) error {
	return &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

// offlineSyncNode is an <ib> stanza a login brackets the waiting stanzas
// with: <offline_preview count=N/> before them, <offline count=N/> after.
// whatsmeow turns them into events.OfflineSyncPreview and
// events.OfflineSyncCompleted (connectionevents.go, handleIB); its handler
// queue takes stanzas in order, so Completed comes after the messages.
func offlineSyncNode(child string, attrs waBinary.Attrs) waBinary.Node {
	return waBinary.Node{
		Tag:     "ib",
		Attrs:   waBinary.Attrs{"from": types.ServerJID},
		Content: []waBinary.Node{{Tag: child, Attrs: attrs}},
	}
}

// SendSentAt writes text to the business as Send does, stamped as sent at
// at: a message that waited at the server while the bot was offline.
func (c *Customer) SendSentAt(at time.Time, text string) string {
	c.srv.tb.Helper()
	msg := &waE2E.Message{Conversation: proto.String(text)}
	id := newMessageID()
	build := func(r retry) (waBinary.Node, error) {
		n, err := c.buildDM(c.Addressing, msg, id, r)
		if err == nil {
			n.Attrs["t"] = at.Unix()
		}
		return n, err
	}
	node, err := build(retry{})
	if err != nil {
		c.srv.tb.Fatalf("fakewa: %s sending: %v", c.pn.User, err)
	}
	c.srv.deliver(node, build)
	return id
}
