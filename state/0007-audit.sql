-- 0007-audit.sql: who applied each generation, and who rolled it back.
--
-- A table of its own, written once per event, so that the generation row
-- that is updated when an apply finishes stays small (0004 says why) and
-- generations recorded before this schema simply have no audit row: they
-- read with NULLs.  event is 'apply' (written in the same transaction as the
-- generation's start) or 'rollback' (a confirmation that ran out, an expiry
-- or an explicit rollback, written when it is recorded).
CREATE TABLE generation_audit (
	generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
	event         TEXT    NOT NULL CHECK (event IN ('apply', 'rollback')),
	at            INTEGER NOT NULL,    -- unix milliseconds
	uid           INTEGER NOT NULL,    -- the real uid of the hostnet process
	user          TEXT,                -- its name, when the passwd database has one
	sudo_user     TEXT,                -- SUDO_USER / SUDO_UID, when run through sudo
	sudo_uid      INTEGER,
	agent_remote  TEXT,                -- hostnet reconcile: the remote, credentials stripped
	agent_branch  TEXT,
	commit_author TEXT,                -- "name <email>" of the commit applied
	reason        TEXT,                -- a rollback's why
	PRIMARY KEY (generation_id, event)
);
