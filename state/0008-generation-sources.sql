-- 0008-generation-sources.sql: what a generation's desired state was realized from.
--
-- A no-op `hostnet plan` of 100,000 routes spent half its time in libyaml,
-- parsing a profile that had not changed since it was applied.  A
-- generation now records a key over everything realization depends on
-- (hostnet's version, the host, the kernel's capabilities, and the path and
-- content hash of every file the profile was merged from: `files`, one
-- repository path a line, host file first) so that the next plan can
-- recompute the key from those files alone and, when it is the same, reuse
-- the desired state the generation stored (generation_wants) instead of
-- parsing.  Recorded only when the profile loaded without any diagnostic,
-- so that reusing it never hides a warning.  A table of its own (0004 says
-- why); generations from before this schema have no row and are planned
-- the full way.
CREATE TABLE generation_sources (
	generation_id INTEGER PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
	source_key    TEXT    NOT NULL,
	files         TEXT    NOT NULL
);
