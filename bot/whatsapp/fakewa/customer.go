package fakewa

import (
	"fmt"

	"go.mau.fi/libsignal/groups"
	"go.mau.fi/libsignal/protocol"
	"google.golang.org/protobuf/proto"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
)

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
