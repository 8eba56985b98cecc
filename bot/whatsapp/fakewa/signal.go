package fakewa

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"go.mau.fi/libsignal/ecc"
	"go.mau.fi/libsignal/keys/identity"
	"go.mau.fi/libsignal/keys/prekey"
	"go.mau.fi/libsignal/protocol"
	"go.mau.fi/libsignal/session"
	"go.mau.fi/libsignal/util/optional"
	"google.golang.org/protobuf/proto"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waE2E"
)

func (p *peer) resetBotSession() {
	p.mu.Lock()
	p.botKnowsLID = false
	p.migratePending = false
	p.mu.Unlock()
}

// bundleContent is the prekey bundle the server hands to the linked device
// so it can start a session with this peer; each call uses a new one-time
// prekey.
func (p *peer) bundleContent() ([]waBinary.Node, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pk, err := p.dev.PreKeys.GenOnePreKey(p.srv.ctx)
	if err != nil {
		return nil, fmt.Errorf("generate prekey: %w", err)
	}
	reg := make([]byte, 4)
	binary.BigEndian.PutUint32(reg, p.dev.RegistrationID)
	id3 := func(id uint32) []byte {
		b := make([]byte, 4)
		binary.BigEndian.PutUint32(b, id)
		return b[1:]
	}
	return []waBinary.Node{
		{Tag: "registration", Content: reg},
		{Tag: "type", Content: []byte{ecc.DjbType}},
		{Tag: "identity", Content: p.dev.IdentityKey.Pub[:]},
		{Tag: "key", Content: []waBinary.Node{
			{Tag: "id", Content: id3(pk.KeyID)},
			{Tag: "value", Content: pk.Pub[:]},
		}},
		{Tag: "skey", Content: []waBinary.Node{
			{Tag: "id", Content: id3(p.dev.SignedPreKey.KeyID)},
			{Tag: "value", Content: p.dev.SignedPreKey.Pub[:]},
			{Tag: "signature", Content: p.dev.SignedPreKey.Signature[:]},
		}},
	}, nil
}

// view names under which of the peer's identities the linked device keeps
// its Signal session with the peer.
type view int

func (s *Server) linkedAccount() (*account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.account == nil {
		return nil, errors.New("no device is linked")
	}
	acc := *s.account
	return &acc, nil
}

// botAddress is the address of the linked device in this peer's store. The
// two views are kept apart so they never share a session by accident.
func botAddress(acc *account, v view) *protocol.SignalAddress {
	if v == viewLID {
		return acc.lid.SignalAddress()
	}
	return acc.pn.SignalAddress()
}

// migrateLocked copies the PN-view session to the LID view, as whatsmeow's
// MigratePNToLID does on the linked device's side.
func (p *peer) migrateLocked(ctx context.Context, acc *account) error {
	from, to := botAddress(acc, viewPN).String(), botAddress(acc, viewLID).String()
	raw, err := p.dev.Sessions.GetSession(ctx, from)
	if err != nil {
		return fmt.Errorf("load session to migrate: %w", err)
	}
	if raw == nil {
		return nil
	}
	if err := p.dev.Sessions.PutSession(ctx, to, raw); err != nil {
		return fmt.Errorf("store migrated session: %w", err)
	}
	if err := p.dev.Sessions.DeleteSession(ctx, from); err != nil {
		return fmt.Errorf("delete migrated session: %w", err)
	}
	return nil
}

// viewForSendLocked decides which session the linked device will use to
// decrypt a message from this peer, updating what it learns from the
// stanza's attributes.
func (p *peer) viewForSendLocked(ctx context.Context, acc *account, a Addressing) (view, error) {
	switch a {
	case ByLID:
		return viewLID, nil
	case ByLIDWithPN:
		if !p.botKnowsLID {
			p.botKnowsLID, p.migratePending = true, true
		}
		return viewLID, nil
	case ByPNWithLID:
		if !p.botKnowsLID {
			p.botKnowsLID, p.migratePending = true, true
		}
	}
	return p.pnEventLocked(ctx, acc)
}

// pnEventLocked handles an event the linked device processes under the
// peer's phone number: with the mapping known, it migrates once and then
// uses the LID.
func (p *peer) pnEventLocked(ctx context.Context, acc *account) (view, error) {
	if !p.botKnowsLID {
		return viewPN, nil
	}
	if p.migratePending {
		if err := p.migrateLocked(ctx, acc); err != nil {
			return viewLID, err
		}
		p.migratePending = false
	}
	return viewLID, nil
}

func padMessage(plaintext []byte) []byte {
	var b [1]byte
	_, _ = rand.Read(b[:])
	n := b[0] & 0xf
	if n == 0 {
		n = 0xf
	}
	return append(slices.Clone(plaintext), bytes.Repeat([]byte{n}, int(n))...)
}

func unpadMessage(plaintext []byte) ([]byte, error) {
	if len(plaintext) == 0 {
		return nil, errors.New("empty plaintext")
	}
	n := int(plaintext[len(plaintext)-1])
	if n == 0 || n > len(plaintext) {
		return nil, errors.New("bad padding")
	}
	return plaintext[:len(plaintext)-n], nil
}

// encryptLocked encrypts a protobuf message for the linked device in the
// given view, starting a session from its uploaded prekeys if needed.
//
// A non-nil fresh bundle (from a retry receipt) replaces the session.
func (p *peer) encryptLocked(ctx context.Context, acc *account, v view, msg *waE2E.Message, fresh *prekey.Bundle) (waBinary.Node, error) {
	plaintext, err := proto.Marshal(msg)
	if err != nil {
		return waBinary.Node{}, fmt.Errorf("marshal message: %w", err)
	}
	addr := botAddress(acc, v)
	builder := session.NewBuilderFromSignal(p.dev, addr, pbSerializer)
	has, err := p.dev.ContainsSession(ctx, addr)
	if err != nil {
		return waBinary.Node{}, err
	}
	if fresh != nil {
		if err := builder.ProcessBundle(ctx, fresh); err != nil {
			return waBinary.Node{}, fmt.Errorf("process bundle from retry receipt: %w", err)
		}
	} else if !has {
		bundle, err := p.srv.takeBotBundle(acc)
		if err != nil {
			return waBinary.Node{}, err
		}
		if err := builder.ProcessBundle(ctx, bundle); err != nil {
			return waBinary.Node{}, fmt.Errorf("process linked device's bundle: %w", err)
		}
	}
	ct, err := session.NewCipher(builder, addr).Encrypt(ctx, padMessage(plaintext))
	if err != nil {
		return waBinary.Node{}, fmt.Errorf("encrypt: %w", err)
	}
	encType := "msg"
	if ct.Type() == protocol.PREKEY_TYPE {
		encType = "pkmsg"
	}
	return waBinary.Node{Tag: "enc", Attrs: waBinary.Attrs{"v": "2", "type": encType}, Content: ct.Serialize()}, nil
}

// takeBotBundle hands out the linked device's prekey bundle, using up one
// one-time prekey as the real server does.
func (s *Server) takeBotBundle(acc *account) (*prekey.Bundle, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.bot.uploaded {
		return nil, errors.New("the linked device has not uploaded its prekeys yet (wait for events.Connected)")
	}
	b := s.bot
	ident := identity.NewKey(ecc.NewDjbECPublicKey(b.identity))
	if len(b.preKeys) == 0 {
		return prekey.NewBundle(b.registrationID, uint32(acc.pn.Device), optional.NewEmptyUint32(), b.signedID,
			nil, ecc.NewDjbECPublicKey(b.signedPub), b.signedSig, ident), nil
	}
	pk := b.preKeys[0]
	s.bot.preKeys = s.bot.preKeys[1:]
	return prekey.NewBundle(b.registrationID, uint32(acc.pn.Device), optional.NewOptionalUint32(pk.id), b.signedID,
		ecc.NewDjbECPublicKey(pk.pub), ecc.NewDjbECPublicKey(b.signedPub), b.signedSig, ident), nil
}

// decryptLocked decrypts an <enc> the linked device addressed to this peer.
func (p *peer) decryptLocked(ctx context.Context, acc *account, v view, enc waBinary.Node) (*waE2E.Message, error) {
	content, _ := enc.Content.([]byte)
	addr := botAddress(acc, v)
	builder := session.NewBuilderFromSignal(p.dev, addr, pbSerializer)
	cipher := session.NewCipher(builder, addr)
	var pt []byte
	var err error
	switch enc.AttrGetter().OptionalString("type") {
	case "pkmsg":
		var m *protocol.PreKeySignalMessage
		m, err = protocol.NewPreKeySignalMessageFromBytes(content, pbSerializer.PreKeySignalMessage, pbSerializer.SignalMessage)
		if err == nil {
			pt, err = cipher.DecryptMessage(ctx, m)
		}
	case "msg":
		var m *protocol.SignalMessage
		m, err = protocol.NewSignalMessageFromBytes(content, pbSerializer.SignalMessage)
		if err == nil {
			pt, err = cipher.Decrypt(ctx, m)
		}
	default:
		err = fmt.Errorf("unsupported enc type %q", enc.AttrGetter().OptionalString("type"))
	}
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	if pt, err = unpadMessage(pt); err != nil {
		return nil, err
	}
	var msg waE2E.Message
	if err := proto.Unmarshal(pt, &msg); err != nil {
		return nil, fmt.Errorf("unmarshal message: %w", err)
	}
	return &msg, nil
}

// retry carries what a retry receipt asks of the sender: the retry count
// and, from the second retry on, a fresh prekey bundle of the linked device.
type retry struct {
	count  int
	bundle *prekey.Bundle
}

func (r retry) mark(enc *waBinary.Node) {
	if r.count > 0 {
		enc.Attrs["count"] = r.count
	}
}
