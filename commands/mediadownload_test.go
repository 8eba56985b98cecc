package commands

import (
	"context"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
)

// While an owner's file is downloading, inbound handling waits (see
// fetchMedia), but automatic replies already decided still leave.
func TestAutomaticRepliesLeaveWhileAnOwnersFileDownloads(t *testing.T) {
	tb := newTestBot(t)
	for _, c := range []string{"!away text We are closed.", "!away when always", "!away on"} {
		tb.owner(c)
	}
	tb.clock.Advance(time.Hour)
	cust := bot.UserID("393331234567")
	tb.receive(cust, "hello") // decided and queued, not sent yet
	started, release := make(chan struct{}), make(chan struct{})
	in := &bot.InboundMedia{Kind: "image", Size: int64(len(porttest.JPEGStub)),
		Fetch: func(context.Context) ([]byte, error) {
			close(started)
			<-release
			return porttest.JPEGStub, nil
		}}
	done := make(chan error, 1)
	go func() {
		done <- tb.b.HandleMessage(context.Background(), bot.Message{ID: "dl1", Chat: tb.chat, Kind: bot.OwnerSelf,
			Text: "!qr add /menu Our menu", Media: in, Sent: tb.now()})
	}()
	<-started
	if err := tb.b.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	sent := tb.msg.Take()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].To != cust || sent[0].Text != "We are closed." {
		t.Fatalf("during the download sent %+v, want the customer's away message", sent)
	}
	contains(t, "after the download", tb.answers(tb.chat), "Quick reply /menu saved with its photo")
}
