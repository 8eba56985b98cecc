package fakewa

import (
	"encoding/binary"
	"errors"

	_ "github.com/mattn/go-sqlite3" // the fake peers' Signal stores live in SQLite

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
)

func resultIQ(req *waBinary.Node, content ...waBinary.Node) waBinary.Node {
	n := waBinary.Node{
		Tag: "iq",
		Attrs: waBinary.Attrs{
			"id":   req.Attrs["id"],
			"type": "result",
			"from": types.ServerJID,
		},
	}
	if len(content) > 0 {
		n.Content = content
	}
	return n
}

func (s *Server) handleIQ(c *conn, node *waBinary.Node) {
	ag := node.AttrGetter()
	typ := ag.OptionalString("type")
	if typ == "result" || typ == "error" {
		if _, ok := node.GetOptionalChildByTag("pair-device-sign"); ok {
			s.finishPairing(c, node)
		}
		return
	}
	var reply waBinary.Node
	switch ag.OptionalString("xmlns") {
	case "encrypt":
		reply = s.handleEncryptIQ(node)
	case "usync":
		reply = s.handleUsync(node)
	case "w:m":
		reply = mediaConnIQ(node)
	case "md":
		reply = resultIQ(node)
		if _, ok := node.GetOptionalChildByTag("remove-companion-device"); ok {
			defer s.unlink()
		}
	case "passive":
		reply = resultIQ(node)
		if _, ok := node.GetOptionalChildByTag("active"); ok {
			defer s.noteActive()
		}
	default:
		reply = resultIQ(node)
	}
	if err := c.tr.sendNode(reply); err != nil {
		s.debugf("reply iq: %v", err)
	}
}

func (s *Server) handleEncryptIQ(node *waBinary.Node) waBinary.Node {
	if _, ok := node.GetOptionalChildByTag("count"); ok {
		s.mu.Lock()
		n := len(s.bot.preKeys)
		s.mu.Unlock()
		// Never say 0: a fresh device then uploads 50 prekeys instead of
		// 812, which keeps linking under 0.1 s.
		n = max(n, 1)
		return resultIQ(node, waBinary.Node{Tag: "count", Attrs: waBinary.Attrs{"value": n}})
	}
	if _, ok := node.GetOptionalChildByTag("registration"); ok {
		if err := s.storeUpload(node); err != nil {
			s.debugf("prekey upload: %v", err)
		}
		return resultIQ(node)
	}
	if keyNode, ok := node.GetOptionalChildByTag("key"); ok {
		var users []waBinary.Node
		for _, u := range keyNode.GetChildrenByTag("user") {
			jid, _ := u.Attrs["jid"].(types.JID)
			users = append(users, s.bundleNode(jid))
		}
		return resultIQ(node, waBinary.Node{Tag: "list", Content: users})
	}
	return resultIQ(node)
}

func bytesOf(n waBinary.Node) []byte {
	b, _ := n.Content.([]byte)
	return b
}

func keyID(b []byte) uint32 {
	if len(b) != 3 {
		return 0
	}
	return binary.BigEndian.Uint32(append([]byte{0}, b...))
}

func (s *Server) storeUpload(node *waBinary.Node) error {
	reg := bytesOf(node.GetChildByTag("registration"))
	ident := bytesOf(node.GetChildByTag("identity"))
	skey := node.GetChildByTag("skey")
	skPub := bytesOf(skey.GetChildByTag("value"))
	skSig := bytesOf(skey.GetChildByTag("signature"))
	if len(reg) != 4 || len(ident) != 32 || len(skPub) != 32 || len(skSig) != 64 {
		return errors.New("malformed prekey upload")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bot.uploaded = true
	s.bot.registrationID = binary.BigEndian.Uint32(reg)
	s.bot.identity = [32]byte(ident)
	s.bot.signedID = keyID(bytesOf(skey.GetChildByTag("id")))
	s.bot.signedPub = [32]byte(skPub)
	s.bot.signedSig = [64]byte(skSig)
	list := node.GetChildByTag("list")
	for _, k := range list.GetChildren() {
		pub := bytesOf(k.GetChildByTag("value"))
		if len(pub) != 32 {
			continue
		}
		s.bot.preKeys = append(s.bot.preKeys, oneTimeKey{id: keyID(bytesOf(k.GetChildByTag("id"))), pub: [32]byte(pub)})
	}
	return nil
}

func (s *Server) handleUsync(node *waBinary.Node) waBinary.Node {
	usync := node.GetChildByTag("usync")
	query := usync.GetChildByTag("query")
	_, wantLID := query.GetOptionalChildByTag("lid")
	var users []waBinary.Node
	list := usync.GetChildByTag("list")
	for _, u := range list.GetChildrenByTag("user") {
		jid, ok := u.Attrs["jid"].(types.JID)
		if !ok {
			continue
		}
		var devices []waBinary.Node
		for _, id := range s.devicesOf(jid) {
			devices = append(devices, waBinary.Node{Tag: "device", Attrs: waBinary.Attrs{"id": int(id)}})
		}
		content := []waBinary.Node{{
			Tag: "devices",
			Content: []waBinary.Node{{
				Tag:     "device-list",
				Content: devices,
			}},
		}}
		if lid := s.lidOf(jid); wantLID && !lid.IsEmpty() {
			// The user-info query (GetUserInfo) asks for the LID of a
			// phone number.
			content = append(content, waBinary.Node{Tag: "lid", Attrs: waBinary.Attrs{"val": lid}})
		}
		users = append(users, waBinary.Node{Tag: "user", Attrs: waBinary.Attrs{"jid": jid}, Content: content})
	}
	return resultIQ(node, waBinary.Node{
		Tag:   "usync",
		Attrs: waBinary.Attrs{"sid": usync.AttrGetter().OptionalString("sid"), "mode": "query", "last": "true", "index": "0"},
		Content: []waBinary.Node{{
			Tag:     "list",
			Content: users,
		}},
	})
}

// devicesOf lists the device numbers of a user: 0 for a known peer or the
// own account (the phone; the asking linked device is left out, as
// GetUserDevices documents), none for strangers.
func (s *Server) devicesOf(jid types.JID) []uint16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.account != nil && (jid.User == s.account.pn.User || jid.User == s.account.lid.User) {
		return []uint16{0}
	}
	if _, ok := s.peers[jid.User]; ok {
		return []uint16{0}
	}
	return nil
}

// lidOf is the LID of a phone-number JID of a peer or the own account
// (empty for strangers and for LIDs).
func (s *Server) lidOf(jid types.JID) types.JID {
	if jid.Server != types.DefaultUserServer {
		return types.EmptyJID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.account != nil && jid.User == s.account.pn.User {
		return s.account.lid.ToNonAD()
	}
	if p, ok := s.peers[jid.User]; ok {
		return p.lid
	}
	return types.EmptyJID
}

func (s *Server) peerFor(jid types.JID) *peer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peers[jid.User]
}

func (s *Server) uniquePeers() []*peer {
	seen := make(map[*peer]bool)
	var out []*peer
	for _, p := range s.peers {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// bundleNode answers a prekey fetch for one device of a peer.
func (s *Server) bundleNode(jid types.JID) waBinary.Node {
	p := s.peerFor(jid)
	if p == nil || jid.Device != 0 {
		return waBinary.Node{Tag: "user", Attrs: waBinary.Attrs{"jid": jid}, Content: []waBinary.Node{{
			Tag: "error", Attrs: waBinary.Attrs{"code": "404", "text": "item-not-found"},
		}}}
	}
	content, err := p.bundleContent()
	if err != nil {
		s.debugf("bundle for %s: %v", jid, err)
		return waBinary.Node{Tag: "user", Attrs: waBinary.Attrs{"jid": jid}, Content: []waBinary.Node{{
			Tag: "error", Attrs: waBinary.Attrs{"code": "500", "text": "internal-error"},
		}}}
	}
	return waBinary.Node{Tag: "user", Attrs: waBinary.Attrs{"jid": jid}, Content: content}
}
