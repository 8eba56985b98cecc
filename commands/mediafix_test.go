package commands

import (
	"strings"
	"testing"

	"frontdesk/bot/porttest"
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
