/* import: a host profile read back from what the kernel has (hostnet import).
 *
 * import_build() turns an observed kobj_set into the objects of a profile:
 * uplinks (NICs), bridges as switches, addresses as adapters in place (on
 * the bridge, the NIC or a VLAN device where they are), `from <address>
 * lookup <table>` rules as stacks with their tables' default routes as
 * gateways, static routes, MTUs, the MACs that were set, and `management`
 * for the adapter of the main table's default route.  What it guessed and
 * what it left out (kernel routes, link-local and dynamic addresses, links
 * and routes of kinds or protocols it does not model) it records as notes,
 * which import_write_yaml() prints as comments.  Pure: no I/O.
 *
 * The rules, so that the plan of the result against the same host creates
 * and destroys nothing of the host's own:
 *  - uplinks: links without IFLA_INFO_KIND (NICs) and veths (a container's
 *    end, or a test's NIC stand-in), or exactly the names given in
 *    import_opts.uplinks; a switch port only when it is such a link;
 *  - links with another tool's alias, and hostnet's own links, are left out;
 *  - an address is imported when it is permanent (no lifetime: not from
 *    DHCP or router advertisements), not link-local, and on a switch, an
 *    uplink in no switch, or a VLAN device over either;
 *  - routes of protocol boot or static only, in the main table or in a
 *    table that became a stack; a table's default route is its gateway. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kobj.h"
#include "profile.h"

struct import_opts {
	const char *host;              /* the profile's host name */
	const char *const *uplinks;    /* NULL = the rule above; else exactly these */
	size_t n_uplinks;
};

enum import_note_kind {
	IMPORT_NOTE_GUESSED,           /* "guessed: ..." */
	IMPORT_NOTE_LEFT_OUT,          /* "left out: ..." */
	IMPORT_NOTE__MAX,
};

struct import_note {
	enum import_note_kind kind;
	char *text;                    /* one line, printable */
};

struct import_uplink {
	char name[KOBJ_IFNAMSIZ];
	unsigned mtu;                  /* 0 = not written */
	bool down;                     /* a switch port that is down: state: down */
	long sw;                       /* index of its switch, -1 = none */
};

struct import_switch {
	char name[KOBJ_IFNAMSIZ];
	unsigned mtu;
};

struct import_adapter {
	char name[KOBJ_IFNAMSIZ];
	enum profile_backing backing;  /* switch, uplink or vlan */
	char parent[KOBJ_IFNAMSIZ];    /* vlan: the switch or uplink under it */
	bool parent_is_switch;
	unsigned vlan;
	unsigned mtu;                  /* vlan: 0 = the default */
	size_t stack;                  /* index into stacks; 0 = default */
	bool management, down, has_mac;
	struct hn_mac mac;
	struct hn_addr *addrs;         /* malloc'd */
	size_t n_addrs;
};

struct import_stack {
	char name[KOBJ_IFNAMSIZ];      /* "default" or "table<T>" */
	uint32_t table;
	struct hn_addr gw4, gw6;       /* family 0 = none */
	uint32_t rule_priority;        /* of the host's first `from` rule into it */
};

struct import_route {
	struct hn_addr to, via;        /* via family 0 = a device route */
	char adapter[KOBJ_IFNAMSIZ];   /* "" = the adapter holding via */
	size_t stack;
	uint32_t metric;               /* 0 = the default */
};

struct import_profile {
	char host[64];
	struct import_uplink *uplinks;   size_t n_uplinks;
	struct import_switch *switches;  size_t n_switches;
	struct import_stack *stacks;     size_t n_stacks;   /* [0] is "default" */
	struct import_adapter *adapters; size_t n_adapters;
	struct import_route *routes;     size_t n_routes;
	struct import_note *notes;       size_t n_notes;
};

/* Builds the profile of `have`.  0 or -ENOMEM (then *out is cleared). */
int import_build(struct import_profile *out, const struct kobj_set *have,
		 const struct import_opts *o);
void import_profile_clear(struct import_profile *p);

/* The profile as YAML, with the notes as comments: a malloc'd string in
 * *out (the caller frees it).  0 or -ENOMEM. */
int import_write_yaml(char **out, const struct import_profile *p);

/* `s` as a YAML scalar hostnet reads back as the same string: plain when
 * that is unambiguous (a name like eth0 or vmbr0.20), else double-quoted
 * with escapes (yes, 1500, "a\"b", 02:00:...).  Writes into buf; returns
 * buf, or NULL when it does not fit. */
const char *import_yaml_scalar(char *buf, size_t size, const char *s);
