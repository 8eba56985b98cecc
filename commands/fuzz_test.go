package commands

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/bot"
)

// trouble records log lines that mean a bug: a recovered panic or an
// internal error answered with an apology.
type trouble struct {
	mu    sync.Mutex
	lines []string
}

func (h *trouble) Enabled(context.Context, slog.Level) bool { return true }
func (h *trouble) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *trouble) WithGroup(string) slog.Handler            { return h }
func (h *trouble) Handle(_ context.Context, r slog.Record) error {
	if r.Level < slog.LevelError {
		return nil
	}
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	h.mu.Lock()
	h.lines = append(h.lines, b.String())
	h.mu.Unlock()
	return nil
}

func (h *trouble) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.lines
	h.lines = nil
	return l
}

// FuzzRoute runs arbitrary text through the real command table on a real
// bot and store: no input may panic, end in an internal error, or go
// unanswered. The configuration carries over between inputs, so later
// inputs meet states earlier ones built.
func FuzzRoute(f *testing.F) {
	for _, s := range setup {
		f.Add(s)
	}
	for _, s := range []string{
		"!", "", "!!", "!help", "!help qr add", "!HELP AWAY SHIFT DEL", "!away shift del 22:00-02:00",
		"!kw add a, b = {name} {next_open}", "!kw del 1", "!qr alias /time /a_b /ABC", "!qr stale", "!qr stats",
		"!holiday add 2026-02-29", "!holiday add 2028-02-29..2028-03-01 {hours}", "!holiday del 1",
		"!hours mon-fri 22:00-02:00", "!hours sun closed", "!hours clear", "!pause 1d12h", "!pause 9999999999h",
		"!pause 30d", "!on", "!off", "!lang it", "!lang en", "!tz UTC", "!tz ../../etc/passwd",
		"!profile website https://x.y/z", "!profile phone +1 (555) 010-0", "!away text \u00e9\u0301\u200b{",
		"!away text {na{me}}", "!away after 99999999999999999999", "!kw add \u00a0 = x", "!qr add /\u00e8\u00e8\u00e8 x",
	} {
		f.Add(s)
	}
	logs := &trouble{}
	tb := newTestBot(f, withHostZone(time.UTC), withStart(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)),
		withLog(slog.New(logs)))
	f.Fuzz(func(t *testing.T, text string) {
		sent := tb.runSent(text)
		if l := logs.take(); len(l) > 0 {
			t.Fatalf("input %q: %s", text, strings.Join(l, "\n"))
		}
		if texts(sent) == "" {
			t.Fatalf("input %q got no answer", text)
		}
		for _, s := range sent {
			if s.To != tb.chat {
				t.Fatalf("input %q: answer sent to %s, not the owner", text, s.To)
			}
		}
	})
}

// FuzzTokenize checks that Rest and Args agree with the text: every word
// is found where it was cut from.
func FuzzTokenize(f *testing.F) {
	f.Add("kw add  a, b = x\ty\n z ")
	f.Add("\u3000!\u00a0away  text")
	f.Fuzz(func(t *testing.T, s string) {
		toks := tokenize(s)
		c := &Call{raw: s, words: toks}
		for i, tok := range toks {
			if tok.word == "" || !strings.HasPrefix(s[tok.start:], tok.word) {
				t.Fatalf("token %d %q at %d does not match %q", i, tok.word, tok.start, s)
			}
			if rest := c.Rest(i); !strings.HasPrefix(rest, tok.word) {
				t.Fatalf("Rest(%d) = %q does not start with %q", i, rest, tok.word)
			}
		}
		if len(toks) != len(strings.Fields(s)) {
			t.Fatalf("%d tokens, strings.Fields finds %d", len(toks), len(strings.Fields(s)))
		}
	})
}

// FuzzCustomerCannotCommand sends arbitrary texts as customers of a
// configured bot with the real command table: a customer's message never
// runs a command (configuration and kill switch stay as they were, even
// for "!off"), never gets a command's answer, and nothing goes to anyone
// but that customer.
func FuzzCustomerCannotCommand(f *testing.F) {
	for _, s := range []string{"!off", "!away off", "!qr add /x Secret", "!help", "!kw del 1", "/menu", "/time",
		"! off", "!OFF", "\u200b!off", "!import {}", "!forget +393331234567", "price?", "!stats"} {
		f.Add(s, byte(0))
	}
	logs := &trouble{}
	tb := newTestBot(f, withLog(slog.New(logs)))
	for _, l := range setup {
		tb.must(l)
	}
	f.Fuzz(func(t *testing.T, text string, who byte) {
		before := tb.state()
		chat := bot.PhoneID("39333123450" + string(rune('0'+who%10)))
		tb.clock.Advance(time.Hour)
		tb.n++
		m := bot.Message{ID: fmt.Sprint("c", tb.n), Chat: chat, Kind: bot.FromCustomer, Text: text, PushName: "Zed", Sent: tb.now()}
		if err := tb.b.HandleMessage(context.Background(), m); err != nil {
			t.Fatalf("customer %s wrote %q: %v", chat, text, err)
		}
		if err := tb.b.Tick(context.Background()); err != nil {
			t.Fatalf("customer %s wrote %q: tick: %v", chat, text, err)
		}
		for _, s := range tb.msg.Take() {
			if s.To != chat {
				t.Fatalf("customer %s wrote %q: %q went to %s", chat, text, s.Text, s.To)
			}
			if strings.Contains(s.Text, "Usage:") || strings.Contains(s.Text, "Refused") || strings.Contains(s.Text, "Secret") {
				t.Fatalf("customer %s wrote %q and got a command's answer: %q", chat, text, s.Text)
			}
		}
		if after := tb.state(); !sameState(before, after) {
			t.Fatalf("customer %s wrote %q and the state changed:\n%+v\n%+v", chat, text, before, after)
		}
		if l := logs.take(); len(l) > 0 {
			t.Fatalf("customer %s wrote %q: %s", chat, text, strings.Join(l, "\n"))
		}
	})
}
