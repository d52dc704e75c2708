-- 0006-generation-wants.sql: a generation's desired state as a packed blob.
--
-- The generation's document held the desired state as canonical JSON (20.9
-- MB and ~680 ms to build, print and free for 100k routes, on every apply)
-- besides the plan.  The desired state is now one blob (reconciler/wantblob.h
-- documents the encoding) in a table of its own, written once with the
-- generation's start, so the generations row that is updated when the
-- generation finishes stays small.  generation_plans keeps the plan's
-- summary (counts) only: the actions are the difference between the
-- snapshot before and the desired state, and nothing read them back.
--
-- Old generations keep their JSON document in generation_plans (its "want"
-- is read when no generation_wants row exists): converting them would need
-- the encoder in SQL, and they are pruned with their snapshots in time.
CREATE TABLE generation_wants (
	generation_id INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
	want          BLOB    NOT NULL
);
