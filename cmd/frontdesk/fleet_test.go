package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp/fakewa"
)

// Several numbers in one `frontdesk run`: each its own business. The
// fakes are one server per account (sharing the root key), and every
// client is routed to the server of its number.

const (
	phoneB = "15550002000"
	lidB   = "100000000000002"
	phoneC = "15550003000"
	lidC   = "100000000000003"
)

// ownerSays sends a command in srv's self chat and returns the answer.
func ownerSays(t *testing.T, srv *fakewa.Server, cmd string) string {
	t.Helper()
	srv.Phone().SendToSelf(cmd)
	r := srv.Phone().NextWhere(t, e2eWait, func(r fakewa.Received) bool { return r.Chat.User == srv.Owner() })
	return r.Text
}

// scrape GETs url and returns the status and body.
func scrape(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// metricValue reads one sample of the Prometheus text body: name with
// exactly the labels given (in the order the library writes them:
// sorted), or -1 when absent.
func metricValue(body, name, labels string) float64 {
	series := name
	if labels != "" {
		series += "{" + labels + "}"
	}
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return -1
	}
	return v
}

func TestSeveralNumbersOneProcess(t *testing.T) {
	srvA := fakewa.NewServer(t)
	srvB := fakewa.NewServerFor(t, phoneB, lidB)
	srvC := fakewa.NewServerFor(t, phoneC, lidC)
	path := filepath.Join(t.TempDir(), "frontdesk.db")
	stdout, stderr := &porttest.Output{}, &porttest.Output{}
	qrs := make(chan string, 8)
	addrs := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- runBot(ctx, runConfig{DBPath: path, Stdout: stdout, Stderr: stderr, Poll: 100 * time.Millisecond,
			Metrics: "127.0.0.1:0", OnMetrics: func(a string) { addrs <- a },
			ConfigureClient: fakewa.RouteByNumber(srvA, srvA, srvB, srvC), OnQR: func(c string) { qrs <- c }})
	}()
	defer func() {
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", tail(stdout.String()), tail(stderr.String()))
		}
	}()
	var metricsAddr string
	select {
	case metricsAddr = <-addrs:
	case <-time.After(e2eWait):
		t.Fatal("no metrics endpoint")
	}
	// The first number links as on a fresh machine.
	select {
	case code := <-qrs:
		if err := srvA.Phone().Scan(code); err != nil {
			t.Fatal(err)
		}
	case <-time.After(e2eWait):
		t.Fatal("no QR code")
	}
	srvA.WaitConnected(t, 1, e2eWait)

	// Two more numbers are linked by `frontdesk link` while the run goes on.
	// B's phone sends its history right after linking: Olga, a customer of
	// before, is known from then on (whichever process got the history).
	olga := srvB.NewCustomer("Olga")
	for _, srv := range []*fakewa.Server{srvB, srvC} {
		var out bytes.Buffer
		lq := make(chan string, 4)
		linked := make(chan error, 1)
		go func() {
			linked <- linkNumber(ctx, linkConfig{DSN: path, Stdout: &out, Stderr: io.Discard,
				ConfigureClient: fakewa.RouteByNumber(srv, srv), OnQR: func(c string) { lq <- c }})
		}()
		select {
		case code := <-lq:
			if err := srv.Phone().Scan(code); err != nil {
				t.Fatal(err)
			}
		case <-time.After(e2eWait):
			t.Fatal("link showed no QR code")
		}
		if srv == srvB {
			srv.WaitConnected(t, 1, e2eWait)
			srv.Phone().SyncHistory(olga)
		}
		if err := <-linked; err != nil {
			t.Fatalf("link: %v", err)
		}
		if !strings.Contains(out.String(), "Linked +"+srv.Owner()) {
			t.Fatalf("link said %q", out.String())
		}
		// The run finds the new number and serves it.
		deadline := time.Now().Add(e2eWait)
		for {
			_, body := scrape(t, "http://"+metricsAddr+"/metrics")
			if metricValue(body, "frontdesk_connected", `number="+`+srv.Owner()+`"`) == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("+%s not served within %v:\n%s", srv.Owner(), e2eWait, body)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// Each owner configures their own business.
	for _, c := range []struct {
		srv  *fakewa.Server
		cmds []string
	}{
		{srvA, []string{"!greeting text Welcome to A, {name}!", "!greeting on"}},
		{srvB, []string{"!greeting text Welcome to B, {name}!", "!greeting on", "!kw add price = B prices"}},
		{srvC, []string{"!greeting text Welcome to C!", "!greeting on"}},
	} {
		for _, cmd := range c.cmds {
			if got := ownerSays(t, c.srv, cmd); got == "" || strings.HasPrefix(got, "Usage") {
				t.Fatalf("+%s %s answered %q", c.srv.Owner(), cmd, got)
			}
		}
	}
	// A's kill switch stops A only.
	if got := ownerSays(t, srvA, "!off"); got == "" {
		t.Fatal("!off unanswered")
	}
	if got := ownerSays(t, srvB, "!status"); !strings.Contains(got, "Kill switch: off") {
		t.Fatalf("B's !status after A's !off: %q", got)
	}
	// Customers with the same name (and the same customer numbers: each
	// fake numbers its customers from the same start) at each business.
	ca, cb, cc := srvA.NewCustomer("Ann"), srvB.NewCustomer("Ann"), srvC.NewCustomer("Ann")
	if ca.PN() != cb.PN() {
		t.Logf("customer numbers differ across fakes (%s, %s): isolation is still checked by texts", ca.PN(), cb.PN())
	}
	ca.Send("hello")
	cb.Send("hello, what's the price?")
	cc.Send("hello")
	if got := cb.Next(t, e2eWait); got.Text != "Welcome to B, Ann!\n\nB prices" && got.Text != "Welcome to B, Ann!" {
		t.Errorf("B's customer got %q", got.Text)
	}
	if got := cc.Next(t, e2eWait); got.Text != "Welcome to C!" {
		t.Errorf("C's customer got %q", got.Text)
	}
	ca.ExpectNothing(t, 300*time.Millisecond) // A is off
	olga.Send("hello")
	olga.ExpectNothing(t, 500*time.Millisecond) // known from B's history: no greeting

	// Metrics: per number, scraped.
	code, body := scrape(t, "http://"+metricsAddr+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []struct {
		name, labels string
		min          float64
	}{
		{"frontdesk_connected", `number="+` + fakewa.OwnerPhone + `"`, 1},
		{"frontdesk_connected", `number="+` + phoneB + `"`, 1},
		{"frontdesk_connected", `number="+` + phoneC + `"`, 1},
		{"frontdesk_kill_switch", `number="+` + fakewa.OwnerPhone + `"`, 1},
		{"frontdesk_messages_received_total", `number="+` + phoneB + `"`, 4}, // 3 commands, 1 customer
		{"frontdesk_automatic_messages_sent_total", `number="+` + phoneC + `",rule="greeting"`, 1},
		{"frontdesk_outbox_depth", `number="+` + phoneB + `"`, 0},
	} {
		if v := metricValue(body, want.name, want.labels); v < want.min {
			t.Errorf("%s{%s} = %v, want at least %v", want.name, want.labels, v, want.min)
		}
	}
	if v := metricValue(body, "frontdesk_kill_switch", `number="+`+phoneB+`"`); v != 0 {
		t.Errorf("B's kill switch metric = %v", v)
	}
	if v := metricValue(body, "frontdesk_automatic_messages_sent_total", `number="+`+fakewa.OwnerPhone+`",rule="greeting"`); v > 0 {
		t.Errorf("A sent %v greetings while off", v)
	}
	if strings.Contains(body, "hello") || strings.Contains(body, "Welcome") {
		t.Error("a message text is in the metrics")
	}
	if code, body := scrape(t, "http://"+metricsAddr+"/health"); code != 200 || !strings.HasPrefix(body, "ready (3 numbers)") {
		t.Errorf("/health = %d %q", code, body)
	}

	// `frontdesk numbers` lists the three.
	var list bytes.Buffer
	if err := runNumbers(ctx, []string{"--db", path}, &list, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fakewa.OwnerPhone, phoneB, phoneC} {
		if !strings.Contains(list.String(), "+"+p) {
			t.Errorf("numbers lacks +%s:\n%s", p, list.String())
		}
	}
	if !strings.Contains(list.String(), "served by process") {
		t.Errorf("numbers does not say who serves them:\n%s", list.String())
	}

	// `frontdesk export` needs the number with several linked, and gives
	// that business's configuration only.
	var exp bytes.Buffer
	if err := runExport(ctx, []string{"--db", path}, &exp, io.Discard); err == nil || !strings.Contains(err.Error(), "3 numbers are linked") {
		t.Errorf("export without --number: %v", err)
	}
	if err := runExport(ctx, []string{"--db", path, "--number", "+" + phoneB}, &exp, io.Discard); err != nil {
		t.Fatalf("export --number B: %v", err)
	}
	if !strings.Contains(exp.String(), "Welcome to B") || strings.Contains(exp.String(), "Welcome to A") || strings.Contains(exp.String(), "Welcome to C") {
		t.Errorf("B's export:\n%s", exp.String())
	}

	// `frontdesk logout +B` while the run serves it: B goes, A and C stay.
	srvB.WaitQuiet(time.Second)
	var lo bytes.Buffer
	if err := logout(ctx, logoutConfig{DBPath: path, Number: "+" + phoneB, Stdout: &lo, Stderr: io.Discard,
		Timeout: 5 * time.Second, ConfigureClient: fakewa.RouteByNumber(nil, srvB)}); err != nil {
		t.Fatalf("logout +B: %v", err)
	}
	if !strings.Contains(lo.String(), "Logged out") {
		t.Fatalf("logout said %q", lo.String())
	}
	deadline := time.Now().Add(e2eWait)
	for {
		_, body := scrape(t, "http://"+metricsAddr+"/metrics")
		if metricValue(body, "frontdesk_numbers_held", "") == 2 && !strings.Contains(body, `number="+`+phoneB+`"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B still held after logout:\n%s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := scrape(t, "http://"+metricsAddr+"/health"); code != 200 {
		t.Errorf("/health after logout of B = %d %q", code, body)
	}
	cc2 := srvC.NewCustomer("Carl")
	cc2.Send("hi")
	if got := cc2.Next(t, e2eWait); got.Text != "Welcome to C!" {
		t.Errorf("C after B's logout: %q", got.Text)
	}
	if got := ownerSays(t, srvA, "!on"); got == "" {
		t.Fatal("!on unanswered")
	}
	ca2 := srvA.NewCustomer("Alba")
	ca2.Send("hi")
	if got := ca2.Next(t, e2eWait); got.Text != "Welcome to A, Alba!" {
		t.Errorf("A after !on: %q", got.Text)
	}

	// C is logged out from its phone: it goes, A stays, no QR code is shown.
	srvC.LogOut()
	deadline = time.Now().Add(e2eWait)
	for !strings.Contains(stdout.String(), "+"+phoneC+": This number is not linked any more") {
		if time.Now().After(deadline) {
			t.Fatal("C's logout from the phone not said")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, body := scrape(t, "http://"+metricsAddr+"/health"); code != 200 || body != "ready (1 numbers)\n" {
		t.Errorf("/health after C's logout = %d %q", code, body)
	}
	// Its lease was given up, not lost: nothing says otherwise.
	if strings.Contains(stdout.String(), "no longer hold") {
		t.Errorf("a logout said the lease was lost:\n%s", stdout.String())
	}
	select {
	case <-qrs:
		t.Error("a QR code was shown while a number is still served")
	default:
	}
	ca3 := srvA.NewCustomer("Aldo")
	ca3.Send("hi")
	if got := ca3.Next(t, e2eWait); got.Text != "Welcome to A, Aldo!" {
		t.Errorf("A after C's logout: %q", got.Text)
	}

	srvA.WaitQuiet(time.Second)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("runBot: %v", err)
		}
	case <-time.After(e2eWait):
		t.Fatal("runBot did not stop")
	}
	if strings.Contains(stdout.String()+stderr.String(), "what's the price") {
		t.Error("a message text in the output without --log-messages")
	}
}
