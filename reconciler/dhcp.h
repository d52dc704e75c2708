/* dhcp: IPv4 from DHCP for adapters with `ipv4: dhcp`.
 *
 * hostnet speaks no DHCP itself.  It runs busybox's udhcpc (Debian package
 * udhcpc) per adapter and is that client's script: udhcpc executes the
 * hostnet binary with the event as its only argument and the lease in its
 * environment (HOSTNET_DHCP_HOOK set by hostnet when it started the client).
 * udhcpc was chosen because it does the protocol and nothing else: it runs
 * in the foreground, one process per interface, touches no address, route or
 * resolv.conf unless its script does, and keeps no state of its own, so
 * hostnet decides where the lease goes.  dhcpcd and dhclient would manage
 * the main table's default route themselves and fight the stacks.
 *
 * What a lease becomes (dhcp-hook.c): the address with IFA_PROTO 16 (dhcp)
 * and the lease time as its lifetime (the kernel drops it if the client dies
 * and nobody renews it); on a table-isolated stack also its connected route
 * and a "from <address> lookup <table>" rule; the router as the stack's
 * default route unless the stack sets a gateway - all with protocol 16, so
 * hostnet's differ leaves them to the client (a missing lease is drift).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "kobj.h"

struct hnl;
struct want;

#define DHCP_HOOK_ENV "HOSTNET_DHCP_HOOK"

/* What udhcpc hands its script. */
struct dhcp_lease {
	char ifname[KOBJ_IFNAMSIZ];
	struct hn_addr addr;          /* with prefix length; family 0 = none */
	struct hn_addr router;        /* the first router; family 0 = none */
	uint32_t lease_s;             /* 0 = forever */
};

/* Where a lease goes, passed to the hook through the environment. */
struct dhcp_route_opts {
	uint32_t table;               /* the adapter's stack table */
	bool rules;                   /* table isolation: connected route + source rule */
	bool gateway;                 /* install the router as the default route */
};

/* Reads udhcpc's variables (interface, ip, mask or subnet, router, lease)
 * and hostnet's (table, rules, gateway) through `get` (getenv in the hook).
 * Returns 0, or -EINVAL naming nothing: the hook logs the variables. */
int dhcp_lease_from_env(struct dhcp_lease *out, struct dhcp_route_opts *ro,
			const char *(*get)(const char *name));

/* The hook: "bound"/"renew" install the lease, "deconfig"/"leasefail"/
 * "nak" remove what an earlier lease installed.  Other events are ignored.
 * Returns 0 or a negative errno (message in hnl_errmsg()). */
int dhcp_hook_run(struct hnl *nl, const char *event, const struct dhcp_lease *l,
		  const struct dhcp_route_opts *ro);

/* Clients: one udhcpc per adapter, its pid in <run_dir>/<ifname>.pid. */
struct dhcp_ctx {
	const char *run_dir;          /* created 0700 if missing */
	const char *udhcpc;           /* the client binary */
	const char *self;             /* the hook: this program's path */
};

/* The udhcpc to run: $HOSTNET_UDHCPC, else udhcpc from PATH or /usr/sbin,
 * /sbin.  NULL when there is none. */
const char *dhcp_find_client(void);
/* The capability a client started by this process would lack, or NULL:
 * udhcpc sends through a packet socket (CAP_NET_RAW) and renews from UDP
 * port 68 (CAP_NET_BIND_SERVICE); without the latter it dies at its first
 * renewal, half a lease after starting. */
const char *dhcp_client_missing_cap(void);

/* Starts the clients the want's dhcp4 adapters lack (a running client of an
 * adapter without a lease is asked to renew), stops those of every other
 * interface, then waits up to timeout_ms for every dhcp4 adapter to hold a
 * lease.  Returns 0, -ETIMEDOUT (msg names the first adapter without a
 * lease) or another negative errno with msg set. */
int dhcp_sync(const struct dhcp_ctx *c, const struct want *w, unsigned timeout_ms, char *msg,
	      size_t size);
/* The first dhcp4 adapter of the want whose client is not running (its
 * lease, if any, then ages out unrenewed), or NULL. */
const char *dhcp_missing_client(const struct dhcp_ctx *c, const struct want *w);
/* Stops the clients of interfaces that no longer exist (after a rollback). */
void dhcp_reap(const struct dhcp_ctx *c);
