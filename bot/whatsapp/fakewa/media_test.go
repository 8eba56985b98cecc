package fakewa_test

import (
	"bytes"
	"context"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"frontdesk/bot/whatsapp/fakewa"
)

// TestPhoneMediaDownloads: a photo and a document the phone sends are
// uploaded encrypted to the fake, and the client downloads and decrypts
// them as whatsmeow does for a real server.
func TestPhoneMediaDownloads(t *testing.T) {
	srv, bc := newLinked(t)
	photo := []byte("\xff\xd8\xff\xe0 a photo from the phone")
	pdf := []byte("%PDF-1.4 a price list from the phone")
	srv.Phone().SendMediaToSelf(fakewa.PhoneMedia{Data: photo, Mime: "image/jpeg", Caption: "!qr add /menu Menu"})
	m := waitEvent[*events.Message](t, bc) // waitMessage skips media
	img := m.Message.GetImageMessage()
	if img.GetCaption() != "!qr add /menu Menu" {
		t.Fatalf("got %+v, want the captioned photo", m.Message)
	}
	got, err := bc.cli.Download(context.Background(), img)
	if err != nil || !bytes.Equal(got, photo) {
		t.Errorf("download = %q, %v; want the photo", got, err)
	}
	srv.Phone().SendMediaToSelf(fakewa.PhoneMedia{Document: true, Data: pdf, Mime: "application/pdf", FileName: "prices.pdf"})
	m = waitEvent[*events.Message](t, bc)
	doc := m.Message.GetDocumentMessage()
	if doc.GetFileName() != "prices.pdf" {
		t.Fatalf("got %+v, want the document", m.Message)
	}
	if got, err := bc.cli.Download(context.Background(), doc); err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("download = %q, %v; want the PDF", got, err)
	}
}

// TestDocumentLocationAndRevokeReachPeers: what the client sends is what
// the customer and the phone see: a document decrypted whole, a location,
// and a deletion that Shown applies to the message it deletes.
func TestDocumentLocationAndRevokeReachPeers(t *testing.T) {
	srv, bc := newLinked(t)
	liv := srv.NewCustomer("Liv")
	liv.Send("hi")
	m := waitMessage(t, bc)
	ctx := context.Background()
	pdf := []byte("%PDF-1.4 sent by the linked device")
	up, err := bc.cli.Upload(ctx, pdf, whatsmeow.MediaDocument)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := bc.cli.SendMessage(ctx, m.Info.Chat, &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
		URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
		FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		Mimetype: proto.String("application/pdf"), FileName: proto.String("list.pdf"), Caption: proto.String("Prices")}})
	if err != nil {
		t.Fatal(err)
	}
	got := liv.Next(t, wait)
	if got.MediaErr != nil || !bytes.Equal(got.Media, pdf) || got.FileName != "list.pdf" || got.Text != "Prices" {
		t.Errorf("Liv got %q %q %q (%v)", got.Media, got.FileName, got.Text, got.MediaErr)
	}
	if r := srv.Phone().NextWhere(t, wait, func(r fakewa.Received) bool { return r.ID == resp.ID }); !bytes.Equal(r.Media, pdf) {
		t.Errorf("the phone's copy: %q (%v)", r.Media, r.MediaErr)
	}
	if _, err := bc.cli.SendMessage(ctx, m.Info.Chat, &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
		DegreesLatitude: proto.Float64(45.4642), DegreesLongitude: proto.Float64(9.19), Name: proto.String("Bar Roma")}}); err != nil {
		t.Fatal(err)
	}
	if got := liv.Next(t, wait); got.Location.GetDegreesLatitude() != 45.4642 || got.Location.GetName() != "Bar Roma" {
		t.Errorf("Liv got location %+v", got.Location)
	}
	if _, err := bc.cli.SendMessage(ctx, m.Info.Chat, bc.cli.BuildRevoke(m.Info.Chat, bc.cli.Store.GetJID(), resp.ID)); err != nil {
		t.Fatal(err)
	}
	if got := liv.Next(t, wait); got.RevokeOf != resp.ID {
		t.Errorf("Liv got %+v, want the deletion of %s", got, resp.ID)
	}
	shown := liv.Shown()
	if len(shown) != 2 || shown[0].ID != resp.ID || !shown[0].Deleted || shown[0].Media != nil || shown[1].Location == nil {
		t.Errorf("Liv's phone shows %+v, want the document deleted, then the location", shown)
	}
}
