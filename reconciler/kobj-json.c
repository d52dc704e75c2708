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

static json_t *link_json(const struct kobj_link *l)
{
	char mac[ADDR_MAC_STRLEN];

	return json_pack("{s:i,s:s,s:s,s:s,s:I,s:o,s:b,s:i,s:i,s:i,s:I,s:s,s:i,s:I,s:I,s:b}",
			 "ifindex", l->ifindex, "name", l->name, "kind", kobj_link_kind_name(l->kind),
			 "kind_name", l->kind_name, "mtu", (json_int_t)l->mtu,
			 "mac", l->has_mac ? json_string(addr_format_mac(&l->mac, mac, sizeof(mac))) : json_null(),
			 "up", l->admin_up, "operstate", l->operstate, "master", l->master, "link", l->link,
			 "group", (json_int_t)l->group, "alias", l->alias, "vlan_id", l->vlan_id,
			 "vrf_table", (json_int_t)l->vrf_table, "macvlan_mode", (json_int_t)l->macvlan_mode,
			 "owned", l->owned);
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

static void rd_link(struct kj *c, struct kobj_set *s, const json_t *o, size_t i)
{
	struct kobj_link l = { 0 };
	const char *name, *kind, *kind_name, *alias;
	json_int_t mtu, group, vrf, mode;
	int ifindex, up, oper, master, link, vlan, owned;
	json_t *mac;
	json_error_t e;

	if (json_unpack_ex((json_t *)o, &e, JSON_STRICT,
			   "{s:i,s:s,s:s,s:s,s:I,s:o,s:b,s:i,s:i,s:i,s:I,s:s,s:i,s:I,s:I,s:b}",
			   "ifindex", &ifindex, "name", &name, "kind", &kind, "kind_name", &kind_name,
			   "mtu", &mtu, "mac", &mac, "up", &up, "operstate", &oper, "master", &master,
			   "link", &link, "group", &group, "alias", &alias, "vlan_id", &vlan,
			   "vrf_table", &vrf, "macvlan_mode", &mode, "owned", &owned) < 0) {
		kj_fail(c, "link %zu: %s", i, e.text);
		return;
	}
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
