#include "kobj-json.h"
#include "jread.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static json_t *jaddr(const struct hn_addr *a)
{
	char buf[ADDR_STRLEN];

	return a->family ? json_string(addr_format(a, true, buf, sizeof(buf))) : json_null();
}

json_t *kobj_json_brport(uint8_t bits)
{
	json_t *a = json_array();

	for (int f = 0; a && f < KOBJ_BRPORT__MAX; f++)
		if (bits & (1u << f) && json_array_append_new(a, json_string(kobj_brport_flag_name((enum kobj_brport_flag)f))) < 0) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

/* Rates above INT64_MAX come out negative, which the import refuses: no
 * link shapes at 9 EB/s, and a file must not silently clamp. */
static json_t *link_json(const struct kobj_link *l)
{
	char mac[ADDR_MAC_STRLEN], fdb[ADDR_MAC_STRLEN];

	return json_pack("{s:i,s:s,s:s,s:s,s:I,s:o,s:b,s:i,s:i,s:i,s:I,s:s,s:i,s:I,s:I,s:b,"
			 "s:i,s:i,s:s,s:I,s:{s:I,s:I,s:I},s:b,s:o,s:i,s:o,s:b,s:i,s:i,s:i}",
			 "ifindex", l->ifindex, "name", l->name, "kind", kobj_link_kind_name(l->kind),
			 "kind_name", l->kind_name, "mtu", (json_int_t)l->mtu,
			 "mac", l->has_mac ? json_string(addr_format_mac(&l->mac, mac, sizeof(mac))) : json_null(),
			 "up", l->admin_up, "operstate", l->operstate, "master", l->master, "link", l->link,
			 "group", (json_int_t)l->group, "alias", l->alias, "vlan_id", l->vlan_id,
			 "vrf_table", (json_int_t)l->vrf_table, "macvlan_mode", (json_int_t)l->macvlan_mode,
			 "owned", l->owned,
			 "bond_mode", l->bond_mode, "bond_primary", l->bond_primary,
			 "qdisc", l->qdisc, "qdisc_handle", (json_int_t)l->qdisc_handle,
			 "shaping", "rate", (json_int_t)l->shaping.rate, "peak", (json_int_t)l->shaping.peak,
			 "burst", (json_int_t)l->shaping.burst,
			 "is_brport", l->is_brport, "brport", kobj_json_brport(l->brport), "n_fdb", l->n_fdb,
			 "fdb", l->n_fdb ? json_string(addr_format_mac(&l->fdb, fdb, sizeof(fdb))) : json_null(),
			 "has_ra", l->has_ra, "accept_ra", l->accept_ra, "autoconf", l->autoconf,
			 "accept_ra_defrtr", l->accept_ra_defrtr);
}

static json_t *addr_json(const struct kobj_addr *a)
{
	return json_pack("{s:i,s:o,s:i,s:I,s:i,s:b}", "ifindex", a->ifindex, "address", jaddr(&a->addr),
			 "scope", a->scope, "flags", (json_int_t)a->flags, "proto", a->proto, "owned", a->owned);
}

static json_t *route_json(const struct kobj_route *r)
{
	struct hn_addr dst = r->dst;

	dst.family = r->family;
	return json_pack("{s:i,s:I,s:o,s:o,s:o,s:i,s:I,s:i,s:i,s:i,s:b}", "family", r->family,
			 "table", (json_int_t)r->table, "dst", jaddr(&dst), "gateway", jaddr(&r->gateway),
			 "prefsrc", jaddr(&r->prefsrc), "oif", r->oif, "metric", (json_int_t)r->metric,
			 "protocol", r->protocol, "scope", r->scope, "type", r->type, "owned", r->owned);
}

static json_t *rule_json(const struct kobj_rule *r)
{
	return json_pack("{s:i,s:I,s:o,s:o,s:s,s:s,s:I,s:i,s:i,s:I,s:I,s:b}", "family", r->family,
			 "priority", (json_int_t)r->priority, "src", jaddr(&r->src), "dst", jaddr(&r->dst),
			 "iif", r->iif, "oif", r->oif, "table", (json_int_t)r->table, "action", r->action,
			 "protocol", r->protocol, "fwmark", (json_int_t)r->fwmark,
			 "fwmask", (json_int_t)r->fwmask, "owned", r->owned);
}

#define KJ_LIST(o, key, arr, n, fn)						\
	do {									\
		json_t *a_ = json_array();					\
		for (size_t i_ = 0; a_ && i_ < (n); i_++)			\
			if (json_array_append_new(a_, fn(&(arr)[i_])) < 0) {	\
				json_decref(a_);				\
				a_ = NULL;					\
			}							\
		if (!a_ || json_object_set_new((o), (key), a_) < 0)		\
			goto oom;						\
	} while (0)

json_t *kobj_set_to_json(const struct kobj_set *s)
{
	json_t *o = json_object(), *caps = json_array();

	if (!o || !caps)
		goto oom;
	for (int c = 0; c < KOBJ_CAP__MAX; c++)
		if (s->caps & (1u << c))
			json_array_append_new(caps, json_string(kobj_cap_name((enum kobj_cap)c)));
	if (json_object_set_new(o, "caps", caps) < 0) {
		caps = NULL;
		goto oom;
	}
	caps = NULL;
	KJ_LIST(o, "links", s->links, s->n_links, link_json);
	KJ_LIST(o, "addresses", s->addrs, s->n_addrs, addr_json);
	KJ_LIST(o, "routes", s->routes, s->n_routes, route_json);
	KJ_LIST(o, "rules", s->rules, s->n_rules, rule_json);
	return o;
oom:
	json_decref(caps);
	json_decref(o);
	return NULL;
}

/* --- reading ------------------------------------------------------------ */

struct kj {
	struct jread j;
};

__attribute__((format(printf, 2, 3)))
static void kj_fail(struct kj *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jread_vfail(&c->j, fmt, ap);
	va_end(ap);
}

static void rd_addr(struct kj *c, struct hn_addr *a, const json_t *v, const char *what, size_t i)
{
	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v) || addr_parse_cidr(a, json_string_value(v)) < 0)
		kj_fail(c, "%s %zu: not an address with a prefix length", what, i);
}

static void rd_name(struct kj *c, char dst[KOBJ_IFNAMSIZ], const char *s, const char *what, size_t i)
{
	if (strlen(s) >= KOBJ_IFNAMSIZ) {
		kj_fail(c, "%s %zu: interface name too long", what, i);
		return;
	}
	strcpy(dst, s);
}

/* An integer of a field added after the first export format: the key is
 * optional (older files lack it), its range is checked. */
static json_int_t rd_range(struct kj *c, json_int_t v, json_int_t max, const char *key, size_t i)
{
	if (v < 0 || v > max) {
		kj_fail(c, "link %zu: %s %lld is out of range (0-%lld)", i, key, (long long)v,
			(long long)max);
		return 0;
	}
	return v;
}

static void rd_shaping(struct kj *c, struct kobj_link *l, const json_t *v, size_t i)
{
	json_int_t rate = 0, peak = 0, burst = 0;
	json_error_t e;

	if (!v)
		return;
	if (json_unpack_ex((json_t *)v, &e, JSON_STRICT, "{s:I,s:I,s:I}", "rate", &rate,
			   "peak", &peak, "burst", &burst) < 0) {
		kj_fail(c, "link %zu: shaping: %s", i, e.text);
		return;
	}
	l->shaping.rate = (uint64_t)rd_range(c, rate, INT64_MAX, "shaping rate", i);
	l->shaping.peak = (uint64_t)rd_range(c, peak, INT64_MAX, "shaping peak", i);
	l->shaping.burst = (uint32_t)rd_range(c, burst, UINT32_MAX, "shaping burst", i);
}

static void rd_brport(struct kj *c, struct kobj_link *l, const json_t *v, size_t i)
{
	size_t k;
	json_t *f;

	if (!v)
		return;
	if (!json_is_array(v)) {
		kj_fail(c, "link %zu: brport is not a list", i);
		return;
	}
	json_array_foreach(v, k, f) {
		int bit = kobj_brport_flag_from_name(json_string_value(f));

		if (bit < 0) {
			kj_fail(c, "link %zu: brport %zu is not a bridge port flag", i, k);
			return;
		}
		l->brport |= (uint8_t)(1u << bit);
	}
}

/* The fields of #7 (bonds, shaping, bridge ports, RA), as unpacked: each
 * key is optional, since exports written before them must still import;
 * the defaults are what a link without the setting has. */
struct link_settings_in {
	json_int_t bond_mode, handle, n_fdb, accept_ra, autoconf, defrtr;
	int primary, is_brport, has_ra;
	const char *qdisc;
	json_t *shaping, *brport, *fdb;
};

static void rd_link_settings(struct kj *c, struct kobj_link *l, const struct link_settings_in *in,
			     size_t i)
{
	l->bond_mode = (uint8_t)rd_range(c, in->bond_mode, UINT8_MAX, "bond_mode", i);
	l->bond_primary = in->primary;
	if (strlen(in->qdisc) >= sizeof(l->qdisc))
		kj_fail(c, "link %zu: qdisc kind too long", i);
	else
		strcpy(l->qdisc, in->qdisc);
	l->qdisc_handle = (uint32_t)rd_range(c, in->handle, UINT32_MAX, "qdisc_handle", i);
	rd_shaping(c, l, in->shaping, i);
	l->is_brport = in->is_brport;
	rd_brport(c, l, in->brport, i);
	l->n_fdb = (uint8_t)rd_range(c, in->n_fdb, UINT8_MAX, "n_fdb", i);
	/* The MAC is there exactly when the port has an entry (as observed). */
	if (!json_is_null(in->fdb) &&
	    (!json_is_string(in->fdb) || addr_parse_mac(&l->fdb, json_string_value(in->fdb)) < 0))
		kj_fail(c, "link %zu: bad fdb", i);
	else if (!json_is_null(in->fdb) != (l->n_fdb > 0))
		kj_fail(c, "link %zu: fdb must be a MAC exactly when n_fdb is not 0", i);
	l->has_ra = in->has_ra;
	l->accept_ra = (uint8_t)rd_range(c, in->accept_ra, UINT8_MAX, "accept_ra", i);
	l->autoconf = (uint8_t)rd_range(c, in->autoconf, UINT8_MAX, "autoconf", i);
	l->accept_ra_defrtr = (uint8_t)rd_range(c, in->defrtr, UINT8_MAX, "accept_ra_defrtr", i);
}

static void rd_link(struct kj *c, struct kobj_set *s, const json_t *o, size_t i)
{
	struct kobj_link l = { 0 };
	struct link_settings_in in = { .qdisc = "", .fdb = json_null() };
	const char *name, *kind, *kind_name, *alias;
	json_int_t mtu, group, vrf, mode;
	int ifindex, up, oper, master, link, vlan, owned;
	json_t *mac;
	json_error_t e;

	/* Strict: a key this build does not know is refused, so a typo cannot
	 * pass for an absent setting. */
	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT,
			   "{s:i,s:s,s:s,s:s,s:I,s:o,s:b,s:i,s:i,s:i,s:I,s:s,s:i,s:I,s:I,s:b,"
			   "s?I,s?i,s?s,s?I,s?o,s?b,s?o,s?I,s?o,s?b,s?I,s?I,s?I}",
			   "ifindex", &ifindex, "name", &name, "kind", &kind, "kind_name", &kind_name,
			   "mtu", &mtu, "mac", &mac, "up", &up, "operstate", &oper, "master", &master,
			   "link", &link, "group", &group, "alias", &alias, "vlan_id", &vlan,
			   "vrf_table", &vrf, "macvlan_mode", &mode, "owned", &owned,
			   "bond_mode", &in.bond_mode, "bond_primary", &in.primary, "qdisc", &in.qdisc,
			   "qdisc_handle", &in.handle, "shaping", &in.shaping, "is_brport", &in.is_brport,
			   "brport", &in.brport, "n_fdb", &in.n_fdb, "fdb", &in.fdb, "has_ra", &in.has_ra,
			   "accept_ra", &in.accept_ra, "autoconf", &in.autoconf,
			   "accept_ra_defrtr", &in.defrtr) < 0) {
		kj_fail(c, "link %zu: %s", i, e.text);
		return;
	}
	rd_link_settings(c, &l, &in, i);
	l.ifindex = ifindex;
	rd_name(c, l.name, name, "link", i);
	l.kind = strcmp(kind, "device") == 0 ? KOBJ_LINK_KIND_DEVICE
		 : (enum kobj_link_kind)kobj_link_kind_from_name(kind);
	rd_name(c, l.kind_name, kind_name, "link", i);
	l.mtu = (unsigned)mtu;
	if (json_is_string(mac)) {
		if (addr_parse_mac(&l.mac, json_string_value(mac)) < 0)
			kj_fail(c, "link %zu: bad mac", i);
		l.has_mac = true;
	}
	l.admin_up = up;
	l.operstate = (uint8_t)oper;
	l.master = master;
	l.link = link;
	l.group = (uint32_t)group;
	if (strlen(alias) >= sizeof(l.alias))
		kj_fail(c, "link %zu: alias too long", i);
	else
		strcpy(l.alias, alias);
	l.vlan_id = (uint16_t)vlan;
	l.vrf_table = (uint32_t)vrf;
	l.macvlan_mode = (uint32_t)mode;
	l.owned = owned;
	if (!c->j.r && kobj_set_add_link(s, &l) < 0)
		c->j.r = -ENOMEM;
}

static void rd_addr_entry(struct kj *c, struct kobj_set *s, const json_t *o, size_t i)
{
	struct kobj_addr a = { 0 };
	int ifindex, scope, proto, owned;
	json_int_t flags;
	json_t *addr;
	json_error_t e;

	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT, "{s:i,s:o,s:i,s:I,s:i,s:b}", "ifindex", &ifindex,
			   "address", &addr, "scope", &scope, "flags", &flags, "proto", &proto,
			   "owned", &owned) < 0) {
		kj_fail(c, "address %zu: %s", i, e.text);
		return;
	}
	a.ifindex = ifindex;
	rd_addr(c, &a.addr, addr, "address", i);
	a.scope = (uint8_t)scope;
	a.flags = (uint32_t)flags;
	a.proto = (uint8_t)proto;
	a.owned = owned;
	if (!c->j.r && kobj_set_add_addr(s, &a) < 0)
		c->j.r = -ENOMEM;
}

static void rd_route(struct kj *c, struct kobj_set *s, const json_t *o, size_t i)
{
	struct kobj_route r = { 0 };
	int family, oif, proto, scope, type, owned;
	json_int_t table, metric;
	json_t *dst, *gw, *src;
	json_error_t e;

	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT, "{s:i,s:I,s:o,s:o,s:o,s:i,s:I,s:i,s:i,s:i,s:b}",
			   "family", &family, "table", &table, "dst", &dst, "gateway", &gw,
			   "prefsrc", &src, "oif", &oif, "metric", &metric, "protocol", &proto,
			   "scope", &scope, "type", &type, "owned", &owned) < 0) {
		kj_fail(c, "route %zu: %s", i, e.text);
		return;
	}
	/* As observe-route.c keeps them: IPv4 or IPv6, the destination in the
	 * route's family (null is the default route), which is how
	 * kobj_set_to_json writes it back. */
	if (family != AF_INET && family != AF_INET6)
		kj_fail(c, "route %zu: family %d is neither IPv4 (%d) nor IPv6 (%d)", i, family,
			AF_INET, AF_INET6);
	r.family = (uint8_t)family;
	r.table = (uint32_t)table;
	rd_addr(c, &r.dst, dst, "route", i);
	if (!r.dst.family)
		r.dst = (struct hn_addr){ .family = r.family };
	else if (r.dst.family != r.family)
		kj_fail(c, "route %zu: dst is not in the route's family", i);
	rd_addr(c, &r.gateway, gw, "route", i);
	rd_addr(c, &r.prefsrc, src, "route", i);
	r.oif = oif;
	r.metric = (uint32_t)metric;
	r.protocol = (uint8_t)proto;
	r.scope = (uint8_t)scope;
	r.type = (uint8_t)type;
	r.owned = owned;
	if (!c->j.r && kobj_set_add_route(s, &r) < 0)
		c->j.r = -ENOMEM;
}

static void rd_rule(struct kj *c, struct kobj_set *s, const json_t *o, size_t i)
{
	struct kobj_rule r = { 0 };
	int family, action, proto, owned;
	json_int_t prio, table, mark, mask;
	const char *iif, *oif;
	json_t *src, *dst;
	json_error_t e;

	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT, "{s:i,s:I,s:o,s:o,s:s,s:s,s:I,s:i,s:i,s:I,s:I,s:b}",
			   "family", &family, "priority", &prio, "src", &src, "dst", &dst, "iif", &iif,
			   "oif", &oif, "table", &table, "action", &action, "protocol", &proto,
			   "fwmark", &mark, "fwmask", &mask, "owned", &owned) < 0) {
		kj_fail(c, "rule %zu: %s", i, e.text);
		return;
	}
	r.family = (uint8_t)family;
	r.priority = (uint32_t)prio;
	rd_addr(c, &r.src, src, "rule", i);
	rd_addr(c, &r.dst, dst, "rule", i);
	rd_name(c, r.iif, iif, "rule", i);
	rd_name(c, r.oif, oif, "rule", i);
	r.table = (uint32_t)table;
	r.action = (uint8_t)action;
	r.protocol = (uint8_t)proto;
	r.fwmark = (uint32_t)mark;
	r.fwmask = (uint32_t)mask;
	r.owned = owned;
	if (!c->j.r && kobj_set_add_rule(s, &r) < 0)
		c->j.r = -ENOMEM;
}

int kobj_set_from_json(struct kobj_set *out, const json_t *j, char **err)
{
	static const struct {
		const char *key;
		void (*fn)(struct kj *, struct kobj_set *, const json_t *, size_t);
	} lists[] = {
		{ "links", rd_link }, { "addresses", rd_addr_entry }, { "routes", rd_route },
		{ "rules", rd_rule },
	};
	struct kobj_set s = { 0 };
	struct kj c = { .j = { .err = err } };
	size_t i;
	json_t *v;

	if (err)
		*err = NULL;
	if (!json_is_object(j))
		kj_fail(&c, "not a JSON object");
	for (size_t k = 0; !c.j.r && k < sizeof(lists) / sizeof(*lists); k++) {
		const json_t *arr = json_object_get(j, lists[k].key);

		if (!json_is_array(arr)) {
			kj_fail(&c, "'%s' is not a list", lists[k].key);
			break;
		}
		json_array_foreach(arr, i, v)
			if (!c.j.r)
				lists[k].fn(&c, &s, v, i);
	}
	json_array_foreach(json_object_get(j, "caps"), i, v)
		for (int k = 0; json_is_string(v) && k < KOBJ_CAP__MAX; k++)
			if (strcmp(json_string_value(v), kobj_cap_name((enum kobj_cap)k)) == 0)
				s.caps |= 1u << k;
	if (c.j.r) {
		kobj_set_clear(&s);
		return c.j.r;
	}
	*out = s;
	return 0;
}
