package fakewa

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strings"

	"go.mau.fi/whatsmeow"
)

// Remote clients: a whatsmeow.Client in another process (a child process a
// test started and may kill) reaches the fake through Server.Remote and
// ConfigureRemote. The fake's TLS certificate is not verified (as with
// Configure), so the address and the root key of the Noise certificate
// chain are all the other process needs.

// Addr is the fake's listening address (host:port on the loopback).
func (s *Server) Addr() string { return s.ts.Listener.Addr().String() }

// RootKey is the public key the fake's Noise certificate chain is signed
// with: what whatsmeow.WACertPubKey must hold for a client to accept it.
func (s *Server) RootKey() [32]byte { return s.root }

// Remote describes how to reach this server from another process, for
// ConfigureRemote: "host:port/hex root key".
func (s *Server) Remote() string {
	return s.Addr() + "/" + hex.EncodeToString(s.root[:])
}

// ConfigureRemote is Server.Configure for a process other than the
// server's: it installs the fake's root key in whatsmeow.WACertPubKey (for
// the whole process, for good) and returns the function that routes a
// client's websocket, login and media connections to the fake at the
// address remote names (a Server.Remote string).
func ConfigureRemote(remote string) (func(*whatsmeow.Client), error) {
	addr, keyHex, ok := strings.Cut(remote, "/")
	root, err := hex.DecodeString(keyHex)
	if !ok || addr == "" || err != nil || len(root) != 32 {
		return nil, fmt.Errorf("fakewa: remote %q is not host:port/hex root key", remote)
	}
	certKeyMu.Lock()
	whatsmeow.WACertPubKey = [32]byte(root)
	certKeyMu.Unlock()
	return func(cli *whatsmeow.Client) {
		cli.SetPreLoginHTTPClient(httpClientTo(addr))
		cli.SetWebsocketHTTPClient(httpClientTo(addr))
		cli.SetMediaHTTPClient(httpClientTo(addr))
	}, nil
}

// httpClientTo returns a client whose connections all go to addr, whatever
// host the URL names (TLS verification is skipped for the fake).
func httpClientTo(addr string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // test fake
	}}
}
