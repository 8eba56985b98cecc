package fakewa

import (
	"crypto/rand"
	"encoding/base64"

	_ "github.com/mattn/go-sqlite3" // the fake peers' Signal stores live in SQLite

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
)

// startPairing sends the pair-device request with QR references to a new
// (not yet linked) client.
func (s *Server) startPairing(c *conn) error {
	refs := make([]waBinary.Node, 6)
	for i := range refs {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		refs[i] = waBinary.Node{Tag: "ref", Content: []byte("2@" + base64.StdEncoding.EncodeToString(b))}
	}
	s.mu.Lock()
	if old := s.cur; old != nil && old != c {
		old.close()
	}
	s.cur = c
	c.refs = refs
	s.mu.Unlock()
	return c.tr.sendNode(waBinary.Node{
		Tag:     "iq",
		Attrs:   waBinary.Attrs{"id": newMessageID(), "type": "set", "from": types.ServerJID, "xmlns": "md"},
		Content: []waBinary.Node{{Tag: "pair-device", Content: refs}},
	})
}

// finishPairing handles the client's signed device identity: the device is
// now linked, and stream error 515 makes the client reconnect and log in.
func (s *Server) finishPairing(c *conn, node *waBinary.Node) {
	s.mu.Lock()
	acc := s.pending
	s.pending = nil
	var peers []*peer
	if acc != nil {
		s.account = acc
		s.bot = botKeys{}
		peers = s.uniquePeers()
	}
	s.mu.Unlock()
	if acc == nil {
		return
	}
	for _, p := range peers {
		p.resetBotSession()
	}
	if err := c.tr.sendNode(waBinary.Node{Tag: "stream:error", Attrs: waBinary.Attrs{"code": "515"}}); err != nil {
		s.debugf("send 515: %v", err)
	}
}
