// Package metrics is what operators see of a running frontdesk: per
// number, messages received, automatic messages sent per rule, outbox
// depth, failed sends, connected or not and the kill switch, in the
// Prometheus text format, and a health endpoint that says ready only when
// every number the process holds is connected or retrying.
//
// Counters are counted as things happen (Count*); the states (connected,
// kill switch, outbox depth, health) are read from a Source when scraped.
// Nothing here ever sees a message text.
package metrics

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Number is the state of one number the process holds, read at a scrape.
type Number struct {
	// Number is the phone number with its country code ("+39...").
	Number string
	// Connected: logged in to WhatsApp now.
	Connected bool
	// Retrying: not connected, but trying to (a network outage); with
	// Connected, what "ready" asks of every number.
	Retrying bool
	// State says in words what the number is doing ("connected",
	// "connecting", "logged out"...).
	State string
	// KillSwitch: automatic messages are stopped (!off or !pause).
	KillSwitch bool
	// Outbox is how many automatic messages wait to be sent, or -1 when
	// it could not be read.
	Outbox int
}

// Source reports the numbers the process holds.
type Source interface {
	// Numbers is every number with its outbox depth (read from the
	// database), for a scrape.
	Numbers(ctx context.Context) []Number
	// Health is every number's state without reading the database
	// (Outbox -1), for /health: a hung database must not hang the
	// readiness probe.
	Health(ctx context.Context) []Number
}

// Metrics holds the counters and serves them.
type Metrics struct {
	reg       *prometheus.Registry
	received  *prometheus.CounterVec
	automatic *prometheus.CounterVec
	failed    *prometheus.CounterVec
	source    Source
	// HealthTimeout bounds a /health answer (default 5 s): past it the
	// process is reported not ready.
	HealthTimeout time.Duration
}

// New makes the metrics of a process whose numbers source reports.
func New(source Source) *Metrics {
	m := &Metrics{
		reg:    prometheus.NewRegistry(),
		source: source,
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_messages_received_total",
			Help: "Messages received and recorded (customers', the owner's and admins'), per number.",
		}, []string{"number"}),
		automatic: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_automatic_messages_sent_total",
			Help: "Automatic messages sent, per number and per rule that made them (a message made by two rules counts for both).",
		}, []string{"number", "rule"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_sends_failed_total",
			Help: "Automatic messages that failed for good (WhatsApp refused them), per number.",
		}, []string{"number"}),
	}
	m.reg.MustRegister(m.received, m.automatic, m.failed, &stateCollector{m: m},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// CountReceived counts one recorded incoming message of number.
func (m *Metrics) CountReceived(number string) {
	if m != nil {
		m.received.WithLabelValues(number).Inc()
	}
}

// CountAutomatic counts one automatic message of number sent, once for each
// rule that made it.
func (m *Metrics) CountAutomatic(number string, rules []string) {
	if m == nil {
		return
	}
	if len(rules) == 0 {
		rules = []string{"other"}
	}
	for _, r := range rules {
		m.automatic.WithLabelValues(number, r).Inc()
	}
}

// CountFailed counts one send of number that failed for good.
func (m *Metrics) CountFailed(number string) {
	if m != nil {
		m.failed.WithLabelValues(number).Inc()
	}
}

// Forget drops the counters of a number the process no longer holds
// (another process serves it now, or it was unlinked).
func (m *Metrics) Forget(number string) {
	if m == nil {
		return
	}
	l := prometheus.Labels{"number": number}
	m.received.DeletePartialMatch(l)
	m.automatic.DeletePartialMatch(l)
	m.failed.DeletePartialMatch(l)
}

var (
	connectedDesc = prometheus.NewDesc("frontdesk_connected",
		"1 when the number is logged in to WhatsApp now, else 0.", []string{"number"}, nil)
	killDesc = prometheus.NewDesc("frontdesk_kill_switch",
		"1 when automatic messages are stopped (!off or !pause), else 0.", []string{"number"}, nil)
	outboxDesc = prometheus.NewDesc("frontdesk_outbox_depth",
		"Automatic messages waiting to be sent.", []string{"number"}, nil)
	readyDesc = prometheus.NewDesc("frontdesk_ready",
		"1 when the number is connected or retrying, 0 when it needs attention.", []string{"number", "state"}, nil)
	heldDesc = prometheus.NewDesc("frontdesk_numbers_held",
		"Numbers this process serves.", nil, nil)
)

// stateCollector reads the numbers' states at each scrape.
type stateCollector struct{ m *Metrics }

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- connectedDesc
	ch <- killDesc
	ch <- outboxDesc
	ch <- readyDesc
	ch <- heldDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	nums := c.m.source.Numbers(ctx)
	ch <- prometheus.MustNewConstMetric(heldDesc, prometheus.GaugeValue, float64(len(nums)))
	for _, n := range nums {
		ch <- prometheus.MustNewConstMetric(connectedDesc, prometheus.GaugeValue, b2f(n.Connected), n.Number)
		ch <- prometheus.MustNewConstMetric(killDesc, prometheus.GaugeValue, b2f(n.KillSwitch), n.Number)
		if n.Outbox >= 0 {
			ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n.Outbox), n.Number)
		}
		ch <- prometheus.MustNewConstMetric(readyDesc, prometheus.GaugeValue, b2f(n.Connected || n.Retrying), n.Number, n.State)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Handler serves /metrics (Prometheus text format) and /health: 200
// "ready" when every number held is connected or retrying, else 503
// naming those that are not, one a line.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/health", m.serveHealth)
	return mux
}

// defaultHealthTimeout bounds a /health answer when HealthTimeout is 0.
const defaultHealthTimeout = 5 * time.Second

func (m *Metrics) serveHealth(w http.ResponseWriter, r *http.Request) {
	limit := m.HealthTimeout
	if limit <= 0 {
		limit = defaultHealthTimeout
	}
	ctx, cancel := context.WithTimeout(r.Context(), limit)
	defer cancel()
	// A source that ignores its context still does not hold the answer.
	got := make(chan []Number, 1)
	go func() { got <- m.source.Health(ctx) }()
	var nums []Number
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	select {
	case nums = <-got:
	case <-ctx.Done():
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "not ready\nthe numbers' states could not be read within %v\n", limit)
		return
	}
	var bad []string
	for _, n := range nums {
		if !n.Connected && !n.Retrying {
			bad = append(bad, n.Number+": "+n.State)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "not ready\n%s\n", strings.Join(bad, "\n"))
		return
	}
	fmt.Fprintf(w, "ready (%d numbers)\n", len(nums))
}

// Serve listens on addr (host:port) and serves Handler until ctx ends. It
// returns once listening, with the address it listens on; errors after
// that go to failed.
func (m *Metrics) Serve(ctx context.Context, addr string, failed func(error)) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("metrics: %w", err)
	}
	srv := &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed && failed != nil {
			failed(err)
		}
	}()
	context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	return ln.Addr().String(), nil
}
