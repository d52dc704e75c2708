-- 0003-adapter-settings.sql: the link settings of issue #7 in snapshots
-- (traffic shaping, bridge port security, IPv6 router advertisements, bonds).
--
-- Each column's default is what a link observed before hostnet looked at the
-- setting reads as: no bond, the device's default qdisc, no shaping, not a
-- bridge port, no static FDB entry, RA settings unknown (has_ra 0).  So the
-- rows of snapshots taken by an older hostnet load as "absent", never as a
-- setting the kernel did not report.  Conventions as in 0001-initial.sql;
-- 64-bit rates are INTEGERs (SQLite's are signed 64-bit: store-snapshot.c
-- refuses a rate above INT64_MAX rather than wrapping it).
ALTER TABLE snapshot_links ADD COLUMN bond_mode INTEGER NOT NULL DEFAULT 0;     -- IFLA_BOND_MODE
ALTER TABLE snapshot_links ADD COLUMN bond_primary INTEGER NOT NULL DEFAULT 0;  -- ifindex, 0 = none
ALTER TABLE snapshot_links ADD COLUMN qdisc TEXT NOT NULL DEFAULT '';           -- root qdisc kind, "" = default
ALTER TABLE snapshot_links ADD COLUMN qdisc_handle INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshot_links ADD COLUMN shaping_rate INTEGER NOT NULL DEFAULT 0;  -- bytes/s
ALTER TABLE snapshot_links ADD COLUMN shaping_peak INTEGER NOT NULL DEFAULT 0;  -- bytes/s, 0 = none
ALTER TABLE snapshot_links ADD COLUMN shaping_burst INTEGER NOT NULL DEFAULT 0; -- bytes
ALTER TABLE snapshot_links ADD COLUMN is_brport INTEGER NOT NULL DEFAULT 0
	CHECK (is_brport IN (0, 1));
-- One column per bridge port flag, named after its IFLA_BRPORT_* attribute
-- rather than a bit of enum kobj_brport_flag: reordering the C enum must not
-- reinterpret old rows.
ALTER TABLE snapshot_links ADD COLUMN brport_learning INTEGER NOT NULL DEFAULT 0
	CHECK (brport_learning IN (0, 1));
ALTER TABLE snapshot_links ADD COLUMN brport_flood INTEGER NOT NULL DEFAULT 0
	CHECK (brport_flood IN (0, 1));
ALTER TABLE snapshot_links ADD COLUMN brport_locked INTEGER NOT NULL DEFAULT 0
	CHECK (brport_locked IN (0, 1));
ALTER TABLE snapshot_links ADD COLUMN n_fdb INTEGER NOT NULL DEFAULT 0;         -- static FDB entries
ALTER TABLE snapshot_links ADD COLUMN fdb TEXT;                                 -- the lowest MAC, NULL = none
ALTER TABLE snapshot_links ADD COLUMN has_ra INTEGER NOT NULL DEFAULT 0
	CHECK (has_ra IN (0, 1));
ALTER TABLE snapshot_links ADD COLUMN accept_ra INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshot_links ADD COLUMN autoconf INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshot_links ADD COLUMN accept_ra_defrtr INTEGER NOT NULL DEFAULT 0;
