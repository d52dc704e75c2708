/* services: where each VMkernel service lives, like `esxcli network ip
 * interface tag get`: for every service tagged on an adapter, the adapter,
 * its first IPv4 and IPv6 address, its stack (name and table), the stack's
 * gateways and the adapter's MTU.
 *
 * Read from hostnet's marks (mark.h) on a kobj_set, so the same code serves
 * a desired state (a want, turned into the host that has exactly it) and a
 * snapshot.  Pure: no I/O; the list owns its array. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "kobj.h"
#include "profile.h"

struct want;

struct services_entry {
	enum profile_service service;
	char adapter[KOBJ_IFNAMSIZ];
	char stack[KOBJ_IFNAMSIZ];     /* "default" for the main stack */
	uint32_t table;                /* 0 = unknown */
	struct hn_addr addr4, addr6;   /* with prefix; family 0 = none */
	struct hn_addr gw4, gw6;       /* the stack's default gateways; family 0 = none */
	unsigned mtu;
	bool dhcp4;                    /* IPv4 from a DHCP lease: addr4 is unknown */
};

/* Sorted by service (enum order), then adapter name: one entry per tag. */
struct services_list {
	struct services_entry *v;
	size_t n;
};

/* From a host (or a snapshot): the adapters hostnet owns.  0 or -ENOMEM. */
int services_from_set(struct services_list *out, const struct kobj_set *set);
/* The same with the adapters in place that desired state `w` names (NULL =
 * none; view.h: view_build_want()). */
int services_from_set_want(struct services_list *out, const struct kobj_set *set, const struct want *w);
/* From a desired state, its adapters in place too.  0 or -ENOMEM. */
int services_from_want(struct services_list *out, const struct want *w);
void services_list_clear(struct services_list *l);

/* The first entry of `s` (the adapter an EnvironmentFile names), NULL when
 * no adapter carries it. */
const struct services_entry *services_find(const struct services_list *l, enum profile_service s);

/* The EnvironmentFile= text of service s (a systemd unit and a shell can
 * both read it: KEY=value lines, values without spaces or quotes):
 * HOSTNET_SERVICE, HOSTNET_ADAPTER, HOSTNET_ADAPTERS (all, space-separated,
 * quoted), HOSTNET_ADDRESS4/6 (no prefix), HOSTNET_PREFIX4/6, HOSTNET_STACK,
 * HOSTNET_TABLE, HOSTNET_GATEWAY4/6, HOSTNET_MTU.  An unknown value is
 * empty.  Returns the length written (as snprintf), or -ENOENT when no
 * adapter carries s. */
int services_env_text(char *buf, size_t size, const struct services_list *l, enum profile_service s);

/* One JSON object per entry, as `show services --json` and services.json
 * give them; NULL on ENOMEM. */
json_t *services_entry_json(const struct services_entry *e);
json_t *services_json(const struct services_list *l);
