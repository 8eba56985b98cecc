-- 0003_answered: an owner's command is recorded with its change, before
-- its answer is sent. answered is 0 until the answer has gone out, and
-- fd_answers keeps the answer's parts meanwhile, each with the WhatsApp
-- message id it is sent under: when a crash falls in between, the
-- redelivered command gets the same answer under the same ids, which the
-- owner's phone shows once.
ALTER TABLE fd_inbound ADD COLUMN answered INTEGER NOT NULL DEFAULT 1 CHECK (answered IN (0, 1));

CREATE TABLE fd_answers (
	party  TEXT    NOT NULL,
	msg_id TEXT    NOT NULL,
	seq    INTEGER NOT NULL,
	out_id TEXT    NOT NULL,
	text   TEXT    NOT NULL,
	PRIMARY KEY (party, msg_id, seq)
) WITHOUT ROWID;
