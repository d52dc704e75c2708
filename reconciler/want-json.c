#include "want-json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "jread.h"
#include "kobj-json.h"
#include "sort.h"

static const char *const attr_names[WANT_ATTR__MAX] = {
	[WANT_ATTR_MTU] = "mtu",
	[WANT_ATTR_MAC] = "mac",
	[WANT_ATTR_STATE] = "state",
	[WANT_ATTR_MASTER] = "master",
	[WANT_ATTR_MARK] = "mark",
	[WANT_ATTR_SHAPING] = "shaping",
	[WANT_ATTR_BRPORT] = "brport",
	[WANT_ATTR_FDB] = "fdb",
	[WANT_ATTR_RA] = "ra",
	[WANT_ATTR_BOND] = "bond",
	[WANT_ATTR_DHCP] = "dhcp",
};

static json_t *jaddr(const struct hn_addr *a, bool prefix)
{
	char buf[ADDR_STRLEN];

	return a->family ? json_string(addr_format(a, prefix, buf, sizeof(buf))) : json_null();
}

static json_t *jname(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *jloc(const struct hn_loc *l)
{
	char buf[1024];

	if (!l->file)
		return json_null();
	snprintf(buf, sizeof(buf), "%s:%u:%u", l->file, l->line, l->col);
	return json_string(buf);
}

static const char *family_name(uint8_t f)
{
	return f == AF_INET6 ? "ipv6" : "ipv4";
}

static json_t *jmac(const struct hn_mac *m, bool has)
{
	char buf[ADDR_MAC_STRLEN];

	return has ? json_string(addr_format_mac(m, buf, sizeof(buf))) : json_null();
}

/* The settings of #7: bond, shaping, bridge port, RA, DHCP.  A rate above
 * INT64_MAX would come out negative, which the reader refuses. */
static int link_settings_json(json_t *o, const struct want_link *l)
{
	json_t *s;
	int r;

	s = json_pack("{s:o,s:b,s:i,s:o,s:I,s:{s:I,s:I,s:I},s:b,s:o,s:i,s:o,s:b,s:i,s:i,s:i}",
		      "primary", jname(l->primary),
		      "dhcp4", l->dhcp4,
		      "bond_mode", l->l.bond_mode,
		      "qdisc", jname(l->l.qdisc),
		      "qdisc_handle", (json_int_t)l->l.qdisc_handle,
		      "shaping", "rate", (json_int_t)l->l.shaping.rate,
		      "peak", (json_int_t)l->l.shaping.peak, "burst", (json_int_t)l->l.shaping.burst,
		      "is_brport", l->l.is_brport,
		      "brport", kobj_json_brport(l->l.brport),
		      "n_fdb", l->l.n_fdb,
		      "fdb", jmac(&l->l.fdb, !addr_mac_is_zero(&l->l.fdb)),
		      "has_ra", l->l.has_ra,
		      "accept_ra", l->l.accept_ra,
		      "autoconf", l->l.autoconf,
		      "accept_ra_defrtr", l->l.accept_ra_defrtr);
	r = s ? json_object_update(o, s) : -1;
	json_decref(s);
	return r;
}

json_t *want_json_link(const struct want_link *l)
{
	char mac[ADDR_MAC_STRLEN];
	json_t *manage = json_array();
	json_t *o;

	for (int a = 0; manage && a < WANT_ATTR__MAX; a++)
		if (l->manage & (1u << a) && attr_names[a])
			json_array_append_new(manage, json_string(attr_names[a]));
	o = json_pack("{s:s,s:s,s:I,s:o,s:b,s:o,s:o,s:o,s:o,s:I,s:b,s:b,s:o,s:I,s:I,s:I,s:b}",
		      "name", l->l.name,
		      "kind", l->foreign ? "uplink" : kobj_link_kind_name(l->l.kind),
		      "mtu", (json_int_t)l->l.mtu,
		      "mac", l->l.has_mac ? json_string(addr_format_mac(&l->l.mac, mac, sizeof(mac)))
					  : json_null(),
		      "up", l->l.admin_up,
		      "master", jname(l->master),
		      "peer", jname(l->peer),
		      "parent", jname(l->parent),
		      "alias", jname(l->l.alias),
		      "group", (json_int_t)l->l.group,
		      "owned", l->l.owned,
		      "foreign", l->foreign,
		      "manage", manage ? manage : json_null(),
		      "pvid", (json_int_t)l->pvid,
		      "vrf_table", (json_int_t)l->l.vrf_table,
		      "macvlan_mode", (json_int_t)l->l.macvlan_mode,
		      "vlan_filtering", l->vlan_filtering);
	/* The source position stays the last key. */
	if (o && (link_settings_json(o, l) < 0 || json_object_set_new(o, "at", jloc(&l->loc)) < 0)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

json_t *want_json_addr(const struct want_addr *a)
{
	return json_pack("{s:s,s:o,s:o}", "dev", a->dev, "address", jaddr(&a->a.addr, true),
			 "at", jloc(&a->loc));
}

json_t *want_json_route(const struct want_route *r)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:o,s:I,s:i,s:i,s:i,s:o,s:o}",
			 "table", (json_int_t)r->r.table, "family", family_name(r->r.family),
			 "to", jaddr(&r->r.dst, true), "via", jaddr(&r->r.gateway, false),
			 "dev", jname(r->dev), "metric", (json_int_t)r->r.metric,
			 "scope", r->r.scope, "type", r->r.type, "protocol", r->r.protocol,
			 "source", jaddr(&r->r.prefsrc, false), "at", jloc(&r->loc));
}

json_t *want_json_rule(const struct want_rule *r)
{
	return json_pack("{s:s,s:I,s:o,s:o,s:o,s:o,s:I,s:i,s:i,s:I,s:I,s:o}",
			 "family", family_name(r->r.family), "priority", (json_int_t)r->r.priority,
			 "from", jaddr(&r->r.src, true), "to", jaddr(&r->r.dst, true),
			 "iif", jname(r->r.iif), "oif", jname(r->r.oif),
			 "table", (json_int_t)r->r.table, "action", r->r.action,
			 "protocol", r->r.protocol, "fwmark", (json_int_t)r->r.fwmark,
			 "fwmask", (json_int_t)r->r.fwmask, "at", jloc(&r->loc));
}

#define WJ_LIST(o, key, arr, n, fn)						\
	do {									\
		json_t *a_ = json_array();					\
		for (size_t i_ = 0; a_ && i_ < (n); i_++) {			\
			json_t *e_ = fn(&(arr)[i_]);				\
			if (!e_ || json_array_append_new(a_, e_) < 0) {		\
				json_decref(a_);				\
				a_ = NULL;					\
			}							\
		}								\
		if (!a_ || json_object_set_new((o), (key), a_) < 0)		\
			goto oom;						\
	} while (0)

json_t *want_to_json(const struct want *w)
{
	json_t *o = json_object(), *t = json_array(), *needs = json_array();

	if (!o || !t || !needs)
		goto oom;
	WJ_LIST(o, "links", w->links, w->n_links, want_json_link);
	WJ_LIST(o, "addresses", w->addrs, w->n_addrs, want_json_addr);
	WJ_LIST(o, "routes", w->routes, w->n_routes, want_json_route);
	WJ_LIST(o, "rules", w->rules, w->n_rules, want_json_rule);
	for (uint32_t i = 0; i < w->tables_n; i++)
		if (json_array_append_new(t, json_integer(w->tables[i])) < 0)
			goto oom;
	for (int c = 0; c < KOBJ_CAP__MAX; c++)
		if ((w->needs & (1u << c)) &&
		    json_array_append_new(needs, json_pack("{s:s,s:o}", "capability",
							   kobj_cap_name((enum kobj_cap)c), "at",
							   jloc(&w->needs_loc[c]))) < 0)
			goto oom;
	if (json_object_set_new(o, "tables", t) < 0 || json_object_set_new(o, "needs", needs) < 0) {
		t = needs = NULL;
		goto oom;
	}
	return o;
oom:
	json_decref(o);
	json_decref(t);
	json_decref(needs);
	return NULL;
}

/* --- reading ------------------------------------------------------------ */

struct wj {
	struct want *w;
	struct jread j;
};

__attribute__((format(printf, 2, 3)))
static void wj_fail(struct wj *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jread_vfail(&c->j, fmt, ap);
	va_end(ap);
}

static void rd_name(struct wj *c, char dst[KOBJ_IFNAMSIZ], const json_t *v, const char *what)
{
	if (json_is_null(v) || !v)
		return;
	if (!json_is_string(v) || json_string_length(v) >= KOBJ_IFNAMSIZ) {
		wj_fail(c, "%s: not an interface name", what);
		return;
	}
	strcpy(dst, json_string_value(v));
}

static void rd_addr(struct wj *c, struct hn_addr *dst, const json_t *v, const char *what)
{
	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v) || addr_parse_prefix_or_ip(dst, json_string_value(v)) < 0)
		wj_fail(c, "%s: not an address", what);
}

static void rd_loc(struct wj *c, struct hn_loc *loc, const json_t *v)
{
	const char *s, *colon2, *colon1;
	unsigned line, col;

	if (!v || json_is_null(v))
		return;
	s = json_string_value(v);
	colon2 = s ? strrchr(s, ':') : NULL;
	if (!colon2)
		return;
	for (colon1 = colon2 - 1; colon1 > s && *colon1 != ':'; colon1--)
		;
	if (colon1 <= s || sscanf(colon1, ":%u:%u", &line, &col) != 2)
		return;
	if (!c->w->arena && !(c->w->arena = arena_new())) {
		c->j.r = -ENOMEM;
		return;
	}
	loc->file = arena_strndup(c->w->arena, s, (size_t)(colon1 - s));
	loc->line = line;
	loc->col = col;
}

/* A field added after the first plan format: optional (plans saved before
 * it must still apply), its range checked. */
static json_int_t rd_range(struct wj *c, json_int_t v, json_int_t max, const char *name,
			   const char *key)
{
	if (v < 0 || v > max) {
		wj_fail(c, "link %s: %s %lld is out of range (0-%lld)", name, key, (long long)v,
			(long long)max);
		return 0;
	}
	return v;
}

/* The settings of #7 as unpacked; each key may be missing. */
struct link_settings_in {
	json_int_t bond_mode, handle, n_fdb, accept_ra, autoconf, defrtr;
	int dhcp4, is_brport, has_ra;
	json_t *primary, *qdisc, *shaping, *brport, *fdb;
};

static void rd_link_settings(struct wj *c, struct want_link *l, const char *name,
			     const struct link_settings_in *in)
{
	json_int_t rate = 0, peak = 0, burst = 0;
	json_error_t e;
	size_t i;
	json_t *f;

	rd_name(c, l->primary, in->primary, "bond primary");
	l->dhcp4 = in->dhcp4;
	l->l.bond_mode = (uint8_t)rd_range(c, in->bond_mode, UINT8_MAX, name, "bond_mode");
	rd_name(c, l->l.qdisc, in->qdisc, "qdisc");
	l->l.qdisc_handle = (uint32_t)rd_range(c, in->handle, UINT32_MAX, name, "qdisc_handle");
	if (in->shaping && json_unpack_ex(in->shaping, &e, JSON_STRICT, "{s:I,s:I,s:I}", "rate", &rate,
					  "peak", &peak, "burst", &burst) < 0)
		wj_fail(c, "link %s: shaping: %s", name, e.text);
	l->l.shaping.rate = (uint64_t)rd_range(c, rate, INT64_MAX, name, "shaping rate");
	l->l.shaping.peak = (uint64_t)rd_range(c, peak, INT64_MAX, name, "shaping peak");
	l->l.shaping.burst = (uint32_t)rd_range(c, burst, UINT32_MAX, name, "shaping burst");
	l->l.is_brport = in->is_brport;
	if (in->brport && !json_is_array(in->brport))
		wj_fail(c, "link %s: brport is not a list", name);
	json_array_foreach(in->brport, i, f) {
		int bit = kobj_brport_flag_from_name(json_string_value(f));

		if (bit < 0)
			wj_fail(c, "link %s: brport %zu is not a bridge port flag", name, i);
		else
			l->l.brport |= (uint8_t)(1u << bit);
	}
	l->l.n_fdb = (uint8_t)rd_range(c, in->n_fdb, UINT8_MAX, name, "n_fdb");
	if (in->fdb && !json_is_null(in->fdb) &&
	    (!json_is_string(in->fdb) || addr_parse_mac(&l->l.fdb, json_string_value(in->fdb)) < 0 ||
	     addr_mac_is_zero(&l->l.fdb)))
		wj_fail(c, "link %s: bad fdb", name);
	l->l.has_ra = in->has_ra;
	l->l.accept_ra = (uint8_t)rd_range(c, in->accept_ra, UINT8_MAX, name, "accept_ra");
	l->l.autoconf = (uint8_t)rd_range(c, in->autoconf, UINT8_MAX, name, "autoconf");
	l->l.accept_ra_defrtr = (uint8_t)rd_range(c, in->defrtr, UINT8_MAX, name, "accept_ra_defrtr");
}

static void rd_link(struct wj *c, struct want_link *l, const json_t *o)
{
	json_t *mac = NULL, *master = NULL, *peer = NULL, *parent = NULL, *alias = NULL;
	json_t *manage = NULL, *at = NULL;
	struct link_settings_in in = { 0 };
	const char *name, *kind;
	json_int_t mtu, group, pvid, vrf, mode;
	int up, owned, foreign, vf;
	json_error_t e;
	size_t i;
	json_t *m;

	/* Strict: an unknown key is refused, so a typo cannot pass for an
	 * absent setting. */
	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT,
			   "{s:s,s:s,s:I,s:o,s:b,s:o,s:o,s:o,s:o,s:I,s:b,s:b,s:o,s:I,s:I,s:I,s:b,"
			   "s?o,s?b,s?I,s?o,s?I,s?o,s?b,s?o,s?I,s?o,s?b,s?I,s?I,s?I,s:o}",
			   "name", &name, "kind", &kind, "mtu", &mtu, "mac", &mac, "up", &up,
			   "master", &master, "peer", &peer, "parent", &parent, "alias", &alias,
			   "group", &group, "owned", &owned, "foreign", &foreign, "manage", &manage,
			   "pvid", &pvid, "vrf_table", &vrf, "macvlan_mode", &mode,
			   "vlan_filtering", &vf,
			   "primary", &in.primary, "dhcp4", &in.dhcp4, "bond_mode", &in.bond_mode,
			   "qdisc", &in.qdisc, "qdisc_handle", &in.handle, "shaping", &in.shaping,
			   "is_brport", &in.is_brport, "brport", &in.brport, "n_fdb", &in.n_fdb,
			   "fdb", &in.fdb, "has_ra", &in.has_ra, "accept_ra", &in.accept_ra,
			   "autoconf", &in.autoconf, "accept_ra_defrtr", &in.defrtr, "at", &at) < 0) {
		wj_fail(c, "link: %s", e.text);
		return;
	}
	rd_link_settings(c, l, name, &in);
	rd_name(c, l->l.name, json_object_get(o, "name"), "link name");
	l->foreign = foreign;
	l->l.kind = foreign ? KOBJ_LINK_KIND_DEVICE : (enum kobj_link_kind)kobj_link_kind_from_name(kind);
	if (!foreign && strcmp(kind, "device") == 0)
		l->l.kind = KOBJ_LINK_KIND_DEVICE;
	if (l->l.kind != KOBJ_LINK_KIND_DEVICE)
		snprintf(l->l.kind_name, sizeof(l->l.kind_name), "%s", kind);
	l->l.mtu = (unsigned)mtu;
	if (!json_is_null(mac)) {
		if (!json_is_string(mac) || addr_parse_mac(&l->l.mac, json_string_value(mac)) < 0)
			wj_fail(c, "link %s: bad mac", name);
		l->l.has_mac = true;
	}
	l->l.admin_up = up;
	rd_name(c, l->master, master, "master");
	rd_name(c, l->peer, peer, "peer");
	rd_name(c, l->parent, parent, "parent");
	if (json_is_string(alias))
		snprintf(l->l.alias, sizeof(l->l.alias), "%s", json_string_value(alias));
	l->l.group = (uint32_t)group;
	l->l.owned = owned;
	l->pvid = (uint16_t)pvid;
	l->l.vrf_table = (uint32_t)vrf;
	l->l.macvlan_mode = (uint32_t)mode;
	l->vlan_filtering = vf;
	json_array_foreach(manage, i, m) {
		for (int a = 0; a < WANT_ATTR__MAX; a++)
			if (json_is_string(m) && attr_names[a] &&
			    strcmp(json_string_value(m), attr_names[a]) == 0)
				l->manage |= 1u << a;
	}
	rd_loc(c, &l->loc, at);
}

static uint8_t rd_family(const char *s)
{
	return strcmp(s, "ipv6") == 0 ? AF_INET6 : AF_INET;
}

static void rd_route(struct wj *c, struct want_route *r, const json_t *o)
{
	json_t *to, *via, *dev, *src, *at;
	const char *family;
	json_int_t table, metric;
	int scope, type, proto;
	json_error_t e;

	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT, "{s:I,s:s,s:o,s:o,s:o,s:I,s:i,s:i,s:i,s:o,s:o}",
			   "table", &table, "family", &family, "to", &to, "via", &via, "dev", &dev,
			   "metric", &metric, "scope", &scope, "type", &type, "protocol", &proto,
			   "source", &src, "at", &at) < 0) {
		wj_fail(c, "route: %s", e.text);
		return;
	}
	r->r.table = (uint32_t)table;
	r->r.family = rd_family(family);
	rd_addr(c, &r->r.dst, to, "route to");
	rd_addr(c, &r->r.gateway, via, "route via");
	rd_name(c, r->dev, dev, "route dev");
	r->r.metric = (uint32_t)metric;
	r->r.scope = (uint8_t)scope;
	r->r.type = (uint8_t)type;
	r->r.protocol = (uint8_t)proto;
	r->r.owned = proto == KOBJ_RTPROT_HOSTNET;
	rd_addr(c, &r->r.prefsrc, src, "route source");
	rd_loc(c, &r->loc, at);
}

static void rd_rule(struct wj *c, struct want_rule *r, const json_t *o)
{
	json_t *from, *to, *iif, *oif, *at;
	const char *family;
	json_int_t prio, table, mark, mask;
	int action, proto;
	json_error_t e;

	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT, "{s:s,s:I,s:o,s:o,s:o,s:o,s:I,s:i,s:i,s:I,s:I,s:o}",
			   "family", &family, "priority", &prio, "from", &from, "to", &to,
			   "iif", &iif, "oif", &oif, "table", &table, "action", &action,
			   "protocol", &proto, "fwmark", &mark, "fwmask", &mask, "at", &at) < 0) {
		wj_fail(c, "rule: %s", e.text);
		return;
	}
	r->r.family = rd_family(family);
	r->r.priority = (uint32_t)prio;
	rd_addr(c, &r->r.src, from, "rule from");
	rd_addr(c, &r->r.dst, to, "rule to");
	rd_name(c, r->r.iif, iif, "rule iif");
	rd_name(c, r->r.oif, oif, "rule oif");
	r->r.table = (uint32_t)table;
	r->r.action = (uint8_t)action;
	r->r.protocol = (uint8_t)proto;
	r->r.owned = proto == KOBJ_RTPROT_HOSTNET;
	r->r.fwmark = (uint32_t)mark;
	r->r.fwmask = (uint32_t)mask;
	rd_loc(c, &r->loc, at);
}

static void rd_addr_entry(struct wj *c, struct want_addr *a, const json_t *o)
{
	json_t *addr, *at;
	const char *dev;
	json_error_t e;

	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT, "{s:s,s:o,s:o}", "dev", &dev, "address",
			   &addr, "at", &at) < 0) {
		wj_fail(c, "address: %s", e.text);
		return;
	}
	rd_name(c, a->dev, json_object_get(o, "dev"), "address dev");
	rd_addr(c, &a->a.addr, addr, "address");
	a->a.proto = KOBJ_RTPROT_HOSTNET;
	a->a.owned = true;
	rd_loc(c, &a->loc, at);
}

#define WJ_READ(c, j, key, arr, n, fn)						\
	do {									\
		const json_t *l_ = json_object_get((j), (key));			\
		size_t i_;							\
		json_t *e_;							\
		if (!json_is_array(l_)) {					\
			wj_fail((c), "'%s' is not a list", (key));		\
			break;							\
		}								\
		(arr) = calloc(json_array_size(l_) + 1, sizeof(*(arr)));	\
		if (!(arr)) {							\
			(c)->j.r = -ENOMEM;					\
			break;							\
		}								\
		json_array_foreach(l_, i_, e_)					\
			fn((c), &(arr)[(n)++], e_);				\
	} while (0)

static int cmp_link(const void *a, const void *b)
{
	return strcmp(((const struct want_link *)a)->l.name, ((const struct want_link *)b)->l.name);
}

int want_from_json(struct want *out, const json_t *j, char **err)
{
	struct want w = { 0 };
	struct wj c = { .w = &w, .j = { .err = err } };
	const json_t *t = json_object_get(j, "tables"), *needs = json_object_get(j, "needs");
	size_t i;
	json_t *v;

	if (err)
		*err = NULL;
	if (!json_is_object(j)) {
		wj_fail(&c, "not a JSON object");
		goto out;
	}
	WJ_READ(&c, j, "links", w.links, w.n_links, rd_link);
	WJ_READ(&c, j, "addresses", w.addrs, w.n_addrs, rd_addr_entry);
	WJ_READ(&c, j, "routes", w.routes, w.n_routes, rd_route);
	WJ_READ(&c, j, "rules", w.rules, w.n_rules, rd_rule);
	w.tables = calloc(json_array_size(t) + 1, sizeof(*w.tables));
	if (!w.tables) {
		c.j.r = -ENOMEM;
		goto out;
	}
	json_array_foreach(t, i, v)
		w.tables[w.tables_n++] = (uint32_t)json_integer_value(v);
	json_array_foreach(needs, i, v) {
		const char *cap = json_string_value(json_object_get(v, "capability"));

		for (int k = 0; cap && k < KOBJ_CAP__MAX; k++)
			if (strcmp(cap, kobj_cap_name((enum kobj_cap)k)) == 0) {
				w.needs |= 1u << k;
				rd_loc(&c, &w.needs_loc[k], json_object_get(v, "at"));
			}
	}
	hn_qsort(w.links, w.n_links, sizeof(*w.links), cmp_link);
out:
	if (c.j.r < 0) {
		want_clear(&w);
		return c.j.r;
	}
	*out = w;
	return 0;
}

static void strip_at(json_t *arr)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
		json_object_del(o, "at");
}

json_t *want_to_json_bare(const struct want *w)
{
	static const char *const lists[] = { "links", "addresses", "routes", "rules", "needs" };
	json_t *j = want_to_json(w);

	for (size_t i = 0; j && i < sizeof(lists) / sizeof(*lists); i++)
		strip_at(json_object_get(j, lists[i]));
	return j;
}

static bool link_has_settings(const struct want_link *l)
{
	return l->primary[0] || l->dhcp4 || l->l.bond_mode || l->l.qdisc[0] || l->l.qdisc_handle ||
	       l->l.shaping.rate || l->l.shaping.peak || l->l.shaping.burst || l->l.is_brport ||
	       l->l.brport || l->l.n_fdb || !addr_mac_is_zero(&l->l.fdb) || l->l.has_ra ||
	       l->l.accept_ra || l->l.autoconf || l->l.accept_ra_defrtr;
}

/* The settings of #7, only on a link that has any: a want without them
 * keeps the hash it had before they existed, so upgrading hostnet does not
 * make every applied generation look like another profile. */
static void write_canonical_settings(FILE *f, const struct want_link *l)
{
	char fdb[ADDR_MAC_STRLEN];

	if (!link_has_settings(l))
		return;
	fprintf(f, " S %s %d %u %s %u %llu %llu %u %d %u %u %s %d %u %u %u",
		l->primary[0] ? l->primary : "-", l->dhcp4, l->l.bond_mode,
		l->l.qdisc[0] ? l->l.qdisc : "-", l->l.qdisc_handle,
		(unsigned long long)l->l.shaping.rate, (unsigned long long)l->l.shaping.peak,
		l->l.shaping.burst, l->l.is_brport, l->l.brport, l->l.n_fdb,
		addr_mac_is_zero(&l->l.fdb) ? "-" : addr_format_mac(&l->l.fdb, fdb, sizeof(fdb)),
		l->l.has_ra, l->l.accept_ra, l->l.autoconf, l->l.accept_ra_defrtr);
}

/* One line per object, every field but the source position, in the want's
 * canonical order: what want_to_json_bare() says, at a fraction of the
 * cost (no JSON tree for 100,000 routes just to hash it). */
int want_write_canonical(FILE *f, const struct want *w)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], c[ADDR_STRLEN], mac[ADDR_MAC_STRLEN];

	for (size_t i = 0; i < w->n_links; i++) {
		const struct want_link *l = &w->links[i];

		fprintf(f, "L %s %s %u %s %d %s %s %s %u %d %d %u %u %u %u %u %d", l->l.name,
			kobj_link_kind_name(l->l.kind), l->l.mtu,
			l->l.has_mac ? addr_format_mac(&l->l.mac, mac, sizeof(mac)) : "-", l->l.admin_up,
			l->master[0] ? l->master : "-", l->peer[0] ? l->peer : "-",
			l->parent[0] ? l->parent : "-", l->l.group, l->l.owned, l->foreign, l->manage,
			l->pvid, l->l.vrf_table, l->l.macvlan_mode, l->vlan_filtering, 0);
		write_canonical_settings(f, l);
		fprintf(f, "|%s\n", l->l.alias);
	}
	for (size_t i = 0; i < w->n_addrs; i++)
		fprintf(f, "A %s %s\n", w->addrs[i].dev, addr_format(&w->addrs[i].a.addr, true, a, sizeof(a)));
	for (size_t i = 0; i < w->n_routes; i++) {
		const struct kobj_route *r = &w->routes[i].r;

		fprintf(f, "R %u %u %s %s %s %u %u %u %u %s\n", r->table, r->family,
			addr_format(&r->dst, true, a, sizeof(a)),
			r->gateway.family ? addr_format(&r->gateway, false, b, sizeof(b)) : "-",
			w->routes[i].dev[0] ? w->routes[i].dev : "-", r->metric, r->scope, r->type,
			r->protocol, r->prefsrc.family ? addr_format(&r->prefsrc, false, c, sizeof(c)) : "-");
	}
	for (size_t i = 0; i < w->n_rules; i++) {
		const struct kobj_rule *r = &w->rules[i].r;

		fprintf(f, "U %u %u %s %s %s %s %u %u %u %u %u\n", r->family, r->priority,
			r->src.family ? addr_format(&r->src, true, a, sizeof(a)) : "-",
			r->dst.family ? addr_format(&r->dst, true, b, sizeof(b)) : "-",
			r->iif[0] ? r->iif : "-", r->oif[0] ? r->oif : "-", r->table, r->action,
			r->protocol, r->fwmark, r->fwmask);
	}
	for (uint32_t i = 0; i < w->tables_n; i++)
		fprintf(f, "T %u\n", w->tables[i]);
	fprintf(f, "N %u\n", w->needs);
	return ferror(f) ? -EIO : 0;
}
