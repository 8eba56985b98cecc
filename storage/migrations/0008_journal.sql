-- 0008_journal: on SQLite a customer message is recorded as one small row
-- here before WhatsApp gets its ack, and the rows it stands for (the
-- message in fd_inbound, the customer, the reply in fd_outbox, the
-- question, the statistics) are written from it a moment later, many
-- messages in one transaction (storage/journal.go). fd_journal_message
-- refuses a redelivered message here as fd_inbound's key does there. seq
-- is the order the messages were recorded in, and the outbox id of the
-- message's reply when it has one: it is taken above every outbox id and
-- every other seq, so it names no other message. entry is the whole record
-- (a JSON bot.Inbound). The table holds only what is not written out
-- yet: usually nothing, a few hundred rows at most. After a crash its rows
-- are written out when the database is opened again. PostgreSQL records
-- every message wholly in one transaction and leaves the table empty.
CREATE TABLE fd_journal (
	seq      INTEGER PRIMARY KEY,
	business INTEGER NOT NULL,
	party    TEXT    NOT NULL,
	msg_id   TEXT    NOT NULL,
	entry    TEXT    NOT NULL
);
CREATE UNIQUE INDEX fd_journal_message ON fd_journal (business, party, msg_id);
