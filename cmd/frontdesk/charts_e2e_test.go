package main

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"frontdesk/bot/whatsapp/fakewa"
)

// TestChartsEndToEnd: !stats and !week image, typed on the phone, come
// back to the phone's self chat as real WhatsApp images, uploaded by the
// whatsmeow adapter and downloaded and decrypted by the phone.
func TestChartsEndToEnd(t *testing.T) {
	e := newE2E(t)
	phone := e.srv.Phone()
	e.start()
	e.link()

	alice := e.srv.NewCustomer("Alice")
	e.waitAck(alice.Send("hello"))
	e.waitAck(alice.Send("are you open today?"))

	toOwner := func(r fakewa.Received) bool { return r.Chat.User == fakewa.OwnerPhone }
	picture := func(what string, w, h int) string {
		t.Helper()
		r := phone.NextWhere(t, e2eWait, toOwner)
		if r.Image == nil {
			t.Fatalf("%s: the phone got %q (image error %v), want a picture", what, r.Text, r.ImageErr)
		}
		img, err := png.Decode(bytes.NewReader(r.Image))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", what, err)
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("%s: %dx%d, want %dx%d", what, b.Dx(), b.Dy(), w, h)
		}
		t.Logf("%s: %d bytes, caption %q", what, len(r.Image), r.Text)
		return r.Text
	}

	phone.SendToSelf("!stats")
	text := phone.NextWhere(t, e2eWait, toOwner)
	if !strings.Contains(text.Text, "Customer messages: 2 from 1 customers") {
		t.Errorf("!stats answered %q", text.Text)
	}
	// Both messages fall in one hour, or (on the stroke of an hour) two.
	if caption := picture("!stats chart", 800, 960); !strings.Contains(caption, "2 of 2 messages") && !strings.Contains(caption, "1 messages each, of 2") {
		t.Errorf("!stats chart caption %q, want the busiest hour of the 2 messages", caption)
	}

	phone.SendToSelf("!week image")
	if caption := picture("!week image", 800, 722); !strings.HasPrefix(caption, "The next 7 days") {
		t.Errorf("!week image caption %q", caption)
	}
}
