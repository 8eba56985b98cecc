package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"

	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp/fakewa"

	"frontdesk/storage"
)

// porttest.Output is a bytes.Buffer safe for the bot's goroutines.

// refusing routes whatsmeow to a port nobody listens on.
func refusing(t *testing.T) func(*whatsmeow.Client) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	h := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}}
	return func(c *whatsmeow.Client) { c.SetPreLoginHTTPClient(h); c.SetWebsocketHTTPClient(h) }
}

// hanging routes whatsmeow into a network that never answers.
func hanging(*testing.T) func(*whatsmeow.Client) {
	h := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}}
	return func(c *whatsmeow.Client) { c.SetPreLoginHTTPClient(h); c.SetWebsocketHTTPClient(h) }
}

// TestCtrlCWhileOffline: without network, run says so in one line and
// keeps retrying; cancelling (Ctrl-C) returns nil within 2 seconds.
func TestCtrlCWhileOffline(t *testing.T) {
	cases := []struct {
		name   string
		route  func(*testing.T) func(*whatsmeow.Client)
		linked bool
		says   string
	}{
		{"linked, connection refused", refusing, true, "No connection to WhatsApp (dial tcp"},
		{"linked, network silent", hanging, true, ""},
		{"not linked, connection refused", refusing, false, "No connection to WhatsApp (dial tcp"},
		{"not linked, network silent", hanging, false, "not linked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "frontdesk.db")
			if tc.linked {
				path = linkedDB(t, "15550001111")
			}
			stdout, stderr := &porttest.Output{}, &porttest.Output{}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- runBot(ctx, runConfig{DBPath: path, Stdout: stdout, Stderr: stderr, ConfigureClient: tc.route(t)})
			}()
			deadline := time.Now().Add(5 * time.Second)
			for tc.says != "" && !strings.Contains(stdout.String(), tc.says) {
				if time.Now().After(deadline) {
					t.Fatalf("never said %q; stdout %q stderr %q", tc.says, stdout.String(), stderr.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond)
			start := time.Now()
			cancel()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("runBot did not return within 5 s of Ctrl-C")
			}
			took := time.Since(start)
			t.Logf("Ctrl-C to return: %s", took)
			if err != nil {
				t.Fatalf("runBot = %v; stderr %s", err, stderr.String())
			}
			if took > 2*time.Second {
				t.Fatalf("Ctrl-C took %s", took)
			}
			out := stdout.String() + stderr.String()
			if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
				t.Fatalf("stack trace in output: %s", out)
			}
			if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("database file: %v, %v", st.Mode(), err)
			}
		})
	}
}

func TestDispatch(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"help"}, 0, "logout", ""},
		{"--help", []string{"--help"}, 0, "replay", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", "unknown command \"frobnicate\""},
		{"run with a stray argument", []string{"run", "extra"}, 2, "", "unexpected argument"},
		{"run with an unknown flag", []string{"run", "--nope"}, 2, "", "flag provided but not defined"},
		{"flags alone mean run", []string{"--nope"}, 2, "", "usage: frontdesk run"},
		{"run with a bad pairing number", []string{"run", "--pair-phone", "12"}, 2, "", "not a phone number"},
		{"run -h", []string{"run", "-h"}, 0, "", "--pair-phone"},
		{"logout without a database", []string{"logout", "--db", missing}, 1, "", "no database at"},
		{"logout with a stray argument", []string{"logout", "x"}, 2, "", "unexpected argument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			code := exitCode(err, &stderr)
			if code != tc.code || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Fatalf("code %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)",
					code, tc.code, stdout.String(), tc.stdout, stderr.String(), tc.stderr)
			}
		})
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("logout created a database: %v", err)
	}
}

func TestLogout(t *testing.T) {
	t.Run("not linked", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "frontdesk.db")
		db, err := storage.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		var out bytes.Buffer
		if err := logout(context.Background(), logoutConfig{DBPath: path, Stdout: &out, Stderr: &out, Timeout: time.Second}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "not linked") {
			t.Fatalf("output %q", out.String())
		}
	})
	for _, route := range []struct {
		name string
		fn   func(*testing.T) func(*whatsmeow.Client)
	}{{"offline, refused", refusing}, {"offline, silent", hanging}} {
		t.Run(route.name, func(t *testing.T) {
			path := linkedDB(t, "15550001111")
			var out porttest.Output
			start := time.Now()
			err := logout(context.Background(), logoutConfig{DBPath: path, Stdout: &out, Stderr: &out,
				Timeout: 500 * time.Millisecond, ConfigureClient: route.fn(t)})
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "local session was deleted") || !strings.Contains(out.String(), "Linked devices") {
				t.Fatalf("output %q", out.String())
			}
			if took > 3*time.Second {
				t.Fatalf("offline logout took %s", took)
			}
			// The session is gone: a second logout has nothing to do.
			var again bytes.Buffer
			if err := logout(context.Background(), logoutConfig{DBPath: path, Stdout: &again, Stderr: &again, Timeout: time.Second}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(again.String(), "not linked") {
				t.Fatalf("after logout: %q", again.String())
			}
		})
	}
}

// TestRunLinksAnswersAndRelinks runs the production path against the fake
// WhatsApp server: link by QR code, the owner's "!status" in the self chat
// gets an answer there, a logout from the phone is said on the terminal and
// a new QR code is offered, and Ctrl-C then exits cleanly.
func TestRunLinksAnswersAndRelinks(t *testing.T) {
	srv := fakewa.NewServer(t)
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	stdout, stderr := &porttest.Output{}, &porttest.Output{}
	qrs := make(chan string, 32)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- runBot(ctx, runConfig{DBPath: path, Stdout: stdout, Stderr: stderr,
			ConfigureClient: srv.Configure, OnQR: func(c string) { qrs <- c }})
	}()
	nextQR := func() string {
		t.Helper()
		select {
		case c := <-qrs:
			return c
		case err := <-done:
			t.Fatalf("runBot returned %v; stdout ends %q stderr ends %q", err, tail(stdout.String()), tail(stderr.String()))
		case <-time.After(5 * time.Second):
			t.Fatalf("no QR code; stdout ends %q", tail(stdout.String()))
		}
		return ""
	}
	if err := srv.Phone().Scan(nextQR()); err != nil {
		t.Fatal(err)
	}
	srv.WaitConnected(t, 1, 5*time.Second)
	if !strings.Contains(stdout.String(), "Linked as +"+fakewa.OwnerPhone) {
		t.Fatalf("stdout ends %q", tail(stdout.String()))
	}

	srv.Phone().SendToSelf("!status")
	reply := srv.Phone().Next(t, 5*time.Second)
	if reply.Chat.User != fakewa.OwnerPhone || reply.Text == "" {
		t.Fatalf("answer to !status: %+v", reply)
	}

	srv.LogOut()
	for len(qrs) > 0 {
		<-qrs
	}
	nextQR() // a new QR code is offered after the logout
	if !strings.Contains(stdout.String(), "logged this device out") {
		t.Fatalf("logout not said; stdout ends %q", tail(stdout.String()))
	}

	// Closing a live socket trips a data race inside whatsmeow (its
	// FrameSocket.closed flag) that the race detector reports; let the
	// server drop the connection first, so Ctrl-C lands while linking
	// waits to retry.
	srv.DropConnection()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stdout.String(), "closed while linking") {
		if time.Now().After(deadline) {
			t.Fatalf("dropped connection while linking not said; stdout ends %q", tail(stdout.String()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("runBot = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("runBot did not stop")
	}
	t.Logf("Ctrl-C while waiting to retry linking: %s", time.Since(start))
	if strings.Contains(stdout.String()+stderr.String(), "!status") {
		t.Fatalf("message text in output without --log-messages: %s", stderr.String())
	}
}

// tail keeps failure messages readable (QR codes are long).
func tail(s string) string {
	if len(s) > 600 {
		return "..." + s[len(s)-600:]
	}
	return s
}

// TestLogoutThroughWhatsApp: with WhatsApp reachable, logout tells the
// server (the phone drops the device) and deletes the local session.
func TestLogoutThroughWhatsApp(t *testing.T) {
	srv := fakewa.NewServer(t)
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	stdout := &porttest.Output{}
	qrs := make(chan string, 8)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runBot(ctx, runConfig{DBPath: path, Stdout: stdout, ConfigureClient: srv.Configure,
			OnQR: func(c string) { qrs <- c }})
	}()
	select {
	case code := <-qrs:
		if err := srv.Phone().Scan(code); err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no QR code")
	}
	srv.WaitConnected(t, 1, 5*time.Second)
	srv.WaitQuiet(time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	var out porttest.Output
	if err := logout(context.Background(), logoutConfig{DBPath: path, Stdout: &out, Stderr: &out,
		Timeout: 5 * time.Second, ConfigureClient: srv.Configure}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Logged out: WhatsApp unlinked this device from +"+fakewa.OwnerPhone) {
		t.Fatalf("output %q", tail(out.String()))
	}
	if _, _, linked := srv.Linked(); linked {
		t.Fatal("the server still lists the device")
	}
	var again porttest.Output
	if err := logout(context.Background(), logoutConfig{DBPath: path, Stdout: &again, Stderr: &again, Timeout: time.Second}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again.String(), "not linked") {
		t.Fatalf("after logout: %q", again.String())
	}
}
