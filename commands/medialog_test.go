package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// captureHandler keeps every record at every level, with its attributes
// written out.
type captureHandler struct {
	mu    *sync.Mutex
	lines *[]string
	attrs []slog.Attr
}

func newCapture() (*captureHandler, func() []string) {
	h := &captureHandler{mu: &sync.Mutex{}, lines: new([]string)}
	return h, func() []string {
		h.mu.Lock()
		defer h.mu.Unlock()
		return append([]string(nil), *h.lines...)
	}
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	for _, a := range h.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	h.mu.Lock()
	*h.lines = append(*h.lines, b.String())
	h.mu.Unlock()
	return nil
}

func (h *captureHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *captureHandler) WithGroup(string) slog.Handler { return h }

func TestMediaTextsAndFileNamesAreNotLogged(t *testing.T) {
	h, lines := newCapture()
	tb := newTestBot(t, withLog(slog.New(h)))
	ctx := context.Background()
	file := func(kind, name string, data []byte, err error) *bot.InboundMedia {
		return &bot.InboundMedia{Kind: kind, FileName: name, Size: int64(len(data)),
			Fetch: func(context.Context) ([]byte, error) { return data, err }}
	}
	for _, c := range []string{"!greeting text Secretgreeting", "!greeting on", "!away text Secretaway", "!away when always", "!away on"} {
		tb.owner(c)
	}
	// The owner keeps a PDF and a photo; a download fails; a file is refused.
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: "!kw add prices = Secretprices",
		Media: file("document", "secret-owner-prices.pdf", porttest.PDFStub, nil)})
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: "!qr add /menu Secretmenu",
		Media: file("image", "", porttest.JPEGStub, nil)})
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: "!qr add /late Secretlate",
		Media: file("image", "", nil, errors.New("secret-download-error"))})
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: "!qr add /gif Secretgif",
		Media: file("image", "secret-owner.gif", []byte("GIF89a"), nil)})
	tb.tick()
	tb.clock.Advance(time.Hour) // the owner has been idle
	// Customers send media with captions and file names, ask for the
	// answers with files, and the owner sends media in a customer chat.
	cust := bot.UserID("393331234567")
	tb.handle(bot.Message{Chat: cust, Kind: bot.FromCustomer, Text: "Secretcaption prices", PushName: "Secretname",
		Media: &bot.InboundMedia{Kind: "document", FileName: "secret-customer.pdf", Mime: bot.MimePDF}})
	tb.handle(bot.Message{Chat: cust + "1", Kind: bot.FromCustomer, Text: "/menu", PushName: "Secretname"})
	tb.handle(bot.Message{Chat: cust + "2", Kind: bot.FromCustomer, Text: "!qr add /x Secretcommand",
		Media: &bot.InboundMedia{Kind: "image", FileName: "secret-customer.jpg"}})
	tb.tick()
	tb.handle(bot.Message{Chat: cust, Kind: bot.OwnerInChat, Text: "/menu"})
	tb.handle(bot.Message{Chat: cust, Kind: bot.OwnerInChat, Text: "Secretownerphoto", Media: &bot.InboundMedia{Kind: "image"}})
	if err := tb.b.HandleMessage(ctx, bot.Message{ID: "IGN", Kind: bot.Ignored, Why: "group", Text: "Secretgroup"}); err != nil {
		t.Fatal(err)
	}
	tb.tick()
	got := lines()
	if len(got) == 0 {
		t.Fatal("nothing was logged: the capture does not work")
	}
	t.Logf("%d log lines, none with a text or file name", len(got))
	for _, l := range got {
		if strings.Contains(strings.ToLower(l), "secret") {
			t.Errorf("a log line holds a message text or file name: %s", l)
		}
	}
}
