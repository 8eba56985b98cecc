// Package bot is the core of frontdesk: who is talking (owner, admin,
// customer, ignored), the weekly schedule, the automatic-reply rules and the
// engine that decides, records and sends.
//
// It imports neither whatsmeow nor SQL. Everything that crosses its border
// is declared in ports.go: Messenger and Directory (the WhatsApp side),
// Store (persistence), Clock (time), Commander and the Business view it
// hands to commands, and the sentinel errors implementations return. The
// whatsmeow adapter in bot/whatsapp and the replay fake in bot/replay
// implement Messenger and Directory, package storage implements Store,
// package commands implements Commander, and bot/porttest holds the
// contract suites every implementation and fake runs.
//
// One customer message goes: HandleMessage (dispatch.go) → canonical
// identity (identity.go) → handleCustomer (customer.go) → decide
// (decide.go, pure) → Store.RecordInbound, one transaction with the queued
// reply → later Tick (scheduler.go) → sendDue/sendOne (outbox.go) →
// Messenger.SendText under the message id chosen when it was queued.
package bot
