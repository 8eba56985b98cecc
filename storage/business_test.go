package storage

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

func TestBusinessIsolation(t *testing.T) {
	eachDialect(t, func(t *testing.T, fresh func(testing.TB) string) {
		porttest.RunStoreIsolation(t, func(t *testing.T) (bot.Store, bot.Store) {
			db, err := Open(t.Context(), fresh(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			a, err := db.Business(t.Context(), "393331111111")
			if err != nil {
				t.Fatal(err)
			}
			b, err := db.Business(t.Context(), "393332222222")
			if err != nil {
				t.Fatal(err)
			}
			return a, b
		})
	})
}

// TestUpgradeAdoptsTheBusiness: a database of one business (schema 5) is
// upgraded; Business never gives it to a number, AdoptUnnamed gives it to
// the first candidate without a business, which gets all it held; the
// next one starts empty.
func TestUpgradeAdoptsTheBusiness(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v5.db")
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	sqliteAtVersion(t, path, 5, at,
		`INSERT INTO fd_config (id, doc, updated) VALUES (1, '{"time_zone":"Europe/Rome"}', ?1)`,
		`UPDATE fd_state SET kill_off = 1, kill_reason = '!off', owner_active = ?1`,
		`INSERT INTO fd_customers (id, name, last_inbound, keywords) VALUES ('391', 'Ada', ?1, '{"3":5}')`,
		`INSERT INTO fd_inbound (party, msg_id, chat, kind, customer, received) VALUES ('391', 'M1', '391', 'customer', '391', ?1)`,
		`INSERT INTO fd_outbox (id, chat, customer, text, created, status, msg_id) VALUES (7, '391', '391', 'hi', ?1, 'pending', 'O7')`,
		`INSERT INTO fd_stats_quarters (quarter, inbound) VALUES (?1 / 900000000000, 1)`,
	)

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.Businesses(ctx)
	if err != nil || len(list) != 1 || list[0].Number != "" {
		t.Fatalf("Businesses = %+v, %v; want the one of before, without a number", list, err)
	}
	other, err := db.Business(ctx, "393330000000")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := other.LoadConfig(ctx); err != nil || ok {
		t.Errorf("Business of a number took the business of before (config %v, %v)", ok, err)
	}
	if got, err := db.AdoptUnnamed(ctx, []string{"393330000000", "393331234567", "393332222222"}); err != nil || got != "393331234567" {
		t.Fatalf("AdoptUnnamed = %q, %v; want the first candidate without a business", got, err)
	}
	if got, err := db.AdoptUnnamed(ctx, []string{"393332222222"}); err != nil || got != "" {
		t.Errorf("AdoptUnnamed again = %q, %v; want nothing left to adopt", got, err)
	}
	if _, err := db.AdoptUnnamed(ctx, []string{"+39"}); err == nil {
		t.Error("AdoptUnnamed took a candidate that is not a number's digits")
	}
	first, err := db.Business(ctx, "393331234567")
	if err != nil {
		t.Fatal(err)
	}
	cfg, ok, err := first.LoadConfig(ctx)
	if err != nil || !ok || cfg.TimeZone != "Europe/Rome" {
		t.Errorf("adopted config = %+v, %v, %v", cfg, ok, err)
	}
	if k, err := first.LoadKillSwitch(ctx); err != nil || !k.Off || k.Reason != "!off" {
		t.Errorf("adopted kill switch = %+v, %v", k, err)
	}
	if c, err := first.Customer(ctx, "391"); err != nil || c.Name != "Ada" || !c.KeywordSent[3].Equal(time.Unix(0, 5).UTC()) {
		t.Errorf("adopted customer = %+v, %v", c, err)
	}
	if err := first.RecordInbound(ctx, bot.Inbound{Chat: "391", ID: "M1", Customer: "391", Received: at}); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("a message recorded before the upgrade: %v, want ErrDuplicate", err)
	}
	in := bot.Inbound{Chat: "392", ID: "M2", Kind: bot.FromCustomer, Customer: "392", Received: at, Reply: &bot.Outgoing{Text: "new"}}
	if err := first.RecordInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	if out, err := first.PendingOutgoing(ctx, 10); err != nil || len(out) != 2 || out[0].ID != 7 || in.Reply.ID <= 7 {
		t.Errorf("outbox = %+v, %v; want 7 then the new reply after it", out, err)
	}
	if a, err := first.Activity(ctx, bot.ActivityQuery{Since: at.Add(-time.Hour), Until: at.Add(time.Hour)}); err != nil || a.Inbound != 2 {
		t.Errorf("activity = %+v, %v; want the rolled-up message and the new one", a, err)
	}

	again, err := db.Business(ctx, "393331234567")
	if err != nil || again.ID() != first.ID() {
		t.Errorf("the same number again = %v, %v; want business %d", again, err, first.ID())
	}
	second, err := db.Business(ctx, "393339999999")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := second.LoadConfig(ctx); err != nil || ok {
		t.Errorf("second business has a config (%v, %v)", ok, err)
	}
	if k, err := second.LoadKillSwitch(ctx); err != nil || k.Off {
		t.Errorf("second business kill switch = %+v, %v", k, err)
	}
	list, err = db.Businesses(ctx)
	if err != nil || len(list) != 3 || list[0].Number != "393331234567" || list[1].Number != "393330000000" || list[2].Number != "393339999999" {
		t.Errorf("Businesses = %+v, %v", list, err)
	}
}

func TestBusinessNumbers(t *testing.T) { eachDialect(t, testBusinessNumbers) }

func testBusinessNumbers(t *testing.T, fresh func(testing.TB) string) {
	db, err := Open(t.Context(), fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before, err := db.Businesses(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "+393331234567", "39 333", "lid:123", "3933312345678901234567890123456789"} {
		if s, err := db.Business(t.Context(), bad); err == nil {
			t.Errorf("Business(%q) = %v, want an error", bad, s)
		}
	}
	if list, err := db.Businesses(t.Context()); err != nil || !reflect.DeepEqual(list, before) {
		t.Errorf("bad numbers changed the businesses: %+v, %v; want %+v", list, err, before)
	}
}

// TestOutgoingRules: the rules of an outgoing message are read back by
// its id, in its business only.
func TestOutgoingRules(t *testing.T) {
	eachDialect(t, func(t *testing.T, fresh func(testing.TB) string) {
		ctx := t.Context()
		db, err := Open(ctx, fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		a, err := db.Business(ctx, "393331111111")
		if err != nil {
			t.Fatal(err)
		}
		b, err := db.Business(ctx, "393332222222")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		in := bot.Inbound{Chat: "391", ID: "M1", Kind: bot.FromCustomer, Customer: "391", Received: now,
			Reply: &bot.Outgoing{Chat: "391", Customer: "391", Text: "hi", Rules: []string{"greeting", "keyword"}, Created: now, MsgID: "3EB0A"}}
		if err := a.RecordInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		if rules, ok, err := a.OutgoingRules(ctx, in.Reply.ID); err != nil || !ok || !reflect.DeepEqual(rules, []string{"greeting", "keyword"}) {
			t.Errorf("OutgoingRules = %v, %v, %v", rules, ok, err)
		}
		if err := a.MarkSent(ctx, in.Reply.ID, "3EB0A", now); err != nil {
			t.Fatal(err)
		}
		if rules, ok, err := a.OutgoingRules(ctx, in.Reply.ID); err != nil || !ok || len(rules) != 2 {
			t.Errorf("OutgoingRules once sent = %v, %v, %v", rules, ok, err)
		}
		if _, ok, err := b.OutgoingRules(ctx, in.Reply.ID); err != nil || ok {
			t.Errorf("another business read the message's rules (%v, %v)", ok, err)
		}
		if _, ok, err := a.OutgoingRules(ctx, in.Reply.ID+1000); err != nil || ok {
			t.Errorf("OutgoingRules of no message = %v, %v", ok, err)
		}
	})
}
