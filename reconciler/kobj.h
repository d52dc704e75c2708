/* kobj: Linux network objects as plain values: links, addresses, routes, rules.
 *
 * Desired state (realized from a profile) and observed state (dumped from the
 * kernel, or loaded from a snapshot) use these same types, so the differ and
 * the drift report compare like with like.  A kobj_set owns its arrays.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* How hostnet marks what it owns, so ownership survives restarts:
 *  - routes and rules: this route protocol number (RTPROT / FRA_PROTOCOL),
 *  - links: this link group (IFLA_GROUP) AND an alias starting with
 *    KOBJ_ALIAS_PREFIX ("hostnet:adapter services=vmotion"), or no alias
 *    at all: the group is set by the very request that creates the link,
 *    the alias by the next, so a link in the group without an alias is one
 *    hostnet was creating when it was stopped (a foreign alias means it is
 *    someone else's); the group makes a prune one RTM_DELLINK, the alias
 *    carries the service tags,
 *  - addresses: the link's ownership (an owned link's addresses are hostnet's,
 *    except kernel-made and DHCP-client ones: kobj_addr_owned()), plus IFA_PROTO where the
 *    kernel has it. */
#define KOBJ_RTPROT_HOSTNET   77u
#define KOBJ_LINK_GROUP       0x686e7374u   /* "hnst" */
#define KOBJ_ALIAS_PREFIX     "hostnet:"
#define KOBJ_IFNAMSIZ         16
#define KOBJ_ALIASSIZ         256
/* The handle of the root qdisc hostnet makes for traffic shaping ("hn:"):
 * ownership of a qdisc survives restarts through its handle. */
#define KOBJ_QDISC_HANDLE     0x686e0000u
/* IFA_PROTO / RTPROT of what a DHCP client obtained (RTPROT_DHCP): a lease's
 * address, gateway route and source rule carry it. */
#define KOBJ_PROTO_DHCP       16u

enum kobj_link_kind {
	KOBJ_LINK_KIND_DEVICE,    /* no IFLA_INFO_KIND: a physical NIC (or lo) */
	KOBJ_LINK_KIND_VETH,
	KOBJ_LINK_KIND_BRIDGE,
	KOBJ_LINK_KIND_MACVLAN,
	KOBJ_LINK_KIND_VXLAN,
	KOBJ_LINK_KIND_VLAN,
	KOBJ_LINK_KIND_VRF,
	KOBJ_LINK_KIND_BOND,
	KOBJ_LINK_KIND_TUN,
	KOBJ_LINK_KIND_DUMMY,
	KOBJ_LINK_KIND_OTHER,     /* any other kind; see kind_name */
	KOBJ_LINK_KIND__MAX,
};

const char *kobj_link_kind_name(enum kobj_link_kind k);   /* "device", "veth", ... */
int kobj_link_kind_from_name(const char *name);            /* enum or KOBJ_LINK_KIND_OTHER */

/* Bridge port flags hostnet manages for a portgroup's security policy
 * (bits of kobj_link.brport; IFLA_BRPORT_*). */
enum kobj_brport_flag {
	KOBJ_BRPORT_LEARNING,            /* IFLA_BRPORT_LEARNING */
	KOBJ_BRPORT_FLOOD,               /* IFLA_BRPORT_UNICAST_FLOOD: unknown unicast flooded to it */
	KOBJ_BRPORT_LOCKED,              /* IFLA_BRPORT_LOCKED: only sources in the FDB pass */
	KOBJ_BRPORT__MAX,
};

/* Egress shaping as a root tbf qdisc (ESXi's average / peak / burst).
 * Rates in bytes per second and burst in bytes, as the kernel keeps them. */
struct kobj_shaping {
	uint64_t rate;                   /* average */
	uint64_t peak;                   /* 0 = no peak rate */
	uint32_t burst;                  /* bytes */
};

/* tbf keeps a bucket of bytes at rate (bytes/s) as 64 ns psched ticks:
 * kobj_shaping_ticks() is what nlmsg_qdisc_shaping() sends for it (rounded
 * up; -EINVAL for rate 0 or bytes > 2^32-1, -ERANGE for more than the
 * 2^32 ns the kernel takes as ticks, when TCA_TBF_BURST carries bytes),
 * kobj_shaping_bytes() the bytes that a bucket of ticks holds (rounded
 * down), as `tc` and libnl read TCA_TBF_PARMS.buffer back. */
int kobj_shaping_ticks(uint32_t *out, uint64_t rate, uint64_t bytes);
uint64_t kobj_shaping_bytes(uint64_t rate, uint32_t ticks);
/* Whether two shapings are the same kernel state.  tbf keeps its bucket as
 * 64 ns ticks rounded up (kobj_shaping_ticks()), and the observed burst is
 * the bytes those ticks hold at the rate, rounded down: exact up to
 * 15.6 MB/s (125 Mbit/s), and beyond it a burst that is a whole number of
 * ticks' worth (100 MB at 1gbit) comes back exact, while others come back
 * up to one tick's worth larger (rate * 64 ns: 8 bytes at 1gbit, 800 at
 * 100gbit).  So rates and peaks must be equal and the bursts must round to
 * the same tick count at the rate; a bucket longer than 2^32 ns (sent as
 * TCA_TBF_BURST bytes, see nlmsg-qdisc.c) may differ by the kernel's
 * rounding, under rate * 65 ns + 3 bytes (see kobj-shaping.c). */
bool kobj_shaping_equal(const struct kobj_shaping *a, const struct kobj_shaping *b);

/* A new bridge port's flags, as Linux sets them: learning and flooding on,
 * unlocked.  hostnet keeps a port without a security policy at these. */
#define KOBJ_BRPORT_DEFAULTS (1u << KOBJ_BRPORT_LEARNING | 1u << KOBJ_BRPORT_FLOOD)

/* "learning", "flood", "locked": stable names for files and output. */
const char *kobj_brport_flag_name(enum kobj_brport_flag f);
/* The flag of that name, or -EINVAL. */
int kobj_brport_flag_from_name(const char *name);

/* Bond modes hostnet uses for NIC teaming (BOND_MODE_* values). */
#define KOBJ_BOND_ACTIVE_BACKUP 1u
#define KOBJ_BOND_XOR           2u
/* "active-backup", "balance-xor"; NULL for another mode. */
const char *kobj_bond_mode_name(uint8_t mode);

/* How a bond notices a failed member (kobj-bond.c): the MII link state
 * every miimon ms (ESXi's "link status only"), or ARP probes to targets
 * every arp_interval ms, validated on every member (the nearest Linux has
 * to ESXi's "beacon probing").  The kernel runs one or the other. */
#define KOBJ_BOND_ARP_TARGETS 16         /* BOND_MAX_ARP_TARGETS */
#define KOBJ_BOND_ARP_VALIDATE_ALL 3u    /* BOND_ARP_VALIDATE_ALL */
struct kobj_bond_mon {
	uint32_t miimon;                 /* ms, 0 = no MII monitoring */
	uint32_t arp_interval;           /* ms, 0 = no ARP monitoring */
	uint32_t arp_validate;           /* BOND_ARP_VALIDATE_* */
	uint8_t n_targets;
	uint32_t targets[KOBJ_BOND_ARP_TARGETS];  /* IPv4, network order, ascending */
};
/* Sorts the targets, so that equal sets compare equal. */
void kobj_bond_mon_sort(struct kobj_bond_mon *m);
bool kobj_bond_mon_equal(const struct kobj_bond_mon *a, const struct kobj_bond_mon *b);
bool kobj_bond_mon_is_zero(const struct kobj_bond_mon *m);
/* "link status every 100 ms", "ARP to 192.0.2.1 192.0.2.2 every 1000 ms",
 * "no link monitoring". */
const char *kobj_bond_mon_format(const struct kobj_bond_mon *m, char *buf, size_t size);

/* A bridge port's VLANs (bridge VLAN filtering, kobj-brvlan.c): the PVID,
 * untagged, and the other VLANs it carries, tagged.  Ports of a tagged
 * portgroup have only their PVID; a switch's uplinks keep the bridge's
 * default PVID 1 (untagged traffic) and carry every portgroup VLAN. */
#define KOBJ_BRVLAN_MAX 32
struct kobj_brvlan {
	uint16_t pvid;                   /* 0 = none */
	uint8_t n;
	uint16_t vids[KOBJ_BRVLAN_MAX];  /* ascending, without the PVID */
};
/* Adds vid to the set (the PVID when pvid); -ENOSPC when full. */
int kobj_brvlan_add(struct kobj_brvlan *v, uint16_t vid, bool pvid);
bool kobj_brvlan_equal(const struct kobj_brvlan *a, const struct kobj_brvlan *b);
/* "PVID 10", "PVID 1, tagged 10 20", "none". */
const char *kobj_brvlan_format(const struct kobj_brvlan *v, char *buf, size_t size);

struct kobj_link {
	int ifindex;
	char name[KOBJ_IFNAMSIZ];
	enum kobj_link_kind kind;
	char kind_name[KOBJ_IFNAMSIZ];   /* IFLA_INFO_KIND as the kernel says it */
	unsigned mtu;
	struct hn_mac mac;
	bool has_mac;
	bool admin_up;                   /* IFF_UP */
	uint8_t operstate;               /* IF_OPER_* */
	int master;                      /* ifindex of the master (bridge/vrf/bond), 0 = none */
	int link;                        /* IFLA_LINK: veth peer / macvlan or vlan parent, 0 = none */
	uint32_t group;                  /* IFLA_GROUP */
	char alias[KOBJ_ALIASSIZ];       /* IFLA_IFALIAS, "" = none */
	uint16_t vlan_id;                /* vlan links */
	uint32_t vrf_table;              /* vrf links */
	uint32_t macvlan_mode;           /* macvlan links (MACVLAN_MODE_*) */
	uint8_t bond_mode;               /* bond links: IFLA_BOND_MODE */
	int bond_primary;                /* bond links: IFLA_BOND_PRIMARY ifindex, 0 = none */
	struct kobj_bond_mon bond_mon;   /* bond links: failure detection */
	/* The root qdisc: qdisc "" = the device's default one (handle 0, such
	 * as noqueue on a veth), else its kind ("tbf", "fq_codel"...). */
	char qdisc[KOBJ_IFNAMSIZ];
	uint32_t qdisc_handle;           /* TCA handle of the root qdisc */
	struct kobj_shaping shaping;     /* when qdisc is "tbf" */
	/* A bridge's port: IFLA_INFO_SLAVE_DATA and its static FDB entries. */
	bool is_brport;
	uint8_t brport;                  /* bits of enum kobj_brport_flag that are on */
	uint8_t n_fdb;                   /* static (NUD_NOARP, NTF_MASTER) FDB entries on the port */
	struct hn_mac fdb;               /* the lowest of them, when n_fdb > 0 */
	/* Its bridge VLANs (RTEXT_FILTER_BRVLAN); has_brvlan false = none
	 * reported (no VLAN filtering in this kernel, not a port). */
	bool has_brvlan;
	struct kobj_brvlan brvlan;
	/* IPv6 router advertisements (IFLA_INET6_CONF); has_ra false = unknown
	 * (no IPv6 on the link). */
	bool has_ra;
	uint8_t accept_ra;               /* DEVCONF_ACCEPT_RA: 0, 1, 2 (even when forwarding) */
	uint8_t autoconf;                /* DEVCONF_AUTOCONF: SLAAC addresses */
	uint8_t accept_ra_defrtr;        /* DEVCONF_ACCEPT_RA_DEFRTR: a default route from RAs */
	/* ARP flux (IFLA_INET_CONF); has_arp false = unknown (no IPv4 on the
	 * link, or a snapshot from before hostnet read it). */
	bool has_arp;
	uint8_t arp_ignore;              /* IPV4_DEVCONF_ARP_IGNORE */
	uint8_t arp_announce;            /* IPV4_DEVCONF_ARP_ANNOUNCE */
	uint8_t rp_filter;               /* IPV4_DEVCONF_RP_FILTER */
	bool owned;                      /* group == KOBJ_LINK_GROUP && alias has the prefix */
	uint8_t manager;                 /* enum kobj_manager: another tool that manages it
					  * (read from its state files, not kept in snapshots) */
};

/* Other network managers whose links hostnet never changes (observe-managers.c
 * reads their state files). */
enum kobj_manager {
	KOBJ_MANAGER_NONE,
	KOBJ_MANAGER_NETWORKD,           /* systemd-networkd: /run/systemd/netif/links/<ifindex> */
	KOBJ_MANAGER_NETWORKMANAGER,     /* /run/NetworkManager/devices/<ifindex>: managed=true */
	KOBJ_MANAGER_IFUPDOWN,           /* /run/network/ifstate */
	KOBJ_MANAGER_IFUPDOWN2,          /* /var/tmp/network/ifstatenew */
	KOBJ_MANAGER__MAX,
};
/* "systemd-networkd", "NetworkManager", "ifupdown", "ifupdown2"; "" for none. */
const char *kobj_manager_name(enum kobj_manager m);

struct kobj_addr {
	int ifindex;
	struct hn_addr addr;             /* address with its prefix length */
	uint8_t scope;                   /* RT_SCOPE_* */
	uint32_t flags;                  /* IFA_F_* */
	uint8_t proto;                   /* IFA_PROTO, 0 = unknown */
	bool owned;
};

/* Whether an address is hostnet's: IFA_PROTO 77, or on a link hostnet owns
 * (`link_owned`) and neither made by the kernel (IFA_PROTO kernel-lo/ra/ll,
 * an IPv6 link-local) nor given a lifetime by someone else (a DHCP client's
 * or SLAAC's; the lease of hostnet's own client, KOBJ_PROTO_DHCP, is its). */
bool kobj_addr_owned(const struct kobj_addr *a, bool link_owned);

struct kobj_route {
	uint8_t family;
	uint32_t table;                  /* RTA_TABLE (full 32 bits) */
	struct hn_addr dst;              /* prefix; prefixlen 0 = default */
	struct hn_addr gateway;          /* family 0 = none */
	struct hn_addr prefsrc;          /* family 0 = none */
	int oif;                         /* 0 = none */
	uint32_t metric;                 /* RTA_PRIORITY */
	uint8_t protocol;                /* RTPROT_* */
	uint8_t scope;                   /* RT_SCOPE_* */
	uint8_t type;                    /* RTN_* */
	bool owned;                      /* protocol == KOBJ_RTPROT_HOSTNET */
};

struct kobj_rule {
	uint8_t family;
	uint32_t priority;
	struct hn_addr src, dst;         /* family 0 = any */
	char iif[KOBJ_IFNAMSIZ], oif[KOBJ_IFNAMSIZ];  /* "" = any */
	uint32_t table;
	uint8_t action;                  /* FR_ACT_* */
	uint8_t protocol;                /* FRA_PROTOCOL */
	uint32_t fwmark, fwmask;
	bool owned;                      /* protocol == KOBJ_RTPROT_HOSTNET */
};

/* What the running kernel can do (bits of enum kobj_cap). */
enum kobj_cap {
	KOBJ_CAP_VETH,
	KOBJ_CAP_BRIDGE,
	KOBJ_CAP_MACVLAN,
	KOBJ_CAP_VXLAN,
	KOBJ_CAP_VLAN,                   /* 8021q */
	KOBJ_CAP_VRF,
	KOBJ_CAP_BOND,
	KOBJ_CAP_BRIDGE_VLAN_FILTERING,
	KOBJ_CAP_DUMMY,
	KOBJ_CAP_RULE_PROTOCOL,          /* FRA_PROTOCOL accepted */
	KOBJ_CAP_TBF,                    /* the tbf qdisc (sch_tbf): traffic shaping */
	KOBJ_CAP_BRPORT_LOCKED,          /* IFLA_BRPORT_LOCKED (Linux 5.18): forged-transmit filtering */
	KOBJ_CAP__MAX,
};
const char *kobj_cap_name(enum kobj_cap c);   /* "veth", "vlan", "bridge-vlan-filtering"... */

/* Observed or desired objects.  All arrays are malloc'd and owned by the set. */
/* An open-iscsi iface record hostnet owns (iscsi.h): the file
 * <ifaces dir>/hostnet-<adapter>, which binds the software initiator to
 * the adapter (port binding). */
struct kobj_iscsi {
	char adapter[KOBJ_IFNAMSIZ];     /* from the file name */
	bool exact;                      /* the file is exactly what hostnet writes for it */
};

struct kobj_set {
	struct kobj_link *links;   size_t n_links;
	struct kobj_addr *addrs;   size_t n_addrs;
	struct kobj_route *routes; size_t n_routes;
	struct kobj_rule *rules;   size_t n_rules;
	struct kobj_iscsi *iscsi;  size_t n_iscsi;   /* sorted by adapter; not in snapshots */
	bool iscsi_managed;        /* the records were read (iscsi_ifaces_dir() is set):
				    * without it, the differ leaves records alone */
	uint32_t caps;             /* 1u << enum kobj_cap */
	/* Table inet hostnet as nft lists it (fw.h), malloc'd; NULL = absent.
	 * fw_unknown: it could not be listed (no libnftables access), so
	 * the differ leaves the firewall alone. */
	char *fw;
	bool fw_unknown;
};

/* Frees the arrays and zeroes the set (which may live on the stack). NULL ok. */
void kobj_set_clear(struct kobj_set *s);
/* Append helpers; return 0 or -ENOMEM (amortized doubling). */
int kobj_set_add_link(struct kobj_set *s, const struct kobj_link *l);
int kobj_set_add_addr(struct kobj_set *s, const struct kobj_addr *a);
int kobj_set_add_route(struct kobj_set *s, const struct kobj_route *r);
int kobj_set_add_rule(struct kobj_set *s, const struct kobj_rule *r);
int kobj_set_add_iscsi(struct kobj_set *s, const struct kobj_iscsi *r);
/* Link by ifindex / name, NULL when absent (linear; build an index for loops). */
const struct kobj_link *kobj_set_link_by_index(const struct kobj_set *s, int ifindex);
const struct kobj_link *kobj_set_link_by_name(const struct kobj_set *s, const char *name);
