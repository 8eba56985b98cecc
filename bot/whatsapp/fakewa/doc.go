// Package fakewa is an in-process fake WhatsApp server for tests: the real,
// unmodified whatsmeow.Client connects to it, links by QR code, receives
// end-to-end encrypted messages from fake customers and from the owner's
// phone, and sends replies and edits that those fake peers decrypt. It lets
// end-to-end tests drive the same wiring the bot uses in production without
// the network. It is test support only; nothing in the binary imports it.
//
// # How it works
//
//   - Transport. NewServer starts an httptest TLS server with a websocket
//     endpoint. Server.Configure gives the client an http.Client that dials
//     the fake whatever host it asks for (TLS verification is skipped).
//     The server side of the Noise XX handshake mirrors whatsmeow's
//     handshake.go and socket package: "WA" header, 3-byte length frames,
//     AES-GCM with counter nonces. The server certificate chain is signed
//     by a root key the fake generates and installs in
//     whatsmeow.WACertPubKey.
//   - Stanzas are whatsmeow's binary XML nodes (go.mau.fi/whatsmeow/binary).
//     The fake answers the IQs a client sends after login (prekey count and
//     upload, passive, usync device lists and the LIDs of phone numbers,
//     prekey fetches) and any other IQ
//     with an empty result, so events.Connected arrives within milliseconds.
//   - Linking. A new client gets <pair-device> with QR references and shows
//     QR codes. Phone.Scan reads one (ref, noise key, identity key, adv
//     secret), signs the device identity with the phone's Signal identity
//     key (the account key) as pair.go expects and sends <pair-success>.
//     After the client's signed reply the fake sends stream error 515; the
//     client reconnects and gets <success>.
//   - Peers. Customers and the phone are whatsmeow store.Devices in the
//     fake's own SQLite database, so they have real Signal stores. They start
//     sessions from the prekeys the linked device uploaded and encrypt with
//     go.mau.fi/libsignal: <enc type=pkmsg|msg> for direct messages,
//     a sender key distribution message plus <enc type=skmsg> for groups and
//     status. The phone wraps its messages in DeviceSentMessage and sends
//     from device 0 of the own account, as a real phone does. For the
//     client's own sends the fake answers device lists and hands out the
//     peers' prekey bundles; each <to> is decrypted by the peer it is for
//     before the server acks the message, so when SendMessage returns the
//     peer's Received/Inbox already has it. The phone also receives what the
//     linked device sends in any chat (the DeviceSentMessage copy), edits
//     included.
//   - What a peer shows. Peers keep what they get as a phone does, by chat,
//     sender and message id: Received lists distinct messages, Shown what
//     the screen shows (a message sent again with the same id once, edits
//     applied to the message they edit), Deliveries every delivery with a
//     process-wide arrival number (Received.Seq) for ordering across peers.
//   - Another process. Server.Remote and ConfigureRemote let a client in a
//     child process (one a test may kill) reach the fake: its address and
//     the root key of its certificate chain.
//   - LID and phone number. whatsmeow keeps one Signal session per contact,
//     under the phone number until it learns the LID (from sender_lid /
//     sender_pn attributes), then migrates it to the LID. Each peer mirrors
//     that bookkeeping so either addressing (see Addressing) works, in any
//     order.
//   - Delivery. Stanzas for the client are queued until a client is logged
//     in and stay owed until the client acks them (a <receipt> or <ack>
//     with the stanza id; see Server.Acks). After every login all unacked
//     stanzas are sent again, byte for byte, as the real server does after a
//     crash or a handler that reported failure. DropConnection closes the
//     socket (whatsmeow reconnects at once), HoldLogin keeps the next login
//     waiting so a test can queue messages "while offline", Redeliver sends
//     one stanza again byte for byte, LogOut sends the device_removed stream error
//     (events.LoggedOut) and refuses later logins of that device with a 401
//     failure (and leaves the socket for the client to close).
//   - Offline. Every login announces how many stanzas were waiting
//     (<ib><offline_preview/>), sends them, and ends with <ib><offline/>,
//     which whatsmeow turns into events.OfflineSyncCompleted. GoOffline
//     drops the connection and refuses new ones ("connection refused")
//     until the returned function is called.
//     Customer.SendSentAt backdates a message, as one that waited at the
//     server while the bot was down.
//
// # Limits
//
//   - WACertPubKey is process-global: tests using a fake server must not
//     run in parallel (no t.Parallel) with each other.
//   - One client at a time per server (one server per account; see
//     NewServerFor); a new login replaces the previous connection, which
//     gets the stream error <conflict type="replaced"/> as from WhatsApp.
//   - Peers have a single device (device 0); the account has the phone and
//     the linked device only. No multi-device fan-out for customers.
//   - Media: image and document uploads work (the <media_conn> query and
//     the HTTPS upload go to the fake; peers decrypt the file into
//     Received.Media, and an image into Received.Image too). Location
//     messages arrive in Received.Location, deletions for everyone set
//     Received.RevokeOf (Shown marks the message Deleted). The phone sends
//     photos and documents encrypted and uploaded as clients do
//     (Phone.SendMediaToSelf), and the client downloads them from the fake.
//   - The phone can send read receipts (Phone.ReadChat) and an initial
//     history sync with a chat list inline (Phone.SyncHistory). There is
//     no app state, presence, receipts to peers, notifications or group
//     metadata (sending to a group from the client is not supported;
//     receiving is).
//   - Retry receipts for direct messages from customers and the phone are
//     answered as a phone would (same id, encrypted again; a new session
//     from the receipt's keys on the second retry); Server.Resend does the
//     same on demand. Group and status messages are not resent.
//   - The prekey count reported before the first upload is 1 instead of 0
//     so a new device uploads 50 prekeys instead of 812 (speed).
//   - Stanza timestamps come from Server.Now (time.Now by default).
//
// whatsmeow has data races that show under -race when a connection closes
// or a request is cancelled while a frame is in flight (FrameSocket.SendFrame
// vs Close, cancelResponse vs receiveResponse), and its Connected event
// runs unordered with a later logout's store deletion. DropConnection and
// LogOut therefore first wait for the connection to go idle (WaitQuiet),
// and LogOut round-trips a notification first; tests should call
// Server.WaitQuiet before they disconnect or stop a client themselves.
//
// Peer helpers that can fail (Send, SendInChat...) call Fatalf on the
// server's testing.TB: call them from the test goroutine.
package fakewa
