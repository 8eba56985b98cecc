package porttest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"frontdesk/bot"
)

// The MediaStore part of the Store contract: media kept by its SHA-256,
// an outgoing message's attachment, and pruning what nothing refers to.

func mediaOf(t *testing.T, data []byte, name string) bot.Media {
	t.Helper()
	m, err := bot.NewMedia(data, name)
	if err != nil {
		t.Fatalf("NewMedia: %v", err)
	}
	return m
}

func testMediaRoundTrip(t *testing.T, s bot.Store) {
	ctx := t.Context()
	doc := mediaOf(t, PDFStub, "prices.pdf")
	if _, err := s.LoadMedia(ctx, doc.SHA256); !errors.Is(err, bot.ErrNoMedia) {
		t.Fatalf("LoadMedia before saving: %v, want ErrNoMedia", err)
	}
	if ok, err := s.HasMedia(ctx, doc.SHA256); ok || err != nil {
		t.Errorf("HasMedia before saving = %v, %v; want false", ok, err)
	}
	must(t, s.SaveMedia(ctx, doc), "SaveMedia")
	if ok, err := s.HasMedia(ctx, doc.SHA256); !ok || err != nil {
		t.Errorf("HasMedia after saving = %v, %v; want true", ok, err)
	}
	// Kept again (a photo added back to a quick reply): it is safe from
	// pruning as kept now, until the configuration refers to it.
	again := time.Now()
	must(t, s.SaveMedia(ctx, doc), "SaveMedia again")
	if n, err := s.PruneMedia(ctx, again); err != nil || n != 0 {
		t.Errorf("PruneMedia right after keeping it again = %d, %v; want it kept", n, err)
	}
	got, err := s.LoadMedia(ctx, doc.SHA256)
	must(t, err, "LoadMedia")
	if got.MediaRef != doc.MediaRef || !bytes.Equal(got.Data, doc.Data) {
		t.Errorf("LoadMedia = %+v (%d bytes), want %+v", got.MediaRef, len(got.Data), doc.MediaRef)
	}
	lying := doc
	lying.Data = JPEGStub
	if err := s.SaveMedia(ctx, lying); err == nil {
		t.Error("SaveMedia kept bytes that do not match their reference")
	}
}

func testOutboxAttachment(t *testing.T, s bot.Store) {
	photo := mediaOf(t, JPEGStub, "")
	in := withReply(message(alicePN, "A1", t0), "Our menu")
	in.Reply.Attachment = &bot.Attachment{Media: &photo.MediaRef}
	record(t, s, in)
	pin := withReply(message(bobPN, "B1", t0.Add(time.Second)), "")
	pin.Reply.Text = ""
	pin.Reply.Attachment = &bot.Attachment{Pin: &bot.Pin{Location: bot.Location{Lat: 45.4642, Long: 9.19}, Name: "Bar Roma"}}
	record(t, s, pin)
	out := pending(t, s)
	if len(out) != 2 || out[0].Attachment == nil || out[0].Attachment.Media == nil || *out[0].Attachment.Media != photo.MediaRef {
		t.Fatalf("pending = %+v, want the photo's reference kept with the reply", out)
	}
	if p := out[1].Attachment; p == nil || p.Pin == nil || p.Pin.Lat != 45.4642 || p.Pin.Name != "Bar Roma" || out[1].Text != "" {
		t.Errorf("pending pin = %+v, want the pin with no text", out[1])
	}
}

func testPruneMedia(t *testing.T, s bot.Store) {
	ctx := t.Context()
	inConfig := mediaOf(t, JPEGStub, "")
	waiting := mediaOf(t, PDFStub, "prices.pdf")
	loose := mediaOf(t, append([]byte("%PDF-1.7\n"), "unused"...), "old.pdf")
	for _, m := range []bot.Media{inConfig, waiting, loose} {
		must(t, s.SaveMedia(ctx, m), "SaveMedia")
	}
	cfg := bot.DefaultConfig()
	cfg.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/menu"}, Text: "Menu", Media: &inConfig.MediaRef}}
	must(t, s.SaveConfig(ctx, cfg, nil), "SaveConfig")
	in := withReply(message(alicePN, "A1", t0), "Prices")
	in.Reply.Attachment = &bot.Attachment{Media: &waiting.MediaRef}
	record(t, s, in)

	if n, err := s.PruneMedia(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("PruneMedia before anything was kept = %d, %v; want 0", n, err)
	}
	n, err := s.PruneMedia(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("PruneMedia = %d, %v; want only the unreferenced one", n, err)
	}
	for _, m := range []bot.Media{inConfig, waiting} {
		if _, err := s.LoadMedia(ctx, m.SHA256); err != nil {
			t.Errorf("referenced media pruned: %v", err)
		}
	}
	if _, err := s.LoadMedia(ctx, loose.SHA256); !errors.Is(err, bot.ErrNoMedia) {
		t.Errorf("unreferenced media: %v, want ErrNoMedia", err)
	}
	if ok, err := s.HasMedia(ctx, loose.SHA256); ok || err != nil {
		t.Errorf("HasMedia of pruned media = %v, %v; want false", ok, err)
	}
	// Once its message is sent, the PDF is referred to by nothing.
	out := pending(t, s)
	must(t, s.MarkSending(ctx, out[0].ID), "MarkSending")
	must(t, s.MarkSent(ctx, out[0].ID, out[0].MsgID, t0), "MarkSent")
	if n, err := s.PruneMedia(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("PruneMedia after the send = %d, %v; want the PDF gone", n, err)
	}
}
