package fakewa

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	// Media is the decrypted file of an image or document message (its
	// caption is in Text), FileName a document's name, MediaErr why the
	// file could not be fetched.
	Media    []byte
	FileName string
	MediaErr error
	// Location is a location message's content (its comment is in Text).
	Location *waE2E.LocationMessage
	// RevokeOf is the id of the message this one deletes for everyone.
	RevokeOf string
	// Deleted marks, in Shown, a message deleted for everyone.
	Deleted bool
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
		if r.RevokeOf != "" {
			k.id = r.RevokeOf
		}
		i, ok := at[k]
		switch {
		case !ok && r.RevokeOf != "":
			// A deletion of a message this peer never got (one the owner
			// typed on the phone) shows as that message, deleted.
			at[k] = len(out)
			out = append(out, Received{ID: r.RevokeOf, Chat: r.Chat, Sender: r.Sender, Deleted: true, Seq: r.Seq, At: r.At})
		case !ok:
			at[k] = len(out)
			if r.EditOf != "" {
				r.ID, r.EditOf = r.EditOf, ""
			}
			out = append(out, r)
		case r.RevokeOf != "":
			out[i] = Received{ID: out[i].ID, Chat: out[i].Chat, Sender: out[i].Sender, Deleted: true, Seq: out[i].Seq, At: out[i].At}
		case out[i].Deleted:
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

const (
	viewPN view = iota
	viewLID
)

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
	if pm := inner.GetProtocolMessage(); pm.GetType() == waE2E.ProtocolMessage_REVOKE {
		r.RevokeOf = pm.GetKey().GetID()
	}
	p.srv.openMedia(&r, inner)
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
	if t := m.GetImageMessage().GetCaption(); t != "" {
		return t
	}
	if t := m.GetLocationMessage().GetComment(); t != "" {
		return t
	}
	return m.GetDocumentMessage().GetCaption()
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
