package whatsapp_test

import (
	"testing"
	"time"

	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp"
	"frontdesk/bot/whatsapp/fakewa"
)

// TestAdapterKeepsTheMessengerContract runs the Messenger suite against the
// real adapter and whatsmeow client over the fake server: what a customer's
// phone shows is what the fake customer decrypted and kept by id.
func TestAdapterKeepsTheMessengerContract(t *testing.T) {
	porttest.RunMessenger(t, func(t *testing.T) porttest.MessengerHarness {
		srv := fakewa.NewServer(t)
		a, _, out := linkedAdapter(t, srv)
		cust := srv.NewCustomer("Olga")
		logins := 1
		var back func()
		return porttest.MessengerHarness{
			M:  a,
			To: whatsapp.UserID(cust.PN()),
			SetOnline: func(on bool) {
				if !on {
					back = srv.GoOffline()
					waitOutput(t, out, "connection refused")
					return
				}
				back()
				logins++
				srv.WaitConnected(t, logins, 15*time.Second)
			},
			Shown: func(t *testing.T, want int) []porttest.Shown {
				deadline := time.Now().Add(5 * time.Second)
				for {
					shown := cust.Shown()
					if len(shown) >= want || time.Now().After(deadline) {
						var out []porttest.Shown
						for _, r := range shown {
							out = append(out, porttest.Shown{ID: r.ID, Text: r.Text})
						}
						return out
					}
					time.Sleep(5 * time.Millisecond)
				}
			},
		}
	})
}
