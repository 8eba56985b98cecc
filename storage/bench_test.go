package storage

import (
	"fmt"
	"testing"
	"time"

	"frontdesk/bot"
)

// BenchmarkRecordInbound measures the per-message transaction with
// everything a busy message carries: customer update, two keyword sends,
// a queued reply, a shortcut use and a question.
func BenchmarkRecordInbound(b *testing.B) { benchDialects(b, benchRecordInbound) }

// benchDialects runs fn on SQLite, and on PostgreSQL where
// FRONTDESK_TEST_POSTGRES names one.
func benchDialects(b *testing.B, fn func(b *testing.B, dsn string)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, sqlitePath(b)) })
	b.Run("postgres", func(b *testing.B) {
		needPostgres(b)
		fn(b, postgresDSN(b))
	})
}

func benchRecordInbound(b *testing.B, dsn string) {
	db, err := OpenStore(b.Context(), dsn, testNumber)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := bot.UserID(fmt.Sprintf("39333%07d", i%1000))
		in := bot.Inbound{
			Chat: id, ID: fmt.Sprintf("3EB0%012d", i), Kind: bot.FromCustomer, Customer: id, Name: "Alice",
			Sent: at, Received: at.Add(time.Duration(i) * time.Second), Rules: []string{"greeting", "keyword"},
			TouchCustomer: true, KeywordsSent: []int{1, 2}, Shortcut: "/time", Question: "what time do you open",
			Reply: &bot.Outgoing{Text: "Hello! We open at 9.", Rules: []string{"greeting", "keyword"}},
		}
		if err := db.RecordInbound(b.Context(), in); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkCustomer measures the per-message read of one customer with
// three keyword sends, among 10,000 customers.
func BenchmarkCustomer(b *testing.B) { benchDialects(b, benchCustomer) }

func benchCustomer(b *testing.B, dsn string) {
	db, err := OpenStore(b.Context(), dsn, testNumber)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	const customers = 10000
	for i := range customers {
		id := bot.UserID(fmt.Sprintf("39333%07d", i))
		in := bot.Inbound{Chat: id, ID: "M", Customer: id, Name: "Alice", Received: at, TouchCustomer: true,
			AwayPeriod: at, KeywordsSent: []int{1, 2, 3}}
		if err := db.RecordInbound(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c, err := db.Customer(b.Context(), bot.UserID(fmt.Sprintf("39333%07d", i%customers)))
		if err != nil || len(c.KeywordSent) != 3 {
			b.Fatalf("Customer = %+v, %v", c, err)
		}
		i++
	}
}
