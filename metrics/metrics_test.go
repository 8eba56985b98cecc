package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/metrics"
)

// source is a Source a test sets.
type source struct {
	mu   sync.Mutex
	nums []metrics.Number
}

func (s *source) Numbers(context.Context) []metrics.Number {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]metrics.Number(nil), s.nums...)
}

func (s *source) Health(ctx context.Context) []metrics.Number {
	nums := s.Numbers(ctx)
	for i := range nums {
		nums[i].Outbox = -1
	}
	return nums
}

func (s *source) set(n ...metrics.Number) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nums = n
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestScrapeAndHealth(t *testing.T) {
	src := &source{}
	m := metrics.New(src)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	src.set(
		metrics.Number{Number: "+391", Connected: true, State: "connected", Outbox: 2},
		metrics.Number{Number: "+392", Retrying: true, State: "retrying", KillSwitch: true, Outbox: 0},
	)
	m.CountReceived("+391")
	m.CountReceived("+391")
	m.CountAutomatic("+391", []string{"greeting", "keyword"})
	m.CountAutomatic("+392", nil)
	m.CountFailed("+392")

	code, body := get(t, srv, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`frontdesk_messages_received_total{number="+391"} 2`,
		`frontdesk_automatic_messages_sent_total{number="+391",rule="greeting"} 1`,
		`frontdesk_automatic_messages_sent_total{number="+391",rule="keyword"} 1`,
		`frontdesk_automatic_messages_sent_total{number="+392",rule="other"} 1`,
		`frontdesk_sends_failed_total{number="+392"} 1`,
		`frontdesk_connected{number="+391"} 1`,
		`frontdesk_connected{number="+392"} 0`,
		`frontdesk_kill_switch{number="+391"} 0`,
		`frontdesk_kill_switch{number="+392"} 1`,
		`frontdesk_outbox_depth{number="+391"} 2`,
		`frontdesk_ready{number="+392",state="retrying"} 1`,
		`frontdesk_numbers_held 2`,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Connected or retrying: ready.
	if code, body := get(t, srv, "/health"); code != 200 || body != "ready (2 numbers)\n" {
		t.Errorf("/health = %d %q", code, body)
	}
	// A number that needs attention makes the process not ready, and says
	// which.
	src.set(
		metrics.Number{Number: "+391", Connected: true, State: "connected"},
		metrics.Number{Number: "+392", State: "stopped: replaced by another connection", Outbox: -1},
	)
	code, body = get(t, srv, "/health")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "+392: stopped: replaced") || strings.Contains(body, "+391") {
		t.Errorf("/health = %d %q", code, body)
	}
	_, body = get(t, srv, "/metrics")
	if !strings.Contains(body, `frontdesk_ready{number="+392",state="stopped: replaced by another connection"} 0`) {
		t.Errorf("ready gauge of a stopped number missing:\n%s", body)
	}
	if strings.Contains(body, `frontdesk_outbox_depth{number="+392"}`) {
		t.Error("an outbox that could not be read is reported")
	}
	// A number given up loses its counters.
	m.Forget("+392")
	src.set(metrics.Number{Number: "+391", Connected: true, State: "connected"})
	_, body = get(t, srv, "/metrics")
	if strings.Contains(body, `"+392"`) {
		t.Errorf("counters of a forgotten number remain:\n%s", body)
	}
	if code, _ := get(t, srv, "/health"); code != 200 {
		t.Errorf("/health = %d", code)
	}
	// No numbers at all is ready (nothing held, nothing wrong).
	src.set()
	if code, body := get(t, srv, "/health"); code != 200 || body != "ready (0 numbers)\n" {
		t.Errorf("/health with no numbers = %d %q", code, body)
	}
}

func TestServeListensAndStops(t *testing.T) {
	m := metrics.New(&source{})
	ctx, cancel := context.WithCancel(context.Background())
	addr, err := m.Serve(ctx, "127.0.0.1:0", func(err error) { t.Errorf("serve: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := m.Serve(context.Background(), addr, nil); err == nil {
		t.Error("a second endpoint on a busy address did not fail")
	}
	cancel()
}

// hungSource is a Source whose database hangs: Numbers (which reads each
// number's outbox) blocks until released, whatever its context says.
// Health blocks too when hungHealth is set.
type hungSource struct {
	release    chan struct{}
	numbers    chan struct{} // gets a value each time Numbers is called
	hungHealth bool
}

func (s *hungSource) Numbers(context.Context) []metrics.Number {
	s.numbers <- struct{}{}
	<-s.release
	return nil
}

func (s *hungSource) Health(ctx context.Context) []metrics.Number {
	if s.hungHealth {
		<-s.release
	}
	return []metrics.Number{{Number: "+391", Connected: true, State: "connected", Outbox: -1}}
}

// getWithin GETs path, failing the test when no answer came within 20
// seconds (a hang, not a speed limit).
func getWithin(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	resp, err := c.Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestHealthReadsNoOutbox: the readiness probe answers while the database
// hangs: it reads the numbers' states, not their outboxes.
func TestHealthReadsNoOutbox(t *testing.T) {
	src := &hungSource{release: make(chan struct{}), numbers: make(chan struct{}, 16)}
	m := metrics.New(src)
	m.HealthTimeout = 2 * time.Second
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	defer close(src.release) // before Close, which waits for the handlers
	code, body := getWithin(t, srv, "/health")
	if code != 200 || body != "ready (1 numbers)\n" {
		t.Errorf("/health = %d %q", code, body)
	}
	select {
	case <-src.numbers:
		t.Error("/health read the outboxes")
	default:
	}
}

// TestHealthHasADeadline: when even the states cannot be read, the probe
// says not ready once its deadline passed instead of hanging.
func TestHealthHasADeadline(t *testing.T) {
	src := &hungSource{release: make(chan struct{}), numbers: make(chan struct{}, 16), hungHealth: true}
	m := metrics.New(src)
	m.HealthTimeout = 100 * time.Millisecond
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	defer close(src.release) // before Close, which waits for the handlers
	code, body := getWithin(t, srv, "/health")
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(body, "not ready\n") || !strings.Contains(body, "could not be read") {
		t.Errorf("/health = %d %q; want 503 saying the states could not be read", code, body)
	}
}
