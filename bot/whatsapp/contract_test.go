package whatsapp_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"frontdesk/bot"
	"frontdesk/bot/porttest"
	"frontdesk/bot/whatsapp"
	"frontdesk/bot/whatsapp/fakewa"
	"frontdesk/storage/storagetest"
)

// TestAdapterKeepsTheMessengerContract runs the Messenger suite against the
// real adapter and whatsmeow client over the fake server: what a customer's
// phone shows is what the fake customer decrypted and kept by id. The
// adapter is made for the first device of a SQLite store (one number), and
// as `frontdesk run` makes each number's (a new device of one store) with
// the sessions on SQLite and on PostgreSQL.
func TestAdapterKeepsTheMessengerContract(t *testing.T) {
	t.Run("OneNumber", func(t *testing.T) {
		runMessengerContract(t, func(t *testing.T, srv *fakewa.Server) (*whatsapp.Adapter, *porttest.Output) {
			a, _, out := linkedAdapter(t, srv)
			return a, out
		})
	})
	storagetest.Each(t, func(t *testing.T, fresh func(testing.TB) string) {
		runMessengerContract(t, func(t *testing.T, srv *fakewa.Server) (*whatsapp.Adapter, *porttest.Output) {
			a, _, out := linkedAdapterAt(t, srv, fresh(t))
			return a, out
		})
	})
}

func runMessengerContract(t *testing.T, linked func(t *testing.T, srv *fakewa.Server) (*whatsapp.Adapter, *porttest.Output)) {
	porttest.RunMessenger(t, func(t *testing.T) porttest.MessengerHarness {
		srv := fakewa.NewServer(t)
		a, out := linked(t, srv)
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
							sh := porttest.Shown{ID: r.ID, Text: r.Text, Deleted: r.Deleted, FileName: r.FileName}
							if r.Media != nil {
								sum := sha256.Sum256(r.Media)
								sh.Media = hex.EncodeToString(sum[:])
							}
							if l := r.Location; l != nil {
								sh.Pin = bot.Location{Lat: l.GetDegreesLatitude(), Long: l.GetDegreesLongitude()}.String()
							}
							out = append(out, sh)
						}
						return out
					}
					time.Sleep(5 * time.Millisecond)
				}
			},
		}
	})
}
