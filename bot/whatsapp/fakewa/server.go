package fakewa

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	_ "github.com/mattn/go-sqlite3" // the fake peers' Signal stores live in SQLite
	"go.mau.fi/libsignal/ecc"
	"google.golang.org/protobuf/proto"

	"go.mau.fi/whatsmeow"
	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waCert"
	"go.mau.fi/whatsmeow/proto/waWa6"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/util/keys"
)

// Default identities of the fake account (the business owner's phone).
const (
	OwnerPhone = "15550001000"
	OwnerLID   = "100000000000001"
)

// Server is an in-process fake of the WhatsApp multi-device server. One
// whatsmeow.Client at a time talks to it; see the package documentation.
type Server struct {
	tb     testing.TB
	ts     *httptest.Server
	ctx    context.Context
	cancel context.CancelFunc
	certs  []byte // marshalled waCert.CertChain for the server's static key
	static *keys.KeyPair
	root   [32]byte // public root key the certificate chain is signed with
	peerDB *sqlstore.Container

	// Now gives the timestamp ("t") of stanzas the fake sends. Tests may
	// replace it before sending anything.
	Now func() time.Time

	mu          sync.Mutex
	cur         *conn // connection of the logged-in (or pairing) client
	account     *account
	pending     *account // set between pair-success and the client's signature
	nextDevice  uint16
	bot         botKeys
	deliveries  []*delivery
	byID        map[string]*delivery
	acks        []Ack
	sent        []Outgoing
	peers       map[string]*peer // by PN user and by LID user
	phone       *Phone
	logins      int
	actives     int           // <passive><active/> IQs: the client is about to emit Connected
	loginWaiter chan struct{} // closed and replaced at every login and active IQ
	holdLogin   chan struct{} // non-nil: logins wait until it is closed
	offline     bool          // connections are refused (GoOffline)
	customerSeq int
	media       map[string][]byte // encrypted uploads by direct path
	lastRecv    atomic.Int64      // unix nanoseconds of the last frame from a client
	lastSent    atomic.Int64      // unix nanoseconds of the last frame to a client
	conns       sync.WaitGroup
}

// account is the linked device as the server knows it after pairing.
type account struct {
	pn, lid   types.JID // with the device number
	noisePub  [32]byte
	identity  [32]byte
	advSecret []byte
}

// botKeys is what the linked device uploaded: what peers need to start a
// Signal session with it.
type botKeys struct {
	uploaded       bool
	registrationID uint32
	identity       [32]byte
	signedID       uint32
	signedPub      [32]byte
	signedSig      [64]byte
	preKeys        []oneTimeKey
}

type oneTimeKey struct {
	id  uint32
	pub [32]byte
}

// delivery is one stanza the server owes the client until it is acked.
type delivery struct {
	id    string
	node  waBinary.Node
	sent  int
	acked bool
	// rebuild re-encrypts the same message with the same id, as the
	// sender does for a retry receipt; nil for stanzas that cannot be.
	rebuild func(retry) (waBinary.Node, error)
}

// Ack is an acknowledgement the client sent for a stanza: a <receipt>
// (delivery, read, retry...) or an <ack> (e.g. a nack with Error set).
type Ack struct {
	Class string // "receipt" or "ack"
	ID    string
	Type  string // receipt type ("" for a plain delivery receipt) or acked class
	Error int
}

// Outgoing is one message stanza the client sent.
type Outgoing struct {
	ID   string
	To   types.JID
	Edit string
	Node *waBinary.Node
}

var certKeyMu sync.Mutex

// NewServer starts a fake WhatsApp server for the duration of the test.
//
// It replaces whatsmeow.WACertPubKey (a process-wide variable) with the fake's
// root key and restores it on cleanup, so tests using fake servers must not
// run in parallel with each other or with anything using the real server.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		tb:          tb,
		ctx:         ctx,
		cancel:      cancel,
		Now:         time.Now,
		nextDevice:  11,
		byID:        make(map[string]*delivery),
		peers:       make(map[string]*peer),
		media:       make(map[string][]byte),
		loginWaiter: make(chan struct{}),
	}
	if err := s.makeCerts(); err != nil {
		tb.Fatalf("fakewa: %v", err)
	}

	dbPath := filepath.Join(tb.TempDir(), "fakewa-peers.db")
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?_foreign_keys=on&_busy_timeout=5000&_journal_mode=WAL")
	if err != nil {
		tb.Fatalf("fakewa: open peer db: %v", err)
	}
	s.peerDB = sqlstore.NewWithDB(db, "sqlite3", nil)
	if err := s.peerDB.Upgrade(ctx); err != nil {
		tb.Fatalf("fakewa: upgrade peer db: %v", err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/ws/chat", s.serveWS)
	mux.HandleFunc("/mms/", s.serveUpload)
	s.ts = httptest.NewUnstartedServer(mux)
	s.ts.StartTLS()

	phonePeer, err := s.newPeer("", types.NewJID(OwnerPhone, types.DefaultUserServer), types.NewJID(OwnerLID, types.HiddenUserServer))
	if err != nil {
		tb.Fatalf("fakewa: %v", err)
	}
	s.phone = &Phone{peer: phonePeer}

	tb.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.mu.Lock()
	cur := s.cur
	s.cur = nil
	if s.holdLogin != nil {
		close(s.holdLogin)
		s.holdLogin = nil
	}
	s.mu.Unlock()
	if cur != nil {
		cur.close()
	}
	s.cancel()
	s.ts.CloseClientConnections()
	s.ts.Close()
	s.conns.Wait()
	_ = s.peerDB.Close()
	certKeyMu.Lock()
	whatsmeow.WACertPubKey = realCertKey
	certKeyMu.Unlock()
}

var realCertKey = whatsmeow.WACertPubKey

// makeCerts creates a root key (installed as whatsmeow.WACertPubKey), an
// intermediate and the server's static Noise key, signed as handshake.go's
// verifyServerCert expects.
func (s *Server) makeCerts() error {
	root := keys.NewKeyPair()
	intermediate := keys.NewKeyPair()
	s.static = keys.NewKeyPair()
	sign := func(kp *keys.KeyPair, msg []byte) []byte {
		sig := ecc.CalculateSignature(ecc.NewDjbECPrivateKey(*kp.Priv), msg)
		return sig[:]
	}
	intDetails, err := proto.Marshal(&waCert.CertChain_NoiseCertificate_Details{
		Serial:       proto.Uint32(1),
		IssuerSerial: proto.Uint32(whatsmeow.WACertIssuerSerial),
		Key:          intermediate.Pub[:],
	})
	if err != nil {
		return fmt.Errorf("marshal intermediate cert: %w", err)
	}
	leafDetails, err := proto.Marshal(&waCert.CertChain_NoiseCertificate_Details{
		Serial:       proto.Uint32(2),
		IssuerSerial: proto.Uint32(1),
		Key:          s.static.Pub[:],
	})
	if err != nil {
		return fmt.Errorf("marshal leaf cert: %w", err)
	}
	s.certs, err = proto.Marshal(&waCert.CertChain{
		Intermediate: &waCert.CertChain_NoiseCertificate{Details: intDetails, Signature: sign(root, intDetails)},
		Leaf:         &waCert.CertChain_NoiseCertificate{Details: leafDetails, Signature: sign(intermediate, leafDetails)},
	})
	if err != nil {
		return fmt.Errorf("marshal cert chain: %w", err)
	}
	s.root = *root.Pub
	certKeyMu.Lock()
	whatsmeow.WACertPubKey = *root.Pub
	certKeyMu.Unlock()
	return nil
}

// HTTPClient returns a client whose connections all go to the fake server,
// whatever host the URL names (TLS verification is skipped for the fake).
func (s *Server) HTTPClient() *http.Client {
	addr := s.ts.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			if s.Offline() {
				return nil, refusedDial(network)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // test fake
	}}
}

// Configure routes cli's websocket connections (before and after login)
// and its media uploads to the fake server. Call it before cli.Connect.
func (s *Server) Configure(cli *whatsmeow.Client) {
	cli.SetPreLoginHTTPClient(s.HTTPClient())
	cli.SetWebsocketHTTPClient(s.HTTPClient())
	cli.SetMediaHTTPClient(s.HTTPClient())
}

// Phone is the owner's phone: the primary device of the account.
func (s *Server) Phone() *Phone { return s.phone }

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
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, ch := s.logins, s.loginWaiter
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			tb.Fatalf("fakewa: waited %v for login #%d, saw %d", timeout, n, got)
		}
	}
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
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, ch := s.actives, s.loginWaiter
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			tb.Fatalf("fakewa: waited %v for connection #%d, saw %d", timeout, n, got)
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

func (s *Server) debugf(format string, args ...any) {
	if os.Getenv("FAKEWA_DEBUG") != "" {
		s.tb.Logf("fakewa: "+format, args...)
	}
}

func newMessageID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "3EB0" + strings.ToUpper(hex.EncodeToString(b))
}

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
		old.close()
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
			isPhone := wire.User == OwnerPhone || wire.User == OwnerLID
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
