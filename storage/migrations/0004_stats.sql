-- 0004_stats: !stats and the weekly digest read rollups kept as messages
-- arrive instead of walking every message. Times are grouped into
-- quarters of an hour (received / 900 s, UTC), so that every business
-- zone's local hours are whole quarters, and questions into UTC days.
-- The rows before this migration are rolled up here, so the figures stay
-- the same after an upgrade. storage/rollup.go keeps them up to date.

-- One customer's chat in time order, for the response times and the
-- number of customers: the index answers them without reading the rows
-- (kind and rules say who wrote: a team member's message is recorded as a
-- customer's with the rule "admin"). It replaces the index on customer
-- alone, which !forget used.
DROP INDEX fd_inbound_customer;
CREATE INDEX fd_inbound_customer ON fd_inbound (customer, received, kind, rules);

-- Customer messages per quarter hour, and how many customer messages got
-- no automatic reply because they came too late or the kill switch was on.
CREATE TABLE fd_stats_quarters (
	quarter INTEGER PRIMARY KEY,
	inbound INTEGER NOT NULL DEFAULT 0,
	late    INTEGER NOT NULL DEFAULT 0,
	kill    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO fd_stats_quarters (quarter, inbound, late, kill)
	SELECT received / 900000000000,
		sum(customer <> '' AND kind = 'customer' AND instr(rules, '"admin"') = 0),
		sum(kind = 'customer' AND instr(rules, '"late"') > 0),
		sum(kind = 'customer' AND instr(rules, '"kill-switch"') > 0)
	FROM fd_inbound
	GROUP BY 1
	HAVING sum(customer <> '' AND kind = 'customer' AND instr(rules, '"admin"') = 0) > 0 OR sum(kind = 'customer' AND (instr(rules, '"late"') > 0 OR instr(rules, '"kill-switch"') > 0)) > 0;

-- Automatic messages sent per quarter hour (when they went out): rule ''
-- counts messages, every other row the messages that carried that rule.
CREATE TABLE fd_stats_replies (
	quarter INTEGER NOT NULL,
	rule    TEXT    NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (quarter, rule)
) WITHOUT ROWID;
INSERT INTO fd_stats_replies (quarter, rule, n)
	SELECT sent_at / 900000000000, '', count(*) FROM fd_outbox
	WHERE status = 'sent' AND sent_at IS NOT NULL GROUP BY 1;
INSERT INTO fd_stats_replies (quarter, rule, n)
	SELECT o.sent_at / 900000000000, r.value, count(*) FROM fd_outbox AS o, json_each(o.rules) AS r
	WHERE o.status = 'sent' AND o.sent_at IS NOT NULL GROUP BY 1, 2;

-- Normalised questions asked per UTC day (at / 86400 s).
CREATE TABLE fd_stats_questions (
	text TEXT    NOT NULL,
	day  INTEGER NOT NULL,
	n    INTEGER NOT NULL,
	PRIMARY KEY (text, day)
) WITHOUT ROWID;
INSERT INTO fd_stats_questions (text, day, n)
	SELECT text, at / 86400000000000, count(*) FROM fd_questions GROUP BY 1, 2;
-- How many customers asked one question, for the few questions listed.
CREATE INDEX fd_questions_text ON fd_questions (text, at, customer);
