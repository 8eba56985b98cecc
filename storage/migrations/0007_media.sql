-- 0007_media: photos and documents that quick replies and keyword answers
-- carry, kept once each by the SHA-256 of their bytes (a configuration
-- refers to them by that key; unreferenced ones are pruned), and what an
-- outgoing message carries besides its text (a JSON bot.Attachment: the
-- media's reference or a location pin; '' for plain text).
--
-- fd_media is shared by the database's businesses: a file is named by its
-- bytes, so two businesses keeping the same photo keep it once, and a
-- business reaches a file only through a reference in its own
-- configuration or outbox. Pruning therefore keeps what any business
-- refers to (storage/media.go). The attachment belongs to its outbox row,
-- which carries the row's business like every other column. Both dialects
-- (BLOB becomes PostgreSQL's BYTEA). A rowid table, not WITHOUT ROWID: its
-- rows are large.

CREATE TABLE fd_media (
	sha256    TEXT    NOT NULL PRIMARY KEY,
	mime      TEXT    NOT NULL,
	file_name TEXT    NOT NULL DEFAULT '',
	size      INTEGER NOT NULL CHECK (size > 0),
	data      BLOB    NOT NULL,
	created   INTEGER NOT NULL
);

ALTER TABLE fd_outbox ADD COLUMN attachment TEXT NOT NULL DEFAULT '';
