-- 0003_answered: an owner's command is recorded with its change, before
-- its answer is sent. answered is 0 until the answer has gone out, so that
-- when a crash falls in between, the redelivered command is acknowledged
-- instead of silently dropped as a duplicate.
ALTER TABLE fd_inbound ADD COLUMN answered INTEGER NOT NULL DEFAULT 1 CHECK (answered IN (0, 1));
