package fakewa

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mau.fi/libsignal/ecc"
	"go.mau.fi/libsignal/groups"
	"go.mau.fi/libsignal/keys/identity"
	"go.mau.fi/libsignal/keys/prekey"
	"go.mau.fi/libsignal/protocol"
	"go.mau.fi/libsignal/session"
	"go.mau.fi/libsignal/util/optional"
	"google.golang.org/protobuf/proto"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
)

var pbSerializer = store.SignalProtobufSerializer

// Received is a message the linked device sent to a fake peer, decrypted by
// that peer.
type Received struct {
	ID string
	// Chat is the conversation: for a customer, the business account; for
	// the phone, the chat the linked device wrote in (the destination of
	// the DeviceSentMessage wrapper).
	Chat types.JID
	// Text is the text of the message, or the new text of an edit.
	Text string
	// EditOf is the id of the edited message when this is an edit.
	EditOf string
	// Message is the decrypted content without DeviceSentMessage and
	// edit wrappers.
	Message *waE2E.Message
	// Image is the decrypted image of an image message (its caption is in
	// Text), or nil.
	Image []byte
	// ImageErr says why an image message's image could not be fetched.
	ImageErr error
	// Sender is who sent it: the linked account (without device number).
	Sender types.JID
	// Seq orders arrivals across every peer of a process: a message with a
	// lower Seq was decrypted by its peer before one with a higher Seq.
	Seq uint64
	// At is when the peer decrypted it.
	At time.Time
}

// key is how a phone keys a message: by chat, sender and message id. A
// message sent again with the same id is the same message.
type key struct {
	chat, sender types.JID
	id           string
}

func (r Received) key() key { return key{r.Chat, r.Sender, r.ID} }

// arrivals numbers deliveries to peers (Received.Seq).
var arrivals atomic.Uint64

// Addressing says how a customer's message is addressed to the linked
// device, as the variants whatsmeow's parseMessageSource reads.
type Addressing int

const (
	// ByPN: from the phone number JID, no alternative (no sender_lid).
	ByPN Addressing = iota
	// ByPNWithLID: from the phone number JID with sender_lid.
	ByPNWithLID
	// ByLID: from the LID, no sender_pn.
	ByLID
	// ByLIDWithPN: from the LID with sender_pn.
	ByLIDWithPN
)

func (a Addressing) String() string {
	switch a {
	case ByPN:
		return "by PN"
	case ByPNWithLID:
		return "by PN with sender_lid"
	case ByLID:
		return "by LID"
	case ByLIDWithPN:
		return "by LID with sender_pn"
	}
	return fmt.Sprintf("Addressing(%d)", int(a))
}

// peer is a fake WhatsApp user device (device 0) with a real Signal store.
type peer struct {
	srv  *Server
	name string
	pn   types.JID
	lid  types.JID
	dev  *store.Device

	mu sync.Mutex // serialises Signal operations and the fields below
	// botKnowsLID mirrors whether the linked device has this peer's
	// PN->LID mapping, which decides under which address it keeps the
	// Signal session (whatsmeow migrates PN sessions to the LID once).
	botKnowsLID    bool
	migratePending bool
	received       []Received // distinct messages (by key), in arrival order
	seen           map[key]bool
	deliveries     []Received // every delivery, a resend with the same id included
	inbox          chan Received
}

func (s *Server) newPeer(name string, pn, lid types.JID) (*peer, error) {
	dev := s.peerDB.NewDevice()
	id := pn
	dev.ID = &id
	dev.LID = lid
	dev.PushName = name
	// A peer is a primary device: it has no ADV identity, but the store's
	// schema wants correctly sized placeholders.
	dev.Account = &waAdv.ADVSignedDeviceIdentity{
		Details:             []byte{},
		AccountSignature:    make([]byte, 64),
		AccountSignatureKey: dev.IdentityKey.Pub[:],
		DeviceSignature:     make([]byte, 64),
	}
	if err := s.peerDB.PutDevice(s.ctx, dev); err != nil {
		return nil, fmt.Errorf("create peer %s: %w", pn, err)
	}
	p := &peer{srv: s, name: name, pn: pn, lid: lid, dev: dev, seen: make(map[key]bool), inbox: make(chan Received, 256)}
	s.mu.Lock()
	s.peers[pn.User] = p
	s.peers[lid.User] = p
	s.mu.Unlock()
	return p, nil
}

// PN is the peer's phone-number JID.
func (p *peer) PN() types.JID { return p.pn }

// LID is the peer's LID JID.
func (p *peer) LID() types.JID { return p.lid }

// Received returns every distinct message the linked device sent to this
// peer so far, in order of first arrival (edits are messages of their own
// here; see Shown).
func (p *peer) Received() []Received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.received)
}

// Deliveries returns every delivery to this peer in order, one per stanza:
// a message sent again with the same id (a resend after a crash) is in it
// twice, though the peer shows it once.
func (p *peer) Deliveries() []Received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.deliveries)
}

// Shown returns what the peer's screen shows, as a real phone keeps
// messages: one entry per chat, sender and message id, in order of first
// arrival, with the text of the latest edit applied to the message it
// edits. Edits are not entries of their own; an edit of a message the
// peer never got (one the owner typed on the phone) shows as that
// message with the new text.
func (p *peer) Shown() []Received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return shown(p.deliveries)
}

func shown(deliveries []Received) []Received {
	var out []Received
	at := make(map[key]int)
	for _, r := range deliveries {
		k := r.key()
		if r.EditOf != "" {
			k.id = r.EditOf
		}
		i, ok := at[k]
		switch {
		case !ok:
			at[k] = len(out)
			if r.EditOf != "" {
				r.ID, r.EditOf = r.EditOf, ""
			}
			out = append(out, r)
		case r.EditOf != "":
			out[i].Text = r.Text
			out[i].Message = r.Message
		}
	}
	return out
}

// Inbox delivers each message the linked device sends to this peer, once.
func (p *peer) Inbox() <-chan Received { return p.inbox }

// Next waits for the next message in the inbox, failing the test after
// timeout.
func (p *peer) Next(tb testing.TB, timeout time.Duration) Received {
	tb.Helper()
	select {
	case r := <-p.inbox:
		return r
	case <-time.After(timeout):
		tb.Fatalf("fakewa: %s received nothing within %v", p.pn.User, timeout)
		return Received{}
	}
}

// NextWhere waits for the next inbox message for which match is true,
// skipping (and dropping from the inbox) the others; it fails the test after
// timeout. Useful for the phone, which also gets a copy of everything the
// linked device sends in other chats.
func (p *peer) NextWhere(tb testing.TB, timeout time.Duration, match func(Received) bool) Received {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case r := <-p.inbox:
			if match(r) {
				return r
			}
		case <-deadline:
			tb.Fatalf("fakewa: %s received nothing matching within %v (all received: %+v)", p.pn.User, timeout, p.Received())
			return Received{}
		}
	}
}

// ExpectNothing fails the test if a message arrives in the inbox within d.
func (p *peer) ExpectNothing(tb testing.TB, d time.Duration) {
	tb.Helper()
	select {
	case r := <-p.inbox:
		tb.Fatalf("fakewa: %s unexpectedly received %q (id %s)", p.pn.User, r.Text, r.ID)
	case <-time.After(d):
	}
}

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

const (
	viewPN view = iota
	viewLID
)

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

// receiveFromBot decrypts one <to> of an outgoing stanza and records it;
// again says this peer already had a <to> in the same stanza.
func (p *peer) receiveFromBot(acc *account, wire types.JID, id string, enc waBinary.Node, isPhone, again bool) error {
	ctx := p.srv.ctx
	p.mu.Lock()
	defer p.mu.Unlock()
	v := viewLID
	if !isPhone && wire.Server == types.DefaultUserServer {
		var err error
		if v, err = p.pnEventLocked(ctx, acc); err != nil {
			return err
		}
	}
	msg, err := p.decryptLocked(ctx, acc, v, enc)
	if err != nil && !isPhone {
		// Fall back to the other view: the fake's model of the linked
		// device's LID knowledge can lag behind (e.g. after a restart).
		other := viewPN
		if v == viewPN {
			other = viewLID
		}
		if msg2, err2 := p.decryptLocked(ctx, acc, other, enc); err2 == nil {
			p.srv.debugf("%s decrypted %s with the fallback view", p.pn.User, id)
			msg, err = msg2, nil
		}
	}
	if err != nil {
		return fmt.Errorf("%s decrypting %s: %w", p.pn.User, id, err)
	}
	if again {
		// A message to the own chat lists the phone twice (whatsmeow asks
		// devices for [to, own] which are the same user): both copies are
		// decrypted to keep the session in step, but recorded once.
		return nil
	}
	r := Received{ID: id, Chat: acc.pn.ToNonAD(), Sender: acc.pn.ToNonAD(), Message: msg}
	if dsm := msg.GetDeviceSentMessage(); dsm.GetMessage() != nil {
		if chat, err := types.ParseJID(dsm.GetDestinationJID()); err == nil {
			r.Chat = chat
		}
		r.Message = dsm.GetMessage()
	}
	inner := r.Message
	if em := inner.GetEditedMessage().GetMessage(); em != nil {
		inner = em
	}
	if pm := inner.GetProtocolMessage(); pm.GetType() == waE2E.ProtocolMessage_MESSAGE_EDIT {
		r.EditOf = pm.GetKey().GetID()
		inner = pm.GetEditedMessage()
	}
	r.Text = textOf(inner)
	if img := inner.GetImageMessage(); img != nil {
		r.Image, r.ImageErr = p.srv.downloadImage(img)
	}
	r.Seq, r.At = arrivals.Add(1), time.Now()
	p.deliveries = append(p.deliveries, r)
	// Sent again with the same id (a resend after a crash): the same
	// message, shown once, not in the inbox again.
	if p.seen[r.key()] {
		return nil
	}
	p.seen[r.key()] = true
	p.received = append(p.received, r)
	select {
	case p.inbox <- r:
	default:
	}
	return nil
}

func textOf(m *waE2E.Message) string {
	if t := m.GetConversation(); t != "" {
		return t
	}
	if t := m.GetExtendedTextMessage().GetText(); t != "" {
		return t
	}
	return m.GetImageMessage().GetCaption()
}

func (p *peer) messageNode(attrs waBinary.Attrs, content ...waBinary.Node) waBinary.Node {
	if _, ok := attrs["id"]; !ok {
		attrs["id"] = newMessageID()
	}
	attrs["t"] = p.srv.Now().Unix()
	if _, ok := attrs["type"]; !ok {
		attrs["type"] = "text"
	}
	return waBinary.Node{Tag: "message", Attrs: attrs, Content: content}
}

// Customer is a fake WhatsApp user who writes to the business.
type Customer struct {
	*peer
	// Addressing is how Send addresses messages; ByPN unless changed.
	Addressing Addressing
}

// NewCustomer creates a customer with a fresh phone number and LID.
func (s *Server) NewCustomer(name string) *Customer {
	s.tb.Helper()
	s.mu.Lock()
	s.customerSeq++
	n := s.customerSeq
	s.mu.Unlock()
	pn := types.NewJID(fmt.Sprintf("1555020%04d", n), types.DefaultUserServer)
	lid := types.NewJID(fmt.Sprintf("2000000%08d", n), types.HiddenUserServer)
	p, err := s.newPeer(name, pn, lid)
	if err != nil {
		s.tb.Fatalf("fakewa: %v", err)
	}
	return &Customer{peer: p}
}

// Send writes text to the business, addressed as c.Addressing says, and
// returns the message id. Call it from the test goroutine.
func (c *Customer) Send(text string) string {
	c.srv.tb.Helper()
	return c.SendVia(c.Addressing, text)
}

// SendVia writes text addressed as a says.
func (c *Customer) SendVia(a Addressing, text string) string {
	c.srv.tb.Helper()
	return c.SendMessage(a, &waE2E.Message{Conversation: proto.String(text)})
}

// SendMessage sends any message content addressed as a says.
func (c *Customer) SendMessage(a Addressing, msg *waE2E.Message) string {
	c.srv.tb.Helper()
	id := newMessageID()
	build := func(r retry) (waBinary.Node, error) { return c.buildDM(a, msg, id, r) }
	node, err := build(retry{})
	if err != nil {
		c.srv.tb.Fatalf("fakewa: %s sending: %v", c.pn.User, err)
	}
	c.srv.deliver(node, build)
	return id
}

func (c *Customer) buildDM(a Addressing, msg *waE2E.Message, id string, r retry) (waBinary.Node, error) {
	acc, err := c.srv.linkedAccount()
	if err != nil {
		return waBinary.Node{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.viewForSendLocked(c.srv.ctx, acc, a)
	if err != nil {
		return waBinary.Node{}, err
	}
	enc, err := c.encryptLocked(c.srv.ctx, acc, v, msg, r.bundle)
	if err != nil {
		return waBinary.Node{}, err
	}
	r.mark(&enc)
	attrs := waBinary.Attrs{"id": id, "notify": c.name}
	switch a {
	case ByPN:
		attrs["from"] = c.pn
	case ByPNWithLID:
		attrs["from"] = c.pn
		attrs["sender_lid"] = c.lid
	case ByLID:
		attrs["from"] = c.lid
	case ByLIDWithPN:
		attrs["from"] = c.lid
		attrs["sender_pn"] = c.pn
	}
	return c.messageNode(attrs, enc), nil
}

// SendInGroup writes text in a group (any JID on g.us): a sender key
// distribution message encrypted for the linked device plus the text as
// <enc type=skmsg>, as real group messages are.
func (c *Customer) SendInGroup(group types.JID, text string) string {
	c.srv.tb.Helper()
	return c.sendSenderKey(group, text)
}

// PostStatus posts a text status (status@broadcast), which reaches the
// linked device the same way a group message does.
func (c *Customer) PostStatus(text string) string {
	c.srv.tb.Helper()
	return c.sendSenderKey(types.StatusBroadcastJID, text)
}

func (c *Customer) sendSenderKey(chat types.JID, text string) string {
	c.srv.tb.Helper()
	node, err := c.buildSenderKey(chat, text)
	if err != nil {
		c.srv.tb.Fatalf("fakewa: %s sending to %s: %v", c.pn.User, chat, err)
	}
	c.srv.deliver(node, nil)
	return node.Attrs["id"].(string)
}

func (c *Customer) buildSenderKey(chat types.JID, text string) (waBinary.Node, error) {
	acc, err := c.srv.linkedAccount()
	if err != nil {
		return waBinary.Node{}, err
	}
	ctx := c.srv.ctx
	c.mu.Lock()
	defer c.mu.Unlock()
	skName := protocol.NewSenderKeyName(chat.String(), c.pn.SignalAddress())
	builder := groups.NewGroupSessionBuilder(c.dev, pbSerializer)
	skdm, err := builder.Create(ctx, skName)
	if err != nil {
		return waBinary.Node{}, fmt.Errorf("create sender key: %w", err)
	}
	v, err := c.pnEventLocked(ctx, acc)
	if err != nil {
		return waBinary.Node{}, err
	}
	dm, err := c.encryptLocked(ctx, acc, v, &waE2E.Message{SenderKeyDistributionMessage: &waE2E.SenderKeyDistributionMessage{
		GroupID:                             proto.String(chat.String()),
		AxolotlSenderKeyDistributionMessage: skdm.Serialize(),
	}}, nil)
	if err != nil {
		return waBinary.Node{}, err
	}
	plaintext, err := proto.Marshal(&waE2E.Message{Conversation: proto.String(text)})
	if err != nil {
		return waBinary.Node{}, fmt.Errorf("marshal message: %w", err)
	}
	ct, err := groups.NewGroupCipher(builder, skName, c.dev).Encrypt(ctx, padMessage(plaintext))
	if err != nil {
		return waBinary.Node{}, fmt.Errorf("group encrypt: %w", err)
	}
	sk := waBinary.Node{Tag: "enc", Attrs: waBinary.Attrs{"v": "2", "type": "skmsg"}, Content: ct.SignedSerialize()}
	return c.messageNode(waBinary.Attrs{"from": chat, "participant": c.pn, "notify": c.name}, dm, sk), nil
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
		pn:        types.JID{User: OwnerPhone, Server: types.DefaultUserServer, Device: dev},
		lid:       types.JID{User: OwnerLID, Server: types.HiddenUserServer, Device: dev},
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
	return ph.SendInChatJID(types.NewJID(OwnerPhone, types.DefaultUserServer), text)
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
	id := newMessageID()
	msg := &waE2E.Message{Conversation: proto.String(text)}
	build := func(r retry) (waBinary.Node, error) { return ph.buildSent(chat, msg, id, r) }
	node, err := build(retry{})
	if err != nil {
		ph.srv.tb.Fatalf("fakewa: phone sending: %v", err)
	}
	ph.srv.deliver(node, build)
	return id
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
