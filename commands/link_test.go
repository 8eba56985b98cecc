package commands

import (
	"strings"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/commands/walink/walinktest"
)

// readQR decodes the QR code in png with gozxing, independent of the
// encoder that drew it.
func readQR(t *testing.T, png []byte) string {
	t.Helper()
	text, _, err := walinktest.DecodeQR(png)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestLinkCommand(t *testing.T) {
	tests := []struct {
		name      string
		self      bot.UserID
		selfLID   bot.UserID // the self chat while self is unknown
		text      string
		wantLink  string // "" when no image is expected
		wantReply string // part of the text answer, when no image
	}{
		{"no text", "39021234567", "", "!link", "https://wa.me/39021234567", ""},
		{"with text", "39021234567", "", "!link richiesta ordine", "https://wa.me/39021234567?text=richiesta%20ordine", ""},
		{"text keeps case and accents", "39021234567", "", "!LINK  Vorrei ordinare, perché?", "https://wa.me/39021234567?text=Vorrei%20ordinare%2C%20perch%C3%A9%3F", ""},
		{"140 characters", "15550100", "", "!link " + strings.Repeat("x", 140), "https://wa.me/15550100?text=" + strings.Repeat("x", 140), ""},
		{"141 characters refused", "15550100", "", "!link " + strings.Repeat("x", 141), "", "The text is 141 characters long; a link takes at most 140.\nUsage: !link"},
		{"own number unknown", "", "lid:12345678901234", "!link hi", "", "does not know this account's phone number"},
		{"only a hidden id", "lid:98765432109876", "", "!link", "", "does not know this account's phone number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTestBot(t, withSelf(tt.self), withSelfLID(tt.selfLID), withHostZone(time.UTC),
				withStart(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)), withCommands(linkCommand()))
			asker := tt.self
			if asker == "" {
				asker = tt.selfLID
			}
			sent := tb.runSent(tt.text)
			if len(sent) != 1 {
				t.Fatalf("got %d sends, want 1: %+v", len(sent), sent)
			}
			got := sent[0]
			if got.To != asker {
				t.Errorf("sent to %q, want the one who asked (%q)", got.To, asker)
			}
			if tt.wantLink == "" {
				if got.Kind != porttest.Text || !strings.Contains(got.Text, tt.wantReply) {
					t.Fatalf("answer %+v, want a text containing %q", got, tt.wantReply)
				}
				return
			}
			if got.Kind != porttest.Image {
				t.Fatalf("answer is text %q, want an image", got.Text)
			}
			if got.Text != tt.wantLink {
				t.Errorf("caption %q, want %q", got.Text, tt.wantLink)
			}
			if link := readQR(t, got.PNG); link != tt.wantLink {
				t.Errorf("QR code reads %q, want %q", link, tt.wantLink)
			}
		})
	}
}
