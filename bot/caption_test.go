package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// longTexts makes the greeting and away texts of h 250 characters each
// and the /menu and "prices" captions 250 too, so a /menu asking for
// prices composes greeting, two answers and away: over 1,000 characters,
// and with {website} expanded well over a caption's 1,024.
func longCaptionHarness(t *testing.T) (*harness, bot.Media, bot.Media) {
	t.Helper()
	h, photo, pdf := mediaHarness(t)
	cfg := h.b.Config()
	cfg.Greeting.Text = "G" + strings.Repeat("g", 200) + " {website}"
	cfg.Away.Text = "A" + strings.Repeat("a", 200) + " {website}"
	cfg.Profile.Website = "https://example.com/" + strings.Repeat("w", 200)
	cfg.QuickReplies[0].Text = "Our menu " + strings.Repeat("m", 200)
	if err := h.db.SaveConfig(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	return h, photo, pdf
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func TestLongCaptionGoesAsMediaThenText(t *testing.T) {
	h, photo, _ := longCaptionHarness(t)
	h.customer("+39 333 1234567", "A1", "/menu")
	sent := h.wa.Take()
	if len(sent) != 2 {
		t.Fatalf("sent %d messages %+v, want the photo and then a text", len(sent), sent)
	}
	if sent[0].Kind != porttest.MediaMsg || sent[0].Media.SHA256 != photo.SHA256 {
		t.Fatalf("first %+v, want the photo", sent[0])
	}
	if n := utf16Len(sent[0].Text); n > bot.MaxCaption {
		t.Errorf("caption is %d characters, over %d", n, bot.MaxCaption)
	}
	if !strings.HasPrefix(sent[0].Text, "Our menu ") {
		t.Errorf("caption %q, want the answer's own text", bot.Clip(sent[0].Text, 40))
	}
	if sent[1].Kind != porttest.Text || !strings.HasPrefix(sent[1].Text, "Gggg") || !strings.Contains(sent[1].Text, "\n\nAaaa") {
		t.Errorf("then %+v, want the greeting and away as a text", sent[1].Kind)
	}
	if sent[0].ID == "" || sent[1].ID == "" || sent[0].ID == sent[1].ID {
		t.Errorf("ids %q and %q, want two distinct chosen ids", sent[0].ID, sent[1].ID)
	}
	// Nothing of the composed text is lost.
	for _, part := range []string{"Our menu ", "Gggg", "Aaaa"} {
		if !strings.Contains(sent[0].Text+sent[1].Text, part) {
			t.Errorf("%q was lost", part)
		}
	}
}

func TestLongCaptionCrashBetweenMediaAndTextShowsEachOnce(t *testing.T) {
	h, photo, _ := longCaptionHarness(t)
	ctx := context.Background()
	m := bot.Message{ID: "A1", Chat: "393331234567", Kind: bot.FromCustomer, Text: "/menu", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	msgID := h.claimedMsgID()
	// The photo went out, then the process died before the text.
	if _, err := h.wa.SendMedia(ctx, "393331234567", photo, "Our menu", msgID); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 3 || sent[1].ID != msgID || sent[2].Kind != porttest.Text {
		t.Fatalf("sent %+v, want the photo again under %s and then the text", sent, msgID)
	}
	textID := sent[2].ID
	// A second crash after both left: both go again, under the same ids.
	h.flush() // the tables as written out
	if _, err := h.db.DB().SQL().ExecContext(ctx, "UPDATE fd_outbox SET status = 'sending', sent_at = NULL"); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	again := h.wa.Take()
	if len(again) != 2 || again[0].ID != msgID || again[1].ID != textID {
		t.Fatalf("resent %+v, want the photo under %s and the text under %s", again, msgID, textID)
	}
	shown := h.wa.Shown("393331234567")
	if len(shown) != 2 || shown[0].Media != photo.SHA256 || shown[1].ID != textID {
		t.Errorf("the phone shows %+v, want the photo and the text, once each", shown)
	}
}

func TestLongCaptionPacingCountsBothMessages(t *testing.T) {
	h, _, _ := longCaptionHarness(t)
	ctx := context.Background()
	// 15 new customers ask for /menu in one minute: each answer is a
	// photo and a text, so 10 answers (20 messages) leave.
	for i := range 15 {
		h.customer("+39 333 10000"+twoDigits(i), "P"+twoDigits(i), "/menu")
	}
	if sent := h.wa.Take(); len(sent) != bot.MaxPerMinute {
		t.Fatalf("%d messages sent in the first minute, want %d", len(sent), bot.MaxPerMinute)
	}
	if next := h.b.NextWake(); !next.Equal(h.now.Add(time.Minute)) {
		t.Errorf("next wake %v, want a minute on (%v)", next, h.now.Add(time.Minute))
	}
	h.now = h.now.Add(time.Minute)
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 10 {
		t.Fatalf("the next minute sent %d messages, want the 5 waiting answers as 10", len(sent))
	}
}

func TestPinCarriesNoTextAndTheTextFollows(t *testing.T) {
	h, _, _ := mediaHarness(t)
	h.customer("+39 333 1234567", "A1", "/where")
	sent := h.wa.Take()
	if len(sent) != 2 || sent[0].Pin == nil || sent[0].Pin.Comment != "" || sent[0].Text != "" {
		t.Fatalf("sent %+v, want a pin without comment first", sent)
	}
	if sent[0].Pin.Name != "Bar Roma" || sent[0].Pin.Address != "Via Roma 1" {
		t.Errorf("pin %+v, want the business name and address", sent[0].Pin)
	}
	if sent[1].Kind != porttest.Text || sent[1].Text != "Welcome!\n\nWe are closed." || sent[1].ID == sent[0].ID {
		t.Errorf("then %+v, want the greeting and away as a text", sent[1])
	}
}

func TestOwnerMediaShortcutWithLongCaptionSendsTextAfter(t *testing.T) {
	h, photo, _ := mediaHarness(t)
	ctx := context.Background()
	cfg := h.b.Config()
	cfg.Profile.Website = "https://example.com/" + strings.Repeat("w", 240)
	cfg.QuickReplies[0].Text = "{website} {website} {website} {website} {website}"
	if err := h.db.SaveConfig(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	m := bot.Message{ID: "OWN1", Chat: "393331234567", Kind: bot.OwnerInChat, Text: "/menu", Sent: h.now}
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 3 || sent[0].Kind != porttest.MediaMsg || sent[0].Media.SHA256 != photo.SHA256 || sent[1].Kind != porttest.Text || sent[2].Kind != porttest.Revoke {
		t.Fatalf("sent %+v, want the photo, the text, then the typed text deleted", sent)
	}
	if utf16Len(sent[0].Text) > bot.MaxCaption || !strings.Contains(sent[1].Text, "wwww") {
		t.Errorf("caption %d characters, text %q", utf16Len(sent[0].Text), bot.Clip(sent[1].Text, 40))
	}
	// Redelivered after a crash: the same two ids again, shown once.
	h.flush() // the tables as written out
	if _, err := h.db.DB().SQL().ExecContext(ctx, "DELETE FROM fd_inbound WHERE msg_id = 'OWN1'"); err != nil {
		t.Fatal(err)
	}
	h.restart(bot.Options{})
	if err := h.b.HandleMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	again := h.wa.Take()
	if len(again) != 3 || again[0].ID != sent[0].ID || again[1].ID != sent[1].ID {
		t.Fatalf("redelivery sent %+v, want the same ids %s, %s", again, sent[0].ID, sent[1].ID)
	}
	if shown := h.wa.Shown("393331234567"); len(shown) != 3 {
		t.Errorf("the phone shows %+v, want the photo, the text and the deleted text once", shown)
	}
}

func TestPacingHoldsAMediaAndTextPairUntilTwoSlotsAreFree(t *testing.T) {
	h, _, _ := longCaptionHarness(t)
	ctx := context.Background()
	for i := range bot.MaxPerMinute - 1 {
		h.customer("+39 333 10000"+twoDigits(i), "H"+twoDigits(i), "hello")
	}
	if sent := h.wa.Take(); len(sent) != bot.MaxPerMinute-1 {
		t.Fatalf("%d sent, want %d", len(sent), bot.MaxPerMinute-1)
	}
	// One slot is left this minute: the photo and its text wait for two.
	h.customer("+39 333 2000000", "M1", "/menu")
	if sent := h.wa.Take(); len(sent) != 0 {
		t.Fatalf("sent %+v with one slot left, want the pair to wait", sent)
	}
	if next := h.b.NextWake(); !next.Equal(h.now.Add(time.Minute)) {
		t.Errorf("next wake %v, want %v when two slots are free", next, h.now.Add(time.Minute))
	}
	h.now = h.now.Add(time.Minute)
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := h.wa.Take(); len(sent) != 2 || sent[0].Kind != porttest.MediaMsg || sent[1].Kind != porttest.Text {
		t.Fatalf("a minute later sent %+v, want the photo and its text", sent)
	}
}

// A reply queued by an earlier version (a pin with its text as comment,
// a caption over the limit, no text after) goes out the same way, its
// text after under an id made from the reply's own.
func TestReplyQueuedBeforeTextsFollowedAttachments(t *testing.T) {
	h, photo, _ := mediaHarness(t)
	ctx := context.Background()
	long := strings.Repeat("x", bot.MaxCaption+1)
	pin := &bot.Pin{Location: bot.Location{Lat: 45.4642, Long: 9.19}, Name: "Bar Roma"}
	for i, o := range []bot.Outgoing{
		{Chat: "393331111111", Customer: "393331111111", Text: "Welcome!", Attachment: &bot.Attachment{Pin: pin}},
		{Chat: "393332222222", Customer: "393332222222", Text: long, Attachment: &bot.Attachment{Media: &photo.MediaRef}},
	} {
		o.Rules, o.Created, o.MsgID = []string{bot.RuleGreeting}, h.now, "3EB0OLD"+twoDigits(i)
		in := bot.Inbound{Chat: o.Chat, ID: "OLD" + twoDigits(i), Kind: bot.FromCustomer, Customer: o.Customer,
			Sent: h.now, Received: h.now, TouchCustomer: true, Rules: o.Rules, Reply: &o}
		if err := h.db.RecordInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	h.restart(bot.Options{})
	if err := h.b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sent := h.wa.Take()
	if len(sent) != 4 {
		t.Fatalf("sent %+v, want each attachment and its text", sent)
	}
	if sent[0].Pin == nil || sent[0].Pin.Comment != "" || sent[1].Kind != porttest.Text || sent[1].Text != "Welcome!" {
		t.Errorf("the old pin went as %+v then %+v, want the pin and then its text", sent[0], sent[1])
	}
	if sent[2].Kind != porttest.MediaMsg || sent[2].Text != "" || sent[3].Text != long || sent[3].ID == sent[2].ID {
		t.Errorf("the old long caption went as %q then %q", bot.Clip(sent[2].Text, 20), bot.Clip(sent[3].Text, 20))
	}
}
