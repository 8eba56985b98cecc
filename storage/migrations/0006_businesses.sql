-- 0006_businesses: one database holds several businesses, one per linked
-- WhatsApp number, each wholly apart from the others. fd_businesses names
-- them; every other table carries the business in its keys and indexes,
-- and every query names it, so nothing of one business is ever visible to
-- another.
--
-- The tables below are the whole schema from here on, for SQLite and
-- PostgreSQL alike (storage/dialect.go translates the few words that
-- differ). On SQLite the tables of version 5 are renamed first and their
-- rows copied into business 1, whose number is not known yet: the first
-- business opened on the database adopts it (storage/business.go), so an
-- upgraded database keeps everything. A PostgreSQL database starts here.

-- dialect: sqlite3
ALTER TABLE fd_config RENAME TO fd_v5_config;
ALTER TABLE fd_state RENAME TO fd_v5_state;
ALTER TABLE fd_identities RENAME TO fd_v5_identities;
ALTER TABLE fd_customers RENAME TO fd_v5_customers;
ALTER TABLE fd_inbound RENAME TO fd_v5_inbound;
ALTER TABLE fd_outbox RENAME TO fd_v5_outbox;
ALTER TABLE fd_shortcut_uses RENAME TO fd_v5_shortcut_uses;
ALTER TABLE fd_questions RENAME TO fd_v5_questions;
ALTER TABLE fd_answers RENAME TO fd_v5_answers;
ALTER TABLE fd_stats_quarters RENAME TO fd_v5_stats_quarters;
ALTER TABLE fd_stats_replies RENAME TO fd_v5_stats_replies;
ALTER TABLE fd_stats_questions RENAME TO fd_v5_stats_questions;
DROP INDEX fd_inbound_received;
DROP INDEX fd_inbound_customer;
DROP INDEX fd_outbox_waiting;
DROP INDEX fd_outbox_sent;
DROP INDEX fd_shortcut_uses_at;
DROP INDEX fd_questions_at;
DROP INDEX fd_questions_text;

-- dialect: all
-- The businesses. number is the linked number's digits; NULL only for
-- the business of a database from before this migration, until it is
-- adopted. An id is never given twice (AUTOINCREMENT), so a business
-- deleted and its number linked again never meets its old rows' id.
CREATE TABLE fd_businesses (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	number  TEXT    UNIQUE,
	created INTEGER NOT NULL
);

-- The whole configuration as one JSON document (bot.Config).
CREATE TABLE fd_config (
	business INTEGER NOT NULL PRIMARY KEY,
	doc      TEXT    NOT NULL,
	updated  INTEGER NOT NULL
);

-- The kill switch, the owner's last activity and the weekly digest: one
-- row per business, made with the business.
CREATE TABLE fd_state (
	business     INTEGER NOT NULL PRIMARY KEY,
	kill_off     INTEGER NOT NULL DEFAULT 0 CHECK (kill_off IN (0, 1)),
	kill_until   INTEGER,
	kill_reason  TEXT    NOT NULL DEFAULT '',
	owner_active INTEGER,
	digest_sent  INTEGER
);

-- The same person's hidden id (LID) and phone number (PN).
CREATE TABLE fd_identities (
	business INTEGER NOT NULL,
	lid      TEXT    NOT NULL,
	pn       TEXT    NOT NULL,
	PRIMARY KEY (business, lid),
	UNIQUE (business, pn)
) WITHOUT ROWID;

-- What the bot remembers about a customer, by canonical id; keywords is
-- when each keyword answer last went to them, {"keyword id": unix nanos}.
CREATE TABLE fd_customers (
	business     INTEGER NOT NULL,
	id           TEXT    NOT NULL,
	name         TEXT    NOT NULL DEFAULT '',
	known        INTEGER NOT NULL DEFAULT 0 CHECK (known IN (0, 1)),
	known_at     INTEGER,
	last_inbound INTEGER,
	away_period  INTEGER,
	owner_wrote  INTEGER,
	keywords     TEXT    NOT NULL DEFAULT '{}',
	PRIMARY KEY (business, id)
) WITHOUT ROWID;

-- Every inbound message decided, keyed by who wrote (party) and its id.
-- No message text.
CREATE TABLE fd_inbound (
	business INTEGER NOT NULL,
	party    TEXT    NOT NULL,
	msg_id   TEXT    NOT NULL,
	chat     TEXT    NOT NULL,
	kind     TEXT    NOT NULL,
	customer TEXT    NOT NULL DEFAULT '',
	sent     INTEGER,
	received INTEGER NOT NULL,
	rules    TEXT    NOT NULL DEFAULT '[]',
	answered INTEGER NOT NULL DEFAULT 1 CHECK (answered IN (0, 1)),
	PRIMARY KEY (business, party, msg_id)
) WITHOUT ROWID;
CREATE INDEX fd_inbound_received ON fd_inbound (business, received);
-- !stats reads response times and customers through it alone.
CREATE INDEX fd_inbound_customer ON fd_inbound (business, customer, received, kind, rules);

-- The outbox of automatic messages. Ids are unique in the database and
-- only grow, so ids keep the order of queuing.
CREATE TABLE fd_outbox (
	id       INTEGER PRIMARY KEY,
	business INTEGER NOT NULL,
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
-- Waiting (pending or being sent): the send queue, its turns, !off.
CREATE INDEX fd_outbox_waiting ON fd_outbox (business, status, id) WHERE status IN ('pending', 'sending');
-- Sent: the pace limit, !stats, !last.
CREATE INDEX fd_outbox_sent ON fd_outbox (business, status, sent_at) WHERE status = 'sent';

-- One row per use of a quick reply's shortcut.
CREATE TABLE fd_shortcut_uses (
	id       INTEGER PRIMARY KEY,
	business INTEGER NOT NULL,
	shortcut TEXT    NOT NULL,
	by_owner INTEGER NOT NULL CHECK (by_owner IN (0, 1)),
	at       INTEGER NOT NULL
);
CREATE INDEX fd_shortcut_uses_at ON fd_shortcut_uses (business, at);

-- Customers' questions in normalised form only (never the message text).
CREATE TABLE fd_questions (
	id       INTEGER PRIMARY KEY,
	business INTEGER NOT NULL,
	text     TEXT    NOT NULL,
	customer TEXT    NOT NULL,
	at       INTEGER NOT NULL
);
CREATE INDEX fd_questions_at ON fd_questions (business, at);
CREATE INDEX fd_questions_text ON fd_questions (business, text, at, customer);

-- The answer to a command message, kept until it has gone out.
CREATE TABLE fd_answers (
	business INTEGER NOT NULL,
	party    TEXT    NOT NULL,
	msg_id   TEXT    NOT NULL,
	seq      INTEGER NOT NULL,
	out_id   TEXT    NOT NULL,
	text     TEXT    NOT NULL,
	PRIMARY KEY (business, party, msg_id, seq)
) WITHOUT ROWID;

-- The rollups !stats reads (storage/rollup.go): customer messages and
-- withheld replies per quarter hour, automatic messages sent per quarter
-- hour and rule ('' counts messages), questions per UTC day.
CREATE TABLE fd_stats_quarters (
	business INTEGER NOT NULL,
	quarter  INTEGER NOT NULL,
	inbound  INTEGER NOT NULL DEFAULT 0,
	late     INTEGER NOT NULL DEFAULT 0,
	kill     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (business, quarter)
) WITHOUT ROWID;
CREATE TABLE fd_stats_replies (
	business INTEGER NOT NULL,
	quarter  INTEGER NOT NULL,
	rule     TEXT    NOT NULL,
	n        INTEGER NOT NULL,
	PRIMARY KEY (business, quarter, rule)
) WITHOUT ROWID;
CREATE TABLE fd_stats_questions (
	business INTEGER NOT NULL,
	text     TEXT    NOT NULL,
	day      INTEGER NOT NULL,
	n        INTEGER NOT NULL,
	PRIMARY KEY (business, text, day)
) WITHOUT ROWID;

-- dialect: sqlite3
-- Everything of version 5 becomes business 1's.
INSERT INTO fd_businesses (id, number, created) VALUES (1, NULL, CAST(strftime('%s', 'now') AS INTEGER) * 1000000000);
INSERT INTO fd_config (business, doc, updated) SELECT 1, doc, updated FROM fd_v5_config;
INSERT INTO fd_state (business, kill_off, kill_until, kill_reason, owner_active, digest_sent)
	SELECT 1, kill_off, kill_until, kill_reason, owner_active, digest_sent FROM fd_v5_state;
INSERT INTO fd_state (business) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM fd_state);
INSERT INTO fd_identities (business, lid, pn) SELECT 1, lid, pn FROM fd_v5_identities;
INSERT INTO fd_customers (business, id, name, known, known_at, last_inbound, away_period, owner_wrote, keywords)
	SELECT 1, id, name, known, known_at, last_inbound, away_period, owner_wrote, keywords FROM fd_v5_customers;
INSERT INTO fd_inbound (business, party, msg_id, chat, kind, customer, sent, received, rules, answered)
	SELECT 1, party, msg_id, chat, kind, customer, sent, received, rules, answered FROM fd_v5_inbound;
INSERT INTO fd_outbox (id, business, chat, customer, text, rules, created, status, sent_at, msg_id, error)
	SELECT id, 1, chat, customer, text, rules, created, status, sent_at, msg_id, error FROM fd_v5_outbox;
INSERT INTO fd_shortcut_uses (id, business, shortcut, by_owner, at)
	SELECT id, 1, shortcut, by_owner, at FROM fd_v5_shortcut_uses;
INSERT INTO fd_questions (id, business, text, customer, at) SELECT id, 1, text, customer, at FROM fd_v5_questions;
INSERT INTO fd_answers (business, party, msg_id, seq, out_id, text)
	SELECT 1, party, msg_id, seq, out_id, text FROM fd_v5_answers;
INSERT INTO fd_stats_quarters (business, quarter, inbound, late, kill)
	SELECT 1, quarter, inbound, late, kill FROM fd_v5_stats_quarters;
INSERT INTO fd_stats_replies (business, quarter, rule, n) SELECT 1, quarter, rule, n FROM fd_v5_stats_replies;
INSERT INTO fd_stats_questions (business, text, day, n) SELECT 1, text, day, n FROM fd_v5_stats_questions;
DROP TABLE fd_v5_config;
DROP TABLE fd_v5_state;
DROP TABLE fd_v5_identities;
DROP TABLE fd_v5_customers;
DROP TABLE fd_v5_inbound;
DROP TABLE fd_v5_outbox;
DROP TABLE fd_v5_shortcut_uses;
DROP TABLE fd_v5_questions;
DROP TABLE fd_v5_answers;
DROP TABLE fd_v5_stats_quarters;
DROP TABLE fd_v5_stats_replies;
DROP TABLE fd_v5_stats_questions;
