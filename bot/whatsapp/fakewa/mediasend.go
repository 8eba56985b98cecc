package fakewa

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"

	"golang.org/x/crypto/hkdf"
	"google.golang.org/protobuf/proto"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
)

// Media in both directions: peers decrypt the photos and documents the
// linked device sends (openMedia), and the phone sends its own, encrypted
// and uploaded as WhatsApp clients do, which the linked device downloads
// from the fake (serveDownload).

// openMedia fills in what a peer sees of a media or location message.
func (s *Server) openMedia(r *Received, m *waE2E.Message) {
	switch {
	case m.GetImageMessage() != nil:
		r.Image, r.ImageErr = s.downloadImage(m.GetImageMessage())
		r.Media, r.MediaErr = r.Image, r.ImageErr
	case m.GetDocumentMessage() != nil:
		r.Media, r.MediaErr = s.download(m.GetDocumentMessage(), "WhatsApp Document Keys")
		r.FileName = m.GetDocumentMessage().GetFileName()
	case m.GetLocationMessage() != nil:
		r.Location = m.GetLocationMessage()
	}
}

// serveDownload answers the linked device's download of an upload (GET on
// the URL or direct path a media message names) with the encrypted bytes.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "bad download", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	data, ok := s.media[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.Error(w, "no such media", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

// uploaded is an encrypted upload as a media message names it.
type uploaded struct {
	url, directPath         string
	mediaKey, encSHA, plain []byte
}

// upload encrypts data as a WhatsApp client does for info ("WhatsApp Image
// Keys", "WhatsApp Document Keys"): AES-CBC with keys from a random media
// key, HMAC-SHA256 of iv and ciphertext cut to 10 bytes appended, and
// stores it as an upload.
func (s *Server) upload(data []byte, info string) (uploaded, error) {
	mediaKey := make([]byte, 32)
	if _, err := rand.Read(mediaKey); err != nil {
		return uploaded{}, err
	}
	expanded := make([]byte, 112)
	if _, err := io.ReadFull(hkdf.New(sha256.New, mediaKey, nil, []byte(info)), expanded); err != nil {
		return uploaded{}, fmt.Errorf("media keys: %w", err)
	}
	iv, cipherKey, macKey := expanded[:16], expanded[16:48], expanded[48:80]
	pad := aes.BlockSize - len(data)%aes.BlockSize
	pt := append(append([]byte(nil), data...), make([]byte, pad)...)
	for i := len(data); i < len(pt); i++ {
		pt[i] = byte(pad)
	}
	block, err := aes.NewCipher(cipherKey)
	if err != nil {
		return uploaded{}, err
	}
	ct := make([]byte, len(pt))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, pt)
	h := hmac.New(sha256.New, macKey)
	h.Write(iv)
	h.Write(ct)
	enc := append(ct, h.Sum(nil)[:10]...)
	encSum := sha256.Sum256(enc)
	plainSum := sha256.Sum256(data)
	path := "/v/t62.7118-24/phone-" + hex.EncodeToString(encSum[:8])
	s.mu.Lock()
	s.media[path] = enc
	s.mu.Unlock()
	return uploaded{url: "https://" + mediaHost + path, directPath: path, mediaKey: mediaKey, encSHA: encSum[:], plain: plainSum[:]}, nil
}

// PhoneMedia is a photo or document the owner sends from the phone.
type PhoneMedia struct {
	// Document sends it as a document (FileName its name) rather than a
	// photo.
	Document bool
	Data     []byte
	// Mime is what the phone declares (the bot judges by the bytes).
	Mime     string
	FileName string
	Caption  string
}

// SendMediaToSelf sends a photo or document to "Message yourself" with a
// caption, uploaded encrypted to the fake, and returns the message id.
func (ph *Phone) SendMediaToSelf(m PhoneMedia) string {
	ph.srv.tb.Helper()
	return ph.SendMediaInChatJID(types.NewJID(ph.srv.ownerPhone, types.DefaultUserServer), m)
}

// SendMediaInChatJID sends a photo or document in any one-to-one chat.
func (ph *Phone) SendMediaInChatJID(chat types.JID, m PhoneMedia) string {
	ph.srv.tb.Helper()
	info := "WhatsApp Image Keys"
	if m.Document {
		info = "WhatsApp Document Keys"
	}
	up, err := ph.srv.upload(m.Data, info)
	if err != nil {
		ph.srv.tb.Fatalf("fakewa: phone upload: %v", err)
	}
	msg := &waE2E.Message{}
	if m.Document {
		msg.DocumentMessage = &waE2E.DocumentMessage{
			URL: proto.String(up.url), DirectPath: proto.String(up.directPath), MediaKey: up.mediaKey,
			FileEncSHA256: up.encSHA, FileSHA256: up.plain, FileLength: proto.Uint64(uint64(len(m.Data))),
			Mimetype: proto.String(m.Mime), FileName: proto.String(m.FileName), Caption: proto.String(m.Caption),
		}
	} else {
		msg.ImageMessage = &waE2E.ImageMessage{
			URL: proto.String(up.url), DirectPath: proto.String(up.directPath), MediaKey: up.mediaKey,
			FileEncSHA256: up.encSHA, FileSHA256: up.plain, FileLength: proto.Uint64(uint64(len(m.Data))),
			Mimetype: proto.String(m.Mime), Caption: proto.String(m.Caption),
		}
	}
	return ph.SendMessageInChatJID(chat, msg)
}

// SendMessageInChatJID sends any content from the phone in a one-to-one
// chat and returns its id.
func (ph *Phone) SendMessageInChatJID(chat types.JID, msg *waE2E.Message) string {
	ph.srv.tb.Helper()
	id := newMessageID()
	build := func(r retry) (waBinary.Node, error) { return ph.buildSent(chat, msg, id, r) }
	node, err := build(retry{})
	if err != nil {
		ph.srv.tb.Fatalf("fakewa: phone sending: %v", err)
	}
	ph.srv.deliver(node, build)
	return id
}
