-- 0002_exactly_once: duplicates are judged by who wrote (the canonical
-- customer, or the business itself for its own chat) and the message id,
-- never by how the chat was addressed; the outbox keeps each reply's
-- WhatsApp message id from the moment it is queued, so a send interrupted
-- by a crash is repeated under the same id; the weekly digest remembers
-- when it last went out.

CREATE TABLE fd_inbound_new (
	party    TEXT    NOT NULL,
	msg_id   TEXT    NOT NULL,
	chat     TEXT    NOT NULL,
	kind     TEXT    NOT NULL,
	customer TEXT    NOT NULL DEFAULT '',
	sent     INTEGER,
	received INTEGER NOT NULL,
	rules    TEXT    NOT NULL DEFAULT '[]',
	PRIMARY KEY (party, msg_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO fd_inbound_new (party, msg_id, chat, kind, customer, sent, received, rules)
	SELECT CASE WHEN customer <> '' THEN customer ELSE chat END, msg_id, chat, kind, customer, sent, received, rules
	FROM fd_inbound;
DROP TABLE fd_inbound;
ALTER TABLE fd_inbound_new RENAME TO fd_inbound;
CREATE INDEX fd_inbound_received ON fd_inbound (received);
CREATE INDEX fd_inbound_customer ON fd_inbound (customer);

-- A message left "sending" by an older version has no id to resend
-- under: it is given up, as that version did.
UPDATE fd_outbox SET status = 'failed', error = 'interrupted before upgrade'
	WHERE status = 'sending' AND msg_id = '';
DROP INDEX fd_outbox_customer;
CREATE INDEX fd_outbox_customer ON fd_outbox (customer, status);

ALTER TABLE fd_state ADD COLUMN digest_sent INTEGER;
