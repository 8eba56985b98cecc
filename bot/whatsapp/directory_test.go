package whatsapp_test

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/types"

	"frontdesk/bot"
	"frontdesk/bot/whatsapp"
	"frontdesk/bot/whatsapp/fakewa"
)

// TestLIDsOf: the LIDs of phone numbers come from whatsmeow's store when
// it knows them, else from WhatsApp while connected (and are stored then);
// strangers and LIDs are left out; offline only the store answers.
func TestLIDsOf(t *testing.T) {
	srv := fakewa.NewServer(t)
	a, in, out := linkedAdapter(t, srv)
	ctx := context.Background()
	pn := func(c *fakewa.Customer) bot.UserID { return whatsapp.UserID(c.PN()) }
	lid := func(c *fakewa.Customer) bot.UserID { return whatsapp.UserID(c.LID()) }

	// Known from a message that carried both identities.
	known := srv.NewCustomer("Known")
	known.SendVia(fakewa.ByLIDWithPN, "hi")
	in.nextMessage(t)
	asked := srv.NewCustomer("Asked") // never wrote: WhatsApp is asked
	stranger := bot.PhoneID("15559990000")

	got, err := a.LIDsOf(ctx, []bot.UserID{pn(known), pn(asked), stranger, lid(known)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[bot.UserID]bot.UserID{pn(known): lid(known), pn(asked): lid(asked)}
	if len(got) != len(want) || got[pn(known)] != want[pn(known)] || got[pn(asked)] != want[pn(asked)] {
		t.Fatalf("LIDsOf = %v, want %v", got, want)
	}
	stored, err := a.Client().Store.LIDs.GetLIDForPN(ctx, asked.PN())
	if err != nil || stored != asked.LID() {
		t.Fatalf("the asked mapping was not stored: %v %v", stored, err)
	}

	back := srv.GoOffline()
	defer back()
	waitOutput(t, out, "Connection to WhatsApp lost")
	offline := srv.NewCustomer("Offline")
	got, err = a.LIDsOf(ctx, []bot.UserID{pn(asked), pn(offline)})
	if err != nil {
		t.Fatalf("offline: %v", err)
	}
	if len(got) != 1 || got[pn(asked)] != lid(asked) {
		t.Fatalf("offline LIDsOf = %v, want only the stored one", got)
	}
	if l, _ := a.Client().Store.LIDs.GetLIDForPN(ctx, offline.PN()); l != (types.JID{}) {
		t.Fatalf("offline mapping appeared: %v", l)
	}
}
