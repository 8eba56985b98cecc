// Package porttest holds the contract suites of the core's ports (bot.Store,
// bot.Messenger) and the one recording fake Messenger that tests share.
// Like testing/slogtest, a suite is called from each implementation's own
// tests:
//
//	func TestStore(t *testing.T) {
//		porttest.RunStore(t, func(t *testing.T) bot.Store { return openTestStore(t) })
//	}
//
// Every implementation of a port, and every fake of one, runs its suite:
// storage's SQLite store, the whatsmeow adapter over the fake WhatsApp
// server, the replay fake and the Messenger below.
package porttest
