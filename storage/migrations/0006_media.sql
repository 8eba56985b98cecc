-- 0006_media: photos and documents that quick replies and keyword answers
-- carry, kept once each by the SHA-256 of their bytes (the configuration
-- refers to them by that key; unreferenced ones are pruned), and what an
-- outgoing message carries besides its text (a JSON bot.Attachment: the
-- media's reference or a location pin; '' for plain text).

CREATE TABLE fd_media (
	sha256    TEXT    NOT NULL PRIMARY KEY,
	mime      TEXT    NOT NULL,
	file_name TEXT    NOT NULL DEFAULT '',
	size      INTEGER NOT NULL CHECK (size > 0),
	data      BLOB    NOT NULL,
	created   INTEGER NOT NULL
);

ALTER TABLE fd_outbox ADD COLUMN attachment TEXT NOT NULL DEFAULT '';
