-- 0001-initial.sql: the first hostnet state schema.
--
-- How migrations run (reconciler/store.c): each NNNN-*.sql file is embedded in
-- the binary, and store_open() runs the ones above the file's user_version in
-- order, each in its own BEGIN IMMEDIATE transaction that also sets
-- user_version = NNNN, under the state lock.  foreign_keys is ON and cannot be
-- turned off inside a transaction, so a later migration that rebuilds a table
-- must use PRAGMA defer_foreign_keys = ON; store.c runs foreign_key_check
-- before committing.  Never edit a released migration: add a new file.
--
-- Conventions:
--  * times are unix epoch milliseconds (INTEGER);
--  * enums of our own are stored by name (kobj_link_kind_name(), result
--    names), so reordering a C enum never reinterprets old rows;
--  * kernel numbers (RTPROT_*, RT_SCOPE_*, IFA_F_*...) are stored as numbers:
--    the kernel ABI fixes them;
--  * addresses are text "a.b.c.d/len" / "2001:db8::1/64" (addr_format() with
--    the prefix), NULL for family 0 = none; MACs are "02:00:5e:10:00:01",
--    NULL = none;
--  * unsigned 32-bit kernel values are stored as non-negative INTEGERs;
--  * each snapshot child row has `seq`, its index in the kobj_set array, so
--    a load returns the objects in the order they were saved.

-- "hnst" (STORE_APPLICATION_ID in store.c): lets store_open() tell a hostnet
-- database from another program's.
PRAGMA application_id = 0x686e7374;

-- One observation of one host's kernel state.
CREATE TABLE snapshots (
	id             INTEGER PRIMARY KEY,
	taken_at       INTEGER NOT NULL,
	host           TEXT    NOT NULL,
	caps           INTEGER NOT NULL,   -- kobj_set.caps: bits of enum kobj_cap
	kernel_release TEXT,               -- uname -r; NULL = unknown
	-- Row counts, written with the rows: listings need them without
	-- counting 100k routes, and a load can tell a truncated snapshot.
	n_links        INTEGER NOT NULL,
	n_addrs        INTEGER NOT NULL,
	n_routes       INTEGER NOT NULL,
	n_rules        INTEGER NOT NULL
);
-- latest / history / prune by host, newest first (the rowid rides along).
CREATE INDEX snapshots_host ON snapshots(host);

-- The child tables are clustered on (snapshot_id, seq): a load is one range
-- scan and ON DELETE CASCADE needs no extra index.
CREATE TABLE snapshot_links (
	snapshot_id  INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	ifindex      INTEGER NOT NULL,
	name         TEXT    NOT NULL,
	kind         TEXT    NOT NULL,     -- kobj_link_kind_name()
	kind_name    TEXT    NOT NULL,     -- IFLA_INFO_KIND, "" for a device
	mtu          INTEGER NOT NULL,
	mac          TEXT,
	admin_up     INTEGER NOT NULL CHECK (admin_up IN (0, 1)),
	operstate    INTEGER NOT NULL,
	master       INTEGER NOT NULL,     -- ifindex, 0 = none
	link         INTEGER NOT NULL,     -- IFLA_LINK ifindex, 0 = none
	link_group   INTEGER NOT NULL,     -- IFLA_GROUP ("group" is an SQL keyword)
	alias        TEXT    NOT NULL,     -- "" = none
	vlan_id      INTEGER NOT NULL,
	vrf_table    INTEGER NOT NULL,
	macvlan_mode INTEGER NOT NULL,
	owned        INTEGER NOT NULL CHECK (owned IN (0, 1)),
	PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

CREATE TABLE snapshot_addrs (
	snapshot_id  INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	ifindex      INTEGER NOT NULL,
	addr         TEXT,                 -- with prefix; NULL = family 0
	scope        INTEGER NOT NULL,
	flags        INTEGER NOT NULL,     -- IFA_F_*
	proto        INTEGER NOT NULL,     -- IFA_PROTO, 0 = unknown
	owned        INTEGER NOT NULL CHECK (owned IN (0, 1)),
	PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

CREATE TABLE snapshot_routes (
	snapshot_id  INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	family       INTEGER NOT NULL,
	rt_table     INTEGER NOT NULL,     -- RTA_TABLE, full 32 bits
	dst          TEXT,
	gateway      TEXT,
	prefsrc      TEXT,
	oif          INTEGER NOT NULL,
	metric       INTEGER NOT NULL,
	protocol     INTEGER NOT NULL,
	scope        INTEGER NOT NULL,
	type         INTEGER NOT NULL,
	owned        INTEGER NOT NULL CHECK (owned IN (0, 1)),
	PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

CREATE TABLE snapshot_rules (
	snapshot_id  INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	family       INTEGER NOT NULL,
	priority     INTEGER NOT NULL,
	src          TEXT,                 -- NULL = any
	dst          TEXT,
	iif          TEXT    NOT NULL,     -- "" = any
	oif          TEXT    NOT NULL,
	rt_table     INTEGER NOT NULL,
	action       INTEGER NOT NULL,     -- FR_ACT_*
	protocol     INTEGER NOT NULL,
	fwmark       INTEGER NOT NULL,
	fwmask       INTEGER NOT NULL,
	owned        INTEGER NOT NULL CHECK (owned IN (0, 1)),
	PRIMARY KEY (snapshot_id, seq)
) WITHOUT ROWID;

-- One attempt to bring a host to a profile.  A row is inserted 'pending'
-- before the first kernel change and finished afterwards, so a crash leaves
-- evidence instead of nothing.
CREATE TABLE generations (
	id              INTEGER PRIMARY KEY,
	started_at      INTEGER NOT NULL,
	finished_at     INTEGER,           -- NULL while pending
	host            TEXT    NOT NULL,
	commit_id       TEXT,              -- NULL for a directory source
	profile_hash    TEXT,
	plan            TEXT,              -- as the command layer rendered it
	n_actions       INTEGER NOT NULL DEFAULT 0,
	result          TEXT    NOT NULL DEFAULT 'pending'
	                CHECK (result IN ('pending', 'applied', 'failed', 'rolled-back')),
	-- Snapshots may be pruned; the generation record outlives them.
	snapshot_before INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
	snapshot_after  INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
	error           TEXT,
	timings         TEXT               -- JSON object, phase -> milliseconds
);
CREATE INDEX generations_host ON generations(host);
CREATE INDEX generations_host_result ON generations(host, result);
-- ON DELETE SET NULL looks generations up by these when a snapshot goes.
CREATE INDEX generations_snapshot_before ON generations(snapshot_before);
CREATE INDEX generations_snapshot_after ON generations(snapshot_after);

-- Differences found between a host's kernel and its last applied generation.
CREATE TABLE drift_reports (
	id            INTEGER PRIMARY KEY,
	taken_at      INTEGER NOT NULL,
	host          TEXT    NOT NULL,
	generation_id INTEGER REFERENCES generations(id) ON DELETE SET NULL,
	snapshot_id   INTEGER REFERENCES snapshots(id) ON DELETE SET NULL,
	count         INTEGER NOT NULL,    -- number of differences
	report        TEXT    NOT NULL     -- JSON
);
CREATE INDEX drift_reports_host ON drift_reports(host);
CREATE INDEX drift_reports_generation ON drift_reports(generation_id);
CREATE INDEX drift_reports_snapshot ON drift_reports(snapshot_id);
