#include "want-json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "arena.h"
#include "jread.h"
#include "kobj-json.h"
#include "profile.h"
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
	[WANT_ATTR_ARP] = "arp",
	[WANT_ATTR_BOND] = "bond",
	[WANT_ATTR_DHCP] = "dhcp",
	[WANT_ATTR_BRVLAN] = "brvlan",
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
	if (r == 0 && l->l.has_arp)
		r = json_object_update_new(o, json_pack("{s:i,s:i,s:i}", "arp_ignore", l->l.arp_ignore,
							"arp_announce", l->l.arp_announce,
							"rp_filter", l->l.rp_filter));
	if (r == 0 && kobj_json_put_bond_mon(o, &l->l.bond_mon) < 0)
		r = -1;
	if (r == 0 && kobj_json_put_brvlan(o, &l->l) < 0)
		r = -1;
	return r;
}

static int in_place_json(json_t *o, const struct want_link *l)
{
	json_t *s = json_array();

	for (int k = 0; s && k < PROFILE_SERVICE__MAX; k++)
		if (l->in_place_services & (1u << k) &&
		    json_array_append_new(s, json_string(profile_service_name((enum profile_service)k))) < 0)
			break;
	if (json_object_set_new(o, "in_place_services", s) < 0)
		return -1;
	return json_object_set_new(o, "in_place_stack", json_string(l->in_place_stack));
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
	/* Only a link with an adapter in place has these (likewise). */
	if (o && l->in_place_services && in_place_json(o, l) < 0) {
		json_decref(o);
		o = NULL;
	}
	/* Only a VLAN adapter has an id: other links' JSON stays as it was. */
	if (o && l->l.vlan_id && json_object_set_new(o, "vlan_id", json_integer(l->l.vlan_id)) < 0) {
		json_decref(o);
		o = NULL;
	}
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
	/* Only with a firewall: a want without one keeps its JSON. */
	if (w->fw.text && json_object_set_new(o, "firewall", json_pack("{s:s,s:o}", "ruleset",
			w->fw.text, "at", jloc(&w->fw.loc))) < 0)
		return json_decref(o), NULL;
	return o;
oom:
	json_decref(o);
	json_decref(t);
	json_decref(needs);
	return NULL;
}

/* --- reading ------------------------------------------------------------ */

/* Every key want_json_link() writes; the settings of #7 (primary to
 * accept_ra_defrtr) may be missing: plans saved before them must still
 * apply. */
static const char *const link_keys[] = {
	"name", "kind", "mtu", "mac", "up", "master", "peer", "parent", "alias", "group", "owned",
	"foreign", "manage", "pvid", "vrf_table", "macvlan_mode", "vlan_filtering", "primary",
	"dhcp4", "bond_mode", "qdisc", "qdisc_handle", "shaping", "is_brport", "brport", "n_fdb",
	"fdb", "has_ra", "accept_ra", "autoconf", "accept_ra_defrtr", "vlan_id", "arp_ignore",
	"arp_announce", "rp_filter", "bond_mon", "brvlan", "in_place_services", "in_place_stack", "at",
	NULL,
};
static const char *const addr_keys[] = { "dev", "address", "at", NULL };
static const char *const route_keys[] = {
	"table", "family", "to", "via", "dev", "metric", "scope", "type", "protocol", "source", "at",
	NULL,
};
static const char *const rule_keys[] = {
	"family", "priority", "from", "to", "iif", "oif", "table", "action", "protocol", "fwmark",
	"fwmask", "at", NULL,
};
static const char *const shaping_keys[] = { "rate", "peak", "burst", NULL };
static const char *const need_keys[] = { "capability", "at", NULL };
static const char *const top_keys[] = {
	"links", "addresses", "routes", "rules", "tables", "needs", "firewall", NULL,
};

#define OPT JREAD_OPTIONAL
#define NUL JREAD_NULLABLE
/* A profile's MTU (0 = not set); validation allows 68..65535. */
#define WANT_MTU 0, 65535

struct wj {
	struct want *w;
	struct jread j;
};

/* An interface name or null (""): at most 15 bytes. */
static void rd_name(struct wj *c, char dst[KOBJ_IFNAMSIZ], const json_t *o, const char *key,
		    unsigned flags)
{
	jread_strcpy(&c->j, o, key, dst, KOBJ_IFNAMSIZ, flags);
}

static void rd_addr(struct wj *c, struct hn_addr *dst, const json_t *o, const char *key,
		    unsigned flags)
{
	const char *s = jread_str(&c->j, o, key, ADDR_STRLEN, flags);

	if (s && addr_parse_prefix_or_ip(dst, s) < 0)
		jread_fail(&c->j, key, "'%s' is not an address", s);
}

static void rd_loc(struct wj *c, struct hn_loc *loc, const json_t *o)
{
	const char *s = jread_str(&c->j, o, "at", 4096, NUL), *colon2, *colon1;
	unsigned line, col;

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

static void rd_shaping(struct wj *c, struct want_link *l, const json_t *o)
{
	const json_t *v = jread_any(&c->j, o, "shaping", OPT);
	char at[sizeof(c->j.at)];

	if (!v)
		return;
	memcpy(at, c->j.at, sizeof(at));
	snprintf(c->j.at, sizeof(c->j.at), "%.80s.shaping", at);
	if (jread_object(&c->j, v, shaping_keys)) {
		l->l.shaping.rate = (uint64_t)jread_int(&c->j, v, "rate", JREAD_S64, 0);
		l->l.shaping.peak = (uint64_t)jread_int(&c->j, v, "peak", JREAD_S64, 0);
		l->l.shaping.burst = (uint32_t)jread_int(&c->j, v, "burst", JREAD_U32, 0);
	}
	memcpy(c->j.at, at, sizeof(at));
}

/* A list of names from `names` (a bit each); NULL entries are skipped. */
static uint32_t rd_bits(struct wj *c, const json_t *o, const char *key, unsigned flags,
			const char *what, const char *(*name)(int), int n)
{
	const json_t *v = jread_any(&c->j, o, key, flags);
	uint32_t bits = 0;
	size_t i;
	json_t *e;

	if (v && !json_is_array(v)) {
		jread_fail(&c->j, key, "expected a list of %ss", what);
		return 0;
	}
	json_array_foreach(v, i, e) {
		int k;

		for (k = 0; json_is_string(e) && k < n; k++)
			if (name(k) && strcmp(name(k), json_string_value(e)) == 0)
				break;
		if (!json_is_string(e) || k == n) {
			jread_fail(&c->j, key, "item %zu is not a %s", i, what);
			return 0;
		}
		bits |= 1u << k;
	}
	return bits;
}

static const char *attr_name(int a)
{
	return attr_names[a];
}

static const char *service_name(int s)
{
	return profile_service_name((enum profile_service)s);
}

static const char *brport_name(int f)
{
	return kobj_brport_flag_name((enum kobj_brport_flag)f);
}

static void rd_link_settings(struct wj *c, struct want_link *l, const json_t *o)
{
	struct jread *j = &c->j;

	rd_name(c, l->primary, o, "primary", OPT | NUL);
	l->dhcp4 = jread_bool(j, o, "dhcp4", OPT);
	l->l.bond_mode = (uint8_t)jread_int(j, o, "bond_mode", JREAD_U8, OPT);
	kobj_json_read_bond_mon(j, o, &l->l.bond_mon);
	kobj_json_read_brvlan(j, o, &l->l);
	rd_name(c, l->l.qdisc, o, "qdisc", OPT | NUL);
	l->l.qdisc_handle = (uint32_t)jread_int(j, o, "qdisc_handle", JREAD_U32, OPT);
	rd_shaping(c, l, o);
	l->l.is_brport = jread_bool(j, o, "is_brport", OPT);
	l->l.brport = (uint8_t)rd_bits(c, o, "brport", OPT, "bridge port flag", brport_name,
				       KOBJ_BRPORT__MAX);
	l->l.n_fdb = (uint8_t)jread_int(j, o, "n_fdb", JREAD_U8, OPT);
	{
		const char *fdb = jread_str(j, o, "fdb", ADDR_MAC_STRLEN, OPT | NUL);

		if (fdb && (addr_parse_mac(&l->l.fdb, fdb) < 0 || addr_mac_is_zero(&l->l.fdb)))
			jread_fail(j, "fdb", "'%s' is not a MAC address", fdb);
	}
	l->l.has_ra = jread_bool(j, o, "has_ra", OPT);
	l->l.accept_ra = (uint8_t)jread_int(j, o, "accept_ra", JREAD_U8, OPT);
	l->l.autoconf = (uint8_t)jread_int(j, o, "autoconf", JREAD_U8, OPT);
	l->l.accept_ra_defrtr = (uint8_t)jread_int(j, o, "accept_ra_defrtr", JREAD_U8, OPT);
	l->l.has_arp = json_object_get(o, "arp_ignore") != NULL;
	l->l.arp_ignore = (uint8_t)jread_int(j, o, "arp_ignore", JREAD_U8, OPT);
	l->l.arp_announce = (uint8_t)jread_int(j, o, "arp_announce", JREAD_U8, OPT);
	l->l.rp_filter = (uint8_t)jread_int(j, o, "rp_filter", JREAD_U8, OPT);
}

static void rd_link(struct wj *c, struct want_link *l, const json_t *o)
{
	struct jread *j = &c->j;
	const char *kind, *mac;

	if (!jread_object(j, o, link_keys))
		return;
	rd_name(c, l->l.name, o, "name", 0);
	if (!j->r && !l->l.name[0])
		jread_fail(j, "name", "is empty");
	kind = jread_str(j, o, "kind", KOBJ_IFNAMSIZ - 1, 0);
	l->foreign = jread_bool(j, o, "foreign", 0);
	if (kind) {
		l->l.kind = l->foreign || strcmp(kind, "device") == 0
			    ? KOBJ_LINK_KIND_DEVICE : (enum kobj_link_kind)kobj_link_kind_from_name(kind);
		if (l->l.kind != KOBJ_LINK_KIND_DEVICE)
			snprintf(l->l.kind_name, sizeof(l->l.kind_name), "%s", kind);
	}
	l->l.mtu = (unsigned)jread_int(j, o, "mtu", WANT_MTU, 0);
	mac = jread_str(j, o, "mac", ADDR_MAC_STRLEN, NUL);
	if (mac) {
		if (addr_parse_mac(&l->l.mac, mac) < 0)
			jread_fail(j, "mac", "'%s' is not a MAC address", mac);
		l->l.has_mac = true;
	}
	l->l.admin_up = jread_bool(j, o, "up", 0);
	rd_name(c, l->master, o, "master", NUL);
	rd_name(c, l->peer, o, "peer", NUL);
	rd_name(c, l->parent, o, "parent", NUL);
	jread_strcpy(j, o, "alias", l->l.alias, sizeof(l->l.alias), NUL);
	l->l.group = (uint32_t)jread_int(j, o, "group", JREAD_U32, 0);
	l->l.owned = jread_bool(j, o, "owned", 0);
	l->manage = rd_bits(c, o, "manage", NUL, "managed attribute", attr_name, WANT_ATTR__MAX);
	l->pvid = (uint16_t)jread_int(j, o, "pvid", JREAD_VLAN, 0);
	l->l.vrf_table = (uint32_t)jread_int(j, o, "vrf_table", JREAD_U32, 0);
	l->l.macvlan_mode = (uint32_t)jread_int(j, o, "macvlan_mode", JREAD_U32, 0);
	l->vlan_filtering = jread_bool(j, o, "vlan_filtering", 0);
	l->l.vlan_id = (uint16_t)jread_int(j, o, "vlan_id", JREAD_VLAN, JREAD_OPTIONAL);
	l->in_place_services = rd_bits(c, o, "in_place_services", OPT, "service", service_name,
				       PROFILE_SERVICE__MAX);
	rd_name(c, l->in_place_stack, o, "in_place_stack", OPT);
	rd_link_settings(c, l, o);
	rd_loc(c, &l->loc, o);
}

static uint8_t rd_family(struct wj *c, const json_t *o)
{
	const char *f = jread_str(&c->j, o, "family", 4, 0);

	if (f && strcmp(f, "ipv4") && strcmp(f, "ipv6"))
		jread_fail(&c->j, "family", "'%s' is neither ipv4 nor ipv6", f);
	return f && strcmp(f, "ipv6") == 0 ? AF_INET6 : AF_INET;
}

static void same_family(struct wj *c, const struct hn_addr *a, uint8_t family, const char *key)
{
	if (!c->j.r && a->family && a->family != family)
		jread_fail(&c->j, key, "is not in the %s family", family == AF_INET ? "IPv4" : "IPv6");
}

static void rd_route(struct wj *c, struct want_route *r, const json_t *o)
{
	struct jread *j = &c->j;

	if (!jread_object(j, o, route_keys))
		return;
	r->r.table = (uint32_t)jread_int(j, o, "table", JREAD_U32, 0);
	r->r.family = rd_family(c, o);
	rd_addr(c, &r->r.dst, o, "to", 0);
	same_family(c, &r->r.dst, r->r.family, "to");
	rd_addr(c, &r->r.gateway, o, "via", NUL);
	rd_name(c, r->dev, o, "dev", NUL);
	r->r.metric = (uint32_t)jread_int(j, o, "metric", JREAD_U32, 0);
	r->r.scope = (uint8_t)jread_int(j, o, "scope", JREAD_U8, 0);
	r->r.type = (uint8_t)jread_int(j, o, "type", JREAD_U8, 0);
	r->r.protocol = (uint8_t)jread_int(j, o, "protocol", JREAD_U8, 0);
	r->r.owned = r->r.protocol == KOBJ_RTPROT_HOSTNET;
	rd_addr(c, &r->r.prefsrc, o, "source", NUL);
	same_family(c, &r->r.prefsrc, r->r.family, "source");
	rd_loc(c, &r->loc, o);
}

static void rd_rule(struct wj *c, struct want_rule *r, const json_t *o)
{
	struct jread *j = &c->j;

	if (!jread_object(j, o, rule_keys))
		return;
	r->r.family = rd_family(c, o);
	r->r.priority = (uint32_t)jread_int(j, o, "priority", JREAD_U32, 0);
	rd_addr(c, &r->r.src, o, "from", NUL);
	same_family(c, &r->r.src, r->r.family, "from");
	rd_addr(c, &r->r.dst, o, "to", NUL);
	same_family(c, &r->r.dst, r->r.family, "to");
	rd_name(c, r->r.iif, o, "iif", NUL);
	rd_name(c, r->r.oif, o, "oif", NUL);
	r->r.table = (uint32_t)jread_int(j, o, "table", JREAD_U32, 0);
	r->r.action = (uint8_t)jread_int(j, o, "action", JREAD_U8, 0);
	r->r.protocol = (uint8_t)jread_int(j, o, "protocol", JREAD_U8, 0);
	r->r.owned = r->r.protocol == KOBJ_RTPROT_HOSTNET;
	r->r.fwmark = (uint32_t)jread_int(j, o, "fwmark", JREAD_U32, 0);
	r->r.fwmask = (uint32_t)jread_int(j, o, "fwmask", JREAD_U32, 0);
	rd_loc(c, &r->loc, o);
}

static void rd_addr_entry(struct wj *c, struct want_addr *a, const json_t *o)
{
	if (!jread_object(&c->j, o, addr_keys))
		return;
	rd_name(c, a->dev, o, "dev", 0);
	if (!c->j.r && !a->dev[0])
		jread_fail(&c->j, "dev", "is empty");
	rd_addr(c, &a->a.addr, o, "address", 0);
	a->a.proto = KOBJ_RTPROT_HOSTNET;
	a->a.owned = true;
	rd_loc(c, &a->loc, o);
}

#define WJ_READ(c, j, key, arr, n, fn)						\
	do {									\
		const json_t *l_ = json_object_get((j), (key));			\
		size_t i_;							\
		json_t *e_;							\
		if ((c)->j.r)							\
			break;							\
		if (!json_is_array(l_)) {					\
			jread_fail(&(c)->j, (key), "expected a list");		\
			break;							\
		}								\
		(arr) = calloc(json_array_size(l_) + 1, sizeof(*(arr)));	\
		if (!(arr)) {							\
			(c)->j.r = -ENOMEM;					\
			break;							\
		}								\
		json_array_foreach(l_, i_, e_) {				\
			if ((c)->j.r)						\
				break;						\
			jread_at(&(c)->j, (key), i_);				\
			fn((c), &(arr)[(n)++], e_);				\
		}								\
	} while (0)

static int cmp_table(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static const char *cap_name(int k)
{
	return kobj_cap_name((enum kobj_cap)k);
}

static void rd_needs(struct wj *c, const json_t *doc)
{
	const json_t *needs = jread_any(&c->j, doc, "needs", OPT);
	size_t i;
	json_t *v;

	if (needs && !json_is_array(needs))
		jread_fail(&c->j, "needs", "expected a list");
	json_array_foreach(needs, i, v) {
		const char *cap;
		int k = 0;

		jread_at(&c->j, "needs", i);
		if (!jread_object(&c->j, v, need_keys))
			return;
		cap = jread_str(&c->j, v, "capability", 64, 0);
		while (cap && k < KOBJ_CAP__MAX && strcmp(cap, cap_name(k)) != 0)
			k++;
		/* A capability this build does not know cannot be checked. */
		if (cap && k == KOBJ_CAP__MAX)
			jread_fail(&c->j, "capability", "'%s' is not a capability this hostnet knows", cap);
		else if (cap && c->w->needs & (1u << k))
			jread_fail(&c->j, "capability", "'%s' is listed twice", cap);
		if (c->j.r)
			return;
		c->w->needs |= 1u << k;
		rd_loc(c, &c->w->needs_loc[k], v);
	}
}

static void rd_tables(struct wj *c, const json_t *doc)
{
	struct want *w = c->w;
	const json_t *t = jread_any(&c->j, doc, "tables", OPT);
	size_t i;
	json_t *v;

	if (!t)
		return;
	if (!json_is_array(t) || json_array_size(t) > UINT32_MAX - 1) {
		jread_fail(&c->j, "tables", "expected a list of table ids");
		return;
	}
	w->tables = calloc(json_array_size(t) + 1, sizeof(*w->tables));
	if (!w->tables) {
		c->j.r = -ENOMEM;
		return;
	}
	json_array_foreach(t, i, v) {
		json_int_t id = json_integer_value(v);

		/* The kernel's u32; 0 (unspec) is no table. */
		if (!json_is_integer(v) || id < 1 || id > UINT32_MAX) {
			jread_at(&c->j, "tables", i);
			jread_fail(&c->j, NULL, "expected a table id (1..4294967295)");
			return;
		}
		w->tables[w->tables_n++] = (uint32_t)id;
	}
	hn_qsort(w->tables, w->tables_n, sizeof(*w->tables), cmp_table);
	for (uint32_t k = 1; k < w->tables_n; k++)
		if (w->tables[k] == w->tables[k - 1]) {
			jread_fail(&c->j, "tables", "table %u is listed twice", w->tables[k]);
			return;
		}
}

/* "firewall": {"ruleset": <table inet hostnet as nft lists it>, "at": loc} */
static void rd_firewall(struct wj *c, const json_t *j)
{
	static const char *const keys[] = { "ruleset", "at", NULL };
	const json_t *f = jread_any(&c->j, j, "firewall", OPT);
	const char *s;

	if (!f || c->j.r < 0 || !jread_object(&c->j, f, keys))
		return;
	s = jread_str(&c->j, f, "ruleset", 1u << 24, 0);
	if (s && !*s)
		jread_fail(&c->j, "ruleset", "is empty");
	else if (s && !(c->w->fw.text = strdup(s)))
		c->j.r = -ENOMEM;
	rd_loc(c, &c->w->fw.loc, f);
}

static int want_read(struct want *out, const json_t *j, const char *root, char **err)
{
	struct want w = { 0 };
	struct wj c = { .w = &w, .j = { .err = err, .root = root } };

	if (err)
		*err = NULL;
	jread_at(&c.j, NULL, 0);
	if (!jread_object(&c.j, j, top_keys))
		goto out;
	WJ_READ(&c, j, "links", w.links, w.n_links, rd_link);
	WJ_READ(&c, j, "addresses", w.addrs, w.n_addrs, rd_addr_entry);
	WJ_READ(&c, j, "routes", w.routes, w.n_routes, rd_route);
	WJ_READ(&c, j, "rules", w.rules, w.n_rules, rd_rule);
	jread_at(&c.j, NULL, 0);
	rd_tables(&c, j);
	jread_at(&c.j, NULL, 0);
	rd_needs(&c, j);
	rd_firewall(&c, j);
	/* What the profile could not have said twice (validation refuses
	 * duplicate names, addresses and routes). */
	jread_unique(&c.j, "links", w.links, w.n_links, sizeof(*w.links), want_qcmp_link, "the same name");
	jread_unique(&c.j, "addresses", w.addrs, w.n_addrs, sizeof(*w.addrs), want_qcmp_addr,
		     "the same address on the same link");
	jread_unique(&c.j, "routes", w.routes, w.n_routes, sizeof(*w.routes), want_qcmp_route,
		     "the same route key: table, destination, metric");
	jread_unique(&c.j, "rules", w.rules, w.n_rules, sizeof(*w.rules), want_qcmp_rule, "the same rule");
	hn_qsort(w.links, w.n_links, sizeof(*w.links), want_qcmp_link);
out:
	if (c.j.r < 0) {
		want_clear(&w);
		return c.j.r;
	}
	*out = w;
	return 0;
}

int want_from_json(struct want *out, const json_t *j, char **err)
{
	return want_read(out, j, NULL, err);
}

int want_plan_doc_read(struct want *out, const json_t *doc, char **err)
{
	static const char *const keys[] = {
		"hostnet_plan", "host", "source", "commit", "profile_hash", "state_hash", "want",
		"plan", NULL,
	};
	struct jread j = { .err = err };
	int r = jread_version(doc, "hostnet_plan", 1, err);

	if (r < 0)
		return r;
	if (jread_object(&j, doc, keys)) {
		jread_str(&j, doc, "host", 253, NUL);
		jread_str(&j, doc, "source", 4096, NUL);
		jread_str(&j, doc, "commit", 64, NUL);
		/* SHA-1 hex digests. */
		jread_str(&j, doc, "profile_hash", 40, 0);
		jread_str(&j, doc, "state_hash", 40, 0);
		jread_any(&j, doc, "plan", 0);
		jread_any(&j, doc, "want", 0);
	}
	return j.r ? j.r : want_read(out, json_object_get(doc, "want"), "want", err);
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
	       l->l.accept_ra || l->l.autoconf || l->l.accept_ra_defrtr || l->l.has_arp ||
	       !kobj_bond_mon_is_zero(&l->l.bond_mon);
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
	if (l->l.has_arp)
		fprintf(f, " ARP %u %u %u", l->l.arp_ignore, l->l.arp_announce, l->l.rp_filter);
	/* Added later, and only when set: older wants keep their hash. */
	if (!kobj_bond_mon_is_zero(&l->l.bond_mon)) {
		fprintf(f, " M %u %u %u", l->l.bond_mon.miimon, l->l.bond_mon.arp_interval,
			l->l.bond_mon.arp_validate);
		for (size_t i = 0; i < l->l.bond_mon.n_targets; i++)
			fprintf(f, " %08x", (unsigned)ntohl(l->l.bond_mon.targets[i]));
	}
}

/* Bridge VLANs, added later still: only on links that have them. */
static void write_canonical_brvlan(FILE *f, const struct want_link *l)
{
	if (!l->l.has_brvlan)
		return;
	fprintf(f, " V %u", l->l.brvlan.pvid);
	for (uint8_t i = 0; i < l->l.brvlan.n; i++)
		fprintf(f, " %u", l->l.brvlan.vids[i]);
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
			l->pvid, l->l.vrf_table, l->l.macvlan_mode, l->vlan_filtering, l->l.vlan_id);
		write_canonical_settings(f, l);
		write_canonical_brvlan(f, l);
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
	if (w->fw.text)
		fprintf(f, "F %zu\n%s", strlen(w->fw.text), w->fw.text);
	return ferror(f) ? -EIO : 0;
}
