/* store-snapshot: kobj_sets in and out of the snapshot tables.
 *
 * A snapshot is saved as one blob (snapblob.h, format 2, 0005-snapshot-
 * blobs.sql); the row format below (format 1) is what hostnet wrote before,
 * still read for the snapshots it left, and written only by
 * store_snapshot_insert_format() for tests that make such databases.
 *
 * A save is one transaction with one prepared INSERT per table, rebound for
 * every row: 100k routes cost one fsync, not 100k.  Each table's column list
 * is written once and used by both the INSERT and the SELECT, and the number
 * of values bound or read is checked against the statement, so the code and
 * the column lists cannot drift apart silently. */
#include "store-private.h"
#include "snapblob.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* --- writing one row --------------------------------------------------- */

struct wr {
	sqlite3_stmt *s;
	int col;
	int rc;                    /* first bind failure */
	const char *bad;           /* first field that cannot be stored exactly */
	/* Text bound SQLITE_STATIC must live until the step: here. */
	char addr[3][ADDR_STRLEN];
	int n_addr;
	char mac[2][ADDR_MAC_STRLEN];
	int n_mac;
};

static void wr_bind(struct wr *w, int rc)
{
	if (w->rc == SQLITE_OK)
		w->rc = rc;
}

static void wr_int(struct wr *w, int64_t v)
{
	int col = ++w->col;

	wr_bind(w, sqlite3_bind_int64(w->s, col, v));
}

/* A char array field: must hold its NUL, or the load could not restore it. */
static void wr_str(struct wr *w, const char *s, size_t size, const char *field)
{
	int col = ++w->col;
	size_t n = strnlen(s, size);

	if (n == size && !w->bad)
		w->bad = field;
	wr_bind(w, sqlite3_bind_text(w->s, col, s, (int)n, SQLITE_STATIC));
}

static bool addr_canonical(const struct hn_addr *a)
{
	size_t len = a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;

	if (a->family != 0 && len == 0)
		return false;
	if (a->family == 0 && a->prefixlen != 0)
		return false;
	if (a->prefixlen > len * 8)
		return false;
	for (size_t i = len; i < sizeof(a->bytes); i++)
		if (a->bytes[i])
			return false;
	return true;
}

/* Text with the prefix (parsed back by addr_parse_cidr), NULL for family 0. */
static void wr_addr(struct wr *w, const struct hn_addr *a, const char *field)
{
	int col = ++w->col;
	char *buf = w->addr[w->n_addr++];

	if (!addr_canonical(a) && !w->bad)
		w->bad = field;
	if (a->family == 0) {
		wr_bind(w, sqlite3_bind_null(w->s, col));
		return;
	}
	addr_format(a, true, buf, ADDR_STRLEN);
	wr_bind(w, sqlite3_bind_text(w->s, col, buf, -1, SQLITE_STATIC));
}

static void wr_mac(struct wr *w, const struct hn_mac *m, bool has, const char *field)
{
	int col = ++w->col;
	char *buf = w->mac[w->n_mac++];

	/* Without its flag the bytes are meaningless and must be zero. */
	if (!has && !addr_mac_is_zero(m) && !w->bad)
		w->bad = field;
	if (!has) {
		wr_bind(w, sqlite3_bind_null(w->s, col));
		return;
	}
	addr_format_mac(m, buf, ADDR_MAC_STRLEN);
	wr_bind(w, sqlite3_bind_text(w->s, col, buf, -1, SQLITE_STATIC));
}

/* A 64-bit unsigned value: SQLite's INTEGER is signed, and a value above
 * INT64_MAX would load back negative (no real rate comes near it). */
static void wr_u64(struct wr *w, uint64_t v, const char *field)
{
	if (v > INT64_MAX && !w->bad)
		w->bad = field;
	wr_int(w, (int64_t)(v > INT64_MAX ? 0 : v));
}

/* --- reading one row --------------------------------------------------- */

struct rd {
	sqlite3_stmt *s;
	int col;
	const char *bad;           /* first column whose value is out of range */
};

static void rd_mark(struct rd *r, int col)
{
	if (!r->bad)
		r->bad = sqlite3_column_name(r->s, col);
}

static int64_t rd_int(struct rd *r, int64_t min, int64_t max)
{
	int col = r->col++;
	int64_t v = sqlite3_column_int64(r->s, col);

	if (sqlite3_column_type(r->s, col) != SQLITE_INTEGER || v < min || v > max) {
		rd_mark(r, col);
		return 0;
	}
	return v;
}

#define rd_u64(r)  ((uint64_t)rd_int((r), 0, INT64_MAX))
#define rd_u32(r)  ((uint32_t)rd_int((r), 0, UINT32_MAX))
#define rd_u16(r)  ((uint16_t)rd_int((r), 0, UINT16_MAX))
#define rd_u8(r)   ((uint8_t)rd_int((r), 0, UINT8_MAX))
#define rd_s32(r)  ((int)rd_int((r), INT32_MIN, INT32_MAX))
#define rd_bool(r) (rd_int((r), 0, 1) != 0)
/* Kernel types narrower than their width, as jread.h checks them in JSON:
 * an ifindex is a non-negative int (0 = none), a VLAN id is 0..4094. */
#define rd_ifindex(r) ((int)rd_int((r), 0, INT32_MAX))
#define rd_vlan(r)    ((uint16_t)rd_int((r), 0, 4094))

/* Into a char array; "" for a bad value. */
static void rd_str(struct rd *r, char *dst, size_t size)
{
	int col = r->col++;
	const char *t = (const char *)sqlite3_column_text(r->s, col);

	dst[0] = '\0';
	if (sqlite3_column_type(r->s, col) != SQLITE_TEXT || !t || strlen(t) >= size) {
		rd_mark(r, col);
		return;
	}
	memcpy(dst, t, strlen(t) + 1);
}

static void rd_addr(struct rd *r, struct hn_addr *a)
{
	int col = r->col++;
	const char *t = (const char *)sqlite3_column_text(r->s, col);

	*a = (struct hn_addr){ 0 };
	if (sqlite3_column_type(r->s, col) == SQLITE_NULL)
		return;
	if (sqlite3_column_type(r->s, col) != SQLITE_TEXT || !t || addr_parse_cidr(a, t) < 0)
		rd_mark(r, col);
}

static void rd_mac(struct rd *r, struct hn_mac *m, bool *has)
{
	int col = r->col++;
	const char *t = (const char *)sqlite3_column_text(r->s, col);

	*m = (struct hn_mac){ { 0 } };
	*has = false;
	if (sqlite3_column_type(r->s, col) == SQLITE_NULL)
		return;
	if (sqlite3_column_type(r->s, col) != SQLITE_TEXT || !t || addr_parse_mac(m, t) < 0) {
		rd_mark(r, col);
		return;
	}
	*has = true;
}

/* Stored by name; a name this build does not know (a newer hostnet wrote
 * it) is OTHER, and kind_name still says what it is. */
static enum kobj_link_kind rd_kind(struct rd *r)
{
	char name[32];

	rd_str(r, name, sizeof(name));
	for (int k = 0; k < KOBJ_LINK_KIND__MAX; k++)
		if (strcmp(name, kobj_link_kind_name((enum kobj_link_kind)k)) == 0)
			return (enum kobj_link_kind)k;
	return KOBJ_LINK_KIND_OTHER;
}

/* --- the four tables --------------------------------------------------- */

#define LINK_COLS "ifindex, name, kind, kind_name, mtu, mac, admin_up, operstate, " \
	"master, link, link_group, alias, vlan_id, vrf_table, macvlan_mode, owned, " \
	"bond_mode, bond_primary, qdisc, qdisc_handle, shaping_rate, shaping_peak, " \
	"shaping_burst, is_brport, brport_learning, brport_flood, brport_locked, n_fdb, fdb, " \
	"has_ra, accept_ra, autoconf, accept_ra_defrtr"
/* A column per flag (0003-adapter-settings.sql): a new flag needs a migration. */
_Static_assert(KOBJ_BRPORT__MAX == 3, "a new bridge port flag needs a snapshot_links column");
#define ADDR_COLS "ifindex, addr, scope, flags, proto, owned"
#define ROUTE_COLS "family, rt_table, dst, gateway, prefsrc, oif, metric, protocol, " \
	"scope, type, owned"
#define RULE_COLS "family, priority, src, dst, iif, oif, rt_table, action, protocol, " \
	"fwmark, fwmask, owned"

static void put_link(struct wr *w, const struct kobj_set *set, size_t i)
{
	const struct kobj_link *l = &set->links[i];

	wr_int(w, l->ifindex);
	wr_str(w, l->name, sizeof(l->name), "name");
	if ((unsigned)l->kind >= KOBJ_LINK_KIND__MAX && !w->bad)
		w->bad = "kind";
	wr_str(w, kobj_link_kind_name(l->kind), KOBJ_IFNAMSIZ, "kind");
	wr_str(w, l->kind_name, sizeof(l->kind_name), "kind_name");
	wr_int(w, l->mtu);
	wr_mac(w, &l->mac, l->has_mac, "mac");
	wr_int(w, l->admin_up);
	wr_int(w, l->operstate);
	wr_int(w, l->master);
	wr_int(w, l->link);
	wr_int(w, l->group);
	wr_str(w, l->alias, sizeof(l->alias), "alias");
	wr_int(w, l->vlan_id);
	wr_int(w, l->vrf_table);
	wr_int(w, l->macvlan_mode);
	wr_int(w, l->owned);
	wr_int(w, l->bond_mode);
	wr_int(w, l->bond_primary);
	wr_str(w, l->qdisc, sizeof(l->qdisc), "qdisc");
	wr_int(w, l->qdisc_handle);
	wr_u64(w, l->shaping.rate, "shaping rate");
	wr_u64(w, l->shaping.peak, "shaping peak");
	wr_int(w, l->shaping.burst);
	wr_int(w, l->is_brport);
	if ((l->brport >> KOBJ_BRPORT__MAX) && !w->bad)
		w->bad = "brport";
	wr_int(w, l->brport >> KOBJ_BRPORT_LEARNING & 1);
	wr_int(w, l->brport >> KOBJ_BRPORT_FLOOD & 1);
	wr_int(w, l->brport >> KOBJ_BRPORT_LOCKED & 1);
	wr_int(w, l->n_fdb);
	wr_mac(w, &l->fdb, l->n_fdb > 0, "fdb");
	wr_int(w, l->has_ra);
	wr_int(w, l->accept_ra);
	wr_int(w, l->autoconf);
	wr_int(w, l->accept_ra_defrtr);
}

static int get_link(struct rd *r, struct kobj_set *set)
{
	struct kobj_link l = { 0 };
	bool has_fdb;

	l.ifindex = rd_ifindex(r);
	rd_str(r, l.name, sizeof(l.name));
	l.kind = rd_kind(r);
	rd_str(r, l.kind_name, sizeof(l.kind_name));
	l.mtu = rd_u32(r);
	rd_mac(r, &l.mac, &l.has_mac);
	l.admin_up = rd_bool(r);
	l.operstate = rd_u8(r);
	l.master = rd_ifindex(r);
	l.link = rd_ifindex(r);
	l.group = rd_u32(r);
	rd_str(r, l.alias, sizeof(l.alias));
	l.vlan_id = rd_vlan(r);
	l.vrf_table = rd_u32(r);
	l.macvlan_mode = rd_u32(r);
	l.owned = rd_bool(r);
	l.bond_mode = rd_u8(r);
	l.bond_primary = rd_ifindex(r);
	rd_str(r, l.qdisc, sizeof(l.qdisc));
	l.qdisc_handle = rd_u32(r);
	l.shaping.rate = rd_u64(r);
	l.shaping.peak = rd_u64(r);
	l.shaping.burst = rd_u32(r);
	l.is_brport = rd_bool(r);
	/* One statement each: the columns must be read in order. */
	l.brport = (uint8_t)((unsigned)rd_bool(r) << KOBJ_BRPORT_LEARNING);
	l.brport |= (uint8_t)((unsigned)rd_bool(r) << KOBJ_BRPORT_FLOOD);
	l.brport |= (uint8_t)((unsigned)rd_bool(r) << KOBJ_BRPORT_LOCKED);
	l.n_fdb = rd_u8(r);
	rd_mac(r, &l.fdb, &has_fdb);
	/* The MAC is there exactly when the port has an entry. */
	if (has_fdb != (l.n_fdb > 0) && !r->bad)
		r->bad = "fdb";
	l.has_ra = rd_bool(r);
	l.accept_ra = rd_u8(r);
	l.autoconf = rd_u8(r);
	l.accept_ra_defrtr = rd_u8(r);
	return r->bad ? -EUCLEAN : kobj_set_add_link(set, &l);
}

static void put_addr(struct wr *w, const struct kobj_set *set, size_t i)
{
	const struct kobj_addr *a = &set->addrs[i];

	wr_int(w, a->ifindex);
	wr_addr(w, &a->addr, "addr");
	wr_int(w, a->scope);
	wr_int(w, a->flags);
	wr_int(w, a->proto);
	wr_int(w, a->owned);
}

static int get_addr(struct rd *r, struct kobj_set *set)
{
	struct kobj_addr a = { 0 };

	a.ifindex = rd_ifindex(r);
	rd_addr(r, &a.addr);
	a.scope = rd_u8(r);
	a.flags = rd_u32(r);
	a.proto = rd_u8(r);
	a.owned = rd_bool(r);
	return r->bad ? -EUCLEAN : kobj_set_add_addr(set, &a);
}

static void put_route(struct wr *w, const struct kobj_set *set, size_t i)
{
	const struct kobj_route *rt = &set->routes[i];

	wr_int(w, rt->family);
	wr_int(w, rt->table);
	wr_addr(w, &rt->dst, "dst");
	wr_addr(w, &rt->gateway, "gateway");
	wr_addr(w, &rt->prefsrc, "prefsrc");
	wr_int(w, rt->oif);
	wr_int(w, rt->metric);
	wr_int(w, rt->protocol);
	wr_int(w, rt->scope);
	wr_int(w, rt->type);
	wr_int(w, rt->owned);
}

static int get_route(struct rd *r, struct kobj_set *set)
{
	struct kobj_route rt = { 0 };

	rt.family = rd_u8(r);
	rt.table = rd_u32(r);
	rd_addr(r, &rt.dst);
	rd_addr(r, &rt.gateway);
	rd_addr(r, &rt.prefsrc);
	rt.oif = rd_ifindex(r);
	rt.metric = rd_u32(r);
	rt.protocol = rd_u8(r);
	rt.scope = rd_u8(r);
	rt.type = rd_u8(r);
	rt.owned = rd_bool(r);
	return r->bad ? -EUCLEAN : kobj_set_add_route(set, &rt);
}

static void put_rule(struct wr *w, const struct kobj_set *set, size_t i)
{
	const struct kobj_rule *ru = &set->rules[i];

	wr_int(w, ru->family);
	wr_int(w, ru->priority);
	wr_addr(w, &ru->src, "src");
	wr_addr(w, &ru->dst, "dst");
	wr_str(w, ru->iif, sizeof(ru->iif), "iif");
	wr_str(w, ru->oif, sizeof(ru->oif), "oif");
	wr_int(w, ru->table);
	wr_int(w, ru->action);
	wr_int(w, ru->protocol);
	wr_int(w, ru->fwmark);
	wr_int(w, ru->fwmask);
	wr_int(w, ru->owned);
}

static int get_rule(struct rd *r, struct kobj_set *set)
{
	struct kobj_rule ru = { 0 };

	ru.family = rd_u8(r);
	ru.priority = rd_u32(r);
	rd_addr(r, &ru.src);
	rd_addr(r, &ru.dst);
	rd_str(r, ru.iif, sizeof(ru.iif));
	rd_str(r, ru.oif, sizeof(ru.oif));
	ru.table = rd_u32(r);
	ru.action = rd_u8(r);
	ru.protocol = rd_u8(r);
	ru.fwmark = rd_u32(r);
	ru.fwmask = rd_u32(r);
	ru.owned = rd_bool(r);
	return r->bad ? -EUCLEAN : kobj_set_add_rule(set, &ru);
}

struct table {
	const char *what;          /* for messages: "route" */
	const char *insert;
	const char *select;
	size_t (*count)(const struct kobj_set *set);
	void (*put)(struct wr *w, const struct kobj_set *set, size_t i);
	int (*get)(struct rd *r, struct kobj_set *set);
};

static size_t count_links(const struct kobj_set *s) { return s->n_links; }
static size_t count_addrs(const struct kobj_set *s) { return s->n_addrs; }
static size_t count_routes(const struct kobj_set *s) { return s->n_routes; }
static size_t count_rules(const struct kobj_set *s) { return s->n_rules; }

#define TABLE(what_, name_, cols_, nq_, count_, put_, get_) {				\
	.what = what_,									\
	.insert = "INSERT INTO " name_ " (snapshot_id, seq, " cols_ ") VALUES (?, ?, " nq_ ")", \
	.select = "SELECT " cols_ " FROM " name_ " WHERE snapshot_id = ? ORDER BY seq",	\
	.count = count_, .put = put_, .get = get_,					\
}

/* In the order of the n_* columns of snapshots. */
static const struct table tables[] = {
	TABLE("link", "snapshot_links", LINK_COLS,
	      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?", count_links, put_link, get_link),
	TABLE("address", "snapshot_addrs", ADDR_COLS,
	      "?, ?, ?, ?, ?, ?", count_addrs, put_addr, get_addr),
	TABLE("route", "snapshot_routes", ROUTE_COLS,
	      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?", count_routes, put_route, get_route),
	TABLE("rule", "snapshot_rules", RULE_COLS,
	      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?", count_rules, put_rule, get_rule),
};
#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

/* --- save -------------------------------------------------------------- */

static int save_rows(struct store *st, const struct table *t, int64_t snap_id,
		     const struct kobj_set *set, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	size_t n = t->count(set);
	int rc, r;

	r = store_prepare(st, &s, t->insert, errmsg);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct wr w = { .s = s };

		wr_int(&w, snap_id);
		wr_int(&w, (int64_t)i);
		t->put(&w, set, i);
		if (w.bad) {
			r = store_fail(errmsg, -EINVAL,
				       "cannot record a snapshot: %s %zu has a malformed %s",
				       t->what, i, w.bad);
			goto out;
		}
		if (w.col != sqlite3_bind_parameter_count(s)) {
			r = store_fail(errmsg, -EINVAL, "internal error: a %s row binds %d of %d values",
				       t->what, w.col, sqlite3_bind_parameter_count(s));
			goto out;
		}
		rc = w.rc == SQLITE_OK ? store_step(st, s) : w.rc;
		if (rc != SQLITE_DONE) {
			r = store_fail_sql(st, errmsg, rc, "recording a snapshot");
			goto out;
		}
		sqlite3_reset(s);
	}
out:
	sqlite3_finalize(s);
	return r;
}

/* The objects as one blob (snapblob.h), written once. */
static int save_blob(struct store *st, int64_t snap_id, const struct kobj_set *set, char **errmsg)
{
	struct snapblob_err e;
	uint8_t *blob = NULL;
	size_t len = 0;
	int r;

	r = snapblob_encode(&blob, &len, set, &e);
	if (r == -EINVAL)
		return store_fail(errmsg, r, "cannot record a snapshot: %s %zu has a malformed %s",
				  e.what, e.index, e.field);
	if (r < 0)
		return store_fail(errmsg, r, "cannot record a snapshot: out of memory");
	r = store_insert_blob(st, "INSERT INTO snapshot_blobs (snapshot_id, objects) VALUES (?, ?)",
			      snap_id, blob, len, "recording a snapshot", errmsg);
	free(blob);
	return r;
}

int store_snapshot_insert_format(int64_t *out_id, struct store *st, const char *host,
				 const char *kernel_release, const struct kobj_set *set,
				 enum store_snapshot_format format, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int64_t id;
	int rc, r;

	if (!host || !*host)
		return store_fail(errmsg, -EINVAL, "cannot record a snapshot without a host name");
	r = store_prepare(st, &s,
			  "INSERT INTO snapshots (taken_at, host, caps, kernel_release,"
			  " n_links, n_addrs, n_routes, n_rules, format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, store_now_ms());
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, host);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, set->caps);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, kernel_release);
	for (size_t i = 0; i < N_TABLES && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_int64(s, 5 + (int)i, (int64_t)tables[i].count(set));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 9, (int)format);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE) {
		r = store_fail_sql(st, errmsg, rc, "recording a snapshot");
		goto out;
	}
	id = sqlite3_last_insert_rowid(st->db);
	switch (format) {
	case STORE_SNAPSHOT_ROWS:
		for (size_t i = 0; i < N_TABLES && r >= 0; i++)
			r = save_rows(st, &tables[i], id, set, errmsg);
		break;
	case STORE_SNAPSHOT_BLOB:
		r = save_blob(st, id, set, errmsg);
		break;
	}
	if (r >= 0)
		*out_id = id;
out:
	sqlite3_finalize(s);
	return r;
}

int store_snapshot_insert(int64_t *out_id, struct store *st, const char *host,
			  const char *kernel_release, const struct kobj_set *set, char **errmsg)
{
	return store_snapshot_insert_format(out_id, st, host, kernel_release, set,
					    STORE_SNAPSHOT_BLOB, errmsg);
}

int store_snapshot_save(int64_t *out_id, struct store *st, const char *host,
			const char *kernel_release, const struct kobj_set *set,
			char **errmsg)
{
	int64_t id = 0;
	int r = store_need_write(st, errmsg);

	if (r < 0)
		return r;
	r = store_tx_begin(st, errmsg);
	if (r < 0)
		return r;
	r = store_snapshot_insert(&id, st, host, kernel_release, set, errmsg);
	if (r >= 0)
		r = store_tx_commit(st, errmsg);
	if (r < 0) {
		store_tx_rollback(st);
		return r;
	}
	*out_id = id;
	return r;
}

/* --- load -------------------------------------------------------------- */

int store_snapshot_info_from_row(struct store_snapshot_info *out, sqlite3_stmt *s)
{
	struct store_snapshot_info info = { 0 };
	int r;

	info.id = sqlite3_column_int64(s, 0);
	info.taken_at_ms = sqlite3_column_int64(s, 1);
	r = store_column_strdup(&info.host, s, 2);
	info.caps = (uint32_t)sqlite3_column_int64(s, 3);
	if (r >= 0)
		r = store_column_strdup(&info.kernel_release, s, 4);
	info.n_links = (size_t)sqlite3_column_int64(s, 5);
	info.n_addrs = (size_t)sqlite3_column_int64(s, 6);
	info.n_routes = (size_t)sqlite3_column_int64(s, 7);
	info.n_rules = (size_t)sqlite3_column_int64(s, 8);
	if (r < 0) {
		store_snapshot_info_clear(&info);
		return r;
	}
	*out = info;
	return 0;
}

void store_snapshot_info_clear(struct store_snapshot_info *info)
{
	if (!info)
		return;
	free(info->host);
	free(info->kernel_release);
	*info = (struct store_snapshot_info){ 0 };
}

static int load_rows(struct store *st, const struct table *t, int64_t snap_id,
		     size_t expect, struct kobj_set *set, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	size_t n = 0;
	int rc, r;

	r = store_prepare(st, &s, t->select, errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, snap_id);
	while (rc == SQLITE_OK && (rc = store_step(st, s)) == SQLITE_ROW) {
		struct rd rd = { .s = s };

		r = t->get(&rd, set);
		if (r >= 0 && rd.col != sqlite3_column_count(s))
			r = store_fail(errmsg, -EINVAL, "internal error: a %s row reads %d of %d columns",
				       t->what, rd.col, sqlite3_column_count(s));
		if (r == -EUCLEAN)
			r = store_fail_corrupt(st, errmsg, "snapshot %lld: %s %zu has a bad %s",
					       (long long)snap_id, t->what, n, rd.bad);
		if (r < 0)
			goto out;
		n++;
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE) {
		r = store_fail_sql(st, errmsg, rc, "loading a snapshot");
		goto out;
	}
	if (n != expect)
		r = store_fail_corrupt(st, errmsg, "snapshot %lld should hold %zu %ss, it holds %zu",
				       (long long)snap_id, expect, t->what, n);
out:
	sqlite3_finalize(s);
	return r;
}

/* The blob of snapshot `snap_id`, decoded into *set; its object counts must
 * be the row's. */
static int load_blob(struct store *st, int64_t snap_id, const size_t counts[N_TABLES],
		     struct kobj_set *set, char **errmsg)
{
	struct snapblob_err e;
	sqlite3_stmt *s = NULL;
	size_t have[N_TABLES];
	int rc, r;

	r = store_prepare(st, &s, "SELECT objects FROM snapshot_blobs WHERE snapshot_id = ?", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, snap_id);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc == SQLITE_DONE) {
		r = store_fail_corrupt(st, errmsg, "snapshot %lld has no objects", (long long)snap_id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = store_fail_sql(st, errmsg, rc, "loading a snapshot");
		goto out;
	}
	if (sqlite3_column_type(s, 0) != SQLITE_BLOB) {
		r = store_fail_corrupt(st, errmsg, "snapshot %lld: its objects are not a blob",
				       (long long)snap_id);
		goto out;
	}
	r = snapblob_decode(set, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0), &e);
	if (r == -EUCLEAN) {
		if (strcmp(e.what, "blob") == 0)
			r = store_fail_corrupt(st, errmsg, "snapshot %lld: its blob has a bad %s at byte %zu",
					       (long long)snap_id, e.field, e.index);
		else
			r = store_fail_corrupt(st, errmsg, "snapshot %lld: %s %zu has a bad %s",
					       (long long)snap_id, e.what, e.index, e.field);
		goto out;
	}
	if (r < 0) {
		r = store_fail(errmsg, r, "loading snapshot %lld: out of memory", (long long)snap_id);
		goto out;
	}
	have[0] = set->n_links;
	have[1] = set->n_addrs;
	have[2] = set->n_routes;
	have[3] = set->n_rules;
	for (size_t i = 0; i < N_TABLES && r >= 0; i++)
		if (have[i] != counts[i])
			r = store_fail_corrupt(st, errmsg, "snapshot %lld should hold %zu %ss, it holds %zu",
					       (long long)snap_id, counts[i], tables[i].what, have[i]);
out:
	sqlite3_finalize(s);
	return r;
}

int store_snapshot_load(struct kobj_set *out, struct store_snapshot_info *info,
			struct store *st, int64_t id, char **errmsg)
{
	struct store_snapshot_info hdr = { 0 };
	struct kobj_set set = { 0 };
	sqlite3_stmt *s = NULL;
	size_t counts[N_TABLES];
	int64_t format;
	int rc, r;

	/* One read transaction: the header and the rows from the same state. */
	r = store_exec(st, "BEGIN", "starting a transaction", errmsg);
	if (r < 0)
		return r;
	r = store_prepare(st, &s,
			  "SELECT " STORE_SNAPSHOT_INFO_COLS ", format FROM snapshots WHERE id = ?",
			  errmsg);
	if (r < 0)
		goto out;
	rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc == SQLITE_DONE) {
		r = store_fail(errmsg, -ENOENT, "no snapshot %lld in %s", (long long)id, st->path);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = store_fail_sql(st, errmsg, rc, "loading a snapshot");
		goto out;
	}
	r = store_snapshot_info_from_row(&hdr, s);
	if (r < 0)
		goto out;
	set.caps = hdr.caps;
	counts[0] = hdr.n_links;
	counts[1] = hdr.n_addrs;
	counts[2] = hdr.n_routes;
	counts[3] = hdr.n_rules;
	format = sqlite3_column_int64(s, 9);
	if (format == STORE_SNAPSHOT_BLOB) {
		r = load_blob(st, id, counts, &set, errmsg);
	} else if (format == STORE_SNAPSHOT_ROWS) {
		for (size_t i = 0; i < N_TABLES && r >= 0; i++)
			r = load_rows(st, &tables[i], id, counts[i], &set, errmsg);
	} else {
		r = store_fail_corrupt(st, errmsg, "snapshot %lld has format %lld, not 1 or 2",
				       (long long)id, (long long)format);
	}
	if (r < 0)
		goto out;
	set.caps = hdr.caps;
	*out = set;
	set = (struct kobj_set){ 0 };
	if (info) {
		*info = hdr;
		hdr = (struct store_snapshot_info){ 0 };
	}
out:
	sqlite3_finalize(s);
	store_tx_rollback(st);
	kobj_set_clear(&set);
	store_snapshot_info_clear(&hdr);
	return r;
}

/* --- latest, prune ----------------------------------------------------- */

int store_snapshot_latest(int64_t *out_id, struct store *st, const char *host, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	/* By id, not taken_at: ids only grow, the wall clock may step back. */
	r = store_prepare(st, &s, "SELECT max(id) FROM snapshots WHERE host = ?", errmsg);
	if (r < 0)
		return r;
	rc = store_bind_text(s, 1, host);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_ROW) {
		r = store_fail_sql(st, errmsg, rc, "finding the latest snapshot");
		goto out;
	}
	if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
		r = store_fail(errmsg, -ENOENT, "no snapshot of host %s in %s", host, st->path);
		goto out;
	}
	*out_id = sqlite3_column_int64(s, 0);
out:
	sqlite3_finalize(s);
	return r;
}

int store_snapshot_prune(struct store *st, const char *host, size_t keep, char **errmsg)
{
	/* NOT IN against a NULL would make every comparison NULL and delete
	 * nothing, hence the IS NOT NULL filters. */
	static const char sql[] =
		"DELETE FROM snapshots WHERE host = ?1"
		" AND id NOT IN (SELECT id FROM snapshots WHERE host = ?1 ORDER BY id DESC LIMIT ?2)"
		" AND id NOT IN ("
		"  SELECT snapshot_before FROM generations WHERE id = ("
		"   SELECT max(id) FROM generations WHERE host = ?1 AND result = 'applied')"
		"   AND snapshot_before IS NOT NULL"
		"  UNION SELECT snapshot_after FROM generations WHERE id = ("
		"   SELECT max(id) FROM generations WHERE host = ?1 AND result = 'applied')"
		"   AND snapshot_after IS NOT NULL)";
	sqlite3_stmt *s = NULL;
	int rc, r;

	r = store_need_write(st, errmsg);
	if (r < 0)
		return r;
	r = store_prepare(st, &s, sql, errmsg);
	if (r < 0)
		return r;
	rc = store_bind_text(s, 1, host);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, keep > INT64_MAX ? INT64_MAX : (int64_t)keep);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE)
		r = store_fail_sql(st, errmsg, rc, "pruning snapshots");
	else
		r = sqlite3_changes(st->db);
	sqlite3_finalize(s);
	return r;
}
