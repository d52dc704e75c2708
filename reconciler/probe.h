/* probe: ICMP echo from one adapter and address, the way vmkping tests a
 * VMkernel path: the socket is bound to the device and the source address,
 * so the request follows that adapter's stack (its policy rules and table). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

struct probe_opts {
	unsigned timeout_ms;   /* per try */
	unsigned tries;
	size_t size;           /* ICMP payload bytes */
	bool dont_fragment;    /* IPv4 DF / IPv6 no fragmentation: path MTU tests */
};
#define PROBE_OPTS_INIT { .timeout_ms = 1000, .tries = 3, .size = 56, .dont_fragment = false }

/* 0 when `dst` answered, -ETIMEDOUT when it never did, -EMSGSIZE when the
 * packet does not fit the path with dont_fragment, or another negative
 * errno (no such device, unreachable...).  *rtt_us gets the round trip of
 * the answer (may be NULL).  Needs CAP_NET_RAW. */
int probe_ping(const char *dev, const struct hn_addr *src, const struct hn_addr *dst,
	       const struct probe_opts *o, unsigned *rtt_us);
