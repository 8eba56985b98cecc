package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// mediaHarness is a bot on real SQLite whose quick reply /menu carries a
// photo and whose keyword answer "prices" a PDF, both kept in the store.
func mediaHarness(t *testing.T) (*harness, bot.Media, bot.Media) {
	t.Helper()
	photo, err := bot.NewMedia(porttest.JPEGStub, "")
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := bot.NewMedia(porttest.PDFStub, "prices.pdf")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *bot.Config) {
		c.Greeting = bot.GreetingConfig{On: true, Text: "Welcome!", When: bot.WhenAlways, AfterDays: 14}
		c.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/menu"}, Text: "Our menu", Media: &photo.MediaRef}}
		c.Keywords = []bot.Keyword{{ID: 1, Phrases: []string{"prices"}, Text: "Our prices", Media: &pdf.MediaRef}}
		c.Profile.Name, c.Profile.Address = "Bar Roma", "Via Roma 1"
		c.Profile.Location = &bot.Location{Lat: 45.4642, Long: 9.19}
	})
	for _, m := range []bot.Media{photo, pdf} {
		if err := h.db.SaveMedia(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	return h, photo, pdf
}

func TestCustomerShortcutWithMediaIsOneMessage(t *testing.T) {
	h, photo, pdf := mediaHarness(t)
	h.customer("+39 333 1234567", "A1", "/menu")
	sent := h.wa.Take()
	if len(sent) != 1 || sent[0].Kind != porttest.MediaMsg || sent[0].Media.SHA256 != photo.SHA256 {
		t.Fatalf("sent %+v, want one photo", sent)
	}
	if want := "Welcome!\n\nOur menu\n\nWe are closed."; sent[0].Text != want {
		t.Errorf("caption %q, want %q (greeting, answer, away)", sent[0].Text, want)
	}
	// A photo's caption is matched for keywords; the answer's PDF goes out.
	photoIn := &bot.InboundMedia{Kind: "image", Mime: bot.MimeJPEG}
	if err := h.b.HandleMessage(context.Background(), bot.Message{ID: "A2", Chat: "393331234567", Kind: bot.FromCustomer,
		Text: "your prices?", Media: photoIn, Sent: h.now}); err != nil {
		t.Fatal(err)
	}
	if err := h.b.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	sent = h.wa.Take()
	if len(sent) != 1 || sent[0].Media == nil || sent[0].Media.SHA256 != pdf.SHA256 || sent[0].Media.FileName != "prices.pdf" || sent[0].Text != "Our prices" {
		t.Fatalf("sent %+v, want the PDF with its caption", sent)
	}
	// /where: the pin with the business name and address.
	h.customer("+39 333 1234567", "A3", "/where")
	sent = h.wa.Take()
	if len(sent) != 1 || sent[0].Pin == nil || sent[0].Pin.Name != "Bar Roma" || sent[0].Pin.Address != "Via Roma 1" || sent[0].Pin.Lat != 45.4642 {
		t.Fatalf("sent %+v, want the pin", sent)
	}
}

func TestCustomerMediaCountsAsMessage(t *testing.T) {
	h, _, _ := mediaHarness(t)
	for i, kind := range []string{"image", "video", "audio", "document", "sticker"} {
		from := bot.UserID("39333000000" + string(rune('0'+i)))
		m := bot.Message{ID: "M" + kind, Chat: from, Kind: bot.FromCustomer, Media: &bot.InboundMedia{Kind: kind}, Sent: h.now}
		if err := h.b.HandleMessage(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		if err := h.b.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := h.take(); !slices.Equal(got, []string{from.String() + ": Welcome!\n\nWe are closed."}) {
			t.Errorf("a %s without caption got %q, want the greeting and away message", kind, got)
		}
	}
}

func TestInterruptedMediaSendIsResentUnderItsMessageID(t *testing.T) {
	h, photo, _ := mediaHarness(t)
	ctx := context.Background()
	m := bot.Message{ID: "A1", Chat: "393331234567", Kind: bot.FromCustomer, Text: "/menu", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	msgID := h.claimedMsgID()
	// The upload and send went through, then the process died before the
	// outbox heard of it: the row is still "sending".
	if _, err := h.wa.SendMedia(ctx, "393331234567", photo, "Welcome!\n\nOur menu\n\nWe are closed.", msgID); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 2 || sent[1].ID != msgID || sent[1].Kind != porttest.MediaMsg || sent[1].Media.SHA256 != photo.SHA256 {
		t.Fatalf("sent %+v, want the photo again under %q", sent, msgID)
	}
	if shown := h.wa.Shown("393331234567"); len(shown) != 1 || shown[0].ID != msgID || shown[0].Media != photo.SHA256 {
		t.Errorf("the customer's phone shows %+v, want the photo once", shown)
	}
	// The row is done: a later tick sends nothing.
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 0 {
		t.Errorf("sent again: %+v", sent)
	}
}

func TestKillSwitchAndPacingHoldForMedia(t *testing.T) {
	h, _, _ := mediaHarness(t)
	ctx := context.Background()
	// 25 customers ask for /menu in the same minute: 20 photos leave.
	for i := range 25 {
		h.customer("+39 333 10000"+twoDigits(i), "P"+twoDigits(i), "/menu")
	}
	if sent := h.wa.Take(); len(sent) != bot.MaxPerMinute {
		t.Fatalf("%d sent in the first minute, want %d", len(sent), bot.MaxPerMinute)
	}
	// A minute later the 5 waiting ones leave, read back from the outbox
	// with their photo.
	h.now = h.now.Add(time.Minute)
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 5 || sent[4].Kind != porttest.MediaMsg || sent[4].Media == nil {
		t.Fatalf("the next minute sent %+v, want the 5 waiting photos", sent)
	}
	// !off: waiting photos are discarded, never sent later (the 5 sent
	// this minute left room for 15 of these 21).
	for i := range 21 {
		h.customer("+39 333 30000"+twoDigits(i), "R"+twoDigits(i), "/menu")
	}
	h.wa.Take()
	if n, err := h.b.SetKillSwitch(ctx, bot.KillSwitch{Off: true}); err != nil || n.Discarded != 6 {
		t.Fatalf("!off: %+v, %v; want the 6 waiting photos discarded", n, err)
	}
	h.now = h.now.Add(2 * time.Minute)
	h.customer("+39 333 2000000", "Q1", "/menu")
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 0 {
		t.Fatalf("sent %d messages with the kill switch on", len(sent))
	}
}

func twoDigits(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestOwnerMediaShortcutDeletesTheTypedTextOnce(t *testing.T) {
	h, photo, _ := mediaHarness(t)
	ctx := context.Background()
	m := bot.Message{ID: "OWN1", Chat: "393331234567", Kind: bot.OwnerInChat, Text: "/menu", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 2 || sent[1].Kind != porttest.Revoke || sent[1].ID != "OWN1" ||
		sent[0].Kind != porttest.MediaMsg || sent[0].Media.SHA256 != photo.SHA256 || sent[0].Text != "Our menu" {
		t.Fatalf("sent %+v, want the photo, then the typed /menu deleted", sent)
	}
	// A crash before the message was recorded: WhatsApp delivers it again
	// and the photo goes again under the same id, shown once.
	h.flush() // the tables as written out
	if _, err := h.db.DB().SQL().ExecContext(ctx, "DELETE FROM fd_inbound WHERE msg_id = 'OWN1'"); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	again := h.wa.Take()
	if len(again) != 2 || again[0].ID != sent[0].ID {
		t.Fatalf("redelivery sent %+v, want the photo under %s again", again, sent[0].ID)
	}
	shown := h.wa.Shown("393331234567")
	if len(shown) != 2 || shown[0].Media != photo.SHA256 || !shown[1].Deleted {
		t.Errorf("the customer's phone shows %+v, want the photo and the deleted text once", shown)
	}
	// Too old to replace: nothing is deleted or sent.
	old := bot.Message{ID: "OWN2", Chat: "393331234567", Kind: bot.OwnerInChat, Text: "/menu", Sent: h.now.Add(-bot.EditWindow)}
	if err := h.b.HandleMessage(ctx, old); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 0 {
		t.Errorf("a /menu typed 20 minutes ago was replaced: %+v", sent)
	}
}

func TestPruneMediaKeepsWhatIsReferenced(t *testing.T) {
	h, photo, pdf := mediaHarness(t)
	ctx := context.Background()
	other, err := bot.NewMedia(append([]byte("%PDF-1.7\n"), strings.Repeat("x", 100)...), "old.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.db.SaveMedia(ctx, other); err != nil {
		t.Fatal(err)
	}
	if n, err := h.db.PruneMedia(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("pruned %d, %v: media kept in the last hour must stay", n, err)
	}
	if n, err := h.db.PruneMedia(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want only the unreferenced one", n, err)
	}
	for _, m := range []bot.Media{photo, pdf} {
		if _, err := h.db.LoadMedia(ctx, m.SHA256); err != nil {
			t.Errorf("referenced media %s: %v", m.SHA256, err)
		}
	}
	if _, err := h.db.LoadMedia(ctx, other.SHA256); err == nil {
		t.Error("unreferenced media survived pruning")
	}
}

// BenchmarkCustomerMessageWithMedia is BenchmarkCustomerMessage with the
// keyword answer carrying a 200 KB photo: the per-message path plus
// reading the photo back from the store for the send. Compare it with
// BenchmarkCustomerMessage, its floor.
func BenchmarkCustomerMessageWithMedia(b *testing.B) {
	photo, err := bot.NewMedia(append(append([]byte(nil), porttest.JPEGStub...), make([]byte, 200<<10)...), "")
	if err != nil {
		b.Fatal(err)
	}
	h := newHarness(b, func(c *bot.Config) {
		c.Greeting = bot.GreetingConfig{On: true, Text: "Welcome {name}!", When: bot.WhenAlways, AfterDays: 14}
		c.Keywords = []bot.Keyword{{ID: 1, Phrases: []string{"price", "prezzo"}, Text: "Prices: {website}", Media: &photo.MediaRef}}
	})
	if err := h.db.SaveMedia(context.Background(), photo); err != nil {
		b.Fatal(err)
	}
	customerMessages(b, h)
	if sent := h.wa.Take(); len(sent) == 0 || sent[len(sent)-1].Media == nil {
		b.Fatal("no photo was sent")
	}
}

// TestSameFileTwoNamesKeepsEachName: the same PDF bytes kept under two
// names (two keyword answers here; two businesses of one database alike)
// are stored once, and each answer goes out under the name its own
// reference gives, not under the name the file was first kept with.
func TestSameFileTwoNamesKeepsEachName(t *testing.T) {
	prices, err := bot.NewMedia(porttest.PDFStub, "prices.pdf")
	if err != nil {
		t.Fatal(err)
	}
	menu, err := bot.NewMedia(porttest.PDFStub, "menu.pdf")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *bot.Config) {
		c.Keywords = []bot.Keyword{
			{ID: 1, Phrases: []string{"prices"}, Text: "Our prices", Media: &prices.MediaRef},
			{ID: 2, Phrases: []string{"menu"}, Text: "Our menu", Media: &menu.MediaRef},
		}
	})
	for _, m := range []bot.Media{prices, menu} {
		if err := h.db.SaveMedia(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []bot.Media{prices, menu} {
		word := strings.TrimSuffix(want.FileName, ".pdf")
		h.customer("+39 333 123456"+fmt.Sprint(i), fmt.Sprintf("A%d", i), "the "+word+"?")
		sent := h.wa.Take()
		if len(sent) != 1 || sent[0].Media == nil || sent[0].Media.SHA256 != want.SHA256 || sent[0].Media.FileName != want.FileName {
			t.Errorf("asked about %s: sent %+v, want the PDF named %s", word, sent, want.FileName)
		}
	}
}

// TestMediaAnswerVariantIsTheCaption: a quick reply or keyword answer
// with both a file and language variants sends the same file to every
// customer, with the caption in the customer's language (the variant,
// else the main text); an answer whose main caption is empty still sends
// its file, with the variant as caption where there is one. The owner's
// shortcut typed in a Spanish customer's chat sends the Spanish caption.
// Two customers of different countries in one run get their own.
func TestMediaAnswerVariantIsTheCaption(t *testing.T) {
	photo, err := bot.NewMedia(porttest.JPEGStub, "")
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := bot.NewMedia(porttest.PDFStub, "prices.pdf")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *bot.Config) {
		c.Away.Variants = bot.Variants{"es": "Estamos cerrados."}
		c.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/carta"}, Text: "Our menu",
			Variants: bot.Variants{"es": "Nuestra carta"}, Media: &photo.MediaRef}}
		c.Keywords = []bot.Keyword{{ID: 1, Phrases: []string{"prices", "precios"}, Text: "",
			Variants: bot.Variants{"es": "Nuestros precios"}, Media: &pdf.MediaRef}}
	})
	for _, m := range []bot.Media{photo, pdf} {
		if err := h.db.SaveMedia(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	const es, it = "+34 600 123 456", "+39 333 1234567"
	tests := []struct {
		from, id, text string
		sha, caption   string
	}{
		{es, "E1", "/carta", photo.SHA256, "Nuestra carta\n\nEstamos cerrados."},
		{it, "I1", "/carta", photo.SHA256, "Our menu\n\nWe are closed."},
		{es, "E2", "¿precios?", pdf.SHA256, "Nuestros precios"},
		{it, "I2", "prices?", pdf.SHA256, ""},
	}
	for _, tt := range tests {
		h.customer(tt.from, tt.id, tt.text)
		sent := h.wa.Take()
		if len(sent) != 1 || sent[0].Kind != porttest.MediaMsg || sent[0].Media.SHA256 != tt.sha {
			t.Fatalf("%s %q: sent %+v, want one file %s", tt.from, tt.text, sent, tt.sha[:8])
		}
		if sent[0].Text != tt.caption {
			t.Errorf("%s %q: caption %q, want %q", tt.from, tt.text, sent[0].Text, tt.caption)
		}
	}

	// The owner types the shortcut in the Spanish customer's chat.
	m := bot.Message{ID: "OWN1", Chat: bot.ParseUserID(es), Kind: bot.OwnerInChat, Text: "/carta", Sent: h.now}
	if err := h.b.HandleMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 2 || sent[1].Kind != porttest.Revoke || sent[0].Kind != porttest.MediaMsg ||
		sent[0].Media.SHA256 != photo.SHA256 || sent[0].Text != "Nuestra carta" {
		t.Fatalf("sent %+v, want the photo with the Spanish caption, then the typed /carta deleted", sent)
	}
}
