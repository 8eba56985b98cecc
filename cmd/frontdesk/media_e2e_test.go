package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"

	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp/fakewa"
)

// mediaCommand sends a photo or document with a command as caption from
// the phone's self chat and returns the bot's answer there.
func (e *e2e) mediaCommand(m fakewa.PhoneMedia) string {
	e.t.Helper()
	e.srv.Phone().SendMediaToSelf(m)
	r := e.srv.Phone().NextWhere(e.t, e2eWait, func(r fakewa.Received) bool {
		return r.Chat.User == fakewa.OwnerPhone
	})
	return r.Text
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestEndToEndMedia runs the media features through `frontdesk run`'s
// wiring and the real whatsmeow client: the fake customers and the phone
// decrypt every photo, document, pin and deletion.
func TestEndToEndMedia(t *testing.T) {
	e := newE2E(t)
	phone := e.srv.Phone()
	e.start()
	e.link()
	photo, pdf := porttest.JPEGStub, porttest.PDFStub

	t.Run("owner keeps a photo and a PDF from the self chat", func(t *testing.T) {
		for _, cmd := range []string{"!greeting text Welcome!", "!greeting on", "!profile name Bar Roma",
			"!profile address Via Roma 1, Milano"} {
			if got := e.command(cmd); got == "" || strings.Contains(got, "Usage") {
				t.Fatalf("%s answered %q", cmd, got)
			}
		}
		if got := e.mediaCommand(fakewa.PhoneMedia{Data: photo, Mime: "image/jpeg", Caption: "!qr add /menu Our menu"}); !strings.Contains(got, "Quick reply /menu saved with its photo") {
			t.Fatalf("!qr add with a photo answered %q", got)
		}
		got := e.mediaCommand(fakewa.PhoneMedia{Document: true, Data: pdf, Mime: "application/pdf", FileName: "prices.pdf",
			Caption: "!kw add prices, price list = Here are our prices"})
		if !strings.Contains(got, "with its document prices.pdf") {
			t.Fatalf("!kw add with a PDF answered %q", got)
		}
	})

	t.Run("files the bot does not keep are refused and change nothing", func(t *testing.T) {
		got := e.mediaCommand(fakewa.PhoneMedia{Data: []byte("just text, named a photo"), Mime: "image/jpeg", Caption: "!qr add /fake Fake"})
		if !strings.Contains(got, "only photos (JPEG, PNG, WebP) and PDF documents") {
			t.Errorf("a text file sent as a photo answered %q", got)
		}
		big := append(append([]byte(nil), photo...), make([]byte, 6<<20)...)
		got = e.mediaCommand(fakewa.PhoneMedia{Data: big, Mime: "image/jpeg", Caption: "!qr add /big Big"})
		if !strings.Contains(got, "the limit is 5 MB") {
			t.Errorf("a 6 MB photo answered %q", got)
		}
		if got := e.command("!qr list"); strings.Contains(got, "/fake") || strings.Contains(got, "/big") {
			t.Errorf("a refused file was saved: %q", got)
		}
	})

	t.Run("!qr show sends the photo back", func(t *testing.T) {
		phone.SendToSelf("!qr show /menu")
		r := phone.NextWhere(t, e2eWait, func(r fakewa.Received) bool { return r.Chat.User == fakewa.OwnerPhone })
		if r.MediaErr != nil || !bytes.Equal(r.Media, photo) || !strings.Contains(r.Text, "Our menu") {
			t.Errorf("the phone got %q with media %d bytes (%v), want the photo", r.Text, len(r.Media), r.MediaErr)
		}
	})

	alice := e.srv.NewCustomer("Alice")
	t.Run("a customer's shortcut: one photo, the greeting in its caption", func(t *testing.T) {
		alice.Send("/menu")
		got := alice.Next(t, e2eWait)
		if got.Text != "Welcome!\n\nOur menu" || got.MediaErr != nil || !bytes.Equal(got.Media, photo) {
			t.Errorf("Alice got %q with %d bytes (%v), want the photo with greeting and caption", got.Text, len(got.Media), got.MediaErr)
		}
		if r := phone.NextWhere(t, e2eWait, inChat(alice)); !bytes.Equal(r.Media, photo) {
			t.Errorf("the phone's copy has %d bytes (%v), want the photo", len(r.Media), r.MediaErr)
		}
		alice.ExpectNothing(t, 200*time.Millisecond)
	})

	t.Run("a customer's captioned photo matches a keyword: the PDF", func(t *testing.T) {
		alice.SendMessage(fakewa.ByPN, &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			Caption: proto.String("is this on the price list?"), Mimetype: proto.String("image/jpeg")}})
		got := alice.Next(t, e2eWait)
		if got.Text != "Here are our prices" || got.FileName != "prices.pdf" || !bytes.Equal(got.Media, pdf) {
			t.Errorf("Alice got %q %q with %d bytes (%v), want the PDF", got.Text, got.FileName, len(got.Media), got.MediaErr)
		}
	})

	t.Run("stickers, voice notes, videos and documents are messages; reactions and deletions are not", func(t *testing.T) {
		for _, msg := range []*waE2E.Message{
			{StickerMessage: &waE2E.StickerMessage{Mimetype: proto.String("image/webp")}},
			{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true), Mimetype: proto.String("audio/ogg; codecs=opus")}},
			{VideoMessage: &waE2E.VideoMessage{Mimetype: proto.String("video/mp4")}},
			{DocumentMessage: &waE2E.DocumentMessage{FileName: proto.String("order.pdf"), Mimetype: proto.String("application/pdf")}},
		} {
			c := e.srv.NewCustomer("New")
			c.SendMessage(fakewa.ByPN, msg)
			if got := c.Next(t, e2eWait); got.Text != "Welcome!" {
				t.Errorf("%v got %q, want the greeting", msg, got.Text)
			}
		}
		quiet := e.srv.NewCustomer("Quiet")
		r := quiet.SendMessage(fakewa.ByPN, &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
			Key: &waCommon.MessageKey{ID: proto.String("3EB0000000000000000000"), FromMe: proto.Bool(true)}, Text: proto.String("👍")}})
		d := quiet.SendMessage(fakewa.ByPN, &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: &waCommon.MessageKey{ID: proto.String("3EB0000000000000000001")}}})
		e.waitAck(r)
		e.waitAck(d)
		quiet.ExpectNothing(t, 300*time.Millisecond)
	})

	t.Run("/where sends the location pin", func(t *testing.T) {
		if got := e.command("!profile location 45.4642,9.1900"); !strings.Contains(got, "45.4642,9.19") {
			t.Fatalf("!profile location answered %q", got)
		}
		alice.Send("/where")
		got := alice.Next(t, e2eWait)
		l := got.Location
		if l == nil || l.GetDegreesLatitude() != 45.4642 || l.GetDegreesLongitude() != 9.19 ||
			l.GetName() != "Bar Roma" || l.GetAddress() != "Via Roma 1, Milano" {
			t.Errorf("Alice got %+v, want the pin of Bar Roma", got)
		}
	})

	t.Run("the owner's /menu in a chat is replaced by the photo, then deleted", func(t *testing.T) {
		bob := e.srv.NewCustomer("Bob")
		id := phone.SendInChat(bob, "/menu")
		got := bob.Next(t, e2eWait)
		if got.Text != "Our menu" || !bytes.Equal(got.Media, photo) {
			t.Errorf("Bob first got %q with %d bytes, want the photo", got.Text, len(got.Media))
		}
		del := bob.Next(t, e2eWait)
		if del.RevokeOf != id {
			t.Fatalf("Bob then got %+v, want the deletion of %s", del, id)
		}
		shown := bob.Shown()
		if len(shown) != 2 || !bytes.Equal(shown[0].Media, photo) || shown[1].ID != id || !shown[1].Deleted {
			t.Errorf("Bob's phone shows %+v, want the photo, and the typed text deleted", shown)
		}
		if r := phone.NextWhere(t, e2eWait, inChat(bob)); !bytes.Equal(r.Media, photo) {
			t.Errorf("the phone's copy of the photo has %d bytes", len(r.Media))
		}
		pr := phone.NextWhere(t, e2eWait, func(r fakewa.Received) bool { return r.RevokeOf == id })
		if pr.Chat != bob.PN() {
			t.Errorf("the phone saw the deletion in %s", pr.Chat)
		}
		e.waitAck(id)
		// The owner handled the chat: Bob's photo now gets nothing.
		bob.SendMessage(fakewa.ByPN, &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Mimetype: proto.String("image/jpeg")}})
		bob.ExpectNothing(t, 300*time.Millisecond)
	})

	t.Run("!export names the media; frontdesk export --media writes the files", func(t *testing.T) {
		phone.SendToSelf("!export")
		r := phone.NextWhere(t, e2eWait, func(r fakewa.Received) bool {
			return r.Chat.User == fakewa.OwnerPhone && strings.Contains(r.Text, "carry a photo or document")
		})
		if !strings.Contains(r.Text, "/menu [photo") || !strings.Contains(r.Text, "keyword answer 1 (prices, price list) [document prices.pdf") {
			t.Errorf("!export's media note = %q", r.Text)
		}
		e.stop()
		dir := filepath.Join(t.TempDir(), "media")
		var out, errOut bytes.Buffer
		if err := run(context.Background(), []string{"export", "--db", e.dbPath, "--media", dir}, &out, &errOut); err != nil {
			t.Fatalf("export --media: %v\n%s", err, errOut.String())
		}
		for _, f := range []struct {
			data []byte
			ext  string
		}{{photo, ".jpg"}, {pdf, ".pdf"}} {
			got, err := os.ReadFile(filepath.Join(dir, sum(f.data)+f.ext))
			if err != nil || !bytes.Equal(got, f.data) {
				t.Errorf("%s%s: %d bytes, %v", sum(f.data), f.ext, len(got), err)
			}
			if !strings.Contains(out.String(), sum(f.data)) {
				t.Errorf("the document does not name %s", sum(f.data))
			}
		}
		if !strings.Contains(errOut.String(), "for /menu") {
			t.Errorf("export did not say which entry uses which file:\n%s", errOut.String())
		}
		// Moving the setup to a new database: the document alone is
		// refused (its files are not there), with --media it is whole.
		doc := filepath.Join(t.TempDir(), "settings.json")
		if err := os.WriteFile(doc, out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(t.TempDir(), "fresh.db")
		var o2, e2 bytes.Buffer
		err := run(context.Background(), []string{"import", "--db", fresh, doc}, &o2, &e2)
		if err == nil || !strings.Contains(err.Error(), "not kept in this database") {
			t.Fatalf("import without the files: %v, want a refusal", err)
		}
		if err := run(context.Background(), []string{"import", "--db", fresh, "--media", dir, doc}, &o2, &e2); err != nil {
			t.Fatalf("import --media: %v", err)
		}
		var o3, e3 bytes.Buffer
		dir2 := filepath.Join(t.TempDir(), "again")
		if err := run(context.Background(), []string{"export", "--db", fresh, "--media", dir2}, &o3, &e3); err != nil {
			t.Fatal(err)
		}
		if o3.String() != out.String() {
			t.Errorf("export after import differs:\n%s\nwant\n%s", o3.String(), out.String())
		}
		if got, err := os.ReadFile(filepath.Join(dir2, sum(pdf)+".pdf")); err != nil || !bytes.Equal(got, pdf) {
			t.Errorf("the PDF after the round trip: %d bytes, %v", len(got), err)
		}
	})
}

// TestKillMediaNothingTwice is the kill test with every keyword answer
// carrying a PDF: a child killed at random moments, during uploads too,
// neither loses a reply nor shows one twice (a resend goes under the
// message id chosen when the reply was queued).
func TestKillMediaNothingTwice(t *testing.T) {
	r := newKillRigSetup(t, func(e *e2e) {
		for _, w := range topics {
			got := e.mediaCommand(fakewa.PhoneMedia{Document: true, Data: porttest.PDFStub, Mime: "application/pdf",
				FileName: "answer.pdf", Caption: "!kw add " + w + " = Answer " + w})
			if !strings.Contains(got, "with its document answer.pdf") {
				t.Fatalf("!kw add %s with a PDF answered %q", w, got)
			}
		}
	})
	customers := newCustomers(r.srv, 4)
	killAndCount(t, r, customers, kills(10, 6))
	for _, c := range customers {
		for _, m := range c.Shown() {
			if !bytes.Equal(m.Media, porttest.PDFStub) {
				t.Errorf("%s: %q came with %d bytes (%v), want the PDF", c.PN().User, m.Text, len(m.Media), m.MediaErr)
			}
		}
	}
}
