-- 0005_perf: a customer message writes fewer pages. The outbox loses
-- AUTOINCREMENT (no sqlite_sequence write per reply: a new id is still one
-- more than the largest, so ids keep the order of queuing among the rows
-- that exist, and status changes name the row by id and message id, so a
-- reused id cannot be mistaken for another message). Indexes only !forget
-- used go (it scans instead: it is rare); the outbox's status indexes
-- become partial: one for the waiting messages, one for the sent ones.
-- When each keyword answer last went to a customer moves into the
-- customer's row (a JSON object {"keyword id": unix nanos}), which every
-- message writes anyway, instead of a table of its own.

CREATE TABLE fd_outbox_new (
	id       INTEGER PRIMARY KEY,
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
INSERT INTO fd_outbox_new (id, chat, customer, text, rules, created, status, sent_at, msg_id, error)
	SELECT id, chat, customer, text, rules, created, status, sent_at, msg_id, error FROM fd_outbox;
DROP TABLE fd_outbox;
ALTER TABLE fd_outbox_new RENAME TO fd_outbox;
-- Waiting (pending or being sent): the send queue, its turns, !off.
CREATE INDEX fd_outbox_waiting ON fd_outbox (status, id) WHERE status IN ('pending', 'sending');
-- Sent: the pace limit, !stats, !last.
CREATE INDEX fd_outbox_sent ON fd_outbox (status, sent_at) WHERE status = 'sent';

-- fd_inbound_customer stays: !stats reads response times through it.
DROP INDEX fd_questions_customer;

ALTER TABLE fd_customers ADD COLUMN keywords TEXT NOT NULL DEFAULT '{}';
INSERT INTO fd_customers (id) SELECT DISTINCT customer FROM fd_keyword_sends WHERE true
	ON CONFLICT (id) DO NOTHING;
UPDATE fd_customers SET keywords = (
	SELECT json_group_object(CAST(keyword_id AS TEXT), sent_at) FROM fd_keyword_sends WHERE customer = fd_customers.id)
	WHERE id IN (SELECT customer FROM fd_keyword_sends);
DROP TABLE fd_keyword_sends;
