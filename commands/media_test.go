package commands

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// withFile is the owner sending data as a photo (or a document when name
// is set) with the command text as caption, through bot.HandleMessage.
func (tb *testBot) withFile(kind string, data []byte, name, text string) string {
	tb.t.Helper()
	in := &bot.InboundMedia{Kind: kind, FileName: name, Size: int64(len(data)),
		Fetch: func(context.Context) ([]byte, error) { return data, nil }}
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: text, Media: in})
	return tb.answers(tb.chat)
}

func TestMediaCommandsRefuseAndChangeNothing(t *testing.T) {
	tb := newTestBot(t)
	before := tb.state()
	big := append(append([]byte(nil), porttest.JPEGStub...), make([]byte, bot.MaxMediaBytes)...)
	cases := []struct {
		name, kind string
		data       []byte
		text, want string
	}{
		{"not a photo by its bytes", "image", []byte("GIF89a not kept"), "!qr add /gif A gif", "The photo was not kept: only photos (JPEG, PNG, WebP) and PDF documents can be kept. Nothing was changed."},
		{"a word document", "document", []byte("PK\x03\x04 docx"), "!kw add menu = Menu", "The document was not kept: only photos"},
		{"too big", "image", big, "!qr add /big Big", "the file is 5.1 MB; the limit is 5 MB"},
		{"empty", "image", nil, "!qr add /empty Empty", "The photo was not kept"},
		{"a voice note", "audio", []byte("OggS"), "!qr add /voice Hi", "The voice note was not kept"},
		{"no text and no file", "", nil, "!qr add /menu", "The text is missing"},
		{"/menu without a file", "", nil, "!qr add /menu Menu", "/menu is reserved"},
		{"text-only keyword still needs its text", "", nil, "!kw add menu =", "The text is missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			if tc.kind == "" {
				got = tb.owner(tc.text)
			} else {
				got = tb.withFile(tc.kind, tc.data, "", tc.text)
			}
			contains(t, tc.text, got, tc.want)
			if !sameState(before, tb.state()) {
				t.Errorf("%s changed the configuration", tc.text)
			}
		})
	}
}

func TestTakenShortcutIsRefusedBeforeTheDownload(t *testing.T) {
	tb := newTestBot(t)
	tb.owner("!qr add /time Open 9-18")
	fetched := 0
	in := &bot.InboundMedia{Kind: "image", Fetch: func(context.Context) ([]byte, error) { fetched++; return porttest.JPEGStub, nil }}
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: "!qr add /time Hours", Media: in})
	contains(t, "taken", tb.answers(tb.chat), "/time already exists")
	if fetched != 0 {
		t.Errorf("the file was downloaded %d times for a refused shortcut", fetched)
	}
}

func TestDownloadFailureIsReported(t *testing.T) {
	tb := newTestBot(t)
	in := &bot.InboundMedia{Kind: "image", Fetch: func(context.Context) ([]byte, error) { return nil, errors.New("media server said 404") }}
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: "!qr add /menu Menu", Media: in})
	contains(t, "failed download", tb.answers(tb.chat), "could not be downloaded (media server said 404); send it again", "Nothing was changed")
}

func TestMediaQuickReplyShowListDelete(t *testing.T) {
	tb := newTestBot(t)
	contains(t, "add", tb.withFile("image", porttest.JPEGStub, "", "!qr add /menu Our menu"), "Quick reply /menu saved with its photo (31 B).")
	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: "!qr show /menu"})
	sent := tb.msg.Take()
	if len(sent) != 1 || sent[0].Kind != porttest.MediaMsg || !bytes.Equal(sent[0].Media.Data, porttest.JPEGStub) ||
		!strings.Contains(sent[0].Text, "Our menu") {
		t.Fatalf("!qr show sent %+v, want the photo with its text", sent)
	}
	contains(t, "list", tb.owner("!qr list"), "/menu — Our menu [photo, 31 B]")
	contains(t, "del", tb.owner("!qr del /menu"), "Quick reply /menu deleted.")
	contains(t, "list after del", tb.owner("!qr list"), "No quick replies")
	// Italian answers.
	tb.owner("!lang it")
	contains(t, "Italian", tb.withFile("document", porttest.PDFStub, "listino.pdf", "!qr add /prezzi"), "Risposta rapida /prezzi salvata con documento listino.pdf (33 B).")
	contains(t, "Italian refusal", tb.withFile("image", []byte("nope"), "", "!qr add /xyz X"), "Non ho tenuto il file (foto): si possono tenere solo foto")
}

func TestImportNeedsItsMedia(t *testing.T) {
	tb := newTestBot(t)
	tb.withFile("image", porttest.JPEGStub, "", "!qr add /menu Our menu")
	doc, err := EncodeConfig(tb.b.Config())
	if err != nil {
		t.Fatal(err)
	}
	// Its own export imports again: the photo is kept.
	contains(t, "own export", tb.owner("!import "+string(doc)), "Configuration imported")
	// A document naming a photo this database does not keep is refused.
	other := newTestBot(t)
	before := other.state()
	contains(t, "foreign export", other.owner("!import "+string(doc)), "Import refused, nothing was changed: the media of quick_replies[0] is not kept in this database")
	if !sameState(before, other.state()) {
		t.Error("a refused import changed the configuration")
	}
}

func TestProfileLocation(t *testing.T) {
	tb := newTestBot(t)
	for _, bad := range []string{"45.4642", "north,south", "91,0", "0,181", "NaN,0"} {
		contains(t, bad, tb.owner("!profile location "+bad), "Usage: !profile location")
	}
	contains(t, "set", tb.owner("!profile location 45.4642, 9.1900"), "Business location saved: 45.4642,9.19")
	if l := tb.saved().Profile.Location; l == nil || l.Lat != 45.4642 || l.Long != 9.19 {
		t.Fatalf("saved location %+v", l)
	}
	tb.owner("!qr add /where Via Roma 1")
	contains(t, "taken", tb.owner("!profile location 45,9"), "Note: your quick reply /where answers instead")
	contains(t, "clear", tb.owner("!profile location clear"), "cleared")
	if tb.saved().Profile.Location != nil {
		t.Error("the location was not cleared")
	}
}

// TestMediaWithVariants: a quick reply and a keyword answer with a file
// take language variants (the caption in that language); the lists mark
// both, !qr show gives the file with its variants, !simulate with a
// Spanish number shows the file and that the caption is the Spanish one.
func TestMediaWithVariants(t *testing.T) {
	tb := newTestBot(t)
	contains(t, "qr add", tb.withFile("image", porttest.JPEGStub, "", "!qr add /carta Our menu"), "Quick reply /carta saved with its photo")
	contains(t, "qr text", tb.owner("!qr text /carta es Nuestra carta"), "saved")
	contains(t, "kw add", tb.withFile("document", porttest.PDFStub, "prices.pdf", "!kw add prices, precios = Our prices"), "with its document")
	contains(t, "kw text", tb.owner("!kw text 1 es Nuestros precios"), "saved")
	contains(t, "qr list", tb.owner("!qr list"), "/carta — Our menu [es] [photo, 31 B]")
	contains(t, "kw list", tb.owner("!kw list"), "1. prices, precios = Our prices [es] [document prices.pdf, 33 B]")

	tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: "!qr show /carta"})
	sent := tb.msg.Take()
	if len(sent) != 1 || sent[0].Kind != porttest.MediaMsg || !bytes.Equal(sent[0].Media.Data, porttest.JPEGStub) ||
		!strings.Contains(sent[0].Text, "Our menu") || !strings.Contains(sent[0].Text, "Nuestra carta") {
		t.Fatalf("!qr show sent %+v, want the photo with its text and its Spanish text", sent)
	}

	sim := tb.owner("!simulate wed 12:00 known +34 600 123 456 ¿precios?")
	for _, want := range []string{"[document prices.pdf, 33 B]\nNuestros precios", "Keyword answer: text in Spanish."} {
		contains(t, "simulate es", sim, want)
	}
	sim = tb.owner("!simulate wed 12:00 known +39 333 1234567 prices?")
	for _, want := range []string{"[document prices.pdf, 33 B]\nOur prices", "Keyword answer: main text (none in Italian)."} {
		contains(t, "simulate it", sim, want)
	}
	// /where has no text of its own: no "main text" line for it.
	tb.owner("!profile location 45.4642,9.1900")
	sim = tb.owner("!simulate wed 12:00 known +34 600 123 456 /where")
	contains(t, "simulate where", sim, "[location 45.4642,9.19")
	if strings.Contains(sim, "main text") {
		t.Errorf("simulate /where speaks of a main text:\n%s", sim)
	}
	// A photo sent without a caption has no text to translate: !check
	// does not ask for its Spanish text (it does for the text-only one).
	contains(t, "qr add bare", tb.withFile("image", porttest.JPEGStub, "", "!qr add /foto"), "Quick reply /foto saved")
	tb.owner("!qr add /orari Open 9-18")
	check := tb.owner("!check")
	contains(t, "check", check, "/orari")
	if strings.Contains(check, "/foto") {
		t.Errorf("!check asks for a text of the captionless /foto:\n%s", check)
	}
	// Nothing was sent to any customer by all this.
	if sent := tb.msg.Take(); len(sent) != 0 {
		t.Errorf("sent %+v", sent)
	}
}
