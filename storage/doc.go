// Package storage keeps frontdesk's state in one SQLite file: the
// configuration, the kill switch, customers, the record of every inbound
// message decided, the outbox, quick reply usage and normalised questions.
//
// *DB implements bot.Store. The same file also holds whatsmeow's session
// (sqlstore.NewWithDB(db.SQL(), "sqlite3", log)), which is why every table
// of ours starts with fd_ and our schema version lives in fd_schema.
//
// Schema changes are numbered files under migrations/, embedded in the
// binary and applied in order, each in its own transaction. Times are stored
// as UTC unix nanoseconds, NULL meaning "never", so they round-trip exactly
// and compare as integers in SQL.
package storage
