package walink

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"frontdesk/bot"
	"frontdesk/commands/walink/walinktest"
)

func TestLink(t *testing.T) {
	tests := []struct {
		name    string
		self    bot.UserID
		text    string
		want    string
		wantErr error
	}{
		{"no text", "39021234567", "", "https://wa.me/39021234567", nil},
		{"blank text is no text", "39021234567", "   ", "https://wa.me/39021234567", nil},
		{"spaces as %20", "39021234567", "richiesta ordine", "https://wa.me/39021234567?text=richiesta%20ordine", nil},
		{"query metacharacters escaped", "15550100", "a&b=c+d #1?", "https://wa.me/15550100?text=a%26b%3Dc%2Bd%20%231%3F", nil},
		{"accents as UTF-8", "15550100", "perché", "https://wa.me/15550100?text=perch%C3%A9", nil},
		{"exactly 140 characters", "15550100", strings.Repeat("é", 140), "https://wa.me/15550100?text=" + strings.Repeat("%C3%A9", 140), nil},
		{"141 characters refused", "15550100", strings.Repeat("a", 141), "", ErrTextTooLong},
		{"no own number", "", "hi", "", ErrNoNumber},
		{"only a LID", "lid:98765432109876", "hi", "", ErrNoNumber},
		{"not digits", "+3902", "hi", "", ErrNoNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Link(tt.self, tt.text)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Link(%q, %q) error = %v, want %v", tt.self, tt.text, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Link(%q, %q) = %q, want %q", tt.self, tt.text, got, tt.want)
			}
			if got != "" && strings.TrimSpace(tt.text) != "" {
				u, err := url.Parse(got)
				if err != nil {
					t.Fatalf("parse %q: %v", got, err)
				}
				if back := u.Query().Get("text"); back != strings.TrimSpace(tt.text) {
					t.Errorf("text decodes back to %q, want %q", back, tt.text)
				}
			}
		})
	}
}

// decodeQR reads the QR code in png with an independent decoder (gozxing),
// so the test does not trust the encoder's own idea of what it drew.
func decodeQR(t *testing.T, png []byte) string {
	t.Helper()
	text, format, err := walinktest.DecodeQR(png)
	if err != nil {
		t.Fatal(err)
	}
	if format != "png" {
		t.Fatalf("image format %q, want png", format)
	}
	return text
}

func TestPNGDecodesToTheLink(t *testing.T) {
	for _, text := range []string{"", "richiesta ordine", "Buongiorno, vorrei prenotare un tavolo per 4 persone sabato sera alle 20:30 — grazie! & a presto #tavolo", strings.Repeat("é", MaxText)} {
		link, err := Link("39021234567", text)
		if err != nil {
			t.Fatal(err)
		}
		png, err := PNG(link)
		if err != nil {
			t.Fatalf("PNG(%q): %v", link, err)
		}
		if got := decodeQR(t, png); got != link {
			t.Errorf("QR code reads %q, want %q", got, link)
		}
	}
}
