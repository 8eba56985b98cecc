package fakewa

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
	_ "github.com/mattn/go-sqlite3" // the fake peers' Signal stores live in SQLite
	"google.golang.org/protobuf/proto"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waWa6"
	"go.mau.fi/whatsmeow/util/keys"
)

// conn is one websocket connection from a client.
type conn struct {
	srv      *Server
	ws       *websocket.Conn
	tr       *transport
	loggedIn bool            // guarded by srv.mu
	refs     []waBinary.Node // QR references while pairing; guarded by srv.mu
	closeOne sync.Once

	clientStatic [32]byte // the client's Noise static key (its NoiseKey)
}

func (c *conn) close() {
	c.closeOne.Do(func() { _ = c.ws.CloseNow() })
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if s.Offline() { // dialed just before the outage began
		http.Error(w, "offline", http.StatusServiceUnavailable)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		s.debugf("websocket accept: %v", err)
		return
	}
	ws.SetReadLimit(1 << 24)
	s.conns.Add(1)
	defer s.conns.Done()
	c := &conn{srv: s, ws: ws}
	defer c.close()
	payload, err := c.handshake()
	if err != nil {
		s.debugf("handshake: %v", err)
		return
	}
	if payload.GetUsername() == 0 {
		err = s.startPairing(c)
	} else {
		err = s.login(c, payload)
	}
	if errors.Is(err, errRefusedLogin) {
		// Leave the socket to the client: whatsmeow marks the disconnect
		// as expected while it handles the <failure> (no auto-reconnect),
		// but a close from our side can overtake that handler, and the
		// reconnect it then starts reads the device id while the failure
		// handler deletes it (a data race, and a pointless redial).
		s.debugf("session start: %v", err)
		for {
			if _, err := c.tr.readNode(); err != nil {
				return
			}
		}
	}
	if err != nil {
		s.debugf("session start: %v", err)
		return
	}
	for {
		node, err := c.tr.readNode()
		if err != nil {
			s.debugf("read: %v", err)
			s.mu.Lock()
			if s.cur == c {
				s.cur = nil
			}
			s.mu.Unlock()
			return
		}
		s.debugf("recv %s", node.XMLString())
		s.lastRecv.Store(time.Now().UnixNano())
		s.handleNode(c, node)
	}
}

func (c *conn) handshake() (*waWa6.ClientPayload, error) {
	fc := &frameConn{ws: c.ws, ctx: c.srv.ctx}
	first, err := fc.readFrame()
	if err != nil {
		return nil, fmt.Errorf("read client hello: %w", err)
	}
	ns, err := newNoiseState(fc.header)
	if err != nil {
		return nil, err
	}
	var hello waWa6.HandshakeMessage
	if err := proto.Unmarshal(first, &hello); err != nil {
		return nil, fmt.Errorf("parse client hello: %w", err)
	}
	clientEph := hello.GetClientHello().GetEphemeral()
	if len(clientEph) != 32 {
		return nil, errors.New("client hello without ephemeral key")
	}
	clientEphArr := (*[32]byte)(clientEph)
	ns.authenticate(clientEph)

	eph := keys.NewKeyPair()
	ns.authenticate(eph.Pub[:])
	if err := ns.mixDH(eph.Priv, clientEphArr); err != nil {
		return nil, err
	}
	staticCT := ns.encrypt(c.srv.static.Pub[:])
	if err := ns.mixDH(c.srv.static.Priv, clientEphArr); err != nil {
		return nil, err
	}
	certCT := ns.encrypt(c.srv.certs)
	resp, err := proto.Marshal(&waWa6.HandshakeMessage{ServerHello: &waWa6.HandshakeMessage_ServerHello{
		Ephemeral: eph.Pub[:],
		Static:    staticCT,
		Payload:   certCT,
	}})
	if err != nil {
		return nil, fmt.Errorf("marshal server hello: %w", err)
	}
	if err := fc.writeFrame(resp); err != nil {
		return nil, fmt.Errorf("send server hello: %w", err)
	}

	finishFrame, err := fc.readFrame()
	if err != nil {
		return nil, fmt.Errorf("read client finish: %w", err)
	}
	var finish waWa6.HandshakeMessage
	if err := proto.Unmarshal(finishFrame, &finish); err != nil {
		return nil, fmt.Errorf("parse client finish: %w", err)
	}
	clientStatic, err := ns.decrypt(finish.GetClientFinish().GetStatic())
	if err != nil {
		return nil, fmt.Errorf("client static: %w", err)
	}
	if len(clientStatic) != 32 {
		return nil, errors.New("client static key is not 32 bytes")
	}
	if err := ns.mixDH(eph.Priv, (*[32]byte)(clientStatic)); err != nil {
		return nil, err
	}
	payloadBytes, err := ns.decrypt(finish.GetClientFinish().GetPayload())
	if err != nil {
		return nil, fmt.Errorf("client payload: %w", err)
	}
	var payload waWa6.ClientPayload
	if err := proto.Unmarshal(payloadBytes, &payload); err != nil {
		return nil, fmt.Errorf("parse client payload: %w", err)
	}
	read, write, err := ns.finish()
	if err != nil {
		return nil, err
	}
	c.tr = &transport{fc: fc, readKey: read, writeKey: write, lastSent: &c.srv.lastSent}
	c.clientStatic = *(*[32]byte)(clientStatic)
	return &payload, nil
}

// errRefusedLogin is login's answer to a device the server does not know:
// the <failure reason=401> went out.
var errRefusedLogin = errors.New("unknown device, sent 401 failure")

// login answers a returning device: <success> when the server knows it,
// <failure reason=401> (logged out) otherwise. Then queued stanzas go out.
func (s *Server) login(c *conn, payload *waWa6.ClientPayload) error {
	s.mu.Lock()
	hold := s.holdLogin
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	acc := s.account
	if acc == nil || payload.GetUsername() != acc.pn.UserInt() || payload.GetDevice() != uint32(acc.pn.Device) || c.clientStatic != acc.noisePub {
		if err := c.tr.sendNode(waBinary.Node{
			Tag:   "failure",
			Attrs: waBinary.Attrs{"reason": "401", "location": "fake"},
		}); err != nil {
			return fmt.Errorf("send 401 failure: %w", err)
		}
		return errRefusedLogin
	}
	if old := s.cur; old != nil && old != c {
		// As the real server does: the older connection of the device
		// gets <conflict type="replaced"/> (events.StreamReplaced; no
		// reconnect), then is closed.
		go func() {
			_ = old.tr.sendNode(waBinary.Node{
				Tag:     "stream:error",
				Content: []waBinary.Node{{Tag: "conflict", Attrs: waBinary.Attrs{"type": "replaced"}}},
			})
			time.Sleep(10 * time.Millisecond)
			old.close()
		}()
	}
	s.cur = c
	c.loggedIn = true
	if err := c.tr.sendNode(waBinary.Node{
		Tag: "success",
		Attrs: waBinary.Attrs{
			"t":        s.Now().Unix(),
			"lid":      acc.lid,
			"location": "fake",
			"props":    "1",
		},
	}); err != nil {
		return fmt.Errorf("send success: %w", err)
	}
	s.logins++
	close(s.loginWaiter)
	s.loginWaiter = make(chan struct{})
	waiting := 0
	for _, d := range s.deliveries {
		if !d.acked {
			waiting++
		}
	}
	if err := c.tr.sendNode(offlineSyncNode("offline_preview", waBinary.Attrs{"count": waiting, "message": waiting})); err != nil {
		return fmt.Errorf("send offline preview: %w", err)
	}
	for _, d := range s.deliveries {
		if !d.acked {
			s.sendLocked(d)
		}
	}
	if err := c.tr.sendNode(offlineSyncNode("offline", waBinary.Attrs{"count": waiting})); err != nil {
		return fmt.Errorf("send offline sync end: %w", err)
	}
	return nil
}

func (s *Server) handleNode(c *conn, node *waBinary.Node) {
	switch node.Tag {
	case "iq":
		s.handleIQ(c, node)
	case "receipt", "ack":
		s.handleAck(node)
	case "message":
		s.handleOutgoing(c, node)
	default:
		// presence, chatstate, ib...: nothing to answer
	}
}
