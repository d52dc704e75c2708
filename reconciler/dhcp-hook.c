/* dhcp: udhcpc's script - a lease into the kernel, protocol dhcp (16). */
#include "dhcp.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"
#include "nlmsg.h"
#include "observe.h"

#ifndef IFA_PROTO
#define IFA_PROTO 11
#endif

#define MAX_OLD 8

/* The IPv4 addresses an earlier lease left on the interface. */
struct old_leases {
	int ifindex;
	struct hn_addr v[MAX_OLD];
	size_t n;
};

static int collect_old(struct nlmsghdr *h, void *arg)
{
	struct old_leases *o = arg;
	struct kobj_addr a;

	if (observe_parse_addr(&a, h) != 0 || a.ifindex != o->ifindex ||
	    a.proto != KOBJ_PROTO_DHCP || a.addr.family != AF_INET || o->n == MAX_OLD)
		return 0;
	o->v[o->n++] = a.addr;
	return 0;
}

static int dump_old(struct hnl *nl, struct old_leases *o)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETADDR, 0);
	int r;

	if (!m)
		return -ENOMEM;
	r = nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ? -ENOMEM
		: hnl_dump(nl, m, collect_old, o);
	nlmsg_free(m);
	return r < 0 ? r : 0;
}

static int send_msg(struct hnl *nl, struct nl_msg *m, int r)
{
	if (r < 0)
		return r;
	r = hnl_request(nl, m);
	nlmsg_free(m);
	return r;
}

/* RTM_NEWADDR/DELADDR of a leased address: protocol dhcp, and the lease
 * time as its lifetime. */
static int addr_msg(struct hnl *nl, bool add, int ifindex, const struct hn_addr *a, uint32_t lease_s)
{
	struct ifaddrmsg ifa = {
		.ifa_family = AF_INET, .ifa_prefixlen = a->prefixlen,
		.ifa_scope = RT_SCOPE_UNIVERSE, .ifa_index = (uint32_t)ifindex,
	};
	struct ifa_cacheinfo ci = { .ifa_valid = lease_s, .ifa_prefered = lease_s };
	struct nl_msg *m = nlmsg_alloc_simple(add ? RTM_NEWADDR : RTM_DELADDR,
					      add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	int e;

	if (!m)
		return -ENOMEM;
	if (!lease_s)
		ci.ifa_valid = ci.ifa_prefered = 0xffffffffu;   /* INFINITY_LIFE_TIME */
	e = nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO);
	if (e >= 0)
		e = nla_put(m, IFA_LOCAL, 4, a->bytes);
	if (e >= 0)
		e = nla_put(m, IFA_ADDRESS, 4, a->bytes);
	if (e >= 0 && add)
		e = nla_put(m, IFA_CACHEINFO, sizeof(ci), &ci);
	if (e >= 0 && add)
		e = nla_put_u8(m, IFA_PROTO, KOBJ_PROTO_DHCP);
	if (e < 0) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	return send_msg(nl, m, 0);
}

static void source_rule(struct want_rule *w, const struct hn_addr *a, uint32_t table)
{
	*w = (struct want_rule){ .r = { .family = AF_INET, .priority = 10000, .table = table,
					.action = FR_ACT_TO_TBL, .protocol = KOBJ_PROTO_DHCP } };
	w->r.src = *a;
	w->r.src.prefixlen = 32;
}

static int rule(struct hnl *nl, bool add, const struct hn_addr *a, uint32_t table)
{
	struct want_rule w;
	struct nl_msg *m = NULL;

	int r;

	source_rule(&w, a, table);
	r = nlmsg_rule(&m, add, &w);
	return send_msg(nl, m, r);
}

static int route(struct hnl *nl, int ifindex, const struct hn_addr *dst, const struct hn_addr *via,
		 uint32_t table)
{
	struct want_route w = { .r = { .family = AF_INET, .table = table, .dst = addr_network(dst),
				       .protocol = KOBJ_PROTO_DHCP, .type = RTN_UNICAST,
				       .scope = via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK } };
	struct nl_msg *m = NULL;
	int r;

	if (via)
		w.r.gateway = *via;
	r = nlmsg_route(&m, true, true, &w, ifindex);
	return send_msg(nl, m, r);
}

static int lease_unbind(struct hnl *nl, const struct old_leases *o, const struct hn_addr *keep,
		  const struct dhcp_route_opts *ro)
{
	for (size_t i = 0; i < o->n; i++) {
		int r;

		if (keep && addr_cmp(&o->v[i], keep) == 0)
			continue;
		if (ro->rules && (r = rule(nl, false, &o->v[i], ro->table)) < 0 && !hnl_gone(r))
			return r;
		/* Its routes go with it: the kernel flushes routes through an
		 * address's subnet and gateway when the address goes. */
		if ((r = addr_msg(nl, false, o->ifindex, &o->v[i], 0)) < 0 && !hnl_gone(r))
			return r;
	}
	return 0;
}

static int lease_bind(struct hnl *nl, int ifindex, const struct dhcp_lease *l,
		      const struct dhcp_route_opts *ro)
{
	int r = addr_msg(nl, true, ifindex, &l->addr, l->lease_s);

	if (r < 0)
		return r;
	if (ro->rules) {
		if ((r = route(nl, ifindex, &l->addr, NULL, ro->table)) < 0)
			return r;
		/* Renewing the same address finds its rule in place. */
		r = rule(nl, true, &l->addr, ro->table);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	if (ro->gateway && l->router.family) {
		struct hn_addr def = { .family = AF_INET };

		if ((r = route(nl, ifindex, &def, &l->router, ro->table)) < 0)
			return r;
	}
	return 0;
}

int dhcp_hook_run(struct hnl *nl, const char *event, const struct dhcp_lease *l,
		  const struct dhcp_route_opts *ro)
{
	struct old_leases o = { .ifindex = (int)if_nametoindex(l->ifname) };
	bool install = strcmp(event, "bound") == 0 || strcmp(event, "renew") == 0;
	int r;

	if (!install && strcmp(event, "deconfig") != 0 && strcmp(event, "leasefail") != 0 &&
	    strcmp(event, "nak") != 0)
		return 0;
	if (!o.ifindex)
		return hnl_fail(nl, -ENODEV, "%s: no such interface", l->ifname);
	if ((r = dump_old(nl, &o)) < 0)
		return r;
	if (install && !l->addr.family)
		return hnl_fail(nl, -EINVAL, "%s: %s without an address", l->ifname, event);
	r = lease_unbind(nl, &o, install ? &l->addr : NULL, ro);
	if (r < 0 || !install)
		return r;
	return lease_bind(nl, o.ifindex, l, ro);
}
