package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Media a quick reply or keyword answer may carry: one image (JPEG, PNG,
// WebP) or one PDF, at most MaxMediaBytes. The bytes are kept by the
// Store under their SHA-256 (content-addressed, so the same photo added
// twice is stored once); the configuration holds only a MediaRef.

// MaxMediaBytes is the largest image or document a quick reply or keyword
// answer may carry.
const MaxMediaBytes = 5 << 20

// MaxCaption is the longest caption a phone shows under a photo or
// document, in UTF-16 code units as WhatsApp counts them (an emoji may
// count two). A longer composed caption is cut at a part boundary: what
// does not fit goes as a text message right after the media.
const MaxCaption = 1024

// The media types the bot keeps, as judged by their first bytes.
const (
	MimeJPEG = "image/jpeg"
	MimePNG  = "image/png"
	MimeWebP = "image/webp"
	MimePDF  = "application/pdf"
)

// MediaRef names a stored image or document.
type MediaRef struct {
	// SHA256 is the hex SHA-256 of the bytes: the key they are stored by.
	SHA256 string `json:"sha256"`
	Mime   string `json:"mime"`
	// FileName is the document's name as the phone shows it (PDFs).
	FileName string `json:"file_name,omitempty"`
	Size     int64  `json:"size"`
}

// IsImage reports whether the media is sent as a photo (else as a
// document).
func (r MediaRef) IsImage() bool { return strings.HasPrefix(r.Mime, "image/") }

// Media is a stored image or document with its bytes.
type Media struct {
	MediaRef
	Data []byte
}

// SniffMime tells the media type from the first bytes: JPEG, PNG, WebP or
// PDF, or "" for anything else. A sender's declared type is never trusted.
func SniffMime(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return MimeJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return MimePNG
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		return MimeWebP
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return MimePDF
	}
	return ""
}

// NewMedia checks data (size, and type by its first bytes) and returns it
// with its reference. fileName, for a document, is what the phone shows;
// it is cleaned to a plain name and given the .pdf extension when it lacks
// it.
func NewMedia(data []byte, fileName string) (Media, error) {
	switch {
	case len(data) == 0:
		return Media{}, Problemf("the file is empty")
	case len(data) > MaxMediaBytes:
		return Media{}, Problemf("the file is %s; the limit is 5 MB", FormatSize(int64(len(data))))
	}
	mime := SniffMime(data)
	if mime == "" {
		return Media{}, Problemf("only photos (JPEG, PNG, WebP) and PDF documents can be kept")
	}
	sum := sha256.Sum256(data)
	m := Media{MediaRef: MediaRef{SHA256: hex.EncodeToString(sum[:]), Mime: mime, Size: int64(len(data))}, Data: data}
	if mime == MimePDF {
		m.FileName = cleanFileName(fileName, m.SHA256)
	}
	return m, nil
}

// cleanFileName keeps the last element of name, without control
// characters, at most 80 characters, ending in .pdf.
func cleanFileName(name, sum string) string {
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r < 0xa0 || r == '/' {
			return -1
		}
		return r
	}, name)
	if !utf8.ValidString(name) || name == "." || name == "/" {
		name = ""
	}
	name = strings.TrimSuffix(name, ".pdf")
	name = strings.TrimSuffix(name, ".PDF")
	if r := []rune(name); len(r) > 76 {
		name = string(r[:76])
	}
	if name == "" {
		name = "document-" + sum[:8]
	}
	return name + ".pdf"
}

// FormatSize writes a byte count as a person reads it: "812 KB", "6.2 MB".
// It rounds up, never down: a file one byte over the 5 MB limit reads
// "5.1 MB", not "5.0 MB".
func FormatSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatInt((n+999)/1000, 10) + " KB"
	}
	return strconv.FormatFloat(math.Ceil(float64(n)*10/(1<<20))/10, 'f', 1, 64) + " MB"
}

// ValidMediaRef checks a reference as kept in the configuration (and as
// !import reads it).
func ValidMediaRef(r MediaRef) error {
	if len(r.SHA256) != 64 || strings.Trim(r.SHA256, "0123456789abcdef") != "" {
		return Problemf("sha256 must be 64 lower-case hex digits")
	}
	switch r.Mime {
	case MimeJPEG, MimePNG, MimeWebP:
		if r.FileName != "" {
			return Problemf("a photo has no file name")
		}
	case MimePDF:
		if err := ValidName(r.FileName); err != nil || r.FileName == "" || strings.Contains(r.FileName, "/") {
			return Problemf("the document's file name is missing or not a plain name")
		}
	default:
		return Problemf("%s is not a kept media type: image/jpeg, image/png, image/webp or application/pdf", quoteClip(r.Mime))
	}
	if r.Size <= 0 || r.Size > MaxMediaBytes {
		return Problemf("size %d is out of range 1-%d", r.Size, MaxMediaBytes)
	}
	return nil
}

// Location is a place on the map, in degrees.
type Location struct {
	Lat  float64 `json:"lat"`
	Long float64 `json:"long"`
}

// ParseLocation reads "45.4642,9.1900" (latitude, longitude; a space
// after the comma is allowed).
func ParseLocation(s string) (Location, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), ",")
	if !ok {
		return Location{}, Problemf("give latitude and longitude separated by a comma, like 45.4642,9.1900")
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	long, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil {
		return Location{}, Problemf("give latitude and longitude as decimal numbers, like 45.4642,9.1900")
	}
	l := Location{Lat: lat, Long: long}
	return l, ValidLocation(l)
}

// ValidLocation checks a location's ranges.
func ValidLocation(l Location) error {
	if math.IsNaN(l.Lat) || math.IsNaN(l.Long) || l.Lat < -90 || l.Lat > 90 || l.Long < -180 || l.Long > 180 {
		return Problemf("latitude must be between -90 and 90 and longitude between -180 and 180")
	}
	return nil
}

// String writes the location as !profile location reads it.
func (l Location) String() string {
	return strconv.FormatFloat(l.Lat, 'f', -1, 64) + "," + strconv.FormatFloat(l.Long, 'f', -1, 64)
}

// Pin is a location message: the place with its name and address as the
// phone shows them under the map (a name of at most 25 characters and a
// one-line address). The bot leaves Comment empty: not every phone shows
// a pin's comment, so the text parts of the automatic message (greeting,
// away) go as a text message right after the pin (Attachment.After).
type Pin struct {
	Location
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// WhereShortcut sends the business's location pin, when one is set with
// !profile location and no quick reply takes the shortcut.
const WhereShortcut = "/where"

// Attachment is what an automatic message carries besides its text: a
// stored image or document (the text is its caption), or a location pin
// (which carries no text).
type Attachment struct {
	Media *MediaRef `json:"media,omitempty"`
	Pin   *Pin      `json:"pin,omitempty"`
	// After is text that goes as a text message right after the media or
	// pin, under AfterID: the parts a phone would not show in the caption
	// (see Decision.Compose), or the text of a pin's message. Both ids
	// are chosen when the message is queued, so a resend after a crash
	// sends each again as the same message, which the phone shows once.
	After   string `json:"after,omitempty"`
	AfterID string `json:"after_id,omitempty"`
}

// CaptionLen is the length of s as WhatsApp counts a caption: UTF-16
// code units (a character outside the Basic Multilingual Plane, like
// most emoji, counts two).
func CaptionLen(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// InboundMedia is the media of an inbound message: what it is and, for
// the owner's own messages, how to fetch its bytes (the transport
// downloads and decrypts them; never in its event callback).
type InboundMedia struct {
	// Kind is "image", "video", "audio" (voice notes too), "document" or
	// "sticker".
	Kind     string
	Mime     string
	FileName string
	Size     int64
	// Fetch downloads the bytes; nil when they cannot be fetched.
	Fetch func(ctx context.Context) ([]byte, error)
}

// fetchMedia downloads an owner's attachment and checks it (size, type),
// refusing a declared size over the limit before downloading anything.
//
// The download runs inside the command, so while it lasts (up to 5 MB,
// bounded by the transport's handling timeout, 30 s by default) no other
// inbound message of this number is handled: HandleMessage holds handleMu,
// and the transport hands messages over one at a time anyway, acknowledging
// each only once it is recorded. It is left so on purpose: downloading
// before the lock would fetch files for commands refused before any
// download (a taken shortcut) and for redeliveries of commands already
// done, and releasing the lock during it would let a redelivery of the
// same command run it twice. Automatic replies keep leaving meanwhile
// (Tick takes neither handleMu nor waits for the command), and other
// numbers have their own bot.
func fetchMedia(ctx context.Context, in *InboundMedia) (Media, error) {
	if in == nil {
		return Media{}, Problemf("no photo or document came with the message")
	}
	if in.Kind != "image" && in.Kind != "document" {
		return Media{}, Problemf("only photos (JPEG, PNG, WebP) and PDF documents can be kept")
	}
	if in.Size > MaxMediaBytes {
		return Media{}, Problemf("the file is %s; the limit is 5 MB", FormatSize(in.Size))
	}
	if in.Fetch == nil {
		return Media{}, Problemf("the file could not be downloaded; send it again")
	}
	data, err := in.Fetch(ctx)
	if err != nil {
		return Media{}, Problemf("the file could not be downloaded (%v); send it again", err)
	}
	return NewMedia(data, in.FileName)
}
