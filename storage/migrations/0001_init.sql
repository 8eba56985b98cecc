-- 0001_init: frontdesk's own tables. Every name starts with fd_ so that
-- whatsmeow's session tables (whatsmeow_*) can live in the same file.
-- Times are UTC unix nanoseconds (INTEGER); NULL means "never".

-- The whole configuration as one JSON document (bot.Config), one row.
CREATE TABLE fd_config (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	doc     TEXT    NOT NULL,
	updated INTEGER NOT NULL
);

-- Singleton state: the kill switch and the owner's last activity.
CREATE TABLE fd_state (
	id           INTEGER PRIMARY KEY CHECK (id = 1),
	kill_off     INTEGER NOT NULL DEFAULT 0 CHECK (kill_off IN (0, 1)),
	kill_until   INTEGER,
	kill_reason  TEXT    NOT NULL DEFAULT '',
	owner_active INTEGER
);
INSERT INTO fd_state (id) VALUES (1);

-- The same person's hidden id (LID) and phone number (PN): one row each
-- way round is unique.
CREATE TABLE fd_identities (
	lid TEXT NOT NULL PRIMARY KEY,
	pn  TEXT NOT NULL UNIQUE
) WITHOUT ROWID;

-- What the bot remembers about a customer, by canonical id.
CREATE TABLE fd_customers (
	id           TEXT    NOT NULL PRIMARY KEY,
	name         TEXT    NOT NULL DEFAULT '',
	known        INTEGER NOT NULL DEFAULT 0 CHECK (known IN (0, 1)),
	known_at     INTEGER,
	last_inbound INTEGER,
	away_period  INTEGER,
	owner_wrote  INTEGER
) WITHOUT ROWID;

-- When each keyword answer last went to each customer (once an hour rule).
CREATE TABLE fd_keyword_sends (
	customer   TEXT    NOT NULL,
	keyword_id INTEGER NOT NULL,
	sent_at    INTEGER NOT NULL,
	PRIMARY KEY (customer, keyword_id)
) WITHOUT ROWID;

-- Every inbound message decided, keyed by (chat, msg_id) so that a
-- redelivered message is recognised. kind is bot.Kind's name, rules a JSON
-- array of rule names: enough for !stats in SQL. No message text.
CREATE TABLE fd_inbound (
	chat     TEXT    NOT NULL,
	msg_id   TEXT    NOT NULL,
	kind     TEXT    NOT NULL,
	customer TEXT    NOT NULL DEFAULT '',
	sent     INTEGER,
	received INTEGER NOT NULL,
	rules    TEXT    NOT NULL DEFAULT '[]',
	PRIMARY KEY (chat, msg_id)
) WITHOUT ROWID;
CREATE INDEX fd_inbound_received ON fd_inbound (received);
CREATE INDEX fd_inbound_customer ON fd_inbound (customer);

-- The outbox of automatic messages, sent in id order at a modest pace.
CREATE TABLE fd_outbox (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	chat     TEXT    NOT NULL,
	customer TEXT    NOT NULL DEFAULT '',
	text     TEXT    NOT NULL,
	rules    TEXT    NOT NULL DEFAULT '[]',
	created  INTEGER NOT NULL,
	status   TEXT    NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'discarded')),
	sent_at  INTEGER,
	msg_id   TEXT    NOT NULL DEFAULT '',
	error    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX fd_outbox_status ON fd_outbox (status, id);
CREATE INDEX fd_outbox_sent ON fd_outbox (status, sent_at);
CREATE INDEX fd_outbox_chat ON fd_outbox (chat);
CREATE INDEX fd_outbox_customer ON fd_outbox (customer);

-- One row per use of a quick reply's shortcut.
CREATE TABLE fd_shortcut_uses (
	id       INTEGER PRIMARY KEY,
	shortcut TEXT    NOT NULL,
	by_owner INTEGER NOT NULL CHECK (by_owner IN (0, 1)),
	at       INTEGER NOT NULL
);
CREATE INDEX fd_shortcut_uses_at ON fd_shortcut_uses (at);

-- Customers' questions in normalised form only (never the message text),
-- for the frequent-questions part of !stats.
CREATE TABLE fd_questions (
	id       INTEGER PRIMARY KEY,
	text     TEXT    NOT NULL,
	customer TEXT    NOT NULL,
	at       INTEGER NOT NULL
);
CREATE INDEX fd_questions_at ON fd_questions (at);
CREATE INDEX fd_questions_customer ON fd_questions (customer);
