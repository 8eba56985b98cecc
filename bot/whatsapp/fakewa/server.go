package fakewa

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the fake peers' Signal stores live in SQLite
	"go.mau.fi/libsignal/ecc"
	"google.golang.org/protobuf/proto"

	"go.mau.fi/whatsmeow"
	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waCert"
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
	// ownerPhone and ownerLID are the account's identities (OwnerPhone and
	// OwnerLID unless NewServerFor chose others).
	ownerPhone, ownerLID string

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
	return newServer(tb, OwnerPhone, OwnerLID)
}

func newServer(tb testing.TB, ownerPhone, ownerLID string) *Server {
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
		ownerPhone:  ownerPhone,
		ownerLID:    ownerLID,
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
	mux.HandleFunc("/v/", s.serveDownload)
	s.ts = httptest.NewUnstartedServer(mux)
	s.ts.StartTLS()

	phonePeer, err := s.newPeer("", types.NewJID(ownerPhone, types.DefaultUserServer), types.NewJID(ownerLID, types.HiddenUserServer))
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
	releaseRoot()
}

var realCertKey = whatsmeow.WACertPubKey

// makeCerts creates a root key (installed as whatsmeow.WACertPubKey), an
// intermediate and the server's static Noise key, signed as handshake.go's
// verifyServerCert expects.
func (s *Server) makeCerts() error {
	root := holdRoot()
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

func (s *Server) debugf(format string, args ...any) {
	if os.Getenv("FAKEWA_DEBUG") != "" {
		s.tb.Logf("fakewa: "+format, args...)
	}
}
