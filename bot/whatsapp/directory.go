package whatsapp

import (
	"context"
	"fmt"

	"go.mau.fi/whatsmeow/types"

	"frontdesk/bot"
)

var _ bot.Directory = (*Adapter)(nil)

// LIDsOf returns the LID of each phone number in pns that it can find:
// first in whatsmeow's LID store (filled from message attributes and
// history), then, for the rest and only while connected, by asking
// WhatsApp (a usync user-info query, whose answers whatsmeow also stores).
// Numbers without a LID, and LIDs given in pns, are left out. Offline it
// answers from the store alone, without an error.
func (a *Adapter) LIDsOf(ctx context.Context, pns []bot.UserID) (map[bot.UserID]bot.UserID, error) {
	c := a.cur.Load()
	out := make(map[bot.UserID]bot.UserID, len(pns))
	if c.cli.Store == nil || c.cli.Store.LIDs == nil {
		return out, nil
	}
	var missing []types.JID
	for _, pn := range pns {
		if pn.IsLID() {
			continue
		}
		jid, err := JID(pn)
		if err != nil {
			continue
		}
		lid, err := c.cli.Store.LIDs.GetLIDForPN(ctx, jid)
		if err != nil {
			return out, fmt.Errorf("look up the LID of %s: %w", pn, err)
		}
		if lid.IsEmpty() {
			missing = append(missing, jid)
			continue
		}
		out[pn] = UserID(lid)
	}
	if len(missing) == 0 || !c.online.Load() || !c.cli.IsLoggedIn() {
		return out, nil
	}
	info, err := c.cli.GetUserInfo(ctx, missing)
	if notSent(err) {
		return out, nil // the connection just dropped: offline after all
	}
	if err != nil {
		return out, fmt.Errorf("ask WhatsApp for %d LIDs: %w", len(missing), err)
	}
	for _, jid := range missing {
		if lid := info[jid].LID; !lid.IsEmpty() {
			out[UserID(jid)] = UserID(lid)
		}
	}
	return out, nil
}
