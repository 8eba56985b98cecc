package commands

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/storage"
)

// A file captioned with a command that takes none is not silently
// dropped: the command answers as usual and one more line says the file
// was not kept. The commands that take a file say nothing of the kind.
func TestFileWithACommandThatTakesNoneIsSaidNotKept(t *testing.T) {
	tb := newTestBot(t)
	const note = "this command takes no file (only !qr add and !kw add do)"
	got := tb.withFile("image", porttest.JPEGStub, "", "!away text Back at 9")
	contains(t, "!away text with a photo", got, "Away message text saved", "The photo was not kept: "+note)
	if n := strings.Count(got, "\n---\n"); n != 0 {
		t.Errorf("!away text with a photo answered %d messages, want one: %q", n+1, got)
	}
	got = tb.withFile("document", porttest.PDFStub, "prices.pdf", "!status")
	contains(t, "!status with a PDF", got, "The document was not kept: "+note)
	got = tb.withFile("image", porttest.JPEGStub, "", "!nosuchcommand")
	contains(t, "an unknown command with a photo", got, "Unknown command", "The photo was not kept")
	for _, text := range []string{"!qr add /card Our card", "!kw add prices = Our prices"} {
		if got := tb.withFile("image", porttest.JPEGStub, "", text); strings.Contains(got, "was not kept") {
			t.Errorf("%s with a photo answered %q", text, got)
		}
	}
}

// loadCountingStore counts the files loaded whole.
type loadCountingStore struct {
	bot.Store
	loads int
}

func (s *loadCountingStore) LoadMedia(ctx context.Context, sha string) (bot.Media, error) {
	s.loads++
	return s.Store.LoadMedia(ctx, sha)
}

// !import checks that each file it refers to is kept without loading any
// (each may be 5 MB).
func TestImportChecksMediaWithoutLoadingIt(t *testing.T) {
	ctx := context.Background()
	db, err := storage.OpenStore(ctx, filepath.Join(t.TempDir(), "fd.db"), ownerNum.Digits())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kept, err := bot.NewMedia(porttest.JPEGStub, "")
	if err != nil {
		t.Fatal(err)
	}
	gone, err := bot.NewMedia(porttest.PDFStub, "prices.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveMedia(ctx, kept); err != nil {
		t.Fatal(err)
	}
	st := &loadCountingStore{Store: db}
	b, err := bot.New(ctx, bot.Options{Store: st, Messenger: &porttest.Messenger{}, Self: ownerNum, Clock: bot.NewManualClock(wed10)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := bot.DefaultConfig()
	cfg.QuickReplies = []bot.QuickReply{{Shortcuts: []string{"/card"}, Text: "Our card", Media: &kept.MediaRef}}
	cfg.Keywords = []bot.Keyword{{ID: 1, Phrases: []string{"prices"}, Media: &gone.MediaRef}}
	c := &Call{Bot: b, ctx: ctx, lang: "en"}
	if got := missingMedia(c, cfg); !slices.Equal(got, []string{"keywords[0]"}) {
		t.Errorf("missing %q, want keywords[0]", got)
	}
	if st.loads != 0 {
		t.Errorf("%d files loaded whole to check they are kept, want none", st.loads)
	}
}

// !simulate shows why a second keyword answer with a file was left out.
func TestSimulateShowsTheSecondFileSkipped(t *testing.T) {
	tb := newTestBot(t)
	tb.withFile("document", porttest.PDFStub, "prices.pdf", "!kw add prices = Our prices")
	tb.withFile("image", porttest.JPEGStub, "", "!kw add menu = Our menu")
	got := tb.owner("!simulate wed 21:00 known prices and menu?")
	contains(t, "!simulate with two file answers", got, "Our prices", "only one file per message")
	if strings.Contains(got, "Our menu") {
		t.Errorf("!simulate shows the second file's answer as sent: %q", got)
	}
}
