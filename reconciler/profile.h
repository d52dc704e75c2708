/* profile: the host profile (schema hostnet/v1) as plain structs.
 *
 * A profile is built from a YAML tree (profile_from_tree) after `extends`
 * fragments have been merged into it (profile_merge, see merge.c), then
 * checked for meaning by validate.c.  Everything in it, strings included, is
 * owned by the profile's arena; profile_free() releases it all.
 *
 * Every field that a diagnostic may point at keeps its source position, so a
 * problem found after merging still names the file and line it came from.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "diag.h"

struct ydoc_node;
struct svccat_port;
struct conv;

#define PROFILE_API_VERSION "hostnet/v1"
#define PROFILE_KIND_HOST "HostProfile"
#define PROFILE_KIND_FRAGMENT "ProfileFragment"
#define PROFILE_DEFAULT_STACK "default"
#define PROFILE_DEFAULT_MTU 1500u
#define PROFILE_MAIN_TABLE 254u
#define PROFILE_BOND_SUFFIX "b"     /* a teamed switch's bond is <switch>b */

/* VMkernel services, named as ESXi names the tags. */
enum profile_service {
	PROFILE_SERVICE_MANAGEMENT,       /* "management" */
	PROFILE_SERVICE_VMOTION,          /* "vmotion" */
	PROFILE_SERVICE_PROVISIONING,     /* "provisioning" */
	PROFILE_SERVICE_FT,               /* "ft": Fault Tolerance logging */
	PROFILE_SERVICE_ISCSI,            /* "iscsi" */
	PROFILE_SERVICE_NFS,              /* "nfs" */
	PROFILE_SERVICE_VSAN,             /* "vsan" */
	PROFILE_SERVICE_VSAN_WITNESS,     /* "vsan-witness" */
	PROFILE_SERVICE_REPLICATION,      /* "replication" */
	PROFILE_SERVICE_REPLICATION_NFC,  /* "replication-nfc" */
	PROFILE_SERVICE__MAX,
};

enum profile_state {
	PROFILE_STATE_UP,     /* "up" (default) */
	PROFILE_STATE_DOWN,   /* "down" */
	PROFILE_STATE__MAX,
};

enum profile_isolation {
	PROFILE_ISOLATION_TABLE,  /* "table": own table + policy rules (default) */
	PROFILE_ISOLATION_VRF,    /* "vrf": a kernel VRF bound to the table */
	PROFILE_ISOLATION__MAX,
};

enum profile_backing {
	PROFILE_BACKING_VETH,     /* "veth": adapter + peer port on the portgroup's bridge (default) */
	PROFILE_BACKING_MACVLAN,  /* "macvlan": bridge-mode macvlan on an uplink */
	PROFILE_BACKING_SWITCH,   /* "switch": in place, on the switch's own bridge (named `name`) */
	PROFILE_BACKING_UPLINK,   /* "uplink": in place, on an uplink in no switch (named `name`) */
	PROFILE_BACKING_VLAN,     /* "vlan": an 802.1Q device over a switch's bridge or an uplink */
	PROFILE_BACKING__MAX,
};

/* A switch's NIC teaming policy, as ESXi names it. */
enum profile_teaming_policy {
	PROFILE_TEAMING_FAILOVER,     /* "failover": one active uplink, the others standby */
	PROFILE_TEAMING_LOADBALANCE,  /* "loadbalance": every uplink active (hashed) */
	PROFILE_TEAMING__MAX,
};

/* A security policy's answer, as ESXi names it. */
enum profile_policy {
	PROFILE_POLICY_REJECT,        /* "reject" */
	PROFILE_POLICY_ACCEPT,        /* "accept" */
	PROFILE_POLICY__MAX,
};

const char *profile_service_name(enum profile_service s);
const char *profile_teaming_policy_name(enum profile_teaming_policy p);
const char *profile_policy_name(enum profile_policy p);
int profile_service_from_name(const char *name);   /* enum value or -EINVAL */
const char *profile_state_name(enum profile_state s);
const char *profile_isolation_name(enum profile_isolation i);
const char *profile_backing_name(enum profile_backing b);
/* Whether the adapter is a link hostnet did not make (switch, uplink). */
bool profile_backing_in_place(enum profile_backing b);

/* A list of strings with the position of each. */
struct profile_strv {
	const char **v;
	struct hn_loc *loc;
	size_t n;
};

struct profile_addrv {
	struct hn_addr *v;
	struct hn_loc *loc;
	size_t n;
};

struct profile_uplink {
	const char *name;
	unsigned mtu;                 /* 0 = leave as it is */
	enum profile_state state;
	bool has_state;               /* false = leave as it is */
	struct hn_loc loc, mtu_loc, state_loc;
};

/* How a teamed switch detects a failed uplink, as ESXi's "network failure
 * detection": link status.  ESXi's beacon probing would be ARP monitoring
 * on Linux, which cannot work on a switch: "arp" is read so that validation
 * can say why (validate-settings.c). */
enum profile_detection_method {
	PROFILE_DETECTION_LINK,   /* "link": bond miimon */
	PROFILE_DETECTION_ARP,    /* "arp": refused */
	PROFILE_DETECTION__MAX,
};
#define PROFILE_DETECTION_LINK_MS 100    /* ESXi-like: link status, checked every 100 ms */

struct profile_detection {
	bool present;
	enum profile_detection_method method;
	unsigned interval_ms;         /* 0 = the method's default */
	bool has_targets;             /* `targets:` is there (refused) */
	struct hn_loc loc, method_loc, interval_loc, targets_loc;
};

struct profile_teaming {
	bool present;
	enum profile_teaming_policy policy;
	struct profile_strv active, standby;
	struct profile_detection detection;
	struct hn_loc loc, policy_loc, active_loc, standby_loc;
};

struct profile_switch {
	const char *name;
	unsigned mtu;                 /* default PROFILE_DEFAULT_MTU */
	struct profile_strv uplinks;
	struct profile_teaming teaming;
	struct hn_loc loc, mtu_loc;
};

/* ESXi's defaults for a standard switch: promiscuous reject, MAC address
 * changes accept, forged transmits accept. */
struct profile_security {
	bool present;
	enum profile_policy promiscuous, mac_changes, forged_transmits;
	struct hn_loc loc, promiscuous_loc, mac_changes_loc, forged_transmits_loc;
};

/* Egress traffic shaping (ESXi's average / peak bandwidth and burst size). */
struct profile_shaping {
	bool present;
	uint64_t average, peak;       /* bits per second; peak 0 = none */
	uint64_t burst;               /* bytes */
	struct hn_loc loc, average_loc, peak_loc, burst_loc;
};

struct profile_portgroup {
	const char *name;             /* free text, like an ESXi portgroup name */
	const char *switch_name;
	unsigned vlan;                /* 0 = untagged; 1..4094 tagged */
	bool has_vlan;
	struct profile_security security;
	struct hn_loc loc, switch_loc, vlan_loc;
};

struct profile_gateway {
	struct hn_addr ipv4, ipv6;    /* family 0 = absent */
	struct hn_loc ipv4_loc, ipv6_loc;
};

struct profile_stack {
	const char *name;
	uint32_t table;               /* PROFILE_MAIN_TABLE for "default" */
	enum profile_isolation isolation;
	struct profile_gateway gateway;
	bool implicit;                /* the "default" stack nobody declared */
	struct hn_loc loc, table_loc, isolation_loc;
};

struct profile_adapter {
	const char *name;
	enum profile_backing backing;
	const char *portgroup;        /* veth backing */
	const char *uplink;           /* macvlan backing; vlan backing over an uplink */
	const char *switch_name;      /* vlan backing over a switch's bridge */
	unsigned vlan;                /* vlan backing: 1..4094 */
	uint32_t services;            /* bit (1u << enum profile_service) */
	struct hn_loc service_loc[PROFILE_SERVICE__MAX];
	const char *stack;            /* default PROFILE_DEFAULT_STACK */
	unsigned mtu;                 /* default PROFILE_DEFAULT_MTU */
	bool mac_auto;                /* true unless a MAC is given */
	struct hn_mac mac;
	struct profile_addrv ipv4, ipv6;
	bool dhcp4;                   /* ipv4: dhcp */
	bool slaac;                   /* ipv6 lists `auto`: router advertisements (SLAAC) */
	struct profile_shaping shaping;
	enum profile_state state;
	struct hn_loc dhcp4_loc, slaac_loc;
	struct hn_loc loc, backing_loc, portgroup_loc, uplink_loc, switch_loc, vlan_loc,
		services_loc, stack_loc, mtu_loc, mac_loc, state_loc;
};

struct profile_route {
	struct hn_addr to;            /* a network (host bits zero), or a default */
	struct hn_addr via;           /* family 0 = none (then `adapter` is required) */
	const char *adapter;          /* optional: the adapter the route leaves through */
	const char *stack;            /* default PROFILE_DEFAULT_STACK */
	uint32_t metric;              /* 0 = kernel default */
	struct hn_loc loc, to_loc, via_loc, adapter_loc, stack_loc, metric_loc;
};

/* firewall.services.<service>: who may reach it and extra ports. */
struct profile_fw_service {
	bool present;
	struct profile_addrv allow;   /* networks (host bits zero); none = any source */
	struct svccat_port *ports;    /* added to the catalogue's (svccat.h) */
	struct hn_loc *ports_loc;
	size_t n_ports;
	struct hn_loc loc, allow_loc;
};

/* The per-service host firewall (fw.c): table inet hostnet. */
struct profile_firewall {
	bool present;                 /* the key is there (even if disabled) */
	bool enabled;                 /* default false: no table */
	struct profile_fw_service services[PROFILE_SERVICE__MAX];
	struct hn_loc loc, enabled_loc;
};

struct profile {
	const char *api_version;
	const char *kind;             /* PROFILE_KIND_HOST or PROFILE_KIND_FRAGMENT */
	const char *host;             /* NULL in a fragment */
	struct profile_strv extends;  /* as written in the top file (already merged) */

	struct profile_uplink *uplinks;       size_t n_uplinks;
	struct profile_switch *switches;      size_t n_switches;
	struct profile_portgroup *portgroups; size_t n_portgroups;
	struct profile_stack *stacks;         size_t n_stacks;  /* incl. an implicit "default" */
	struct profile_adapter *adapters;     size_t n_adapters;
	struct profile_route *routes;         size_t n_routes;
	struct profile_firewall firewall;

	struct hn_loc loc, host_loc;
	void *arena;                  /* private */
};

/* Build a profile from a (merged) YAML tree.  Checks structure and types:
 * unknown keys ("did you mean"), wrong types, malformed values (CIDR, MAC,
 * ranges), missing required keys.  Records every problem in `diags` and
 * still returns the best-effort profile so validation can go on and report
 * more; returns -EINVAL when any error was recorded, -ENOMEM, or 0.
 * *out is set whenever the return is not -ENOMEM; free it with profile_free().
 * The tree must outlive nothing: strings are copied into the profile. */
int profile_from_tree(struct profile **out, const struct ydoc_node *root, struct diag_list *diags);

/* The top-level `firewall:` mapping (fw-profile.c), for profile_from_tree. */
void profile_conv_firewall(struct conv *c, const struct ydoc_node *n, struct profile_firewall *fw);

/* Accepts NULL. Returns NULL. */
struct profile *profile_free(struct profile *p);

/* Lookups by name (linear; profiles are small and validate builds indexes
 * where it loops). NULL when absent. */
const struct profile_stack *profile_find_stack(const struct profile *p, const char *name);
const struct profile_portgroup *profile_find_portgroup(const struct profile *p, const char *name);
const struct profile_switch *profile_find_switch(const struct profile *p, const char *name);
const struct profile_uplink *profile_find_uplink(const struct profile *p, const char *name);
const struct profile_adapter *profile_find_adapter(const struct profile *p, const char *name);
