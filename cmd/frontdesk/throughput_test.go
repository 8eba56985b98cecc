package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage"
)

// The end-to-end throughput benchmark: customers of the fake WhatsApp
// server write, each waiting for the answer before writing again, and the
// time from a customer's send to the answer decrypted on the customer's
// phone is measured, for three clients interleaved round by round:
//
//   - plain: whatsmeow alone, answering every message with a text (one
//     sender goroutine, as frontdesk's outbox has one);
//   - options: the same with the options the adapter sets
//     (SynchronousAck, EnableDecryptedEventBuffer);
//   - frontdesk: runBot's wiring (adapter, bot, commands, storage), with a
//     quick reply the customers ask for, so every message gets an answer.
//
// frontdesk paces automatic messages to 20 a minute by design; the
// benchmark lifts the pace limit (runConfig.unpaced, which no flag sets)
// to measure what the rest of the path costs. The fake server's own work
// (encrypting the customers' messages, decrypting the answers) is part of
// every variant's time.

const (
	benchEnv     = "FRONTDESK_BENCH"
	benchAnswer  = "We are open Monday to Friday, 9:00 to 18:00."
	benchAsk     = "/hours"
	benchTimeout = 60 * time.Second
)

// load is one variant's run: how long the whole load took and each
// message's time from send to answer decrypted.
type load struct {
	elapsed time.Duration
	lat     []time.Duration
	// cpu is the whole process's CPU time (user and system) during the
	// load: the client's, the fake server's and its customers'.
	cpu time.Duration
}

// cpuPerMessage is in µs.
func (l load) cpuPerMessage() float64 {
	return float64(l.cpu) / float64(time.Microsecond) / float64(len(l.lat))
}

// cpuTime is the process's CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (l load) rate() float64 { return float64(len(l.lat)) / l.elapsed.Seconds() }

func (l load) pct(p float64) time.Duration {
	s := slices.Clone(l.lat)
	slices.Sort(s)
	i := int(p * float64(len(s)-1))
	return s[i]
}

// benchLoad skips t, which measures what, unless FRONTDESK_BENCH is set,
// and returns the load asked for: FRONTDESK_BENCH_ROUNDS (default 3),
// FRONTDESK_BENCH_CUSTOMERS (200) and FRONTDESK_BENCH_MESSAGES (10 per
// customer).
func benchLoad(t *testing.T, what string) (rounds, customers, messages int) {
	t.Helper()
	if os.Getenv(benchEnv) == "" {
		t.Skip("set FRONTDESK_BENCH=1 to measure " + what)
	}
	return benchInt(t, "FRONTDESK_BENCH_ROUNDS", 3), benchInt(t, "FRONTDESK_BENCH_CUSTOMERS", 200),
		benchInt(t, "FRONTDESK_BENCH_MESSAGES", 10)
}

func benchInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q is not a positive number", name, s)
	}
	return n
}

// TestEndToEndThroughput runs only with FRONTDESK_BENCH=1 (it takes a few
// minutes). FRONTDESK_BENCH_ROUNDS (default 3), FRONTDESK_BENCH_CUSTOMERS
// (200) and FRONTDESK_BENCH_MESSAGES (10 per customer) change the load.
// Every customer writes again as soon as it has its answer, so the
// clients run flat out and the latencies are mostly the time a message
// waits its turn: they follow the throughput. TestEndToEndLatency
// measures them below saturation.
func TestEndToEndThroughput(t *testing.T) {
	rounds, customers, messages := benchLoad(t, "end-to-end throughput")
	got := runVariants(t, rounds, customers, messages, 0)
	if got == nil {
		return
	}
	each := func(name string, f func(load) float64) []float64 {
		var xs []float64
		for _, l := range got[name] {
			xs = append(xs, f(l))
		}
		return xs
	}
	for _, name := range variantNames {
		fmt.Printf("time %s msgs/s: %s\n", name, benchSpread(each(name, load.rate)))
		fmt.Printf("time %s p50 ms: %s\n", name, benchSpread(each(name, func(l load) float64 { return ms(l.pct(0.5)) })))
		fmt.Printf("time %s p99 ms: %s\n", name, benchSpread(each(name, func(l load) float64 { return ms(l.pct(0.99)) })))
		fmt.Printf("time %s cpu µs/msg: %s\n", name, benchSpread(each(name, load.cpuPerMessage)))
	}
	ratio := variantRatio(got, rounds)
	p99 := func(l load) float64 { return ms(l.pct(0.99)) }
	p50 := func(l load) float64 { return ms(l.pct(0.5)) }
	ratio("msgs/s frontdesk/options", "frontdesk", "options", load.rate)
	ratio("msgs/s frontdesk/plain", "frontdesk", "plain", load.rate)
	ratio("msgs/s options/plain", "options", "plain", load.rate)
	ratio("p50 frontdesk/plain", "frontdesk", "plain", p50)
	ratio("p99 frontdesk/plain", "frontdesk", "plain", p99)
	ratio("p99 frontdesk/options", "frontdesk", "options", p99)
	ratio("cpu/msg frontdesk/options", "frontdesk", "options", load.cpuPerMessage)
	ratio("cpu/msg frontdesk/plain", "frontdesk", "plain", load.cpuPerMessage)
}

// TestEndToEndLatency measures the time from a customer's send to the
// answer on the customer's phone below saturation: customers write at a
// steady pace, 100 messages a second in all (FRONTDESK_BENCH_RATE), far
// under what any of the three clients can answer, so that a message
// rarely waits behind another and the latency is the path's own. 40
// customers, 15 messages each, by default. Only with FRONTDESK_BENCH=1.
func TestEndToEndLatency(t *testing.T) {
	if os.Getenv(benchEnv) == "" {
		t.Skip("set FRONTDESK_BENCH=1 to measure end-to-end latency")
	}
	rounds := benchInt(t, "FRONTDESK_BENCH_ROUNDS", 3)
	customers := benchInt(t, "FRONTDESK_BENCH_CUSTOMERS", 40)
	messages := benchInt(t, "FRONTDESK_BENCH_MESSAGES", 15)
	rate := benchInt(t, "FRONTDESK_BENCH_RATE", 100)
	// Each customer writes every gap, the customers spread over it.
	gap := time.Duration(customers) * time.Second / time.Duration(rate)
	got := runVariants(t, rounds, customers, messages, gap)
	if got == nil {
		return
	}
	for _, name := range variantNames {
		var p50, p99 []float64
		for _, l := range got[name] {
			p50 = append(p50, ms(l.pct(0.5)))
			p99 = append(p99, ms(l.pct(0.99)))
		}
		fmt.Printf("time %s paced p50 ms: %s\n", name, benchSpread(p50))
		fmt.Printf("time %s paced p99 ms: %s\n", name, benchSpread(p99))
	}
	ratio := variantRatio(got, rounds)
	p99 := func(l load) float64 { return ms(l.pct(0.99)) }
	p50 := func(l load) float64 { return ms(l.pct(0.5)) }
	ratio("paced p50 frontdesk/plain", "frontdesk", "plain", p50)
	ratio("paced p99 frontdesk/plain", "frontdesk", "plain", p99)
	ratio("paced p50 frontdesk/options", "frontdesk", "options", p50)
	ratio("paced p99 frontdesk/options", "frontdesk", "options", p99)
	ratio("paced p99 options/plain", "options", "plain", p99)
}

// variantNames are the three clients the end-to-end benchmarks compare.
var variantNames = []string{"plain", "options", "frontdesk"}

// runVariants runs the three clients under the same load, interleaved
// round by round, each round starting with another one; nil when a
// variant failed or was left out by -run.
func runVariants(t *testing.T, rounds, customers, messages int, gap time.Duration) map[string][]load {
	run := map[string]func(t *testing.T) load{
		"plain":     func(t *testing.T) load { return echoLoad(t, false, customers, messages, gap) },
		"options":   func(t *testing.T) load { return echoLoad(t, true, customers, messages, gap) },
		"frontdesk": func(t *testing.T) load { return frontdeskLoad(t, customers, messages, gap) },
	}
	got := map[string][]load{}
	for r := range rounds {
		for i := range variantNames {
			name := variantNames[(i+r)%len(variantNames)]
			t.Run(fmt.Sprintf("round%d/%s", r+1, name), func(t *testing.T) {
				l := run[name](t)
				got[name] = append(got[name], l)
				t.Logf("round %d %-9s %7.1f msgs/s  p50 %6.1f ms  p99 %6.1f ms  cpu %5.0f µs/msg  (%d messages in %v)",
					r+1, name, l.rate(), ms(l.pct(0.5)), ms(l.pct(0.99)), l.cpuPerMessage(), len(l.lat), l.elapsed.Round(time.Millisecond))
			})
		}
	}
	for _, name := range variantNames {
		if t.Failed() || len(got[name]) != rounds {
			return nil
		}
	}
	return got
}

// variantRatio prints "ratio <name>: min/median/max" of f(a)/f(b), round
// by round.
func variantRatio(got map[string][]load, rounds int) func(name, a, b string, f func(load) float64) {
	return func(name, a, b string, f func(load) float64) {
		xs := make([]float64, rounds)
		for r := range rounds {
			xs[r] = f(got[a][r]) / f(got[b][r])
		}
		fmt.Printf("ratio %s: %s\n", name, benchSpread(xs))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchSpread is min/median/max.
func benchSpread(xs []float64) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	f := func(x float64) string {
		if x >= 100 {
			return strconv.FormatFloat(x, 'f', 0, 64)
		}
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return f(s[0]) + "/" + f(s[len(s)/2]) + "/" + f(s[len(s)-1])
}

// drive makes n customers write messages times each, every customer
// waiting for the answer before the next message, and checks each answer.
// With gap 0 a customer writes again at once; otherwise customer i writes
// message k at gap·k + gap·i/n from the start (or when the answer to the
// one before came, if later), so that messages arrive at a steady pace.
func drive(t *testing.T, srv *fakewa.Server, n, messages int, gap time.Duration) load {
	t.Helper()
	custs := make([]*fakewa.Customer, n)
	for i := range custs {
		custs[i] = srv.NewCustomer(fmt.Sprintf("Customer %d", i+1))
	}
	lat := make([][]time.Duration, n)
	var wg sync.WaitGroup
	var failMu sync.Mutex
	var fail []string
	cpu0 := cpuTime(t)
	start := time.Now()
	for i, c := range custs {
		wg.Add(1)
		go func() {
			defer wg.Done() // also when a fakewa helper ends the goroutine
			for k := range messages {
				if gap > 0 {
					time.Sleep(time.Until(start.Add(gap*time.Duration(k) + gap*time.Duration(i)/time.Duration(n))))
				}
				t0 := time.Now()
				c.Send(benchAsk)
				select {
				case r := <-c.Inbox():
					if r.Text != benchAnswer {
						failMu.Lock()
						fail = append(fail, fmt.Sprintf("customer %d message %d answered %q", i+1, k+1, r.Text))
						failMu.Unlock()
						return
					}
					lat[i] = append(lat[i], r.At.Sub(t0))
				case <-time.After(benchTimeout):
					failMu.Lock()
					fail = append(fail, fmt.Sprintf("customer %d message %d: no answer within %v", i+1, k+1, benchTimeout))
					failMu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	l := load{elapsed: time.Since(start), cpu: cpuTime(t) - cpu0}
	for _, xs := range lat {
		l.lat = append(l.lat, xs...)
	}
	if len(fail) > 0 {
		t.Fatalf("%d customers failed, first: %s", len(fail), fail[0])
	}
	if len(l.lat) != n*messages {
		t.Fatalf("%d answers, want %d", len(l.lat), n*messages)
	}
	return l
}

// echoLoad links a bare whatsmeow client that answers every customer
// message with benchAnswer, with the adapter's options or without, on the
// same SQLite database settings frontdesk uses, and drives the load.
func echoLoad(t *testing.T, adapterOptions bool, customers, messages int, gap time.Duration) load {
	srv := fakewa.NewServer(t)
	linkedEchoClient(t, srv, adapterOptions, true)
	l := drive(t, srv, customers, messages, gap)
	srv.WaitQuiet(time.Second)
	return l
}

// linkedEchoClient is a bare client (newEchoClient) on a new SQLite
// database, linked to srv by QR code and connected.
func linkedEchoClient(t *testing.T, srv *fakewa.Server, adapterOptions, answer bool) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "echo.db"))
	if err != nil {
		t.Fatal(err)
	}
	cli := newEchoClient(t, ctx, db, srv.Configure, adapterOptions, answer)
	qrs, err := cli.GetQRChannel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Connect(); err != nil {
		t.Fatal(err)
	}
	linkEcho(t, srv, qrs)
	srv.WaitConnected(t, 1, e2eWait)
}

// newEchoClient is the bare client: every customer message is answered by
// one sender goroutine. It is disconnected and its database closed when
// the test ends.
func newEchoClient(t *testing.T, ctx context.Context, db *storage.DB, configure func(*whatsmeow.Client), adapterOptions, answer bool) *whatsmeow.Client {
	t.Helper()
	dev, err := sqliteContainer(t, ctx, db).GetFirstDevice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cli := whatsmeow.NewClient(dev, nil)
	configure(cli)
	cli.SynchronousAck = adapterOptions
	cli.EnableDecryptedEventBuffer = adapterOptions
	answers := make(chan types.JID, 1<<14)
	cli.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		if m, ok := evt.(*events.Message); ok && answer && !m.Info.IsFromMe && !m.Info.IsGroup &&
			strings.TrimSpace(m.Message.GetConversation()) == benchAsk {
			answers <- m.Info.Chat
		}
		return true
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for chat := range answers {
			if _, err := cli.SendMessage(ctx, chat, &waE2E.Message{Conversation: proto.String(benchAnswer)}); err != nil {
				t.Logf("echo send: %v", err)
			}
		}
	}()
	t.Cleanup(func() {
		cli.Disconnect()
		close(answers)
		<-done
		db.Close()
	})
	return cli
}

// linkEcho scans the first QR code the bare client shows and waits until
// it is linked.
func linkEcho(t *testing.T, srv *fakewa.Server, qrs <-chan whatsmeow.QRChannelItem) {
	t.Helper()
	scanned := false
	for item := range qrs {
		switch {
		case item.Event == whatsmeow.QRChannelEventCode && !scanned:
			if err := srv.Phone().Scan(item.Code); err != nil {
				t.Fatal(err)
			}
			scanned = true
		case item == whatsmeow.QRChannelSuccess:
			return
		case item.Event != whatsmeow.QRChannelEventCode:
			t.Fatalf("linking: %+v", item)
		}
	}
	t.Fatal("linking: QR channel closed")
}

// frontdeskLoad runs frontdesk as `frontdesk run` wires it (pace limit
// lifted), sets a quick reply from the phone and drives the load with
// customers asking for it.
func frontdeskLoad(t *testing.T, customers, messages int, gap time.Duration) load {
	e := newE2E(t)
	startBot(e, true)
	l := drive(t, e.srv, customers, messages, gap)
	e.stop()
	return l
}

// TestEndToEndRecording measures frontdesk as it runs, pace limit on:
// customers write all their messages at once, and the time until WhatsApp
// got every acknowledgement (the message recorded and decided, its reply
// queued) is compared with whatsmeow alone with the adapter's options,
// which acknowledges without answering. Only with FRONTDESK_BENCH=1.
func TestEndToEndRecording(t *testing.T) {
	rounds, customers, messages := benchLoad(t, "end-to-end recording")
	names := []string{"options", "frontdesk"}
	got := map[string][]float64{}
	for r := range rounds {
		for i := range names {
			name := names[(i+r)%len(names)]
			t.Run(fmt.Sprintf("round%d/%s", r+1, name), func(t *testing.T) {
				var srv *fakewa.Server
				if name == "frontdesk" {
					e := newE2E(t)
					startBot(e, false)
					defer e.stop()
					srv = e.srv
				} else {
					srv = fakewa.NewServer(t)
					linkedEchoClient(t, srv, true, false)
				}
				elapsed := flood(t, srv, customers, messages)
				rate := float64(customers*messages) / elapsed.Seconds()
				got[name] = append(got[name], rate)
				t.Logf("round %d %-9s %7.1f msgs/s acknowledged (%d messages in %v)", r+1, name, rate, customers*messages, elapsed.Round(time.Millisecond))
				srv.WaitQuiet(time.Second)
			})
		}
	}
	for _, n := range names {
		if t.Failed() || len(got[n]) != rounds {
			return
		}
	}
	xs := make([]float64, rounds)
	for r := range rounds {
		xs[r] = got["frontdesk"][r] / got["options"][r]
	}
	fmt.Printf("time options acked msgs/s: %s\n", benchSpread(got["options"]))
	fmt.Printf("time frontdesk acked msgs/s: %s\n", benchSpread(got["frontdesk"]))
	fmt.Printf("ratio acked msgs/s frontdesk/options: %s\n", benchSpread(xs))
}

// flood makes n customers write messages each, all at once, and returns
// the time until every message was acknowledged.
func flood(t *testing.T, srv *fakewa.Server, n, messages int) time.Duration {
	t.Helper()
	custs := make([]*fakewa.Customer, n)
	for i := range custs {
		custs[i] = srv.NewCustomer(fmt.Sprintf("Customer %d", i+1))
	}
	ids := make([][]string, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i, c := range custs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range messages {
				ids[i] = append(ids[i], c.Send(benchAsk))
			}
		}()
	}
	wg.Wait()
	var left []string
	for _, xs := range ids {
		left = append(left, xs...)
	}
	if len(left) != n*messages {
		t.Fatalf("%d messages sent, want %d", len(left), n*messages)
	}
	deadline := time.Now().Add(benchTimeout)
	for len(left) > 0 {
		left = slices.DeleteFunc(left, srv.Acked)
		if time.Now().After(deadline) {
			t.Fatalf("%d messages not acknowledged within %v", len(left), benchTimeout)
		}
		time.Sleep(time.Millisecond)
	}
	return time.Since(start)
}

// startBot runs frontdesk as `frontdesk run` wires it (unpaced: the pace
// limit lifted), links it and sets the quick reply the customers ask for.
func startBot(e *e2e, unpaced bool) {
	t := e.t
	t.Helper()
	e.startWith(runConfig{Stdout: io.Discard, Stderr: io.Discard, unpaced: unpaced})
	e.link()
	if got := e.command("!qr add " + benchAsk + " " + benchAnswer); got == "" || strings.HasPrefix(got, "Usage") {
		t.Fatalf("!qr add answered %q", got)
	}
}
