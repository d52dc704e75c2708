/* stats: link counters through libnl's link cache (stats.h).  libnl reads
 * IFLA_STATS64 when the kernel sends it (every kernel since 2.6.35), so the
 * counters do not wrap at 2^32. */
#include "stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "nl.h"
#include "profile.h"
#include "view.h"

static const struct {
	const char *name;
	rtnl_link_stat_id_t id;
} counters[STATS__MAX] = {
	[STATS_RX_BYTES] = { "rx_bytes", RTNL_LINK_RX_BYTES },
	[STATS_RX_PACKETS] = { "rx_packets", RTNL_LINK_RX_PACKETS },
	[STATS_RX_ERRORS] = { "rx_errors", RTNL_LINK_RX_ERRORS },
	[STATS_RX_DROPPED] = { "rx_dropped", RTNL_LINK_RX_DROPPED },
	[STATS_TX_BYTES] = { "tx_bytes", RTNL_LINK_TX_BYTES },
	[STATS_TX_PACKETS] = { "tx_packets", RTNL_LINK_TX_PACKETS },
	[STATS_TX_ERRORS] = { "tx_errors", RTNL_LINK_TX_ERRORS },
	[STATS_TX_DROPPED] = { "tx_dropped", RTNL_LINK_TX_DROPPED },
};

const char *stats_counter_name(enum stats_counter c)
{
	return c < STATS__MAX ? counters[c].name : "?";
}

static int cmp_index(const void *a, const void *b)
{
	const struct stats_link *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int stats_read(struct stats_set *out, char *msg, size_t size)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int r;

	*out = (struct stats_set){ 0 };
	if (!sk) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = hnl_errno(nl_connect(sk, NETLINK_ROUTE))) < 0 ||
	    (r = hnl_errno(rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache))) < 0)
		goto out;
	out->v = calloc((size_t)nl_cache_nitems(cache) + 1, sizeof(*out->v));
	if (!out->v) {
		r = -ENOMEM;
		goto out;
	}
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		struct stats_link *s = &out->v[out->n++];
		const char *name = rtnl_link_get_name(l);

		s->ifindex = rtnl_link_get_ifindex(l);
		snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
		for (int c = 0; c < STATS__MAX; c++)
			s->v[c] = rtnl_link_get_stat(l, counters[c].id);
	}
	qsort(out->v, out->n, sizeof(*out->v), cmp_index);
out:
	if (r < 0) {
		snprintf(msg, size, "cannot read the link counters: %s", strerror(-r));
		stats_set_clear(out);
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return r;
}

void stats_set_clear(struct stats_set *s)
{
	if (!s)
		return;
	free(s->v);
	*s = (struct stats_set){ 0 };
}

const struct stats_link *stats_find(const struct stats_set *s, int ifindex, const char *name)
{
	struct stats_link key = { .ifindex = ifindex };
	const struct stats_link *hit = s->n ? bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_index) : NULL;

	/* An index reused by another link between the two dumps is not it. */
	return hit && strcmp(hit->name, name) == 0 ? hit : NULL;
}

int stats_write_prom(FILE *f, const char *host, const struct view *v, const struct stats_set *s)
{
	for (int c = 0; c < STATS__MAX; c++) {
		const char *n = stats_counter_name((enum stats_counter)c);

		fprintf(f, "# HELP hostnet_adapter_%s_total The adapter's %s counter (IFLA_STATS64).\n"
			   "# TYPE hostnet_adapter_%s_total counter\n", n, n, n);
		for (size_t i = 0; i < v->n_adapters; i++) {
			const struct view_adapter *a = &v->adapters[i];
			const struct stats_link *st = stats_find(s, a->link->ifindex, a->link->name);
			char svc[256] = "";

			if (!st)
				continue;
			for (int k = 0; k < PROFILE_SERVICE__MAX; k++)
				if (a->mark.services & 1u << k)
					snprintf(svc + strlen(svc), sizeof(svc) - strlen(svc), "%s%s",
						 svc[0] ? "," : "", profile_service_name((enum profile_service)k));
			fprintf(f, "hostnet_adapter_%s_total{host=\"%s\",adapter=\"%s\",services=\"%s\"} %llu\n",
				n, host, a->link->name, svc, (unsigned long long)st->v[c]);
		}
	}
	return ferror(f) ? -EIO : 0;
}
