package fakewa

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/crypto/hkdf"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waE2E"
)

// mediaHost is the upload host the fake names in <media_conn>; the client's
// media HTTP client dials the fake for it like for any other host.
const mediaHost = "mmg.whatsapp.net"

// mediaConnIQ answers the client's "w:m" query for upload hosts.
func mediaConnIQ(req *waBinary.Node) waBinary.Node {
	return resultIQ(req, waBinary.Node{
		Tag:   "media_conn",
		Attrs: waBinary.Attrs{"auth": "fake-auth", "ttl": 3600, "auth_ttl": 3600, "max_buckets": 12},
		Content: []waBinary.Node{{
			Tag:   "host",
			Attrs: waBinary.Attrs{"hostname": mediaHost},
		}},
	})
}

// serveUpload stores an encrypted upload (POST /mms/<type>/<token>) and
// answers with the URL and direct path as upload.go expects.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if r.Method != http.MethodPost || len(parts) != 3 {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		http.Error(w, "read upload", http.StatusBadRequest)
		return
	}
	token := parts[2]
	directPath := "/v/t62.7118-24/" + token
	s.mu.Lock()
	s.media[directPath] = body
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{
		"url":         "https://" + mediaHost + directPath,
		"direct_path": directPath,
	})
}

// downloadImage decrypts an uploaded image the way a receiving phone would:
// keys from the media key (HKDF, "WhatsApp Image Keys"), HMAC check, AES-CBC.
func (s *Server) downloadImage(img *waE2E.ImageMessage) ([]byte, error) {
	return s.download(img, "WhatsApp Image Keys")
}

// encryptedMedia is what a media message names its file by.
type encryptedMedia interface {
	GetDirectPath() string
	GetMediaKey() []byte
	GetFileEncSHA256() []byte
	GetFileSHA256() []byte
}

// download fetches an upload and decrypts it with the keys for info
// ("WhatsApp Image Keys", "WhatsApp Document Keys").
func (s *Server) download(img encryptedMedia, info string) ([]byte, error) {
	s.mu.Lock()
	data, ok := s.media[img.GetDirectPath()]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("no upload at %q", img.GetDirectPath())
	}
	if got := sha256.Sum256(data); !hmac.Equal(got[:], img.GetFileEncSHA256()) {
		return nil, errors.New("encrypted file hash mismatch")
	}
	expanded := make([]byte, 112)
	if _, err := io.ReadFull(hkdf.New(sha256.New, img.GetMediaKey(), nil, []byte(info)), expanded); err != nil {
		return nil, fmt.Errorf("media keys: %w", err)
	}
	iv, cipherKey, macKey := expanded[:16], expanded[16:48], expanded[48:80]
	if len(data) < 10+aes.BlockSize {
		return nil, errors.New("upload too short")
	}
	ct, mac := data[:len(data)-10], data[len(data)-10:]
	h := hmac.New(sha256.New, macKey)
	h.Write(iv)
	h.Write(ct)
	if !hmac.Equal(h.Sum(nil)[:10], mac) {
		return nil, errors.New("media MAC mismatch")
	}
	if len(ct)%aes.BlockSize != 0 {
		return nil, errors.New("ciphertext is not whole blocks")
	}
	block, err := aes.NewCipher(cipherKey)
	if err != nil {
		return nil, fmt.Errorf("media cipher: %w", err)
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad == 0 || pad > aes.BlockSize || pad > len(pt) {
		return nil, errors.New("bad media padding")
	}
	pt = pt[:len(pt)-pad]
	if got := sha256.Sum256(pt); !hmac.Equal(got[:], img.GetFileSHA256()) {
		return nil, errors.New("file hash mismatch")
	}
	return pt, nil
}
