#include "kobj-json.h"
#include "jread.h"
#include "addr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

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
static json_t *link_json_base(const struct kobj_link *l);

/* The ARP settings only where known: exports without them read as before. */
static json_t *link_json(const struct kobj_link *l)
{
	json_t *o = link_json_base(l);

	if (o && l->has_arp &&
	    json_object_update_new(o, json_pack("{s:i,s:i,s:i}", "arp_ignore", l->arp_ignore,
						"arp_announce", l->arp_announce, "rp_filter",
						l->rp_filter)) < 0)
		return json_decref(o), NULL;
	return o;
}

static json_t *link_json_base(const struct kobj_link *l)
{
	char mac[ADDR_MAC_STRLEN], fdb[ADDR_MAC_STRLEN];

	json_t *o = json_pack("{s:i,s:s,s:s,s:s,s:I,s:o,s:b,s:i,s:i,s:i,s:I,s:s,s:i,s:I,s:I,s:b,"
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

	if (o && kobj_json_put_bond_mon(o, &l->bond_mon) < 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int kobj_json_put_bond_mon(json_t *link, const struct kobj_bond_mon *m)
{
	json_t *t, *o;
	char ip[INET_ADDRSTRLEN];

	if (kobj_bond_mon_is_zero(m))
		return 0;
	t = json_array();
	for (size_t i = 0; t && i < m->n_targets; i++)
		if (json_array_append_new(t, json_string(inet_ntop(AF_INET, &m->targets[i], ip,
								   sizeof(ip)))) < 0) {
			json_decref(t);
			t = NULL;
		}
	o = t ? json_pack("{s:I,s:I,s:I,s:o}", "miimon", (json_int_t)m->miimon,
			  "arp_interval", (json_int_t)m->arp_interval,
			  "arp_validate", (json_int_t)m->arp_validate, "arp_targets", t) : NULL;
	if (!o || json_object_set_new(link, "bond_mon", o) < 0)
		return -ENOMEM;
	return 0;
}

int kobj_json_put_brvlan(json_t *link, const struct kobj_link *l)
{
	json_t *o, *tagged;

	if (!l->has_brvlan)
		return 0;
	tagged = json_array();
	for (uint8_t i = 0; tagged && i < l->brvlan.n; i++)
		if (json_array_append_new(tagged, json_integer(l->brvlan.vids[i])) < 0) {
			json_decref(tagged);
			return -1;
		}
	o = tagged ? json_pack("{s:I,s:o}", "pvid", (json_int_t)l->brvlan.pvid, "tagged", tagged) : NULL;
	if (!o || json_object_set_new(link, "brvlan", o) < 0)
		return -1;
	return 0;
}

void kobj_json_read_brvlan(struct jread *j, const json_t *link, struct kobj_link *l)
{
	static const char *const keys[] = { "pvid", "tagged", NULL };
	const json_t *v = jread_any(j, link, "brvlan", JREAD_OPTIONAL), *t, *item;
	size_t k;

	l->has_brvlan = false;
	l->brvlan = (struct kobj_brvlan){ 0 };
	if (!v || !jread_object(j, v, keys))
		return;
	l->has_brvlan = true;
	l->brvlan.pvid = (uint16_t)jread_int(j, v, "pvid", 0, 4094, 0);
	t = jread_any(j, v, "tagged", 0);
	if (t && (!json_is_array(t) || json_array_size(t) > KOBJ_BRVLAN_MAX)) {
		jread_fail(j, "tagged", "expected a list of at most %d VLANs", KOBJ_BRVLAN_MAX);
		return;
	}
	if (t)
		json_array_foreach(t, k, item) {
			json_int_t vid = json_is_integer(item) ? json_integer_value(item) : 0;

			/* Ascending and apart from the PVID: as written. */
			if (vid < 1 || vid > 4094 || vid == l->brvlan.pvid ||
			    (l->brvlan.n && vid <= l->brvlan.vids[l->brvlan.n - 1])) {
				jread_fail(j, "tagged", "item %zu is not a VLAN above the one before", k);
				return;
			}
			l->brvlan.vids[l->brvlan.n++] = (uint16_t)vid;
		}
}

static const char *const bond_mon_keys[] = { "miimon", "arp_interval", "arp_validate",
					     "arp_targets", NULL };

void kobj_json_read_bond_mon(struct jread *j, const json_t *link, struct kobj_bond_mon *m)
{
	const json_t *v = jread_any(j, link, "bond_mon", JREAD_OPTIONAL);
	const json_t *t, *item;
	char at[sizeof(j->at)];
	size_t k;

	*m = (struct kobj_bond_mon){ 0 };
	if (!v)
		return;
	memcpy(at, j->at, sizeof(at));
	snprintf(j->at, sizeof(j->at), "%.80s.bond_mon", at);
	if (jread_object(j, v, bond_mon_keys)) {
		m->miimon = (uint32_t)jread_int(j, v, "miimon", JREAD_U32, 0);
		m->arp_interval = (uint32_t)jread_int(j, v, "arp_interval", JREAD_U32, 0);
		m->arp_validate = (uint32_t)jread_int(j, v, "arp_validate", JREAD_U32, 0);
		t = jread_any(j, v, "arp_targets", 0);
		if (t && (!json_is_array(t) || json_array_size(t) > KOBJ_BOND_ARP_TARGETS))
			jread_fail(j, "arp_targets", "expected a list of at most %d IPv4 addresses",
				   KOBJ_BOND_ARP_TARGETS);
		else if (t)
			json_array_foreach(t, k, item) {
				if (!json_is_string(item) ||
				    inet_pton(AF_INET, json_string_value(item), &m->targets[m->n_targets]) != 1) {
					jread_fail(j, "arp_targets", "item %zu is not an IPv4 address", k);
					break;
				}
				m->n_targets++;
			}
		kobj_bond_mon_sort(m);
		for (size_t i = 1; i < m->n_targets; i++)
			if (m->targets[i] == m->targets[i - 1]) {
				char ip[INET_ADDRSTRLEN];

				jread_fail(j, "arp_targets", "%s is listed twice",
					   inet_ntop(AF_INET, &m->targets[i], ip, sizeof(ip)));
				break;
			}
	}
	memcpy(j->at, at, sizeof(at));
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

/* Every key a writer above emits; the settings of #7 (bond_mode onwards)
 * may be missing, since exports written before them must still import. */
static const char *const link_keys[] = {
	"ifindex", "name", "kind", "kind_name", "mtu", "mac", "up", "operstate", "master", "link",
	"group", "alias", "vlan_id", "vrf_table", "macvlan_mode", "owned", "bond_mode",
	"bond_primary", "qdisc", "qdisc_handle", "shaping", "is_brport", "brport", "n_fdb", "fdb",
	"has_ra", "accept_ra", "autoconf", "accept_ra_defrtr", "arp_ignore", "arp_announce",
	"rp_filter", "bond_mon", NULL,
};
static const char *const addr_keys[] = {
	"ifindex", "address", "scope", "flags", "proto", "owned", NULL,
};
static const char *const route_keys[] = {
	"family", "table", "dst", "gateway", "prefsrc", "oif", "metric", "protocol", "scope", "type",
	"owned", NULL,
};
static const char *const rule_keys[] = {
	"family", "priority", "src", "dst", "iif", "oif", "table", "action", "protocol", "fwmark",
	"fwmask", "owned", NULL,
};
static const char *const shaping_keys[] = { "rate", "peak", "burst", NULL };

#define OPT JREAD_OPTIONAL

static void rd_addr(struct jread *j, struct hn_addr *a, const json_t *o, const char *key,
		    unsigned flags)
{
	const char *s = jread_str(j, o, key, ADDR_STRLEN, flags | JREAD_NULLABLE);

	if (!s) {
		if (!j->r && !(flags & JREAD_NULLABLE) && json_is_null(json_object_get(o, key)))
			jread_fail(j, key, "must not be null");
		return;
	}
	if (addr_parse_cidr(a, s) < 0)
		jread_fail(j, key, "'%s' is not an address with a prefix length", s);
}

static void rd_mac(struct jread *j, struct hn_mac *m, bool *has, const json_t *o, const char *key)
{
	const char *s = jread_str(j, o, key, ADDR_MAC_STRLEN, JREAD_NULLABLE | OPT);

	if (!s)
		return;
	if (addr_parse_mac(m, s) < 0)
		jread_fail(j, key, "'%s' is not a MAC address", s);
	else if (has)
		*has = true;
}

/* An interface name: 1..15 bytes. */
static void rd_ifname(struct jread *j, char dst[KOBJ_IFNAMSIZ], const json_t *o, const char *key,
		      bool may_be_empty)
{
	jread_strcpy(j, o, key, dst, KOBJ_IFNAMSIZ, JREAD_REQUIRED);
	if (!j->r && !may_be_empty && !dst[0])
		jread_fail(j, key, "is empty");
}

static void rd_shaping(struct jread *j, struct kobj_link *l, const json_t *o)
{
	const json_t *v = jread_any(j, o, "shaping", OPT);
	char at[sizeof(j->at)];

	if (!v)
		return;
	memcpy(at, j->at, sizeof(at));
	snprintf(j->at, sizeof(j->at), "%.80s.shaping", at);
	if (jread_object(j, v, shaping_keys)) {
		/* Rates are u64 in the kernel; JSON's integers stop at 2^63. */
		l->shaping.rate = (uint64_t)jread_int(j, v, "rate", JREAD_S64, 0);
		l->shaping.peak = (uint64_t)jread_int(j, v, "peak", JREAD_S64, 0);
		l->shaping.burst = (uint32_t)jread_int(j, v, "burst", JREAD_U32, 0);
	}
	memcpy(j->at, at, sizeof(at));
}

static void rd_brport(struct jread *j, struct kobj_link *l, const json_t *o)
{
	const json_t *v = jread_any(j, o, "brport", OPT);
	size_t k;
	json_t *f;

	if (!v)
		return;
	if (!json_is_array(v)) {
		jread_fail(j, "brport", "expected a list of bridge port flags");
		return;
	}
	json_array_foreach(v, k, f) {
		int bit = json_is_string(f) ? kobj_brport_flag_from_name(json_string_value(f)) : -1;

		if (bit < 0) {
			jread_fail(j, "brport", "item %zu is not a bridge port flag", k);
			return;
		}
		l->brport |= (uint8_t)(1u << bit);
	}
}

static void rd_link_settings(struct jread *j, struct kobj_link *l, const json_t *o)
{
	bool has_fdb = false;

	l->bond_mode = (uint8_t)jread_int(j, o, "bond_mode", JREAD_U8, OPT);
	l->bond_primary = (int)jread_int(j, o, "bond_primary", JREAD_IFINDEX, OPT);
	jread_strcpy(j, o, "qdisc", l->qdisc, sizeof(l->qdisc), OPT);
	l->qdisc_handle = (uint32_t)jread_int(j, o, "qdisc_handle", JREAD_U32, OPT);
	kobj_json_read_bond_mon(j, o, &l->bond_mon);
	rd_shaping(j, l, o);
	l->is_brport = jread_bool(j, o, "is_brport", OPT);
	rd_brport(j, l, o);
	l->n_fdb = (uint8_t)jread_int(j, o, "n_fdb", JREAD_U8, OPT);
	/* The MAC is there exactly when the port has an entry (as observed). */
	rd_mac(j, &l->fdb, &has_fdb, o, "fdb");
	if (!j->r && has_fdb != (l->n_fdb > 0))
		jread_fail(j, "fdb", "must be a MAC exactly when n_fdb is not 0");
	l->has_ra = jread_bool(j, o, "has_ra", OPT);
	l->accept_ra = (uint8_t)jread_int(j, o, "accept_ra", JREAD_U8, OPT);
	l->autoconf = (uint8_t)jread_int(j, o, "autoconf", JREAD_U8, OPT);
	l->accept_ra_defrtr = (uint8_t)jread_int(j, o, "accept_ra_defrtr", JREAD_U8, OPT);
	l->has_arp = json_object_get(o, "arp_ignore") != NULL;
	l->arp_ignore = (uint8_t)jread_int(j, o, "arp_ignore", JREAD_U8, OPT);
	l->arp_announce = (uint8_t)jread_int(j, o, "arp_announce", JREAD_U8, OPT);
	l->rp_filter = (uint8_t)jread_int(j, o, "rp_filter", JREAD_U8, OPT);
}

static void rd_link(struct jread *j, struct kobj_set *s, const json_t *o)
{
	struct kobj_link l = { 0 };
	const char *kind;

	if (!jread_object(j, o, link_keys))
		return;
	l.ifindex = (int)jread_int(j, o, "ifindex", 1, INT32_MAX, 0);
	rd_ifname(j, l.name, o, "name", false);
	kind = jread_str(j, o, "kind", KOBJ_IFNAMSIZ - 1, 0);
	if (kind)
		l.kind = strcmp(kind, "device") == 0 ? KOBJ_LINK_KIND_DEVICE
			 : (enum kobj_link_kind)kobj_link_kind_from_name(kind);
	jread_strcpy(j, o, "kind_name", l.kind_name, sizeof(l.kind_name), 0);
	l.mtu = (unsigned)jread_int(j, o, "mtu", JREAD_MTU, 0);
	(void)jread_any(j, o, "mac", JREAD_NULLABLE);
	rd_mac(j, &l.mac, &l.has_mac, o, "mac");
	l.admin_up = jread_bool(j, o, "up", 0);
	l.operstate = (uint8_t)jread_int(j, o, "operstate", JREAD_U8, 0);
	l.master = (int)jread_int(j, o, "master", JREAD_IFINDEX, 0);
	l.link = (int)jread_int(j, o, "link", JREAD_IFINDEX, 0);
	l.group = (uint32_t)jread_int(j, o, "group", JREAD_U32, 0);
	jread_strcpy(j, o, "alias", l.alias, sizeof(l.alias), 0);
	l.vlan_id = (uint16_t)jread_int(j, o, "vlan_id", JREAD_VLAN, 0);
	l.vrf_table = (uint32_t)jread_int(j, o, "vrf_table", JREAD_U32, 0);
	l.macvlan_mode = (uint32_t)jread_int(j, o, "macvlan_mode", JREAD_U32, 0);
	l.owned = jread_bool(j, o, "owned", 0);
	rd_link_settings(j, &l, o);
	if (!j->r && kobj_set_add_link(s, &l) < 0)
		j->r = -ENOMEM;
}

static void rd_addr_entry(struct jread *j, struct kobj_set *s, const json_t *o)
{
	struct kobj_addr a = { 0 };

	if (!jread_object(j, o, addr_keys))
		return;
	a.ifindex = (int)jread_int(j, o, "ifindex", 1, INT32_MAX, 0);
	rd_addr(j, &a.addr, o, "address", 0);
	a.scope = (uint8_t)jread_int(j, o, "scope", JREAD_U8, 0);
	a.flags = (uint32_t)jread_int(j, o, "flags", JREAD_U32, 0);
	a.proto = (uint8_t)jread_int(j, o, "proto", JREAD_U8, 0);
	a.owned = jread_bool(j, o, "owned", 0);
	if (!j->r && kobj_set_add_addr(s, &a) < 0)
		j->r = -ENOMEM;
}

/* IPv4 or IPv6, as observe-route.c and observe-rule.c keep them. */
static uint8_t rd_family(struct jread *j, const json_t *o)
{
	json_int_t f = jread_int(j, o, "family", 0, UINT8_MAX, 0);

	if (!j->r && f != AF_INET && f != AF_INET6)
		jread_fail(j, "family", "%lld is neither IPv4 (%d) nor IPv6 (%d)", (long long)f,
			   AF_INET, AF_INET6);
	return (uint8_t)f;
}

static void same_family(struct jread *j, const struct hn_addr *a, uint8_t family, const char *key)
{
	if (!j->r && a->family && a->family != family)
		jread_fail(j, key, "is not in the %s family", family == AF_INET ? "IPv4" : "IPv6");
}

static void rd_route(struct jread *j, struct kobj_set *s, const json_t *o)
{
	struct kobj_route r = { 0 };

	if (!jread_object(j, o, route_keys))
		return;
	r.family = rd_family(j, o);
	r.table = (uint32_t)jread_int(j, o, "table", JREAD_U32, 0);
	/* null is the default route, which is how kobj_set_to_json writes it. */
	rd_addr(j, &r.dst, o, "dst", JREAD_NULLABLE);
	same_family(j, &r.dst, r.family, "dst");
	if (!r.dst.family)
		r.dst = (struct hn_addr){ .family = r.family };
	rd_addr(j, &r.gateway, o, "gateway", JREAD_NULLABLE);
	rd_addr(j, &r.prefsrc, o, "prefsrc", JREAD_NULLABLE);
	same_family(j, &r.prefsrc, r.family, "prefsrc");
	r.oif = (int)jread_int(j, o, "oif", JREAD_IFINDEX, 0);
	r.metric = (uint32_t)jread_int(j, o, "metric", JREAD_U32, 0);
	r.protocol = (uint8_t)jread_int(j, o, "protocol", JREAD_U8, 0);
	r.scope = (uint8_t)jread_int(j, o, "scope", JREAD_U8, 0);
	r.type = (uint8_t)jread_int(j, o, "type", JREAD_U8, 0);
	r.owned = jread_bool(j, o, "owned", 0);
	if (!j->r && kobj_set_add_route(s, &r) < 0)
		j->r = -ENOMEM;
}

static void rd_rule(struct jread *j, struct kobj_set *s, const json_t *o)
{
	struct kobj_rule r = { 0 };

	if (!jread_object(j, o, rule_keys))
		return;
	r.family = rd_family(j, o);
	r.priority = (uint32_t)jread_int(j, o, "priority", JREAD_U32, 0);
	rd_addr(j, &r.src, o, "src", JREAD_NULLABLE);
	same_family(j, &r.src, r.family, "src");
	rd_addr(j, &r.dst, o, "dst", JREAD_NULLABLE);
	same_family(j, &r.dst, r.family, "dst");
	rd_ifname(j, r.iif, o, "iif", true);
	rd_ifname(j, r.oif, o, "oif", true);
	r.table = (uint32_t)jread_int(j, o, "table", JREAD_U32, 0);
	r.action = (uint8_t)jread_int(j, o, "action", JREAD_U8, 0);
	r.protocol = (uint8_t)jread_int(j, o, "protocol", JREAD_U8, 0);
	r.fwmark = (uint32_t)jread_int(j, o, "fwmark", JREAD_U32, 0);
	r.fwmask = (uint32_t)jread_int(j, o, "fwmask", JREAD_U32, 0);
	r.owned = jread_bool(j, o, "owned", 0);
	if (!j->r && kobj_set_add_rule(s, &r) < 0)
		j->r = -ENOMEM;
}

/* --- duplicates: what the kernel cannot hold twice ----------------------- */

static int cmp_link_name(const void *a, const void *b)
{
	return strcmp(((const struct kobj_link *)a)->name, ((const struct kobj_link *)b)->name);
}

static int cmp_link_ifindex(const void *a, const void *b)
{
	int x = ((const struct kobj_link *)a)->ifindex, y = ((const struct kobj_link *)b)->ifindex;

	return (x > y) - (x < y);
}

static int cmp_addr(const void *pa, const void *pb)
{
	const struct kobj_addr *a = pa, *b = pb;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return addr_cmp(&a->addr, &b->addr);
}

/* Every field: the kernel keeps several routes of one prefix and metric
 * (ip route append, IPv6 multipath legs), never two identical ones. */
static int cmp_route(const void *pa, const void *pb)
{
	const struct kobj_route *a = pa, *b = pb;
	int c;

	if (a->family != b->family || a->table != b->table || a->metric != b->metric ||
	    a->oif != b->oif)
		return a->family != b->family ? (a->family < b->family ? -1 : 1)
		       : a->table != b->table ? (a->table < b->table ? -1 : 1)
		       : a->metric != b->metric ? (a->metric < b->metric ? -1 : 1)
		       : (a->oif < b->oif ? -1 : 1);
	if ((c = addr_cmp(&a->dst, &b->dst)) || (c = addr_cmp(&a->gateway, &b->gateway)) ||
	    (c = addr_cmp(&a->prefsrc, &b->prefsrc)))
		return c;
	return a->type != b->type ? (a->type < b->type ? -1 : 1)
	       : a->protocol != b->protocol ? (a->protocol < b->protocol ? -1 : 1)
	       : (a->scope > b->scope) - (a->scope < b->scope);
}

static int cmp_rule(const void *pa, const void *pb)
{
	const struct kobj_rule *a = pa, *b = pb;
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	if ((c = addr_cmp(&a->src, &b->src)) || (c = addr_cmp(&a->dst, &b->dst)) ||
	    (c = strcmp(a->iif, b->iif)) || (c = strcmp(a->oif, b->oif)))
		return c;
	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	if (a->fwmark != b->fwmark || a->fwmask != b->fwmask)
		return a->fwmark != b->fwmark ? (a->fwmark < b->fwmark ? -1 : 1)
		       : (a->fwmask < b->fwmask ? -1 : 1);
	return a->action != b->action ? (a->action < b->action ? -1 : 1)
	       : (a->protocol > b->protocol) - (a->protocol < b->protocol);
}

static void check_unique(struct jread *j, const struct kobj_set *s)
{
	jread_unique(j, "links", s->links, s->n_links, sizeof(*s->links), cmp_link_name,
		     "the same name");
	jread_unique(j, "links", s->links, s->n_links, sizeof(*s->links), cmp_link_ifindex,
		     "the same ifindex");
	jread_unique(j, "addresses", s->addrs, s->n_addrs, sizeof(*s->addrs), cmp_addr,
		     "the same address on the same link");
	jread_unique(j, "routes", s->routes, s->n_routes, sizeof(*s->routes), cmp_route,
		     "the same route");
	jread_unique(j, "rules", s->rules, s->n_rules, sizeof(*s->rules), cmp_rule,
		     "the same rule");
}

static int set_read(struct kobj_set *out, const json_t *jv, const char *root, char **err)
{
	static const struct {
		const char *key;
		void (*fn)(struct jread *, struct kobj_set *, const json_t *);
	} lists[] = {
		{ "links", rd_link }, { "addresses", rd_addr_entry }, { "routes", rd_route },
		{ "rules", rd_rule },
	};
	static const char *const top_keys[] = { "caps", "links", "addresses", "routes", "rules", NULL };
	struct kobj_set s = { 0 };
	struct jread j = { .err = err, .root = root };
	const json_t *caps;
	size_t i;
	json_t *v;

	if (err)
		*err = NULL;
	jread_at(&j, NULL, 0);
	if (!jread_object(&j, jv, top_keys))
		goto out;
	for (size_t k = 0; !j.r && k < sizeof(lists) / sizeof(*lists); k++) {
		const json_t *arr = json_object_get(jv, lists[k].key);

		if (!json_is_array(arr)) {
			jread_fail(&j, lists[k].key, "expected a list");
			break;
		}
		json_array_foreach(arr, i, v) {
			if (j.r)
				break;
			jread_at(&j, lists[k].key, i);
			lists[k].fn(&j, &s, v);
		}
	}
	jread_at(&j, NULL, 0);
	caps = jread_any(&j, jv, "caps", OPT);
	if (caps && !json_is_array(caps))
		jread_fail(&j, "caps", "expected a list of capability names");
	json_array_foreach(caps, i, v) {
		if (!json_is_string(v)) {
			jread_at(&j, "caps", i);
			jread_fail(&j, NULL, "expected a capability name");
			break;
		}
		/* A name this build does not know (an export from a newer
		 * hostnet) is no capability any want of this build needs. */
		for (int k = 0; k < KOBJ_CAP__MAX; k++)
			if (strcmp(json_string_value(v), kobj_cap_name((enum kobj_cap)k)) == 0)
				s.caps |= 1u << k;
	}
	check_unique(&j, &s);
out:
	if (j.r) {
		kobj_set_clear(&s);
		return j.r;
	}
	*out = s;
	return 0;
}

int kobj_set_from_json(struct kobj_set *out, const json_t *j, char **err)
{
	return set_read(out, j, NULL, err);
}

int kobj_snapshot_doc_read(struct kobj_set *out, const json_t *doc, char **err)
{
	static const char *const keys[] = { "hostnet_snapshot", "host", "taken_at", "state", NULL };
	struct jread j = { .err = err };
	int r = jread_version(doc, "hostnet_snapshot", 1, err);

	if (r < 0)
		return r;
	if (jread_object(&j, doc, keys)) {
		jread_str(&j, doc, "host", 253, 0);
		jread_int(&j, doc, "taken_at", 0, INT64_MAX, 0);
		jread_any(&j, doc, "state", 0);
	}
	return j.r ? j.r : set_read(out, json_object_get(doc, "state"), "state", err);
}
