// Package whatsapp is the whatsmeow adapter of frontdesk: it links the
// business's account as a companion device, turns whatsmeow events into the
// core's values (bot.Message, bot.OwnerRead, bot.KnownChats, bot.SyncDone,
// bot.AccountTrouble), and implements bot.Messenger with whatsmeow's sends.
//
// It is, with cmd/frontdesk, the only importer of whatsmeow. The core in
// package bot never sees a JID or a protobuf.
//
// The event path is deliberately narrow. whatsmeow calls the registered
// handler on its own processing queue; the handler only converts the event
// (Classify and friends are pure functions) and hands it to one worker
// goroutine, then waits for the worker's verdict. The worker does the slow
// parts (LID to phone number look-ups, bot.HandleMessage, which records the
// message in SQLite). With Client.SynchronousAck set, whatsmeow acknowledges
// a message to the server only when the handler reports success, so a
// message that could not be recorded is delivered again after a reconnect.
//
// Media: an inbound photo, video, voice note, document or sticker is
// classified with its kind (bot.InboundMedia); its bytes are downloaded
// only when the bot asks (InboundMedia.Fetch, an owner's !qr add with a
// photo), on the worker. Outbound, SendMedia uploads a kept photo or PDF
// and sends it under the chosen message id, SendLocation sends a pin, and
// Revoke deletes the owner's own message for everyone (sendmedia.go).
package whatsapp
