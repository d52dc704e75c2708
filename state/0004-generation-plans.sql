-- 0004-generation-plans.sql: a generation's plan in a table of its own.
--
-- The plan (desired state and actions, hundreds of KiB for a large host) was
-- a column of the generation's row, and SQLite rewrites a whole row, overflow
-- pages and all, when any column of it changes: recording the outcome of an
-- apply needed as much free disk as recording its start, and on a nearly
-- full disk it failed after the kernel had been changed.  The row that is
-- updated after the change is now small; the plan is written once, in the
-- same transaction as the generation's start.  generations.plan stays (NULL)
-- so that no table is rebuilt.
CREATE TABLE generation_plans (
	generation_id INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
	plan          TEXT    NOT NULL
);
INSERT INTO generation_plans (generation_id, plan)
	SELECT id, plan FROM generations WHERE plan IS NOT NULL;
UPDATE generations SET plan = NULL;
