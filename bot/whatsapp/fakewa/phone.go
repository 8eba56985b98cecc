package fakewa

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	"go.mau.fi/libsignal/ecc"
	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/types"
)

// ReadChat tells the linked device that the owner read these messages of a
// customer on the phone: a read receipt from device 0 of the own account,
// which whatsmeow reports as events.Receipt with IsFromMe and Chat set to
// the customer.
func (ph *Phone) ReadChat(c *Customer, ids ...string) {
	ph.srv.tb.Helper()
	if len(ids) == 0 {
		ph.srv.tb.Fatalf("fakewa: ReadChat needs at least one message id")
	}
	attrs := waBinary.Attrs{
		"id":        ids[0],
		"from":      ph.pn,
		"recipient": c.pn,
		"type":      "read",
		"t":         ph.srv.Now().Unix(),
	}
	var content []waBinary.Node
	if len(ids) > 1 {
		items := make([]waBinary.Node, 0, len(ids)-1)
		for _, id := range ids[1:] {
			items = append(items, waBinary.Node{Tag: "item", Attrs: waBinary.Attrs{"id": id}})
		}
		content = []waBinary.Node{{Tag: "list", Content: items}}
	}
	node := waBinary.Node{Tag: "receipt", Attrs: attrs}
	if content != nil {
		node.Content = content
	}
	ph.srv.deliver(node, nil)
}

// HistorySyncMessage is the protocol message a phone announces hs with
// after linking: hs compressed inline in a HistorySyncNotification, so
// that nothing needs downloading.
func HistorySyncMessage(hs *waHistorySync.HistorySync) (*waE2E.Message, error) {
	raw, err := proto.Marshal(hs)
	if err != nil {
		return nil, fmt.Errorf("marshal history sync: %w", err)
	}
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("compress history sync: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress history sync: %w", err)
	}
	return &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
		Type: waE2E.ProtocolMessage_HISTORY_SYNC_NOTIFICATION.Enum(),
		HistorySyncNotification: &waE2E.HistorySyncNotification{
			SyncType:                          waE2E.HistorySyncType_INITIAL_BOOTSTRAP.Enum(),
			InitialHistBootstrapInlinePayload: buf.Bytes(),
			ChunkOrder:                        proto.Uint32(1),
			Progress:                          proto.Uint32(100),
		},
	}}, nil
}

// SyncHistory sends the initial history sync a phone sends after linking:
// the chat list (these customers' chats, by phone number, plus their LIDs)
// inline in a HistorySyncNotification, so whatsmeow emits
// events.HistorySync without downloading anything. The messages inside
// chats are not included. It returns the stanza id.
func (ph *Phone) SyncHistory(customers ...*Customer) string {
	ph.srv.tb.Helper()
	hs := &waHistorySync.HistorySync{SyncType: waHistorySync.HistorySync_INITIAL_BOOTSTRAP.Enum()}
	for _, c := range customers {
		hs.Conversations = append(hs.Conversations, &waHistorySync.Conversation{ID: proto.String(c.pn.String())})
		hs.PhoneNumberToLidMappings = append(hs.PhoneNumberToLidMappings, &waHistorySync.PhoneNumberToLIDMapping{
			PnJID:  proto.String(c.pn.String()),
			LidJID: proto.String(c.lid.String()),
		})
	}
	msg, err := HistorySyncMessage(hs)
	if err != nil {
		ph.srv.tb.Fatalf("fakewa: %v", err)
	}
	node, err := ph.buildPeer(msg)
	if err != nil {
		ph.srv.tb.Fatalf("fakewa: phone history sync: %v", err)
	}
	// whatsmeow stores the PN->LID mappings from the blob.
	for _, c := range customers {
		c.mu.Lock()
		if !c.botKnowsLID {
			c.botKnowsLID, c.migratePending = true, true
		}
		c.mu.Unlock()
	}
	ph.srv.deliver(node, nil)
	return node.Attrs["id"].(string)
}

// buildPeer encrypts a message from the phone to its own linked device
// (category "peer"), as app state keys and history sync travel.
func (ph *Phone) buildPeer(msg *waE2E.Message) (waBinary.Node, error) {
	acc, err := ph.srv.linkedAccount()
	if err != nil {
		return waBinary.Node{}, err
	}
	ph.mu.Lock()
	defer ph.mu.Unlock()
	enc, err := ph.encryptLocked(ph.srv.ctx, acc, viewLID, msg, nil)
	if err != nil {
		return waBinary.Node{}, fmt.Errorf("encrypt: %w", err)
	}
	return ph.messageNode(waBinary.Attrs{
		"from":      ph.pn,
		"recipient": types.NewJID(acc.pn.User, types.DefaultUserServer),
		"category":  "peer",
		"type":      "text",
	}, enc), nil
}

// Phone is the owner's phone, the primary device of the business account.
// Its Signal identity is the account key that signs the linked device.
type Phone struct {
	*peer
}

// Scan links the client that showed this QR code (the string whatsmeow
// emits: ref, noise key, identity key, adv secret), as scanning it in
// "Linked devices" does. The client then gets pair-success.
func (ph *Phone) Scan(qr string) error {
	parts := strings.Split(qr, ",")
	if len(parts) != 4 {
		return fmt.Errorf("fakewa: QR code has %d parts, want 4", len(parts))
	}
	noise, err1 := base64.StdEncoding.DecodeString(parts[1])
	ident, err2 := base64.StdEncoding.DecodeString(parts[2])
	adv, err3 := base64.StdEncoding.DecodeString(parts[3])
	if err := errors.Join(err1, err2, err3); err != nil || len(noise) != 32 || len(ident) != 32 || len(adv) != 32 {
		return fmt.Errorf("fakewa: malformed QR code keys: %v", err)
	}
	s := ph.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cur
	if c == nil || c.refs == nil {
		return errors.New("fakewa: no client is waiting to be linked")
	}
	known := false
	for _, r := range c.refs {
		if string(bytesOf(r)) == parts[0] {
			known = true
		}
	}
	if !known {
		return errors.New("fakewa: QR code reference is not the connected client's")
	}
	if !bytes.Equal(noise, c.clientStatic[:]) {
		return errors.New("fakewa: QR code noise key is not the connected client's")
	}

	dev := s.nextDevice
	s.nextDevice++
	acc := &account{
		pn:        types.JID{User: s.ownerPhone, Server: types.DefaultUserServer, Device: dev},
		lid:       types.JID{User: s.ownerLID, Server: types.HiddenUserServer, Device: dev},
		noisePub:  [32]byte(noise),
		identity:  [32]byte(ident),
		advSecret: adv,
	}
	container, err := ph.signDevice(ident, adv)
	if err != nil {
		return err
	}
	s.pending = acc
	c.refs = nil
	return c.tr.sendNode(waBinary.Node{
		Tag:   "iq",
		Attrs: waBinary.Attrs{"id": newMessageID(), "type": "set", "from": types.ServerJID, "xmlns": "md"},
		Content: []waBinary.Node{{
			Tag: "pair-success",
			Content: []waBinary.Node{
				{Tag: "device-identity", Content: container},
				{Tag: "platform", Attrs: waBinary.Attrs{"name": "smba"}},
				{Tag: "device", Attrs: waBinary.Attrs{"jid": acc.pn, "lid": acc.lid}},
			},
		}},
	})
}

// signDevice builds the ADVSignedDeviceIdentityHMAC of pair.go: device
// details signed by the account key (the phone's identity) and MACed with
// the client's adv secret.
func (ph *Phone) signDevice(clientIdentity, advSecret []byte) ([]byte, error) {
	var raw [4]byte
	_, _ = rand.Read(raw[:])
	details, err := proto.Marshal(&waAdv.ADVDeviceIdentity{
		RawID:       proto.Uint32(binary.BigEndian.Uint32(raw[:])),
		Timestamp:   proto.Uint64(uint64(ph.srv.Now().Unix())),
		KeyIndex:    proto.Uint32(1),
		AccountType: waAdv.ADVEncryptionType_E2EE.Enum(),
		DeviceType:  waAdv.ADVEncryptionType_E2EE.Enum(),
	})
	if err != nil {
		return nil, fmt.Errorf("marshal device identity: %w", err)
	}
	msg := append(append(append([]byte{}, 6, 0), details...), clientIdentity...)
	sig := ecc.CalculateSignature(ecc.NewDjbECPrivateKey(*ph.dev.IdentityKey.Priv), msg)
	signed, err := proto.Marshal(&waAdv.ADVSignedDeviceIdentity{
		Details:             details,
		AccountSignatureKey: ph.dev.IdentityKey.Pub[:],
		AccountSignature:    sig[:],
	})
	if err != nil {
		return nil, fmt.Errorf("marshal signed device identity: %w", err)
	}
	mac := hmac.New(sha256.New, advSecret)
	mac.Write(signed)
	out, err := proto.Marshal(&waAdv.ADVSignedDeviceIdentityHMAC{
		Details:     signed,
		HMAC:        mac.Sum(nil),
		AccountType: waAdv.ADVEncryptionType_E2EE.Enum(),
	})
	if err != nil {
		return nil, fmt.Errorf("marshal device identity container: %w", err)
	}
	return out, nil
}

// SendToSelf writes text in the owner's own chat ("Message yourself"), as
// the phone does: a DeviceSentMessage from device 0 of the own account.
func (ph *Phone) SendToSelf(text string) string {
	ph.srv.tb.Helper()
	return ph.SendInChatJID(types.NewJID(ph.srv.ownerPhone, types.DefaultUserServer), text)
}

// SendInChat writes text in the chat with a customer (by phone number).
// whatsmeow reports it with IsFromMe, Sender.Device 0 and Chat = customer.
func (ph *Phone) SendInChat(c *Customer, text string) string {
	ph.srv.tb.Helper()
	return ph.SendInChatJID(c.pn, text)
}

// SendInChatJID writes text in any one-to-one chat.
func (ph *Phone) SendInChatJID(chat types.JID, text string) string {
	ph.srv.tb.Helper()
	return ph.SendMessageInChatJID(chat, &waE2E.Message{Conversation: proto.String(text)})
}

func (ph *Phone) buildSent(chat types.JID, msg *waE2E.Message, id string, r retry) (waBinary.Node, error) {
	acc, err := ph.srv.linkedAccount()
	if err != nil {
		return waBinary.Node{}, err
	}
	ph.mu.Lock()
	defer ph.mu.Unlock()
	enc, err := ph.encryptLocked(ph.srv.ctx, acc, viewLID, &waE2E.Message{
		DeviceSentMessage: &waE2E.DeviceSentMessage{
			DestinationJID: proto.String(chat.String()),
			Message:        msg,
		},
	}, r.bundle)
	if err != nil {
		return waBinary.Node{}, err
	}
	r.mark(&enc)
	attrs := waBinary.Attrs{"id": id, "from": ph.pn}
	if chat.User != ph.pn.User {
		attrs["recipient"] = chat
	}
	return ph.messageNode(attrs, enc), nil
}
