/* realize: a validated profile -> the Linux objects it implies ("want").
 *
 *   switch             bridge <switch>, hostnet's group and alias, uplinks
 *                      enslaved, MTU on the bridge and its uplinks
 *   adapter (veth)     veth <adapter> (addresses, MAC, MTU, services in the
 *                      alias) + peer <adapter>p, a port of the portgroup's
 *                      bridge; a VLAN portgroup needs bridge VLAN filtering
 *   adapter (macvlan)  macvlan <adapter> in bridge mode on its uplink
 *   stack (table)      routes in table T: each adapter's connected subnets
 *                      and the gateway; policy rules "from <address> lookup T"
 *                      (priority 10000) and "oif <adapter> lookup T" (10001)
 *   stack (vrf)        VRF <stack> bound to table T, its adapters enslaved;
 *                      routes in T, no rules
 *   route              in its stack's table, protocol hostnet (77)
 *
 * Everything hostnet creates carries its marks (mark.h, KOBJ_RTPROT_HOSTNET).
 * Uplinks are the host's own NICs: never created or deleted; only the
 * attributes the profile names (MTU, state, master) are managed.
 * Pure: no I/O.  The want owns its arrays; want_clear() frees them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "kobj.h"

struct profile;

#define REALIZE_RULE_PRIO_FROM 10000u
#define REALIZE_RULE_PRIO_OIF  10001u
#define REALIZE_PEER_SUFFIX    "p"

/* Which attributes of a link hostnet manages (bits). */
enum want_attr {
	WANT_ATTR_MTU,
	WANT_ATTR_MAC,
	WANT_ATTR_STATE,     /* admin up/down */
	WANT_ATTR_MASTER,
	WANT_ATTR_MARK,      /* group + alias: owned links only */
	WANT_ATTR_SHAPING,   /* root qdisc: tbf with l.shaping, or the default (qdisc "") */
	WANT_ATTR_BRPORT,    /* bridge port flags l.brport (a port's security policy) */
	WANT_ATTR_FDB,       /* exactly one static FDB entry on the port: l.fdb */
	WANT_ATTR_RA,        /* l.accept_ra, l.autoconf, l.accept_ra_defrtr */
	WANT_ATTR_ARP,       /* l.arp_ignore, l.arp_announce, l.rp_filter (ARP flux) */
	WANT_ATTR_BOND,      /* bond mode and primary */
	WANT_ATTR_DHCP,      /* a DHCP client holds a lease (observed: an address of
			      * protocol KOBJ_PROTO_DHCP on the link) */
	WANT_ATTR_BRVLAN,    /* exactly the bridge VLANs l.brvlan on the port */
	WANT_ATTR__MAX,
};

struct want_link {
	/* First: wantblob reads a want's links as kobj_links with a stride. */
	struct kobj_link l;             /* name, kind, mtu, mac, admin_up, group, alias */
	char master[KOBJ_IFNAMSIZ];     /* "" = none */
	char peer[KOBJ_IFNAMSIZ];       /* veth: the other end (created together) */
	char parent[KOBJ_IFNAMSIZ];     /* macvlan: the uplink */
	char primary[KOBJ_IFNAMSIZ];    /* bond (failover): the active member, "" = none */
	bool dhcp4;                     /* adapter: IPv4 from a DHCP client (ipv4: dhcp);
					 * observed side: the link has a lease */
	uint16_t pvid;                  /* bridge port: untagged VLAN, 0 = none */
	bool vlan_filtering;            /* bridges with VLAN portgroups */
	bool foreign;                   /* an uplink: must exist, never created or deleted */
	uint32_t manage;                /* bits of enum want_attr */
	/* An adapter in place on this link (a switch's bridge, a NIC): its
	 * services (1u << enum profile_service) and stack ("" = default).
	 * No mark on the link can say them (a bridge keeps hostnet:switch, a
	 * NIC is foreign), so the desired state carries them. */
	uint32_t in_place_services;
	char in_place_stack[KOBJ_IFNAMSIZ];
	struct hn_loc loc;              /* the profile line it comes from */
};

struct want_addr {
	char dev[KOBJ_IFNAMSIZ];
	struct kobj_addr a;             /* addr, proto = hostnet; ifindex unused */
	struct hn_loc loc;
};

struct want_route {
	char dev[KOBJ_IFNAMSIZ];        /* "" = let the kernel pick */
	struct kobj_route r;            /* oif unused */
	struct hn_loc loc;
};

struct want_rule {
	struct kobj_rule r;
	struct hn_loc loc;
};

/* The firewall (fw.h): table inet hostnet's text, NULL = no table. */
struct want_fw {
	char *text;                     /* malloc'd; want_clear() frees it */
	struct hn_loc loc;              /* the profile's firewall: key */
};

struct want {
	struct want_link *links;   size_t n_links;
	struct want_addr *addrs;   size_t n_addrs;
	struct want_route *routes; size_t n_routes;
	struct want_rule *rules;   size_t n_rules;
	uint32_t tables_n;         /* the tables hostnet manages (stacks), sorted */
	uint32_t *tables;
	struct want_fw fw;
	/* What the kernel must be able to do, with the line that needs it. */
	uint32_t needs;            /* bits of enum kobj_cap */
	struct hn_loc needs_loc[KOBJ_CAP__MAX];
	void *arena;               /* private: file names of a want read from JSON */
};

/* Builds the want of a profile that validated without errors.
 * Returns 0 or -ENOMEM. */
int realize_profile(struct want *out, const struct profile *p);

/* Refuses what the kernel cannot do: one error per missing capability,
 * at the profile line that needs it ("vlan: VLAN 20 needs bridge VLAN
 * filtering, which this kernel lacks").  Returns -EOPNOTSUPP if any. */
int realize_check_caps(const struct want *w, uint32_t caps, struct diag_list *diags);

void want_clear(struct want *w);
/* Total orders: addresses by (dev, address); routes by the kernel's key
 * (table, family, destination, metric, and the device for IPv6); rules by
 * every field.  realize_profile() leaves each array in this order. */
int want_cmp_addr(const struct want_addr *a, const struct want_addr *b);
int want_cmp_route(const struct want_route *a, const struct want_route *b);
int want_cmp_rule(const struct want_rule *a, const struct want_rule *b);
/* The same orders as qsort/bsearch comparators (links by name). */
int want_qcmp_link(const void *a, const void *b);
int want_qcmp_addr(const void *a, const void *b);
int want_qcmp_route(const void *a, const void *b);
int want_qcmp_rule(const void *a, const void *b);

/* Lookups by name (binary search: realize_profile sorts links by name). */
const struct want_link *want_link(const struct want *w, const char *name);
/* The adapter services link `l` carries by the desired state: its
 * adapter mark's, or those of the adapter in place on it; *stack (may be
 * NULL) gets its stack ("" = default).  0 for no adapter. */
uint32_t want_link_services(const struct want_link *l, char stack[KOBJ_IFNAMSIZ]);
/* Whether hostnet manages routes and rules in this table. */
bool want_manages_table(const struct want *w, uint32_t table);
