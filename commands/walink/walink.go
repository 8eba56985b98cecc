// Package walink makes WhatsApp click-to-chat links (https://wa.me/...)
// and their QR codes, for posters and the shop counter: a customer scans
// the code and lands in the business's chat with the text already typed.
// Both `!link` and `frontdesk link` use it, so the two cannot disagree.
package walink

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	qrcode "github.com/skip2/go-qrcode"

	"frontdesk/bot"
)

// MaxText is the longest prefilled text accepted, in characters: longer
// texts make a QR code too dense to scan reliably from a printed poster.
const MaxText = 140

// PNGSize is the side of the QR image in pixels: large enough to print,
// small enough to send quickly.
const PNGSize = 512

// ErrNoNumber is returned when the account's own phone number is unknown
// (the device is not linked, or only its hidden id is known).
var ErrNoNumber = errors.New("the account's own phone number is not known")

// ErrTextTooLong is returned (wrapped) for a text over MaxText characters.
var ErrTextTooLong = fmt.Errorf("the text is longer than %d characters", MaxText)

// Link returns https://wa.me/<digits of self>, with ?text=<text> when
// text is not empty. The text is trimmed and query-encoded with spaces as
// %20: WhatsApp shows a "+" literally on some phones, and an unescaped "&"
// or "#" would cut the text short.
func Link(self bot.UserID, text string) (string, error) {
	if self == "" || self.IsLID() || strings.Trim(string(self), "0123456789") != "" {
		return "", ErrNoNumber
	}
	link := "https://wa.me/" + self.Digits()
	text = strings.TrimSpace(text)
	if text == "" {
		return link, nil
	}
	if !utf8.ValidString(text) {
		return "", errors.New("the text is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(text); n > MaxText {
		return "", fmt.Errorf("%w (it has %d)", ErrTextTooLong, n)
	}
	return link + "?text=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20"), nil
}

// PNG draws link as a QR code image, with medium error correction so that
// a slightly worn or creased print still scans.
func PNG(link string) ([]byte, error) {
	png, err := qrcode.Encode(link, qrcode.Medium, PNGSize)
	if err != nil {
		return nil, fmt.Errorf("draw QR code: %w", err)
	}
	return png, nil
}
