package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// countingFile is a photo whose download is counted.
func countingFile(n *int) *bot.InboundMedia {
	return &bot.InboundMedia{Kind: "image", Mime: bot.MimeJPEG, Size: int64(len(porttest.JPEGStub)),
		Fetch: func(context.Context) ([]byte, error) { *n++; return porttest.JPEGStub, nil }}
}

// keptPhoto reports whether the bot keeps JPEGStub.
func keptPhoto(t *testing.T, tb *testBot) bool {
	t.Helper()
	m, err := bot.NewMedia(porttest.JPEGStub, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tb.b.LoadMedia(context.Background(), m.MediaRef)
	switch {
	case err == nil:
		return true
	case errors.Is(err, bot.ErrNoMedia):
		return false
	}
	t.Fatal(err)
	return false
}

func TestCustomerMediaWithCommandCaptionIsACustomerMessage(t *testing.T) {
	tb := newTestBot(t)
	for _, c := range []string{"!away text We are closed.", "!away when always", "!away on"} {
		tb.owner(c)
	}
	tb.clock.Advance(time.Hour) // the owner has been idle
	before := tb.state()
	cust := bot.UserID("393331234567")
	for i, caption := range []string{"!qr add /menu x", "!off", "!kw add menu = x"} {
		fetched := 0
		from := bot.UserID(string(cust) + string(rune('0'+i)))
		tb.handle(bot.Message{Chat: from, Kind: bot.FromCustomer, Text: caption, Media: countingFile(&fetched)})
		tb.tick()
		if got := tb.answers(from); got != "We are closed." {
			t.Errorf("a customer's photo captioned %q got %q, want the away message", caption, got)
		}
		if fetched != 0 {
			t.Errorf("a customer's photo captioned %q was downloaded %d times", caption, fetched)
		}
	}
	if !sameState(before, tb.state()) {
		t.Errorf("a customer's captions changed the configuration or the kill switch")
	}
	if keptPhoto(t, tb) {
		t.Errorf("a customer's photo was kept as media")
	}
	if got := tb.answers(tb.chat); got != "" {
		t.Errorf("the owner was told %q", got)
	}
}

func TestAdminMediaWithCommandCaptionRunsFromTheirChat(t *testing.T) {
	tb := newTestBot(t)
	admin := bot.UserID("393339998887")
	contains(t, "admin add", tb.owner("!admin add +39 333 9998887"), "is now an admin")
	fetched := 0
	tb.handle(bot.Message{Chat: admin, Kind: bot.FromCustomer, Text: "!qr add /menu Our menu", Media: countingFile(&fetched)})
	contains(t, "admin's photo", tb.answers(admin), "Quick reply /menu saved with its photo")
	if fetched != 1 || !keptPhoto(t, tb) {
		t.Errorf("downloaded %d times, kept %v; want the admin's photo kept once", fetched, keptPhoto(t, tb))
	}
	if q := tb.b.Config().QuickReplies; len(q) != 1 || q[0].Media == nil || q[0].Text != "Our menu" {
		t.Fatalf("quick replies %+v, want /menu with its photo", q)
	}
	// A command caption on a photo the command does not use still runs.
	tb.handle(bot.Message{Chat: admin, Kind: bot.FromCustomer, Text: "!off", Media: countingFile(&fetched)})
	if got := tb.answers(admin); !strings.Contains(got, "OFF") || !tb.b.KillSwitch().Off {
		t.Errorf("the admin's !off with a photo answered %q, kill switch %+v", got, tb.b.KillSwitch())
	}
	if fetched != 1 {
		t.Errorf("!off downloaded the photo (%d downloads in all)", fetched)
	}
}

func TestMediaCaptionOverTheLimitIsRefusedBeforeTheDownload(t *testing.T) {
	tb := newTestBot(t)
	tb.owner("!kw add hours = Open 9-18")
	tb.owner("!qr add /time Open 9-18")
	before := tb.state()
	long := strings.Repeat("x", bot.MaxCaption+1)
	for _, cmd := range []string{"!qr add /menu " + long, "!kw add menu = " + long, "!qr text /time es " + long, "!kw text 1 es " + long} {
		fetched := 0
		tb.handle(bot.Message{Chat: tb.chat, Kind: bot.OwnerSelf, Text: cmd, Media: countingFile(&fetched)})
		got := tb.answers(tb.chat)
		contains(t, bot.Clip(cmd, 20), got, "1025 characters long; the limit is 256")
		if fetched != 0 {
			t.Errorf("%s: the file was downloaded", bot.Clip(cmd, 20))
		}
	}
	if !sameState(before, tb.state()) || keptPhoto(t, tb) {
		t.Errorf("a refused caption changed something")
	}
}

func TestLogShowsTheTextThatFollowsAPin(t *testing.T) {
	ob := newTestBot(t)
	ob.must("!tz Europe/Rome", "!away text We are closed today.", "!away when always", "!away on", "!profile location 45.4642,9.19")
	ob.clock.Advance(time.Hour)
	ob.from("393331111111", "/where")
	if sent := ob.msg.Take(); len(sent) != 2 || sent[0].Pin == nil || sent[1].Text != "We are closed today." {
		t.Fatalf("/where sent %+v, want the pin and then the away text", sent)
	}
	contains(t, "log", ob.owner("!log"), "+393331111111 (where+away) “We are closed today.”")
}

func TestSimulateShowsTheTextThatFollowsAnAttachment(t *testing.T) {
	ob := newTestBot(t)
	ob.must("!tz Europe/Rome", "!away text We are closed today.", "!away when always", "!away on", "!profile location 45.4642,9.19")
	contains(t, "pin", ob.owner("!simulate wed 12:00 known /where"),
		"[location 45.4642,9.19]\n[then, as a separate message:]\nWe are closed today.")
	// A caption a phone would not show whole.
	ob.must("!profile website https://example.com/" + strings.Repeat("w", 200))
	ob.must("!away text " + strings.Repeat("a", 100) + " {website} {website} {website} {website} {website}")
	ob.withFile("image", porttest.JPEGStub, "", "!qr add /menu Our menu")
	contains(t, "long caption", ob.owner("!simulate wed 12:00 known /menu"),
		"B]\nOur menu\n\n[then, as a separate message:]\naaaa")
}

// Commands come only from the self chat (and admins' own chats): the
// owner's photo captioned "!off" in a customer chat is the owner talking
// to that customer.
func TestOwnerMediaWithCommandCaptionInACustomerChatRunsNothing(t *testing.T) {
	tb := newTestBot(t)
	before := tb.state()
	fetched := 0
	cust := bot.UserID("393331234567")
	for _, caption := range []string{"!off", "!qr add /menu x"} {
		tb.handle(bot.Message{Chat: cust, Kind: bot.OwnerInChat, Text: caption, Media: countingFile(&fetched)})
	}
	tb.tick()
	if sent := tb.msg.Take(); len(sent) != 0 {
		t.Errorf("sent %+v", sent)
	}
	if fetched != 0 || keptPhoto(t, tb) || !sameState(before, tb.state()) {
		t.Errorf("downloaded %d, kept %v, state changed %v", fetched, keptPhoto(t, tb), !sameState(before, tb.state()))
	}
}
