/* test-store: the state database, in a fresh temporary directory per test.
 *
 * SQLite is used directly only to arrange what hostnet itself never writes
 * (a newer schema, another program's database, a tampered row) and to look
 * at the schema from outside. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "addr.h"
#include "kobj.h"
#include "snapblob.h"
#include "store-private.h"
#include "store.h"
#include "realize.h"

struct fixture {
	char dir[256];
	char path[320];            /* dir/state/state.db: the parent is missing */
};

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(f->dir, sizeof(f->dir), "%s/test-store.XXXXXX", tmp) >= sizeof(f->dir)
	    || !mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/state/state.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static struct store *open_ok(const char *path, unsigned flags)
{
	struct store *st = NULL;
	char *err = NULL;
	int r = store_open(&st, path, flags, NULL, &err);

	if (r < 0)
		fail_msg("store_open(%s): %d %s", path, r, err ? err : "(no message)");
	free(err);
	return st;
}

static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp;

	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void make_parent(const struct fixture *f)
{
	char dir[400];

	snprintf(dir, sizeof(dir), "%s/state", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- a kobj_set with every field set ----------------------------------- */

static struct hn_addr cidr(const char *s)
{
	struct hn_addr a;

	if (addr_parse_cidr(&a, s) < 0)
		fail_msg("bad test address %s", s);
	return a;
}

static void build_set(struct kobj_set *s)
{
	struct kobj_link l;
	struct kobj_addr a;
	struct kobj_route rt;
	struct kobj_rule ru;

	*s = (struct kobj_set){ 0 };
	s->caps = 1u << KOBJ_CAP_VETH | 1u << KOBJ_CAP_VLAN | 1u << KOBJ_CAP_RULE_PROTOCOL;

	l = (struct kobj_link){ .ifindex = 1, .name = "lo", .kind = KOBJ_LINK_KIND_DEVICE,
				.mtu = 65536, .admin_up = true, .operstate = 0 };
	assert_int_equal(kobj_set_add_link(s, &l), 0);
	l = (struct kobj_link){
		.ifindex = 7, .name = "vmk1", .kind = KOBJ_LINK_KIND_VLAN, .kind_name = "vlan",
		.mtu = 9000, .has_mac = true, .admin_up = true, .operstate = 6,
		.master = 5, .link = 3, .group = KOBJ_LINK_GROUP,
		.alias = "hostnet:vmk1 services=vmotion", .vlan_id = 4094,
		.vrf_table = 4000000, .macvlan_mode = 8, .owned = true,
	};
	assert_int_equal(addr_parse_mac(&l.mac, "02:00:5e:10:00:01"), 0);
	assert_int_equal(kobj_set_add_link(s, &l), 0);
	/* A kind this hostnet has no enum for, and the longest alias. */
	l = (struct kobj_link){ .ifindex = 2147483647, .name = "ipvl-long-name1",
				.kind = KOBJ_LINK_KIND_OTHER, .kind_name = "ipvlan", .mtu = UINT32_MAX, .has_mac = true,
				.operstate = 255, .group = UINT32_MAX, .vlan_id = 1 };
	assert_int_equal(addr_parse_mac(&l.mac, "ff:ee:dd:cc:bb:aa"), 0);
	memset(l.alias, 'x', sizeof(l.alias) - 1);
	assert_int_equal(kobj_set_add_link(s, &l), 0);
	/* Every adapter setting of #7 at its widest. */
	l = (struct kobj_link){
		.ifindex = 9, .name = "bond-shaped", .kind = KOBJ_LINK_KIND_BOND, .kind_name = "bond",
		.mtu = 1500, .bond_mode = KOBJ_BOND_ACTIVE_BACKUP, .bond_primary = 2147483647,
		.qdisc = "fq_codel_longer", .qdisc_handle = UINT32_MAX,
		.shaping = { .rate = INT64_MAX, .peak = 125000000000ull, .burst = UINT32_MAX },
		.is_brport = true,
		.brport = 1u << KOBJ_BRPORT_LEARNING | 1u << KOBJ_BRPORT_LOCKED,
		.n_fdb = 255, .has_ra = true, .accept_ra = 2, .autoconf = 255, .accept_ra_defrtr = 1,
		.bond_mon = { .miimon = UINT32_MAX, .arp_interval = UINT32_MAX, .arp_validate = 6,
			      .n_targets = KOBJ_BOND_ARP_TARGETS,
			      .targets = { 0x010200c0, 0x020200c0, 0x030200c0, 0x040200c0, 0x050200c0,
					   0x060200c0, 0x070200c0, 0x080200c0, 0x090200c0, 0x0a0200c0,
					   0x0b0200c0, 0x0c0200c0, 0x0d0200c0, 0x0e0200c0, 0x0f0200c0,
					   0x100200c0 } },
	};
	assert_int_equal(addr_parse_mac(&l.fdb, "02:00:5e:10:00:99"), 0);
	assert_int_equal(kobj_set_add_link(s, &l), 0);
	l = (struct kobj_link){ .ifindex = 10, .name = "port-flood", .kind = KOBJ_LINK_KIND_VETH,
				.kind_name = "veth", .qdisc = "tbf", .qdisc_handle = KOBJ_QDISC_HANDLE,
				.shaping = { .rate = 1, .burst = 1 }, .is_brport = true,
				.brport = 1u << KOBJ_BRPORT_FLOOD, .n_fdb = 1, .has_ra = true,
				.has_brvlan = true,
				.brvlan = { .pvid = 4094, .n = 3, .vids = { 1, 2, 4093 } } };
	assert_int_equal(addr_parse_mac(&l.fdb, "ff:ff:ff:ff:ff:fe"), 0);
	assert_int_equal(kobj_set_add_link(s, &l), 0);

	a = (struct kobj_addr){ .ifindex = 7, .addr = cidr("192.0.2.10/24"), .scope = 0,
				.flags = 0x80, .proto = 77, .owned = true };
	assert_int_equal(kobj_set_add_addr(s, &a), 0);
	a = (struct kobj_addr){ .ifindex = 7, .addr = cidr("2001:db8:0:1::a/64"), .scope = 0,
				.flags = UINT32_MAX, .proto = 255, .owned = true };
	assert_int_equal(kobj_set_add_addr(s, &a), 0);
	a = (struct kobj_addr){ .ifindex = 7, .addr = cidr("fe80::ff:fe10:1/64"), .scope = 253,
				.flags = 0x280 };
	assert_int_equal(kobj_set_add_addr(s, &a), 0);
	a = (struct kobj_addr){ .ifindex = 1, .addr = cidr("::ffff:192.0.2.1/128"), .scope = 254 };
	assert_int_equal(kobj_set_add_addr(s, &a), 0);

	rt = (struct kobj_route){ .family = AF_INET, .table = 4000000, .dst = cidr("0.0.0.0/0"),
				  .gateway = cidr("192.0.2.1/32"), .prefsrc = cidr("192.0.2.10/32"),
				  .oif = 7, .metric = 100, .protocol = 77, .scope = 0, .type = 1,
				  .owned = true };
	assert_int_equal(kobj_set_add_route(s, &rt), 0);
	rt = (struct kobj_route){ .family = AF_INET6, .table = UINT32_MAX,
				  .dst = cidr("2001:db8:100::/48"), .gateway = cidr("fe80::1/128"),
				  .prefsrc = cidr("2001:db8:0:1::a/128"), .oif = 7,
				  .metric = UINT32_MAX, .protocol = 255, .scope = 200, .type = 1 };
	assert_int_equal(kobj_set_add_route(s, &rt), 0);
	/* No gateway, no prefsrc (family 0 = none). */
	rt = (struct kobj_route){ .family = AF_INET, .table = 254, .dst = cidr("198.51.100.0/24"),
				  .protocol = 4, .scope = 253, .type = 6 };
	assert_int_equal(kobj_set_add_route(s, &rt), 0);

	ru = (struct kobj_rule){ .family = AF_INET, .priority = 1000, .src = cidr("192.0.2.0/24"),
				 .dst = cidr("203.0.113.7/32"), .iif = "vmk1", .oif = "eth9",
				 .table = 4000000, .action = 1, .protocol = 77,
				 .fwmark = 0xdeadbeef, .fwmask = UINT32_MAX, .owned = true };
	assert_int_equal(kobj_set_add_rule(s, &ru), 0);
	/* "from all lookup main": every optional field empty. */
	ru = (struct kobj_rule){ .family = AF_INET6, .priority = 32766, .table = 254, .action = 1,
				 .protocol = 2 };
	assert_int_equal(kobj_set_add_rule(s, &ru), 0);
}

static void assert_addr_equal(const struct hn_addr *a, const struct hn_addr *b)
{
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->prefixlen, b->prefixlen);
	assert_memory_equal(a->bytes, b->bytes, sizeof(a->bytes));
}

static void assert_set_equal(const struct kobj_set *a, const struct kobj_set *b)
{
	assert_int_equal(a->caps, b->caps);
	assert_int_equal(a->n_links, b->n_links);
	for (size_t i = 0; i < a->n_links; i++) {
		const struct kobj_link *x = &a->links[i], *y = &b->links[i];

		assert_int_equal(x->ifindex, y->ifindex);
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->kind, y->kind);
		assert_string_equal(x->kind_name, y->kind_name);
		assert_int_equal(x->mtu, y->mtu);
		assert_memory_equal(x->mac.b, y->mac.b, sizeof(x->mac.b));
		assert_int_equal(x->has_mac, y->has_mac);
		assert_int_equal(x->admin_up, y->admin_up);
		assert_int_equal(x->operstate, y->operstate);
		assert_int_equal(x->master, y->master);
		assert_int_equal(x->link, y->link);
		assert_int_equal(x->group, y->group);
		assert_string_equal(x->alias, y->alias);
		assert_int_equal(x->vlan_id, y->vlan_id);
		assert_int_equal(x->vrf_table, y->vrf_table);
		assert_int_equal(x->macvlan_mode, y->macvlan_mode);
		assert_int_equal(x->owned, y->owned);
		assert_int_equal(x->bond_mode, y->bond_mode);
		assert_int_equal(x->bond_primary, y->bond_primary);
		assert_string_equal(x->qdisc, y->qdisc);
		assert_int_equal(x->qdisc_handle, y->qdisc_handle);
		assert_true(x->shaping.rate == y->shaping.rate);
		assert_true(x->shaping.peak == y->shaping.peak);
		assert_int_equal(x->shaping.burst, y->shaping.burst);
		assert_int_equal(x->is_brport, y->is_brport);
		assert_int_equal(x->brport, y->brport);
		assert_int_equal(x->n_fdb, y->n_fdb);
		assert_memory_equal(x->fdb.b, y->fdb.b, sizeof(x->fdb.b));
		assert_int_equal(x->has_ra, y->has_ra);
		assert_int_equal(x->accept_ra, y->accept_ra);
		assert_int_equal(x->autoconf, y->autoconf);
		assert_int_equal(x->accept_ra_defrtr, y->accept_ra_defrtr);
		assert_int_equal(x->has_brvlan, y->has_brvlan);
		assert_true(kobj_brvlan_equal(&x->brvlan, &y->brvlan));
	}
	assert_int_equal(a->n_addrs, b->n_addrs);
	for (size_t i = 0; i < a->n_addrs; i++) {
		const struct kobj_addr *x = &a->addrs[i], *y = &b->addrs[i];

		assert_int_equal(x->ifindex, y->ifindex);
		assert_addr_equal(&x->addr, &y->addr);
		assert_int_equal(x->scope, y->scope);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->proto, y->proto);
		assert_int_equal(x->owned, y->owned);
	}
	assert_int_equal(a->n_routes, b->n_routes);
	for (size_t i = 0; i < a->n_routes; i++) {
		const struct kobj_route *x = &a->routes[i], *y = &b->routes[i];

		assert_int_equal(x->family, y->family);
		assert_int_equal(x->table, y->table);
		assert_addr_equal(&x->dst, &y->dst);
		assert_addr_equal(&x->gateway, &y->gateway);
		assert_addr_equal(&x->prefsrc, &y->prefsrc);
		assert_int_equal(x->oif, y->oif);
		assert_int_equal(x->metric, y->metric);
		assert_int_equal(x->protocol, y->protocol);
		assert_int_equal(x->scope, y->scope);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->owned, y->owned);
	}
	assert_int_equal(a->n_rules, b->n_rules);
	for (size_t i = 0; i < a->n_rules; i++) {
		const struct kobj_rule *x = &a->rules[i], *y = &b->rules[i];

		assert_int_equal(x->family, y->family);
		assert_int_equal(x->priority, y->priority);
		assert_addr_equal(&x->src, &y->src);
		assert_addr_equal(&x->dst, &y->dst);
		assert_string_equal(x->iif, y->iif);
		assert_string_equal(x->oif, y->oif);
		assert_int_equal(x->table, y->table);
		assert_int_equal(x->action, y->action);
		assert_int_equal(x->protocol, y->protocol);
		assert_int_equal(x->fwmark, y->fwmark);
		assert_int_equal(x->fwmask, y->fwmask);
		assert_int_equal(x->owned, y->owned);
	}
}

static int64_t save_ok(struct store *st, const char *host, const struct kobj_set *set)
{
	int64_t id = 0;
	char *err = NULL;
	int r = store_snapshot_save(&id, st, host, "6.1.0-test", set, &err);

	if (r < 0)
		fail_msg("store_snapshot_save: %d %s", r, err ? err : "");
	assert_true(id > 0);
	return id;
}

/* A snapshot in the row format (format 1) that hostnet wrote before schema
 * 5: the database an older hostnet left, which must still read. */
static int64_t save_rows_ok(struct store *st, const char *host, const struct kobj_set *set)
{
	int64_t id = 0;
	char *err = NULL;
	int r = store_snapshot_insert_format(&id, st, host, "6.1.0-test", set,
					     STORE_SNAPSHOT_ROWS, &err);

	if (r < 0)
		fail_msg("store_snapshot_insert_format: %d %s", r, err ? err : "");
	assert_true(id > 0);
	return id;
}

/* --- opening and migrating --------------------------------------------- */

static void test_open_migrates_an_empty_file(void **state)
{
	struct fixture *f = *state;
	static const char *const tables[] = {
		"snapshots", "snapshot_links", "snapshot_addrs", "snapshot_routes",
		"snapshot_rules", "generations", "drift_reports",
	};
	struct store *st;
	char q[400];

	make_parent(f);
	write_file(f->path, "");
	st = open_ok(f->path, STORE_WRITE);
	assert_int_equal(store_schema_version_found(st), 0);
	assert_int_equal(store_schema_version(st), store_schema_version_latest());
	assert_true(store_schema_version_latest() >= 1);
	assert_string_equal(store_path(st), f->path);
	st = store_close(st);
	assert_null(st);

	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), store_schema_version_latest());
	assert_int_equal(sql_int(f->path, "PRAGMA application_id"), 0x686e7374);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(q, sizeof(q),
			 "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
			 tables[i]);
		assert_int_equal(sql_int(f->path, q), 1);
	}
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM pragma_journal_mode"
				 " WHERE journal_mode = 'wal'"), 1);
}

static void test_reopen_runs_no_migration_and_keeps_data(void **state)
{
	struct fixture *f = *state;
	struct kobj_set set;
	struct store *st;
	int64_t id, latest = 0;
	int64_t n_objects;

	build_set(&set);
	st = open_ok(f->path, STORE_WRITE);
	id = save_ok(st, "esx01", &set);
	store_close(st);
	n_objects = sql_int(f->path, "SELECT count(*) FROM sqlite_master");

	st = open_ok(f->path, STORE_WRITE);
	assert_int_equal(store_schema_version_found(st), store_schema_version_latest());
	assert_int_equal(store_schema_version(st), store_schema_version_latest());
	assert_int_equal(store_snapshot_latest(&latest, st, "esx01", NULL), 0);
	assert_int_equal(latest, id);
	store_close(st);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master"), n_objects);
	kobj_set_clear(&set);
}

static void test_open_refuses_a_newer_schema(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *err = NULL, want[800];

	store_close(open_ok(f->path, STORE_WRITE));
	sql_exec(f->path, "PRAGMA user_version = 99");
	snprintf(want, sizeof(want),
		 "state database %s is schema version 99, newer than this hostnet (knows up to %u); upgrade hostnet",
		 f->path, store_schema_version_latest());
	assert_int_equal(store_open(&st, f->path, STORE_WRITE, NULL, &err), -EPROTO);
	assert_null(st);
	assert_string_equal(err, want);
	free(err);
	err = NULL;
	assert_int_equal(store_open(&st, f->path, STORE_READONLY, NULL, &err), -EPROTO);
	assert_string_equal(err, want);
	free(err);
	/* Refusing is read-only: the version is untouched. */
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 99);
}

static void test_open_refuses_a_file_that_is_not_a_database(void **state)
{
	struct fixture *f = *state;
	static const char text[] =
		"hosts:\n  esx01: {}\nthis is YAML, not SQLite, and long enough to have a header.\n";
	struct store *st = NULL;
	char *err = NULL, want[2048], *after;
	size_t len;

	make_parent(f);
	write_file(f->path, text);
	/* SQLITE_NOTADB is damage like any other: the one message. */
	snprintf(want, sizeof(want),
		 "state database %s is damaged (file is not a database), so hostnet stops and writes nothing more to it. "
		 "To recover, move it aside with its -wal and -shm files (mv %s %s.damaged), see what is wrong with "
		 "'hostnet state check --state %s.damaged', and run again",
		 f->path, f->path, f->path, f->path);
	assert_int_equal(store_open(&st, f->path, STORE_WRITE, NULL, &err), -EUCLEAN);
	assert_null(st);
	assert_non_null(err);
	assert_memory_equal(err, want, strlen(want));
	free(err);
	err = NULL;
	assert_int_equal(store_open(&st, f->path, STORE_READONLY, NULL, &err), -EUCLEAN);
	assert_memory_equal(err, want, strlen(want));
	free(err);
	/* Not ours, so not touched. */
	after = read_file(f->path, &len);
	assert_string_equal(after, text);
	free(after);
}

static void test_open_refuses_another_programs_database(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *err = NULL, want[800];

	make_parent(f);
	sql_exec(f->path, "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY)");
	snprintf(want, sizeof(want),
		 "%s is not a hostnet state database (an SQLite database of another program)", f->path);
	assert_int_equal(store_open(&st, f->path, STORE_WRITE, NULL, &err), -EINVAL);
	assert_string_equal(err, want);
	free(err);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master"
				 " WHERE name = 'snapshots'"), 0);

	sql_exec(f->path, "PRAGMA application_id = 0x464c4e4d");
	err = NULL;
	assert_int_equal(store_open(&st, f->path, STORE_WRITE, NULL, &err), -EINVAL);
	assert_non_null(strstr(err, "is not a hostnet state database (application id 0x464c4e4d)"));
	free(err);
}

static void test_readonly_open_needs_an_existing_migrated_file(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *err = NULL, want[800];

	snprintf(want, sizeof(want), "state database %s does not exist", f->path);
	assert_int_equal(store_open(&st, f->path, STORE_READONLY, NULL, &err), -ENOENT);
	assert_string_equal(err, want);
	free(err);
	/* Read-only creates nothing, not even the directory. */
	assert_int_equal(access(f->path, F_OK), -1);

	make_parent(f);
	write_file(f->path, "");
	err = NULL;
	assert_int_equal(store_open(&st, f->path, STORE_READONLY, NULL, &err), -EROFS);
	assert_non_null(strstr(err, "is schema version 0 and needs migrating to"));
	free(err);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 0);
}

static void test_open_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *err = NULL;

	assert_int_equal(store_open(&st, f->path, STORE_READONLY | STORE_WRITE, NULL, &err), -EINVAL);
	assert_non_null(err);
	free(err);
	assert_int_equal(store_open(&st, "", STORE_WRITE, NULL, NULL), -EINVAL);
	assert_null(st);
	assert_null(store_close(NULL));
}

static void test_files_are_private_whatever_the_umask(void **state)
{
	struct fixture *f = *state;
	char dir[400], lock[400], wal[400];
	struct kobj_set set;
	struct store *st;
	struct stat sb;
	mode_t old = umask(0277);  /* would leave 0500 dirs and 0400 files */

	snprintf(dir, sizeof(dir), "%s/state", f->dir);
	snprintf(lock, sizeof(lock), "%s.lock", f->path);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	build_set(&set);
	st = open_ok(f->path, STORE_WRITE);
	umask(old);
	save_ok(st, "esx01", &set);

	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(lock, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	store_close(st);
	kobj_set_clear(&set);
}

/* --- the lock ---------------------------------------------------------- */

static void test_write_lock_excludes_another_process_until_it_exits(void **state)
{
	struct fixture *f = *state;
	struct store_open_opts opts = STORE_OPEN_OPTS_INIT;
	int to_parent[2], to_child[2], status;
	struct store *st = NULL, *ro;
	char c = 0, *err = NULL, want[256];
	struct store_entry *hist = NULL;
	size_t n_hist = 0;
	double t0, elapsed;
	pid_t pid;

	store_close(open_ok(f->path, STORE_WRITE));
	assert_int_equal(pipe(to_parent), 0);
	assert_int_equal(pipe(to_child), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *held = NULL;

		c = store_open(&held, f->path, STORE_WRITE, NULL, NULL) == 0 ? 'L' : 'E';
		if (write(to_parent[1], &c, 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(2);
		/* Exit without store_close(): a crash must release the lock too. */
		_exit(0);
	}
	assert_int_equal(read(to_parent[0], &c, 1), 1);
	assert_int_equal(c, 'L');

	opts.lock_timeout_ms = 300;
	t0 = now_s();
	assert_int_equal(store_open(&st, f->path, STORE_WRITE, &opts, &err), -EBUSY);
	elapsed = now_s() - t0;
	assert_null(st);
	snprintf(want, sizeof(want),
		 "state is locked by another hostnet (pid %ld) for more than 0.3 s", (long)pid);
	assert_string_equal(err, want);
	free(err);
	/* It waited the timeout out before giving up (a lower bound only:
	 * a slow machine can take longer, never less). */
	assert_true(elapsed >= 0.29);

	/* Readers do not wait for writers. */
	t0 = now_s();
	ro = open_ok(f->path, STORE_READONLY);
	assert_int_equal(store_history(&hist, &n_hist, ro, NULL, 10, NULL), 0);
	store_entries_free(hist, n_hist);
	store_close(ro);
	assert_true(now_s() - t0 < 0.25);

	assert_int_equal(write(to_child[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	err = NULL;
	assert_int_equal(store_open(&st, f->path, STORE_WRITE, &opts, &err), 0);
	assert_null(err);
	store_close(st);
	close(to_parent[0]);
	close(to_parent[1]);
	close(to_child[0]);
	close(to_child[1]);
}

static void test_write_lock_is_released_on_close(void **state)
{
	struct fixture *f = *state;
	struct store_open_opts now = { .lock_timeout_ms = 0 };
	struct store *a, *b = NULL;
	char *err = NULL, want[128], lock[400], *pid;
	size_t len;

	a = open_ok(f->path, STORE_WRITE);
	snprintf(lock, sizeof(lock), "%s.lock", f->path);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	pid = read_file(lock, &len);
	assert_string_equal(pid, want);
	free(pid);
	/* flock is per open file, so a second open in one process conflicts. */
	assert_int_equal(store_open(&b, f->path, STORE_WRITE, &now, &err), -EBUSY);
	snprintf(want, sizeof(want),
		 "state is locked by another hostnet (pid %ld) for more than 0.0 s", (long)getpid());
	assert_string_equal(err, want);
	free(err);
	store_close(a);
	b = open_ok(f->path, STORE_WRITE);
	store_close(b);
}

static void test_readonly_open_takes_no_lock(void **state)
{
	struct fixture *f = *state;
	struct store_open_opts now = { .lock_timeout_ms = 0 };
	struct store *ro, *rw = NULL;
	struct kobj_set set;
	int64_t id;
	char *err = NULL;

	build_set(&set);
	store_close(open_ok(f->path, STORE_WRITE));
	ro = open_ok(f->path, STORE_READONLY);
	assert_int_equal(store_open(&rw, f->path, STORE_WRITE, &now, &err), 0);
	assert_null(err);
	/* ... and cannot write. */
	assert_int_equal(store_snapshot_save(&id, ro, "esx01", NULL, &set, &err), -EROFS);
	assert_non_null(strstr(err, "is open read-only"));
	free(err);
	store_close(rw);
	store_close(ro);
	kobj_set_clear(&set);
}

/* --- snapshots --------------------------------------------------------- */

static void test_snapshot_round_trips_every_field(void **state)
{
	struct fixture *f = *state;
	struct store_snapshot_info info = { 0 };
	struct kobj_set set, got = { 0 };
	struct store *st;
	int64_t id;
	char *err = NULL;

	build_set(&set);
	st = open_ok(f->path, STORE_WRITE);
	id = save_ok(st, "esx01", &set);
	store_close(st);

	/* Through a fresh read-only connection: nothing cached. */
	st = open_ok(f->path, STORE_READONLY);
	assert_int_equal(store_snapshot_load(&got, &info, st, id, &err), 0);
	assert_null(err);
	assert_set_equal(&set, &got);
	assert_int_equal(info.id, id);
	assert_string_equal(info.host, "esx01");
	assert_string_equal(info.kernel_release, "6.1.0-test");
	assert_int_equal(info.caps, set.caps);
	assert_int_equal(info.n_links, 5);
	assert_int_equal(info.n_addrs, 4);
	assert_int_equal(info.n_routes, 3);
	assert_int_equal(info.n_rules, 2);
	assert_true(info.taken_at_ms > 1600000000000);
	/* The loaded arrays follow kobj_set's growth rule: appending works. */
	assert_int_equal(kobj_set_add_route(&got, &set.routes[0]), 0);
	store_snapshot_info_clear(&info);
	kobj_set_clear(&got);
	kobj_set_clear(&set);
	store_close(st);
}

static void test_snapshot_of_an_empty_set_round_trips(void **state)
{
	struct fixture *f = *state;
	struct kobj_set empty = { .caps = 0 }, got = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t id = save_ok(st, "esx01", &empty);

	assert_int_equal(store_snapshot_load(&got, NULL, st, id, NULL), 0);
	assert_set_equal(&empty, &got);
	assert_null(got.routes);
	store_close(st);
}

static void test_snapshot_save_refuses_what_would_not_load_back(void **state)
{
	struct fixture *f = *state;
	struct kobj_set set;
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t id = 0;
	char *err = NULL;

	build_set(&set);
	set.routes[1].gateway.prefixlen = 129;
	assert_int_equal(store_snapshot_save(&id, st, "esx01", NULL, &set, &err), -EINVAL);
	assert_string_equal(err, "cannot record a snapshot: route 1 has a malformed gateway");
	free(err);
	/* The transaction was rolled back: no half snapshot. */
	assert_int_equal(store_snapshot_latest(&id, st, "esx01", NULL), -ENOENT);

	set.routes[1].gateway.prefixlen = 128;
	memset(set.links[0].name, 'n', sizeof(set.links[0].name));
	err = NULL;
	assert_int_equal(store_snapshot_save(&id, st, "esx01", NULL, &set, &err), -EINVAL);
	assert_string_equal(err, "cannot record a snapshot: link 0 has a malformed name");
	free(err);
	store_close(st);
	kobj_set_clear(&set);
}

static void test_snapshot_save_refuses_adapter_settings_that_would_not_load_back(void **state)
{
	struct fixture *f = *state;
	struct kobj_set set;
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t id = 0;
	char *err = NULL;

	build_set(&set);
	/* The rows stored SQLite's signed INTEGER: this rate would have
	 * loaded back negative from them. */
	set.links[3].shaping.rate = (uint64_t)INT64_MAX + 1;
	assert_int_equal(store_snapshot_insert_format(&id, st, "esx01", NULL, &set,
						      STORE_SNAPSHOT_ROWS, &err), -EINVAL);
	assert_string_equal(err, "cannot record a snapshot: link 3 has a malformed shaping rate");
	free(err);
	set.links[3].shaping.rate = 1;
	store_close(st);
	sql_exec(f->path, "DELETE FROM snapshots");
	st = open_ok(f->path, STORE_WRITE);

	/* FDB bytes without an entry are not a value the load could return. */
	set.links[4].n_fdb = 0;
	err = NULL;
	assert_int_equal(store_snapshot_save(&id, st, "esx01", NULL, &set, &err), -EINVAL);
	assert_string_equal(err, "cannot record a snapshot: link 4 has a malformed fdb");
	free(err);
	set.links[4].n_fdb = 1;

	set.links[4].brport |= 1u << KOBJ_BRPORT__MAX;
	err = NULL;
	assert_int_equal(store_snapshot_save(&id, st, "esx01", NULL, &set, &err), -EINVAL);
	assert_string_equal(err, "cannot record a snapshot: link 4 has a malformed brport");
	free(err);
	assert_int_equal(store_snapshot_latest(&id, st, "esx01", NULL), -ENOENT);
	store_close(st);
	kobj_set_clear(&set);
}

/* The released migrations 1 and 2, from the source tree, run by hand: a
 * database exactly as a hostnet of schema version 2 left it. */
static void make_v2_database(const struct fixture *f)
{
	static const char *const files[] = { "state/0001-initial.sql", "state/0002-confirm.sql" };
	const char *src = getenv("SRCDIR");
	char path[600], *sql;
	size_t len;

	if (!src || !*src)
		src = ".";
	make_parent(f);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", src, files[i]);
		sql = read_file(path, &len);
		sql_exec(f->path, sql);
		free(sql);
	}
	sql_exec(f->path, "PRAGMA user_version = 2");
}

static void test_snapshot_of_schema_2_loads_with_adapter_settings_absent(void **state)
{
	struct fixture *f = *state;
	struct kobj_set got = { 0 };
	const struct kobj_link *l;
	struct store *st;
	char *err = NULL;

	make_v2_database(f);
	sql_exec(f->path,
		 "INSERT INTO snapshots (id, taken_at, host, caps, kernel_release,"
		 " n_links, n_addrs, n_routes, n_rules) VALUES (5, 1700000000000, 'esx01', 1, NULL, 1, 0, 0, 0);"
		 "INSERT INTO snapshot_links (snapshot_id, seq, ifindex, name, kind, kind_name, mtu, mac,"
		 " admin_up, operstate, master, link, link_group, alias, vlan_id, vrf_table,"
		 " macvlan_mode, owned) VALUES (5, 0, 7, 'vmk1', 'veth', 'veth', 9000,"
		 " '02:00:5e:10:00:01', 1, 6, 5, 8, 1752068980, 'hostnet:vmk1', 0, 0, 0, 1)");
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 2);

	st = open_ok(f->path, STORE_WRITE);
	assert_int_equal(store_schema_version_found(st), 2);
	assert_int_equal(store_schema_version(st), store_schema_version_latest());
	assert_int_equal(store_snapshot_load(&got, NULL, st, 5, &err), 0);
	assert_null(err);
	assert_int_equal(got.n_links, 1);
	l = &got.links[0];
	/* What schema 2 had, unchanged... */
	assert_int_equal(l->ifindex, 7);
	assert_string_equal(l->name, "vmk1");
	assert_int_equal(l->kind, KOBJ_LINK_KIND_VETH);
	assert_int_equal(l->mtu, 9000);
	assert_true(l->has_mac);
	assert_int_equal(l->master, 5);
	assert_int_equal(l->group, KOBJ_LINK_GROUP);
	assert_string_equal(l->alias, "hostnet:vmk1");
	assert_true(l->owned);
	/* ... and every setting it did not record reads as absent. */
	assert_int_equal(l->bond_mode, 0);
	assert_int_equal(l->bond_primary, 0);
	assert_string_equal(l->qdisc, "");
	assert_int_equal(l->qdisc_handle, 0);
	assert_true(l->shaping.rate == 0 && l->shaping.peak == 0);
	assert_int_equal(l->shaping.burst, 0);
	assert_false(l->is_brport);
	assert_int_equal(l->brport, 0);
	assert_int_equal(l->n_fdb, 0);
	assert_true(addr_mac_is_zero(&l->fdb));
	assert_false(l->has_ra);
	assert_int_equal(l->accept_ra, 0);
	assert_int_equal(l->autoconf, 0);
	assert_int_equal(l->accept_ra_defrtr, 0);
	kobj_set_clear(&got);
	store_close(st);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), store_schema_version_latest());
}

static void test_snapshot_load_reports_missing_and_tampered_rows(void **state)
{
	struct fixture *f = *state;
	struct kobj_set set, got = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	char *err = NULL, want[800];
	int64_t id;

	build_set(&set);
	id = save_rows_ok(st, "esx01", &set);

	assert_int_equal(store_snapshot_load(&got, NULL, st, id + 1, &err), -ENOENT);
	snprintf(want, sizeof(want), "no snapshot %lld in %s", (long long)id + 1, f->path);
	assert_string_equal(err, want);
	free(err);
	store_close(st);

	sql_exec(f->path, "UPDATE snapshot_routes SET rt_table = -1 WHERE seq = 2");
	st = open_ok(f->path, STORE_READONLY);
	err = NULL;
	assert_int_equal(store_snapshot_load(&got, NULL, st, id, &err), -EUCLEAN);
	snprintf(want, sizeof(want),
		 "state database %s is damaged (content check: snapshot %lld: route 2 has a bad rt_table), so hostnet stops",
		 f->path, (long long)id);
	assert_memory_equal(err, want, strlen(want));
	free(err);
	assert_null(got.links);
	store_close(st);

	sql_exec(f->path, "UPDATE snapshot_routes SET rt_table = 1 WHERE seq = 2;"
		 "DELETE FROM snapshot_rules WHERE seq = 0");
	st = open_ok(f->path, STORE_READONLY);
	err = NULL;
	assert_int_equal(store_snapshot_load(&got, NULL, st, id, &err), -EUCLEAN);
	assert_non_null(strstr(err, "should hold 2 rules, it holds 1"));
	free(err);
	store_close(st);

	/* A static FDB entry count without its MAC. */
	sql_exec(f->path, "UPDATE snapshot_links SET fdb = NULL WHERE seq = 4");
	st = open_ok(f->path, STORE_READONLY);
	err = NULL;
	assert_int_equal(store_snapshot_load(&got, NULL, st, id, &err), -EUCLEAN);
	assert_non_null(strstr(err, "link 4 has a bad fdb"));
	free(err);
	store_close(st);
	kobj_set_clear(&set);
}

/* Rows are checked against the kernel's type, not only the column's
 * width: a VLAN id of 4095 or a negative ifindex is damage. */
static void test_snapshot_rows_are_checked_for_their_kernel_types(void **state)
{
	static const struct {
		const char *sql, *msg;
	} cases[] = {
		{ "UPDATE snapshot_links SET vlan_id = 4095 WHERE seq = 1", "link 1 has a bad vlan_id" },
		{ "UPDATE snapshot_links SET ifindex = -3 WHERE seq = 0", "link 0 has a bad ifindex" },
		{ "UPDATE snapshot_links SET master = -1 WHERE seq = 0", "link 0 has a bad master" },
		{ "UPDATE snapshot_addrs SET ifindex = -1 WHERE seq = 0", "address 0 has a bad ifindex" },
		{ "UPDATE snapshot_routes SET oif = -7 WHERE seq = 0", "route 0 has a bad oif" },
	};
	struct fixture *f = *state;
	struct kobj_set set = { 0 };
	int64_t id;
	int r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct store *st = open_ok(f->path, STORE_WRITE);
		struct kobj_set got = { 0 };
		char *err = NULL;

		build_set(&set);
		id = save_rows_ok(st, "esx01", &set);
		kobj_set_clear(&set);
		store_close(st);
		sql_exec(f->path, cases[i].sql);
		st = open_ok(f->path, STORE_READONLY);
		r = store_snapshot_load(&got, NULL, st, id, &err);
		kobj_set_clear(&got);
		if (r != -EUCLEAN || !err || !strstr(err, cases[i].msg))
			fail_msg("%s: got %d '%s', want '%s'", cases[i].sql, r, err ? err : "(none)",
				 cases[i].msg);
		free(err);
		store_close(st);
	}
}

/* A database holding a row-format snapshot (as hostnet wrote before schema
 * 5) and a blob one: both load, every field. */
static void test_snapshot_rows_and_blobs_both_load(void **state)
{
	struct fixture *f = *state;
	struct kobj_set set, got = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t old, new;

	build_set(&set);
	old = save_rows_ok(st, "esx01", &set);
	new = save_ok(st, "esx01", &set);
	store_close(st);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshot_routes"), 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshot_blobs"), 1);
	st = open_ok(f->path, STORE_READONLY);
	assert_int_equal(store_snapshot_load(&got, NULL, st, old, NULL), 0);
	/* The row format predates bridge VLANs: they read as none. */
	assert_int_equal(got.n_links, set.n_links);
	for (size_t i = 0; i < got.n_links; i++) {
		assert_false(got.links[i].has_brvlan);
		got.links[i].has_brvlan = set.links[i].has_brvlan;
		got.links[i].brvlan = set.links[i].brvlan;
	}
	assert_set_equal(&set, &got);
	kobj_set_clear(&got);
	assert_int_equal(store_snapshot_load(&got, NULL, st, new, NULL), 0);
	assert_set_equal(&set, &got);
	kobj_set_clear(&got);
	kobj_set_clear(&set);
	store_close(st);
}

/* The blob codec alone: every field, canonical bytes (decode then encode
 * gives the same bytes), and each cut-short prefix of the blob refused. */
static void test_snapblob_round_trips_and_refuses_every_truncation(void **state)
{
	struct kobj_set set, got = { 0 }, cut = { 0 };
	struct snapblob_err e;
	uint8_t *blob = NULL, *again = NULL;
	size_t len = 0, len2 = 0;

	(void)state;
	build_set(&set);
	set.links[3].shaping.rate = UINT64_MAX;   /* the blob holds all 64 bits */
	assert_int_equal(snapblob_encode(&blob, &len, &set, &e), 0);
	assert_int_equal(snapblob_decode(&got, blob, len, &e), 0);
	got.caps = set.caps;
	assert_set_equal(&set, &got);
	assert_int_equal(snapblob_encode(&again, &len2, &got, &e), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(again, blob, len);
	for (size_t n = 0; n < len; n++) {
		assert_int_equal(snapblob_decode(&cut, blob, n, &e), -EUCLEAN);
		assert_null(cut.links);
	}
	free(again);
	free(blob);
	kobj_set_clear(&got);
	kobj_set_clear(&set);
}

/* A tampered blob is a damaged database, said with what is wrong. */
static void test_snapshot_blob_damage_is_reported(void **state)
{
	static const struct {
		const char *sql, *msg;
	} cases[] = {
		{ "UPDATE snapshot_blobs SET objects = substr(objects, 1, length(objects) - 1)",
		  "rule 1 has a bad owned" },
		{ "UPDATE snapshot_blobs SET objects = CAST(objects || x'00' AS BLOB)", "its blob has a bad end at byte" },
		{ "UPDATE snapshot_blobs SET objects = x'484e534203'", "its blob has a bad version" },
		{ "UPDATE snapshot_blobs SET objects = 'text'", "its objects are not a blob" },
		{ "DELETE FROM snapshot_blobs", "has no objects" },
		{ "UPDATE snapshots SET n_routes = 4", "should hold 4 routes, it holds 3" },
		{ "UPDATE snapshots SET format = 1", "should hold 5 links, it holds 0" },
	};
	struct fixture *f = *state;
	struct kobj_set set = { 0 };
	int64_t id;
	int r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct store *st = open_ok(f->path, STORE_WRITE);
		struct kobj_set got = { 0 };
		char *err = NULL;

		build_set(&set);
		id = save_ok(st, "esx01", &set);
		kobj_set_clear(&set);
		store_close(st);
		sql_exec(f->path, cases[i].sql);
		st = open_ok(f->path, STORE_READONLY);
		r = store_snapshot_load(&got, NULL, st, id, &err);
		kobj_set_clear(&got);
		if (r != -EUCLEAN || !err || !strstr(err, cases[i].msg) ||
		    !strstr(err, "is damaged (content check: snapshot"))
			fail_msg("%s: got %d '%s', want '%s'", cases[i].sql, r, err ? err : "(none)",
				 cases[i].msg);
		assert_true(store_damaged(st));
		free(err);
		store_close(st);
	}
}

static void test_snapshot_latest_is_per_host(void **state)
{
	struct fixture *f = *state;
	struct kobj_set set;
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t a1, b1, a2, got = 0;
	char *err = NULL;

	build_set(&set);
	a1 = save_ok(st, "esx01", &set);
	b1 = save_ok(st, "esx02", &set);
	a2 = save_ok(st, "esx01", &set);
	assert_true(a1 < b1 && b1 < a2);
	assert_int_equal(store_snapshot_latest(&got, st, "esx01", NULL), 0);
	assert_int_equal(got, a2);
	assert_int_equal(store_snapshot_latest(&got, st, "esx02", NULL), 0);
	assert_int_equal(got, b1);
	assert_int_equal(store_snapshot_latest(&got, st, "esx03", &err), -ENOENT);
	assert_non_null(strstr(err, "no snapshot of host esx03"));
	free(err);
	store_close(st);
	kobj_set_clear(&set);
}

static void test_prune_keeps_newest_and_the_rollback_base(void **state)
{
	struct fixture *f = *state;
	struct store_generation_end end = { .result = STORE_RESULT_APPLIED };
	struct store_generation g = { 0 };
	struct kobj_set set, got = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t ids[5], gen, other;

	build_set(&set);
	for (int i = 0; i < 5; i++)
		ids[i] = save_ok(st, "esx01", &set);
	other = save_ok(st, "esx02", &set);
	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01", .snapshot_before = ids[0] }, NULL), 0);
	end.snapshot_after = ids[1];
	assert_int_equal(store_generation_finish(st, gen, &end, NULL), 0);

	/* Keeps ids[3], ids[4] (newest) and ids[0], ids[1] (the generation's). */
	assert_int_equal(store_snapshot_prune(st, "esx01", 2, NULL), 1);
	assert_int_equal(store_snapshot_load(&got, NULL, st, ids[2], NULL), -ENOENT);
	assert_int_equal(store_snapshot_prune(st, "esx01", 2, NULL), 0);
	store_close(st);
	/* Cascade: only the blobs of the five kept snapshots remain. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshot_blobs"), 5);

	/* Pruning past the rollback base sets the generation's reference to NULL. */
	st = open_ok(f->path, STORE_WRITE);
	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01" }, NULL), 0);
	end.snapshot_after = 0;
	assert_int_equal(store_generation_finish(st, gen, &end, NULL), 0);
	assert_int_equal(store_snapshot_prune(st, "esx01", 1, NULL), 3);
	assert_int_equal(store_generation_last_applied(&g, st, "esx01", NULL), 0);
	assert_int_equal(g.id, gen);
	store_generation_clear(&g);
	assert_int_equal(store_generation_get(&g, st, gen - 1, NULL), 0);
	assert_int_equal(g.snapshot_before, 0);
	assert_int_equal(g.snapshot_after, 0);
	store_generation_clear(&g);
	assert_int_equal(store_snapshot_latest(&gen, st, "esx02", NULL), 0);
	assert_int_equal(gen, other);
	store_close(st);
	kobj_set_clear(&set);
}

/* --- generations, drift, history -------------------------------------- */

/* Issue 12, item 1: what a rollback needs is on disk, together, before the
 * first change: the snapshot, the plan (in its own table, so finishing
 * rewrites one small row) and the deadline; and the reserve is set aside. */
static void test_generation_begin_records_snapshot_plan_and_deadline_together(void **state)
{
	struct fixture *f = *state;
	struct store_generation g = { 0 };
	struct store_generation_end end = { .result = STORE_RESULT_ROLLED_BACK };
	struct kobj_set set, got = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t gen, id, deadline;
	char reserve[4200];
	struct stat sb;

	build_set(&set);
	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01", .plan = "{\"want\":{}}", .before = &set, .kernel_release = "6.1.0",
		.confirm_by_ms = 4242 }, NULL), 0);
	assert_int_equal(store_generation_get(&g, st, gen, NULL), 0);
	assert_string_equal(g.plan, "{\"want\":{}}");
	assert_true(g.snapshot_before > 0);
	assert_int_equal(store_snapshot_load(&got, NULL, st, g.snapshot_before, NULL), 0);
	assert_int_equal(got.n_links, set.n_links);
	assert_int_equal(store_generation_awaiting(&id, &deadline, st, "esx01", NULL), 0);
	assert_int_equal(id, gen);
	assert_int_equal(deadline, 4242);
	snprintf(reserve, sizeof(reserve), "%s.reserve", f->path);
	assert_int_equal(stat(reserve, &sb), 0);
	assert_true((long long)sb.st_blocks * 512 >= STORE_RESERVE_BYTES_DEFAULT);
	assert_int_equal(store_generation_finish(st, gen, &end, NULL), 0);
	store_close(st);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM generations WHERE plan IS NOT NULL"), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM generation_plans"), 1);

	/* All or nothing: a plan that cannot be written leaves no snapshot
	 * and no generation behind. */
	sql_exec(f->path, "CREATE TRIGGER no_plans BEFORE INSERT ON generation_plans"
			  " BEGIN SELECT RAISE(ABORT, 'refused'); END");
	st = open_ok(f->path, STORE_WRITE);
	assert_true(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01", .plan = "{}", .before = &set }, NULL) < 0);
	store_close(st);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM generations"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshots"), 1);
	store_generation_clear(&g);
	kobj_set_clear(&got);
	kobj_set_clear(&set);
}

/* Migration 0004 moves the plans of existing generations to their table. */
/* The desired state is written packed beside the row and read back; a
 * generation recorded before schema 6 keeps its JSON "want"; a damaged blob
 * is refused with its generation named. */
static void test_generation_want_is_packed_and_old_json_still_reads(void **state)
{
	struct fixture *f = *state;
	struct store_generation g = { 0 };
	struct want_link link = { .l = { .name = "web01", .mtu = 1500 }, .loc = { "h.yaml", 4, 2 } };
	struct want w = { .links = &link, .n_links = 1 }, back = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	char *err = NULL;
	int64_t gen, old;

	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01", .plan = "{\"plan\":{}}", .want = &w }, NULL), 0);
	assert_int_equal(store_generation_begin(&old, st, &(struct store_generation_start){
		.host = "esx01", .plan = "{\"want\":{\"links\":[],\"addresses\":[],\"routes\":[],"
		"\"rules\":[],\"tables\":[7],\"needs\":[]},\"plan\":{}}" }, NULL), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM generation_wants"), 1);
	assert_int_equal(store_generation_get(&g, st, gen, NULL), 0);
	assert_int_equal(store_generation_want(&back, st, &g, &err), 0);
	assert_int_equal(back.n_links, 1);
	assert_string_equal(back.links[0].l.name, "web01");
	assert_string_equal(back.links[0].loc.file, "h.yaml");
	want_clear(&back);
	store_generation_clear(&g);
	assert_int_equal(store_generation_get(&g, st, old, NULL), 0);
	assert_int_equal(store_generation_want(&back, st, &g, &err), 0);
	assert_int_equal(back.tables_n, 1);
	assert_int_equal(back.tables[0], 7);
	want_clear(&back);
	store_generation_clear(&g);
	store_close(st);

	sql_exec(f->path, "UPDATE generation_wants SET want = substr(want, 1, 9)");
	st = open_ok(f->path, STORE_READONLY);
	assert_int_equal(store_generation_get(&g, st, gen, NULL), 0);
	assert_int_equal(store_generation_want(&back, st, &g, &err), -EUCLEAN);
	assert_non_null(strstr(err, "generation 1"));
	free(err);
	store_generation_clear(&g);
	store_close(st);
}

/* 0008: the source key goes in with the generation, can be replaced, and a
 * generation without one (older, or of a profile with warnings) says so. */
static void test_generation_source_is_recorded_with_the_generation(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_ok(f->path, STORE_WRITE);
	char *key = NULL, *files = NULL;
	int64_t gen, bare;

	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01", .source_key = "k1", .source_files = "\thosts/esx01.yaml\n" }, NULL), 0);
	assert_int_equal(store_generation_begin(&bare, st, &(struct store_generation_start){
		.host = "esx01" }, NULL), 0);
	assert_int_equal(store_generation_source(&key, &files, st, gen, NULL), 0);
	assert_string_equal(key, "k1");
	assert_string_equal(files, "\thosts/esx01.yaml\n");
	free(key);
	free(files);
	assert_int_equal(store_generation_source(&key, &files, st, bare, NULL), -ENOENT);
	assert_null(key);
	assert_null(files);
	assert_int_equal(store_generation_source_set(st, gen, "k2", "1 2\thosts/esx01.yaml\n", NULL), 0);
	assert_int_equal(store_generation_source_set(st, bare, "k3", "x\n", NULL), 0);
	assert_int_equal(store_generation_source(&key, &files, st, gen, NULL), 0);
	assert_string_equal(key, "k2");
	assert_string_equal(files, "1 2\thosts/esx01.yaml\n");
	free(key);
	free(files);
	store_close(st);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM generation_sources"), 2);
}

static void test_migration_4_moves_plans_out_of_generations(void **state)
{
	struct fixture *f = *state;
	struct store_generation g = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t gen;

	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01" }, NULL), 0);
	store_close(st);
	sql_exec(f->path, "DROP TABLE generation_plans; UPDATE generations SET plan = 'old plan';"
			  " DROP TABLE generation_wants;"
			  " DROP TABLE snapshot_blobs; ALTER TABLE snapshots DROP COLUMN format;"
			  " DROP TABLE generation_audit; DROP TABLE generation_sources;"
			  " PRAGMA user_version = 3");
	st = open_ok(f->path, STORE_WRITE);
	assert_int_equal(store_schema_version_found(st), 3);
	assert_int_equal(store_generation_get(&g, st, gen, NULL), 0);
	assert_string_equal(g.plan, "old plan");
	store_close(st);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM generations WHERE plan IS NOT NULL"), 0);
	store_generation_clear(&g);
}

static void test_generation_lifecycle(void **state)
{
	struct fixture *f = *state;
	struct store_generation g = { 0 };
	struct kobj_set set;
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t before, after, gen, gen2;
	char *err = NULL;

	build_set(&set);
	before = save_ok(st, "esx01", &set);
	assert_int_equal(store_generation_last_applied(&g, st, "esx01", &err), -ENOENT);
	assert_non_null(strstr(err, "no applied generation of host esx01"));
	free(err);

	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01", .commit_id = "0123456789abcdef0123456789abcdef01234567",
		.profile_hash = "sha256:ab", .plan = "{\"actions\":[]}", .n_actions = 3,
		.snapshot_before = before }, NULL), 0);
	assert_int_equal(store_generation_get(&g, st, gen, NULL), 0);
	assert_int_equal(g.result, STORE_RESULT_PENDING);
	assert_int_equal(g.finished_at_ms, 0);
	assert_null(g.error);
	store_generation_clear(&g);

	after = save_ok(st, "esx01", &set);
	assert_int_equal(store_generation_finish(st, gen, &(struct store_generation_end){
		.result = STORE_RESULT_APPLIED, .snapshot_after = after,
		.timings = "{\"apply_ms\":12}" }, NULL), 0);
	err = NULL;
	assert_int_equal(store_generation_finish(st, gen, &(struct store_generation_end){
		.result = STORE_RESULT_FAILED }, &err), -EALREADY);
	assert_non_null(strstr(err, "is already finished (applied)"));
	free(err);
	err = NULL;
	assert_int_equal(store_generation_finish(st, gen + 100, &(struct store_generation_end){
		.result = STORE_RESULT_FAILED }, &err), -ENOENT);
	free(err);
	assert_int_equal(store_generation_finish(st, gen, &(struct store_generation_end){
		.result = STORE_RESULT_PENDING }, NULL), -EINVAL);

	/* A later failure does not replace the last applied one. */
	assert_int_equal(store_generation_begin(&gen2, st, &(struct store_generation_start){
		.host = "esx01" }, NULL), 0);
	assert_int_equal(store_generation_finish(st, gen2, &(struct store_generation_end){
		.result = STORE_RESULT_ROLLED_BACK, .error = "RTM_NEWROUTE: File exists" }, NULL), 0);

	assert_int_equal(store_generation_last_applied(&g, st, "esx01", NULL), 0);
	assert_int_equal(g.id, gen);
	assert_string_equal(g.host, "esx01");
	assert_string_equal(g.commit_id, "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(g.profile_hash, "sha256:ab");
	assert_string_equal(g.plan, "{\"actions\":[]}");
	assert_int_equal(g.n_actions, 3);
	assert_int_equal(g.result, STORE_RESULT_APPLIED);
	assert_int_equal(g.snapshot_before, before);
	assert_int_equal(g.snapshot_after, after);
	assert_null(g.error);
	assert_string_equal(g.timings, "{\"apply_ms\":12}");
	assert_true(g.finished_at_ms >= g.started_at_ms);
	store_generation_clear(&g);
	assert_int_equal(store_generation_get(&g, st, gen2, NULL), 0);
	assert_int_equal(g.result, STORE_RESULT_ROLLED_BACK);
	assert_string_equal(g.error, "RTM_NEWROUTE: File exists");
	store_generation_clear(&g);
	assert_string_equal(store_result_name(STORE_RESULT_ROLLED_BACK), "rolled-back");
	assert_int_equal(store_result_from_name("rolled-back"), STORE_RESULT_ROLLED_BACK);
	assert_int_equal(store_result_from_name("done"), -EINVAL);
	store_close(st);
	kobj_set_clear(&set);
}

/* drift and check mtu default --host to the one host listed here: only
 * applied generations count, each host once, sorted. */
static void test_generation_hosts_lists_hosts_with_an_applied_generation(void **state)
{
	static const struct { const char *host; enum store_result result; } gens[] = {
		{ "esx02", STORE_RESULT_APPLIED }, { "esx01", STORE_RESULT_APPLIED },
		{ "esx03", STORE_RESULT_ROLLED_BACK }, { "esx01", STORE_RESULT_APPLIED },
		{ "esx05", STORE_RESULT_FAILED }, { "esx04", STORE_RESULT_PENDING },
	};
	struct fixture *f = *state;
	struct store *st = open_ok(f->path, STORE_WRITE);
	char **hosts = (char **)1;
	size_t n = 99;
	int64_t id;

	assert_int_equal(store_generation_hosts(&hosts, &n, st, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(hosts);
	for (size_t i = 0; i < sizeof(gens) / sizeof(*gens); i++) {
		assert_int_equal(store_generation_begin(&id, st, &(struct store_generation_start){
			.host = gens[i].host }, NULL), 0);
		if (gens[i].result != STORE_RESULT_PENDING)
			assert_int_equal(store_generation_finish(st, id, &(struct store_generation_end){
				.result = gens[i].result }, NULL), 0);
	}
	assert_int_equal(store_generation_hosts(&hosts, &n, st, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(hosts[0], "esx01");
	assert_string_equal(hosts[1], "esx02");
	store_hosts_free(hosts, n);
	store_hosts_free(NULL, 0);
	store_close(st);
}

static void test_pending_generations_of_a_dead_process_are_reaped(void **state)
{
	struct fixture *f = *state;
	struct store_generation g = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t gen;

	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01" }, NULL), 0);
	store_close(st);   /* as if it had crashed before finishing */
	st = open_ok(f->path, STORE_WRITE);
	assert_int_equal(store_generation_reap_interrupted(st, NULL), 1);
	assert_int_equal(store_generation_reap_interrupted(st, NULL), 0);
	assert_int_equal(store_generation_get(&g, st, gen, NULL), 0);
	assert_int_equal(g.result, STORE_RESULT_FAILED);
	assert_non_null(strstr(g.error, "interrupted"));
	assert_true(g.finished_at_ms > 0);
	store_generation_clear(&g);
	store_close(st);
}

static void test_history_lists_all_kinds_newest_first_with_a_limit(void **state)
{
	struct fixture *f = *state;
	struct store_entry *v = NULL;
	struct store_drift d = { 0 };
	struct kobj_set set;
	struct store *st = open_ok(f->path, STORE_WRITE);
	int64_t snap, gen, drift, other;
	size_t n = 0;

	build_set(&set);
	snap = save_ok(st, "esx01", &set);
	usleep(2000);
	assert_int_equal(store_generation_begin(&gen, st, &(struct store_generation_start){
		.host = "esx01", .plan = "big plan", .snapshot_before = snap }, NULL), 0);
	usleep(2000);
	assert_int_equal(store_drift_add(&drift, st, "esx01", gen, snap, 2,
					 "{\"routes\":[1,2]}", NULL), 0);
	usleep(2000);
	other = save_ok(st, "esx02", &set);

	assert_int_equal(store_history(&v, &n, st, "esx01", 0, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].kind, STORE_ENTRY_DRIFT);
	assert_int_equal(v[0].drift.id, drift);
	assert_int_equal(v[0].drift.count, 2);
	assert_int_equal(v[0].drift.generation_id, gen);
	assert_null(v[0].drift.report);
	assert_int_equal(v[1].kind, STORE_ENTRY_GENERATION);
	assert_int_equal(v[1].generation.id, gen);
	assert_int_equal(v[1].generation.result, STORE_RESULT_PENDING);
	assert_null(v[1].generation.plan);
	assert_int_equal(v[2].kind, STORE_ENTRY_SNAPSHOT);
	assert_int_equal(v[2].snapshot.id, snap);
	assert_int_equal(v[2].snapshot.n_routes, 3);
	assert_string_equal(v[2].snapshot.kernel_release, "6.1.0-test");
	assert_true(v[0].at_ms >= v[1].at_ms && v[1].at_ms >= v[2].at_ms);
	store_entries_free(v, n);

	assert_int_equal(store_history(&v, &n, st, NULL, 2, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].kind, STORE_ENTRY_SNAPSHOT);
	assert_int_equal(v[0].snapshot.id, other);
	assert_string_equal(v[0].snapshot.host, "esx02");
	assert_int_equal(v[1].kind, STORE_ENTRY_DRIFT);
	store_entries_free(v, n);

	assert_int_equal(store_history(&v, &n, st, "nobody", 10, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	store_entries_free(v, n);

	assert_int_equal(store_drift_get(&d, st, drift, NULL), 0);
	assert_string_equal(d.report, "{\"routes\":[1,2]}");
	assert_string_equal(d.host, "esx01");
	assert_int_equal(d.snapshot_id, snap);
	store_drift_clear(&d);
	assert_int_equal(store_drift_get(&d, st, drift + 1, NULL), -ENOENT);
	assert_string_equal(store_entry_kind_name(STORE_ENTRY_DRIFT), "drift");
	store_close(st);
	kobj_set_clear(&set);
}

/* --- integrity --------------------------------------------------------- */

static void test_check_passes_on_a_sound_database(void **state)
{
	struct fixture *f = *state;
	struct kobj_set set;
	struct store *st = open_ok(f->path, STORE_WRITE);
	char *err = NULL;

	build_set(&set);
	save_ok(st, "esx01", &set);
	assert_int_equal(store_check(st, &err), 0);
	assert_null(err);
	store_close(st);
	st = open_ok(f->path, STORE_READONLY);
	assert_int_equal(store_check(st, &err), 0);
	store_close(st);
	kobj_set_clear(&set);
}

/* A closed database of 5000 routes with `len` bytes of 0x5a written at
 * `offset` into a page in its middle: the first b-tree leaf page from there
 * when `leaf` (so the damage lands in a page known to parse). */
static void damage_middle_page(const struct fixture *f, size_t offset, size_t len, bool leaf)
{
	struct kobj_set set = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	char wal[400], junk[3 * 4096];
	unsigned char type = 0;
	struct stat sb;
	off_t pages, page;
	int fd;

	for (int i = 0; i < 5000; i++) {
		struct kobj_route rt = { .family = AF_INET, .table = 254, .protocol = 77, .type = 1 };

		rt.dst = cidr("10.0.0.0/24");
		rt.dst.bytes[1] = (uint8_t)(i >> 8);
		rt.dst.bytes[2] = (uint8_t)i;
		assert_int_equal(kobj_set_add_route(&set, &rt), 0);
	}
	save_ok(st, "esx01", &set);
	store_close(st);
	kobj_set_clear(&set);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(access(wal, F_OK), -1);   /* checkpointed into the file */

	assert_int_equal(stat(f->path, &sb), 0);
	pages = sb.st_size / 4096;
	assert_true(pages > 20);
	fd = open(f->path, O_RDWR);
	assert_true(fd >= 0);
	/* A table leaf with a row: the snapshot's (dbstat counts pages from
	 * 1).  Found by name, not by position, so that a migration adding
	 * tables (and so empty leaves, whose cell pointers are free space no
	 * check reads) does not move the damage somewhere harmless. */
	page = leaf ? sql_int(f->path, "SELECT pageno - 1 FROM dbstat WHERE name = 'snapshot_blobs'"
				       " AND pagetype = 'leaf' AND ncell > 0 LIMIT 1") : pages / 2;
	assert_int_equal(pread(fd, &type, 1, page * 4096), 1);
	assert_true(!leaf || type == 0x0d);
	assert_true(page < pages);
	assert_true(len <= sizeof(junk));
	memset(junk, 0x5a, sizeof(junk));
	assert_int_equal(pwrite(fd, junk, len, page * 4096 + (off_t)offset), (ssize_t)len);
	close(fd);
}

/* Damage met by one call (here a row out of range) refuses every later
 * call with the same message, so a caller that ignored the first error still
 * writes nothing into the file. */
static void test_damage_is_sticky_and_nothing_more_is_written(void **state)
{
	struct fixture *f = *state;
	struct store_generation_start g = { .host = "esx01" };
	struct kobj_set set = { 0 }, got = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	char *err = NULL, *first, *before, *after;
	size_t len_before, len_after;
	int64_t id;

	build_set(&set);
	id = save_rows_ok(st, "esx01", &set);
	store_close(st);
	sql_exec(f->path, "UPDATE snapshot_routes SET rt_table = -1 WHERE seq = 2");
	before = read_file(f->path, &len_before);
	st = open_ok(f->path, STORE_WRITE);
	assert_false(store_damaged(st));
	assert_int_equal(store_snapshot_load(&got, NULL, st, id, &err), -EUCLEAN);
	assert_true(store_damaged(st));
	first = err;
	assert_non_null(strstr(first, "is damaged (content check: snapshot"));
	/* (The process-wide first damage may be an earlier test's.) */
	assert_non_null(store_damage_seen());

	/* Ignoring the error does not help: the next calls are refused. */
	assert_int_equal(store_snapshot_save(&id, st, "esx01", NULL, &set, NULL), -EUCLEAN);
	err = NULL;
	assert_int_equal(store_generation_begin(&id, st, &g, &err), -EUCLEAN);
	assert_string_equal(err, first);
	free(err);
	err = NULL;
	assert_int_equal(store_drift_add(&id, st, "esx01", 0, 0, 0, "{}", &err), -EUCLEAN);
	assert_string_equal(err, first);
	free(err);
	store_close(st);
	after = read_file(f->path, &len_after);
	assert_int_equal(len_after, len_before);
	assert_memory_equal(after, before, len_before);
	free(first);
	free(before);
	free(after);
	kobj_set_clear(&set);
}

static void test_open_lists_damaged_cell_pointers(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *err = NULL, want[400];

	/* Bytes 8.. of a b-tree leaf are its cell pointers: the page still
	 * parses, and only an integrity check finds the bad rows.  The quick
	 * check at open does, so neither a writer nor a reader uses the file. */
	damage_middle_page(f, 8, 8, true);
	snprintf(want, sizeof(want), "state database %s is damaged (quick check: On tree page ", f->path);
	for (unsigned flags = STORE_READONLY; flags <= STORE_WRITE; flags <<= 1) {
		assert_int_equal(store_open(&st, f->path, flags, NULL, &err), -EUCLEAN);
		assert_null(st);
		assert_non_null(err);
		assert_memory_equal(err, want, strlen(want));
		assert_non_null(strstr(err, "out of range"));
		free(err);
		err = NULL;
	}
}

static void test_check_or_open_fails_on_overwritten_pages(void **state)
{
	struct fixture *f = *state;
	struct kobj_set got = { 0 };
	struct store *st = NULL;
	char *err = NULL;
	int r;

	damage_middle_page(f, 0, 3 * 4096, false);
	r = store_open(&st, f->path, STORE_WRITE, NULL, &err);
	if (r == 0) {
		assert_int_equal(store_check(st, &err), -EUCLEAN);
		assert_non_null(strstr(err, "is damaged"));
		free(err);
		err = NULL;
		/* Reading through the damage fails cleanly too. */
		assert_int_equal(store_snapshot_load(&got, NULL, st, 1, &err), -EUCLEAN);
		assert_null(got.routes);
		store_close(st);
	} else {
		assert_true(r < 0);
	}
	assert_non_null(err);
	assert_non_null(strstr(err, f->path));
	free(err);
}

/* --- speed ------------------------------------------------------------- */

static void test_100k_routes_save_and_load_quickly(void **state)
{
	struct fixture *f = *state;
	struct kobj_set set = { 0 }, got = { 0 };
	struct store *st = open_ok(f->path, STORE_WRITE);
	double t0, t_save, t_load;
	int64_t id;

	for (uint32_t i = 0; i < 100000; i++) {
		struct kobj_route rt = { .table = 1000 + i % 7, .oif = 7, .metric = i,
					 .protocol = 77, .type = 1, .owned = true };

		if (i % 2) {
			rt.family = AF_INET6;
			rt.dst = cidr("2001:db8::/64");
			rt.dst.bytes[4] = (uint8_t)(i >> 16);
			rt.dst.bytes[5] = (uint8_t)(i >> 8);
			rt.dst.bytes[6] = (uint8_t)i;
			rt.gateway = cidr("fe80::1/128");
		} else {
			rt.family = AF_INET;
			rt.dst = cidr("10.0.0.0/32");
			rt.dst.bytes[1] = (uint8_t)(i >> 16);
			rt.dst.bytes[2] = (uint8_t)(i >> 8);
			rt.dst.bytes[3] = (uint8_t)i;
			rt.gateway = cidr("192.0.2.1/32");
			rt.prefsrc = cidr("192.0.2.10/32");
		}
		assert_int_equal(kobj_set_add_route(&set, &rt), 0);
	}
	t0 = now_s();
	id = save_ok(st, "esx01", &set);
	t_save = now_s() - t0;
	t0 = now_s();
	assert_int_equal(store_snapshot_load(&got, NULL, st, id, NULL), 0);
	t_load = now_s() - t0;
	print_message("# 100k routes: save %.3f s, load %.3f s\n", t_save, t_load);
	assert_set_equal(&set, &got);
	store_close(st);
	kobj_set_clear(&got);
	kobj_set_clear(&set);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_migrates_an_empty_file),
		T(test_reopen_runs_no_migration_and_keeps_data),
		T(test_open_refuses_a_newer_schema),
		T(test_open_refuses_a_file_that_is_not_a_database),
		T(test_open_refuses_another_programs_database),
		T(test_readonly_open_needs_an_existing_migrated_file),
		T(test_open_rejects_bad_arguments),
		T(test_files_are_private_whatever_the_umask),
		T(test_write_lock_excludes_another_process_until_it_exits),
		T(test_write_lock_is_released_on_close),
		T(test_readonly_open_takes_no_lock),
		T(test_snapshot_round_trips_every_field),
		T(test_snapshot_of_an_empty_set_round_trips),
		T(test_snapshot_save_refuses_what_would_not_load_back),
		T(test_snapshot_save_refuses_adapter_settings_that_would_not_load_back),
		T(test_snapshot_of_schema_2_loads_with_adapter_settings_absent),
		T(test_snapshot_load_reports_missing_and_tampered_rows),
		T(test_snapshot_rows_are_checked_for_their_kernel_types),
		T(test_snapshot_rows_and_blobs_both_load),
		T(test_snapblob_round_trips_and_refuses_every_truncation),
		T(test_snapshot_blob_damage_is_reported),
		T(test_snapshot_latest_is_per_host),
		T(test_prune_keeps_newest_and_the_rollback_base),
		T(test_generation_lifecycle),
		T(test_generation_hosts_lists_hosts_with_an_applied_generation),
		T(test_generation_begin_records_snapshot_plan_and_deadline_together),
		T(test_migration_4_moves_plans_out_of_generations),
		T(test_generation_source_is_recorded_with_the_generation),
		T(test_generation_want_is_packed_and_old_json_still_reads),
		T(test_pending_generations_of_a_dead_process_are_reaped),
		T(test_history_lists_all_kinds_newest_first_with_a_limit),
		T(test_check_passes_on_a_sound_database),
		T(test_damage_is_sticky_and_nothing_more_is_written),
		T(test_open_lists_damaged_cell_pointers),
		T(test_check_or_open_fails_on_overwritten_pages),
		T(test_100k_routes_save_and_load_quickly),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
