-- 0005-snapshot-blobs.sql: a snapshot's objects as one packed blob.
--
-- As rows, a 100k-route snapshot took ~250 ms to save (a step per row,
-- addresses formatted as text) and ~7 MB; as one blob (reconciler/snapblob.h
-- documents the encoding) it is one step.  The blob lives in a table of its
-- own so that the snapshots row, which listings read often, stays small.
--
-- Old snapshots keep their rows and are read by the row reader: `format`
-- says which reader a snapshot needs (1 = the snapshot_* tables, 2 = a
-- snapshot_blobs row).  Converting them here would need the blob encoder in
-- SQL, and converting in C at open would rewrite every old snapshot (a
-- large write, under the lock, on a disk that may be nearly full) for
-- snapshots that are mostly pruned soon anyway.  The row tables stay.
ALTER TABLE snapshots ADD COLUMN format INTEGER NOT NULL DEFAULT 1 CHECK (format IN (1, 2));

CREATE TABLE snapshot_blobs (
	snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,
	objects     BLOB    NOT NULL
);
