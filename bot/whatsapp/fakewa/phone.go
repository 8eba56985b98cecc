package fakewa

import (
	"bytes"
	"compress/zlib"
	"fmt"

	"google.golang.org/protobuf/proto"

	waBinary "go.mau.fi/whatsmeow/binary"
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
	raw, err := proto.Marshal(hs)
	if err != nil {
		ph.srv.tb.Fatalf("fakewa: marshal history sync: %v", err)
	}
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		ph.srv.tb.Fatalf("fakewa: compress history sync: %v", err)
	}
	if err := zw.Close(); err != nil {
		ph.srv.tb.Fatalf("fakewa: compress history sync: %v", err)
	}
	msg := &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
		Type: waE2E.ProtocolMessage_HISTORY_SYNC_NOTIFICATION.Enum(),
		HistorySyncNotification: &waE2E.HistorySyncNotification{
			SyncType:                          waE2E.HistorySyncType_INITIAL_BOOTSTRAP.Enum(),
			InitialHistBootstrapInlinePayload: buf.Bytes(),
			ChunkOrder:                        proto.Uint32(1),
			Progress:                          proto.Uint32(100),
		},
	}}
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
