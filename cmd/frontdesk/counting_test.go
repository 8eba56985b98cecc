package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/metrics"
	"frontdesk/storage"
)

// noNumbers is a metrics source holding nothing.
type noNumbers struct{}

func (noNumbers) Numbers(context.Context) []metrics.Number { return nil }
func (noNumbers) Health(context.Context) []metrics.Number  { return nil }

// perMessageState is how many entries the maps and slices of
// countingStore's own fields hold: whatever it keeps per message.
func perMessageState(c *countingStore) int {
	n := 0
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.Map, reflect.Slice:
			n += f.Len()
		}
	}
	return n
}

// TestCountingStoreKeepsNothingPerMessage: replies discarded by !off leave
// nothing behind in the counting store, and automatic messages are still
// counted per rule, sent whether straight after their message was
// recorded or from the outbox; discarded ones are not counted.
func TestCountingStoreKeepsNothingPerMessage(t *testing.T) {
	ctx := context.Background()
	inner, err := storage.OpenStore(ctx, filepath.Join(t.TempDir(), "fd.db"), "391")
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	m := metrics.New(noNumbers{})
	st := newCountingStore(inner, m, "+391", &localLease{released: make(chan struct{})})
	now := time.Now()
	record := func(id string, rules ...string) *bot.Outgoing {
		t.Helper()
		in := bot.Inbound{Chat: "+392", ID: id, Kind: bot.FromCustomer, Customer: "+392", Received: now, Sent: now,
			Reply: &bot.Outgoing{Chat: "+392", Customer: "+392", Text: "reply " + id, Rules: rules, Created: now, MsgID: "3EB0" + id}}
		if err := st.RecordInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		return in.Reply
	}

	const discarded = 200
	for i := range discarded {
		record(fmt.Sprintf("D%d", i), "greeting")
	}
	if _, err := st.PendingOutgoing(ctx, 50); err != nil {
		t.Fatal(err)
	}
	n, err := st.SaveKillSwitch(ctx, bot.KillSwitch{Off: true, Reason: "!off"}, nil)
	if err != nil || n != discarded {
		t.Fatalf("!off discarded %d, %v; want %d", n, err, discarded)
	}
	if left := perMessageState(st); left != 0 {
		t.Errorf("after !off discarded %d replies the counting store still holds %d entries", discarded, left)
	}
	if _, err := st.SaveKillSwitch(ctx, bot.KillSwitch{}, nil); err != nil {
		t.Fatal(err)
	}

	// Sent straight after recording (the reply's id from RecordInbound).
	a := record("A", "greeting", "keyword")
	if err := st.MarkSent(ctx, a.ID, a.MsgID, now); err != nil {
		t.Fatal(err)
	}
	// Sent from the outbox.
	record("B", "away")
	record("C")
	record("F", "keyword")
	pending, err := st.PendingOutgoing(ctx, 10)
	if err != nil || len(pending) != 3 {
		t.Fatalf("pending = %+v, %v; want B, C and F", pending, err)
	}
	for _, o := range pending {
		if o.Text == "reply F" {
			if err := st.MarkFailed(ctx, o.ID, "refused"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := st.MarkSent(ctx, o.ID, o.MsgID, now); err != nil {
			t.Fatal(err)
		}
	}
	if left := perMessageState(st); left != 0 {
		t.Errorf("after every reply was sent or failed the counting store holds %d entries", left)
	}

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []struct {
		rule string
		n    float64
	}{{"greeting", 1}, {"keyword", 1}, {"away", 1}, {"other", 1}} {
		if got := metricValue(string(body), "frontdesk_automatic_messages_sent_total", `number="+391",rule="`+want.rule+`"`); got != want.n {
			t.Errorf("automatic messages of rule %s = %v, want %v", want.rule, got, want.n)
		}
	}
	if got := metricValue(string(body), "frontdesk_sends_failed_total", `number="+391"`); got != 1 {
		t.Errorf("failed sends = %v, want 1", got)
	}
	if got := metricValue(string(body), "frontdesk_messages_received_total", `number="+391"`); got != discarded+4 {
		t.Errorf("received = %v, want %d", got, discarded+4)
	}
}

// hungOutbox is a store whose database hangs on the outbox.
type hungOutbox struct {
	bot.Store
	called chan struct{}
}

func (h hungOutbox) PendingByCustomer(ctx context.Context) (map[bot.UserID]int, error) {
	h.called <- struct{}{}
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestFleetHealthReadsNoOutbox: the fleet's readiness states come without
// a database read; a scrape's do read the outbox (and give up with their
// context).
func TestFleetHealthReadsNoOutbox(t *testing.T) {
	s := stuckNumber(phoneOld, "replaced")
	h := hungOutbox{called: make(chan struct{}, 4)}
	s.store = h
	f := newFleet(fleetConfig{Exclusive: true})
	f.nums[phoneOld] = s
	nums := f.Health(context.Background())
	if len(nums) != 1 || nums[0].Number != "+"+phoneOld || nums[0].State != "stopped: replaced" || nums[0].Outbox != -1 {
		t.Errorf("Health = %+v", nums)
	}
	select {
	case <-h.called:
		t.Error("Health read the outbox")
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if nums := f.Numbers(ctx); len(nums) != 1 || nums[0].Outbox != -1 {
		t.Errorf("Numbers with a hung outbox = %+v", nums)
	}
	select {
	case <-h.called:
	default:
		t.Error("Numbers did not read the outbox")
	}
}
