// Package replay runs scenario transcripts (see docs/scenarios.md) against
// the real bot: it parses a transcript into a Script, drives a bot.Bot on a
// virtual Clock through a fake WhatsApp connection (Messenger), and checks the
// `expect` lines against what the bot sent.
//
// The package imports only bot. How a bot is built (storage, commands) is
// injected as a Factory, so the same runner serves `frontdesk replay` and the
// project's tests without knowing about SQLite or the command router.
package replay
