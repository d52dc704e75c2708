#include "realize.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "fw.h"
#include "mark.h"
#include "profile.h"
#include "sort.h"

/* IPv6 routes added without a metric get the kernel's user default, so the
 * want says so and compares equal to what is observed. */
#define IP6_RT_PRIO_USER 1024u

struct rz {
	struct want *w;
	const struct profile *p;
	size_t cap_links, cap_addrs, cap_routes, cap_rules;
	bool oom;
};

/* Makes room for one more element; on failure the array stays as it was
 * (and is still freed by want_clear()). */
static void *grow(struct rz *z, void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;

	if (n < *cap)
		return *v;
	nv = realloc(*v, (*cap ? *cap * 2 : 16) * size);
	if (!nv) {
		z->oom = true;
		return NULL;
	}
	*cap = *cap ? *cap * 2 : 16;
	*v = nv;
	return nv;
}

#define RZ_PUSH(z, arr, n, cap) \
	(grow((z), (void **)&(arr), (n), &(cap), sizeof(*(arr))) ? &(arr)[(n)++] : NULL)

static void need(struct rz *z, enum kobj_cap cap, const struct hn_loc *loc)
{
	if (z->w->needs & (1u << cap))
		return;
	z->w->needs |= 1u << cap;
	z->w->needs_loc[cap] = *loc;
}

static const struct hn_loc *vloc_or(const struct hn_loc *loc, const struct hn_loc *fallback)
{
	return loc->file ? loc : fallback;
}

static void copy_name(char dst[KOBJ_IFNAMSIZ], const char *src)
{
	size_t n = src ? strnlen(src, KOBJ_IFNAMSIZ - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

static struct want_link *add_link(struct rz *z, const char *name, enum kobj_link_kind kind,
				  const struct hn_loc *loc)
{
	struct want_link *l = RZ_PUSH(z, z->w->links, z->w->n_links, z->cap_links);

	if (!l)
		return NULL;
	*l = (struct want_link){ .l = { .kind = kind, .admin_up = true }, .loc = *loc };
	copy_name(l->l.name, name);
	if (kind != KOBJ_LINK_KIND_DEVICE)
		copy_name(l->l.kind_name, kobj_link_kind_name(kind));
	return l;
}

/* An owned link: hostnet's group and a marker alias. */
static void mark_link(struct want_link *l, const struct mark *m)
{
	l->l.group = KOBJ_LINK_GROUP;
	l->l.owned = true;
	mark_format(l->l.alias, sizeof(l->l.alias), m);
	l->manage |= 1u << WANT_ATTR_MARK | 1u << WANT_ATTR_MTU | 1u << WANT_ATTR_STATE;
}

static const struct profile_switch *switch_of_uplink(const struct profile *p, const char *uplink)
{
	for (size_t i = 0; i < p->n_switches; i++)
		for (size_t j = 0; j < p->switches[i].uplinks.n; j++)
			if (strcmp(p->switches[i].uplinks.v[j], uplink) == 0)
				return &p->switches[i];
	return NULL;
}

/* The IPv6 router-advertisement settings of a link, managed. */
static void manage_ras(struct want_link *l, uint8_t accept_ra, uint8_t autoconf, uint8_t defrtr)
{
	l->l.has_ra = true;
	l->l.accept_ra = accept_ra;
	l->l.autoconf = autoconf;
	l->l.accept_ra_defrtr = defrtr;
	l->manage |= 1u << WANT_ATTR_RA;
}

/* ARP flux off: Linux answers ARP for any of its addresses on any link
 * (arp_ignore 0), so a neighbour could reach vmk1's address through vmk0 or
 * the switch and bypass the firewall's per-adapter rules.  arp_ignore 1
 * answers only for the link's own addresses, arp_announce 2 sends ARP from
 * the link's own address, and rp_filter 2 (loose) drops only sources no
 * route reaches: strict (1) would drop the stacks' asymmetric paths, where a
 * reply to a source in table 100 leaves by another adapter than it came. */
static void manage_arp(struct want_link *l)
{
	l->l.has_arp = true;
	l->l.arp_ignore = 1;
	l->l.arp_announce = 2;
	l->l.rp_filter = 2;
	l->manage |= 1u << WANT_ATTR_ARP;
}

/* A teamed switch's uplinks join a bond, and the bond joins the bridge. */
static void bond_name(char out[KOBJ_IFNAMSIZ], const struct profile_switch *s)
{
	copy_name(out, s->name);
	strncat(out, PROFILE_BOND_SUFFIX, KOBJ_IFNAMSIZ - strlen(out) - 1);
}

/* Without link monitoring a bond keeps a member whose carrier is gone
 * active, and failover never happens: link status every 100 ms unless the
 * profile says otherwise (ESXi's default detection).  No ARP monitoring
 * (validate-settings.c says why): zero, which also clears any set by hand. */
static void realize_bond_mon(struct kobj_bond_mon *m, const struct profile_detection *d)
{
	*m = (struct kobj_bond_mon){ 0 };
	m->miimon = d->present && d->interval_ms ? d->interval_ms : PROFILE_DETECTION_LINK_MS;
}

/* Whether a is a VLAN adapter over switch s's bridge. */
static bool vlan_over(const struct profile_adapter *a, const struct profile_switch *s)
{
	return a->backing == PROFILE_BACKING_VLAN && a->switch_name &&
	       strcmp(a->switch_name, s->name) == 0;
}

/* A VLAN-filtering bridge drops what its own VLAN devices send and are
 * sent unless the bridge itself is in their VLANs (bridge vlan ... self),
 * tagged; it keeps its default PVID 1. */
static void realize_bridge_vlans(struct rz *z, const struct profile_switch *s, struct want_link *l)
{
	struct kobj_brvlan v = { .pvid = 1 };
	bool any = false;

	for (size_t j = 0; j < z->p->n_adapters; j++)
		if (vlan_over(&z->p->adapters[j], s)) {
			(void)kobj_brvlan_add(&v, (uint16_t)z->p->adapters[j].vlan, false);
			any = true;
		}
	if (!l->vlan_filtering || !any)
		return;
	l->l.has_brvlan = true;
	l->l.brvlan = v;
	l->manage |= 1u << WANT_ATTR_BRVLAN;
}

/* The bridge port towards the physical network (an uplink, or the bond of
 * a teamed switch) carries every tagged portgroup VLAN of its switch,
 * tagged, and keeps the bridge's default PVID 1 for untagged portgroups:
 * a VLAN-filtering bridge drops the frames of a VLAN a port is not in. */
static void realize_uplink_vlans(struct rz *z, const struct profile_switch *s, struct want_link *l)
{
	const struct profile *p = z->p;
	struct kobj_brvlan v = { 0 };
	bool any = false;

	for (size_t j = 0; j < p->n_portgroups; j++) {
		const struct profile_portgroup *pg = &p->portgroups[j];

		if (!pg->vlan || !pg->switch_name || strcmp(pg->switch_name, s->name) != 0)
			continue;
		/* More VLANs than a port's set holds: validation refuses them
		 * (validate-net.c), so a full set is not reached here. */
		(void)kobj_brvlan_add(&v, (uint16_t)pg->vlan, false);
		any = true;
	}
	if (!any)
		return;
	/* VLAN adapters over the filtering bridge reach the network through
	 * the uplinks too. */
	for (size_t j = 0; j < p->n_adapters; j++)
		if (vlan_over(&p->adapters[j], s))
			(void)kobj_brvlan_add(&v, (uint16_t)p->adapters[j].vlan, false);
	(void)kobj_brvlan_add(&v, 1, true);
	l->l.has_brvlan = true;
	l->l.brvlan = v;
	l->manage |= 1u << WANT_ATTR_BRVLAN;
}

static void realize_bond(struct rz *z, const struct profile_switch *s)
{
	const struct profile_teaming *t = &s->teaming;
	char name[KOBJ_IFNAMSIZ];
	struct want_link *l;

	bond_name(name, s);
	l = add_link(z, name, KOBJ_LINK_KIND_BOND, &t->loc);
	if (!l)
		return;
	l->l.mtu = s->mtu;
	mark_link(l, &(struct mark){ .role = MARK_ROLE_BOND });
	manage_ras(l, 0, 0, 0);
	copy_name(l->master, s->name);
	l->manage |= 1u << WANT_ATTR_MASTER | 1u << WANT_ATTR_BOND;
	/* failover = active-backup with the active uplink as primary, so it
	 * takes traffic back when it returns (ESXi's "failback: yes");
	 * loadbalance = balance-xor, hashing flows over every uplink without
	 * switch-side LACP, as ESXi's "route based on IP hash" expects a
	 * static port channel. */
	switch (t->policy) {
	case PROFILE_TEAMING_FAILOVER:
		l->l.bond_mode = KOBJ_BOND_ACTIVE_BACKUP;
		if (t->active.n)
			copy_name(l->primary, t->active.v[0]);
		break;
	case PROFILE_TEAMING_LOADBALANCE:
	case PROFILE_TEAMING__MAX:
		l->l.bond_mode = KOBJ_BOND_XOR;
		break;
	}
	realize_bond_mon(&l->l.bond_mon, &t->detection);
	need(z, KOBJ_CAP_BOND, &t->loc);
	realize_uplink_vlans(z, s, l);
}

/* Whether a macvlan or VLAN adapter sits on the uplink. */
static bool carries_adapter(const struct profile *p, const char *uplink)
{
	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_adapter *a = &p->adapters[i];

		if ((a->backing == PROFILE_BACKING_MACVLAN || a->backing == PROFILE_BACKING_VLAN) &&
		    a->uplink && strcmp(a->uplink, uplink) == 0)
			return true;
	}
	return false;
}

static void realize_switches(struct rz *z)
{
	const struct profile *p = z->p;

	for (size_t i = 0; i < p->n_switches; i++) {
		const struct profile_switch *s = &p->switches[i];
		struct want_link *l = add_link(z, s->name, KOBJ_LINK_KIND_BRIDGE, &s->loc);

		if (!l)
			return;
		l->l.mtu = s->mtu;
		mark_link(l, &(struct mark){ .role = MARK_ROLE_SWITCH });
		/* Like an ESXi vSwitch, the bridge carries other machines'
		 * traffic and has no address of its own: an RA on it must not
		 * give the host an address or a default route there. */
		manage_ras(l, 0, 0, 0);
		/* With no address it must not answer ARP for the adapters'. */
		manage_arp(l);
		need(z, KOBJ_CAP_BRIDGE, &s->loc);
		if (s->teaming.present)
			realize_bond(z, s);
		for (size_t j = 0; j < p->n_portgroups; j++)
			if (p->portgroups[j].vlan && p->portgroups[j].switch_name &&
			    strcmp(p->portgroups[j].switch_name, s->name) == 0)
				l->vlan_filtering = true;
		realize_bridge_vlans(z, s, l);
	}
	/* Uplinks are the host's NICs: hostnet only sets what the profile asks,
	 * plus what a switch needs of its ports (its MTU, membership, up). */
	for (size_t i = 0; i < p->n_uplinks; i++) {
		const struct profile_uplink *u = &p->uplinks[i];
		const struct profile_switch *s = switch_of_uplink(p, u->name);
		struct want_link *l = add_link(z, u->name, KOBJ_LINK_KIND_DEVICE, &u->loc);

		if (!l)
			return;
		l->foreign = true;
		l->l.mtu = u->mtu ? u->mtu : s ? s->mtu : 0;
		if (l->l.mtu)
			l->manage |= 1u << WANT_ATTR_MTU;
		if (u->has_state || s) {
			l->l.admin_up = u->has_state ? u->state == PROFILE_STATE_UP : true;
			l->manage |= 1u << WANT_ATTR_STATE;
		}
		if (s && s->teaming.present) {
			bond_name(l->master, s);
			l->manage |= 1u << WANT_ATTR_MASTER;
		} else if (s) {
			copy_name(l->master, s->name);
			l->manage |= 1u << WANT_ATTR_MASTER;
			realize_uplink_vlans(z, s, l);
		} else if (carries_adapter(p, u->name)) {
			/* A macvlan on a bridge port is EBUSY: a NIC that
			 * left its switch (esx03 -> esx04) leaves its bridge. */
			l->master[0] = '\0';
			l->manage |= 1u << WANT_ATTR_MASTER;
		}
	}
}

static const struct profile_stack *stack_of(const struct profile *p, const char *name)
{
	return profile_find_stack(p, name ? name : PROFILE_DEFAULT_STACK);
}

/* IPv4 from DHCP, router advertisements and shaping: attributes of the
 * adapter link itself. */
static void realize_settings(struct rz *z, const struct profile_adapter *a,
			     const struct profile_stack *st, struct want_link *l)
{
	const struct profile_shaping *sh = &a->shaping;
	bool main_stack = !st || strcmp(st->name, PROFILE_DEFAULT_STACK) == 0;

	l->dhcp4 = a->dhcp4;
	if (a->dhcp4)
		l->manage |= 1u << WANT_ATTR_DHCP;
	/* RAs are off unless asked for: an adapter's addresses are the
	 * profile's.  accept_ra 2 keeps them working on a forwarding host; a
	 * stack other than the default takes no default route from an RA, as
	 * it would land in the main table, outside the stack. */
	manage_ras(l, a->slaac ? 2 : 0, a->slaac, a->slaac && main_stack);
	if (a->ipv4.n || a->dhcp4)
		manage_arp(l);
	l->manage |= 1u << WANT_ATTR_SHAPING;
	if (!sh->present)
		return;
	copy_name(l->l.qdisc, "tbf");
	l->l.qdisc_handle = KOBJ_QDISC_HANDLE;
	l->l.shaping = (struct kobj_shaping){
		.rate = sh->average / 8, .peak = sh->peak / 8, .burst = (uint32_t)sh->burst,
	};
	need(z, KOBJ_CAP_TBF, &sh->loc);
}

/* A MAC for an adapter whose port filters by MAC, when the profile leaves
 * it to the kernel: derived from the host and adapter names (FNV-1a), so it
 * is the same on every apply and known to the plan, like systemd-networkd's
 * MACAddressPolicy=persistent.  Locally administered, unicast. */
static struct hn_mac persistent_mac(const char *host, const char *adapter)
{
	uint64_t h = 0xcbf29ce484222325ull;
	struct hn_mac m;
	const char *parts[] = { host ? host : "", "/", adapter ? adapter : "" };

	for (size_t i = 0; i < 3; i++)
		for (const unsigned char *c = (const unsigned char *)parts[i]; *c; c++)
			h = (h ^ *c) * 0x100000001b3ull;
	for (size_t i = 0; i < sizeof(m.b); i++)
		m.b[i] = (uint8_t)(h >> (8 * i));
	m.b[0] = (uint8_t)((m.b[0] & 0xfc) | 0x02);
	return m;
}

/* ESXi's security policy on the adapter's bridge port:
 *   promiscuous reject       unknown unicast is not flooded to the port
 *   mac_changes reject       the port does not learn, so only the profile's
 *                            MAC (a static FDB entry) reaches the adapter
 *   forged_transmits reject  the port is locked: frames from a source MAC
 *                            without an FDB entry on it are dropped
 * Any reject pins the adapter's MAC with a static FDB entry, so frames to
 * it never depend on learning (flooding may be off). */
static void realize_security(struct rz *z, const struct profile_adapter *a,
			     const struct profile_security *sec, struct want_link *l,
			     struct want_link *pl)
{
	bool mac_reject = sec->mac_changes == PROFILE_POLICY_REJECT;
	bool forged_reject = sec->forged_transmits == PROFILE_POLICY_REJECT;
	bool promisc_reject = sec->promiscuous == PROFILE_POLICY_REJECT;

	pl->l.brport = 0;
	if (!mac_reject && !forged_reject)
		pl->l.brport |= 1u << KOBJ_BRPORT_LEARNING;
	if (!promisc_reject && !mac_reject)
		pl->l.brport |= 1u << KOBJ_BRPORT_FLOOD;
	if (forged_reject) {
		pl->l.brport |= 1u << KOBJ_BRPORT_LOCKED;
		need(z, KOBJ_CAP_BRPORT_LOCKED, vloc_or(&sec->forged_transmits_loc, &sec->loc));
	}
	if (!mac_reject && !forged_reject && !promisc_reject)
		return;
	if (!l->l.has_mac) {
		l->l.mac = persistent_mac(z->p->host, a->name);
		l->l.has_mac = true;
		l->manage |= 1u << WANT_ATTR_MAC;
	}
	pl->l.n_fdb = 1;
	pl->l.fdb = l->l.mac;
}

/* An adapter in place: the switch's bridge or the uplink carries the
 * adapter's addresses, routes and rules (realize_routing()) and the
 * settings the profile gives it.  No link is made and no mark is written:
 * an uplink is foreign and a switch's bridge keeps its own mark, so the
 * services live in the profile only; the addresses are hostnet's by their
 * IFA_PROTO (kobj.h).  A NIC's RAs and root qdisc are left as they are
 * unless the profile asks for SLAAC or shaping. */
static void realize_in_place(struct rz *z, const struct profile_adapter *a,
			     const struct profile_stack *st)
{
	struct want_link *l = NULL;

	for (size_t i = 0; i < z->w->n_links && !l; i++)
		if (strcmp(z->w->links[i].l.name, a->name) == 0)
			l = &z->w->links[i];
	if (!l)
		return;   /* validation names the missing switch or uplink */
	l->in_place_services = a->services;
	if (st && strcmp(st->name, PROFILE_DEFAULT_STACK) != 0)
		copy_name(l->in_place_stack, st->name);
	if (a->mtu_loc.file) {
		l->l.mtu = a->mtu;
		l->manage |= 1u << WANT_ATTR_MTU;
	}
	/* An adapter is up unless it says down, on a NIC too. */
	l->l.admin_up = a->state == PROFILE_STATE_UP;
	l->manage |= 1u << WANT_ATTR_STATE;
	if (!a->mac_auto) {
		l->l.mac = a->mac;
		l->l.has_mac = true;
		l->manage |= 1u << WANT_ATTR_MAC;
	}
	if (a->backing == PROFILE_BACKING_SWITCH || a->slaac || a->shaping.present) {
		realize_settings(z, a, st, l);
		if (!a->shaping.present)
			l->manage &= ~(1u << WANT_ATTR_SHAPING);
	} else if (a->dhcp4) {
		l->dhcp4 = true;
		l->manage |= 1u << WANT_ATTR_DHCP;
	}
	if (st && st->isolation == PROFILE_ISOLATION_VRF) {
		copy_name(l->master, st->name);
		l->manage |= 1u << WANT_ATTR_MASTER;
	}
}

static enum kobj_link_kind adapter_kind(enum profile_backing b)
{
	switch (b) {
	case PROFILE_BACKING_MACVLAN:
		return KOBJ_LINK_KIND_MACVLAN;
	case PROFILE_BACKING_VLAN:
		return KOBJ_LINK_KIND_VLAN;
	case PROFILE_BACKING_SWITCH:
		return KOBJ_LINK_KIND_BRIDGE;
	case PROFILE_BACKING_UPLINK:
		return KOBJ_LINK_KIND_DEVICE;
	case PROFILE_BACKING_VETH:
	case PROFILE_BACKING__MAX:
		break;
	}
	return KOBJ_LINK_KIND_VETH;
}

static void realize_adapter(struct rz *z, const struct profile_adapter *a)
{
	const struct profile *p = z->p;
	const struct profile_stack *st = stack_of(p, a->stack);
	bool vrf = st && st->isolation == PROFILE_ISOLATION_VRF;
	struct mark m = { .role = MARK_ROLE_ADAPTER, .services = a->services };
	struct want_link *l;

	if (profile_backing_in_place(a->backing)) {
		realize_in_place(z, a, st);
		return;
	}
	if (st && strcmp(st->name, PROFILE_DEFAULT_STACK) != 0)
		copy_name(m.stack, st->name);
	l = add_link(z, a->name, adapter_kind(a->backing), &a->loc);
	if (!l)
		return;
	l->l.mtu = a->mtu;
	l->l.admin_up = a->state == PROFILE_STATE_UP;
	mark_link(l, &m);
	if (!a->mac_auto) {
		l->l.mac = a->mac;
		l->l.has_mac = true;
		l->manage |= 1u << WANT_ATTR_MAC;
	}
	realize_settings(z, a, st, l);
	if (vrf) {
		copy_name(l->master, st->name);
		l->manage |= 1u << WANT_ATTR_MASTER;
	}
	if (a->backing == PROFILE_BACKING_MACVLAN) {
		copy_name(l->parent, a->uplink);
		l->l.macvlan_mode = MACVLAN_MODE_BRIDGE;
		need(z, KOBJ_CAP_MACVLAN, &a->backing_loc);
		return;
	}
	if (a->backing == PROFILE_BACKING_VLAN) {
		copy_name(l->parent, a->switch_name ? a->switch_name : a->uplink);
		l->l.vlan_id = (uint16_t)a->vlan;
		need(z, KOBJ_CAP_VLAN, &a->backing_loc);
		return;
	}
	need(z, KOBJ_CAP_VETH, &a->loc);

	const struct profile_portgroup *pg = profile_find_portgroup(p, a->portgroup);
	char peer[KOBJ_IFNAMSIZ];
	struct want_link *pl;

	copy_name(peer, a->name);
	strncat(peer, REALIZE_PEER_SUFFIX, sizeof(peer) - strlen(peer) - 1);
	copy_name(l->peer, peer);
	pl = add_link(z, peer, KOBJ_LINK_KIND_VETH, &a->loc);
	if (!pl)
		return;
	copy_name(pl->peer, a->name);
	pl->l.mtu = a->mtu;
	struct mark pm = { .role = MARK_ROLE_PORT };
	copy_name(pm.adapter, a->name);
	mark_link(pl, &pm);
	if (pg && pg->switch_name) {
		copy_name(pl->master, pg->switch_name);
		pl->manage |= 1u << WANT_ATTR_MASTER;
	}
	if (pg && pg->vlan) {
		pl->pvid = (uint16_t)pg->vlan;
		/* Only its VLAN: the default VLAN 1 would let untagged
		 * frames from the uplinks reach every tagged portgroup. */
		pl->l.has_brvlan = true;
		pl->l.brvlan.pvid = (uint16_t)pg->vlan;
		pl->manage |= 1u << WANT_ATTR_BRVLAN;
		need(z, KOBJ_CAP_BRIDGE_VLAN_FILTERING, &pg->vlan_loc);
	}
	/* The port is hostnet's: without a policy it gets Linux's defaults
	 * back (learning, flooding, unlocked, no static entry). */
	pl->l.is_brport = true;
	pl->l.brport = KOBJ_BRPORT_DEFAULTS;
	pl->manage |= 1u << WANT_ATTR_BRPORT | 1u << WANT_ATTR_FDB;
	if (pg && pg->security.present)
		realize_security(z, a, &pg->security, l, pl);
}

static void realize_vrfs(struct rz *z)
{
	for (size_t i = 0; i < z->p->n_stacks; i++) {
		const struct profile_stack *st = &z->p->stacks[i];
		struct want_link *l;

		if (st->isolation != PROFILE_ISOLATION_VRF)
			continue;
		l = add_link(z, st->name, KOBJ_LINK_KIND_VRF, &st->loc);
		if (!l)
			return;
		l->l.vrf_table = st->table;
		struct mark m = { .role = MARK_ROLE_VRF };
		copy_name(m.stack, st->name);
		mark_link(l, &m);
		l->manage &= ~(1u << WANT_ATTR_MTU);
		need(z, KOBJ_CAP_VRF, &st->isolation_loc);
	}
}

static void add_addr(struct rz *z, const char *dev, const struct hn_addr *a, const struct hn_loc *loc)
{
	struct want_addr *w = RZ_PUSH(z, z->w->addrs, z->w->n_addrs, z->cap_addrs);

	if (!w)
		return;
	*w = (struct want_addr){ .a = { .addr = *a, .proto = KOBJ_RTPROT_HOSTNET, .owned = true },
				 .loc = *loc };
	copy_name(w->dev, dev);
}

static struct want_route *add_route(struct rz *z, uint32_t table, const struct hn_addr *dst,
				    const char *dev, const struct hn_loc *loc)
{
	struct want_route *w = RZ_PUSH(z, z->w->routes, z->w->n_routes, z->cap_routes);

	if (!w)
		return NULL;
	*w = (struct want_route){
		.r = { .family = dst->family, .table = table, .dst = addr_network(dst),
		       .protocol = KOBJ_RTPROT_HOSTNET, .type = RTN_UNICAST, .owned = true },
		.loc = *loc,
	};
	if (dst->family == AF_INET6)
		w->r.metric = IP6_RT_PRIO_USER;
	copy_name(w->dev, dev);
	return w;
}

static void add_rule(struct rz *z, uint8_t family, uint32_t prio, uint32_t table,
		     const struct hn_addr *src, const char *oif, const struct hn_loc *loc)
{
	struct want_rule *w = RZ_PUSH(z, z->w->rules, z->w->n_rules, z->cap_rules);

	if (!w)
		return;
	*w = (struct want_rule){
		.r = { .family = family, .priority = prio, .table = table, .action = FR_ACT_TO_TBL,
		       .protocol = KOBJ_RTPROT_HOSTNET, .owned = true },
		.loc = *loc,
	};
	if (src)
		w->r.src = *src;
	copy_name(w->r.oif, oif);
}

/* The adapter on `stack` whose subnet holds `ip` (longest prefix), or NULL. */
static const struct profile_adapter *adapter_for(const struct profile *p, const char *stack,
						 const struct hn_addr *ip)
{
	const struct profile_adapter *best = NULL;
	unsigned best_len = 0;

	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_adapter *a = &p->adapters[i];
		const struct profile_addrv *v = ip->family == AF_INET ? &a->ipv4 : &a->ipv6;

		if (!a->stack || strcmp(a->stack, stack) != 0)
			continue;
		for (size_t j = 0; j < v->n; j++)
			if (addr_in_subnet(&v->v[j], ip) && (!best || v->v[j].prefixlen > best_len)) {
				best = a;
				best_len = v->v[j].prefixlen;
			}
	}
	return best;
}

/* adapter_for() scans every adapter; routes through the same gateway on the
 * same stack (the usual case) reuse the previous answer. */
struct adapter_memo {
	const struct profile_route *route;
	const struct profile_adapter *adapter;
};

/* The adapter a route leaves through: the one it names, else the one whose
 * subnet holds its gateway, else NULL. */
static const struct profile_adapter *route_adapter(const struct profile *p,
						   const struct profile_route *pr,
						   struct adapter_memo *m)
{
	if (pr->adapter)
		return profile_find_adapter(p, pr->adapter);
	if (!pr->via.family)
		return NULL;
	if (!m->route || addr_cmp(&m->route->via, &pr->via) != 0 ||
	    strcmp(m->route->stack, pr->stack) != 0) {
		m->route = pr;
		m->adapter = adapter_for(p, pr->stack, &pr->via);
	}
	return m->adapter;
}

/* Whether an address before v[j] in the list has the same subnet. */
static bool subnet_seen(const struct profile_addrv *v, size_t j)
{
	struct hn_addr net = addr_network(&v->v[j]);

	for (size_t k = 0; k < j; k++) {
		struct hn_addr other = addr_network(&v->v[k]);

		if (addr_cmp(&other, &net) == 0)
			return true;
	}
	return false;
}

/* Connected routes, source rules and oif rules of one adapter on a
 * table-isolated stack: the table must reach the adapter's own subnets, and
 * traffic from its addresses (or bound to it) must use the table. */
static void realize_adapter_stack(struct rz *z, const struct profile_adapter *a,
				  const struct profile_stack *st)
{
	const struct profile_addrv *lists[] = { &a->ipv4, &a->ipv6 };
	bool has[2] = { a->ipv4.n > 0, a->ipv6.n > 0 };

	for (size_t f = 0; f < 2; f++) {
		for (size_t j = 0; j < lists[f]->n; j++) {
			struct hn_addr host = lists[f]->v[j];
			struct want_route *r = NULL;

			/* Addresses in one subnet share its connected route: the
			 * kernel refuses a second route of the same key. */
			if (!subnet_seen(lists[f], j))
				r = add_route(z, st->table, &lists[f]->v[j], a->name,
					      &lists[f]->loc[j]);
			/* No preferred source: the "from" rules already pin it,
			 * and a route tied to one address is deleted by the
			 * kernel with it (or refused while IPv6 DAD runs).
			 * IPv6 routes are all of global scope. */
			if (r && host.family == AF_INET)
				r->r.scope = RT_SCOPE_LINK;
			host.prefixlen = host.family == AF_INET ? 32 : 128;
			add_rule(z, host.family, REALIZE_RULE_PRIO_FROM, st->table, &host, NULL,
				 &lists[f]->loc[j]);
		}
	}
	if (has[0] || !has[1])
		add_rule(z, AF_INET, REALIZE_RULE_PRIO_OIF, st->table, NULL, a->name, &a->loc);
	if (has[1])
		add_rule(z, AF_INET6, REALIZE_RULE_PRIO_OIF, st->table, NULL, a->name, &a->loc);
}

static void add_gateway(struct rz *z, const struct profile_stack *st, const struct hn_addr *gw,
			const struct hn_loc *loc)
{
	struct hn_addr def = { .family = gw->family };
	const struct profile_adapter *a;
	struct want_route *r;

	if (!gw->family)
		return;
	a = adapter_for(z->p, st->name, gw);
	r = add_route(z, st->table, &def, a ? a->name : NULL, loc);
	if (r)
		r->r.gateway = *gw;
}

/* A lookup that finds nothing in an isolated stack's table would fall
 * through to the next rule, the main table, and leave by the management
 * gateway: an unreachable default at the last metric stops it there (the
 * kernel's VRF documentation asks the same of a VRF's table). */
static void add_stack_wall(struct rz *z, const struct profile_stack *st)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };

	for (size_t f = 0; f < 2; f++) {
		struct hn_addr def = { .family = families[f] };
		/* The kernel binds IPv6 routes of this type to lo. */
		struct want_route *r = add_route(z, st->table, &def, families[f] == AF_INET6 ? "lo" : NULL,
						 &st->loc);

		if (!r)
			return;
		r->r.type = RTN_UNREACHABLE;
		r->r.metric = UINT32_MAX;
	}
}

static void realize_routing(struct rz *z)
{
	const struct profile *p = z->p;
	struct adapter_memo memo = { 0 };

	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_adapter *a = &p->adapters[i];
		const struct profile_stack *st = stack_of(p, a->stack);
		const struct profile_addrv *lists[] = { &a->ipv4, &a->ipv6 };

		for (size_t f = 0; f < 2; f++)
			for (size_t j = 0; j < lists[f]->n; j++)
				add_addr(z, a->name, &lists[f]->v[j], &lists[f]->loc[j]);
		/* The main table gets connected routes from the kernel, and a
		 * VRF's table too; an isolated table needs them added. */
		if (st && st->isolation == PROFILE_ISOLATION_TABLE &&
		    strcmp(st->name, PROFILE_DEFAULT_STACK) != 0)
			realize_adapter_stack(z, a, st);
	}
	for (size_t i = 0; i < p->n_stacks; i++) {
		const struct profile_stack *st = &p->stacks[i];

		add_gateway(z, st, &st->gateway.ipv4, &st->gateway.ipv4_loc);
		add_gateway(z, st, &st->gateway.ipv6, &st->gateway.ipv6_loc);
		if (strcmp(st->name, PROFILE_DEFAULT_STACK) != 0)
			add_stack_wall(z, st);
	}
	for (size_t i = 0; i < p->n_routes; i++) {
		const struct profile_route *pr = &p->routes[i];
		const struct profile_stack *st = stack_of(p, pr->stack);
		const struct profile_adapter *a = route_adapter(p, pr, &memo);
		struct want_route *r;

		if (!st)
			continue;
		r = add_route(z, st->table, &pr->to, a ? a->name : NULL, &pr->loc);
		if (!r)
			continue;
		r->r.gateway = pr->via;
		if (pr->metric)
			r->r.metric = pr->metric;
		r->r.scope = pr->via.family || pr->to.family == AF_INET6 ? RT_SCOPE_UNIVERSE
								 : RT_SCOPE_LINK;
	}
}

int want_cmp_addr(const struct want_addr *a, const struct want_addr *b)
{
	int r = strcmp(a->dev, b->dev);

	return r ? r : addr_cmp(&a->a.addr, &b->a.addr);
}

/* The kernel's identity of a route: table, destination, metric (TOS is not
 * used here), and for IPv6 also the device, since IPv6 keeps one route per
 * device for the same prefix and metric. */
int want_cmp_route(const struct want_route *a, const struct want_route *b)
{
	int r;

	if (a->r.table != b->r.table)
		return a->r.table < b->r.table ? -1 : 1;
	if (a->r.family != b->r.family)
		return a->r.family < b->r.family ? -1 : 1;
	r = addr_cmp(&a->r.dst, &b->r.dst);
	if (r)
		return r;
	if (a->r.metric != b->r.metric)
		return a->r.metric < b->r.metric ? -1 : 1;
	return a->r.family == AF_INET6 ? strcmp(a->dev, b->dev) : 0;
}

int want_cmp_rule(const struct want_rule *a, const struct want_rule *b)
{
	const struct kobj_rule *x = &a->r, *y = &b->r;
	int r;

#define DIFF_CMP_NUM(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
	DIFF_CMP_NUM(family);
	DIFF_CMP_NUM(priority);
	DIFF_CMP_NUM(table);
	DIFF_CMP_NUM(action);
	DIFF_CMP_NUM(fwmark);
	DIFF_CMP_NUM(fwmask);
#undef DIFF_CMP_NUM
	if ((r = addr_cmp(&x->src, &y->src)) || (r = addr_cmp(&x->dst, &y->dst)) ||
	    (r = strcmp(x->iif, y->iif)) || (r = strcmp(x->oif, y->oif)))
		return r;
	return 0;
}

int want_qcmp_link(const void *a, const void *b)
{
	return strcmp(((const struct want_link *)a)->l.name, ((const struct want_link *)b)->l.name);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void collect_tables(struct rz *z)
{
	struct want *w = z->w;

	w->tables = calloc(w->n_routes + 1, sizeof(*w->tables));
	if (!w->tables) {
		z->oom = true;
		return;
	}
	for (size_t i = 0; i < w->n_routes; i++)
		w->tables[w->tables_n++] = w->routes[i].r.table;
	hn_qsort(w->tables, w->tables_n, sizeof(*w->tables), cmp_u32);
	size_t n = 0;
	for (size_t i = 0; i < w->tables_n; i++)
		if (n == 0 || w->tables[n - 1] != w->tables[i])
			w->tables[n++] = w->tables[i];
	w->tables_n = (uint32_t)n;
}

int want_qcmp_addr(const void *a, const void *b)
{
	return want_cmp_addr(a, b);
}

int want_qcmp_route(const void *a, const void *b)
{
	return want_cmp_route(a, b);
}

int want_qcmp_rule(const void *a, const void *b)
{
	return want_cmp_rule(a, b);
}

/* The canonical order: equal wants are equal arrays. */
static void want_sort(struct want *w)
{
	hn_qsort(w->links, w->n_links, sizeof(*w->links), want_qcmp_link);
	hn_qsort(w->addrs, w->n_addrs, sizeof(*w->addrs), want_qcmp_addr);
	hn_qsort(w->routes, w->n_routes, sizeof(*w->routes), want_qcmp_route);
	hn_qsort(w->rules, w->n_rules, sizeof(*w->rules), want_qcmp_rule);
}

int realize_profile(struct want *out, const struct profile *p)
{
	struct rz z = { .w = out, .p = p };

	*out = (struct want){ 0 };
	realize_switches(&z);
	for (size_t i = 0; i < p->n_adapters && !z.oom; i++)
		realize_adapter(&z, &p->adapters[i]);
	realize_vrfs(&z);
	realize_routing(&z);
	collect_tables(&z);
	if (!z.oom && fw_ruleset(&out->fw.text, p) < 0)
		z.oom = true;
	out->fw.loc = p->firewall.loc;
	if (z.oom) {
		want_clear(out);
		return -ENOMEM;
	}
	/* Canonical order: equal wants are equal arrays, whatever the order
	 * of the profile's lists. */
	want_sort(out);
	return 0;
}

int realize_check_caps(const struct want *w, uint32_t caps, struct diag_list *diags)
{
	static const char *const what[KOBJ_CAP__MAX] = {
		[KOBJ_CAP_VETH] = "a veth adapter needs veth pairs",
		[KOBJ_CAP_BRIDGE] = "a switch needs Linux bridges",
		[KOBJ_CAP_MACVLAN] = "a macvlan adapter needs macvlan",
		[KOBJ_CAP_VXLAN] = "this needs vxlan",
		[KOBJ_CAP_VLAN] = "a VLAN needs 802.1Q VLAN support (8021q)",
		[KOBJ_CAP_VRF] = "isolation: vrf needs VRF support",
		[KOBJ_CAP_BOND] = "teaming needs bonding",
		[KOBJ_CAP_BRIDGE_VLAN_FILTERING] = "a portgroup VLAN needs bridge VLAN filtering",
		[KOBJ_CAP_DUMMY] = "this needs dummy links",
		[KOBJ_CAP_RULE_PROTOCOL] = "stacks need rule protocols",
		[KOBJ_CAP_TBF] = "shaping needs the tbf qdisc (sch_tbf)",
		[KOBJ_CAP_BRPORT_LOCKED] = "forged_transmits: reject needs locked bridge ports (Linux 5.18)",
	};
	int r = 0;

	for (int c = 0; c < KOBJ_CAP__MAX; c++) {
		if (!(w->needs & (1u << c)) || (caps & (1u << c)))
			continue;
		diag_error(diags, w->needs_loc[c].file ? &w->needs_loc[c] : NULL,
			   "%s (%s), which this kernel lacks; nothing was changed", what[c],
			   kobj_cap_name((enum kobj_cap)c));
		r = -EOPNOTSUPP;
	}
	return r;
}

void want_clear(struct want *w)
{
	if (!w)
		return;
	free(w->links);
	free(w->addrs);
	free(w->routes);
	free(w->rules);
	free(w->tables);
	free(w->fw.text);
	arena_free(w->arena);
	*w = (struct want){ 0 };
}

const struct want_link *want_link(const struct want *w, const char *name)
{
	struct want_link key = { 0 };

	copy_name(key.l.name, name);
	return hn_bsearch(&key, w->links, w->n_links, sizeof(*w->links), want_qcmp_link);
}

bool want_manages_table(const struct want *w, uint32_t table)
{
	return hn_bsearch(&table, w->tables, w->tables_n, sizeof(*w->tables), cmp_u32) != NULL;
}

uint32_t want_link_services(const struct want_link *l, char stack[KOBJ_IFNAMSIZ])
{
	struct mark m;

	if (mark_parse(&m, l->l.alias) == 0 && m.role == MARK_ROLE_ADAPTER) {
		if (stack)
			memcpy(stack, m.stack, KOBJ_IFNAMSIZ);
		return m.services;
	}
	if (stack)
		memcpy(stack, l->in_place_stack, KOBJ_IFNAMSIZ);
	return l->in_place_services;
}
