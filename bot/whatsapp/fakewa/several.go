package fakewa

import (
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/util/keys"
)

// Several accounts. A Server fakes WhatsApp for one account (one business
// number, its phone and its customers). A test of several numbers in one
// bot process starts one Server per number with NewServerFor: all servers
// of a process sign their certificates with the same root key, so
// whatsmeow.WACertPubKey (process-wide) fits every one of them, and each
// client is routed to the server of its own number (RouteByNumber, or
// ConfigureRemoteByNumber in another process).

var (
	rootMu    sync.Mutex
	rootKey   *keys.KeyPair // the process's root while any server runs
	rootUsers int
)

// holdRoot returns the process's root key pair, creating it for the first
// server, and installs it in whatsmeow.WACertPubKey.
func holdRoot() *keys.KeyPair {
	rootMu.Lock()
	defer rootMu.Unlock()
	if rootUsers == 0 {
		rootKey = keys.NewKeyPair()
	}
	rootUsers++
	certKeyMu.Lock()
	whatsmeow.WACertPubKey = *rootKey.Pub
	certKeyMu.Unlock()
	return rootKey
}

// releaseRoot puts the real WhatsApp key back once the last server closed.
func releaseRoot() {
	rootMu.Lock()
	defer rootMu.Unlock()
	rootUsers--
	if rootUsers > 0 {
		return
	}
	rootKey = nil
	certKeyMu.Lock()
	whatsmeow.WACertPubKey = realCertKey
	certKeyMu.Unlock()
}

// NewServerFor is NewServer for the account with phone number phone and
// hidden id lid (digits only). Servers of one test must have distinct
// numbers.
func NewServerFor(tb testing.TB, phone, lid string) *Server {
	tb.Helper()
	return newServer(tb, phone, lid)
}

// Owner is the account's phone number (digits, without +).
func (s *Server) Owner() string { return s.ownerPhone }

// RouteByNumber returns a ConfigureClient function for a bot serving
// several numbers in this process: a client of a linked device goes to the
// server of its number; a client not linked yet goes to linking (nil: to
// none, which a test of a running fleet wants).
func RouteByNumber(linking *Server, servers ...*Server) func(*whatsmeow.Client) {
	byNumber := make(map[string]*Server, len(servers))
	for _, s := range servers {
		byNumber[s.ownerPhone] = s
	}
	return func(cli *whatsmeow.Client) {
		s := linking
		if id := cli.Store.ID; id != nil {
			s = byNumber[id.User]
		}
		if s != nil {
			s.Configure(cli)
		}
	}
}

// RemoteFleet describes servers for ConfigureRemoteByNumber in another
// process: "phone=host:port,phone=host:port/hex root key".
func RemoteFleet(servers ...*Server) string {
	var parts []string
	var root [32]byte
	for _, s := range servers {
		parts = append(parts, s.ownerPhone+"="+s.Addr())
		root = s.root
	}
	return strings.Join(parts, ",") + "/" + hex.EncodeToString(root[:])
}

// ConfigureRemoteByNumber is ConfigureRemote for several servers (a
// RemoteFleet string): it installs their common root key and returns the
// function that routes each linked client to the server of its number.
// A client of a number not listed (or not linked) is left unrouted: its
// connections fail, as they would for an unknown account.
func ConfigureRemoteByNumber(remote string) (func(*whatsmeow.Client), error) {
	list, keyHex, ok := strings.Cut(remote, "/")
	root, err := hex.DecodeString(keyHex)
	if !ok || list == "" || err != nil || len(root) != 32 {
		return nil, fmt.Errorf("fakewa: remote fleet %q is not phone=host:port,.../hex root key", remote)
	}
	addrs := make(map[string]string)
	for _, p := range strings.Split(list, ",") {
		phone, addr, ok := strings.Cut(p, "=")
		if !ok || phone == "" || addr == "" {
			return nil, fmt.Errorf("fakewa: remote fleet entry %q is not phone=host:port", p)
		}
		addrs[phone] = addr
	}
	certKeyMu.Lock()
	whatsmeow.WACertPubKey = [32]byte(root)
	certKeyMu.Unlock()
	return func(cli *whatsmeow.Client) {
		var id types.JID
		if cli.Store.ID != nil {
			id = *cli.Store.ID
		}
		addr, ok := addrs[id.User]
		if !ok {
			return
		}
		cli.SetPreLoginHTTPClient(httpClientTo(addr))
		cli.SetWebsocketHTTPClient(httpClientTo(addr))
		cli.SetMediaHTTPClient(httpClientTo(addr))
	}, nil
}
