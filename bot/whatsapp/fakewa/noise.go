package fakewa

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/hkdf"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/socket"
)

// noiseState is the responder half of the Noise_XX_25519_AESGCM_SHA256
// handshake that whatsmeow's socket.NoiseHandshake drives from the client
// side. It mirrors that code step by step so both ends derive the same keys.
type noiseState struct {
	hash    []byte
	salt    []byte
	key     cipher.AEAD
	counter uint32
}

func newNoiseState(header []byte) (*noiseState, error) {
	pattern := []byte(socket.NoiseStartPattern) // exactly 32 bytes: used as is
	ns := &noiseState{hash: pattern, salt: pattern}
	key, err := newGCM(pattern)
	if err != nil {
		return nil, err
	}
	ns.key = key
	ns.authenticate(header)
	return ns, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes cipher: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return gcm, nil
}

// counterIV is the nonce layout of socket/noisesocket.go: 8 zero bytes and a
// big-endian 32-bit counter.
func counterIV(n uint32) []byte {
	iv := make([]byte, 12)
	binary.BigEndian.PutUint32(iv[8:], n)
	return iv
}

func (ns *noiseState) authenticate(data []byte) {
	h := sha256.New()
	h.Write(ns.hash)
	h.Write(data)
	ns.hash = h.Sum(nil)
}

func (ns *noiseState) encrypt(plaintext []byte) []byte {
	ct := ns.key.Seal(nil, counterIV(ns.counter), plaintext, ns.hash)
	ns.counter++
	ns.authenticate(ct)
	return ct
}

func (ns *noiseState) decrypt(ciphertext []byte) ([]byte, error) {
	pt, err := ns.key.Open(nil, counterIV(ns.counter), ciphertext, ns.hash)
	ns.counter++
	if err != nil {
		return nil, fmt.Errorf("noise decrypt: %w", err)
	}
	ns.authenticate(ciphertext)
	return pt, nil
}

func (ns *noiseState) mixDH(priv, pub *[32]byte) error {
	secret, err := curve25519.X25519(priv[:], pub[:])
	if err != nil {
		return fmt.Errorf("x25519: %w", err)
	}
	write, read, err := extractAndExpand(ns.salt, secret)
	if err != nil {
		return err
	}
	ns.salt = write
	ns.counter = 0
	ns.key, err = newGCM(read)
	return err
}

// finish returns the transport ciphers from the server's point of view: the
// client writes with the first derived key, so the server reads with it.
func (ns *noiseState) finish() (read, write cipher.AEAD, err error) {
	clientWrite, clientRead, err := extractAndExpand(ns.salt, nil)
	if err != nil {
		return nil, nil, err
	}
	if read, err = newGCM(clientWrite); err != nil {
		return nil, nil, err
	}
	if write, err = newGCM(clientRead); err != nil {
		return nil, nil, err
	}
	return read, write, nil
}

func extractAndExpand(salt, data []byte) (write, read []byte, err error) {
	h := hkdf.New(sha256.New, data, salt, nil)
	write = make([]byte, 32)
	read = make([]byte, 32)
	if _, err = io.ReadFull(h, write); err != nil {
		return nil, nil, fmt.Errorf("hkdf: %w", err)
	}
	if _, err = io.ReadFull(h, read); err != nil {
		return nil, nil, fmt.Errorf("hkdf: %w", err)
	}
	return write, read, nil
}

// frameConn speaks WhatsApp's framing over a websocket: the client sends the
// 4-byte "WA" header once, then every frame is a 3-byte big-endian length
// followed by the data.
type frameConn struct {
	ws         *websocket.Conn
	ctx        context.Context
	buf        []byte
	header     []byte
	headerSeen bool
}

func (fc *frameConn) readFrame() ([]byte, error) {
	for {
		if !fc.headerSeen && len(fc.buf) >= len(socket.WAConnHeader) {
			fc.header = append([]byte(nil), fc.buf[:len(socket.WAConnHeader)]...)
			fc.buf = fc.buf[len(socket.WAConnHeader):]
			fc.headerSeen = true
		}
		if fc.headerSeen && len(fc.buf) >= socket.FrameLengthSize {
			n := int(fc.buf[0])<<16 | int(fc.buf[1])<<8 | int(fc.buf[2])
			if len(fc.buf) >= socket.FrameLengthSize+n {
				frame := append([]byte(nil), fc.buf[socket.FrameLengthSize:socket.FrameLengthSize+n]...)
				fc.buf = fc.buf[socket.FrameLengthSize+n:]
				return frame, nil
			}
		}
		typ, data, err := fc.ws.Read(fc.ctx)
		if err != nil {
			return nil, err
		}
		if typ != websocket.MessageBinary {
			continue
		}
		fc.buf = append(fc.buf, data...)
	}
}

func (fc *frameConn) writeFrame(data []byte) error {
	if len(data) >= socket.FrameMaxSize {
		return errors.New("frame too large")
	}
	frame := make([]byte, socket.FrameLengthSize+len(data))
	frame[0] = byte(len(data) >> 16)
	frame[1] = byte(len(data) >> 8)
	frame[2] = byte(len(data))
	copy(frame[socket.FrameLengthSize:], data)
	return fc.ws.Write(fc.ctx, websocket.MessageBinary, frame)
}

// transport is an established, encrypted connection to one client.
type transport struct {
	fc           *frameConn
	readKey      cipher.AEAD
	writeKey     cipher.AEAD
	readCounter  uint32
	writeCounter uint32
	writeMu      sync.Mutex
	lastSent     *atomic.Int64 // unix nanoseconds of the last frame written
}

func (tr *transport) sendNode(node waBinary.Node) error {
	payload, err := waBinary.Marshal(node)
	if err != nil {
		return fmt.Errorf("marshal %s: %w", node.Tag, err)
	}
	tr.writeMu.Lock()
	defer tr.writeMu.Unlock()
	ct := tr.writeKey.Seal(nil, counterIV(tr.writeCounter), payload, nil)
	tr.writeCounter++
	err = tr.fc.writeFrame(ct)
	tr.lastSent.Store(time.Now().UnixNano())
	return err
}

func (tr *transport) readNode() (*waBinary.Node, error) {
	frame, err := tr.fc.readFrame()
	if err != nil {
		return nil, err
	}
	pt, err := tr.readKey.Open(nil, counterIV(tr.readCounter), frame, nil)
	tr.readCounter++
	if err != nil {
		return nil, fmt.Errorf("decrypt frame: %w", err)
	}
	data, err := waBinary.Unpack(pt)
	if err != nil {
		return nil, fmt.Errorf("unpack frame: %w", err)
	}
	node, err := waBinary.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("decode node: %w", err)
	}
	return node, nil
}
