/* stats: each link's traffic counters (IFLA_STATS64, read through libnl's
 * rtnl_link_get_stat()), for `show adapters --stats` and the metrics file.
 * Counters are read, never stored: the state database keeps configuration,
 * not traffic. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kobj.h"

struct view;

enum stats_counter {
	STATS_RX_BYTES,
	STATS_RX_PACKETS,
	STATS_RX_ERRORS,
	STATS_RX_DROPPED,
	STATS_TX_BYTES,
	STATS_TX_PACKETS,
	STATS_TX_ERRORS,
	STATS_TX_DROPPED,
	STATS__MAX,
};

/* "rx_bytes", "rx_packets", ...: stable names for JSON and metrics. */
const char *stats_counter_name(enum stats_counter c);

struct stats_link {
	int ifindex;
	char name[KOBJ_IFNAMSIZ];
	uint64_t v[STATS__MAX];
};

/* Sorted by ifindex; owns its array. */
struct stats_set {
	struct stats_link *v;
	size_t n;
};

/* Every link of this network namespace.  0, or a negative errno with the
 * reason in msg. */
int stats_read(struct stats_set *out, char *msg, size_t size);
void stats_set_clear(struct stats_set *s);
/* The counters of the link with this ifindex and name, NULL if it is gone. */
const struct stats_link *stats_find(const struct stats_set *s, int ifindex, const char *name);

/* Prometheus textfile lines for each adapter of `v` (hostnet's), labelled
 * with its services: hostnet_adapter_<counter>_total{host,adapter,services}.
 * Returns 0 or -EIO. */
int stats_write_prom(FILE *f, const char *host, const struct view *v, const struct stats_set *s);
