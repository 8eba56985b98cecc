// Package bot is the core of frontdesk: who is talking (owner, admin,
// customer, ignored), the weekly schedule, the automatic-reply rules and the
// engine that decides, records and sends.
//
// It imports neither whatsmeow nor SQL. It speaks to the outside world through
// three small interfaces defined here: Messenger (the WhatsApp connection),
// Store (persistence) and Clock (time). The whatsmeow adapter in bot/whatsapp,
// the fake used by replay and the tests implement Messenger; storage implements
// Store.
package bot
