// Package storage keeps frontdesk's state in one database, a SQLite file
// or a PostgreSQL database: for each business (one per linked WhatsApp
// number) the configuration, the kill switch, customers, the record of
// every inbound message decided, the outbox, quick reply usage, normalised
// questions and the statistics rollups; and the photos and documents the
// businesses' configurations refer to, kept once by their SHA-256
// (media.go).
//
// Open opens the database; DB.Business returns one business's *Store,
// which implements bot.Store and sees nothing of the other businesses. The
// same database also holds whatsmeow's sessions
// (sqlstore.NewWithDB(db.SQL(), db.Dialect(), log)), which is why every
// table of ours starts with fd_ and our schema version lives in fd_schema.
//
// Schema changes are numbered files under migrations/, embedded in the
// binary and applied in order, each in its own transaction; the SQL is
// written once and translated for PostgreSQL (dialect.go). Times are
// stored as UTC unix nanoseconds, NULL meaning "never", so they round-trip
// exactly and compare as integers in SQL.
package storage
