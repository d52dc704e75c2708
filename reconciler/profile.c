/* profile: YAML tree -> struct profile, checking structure, types and values.
 *
 * Meaning that spans objects (references, uniqueness, subnets, MTU order,
 * best practices) is validate.c's business; here each value is checked on
 * its own, so every problem in a file is reported in one run. */
#include "profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "conv.h"
#include "esc.h"
#include "units.h"
#include "ydoc.h"

#define IFNAME_MAX 15
#define ADAPTER_NAME_MAX 14   /* the veth peer is named <adapter>p */
#define PORTGROUP_NAME_MAX 64
#define STACK_NAME_MAX 15

static const char *const state_names[] = { "up", "down" };
static const char *const isolation_names[] = { "table", "vrf" };
static const char *const backing_names[] = { "veth", "macvlan", "switch", "uplink", "vlan" };
static const char *const teaming_names[] = { "failover", "loadbalance" };
static const char *const detection_names[] = { "link", "arp" };
static const char *const policy_names[] = { "reject", "accept" };

/* Allocates a zeroed array for a list node's items; n_out = 0 when the node
 * is absent or not a list (the latter reported). */
static void *list_items(struct conv *c, const struct ydoc_node *n, const char *key, size_t size,
			size_t *n_out)
{
	void *v;

	*n_out = 0;
	if (!n || ydoc_is_null(n) || !conv_seq(c, n, key) || ydoc_count(n) == 0)
		return NULL;
	v = arena_calloc(c->arena, ydoc_count(n), size);
	if (!v) {
		c->oom = true;
		return NULL;
	}
	*n_out = ydoc_count(n);
	return v;
}

static bool get_uint(struct conv *c, const struct ydoc_node *map, const char *key, uint64_t min,
		     uint64_t max, uint64_t *out, struct hn_loc *loc)
{
	const struct ydoc_node *n = ydoc_map_get(map, key);

	if (!n)
		return false;
	if (loc)
		*loc = n->loc;
	return conv_uint(c, n, key, min, max, out);
}

static bool get_state(struct conv *c, const struct ydoc_node *map, enum profile_state *out,
		      struct hn_loc *loc)
{
	const struct ydoc_node *n = ydoc_map_get(map, "state");
	int v;

	if (!n || !conv_enum(c, n, "state", state_names, PROFILE_STATE__MAX, &v))
		return false;
	*out = (enum profile_state)v;
	*loc = n->loc;
	return true;
}

/* A list of strings (interface names when ifname_max > 0). */
static void get_strv(struct conv *c, const struct ydoc_node *n, const char *key, size_t ifname_max,
		     struct profile_strv *out)
{
	size_t count;

	out->v = list_items(c, n, key, sizeof(*out->v), &count);
	if (!out->v)
		return;
	out->loc = arena_calloc(c->arena, count, sizeof(*out->loc));
	if (!out->loc) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const char *s;
		bool ok = ifname_max ? conv_ifname(c, ydoc_item(n, i), key, ifname_max, &s)
				     : conv_str(c, ydoc_item(n, i), key, &s);
		if (!ok)
			continue;
		out->loc[out->n] = ydoc_item(n, i)->loc;
		out->v[out->n++] = s;
	}
}

/* An address the host's own interface may have (addr_not_host()). */
static bool host_addr(struct conv *c, const struct ydoc_node *n, const char *key,
		      struct hn_addr *a)
{
	const char *why = addr_not_host(a);

	if (!why)
		return true;
	conv_error(c, n, "%s: '%s' is %s, not an address for an interface", key, ydoc_str(n), why);
	*a = (struct hn_addr){ 0 };
	return false;
}

/* A next hop (a gateway, a route's via) is a unicast host too. */
static bool next_hop(struct conv *c, const struct ydoc_node *n, const char *key,
		     struct hn_addr *a)
{
	const char *why = addr_not_host(a);

	if (!why)
		return true;
	conv_error(c, n, "%s: '%s' is %s, not a next hop", key, ydoc_str(n), why);
	*a = (struct hn_addr){ 0 };
	return false;
}

static void get_addrv(struct conv *c, const struct ydoc_node *n, const char *key, int family,
		      struct profile_addrv *out)
{
	size_t count;

	out->v = list_items(c, n, key, sizeof(*out->v), &count);
	if (!out->v)
		return;
	out->loc = arena_calloc(c->arena, count, sizeof(*out->loc));
	if (!out->loc) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		if (!conv_cidr(c, ydoc_item(n, i), key, family, &out->v[out->n]) ||
		    !host_addr(c, ydoc_item(n, i), key, &out->v[out->n]))
			continue;
		out->loc[out->n++] = ydoc_item(n, i)->loc;
	}
}

static const char *get_name(struct conv *c, const struct ydoc_node *map, const char *what,
			    size_t ifname_max, struct hn_loc *loc)
{
	const struct ydoc_node *n = conv_require(c, map, "name", what);
	const char *s = NULL;

	if (!n)
		return NULL;
	*loc = n->loc;
	if (ifname_max)
		conv_ifname(c, n, "name", ifname_max, &s);
	else
		conv_str(c, n, "name", &s);
	return s;
}

static void conv_uplink(struct conv *c, const struct ydoc_node *m, struct profile_uplink *u)
{
	static const char *const keys[] = { "name", "mtu", "state", NULL };
	uint64_t v;

	conv_check_keys(c, m, keys, "uplink");
	u->loc = m->loc;
	u->name = get_name(c, m, "uplink", IFNAME_MAX, &u->loc);
	if (get_uint(c, m, "mtu", 68, 65535, &v, &u->mtu_loc))
		u->mtu = (unsigned)v;
	u->has_state = get_state(c, m, &u->state, &u->state_loc);
}

/* teaming.detection: {method: link, interval_ms: N}; method arp and
 * targets (ESXi's beacon probing) are read to be refused with the reason. */
static void conv_detection(struct conv *c, const struct ydoc_node *m, struct profile_detection *d)
{
	static const char *const keys[] = { "method", "interval_ms", "targets", NULL };
	const struct ydoc_node *n;
	uint64_t v;
	int e;

	if (!conv_map(c, m, "detection"))
		return;
	conv_check_keys(c, m, keys, "detection");
	d->present = true;
	d->loc = m->loc;
	n = ydoc_map_get(m, "method");
	if (n && conv_enum(c, n, "method", detection_names, PROFILE_DETECTION__MAX, &e)) {
		d->method = (enum profile_detection_method)e;
		d->method_loc = n->loc;
	}
	if (get_uint(c, m, "interval_ms", 10, 60000, &v, &d->interval_loc))
		d->interval_ms = (unsigned)v;
	/* Only where it is: validation refuses it (probes need method arp,
	 * which cannot work on a switch). */
	n = ydoc_map_get(m, "targets");
	if (n) {
		d->has_targets = true;
		d->targets_loc = n->loc;
	}
}

static void conv_teaming(struct conv *c, const struct ydoc_node *m, struct profile_teaming *t)
{
	static const char *const keys[] = { "policy", "active", "standby", "detection", NULL };
	const struct ydoc_node *n;
	int v;

	if (!conv_map(c, m, "teaming"))
		return;
	conv_check_keys(c, m, keys, "teaming");
	t->present = true;
	t->loc = m->loc;
	n = c->partial ? ydoc_map_get(m, "policy") : conv_require(c, m, "policy", "teaming");
	if (n && conv_enum(c, n, "policy", teaming_names, PROFILE_TEAMING__MAX, &v)) {
		t->policy = (enum profile_teaming_policy)v;
		t->policy_loc = n->loc;
	}
	n = ydoc_map_get(m, "active");
	if (n)
		t->active_loc = n->loc;
	get_strv(c, n, "active", IFNAME_MAX, &t->active);
	n = ydoc_map_get(m, "standby");
	if (n)
		t->standby_loc = n->loc;
	get_strv(c, n, "standby", IFNAME_MAX, &t->standby);
	if ((n = ydoc_map_get(m, "detection")))
		conv_detection(c, n, &t->detection);
}

static void conv_switch(struct conv *c, const struct ydoc_node *m, struct profile_switch *s)
{
	static const char *const keys[] = { "name", "mtu", "uplinks", "teaming", NULL };
	uint64_t v;

	conv_check_keys(c, m, keys, "switch");
	s->loc = m->loc;
	s->name = get_name(c, m, "switch", IFNAME_MAX, &s->loc);
	s->mtu = PROFILE_DEFAULT_MTU;
	if (get_uint(c, m, "mtu", 68, 65535, &v, &s->mtu_loc))
		s->mtu = (unsigned)v;
	get_strv(c, ydoc_map_get(m, "uplinks"), "uplinks", IFNAME_MAX, &s->uplinks);
	if (ydoc_map_get(m, "teaming"))
		conv_teaming(c, ydoc_map_get(m, "teaming"), &s->teaming);
}

/* Free text like ESXi's "VM Network", counted in characters (UTF-8 is
 * already checked by ydoc).  No control characters and none of the
 * invisible format characters (bidirectional overrides, zero-width
 * characters: esc.h): a name shows as what it is, so two portgroups cannot
 * look alike and a name cannot reorder the text around it ("Trojan
 * Source").  Sets *bad to the first such character (or 0). */
static bool valid_portgroup_name(const char *s, uint32_t *bad)
{
	size_t chars = 0;

	*bad = 0;
	if (esc_find_unsafe(s, bad) >= 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			chars++;
	return chars >= 1 && chars <= PORTGROUP_NAME_MAX;
}

static void get_policy(struct conv *c, const struct ydoc_node *m, const char *key,
		       enum profile_policy *out, struct hn_loc *loc)
{
	const struct ydoc_node *n = ydoc_map_get(m, key);
	int v;

	if (n && conv_enum(c, n, key, policy_names, PROFILE_POLICY__MAX, &v)) {
		*out = (enum profile_policy)v;
		*loc = n->loc;
	}
}

static void conv_security(struct conv *c, const struct ydoc_node *m, struct profile_security *sec)
{
	static const char *const keys[] = { "promiscuous", "mac_changes", "forged_transmits", NULL };

	if (!conv_map(c, m, "security"))
		return;
	conv_check_keys(c, m, keys, "security");
	sec->present = true;
	sec->loc = m->loc;
	sec->promiscuous = PROFILE_POLICY_REJECT;
	sec->mac_changes = PROFILE_POLICY_ACCEPT;
	sec->forged_transmits = PROFILE_POLICY_ACCEPT;
	get_policy(c, m, "promiscuous", &sec->promiscuous, &sec->promiscuous_loc);
	get_policy(c, m, "mac_changes", &sec->mac_changes, &sec->mac_changes_loc);
	get_policy(c, m, "forged_transmits", &sec->forged_transmits, &sec->forged_transmits_loc);
}

static void conv_portgroup(struct conv *c, const struct ydoc_node *m, struct profile_portgroup *pg)
{
	static const char *const keys[] = { "name", "switch", "vlan", "security", NULL };
	const struct ydoc_node *n;
	uint32_t bad;
	uint64_t v;

	conv_check_keys(c, m, keys, "portgroup");
	pg->loc = m->loc;
	pg->name = get_name(c, m, "portgroup", 0, &pg->loc);
	if (pg->name && !valid_portgroup_name(pg->name, &bad)) {
		if (bad)
			conv_error(c, ydoc_map_get(m, "name"), "name: a portgroup name may not hold "
				   "U+%04X (a control or invisible formatting character)", (unsigned)bad);
		else
			conv_error(c, ydoc_map_get(m, "name"), "name: portgroup names are 1..%d "
				   "characters", PORTGROUP_NAME_MAX);
		pg->name = NULL;
	}
	n = c->partial ? ydoc_map_get(m, "switch") : conv_require(c, m, "switch", "portgroup");
	if (n) {
		pg->switch_loc = n->loc;
		conv_ifname(c, n, "switch", IFNAME_MAX, &pg->switch_name);
	}
	pg->has_vlan = get_uint(c, m, "vlan", 0, 4094, &v, &pg->vlan_loc);
	if (pg->has_vlan)
		pg->vlan = (unsigned)v;
	if (ydoc_map_get(m, "security"))
		conv_security(c, ydoc_map_get(m, "security"), &pg->security);
}

static bool valid_stack_name(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= STACK_NAME_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static void conv_gateway(struct conv *c, const struct ydoc_node *m, struct profile_gateway *gw)
{
	static const char *const keys[] = { "ipv4", "ipv6", NULL };
	const struct ydoc_node *n;

	if (!conv_map(c, m, "gateway"))
		return;
	conv_check_keys(c, m, keys, "gateway");
	n = ydoc_map_get(m, "ipv4");
	if (n && conv_ip(c, n, "gateway.ipv4", AF_INET, &gw->ipv4) &&
	    next_hop(c, n, "gateway.ipv4", &gw->ipv4))
		gw->ipv4_loc = n->loc;
	n = ydoc_map_get(m, "ipv6");
	if (n && conv_ip(c, n, "gateway.ipv6", AF_INET6, &gw->ipv6) &&
	    next_hop(c, n, "gateway.ipv6", &gw->ipv6))
		gw->ipv6_loc = n->loc;
}

static void conv_stack(struct conv *c, const struct ydoc_node *m, struct profile_stack *st)
{
	static const char *const keys[] = { "name", "table", "isolation", "gateway", NULL };
	const struct ydoc_node *n;
	uint64_t v;
	int iso;

	conv_check_keys(c, m, keys, "stack");
	st->loc = m->loc;
	st->name = get_name(c, m, "stack", 0, &st->loc);
	if (st->name && !valid_stack_name(st->name)) {
		conv_error(c, ydoc_map_get(m, "name"),
			   "name: stack name '%s' must be 1..%d of a-z, 0-9, '_' and '-'", st->name,
			   STACK_NAME_MAX);
		st->name = NULL;
	}
	n = ydoc_map_get(m, "table");
	if (st->name && strcmp(st->name, PROFILE_DEFAULT_STACK) == 0) {
		st->table = PROFILE_MAIN_TABLE;
		if (n)
			conv_error(c, n, "table: the default stack always uses the main table (%u); "
				   "remove 'table'", PROFILE_MAIN_TABLE);
	} else if (!n) {
		if (!c->partial)
			conv_error(c, m, "stack: missing required key 'table'");
	} else if (get_uint(c, m, "table", 1, UINT32_MAX, &v, &st->table_loc)) {
		/* 253-255 are the kernel's default, main and local tables:
		 * a stack there would share them with the host. */
		if (v >= 253 && v <= 255)
			conv_error(c, n, "table: %llu is reserved by the kernel (%s); choose 1..252 "
				   "or 256..4294967295", (unsigned long long)v,
				   v == 253 ? "default" : v == 254 ? "main" : "local");
		else
			st->table = (uint32_t)v;
	}
	n = ydoc_map_get(m, "isolation");
	if (n && conv_enum(c, n, "isolation", isolation_names, PROFILE_ISOLATION__MAX, &iso)) {
		if (iso == PROFILE_ISOLATION_VRF && st->name &&
		    strcmp(st->name, PROFILE_DEFAULT_STACK) == 0) {
			conv_error(c, n, "isolation: the default stack is the main table and cannot "
				   "be a VRF");
		} else {
			st->isolation = (enum profile_isolation)iso;
			st->isolation_loc = n->loc;
		}
	}
	n = ydoc_map_get(m, "gateway");
	if (n)
		conv_gateway(c, n, &st->gateway);
}

static void conv_services(struct conv *c, const struct ydoc_node *n, struct profile_adapter *a)
{
	const char *names[PROFILE_SERVICE__MAX];

	for (int i = 0; i < PROFILE_SERVICE__MAX; i++)
		names[i] = profile_service_name((enum profile_service)i);
	if (ydoc_is_null(n) || !conv_seq(c, n, "services"))
		return;
	a->services_loc = n->loc;
	for (size_t i = 0; i < ydoc_count(n); i++) {
		int s;

		if (!conv_enum(c, ydoc_item(n, i), "services", names, PROFILE_SERVICE__MAX, &s))
			continue;
		if (a->services & (1u << s)) {
			conv_error(c, ydoc_item(n, i), "services: '%s' is listed twice",
				   ydoc_str(ydoc_item(n, i)));
			continue;
		}
		a->services |= 1u << s;
		a->service_loc[s] = ydoc_item(n, i)->loc;
	}
}

static void conv_mac(struct conv *c, const struct ydoc_node *n, struct profile_adapter *a)
{
	const char *s;

	a->mac_loc = n->loc;
	if (!conv_str(c, n, "mac", &s))
		return;
	if (strcmp(s, "auto") == 0)
		return;
	if (addr_parse_mac(&a->mac, s) < 0) {
		conv_error(c, n, "mac: '%s' is not a MAC address (like 02:00:00:00:00:01) or 'auto'",
			   s);
		return;
	}
	if (!addr_mac_is_unicast(&a->mac) || addr_mac_is_zero(&a->mac)) {
		conv_error(c, n, "mac: %s is a %s address; an interface needs a unicast MAC", s,
			   addr_mac_is_zero(&a->mac) ? "zero" : "multicast");
		return;
	}
	a->mac_auto = false;
}

/* "1gbit" / "100mb" with a unit (units.h); false after an error. */
static bool get_unit(struct conv *c, const struct ydoc_node *m, const char *key, bool rate,
		     uint64_t *out, struct hn_loc *loc)
{
	const struct ydoc_node *n = ydoc_map_get(m, key);
	const char *s;
	int r;

	if (!n)
		return false;
	if (n->kind == YDOC_KIND_SCALAR && conv_plain_type(n) == CONV_PLAIN_TYPE_INT) {
		conv_error(c, n, "%s: '%s' needs a unit, like %s", key, ydoc_str(n),
			   rate ? "1gbit (bit, kbit, mbit, gbit, tbit per second)"
				: "100kb (b, kb, mb, gb)");
		return false;
	}
	if (!conv_str(c, n, key, &s))
		return false;
	r = rate ? units_parse_rate(s, out) : units_parse_size(s, out);
	if (r == -ERANGE) {
		conv_error(c, n, "%s: '%s' is too large", key, s);
		return false;
	}
	if (r < 0) {
		conv_error(c, n, "%s: '%s' is not a %s, like %s", key, s, rate ? "rate" : "size",
			   rate ? "1gbit (bit, kbit, mbit, gbit, tbit per second)"
				: "100kb (b, kb, mb, gb)");
		return false;
	}
	/* Only a value that parsed has a location: validate.c checks those. */
	*loc = n->loc;
	return true;
}

static void conv_shaping(struct conv *c, const struct ydoc_node *m, struct profile_shaping *sh)
{
	static const char *const keys[] = { "average", "peak", "burst", NULL };

	if (!conv_map(c, m, "shaping"))
		return;
	conv_check_keys(c, m, keys, "shaping");
	sh->present = true;
	sh->loc = m->loc;
	if (!ydoc_map_get(m, "average") && !c->partial)
		conv_error(c, m, "shaping: missing required key 'average'");
	if (!ydoc_map_get(m, "burst") && !c->partial)
		conv_error(c, m, "shaping: missing required key 'burst'");
	get_unit(c, m, "average", true, &sh->average, &sh->average_loc);
	get_unit(c, m, "peak", true, &sh->peak, &sh->peak_loc);
	get_unit(c, m, "burst", false, &sh->burst, &sh->burst_loc);
}

/* ipv4: a list of addresses, or `dhcp`. */
static void conv_ipv4(struct conv *c, const struct ydoc_node *n, struct profile_adapter *a)
{
	if (n->kind == YDOC_KIND_SCALAR && !ydoc_is_null(n) && conv_plain_type(n) == CONV_PLAIN_TYPE_STR &&
	    strcmp(ydoc_str(n), "dhcp") == 0) {
		a->dhcp4 = true;
		a->dhcp4_loc = n->loc;
		return;
	}
	if (n->kind == YDOC_KIND_SCALAR && !ydoc_is_null(n)) {
		conv_error(c, n, "ipv4: expected a list of addresses (like [192.0.2.10/24]) or "
			   "'dhcp', got '%s'", ydoc_str(n));
		return;
	}
	get_addrv(c, n, "ipv4", AF_INET, &a->ipv4);
}

/* ipv6: a list of addresses, where `auto` turns on SLAAC. */
static void conv_ipv6(struct conv *c, const struct ydoc_node *n, struct profile_adapter *a)
{
	size_t count;

	a->ipv6.v = list_items(c, n, "ipv6", sizeof(*a->ipv6.v), &count);
	if (!a->ipv6.v)
		return;
	a->ipv6.loc = arena_calloc(c->arena, count, sizeof(*a->ipv6.loc));
	if (!a->ipv6.loc) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const struct ydoc_node *it = ydoc_item(n, i);

		if (ydoc_str(it) && strcmp(ydoc_str(it), "auto") == 0) {
			if (a->slaac)
				conv_error(c, it, "ipv6: 'auto' is listed twice");
			a->slaac = true;
			a->slaac_loc = it->loc;
			continue;
		}
		if (!conv_cidr(c, it, "ipv6", AF_INET6, &a->ipv6.v[a->ipv6.n]) ||
		    !host_addr(c, it, "ipv6", &a->ipv6.v[a->ipv6.n]))
			continue;
		a->ipv6.loc[a->ipv6.n++] = it->loc;
	}
}

/* A key that the adapter's backing does not take, with why. */
static void forbid(struct conv *c, const struct ydoc_node *m, const char *key, const char *why)
{
	const struct ydoc_node *n = ydoc_map_get(m, key);

	if (n)
		conv_error(c, n, "%s: %s", key, why);
}

static void require(struct conv *c, const struct ydoc_node *m, const char *key,
		    const struct profile_adapter *a)
{
	if (!ydoc_map_get(m, key) && !c->partial)
		conv_error(c, m, "adapter: missing required key '%s' (backing: %s)", key,
			   backing_names[a->backing]);
}

/* Which of portgroup / uplink / switch / vlan each backing takes. */
static void conv_backing_keys(struct conv *c, const struct ydoc_node *m, struct profile_adapter *a)
{
	static const char *const in_place =
		"an adapter with backing: switch or uplink is that interface itself, named by "
		"'name'; remove this key";
	const struct ydoc_node *n;
	uint64_t v;

	switch (a->backing) {
	case PROFILE_BACKING_VETH:
		if (!ydoc_map_get(m, "portgroup") && !c->partial)
			conv_error(c, m, "adapter: missing required key 'portgroup'");
		forbid(c, m, "uplink", "only a macvlan or vlan adapter names an uplink; this "
		       "adapter is on portgroup backing (veth)");
		forbid(c, m, "switch", "only a vlan adapter names a switch; this adapter is on "
		       "portgroup backing (veth), and its portgroup names the switch");
		forbid(c, m, "vlan", "only a vlan adapter has a VLAN id; a veth adapter is tagged "
		       "by its portgroup's vlan");
		break;
	case PROFILE_BACKING_MACVLAN:
		require(c, m, "uplink", a);
		forbid(c, m, "portgroup", "a macvlan adapter sits on an uplink, not on a portgroup");
		forbid(c, m, "switch", "a macvlan adapter sits on an uplink, not on a switch");
		forbid(c, m, "vlan", "only a vlan adapter has a VLAN id");
		break;
	case PROFILE_BACKING_SWITCH:
	case PROFILE_BACKING_UPLINK:
		forbid(c, m, "portgroup", in_place);
		forbid(c, m, "uplink", in_place);
		forbid(c, m, "switch", in_place);
		forbid(c, m, "vlan", "only a vlan adapter has a VLAN id; use backing: vlan for a "
		       "VLAN device over this interface");
		break;
	case PROFILE_BACKING_VLAN:
		forbid(c, m, "portgroup", "a vlan adapter sits on a switch's bridge or an uplink "
		       "(switch: or uplink:), not on a portgroup");
		if (ydoc_map_get(m, "switch") && ydoc_map_get(m, "uplink"))
			conv_error(c, ydoc_map_get(m, "uplink"), "uplink: a vlan adapter sits on "
				   "either a switch or an uplink, not both");
		else if (!ydoc_map_get(m, "switch") && !ydoc_map_get(m, "uplink") && !c->partial)
			conv_error(c, m, "adapter: missing required key 'switch' or 'uplink' "
				   "(backing: vlan)");
		require(c, m, "vlan", a);
		if (get_uint(c, m, "vlan", 1, 4094, &v, &a->vlan_loc))
			a->vlan = (unsigned)v;
		break;
	case PROFILE_BACKING__MAX:
		break;
	}
	n = ydoc_map_get(m, "switch");
	if (n && a->backing == PROFILE_BACKING_VLAN) {
		a->switch_loc = n->loc;
		conv_ifname(c, n, "switch", IFNAME_MAX, &a->switch_name);
	}
}

static void conv_adapter(struct conv *c, const struct ydoc_node *m, struct profile_adapter *a)
{
	static const char *const keys[] = {
		"name", "backing", "portgroup", "uplink", "switch", "vlan", "services", "stack",
		"mtu", "mac", "ipv4", "ipv6", "state", "shaping", NULL,
	};
	const struct ydoc_node *n;
	uint64_t v;
	int b;

	conv_check_keys(c, m, keys, "adapter");
	a->loc = m->loc;
	a->stack = PROFILE_DEFAULT_STACK;
	a->mtu = PROFILE_DEFAULT_MTU;
	a->mac_auto = true;
	n = ydoc_map_get(m, "backing");
	if (n && conv_enum(c, n, "backing", backing_names, PROFILE_BACKING__MAX, &b)) {
		a->backing = (enum profile_backing)b;
		a->backing_loc = n->loc;
	}
	/* Only a veth adapter has a peer named <adapter>p. */
	a->name = get_name(c, m, "adapter", a->backing == PROFILE_BACKING_VETH ? ADAPTER_NAME_MAX
									       : IFNAME_MAX, &a->loc);
	n = ydoc_map_get(m, "portgroup");
	if (n) {
		a->portgroup_loc = n->loc;
		conv_str(c, n, "portgroup", &a->portgroup);
	}
	n = ydoc_map_get(m, "uplink");
	if (n) {
		a->uplink_loc = n->loc;
		conv_ifname(c, n, "uplink", IFNAME_MAX, &a->uplink);
	}
	conv_backing_keys(c, m, a);
	n = ydoc_map_get(m, "services");
	if (n)
		conv_services(c, n, a);
	n = ydoc_map_get(m, "stack");
	if (n) {
		a->stack_loc = n->loc;
		conv_str(c, n, "stack", &a->stack);
	}
	if (get_uint(c, m, "mtu", 68, 65535, &v, &a->mtu_loc))
		a->mtu = (unsigned)v;
	n = ydoc_map_get(m, "mac");
	if (n)
		conv_mac(c, n, a);
	n = ydoc_map_get(m, "ipv4");
	if (n)
		conv_ipv4(c, n, a);
	n = ydoc_map_get(m, "ipv6");
	if (n)
		conv_ipv6(c, n, a);
	get_state(c, m, &a->state, &a->state_loc);
	n = ydoc_map_get(m, "shaping");
	if (n)
		conv_shaping(c, n, &a->shaping);
}

static void conv_route_to(struct conv *c, const struct ydoc_node *n, struct profile_route *r)
{
	char net[ADDR_STRLEN];
	const char *s;

	r->to_loc = n->loc;
	if (!conv_str(c, n, "to", &s))
		return;
	if (strcmp(s, "default") == 0) {
		/* The family comes from `via`, resolved by the caller. */
		r->to.prefixlen = 0;
		return;
	}
	if (!conv_cidr(c, n, "to", 0, &r->to))
		return;
	if (addr_not_destination(&r->to)) {
		conv_error(c, n, "to: '%s' is %s, not a route destination", s,
			   addr_not_destination(&r->to));
		r->to.family = 0;
		return;
	}
	if (!addr_is_network(&r->to)) {
		struct hn_addr nw = addr_network(&r->to);

		conv_error(c, n, "to: '%s' has host bits set; the network is %s", s,
			   addr_format(&nw, true, net, sizeof(net)));
		r->to.family = 0;
	}
}

static void conv_route(struct conv *c, const struct ydoc_node *m, struct profile_route *r)
{
	static const char *const keys[] = { "to", "via", "adapter", "stack", "metric", NULL };
	const struct ydoc_node *to, *via, *n;
	uint64_t v;

	conv_check_keys(c, m, keys, "route");
	r->loc = m->loc;
	r->stack = PROFILE_DEFAULT_STACK;
	to = conv_require(c, m, "to", "route");
	if (to)
		conv_route_to(c, to, r);
	via = ydoc_map_get(m, "via");
	if (via) {
		r->via_loc = via->loc;
		if (conv_ip(c, via, "via", 0, &r->via) && next_hop(c, via, "via", &r->via) &&
		    r->to.family &&
		    r->to.family != r->via.family) {
			conv_error(c, via, "via: %s gateway for an %s destination",
				   r->via.family == AF_INET ? "IPv4" : "IPv6",
				   r->to.family == AF_INET ? "IPv4" : "IPv6");
			r->via.family = 0;
		}
	}
	if (to && to->kind == YDOC_KIND_SCALAR && strcmp(ydoc_str(to), "default") == 0) {
		if (r->via.family)
			r->to.family = r->via.family;
		else if (!via)
			conv_error(c, to, "to: 'default' needs 'via' to tell IPv4 from IPv6; "
				   "write 0.0.0.0/0 or ::/0");
		r->to.prefixlen = 0;
	}
	n = ydoc_map_get(m, "adapter");
	if (n) {
		r->adapter_loc = n->loc;
		conv_ifname(c, n, "adapter", IFNAME_MAX, &r->adapter);
	}
	if (!via && !n)
		conv_error(c, m, "route: needs 'via' (a gateway) or 'adapter' (a directly "
			   "connected route), or both");
	n = ydoc_map_get(m, "stack");
	if (n) {
		r->stack_loc = n->loc;
		conv_str(c, n, "stack", &r->stack);
	}
	if (get_uint(c, m, "metric", 0, UINT32_MAX, &v, &r->metric_loc))
		r->metric = (uint32_t)v;
}

/* Converts each mapping item of a top-level list with `fn`. */
#define CONV_LIST(c, root, key, arr, n, fn)					\
	do {									\
		const struct ydoc_node *l_ = ydoc_map_get((root), (key));	\
		size_t cnt_;							\
		(arr) = list_items((c), l_, (key), sizeof(*(arr)), &cnt_);	\
		for (size_t i_ = 0; i_ < cnt_; i_++) {				\
			const struct ydoc_node *it_ = ydoc_item(l_, i_);		\
			if (!conv_map((c), it_, (key)))				\
				continue;					\
			fn((c), it_, &(arr)[(n)++]);				\
		}								\
	} while (0)

static int add_implicit_default_stack(struct profile *p, struct arena *a)
{
	struct profile_stack *v;

	if (profile_find_stack(p, PROFILE_DEFAULT_STACK))
		return 0;
	v = arena_grow(a, p->stacks, p->n_stacks, p->n_stacks + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[p->n_stacks] = (struct profile_stack){
		.name = PROFILE_DEFAULT_STACK,
		.table = PROFILE_MAIN_TABLE,
		.implicit = true,
	};
	p->stacks = v;
	p->n_stacks++;
	return 0;
}

/* An adapter in place is the switch's bridge or the uplink itself: without
 * its own `mtu` it has theirs (an uplink without one keeps the NIC's, and
 * the adapter reads as the default). */
static void inherit_in_place_mtus(struct profile *p)
{
	for (size_t i = 0; i < p->n_adapters; i++) {
		struct profile_adapter *a = &p->adapters[i];
		const struct profile_switch *s;
		const struct profile_uplink *u;

		if (a->mtu_loc.file || !a->name)
			continue;
		if (a->backing == PROFILE_BACKING_SWITCH && (s = profile_find_switch(p, a->name)))
			a->mtu = s->mtu;
		else if (a->backing == PROFILE_BACKING_UPLINK && (u = profile_find_uplink(p, a->name)) &&
			 u->mtu)
			a->mtu = u->mtu;
	}
}

static bool valid_host_name(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 63 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static void conv_header(struct conv *c, const struct ydoc_node *root, struct profile *p)
{
	static const char *const kinds[] = { PROFILE_KIND_HOST, PROFILE_KIND_FRAGMENT };
	const struct ydoc_node *n;
	int k;

	n = conv_require(c, root, "apiVersion", "profile");
	if (n && conv_str(c, n, "apiVersion", &p->api_version) &&
	    strcmp(p->api_version, PROFILE_API_VERSION) != 0)
		conv_error(c, n, "apiVersion: '%s' is not supported; this hostnet reads '%s'",
			   p->api_version, PROFILE_API_VERSION);
	n = conv_require(c, root, "kind", "profile");
	if (n && conv_enum(c, n, "kind", kinds, 2, &k))
		p->kind = kinds[k];
	n = ydoc_map_get(root, "host");
	if (n) {
		p->host_loc = n->loc;
		if (p->kind == kinds[1])
			conv_error(c, n, "host: a %s is shared by hosts and names none; remove 'host'",
				   PROFILE_KIND_FRAGMENT);
		else if (conv_str(c, n, "host", &p->host) && !valid_host_name(p->host)) {
			conv_error(c, n, "host: '%s' is not a host name (1..63 of A-Z, a-z, 0-9, "
				   "'.', '_' and '-')", p->host);
			p->host = NULL;
		}
	} else if (p->kind == kinds[0]) {
		conv_error(c, root, "profile: missing required key 'host'");
	}
	n = ydoc_map_get(root, "extends");
	if (n && n->kind == YDOC_KIND_SCALAR && !ydoc_is_null(n)) {
		const char *s;

		if (conv_str(c, n, "extends", &s)) {
			p->extends.v = arena_calloc(c->arena, 1, sizeof(*p->extends.v));
			p->extends.loc = arena_calloc(c->arena, 1, sizeof(*p->extends.loc));
			if (!p->extends.v || !p->extends.loc) {
				c->oom = true;
				return;
			}
			p->extends.v[0] = s;
			p->extends.loc[0] = n->loc;
			p->extends.n = 1;
		}
	} else if (n) {
		get_strv(c, n, "extends", 0, &p->extends);
	}
}

int profile_from_tree(struct profile **out, const struct ydoc_node *root, struct diag_list *diags)
{
	static const char *const keys[] = {
		"apiVersion", "kind", "host", "extends", "uplinks", "switches", "portgroups",
		"stacks", "adapters", "routes", "firewall", NULL,
	};
	struct profile *p = NULL;
	struct arena *a = arena_new();
	struct conv c = { .arena = a, .diags = diags };

	*out = NULL;
	if (!a)
		return -ENOMEM;
	p = arena_alloc(a, sizeof(*p));
	if (!p) {
		arena_free(a);
		return -ENOMEM;
	}
	p->arena = a;
	if (!root) {
		diag_error(diags, NULL, "the profile is empty");
		c.failed = true;
		goto out;
	}
	p->loc = root->loc;
	if (!conv_map(&c, root, "profile"))
		goto out;
	conv_check_keys(&c, root, keys, "profile");
	conv_header(&c, root, p);
	/* A fragment alone may hold partial objects (overrides completed by
	 * what it is merged with); a host profile must be whole. */
	c.partial = p->kind && strcmp(p->kind, PROFILE_KIND_FRAGMENT) == 0;
	CONV_LIST(&c, root, "uplinks", p->uplinks, p->n_uplinks, conv_uplink);
	CONV_LIST(&c, root, "switches", p->switches, p->n_switches, conv_switch);
	CONV_LIST(&c, root, "portgroups", p->portgroups, p->n_portgroups, conv_portgroup);
	CONV_LIST(&c, root, "stacks", p->stacks, p->n_stacks, conv_stack);
	CONV_LIST(&c, root, "adapters", p->adapters, p->n_adapters, conv_adapter);
	CONV_LIST(&c, root, "routes", p->routes, p->n_routes, conv_route);
	inherit_in_place_mtus(p);
	for (size_t i = 0; i < ydoc_count(root); i++) {
		/* Its plan lines point at the key, "firewall:", itself. */
		if (strcmp(ydoc_str(ydoc_key(root, i)), "firewall") != 0)
			continue;
		profile_conv_firewall(&c, ydoc_item(root, i), &p->firewall);
		p->firewall.loc = ydoc_key(root, i)->loc;
	}
	if (add_implicit_default_stack(p, a) < 0)
		c.oom = true;
out:
	if (c.oom) {
		profile_free(p);
		return -ENOMEM;
	}
	*out = p;
	return c.failed ? -EINVAL : 0;
}

struct profile *profile_free(struct profile *p)
{
	if (p)
		arena_free(p->arena);
	return NULL;
}
