#include "observe-private.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

static struct nla_policy route_policy[RTA_MAX + 1] = {
	[RTA_TABLE] = { .type = NLA_U32 },
	[RTA_OIF] = { .type = NLA_U32 },
	[RTA_PRIORITY] = { .type = NLA_U32 },
};

/* RTA_VIA: a gateway of another family (an IPv6 next hop for IPv4). */
static int route_get_via(struct hn_addr *gw, const struct nlattr *attr)
{
	const struct rtvia *via = nla_data(attr);
	size_t len = (size_t)nla_len(attr), alen;

	if (len < sizeof(*via))
		return -EBADMSG;
	alen = via->rtvia_family == AF_INET ? 4 : via->rtvia_family == AF_INET6 ? 16 : 0;
	if (!alen || len - sizeof(*via) < alen)
		return -EBADMSG;
	*gw = (struct hn_addr){ .family = (uint8_t)via->rtvia_family, .prefixlen = (uint8_t)(alen * 8) };
	memcpy(gw->bytes, via->rtvia_addr, alen);
	return 0;
}

static int route_get_gateway(struct kobj_route *r, struct nlattr **tb)
{
	if (tb[RTA_GATEWAY])
		return observe_get_addr(&r->gateway, r->family, tb[RTA_GATEWAY],
					r->family == AF_INET ? 32 : 128);
	if (tb[RTA_VIA])
		return route_get_via(&r->gateway, tb[RTA_VIA]);
	return 0;
}

/* kobj_route has one next hop: take the first of a multipath route. */
static int route_first_nexthop(struct kobj_route *r, const struct nlattr *mp)
{
	const struct rtnexthop *nh = nla_data(mp);
	size_t len = (size_t)nla_len(mp);
	struct nlattr *tb[RTA_MAX + 1];

	if (len < sizeof(*nh))
		return 0;
	if (nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > len)
		return -EBADMSG;
	r->oif = nh->rtnh_ifindex;
	if (nla_parse(tb, RTA_MAX, (struct nlattr *)RTNH_DATA(nh),
		      (int)(nh->rtnh_len - RTNH_LENGTH(0)), route_policy) < 0)
		return -EBADMSG;
	return route_get_gateway(r, tb);
}

int observe_parse_route(struct kobj_route *out, struct nlmsghdr *h)
{
	struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	struct kobj_route r = { 0 };

	if (h->nlmsg_type != RTM_NEWROUTE)
		return 1;
	if (nlmsg_parse(h, sizeof(*rtm), tb, RTA_MAX, route_policy) < 0)
		return -EBADMSG;
	rtm = nlmsg_data(h);
	if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return 1;
	r.family = rtm->rtm_family;
	r.table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	r.protocol = rtm->rtm_protocol;
	r.scope = rtm->rtm_scope;
	r.type = rtm->rtm_type;
	if (observe_get_addr(&r.dst, r.family, tb[RTA_DST], rtm->rtm_dst_len) < 0 ||
	    route_get_gateway(&r, tb) < 0)
		return -EBADMSG;
	if (tb[RTA_PREFSRC] &&
	    observe_get_addr(&r.prefsrc, r.family, tb[RTA_PREFSRC], r.family == AF_INET ? 32 : 128) < 0)
		return -EBADMSG;
	if (tb[RTA_OIF])
		r.oif = (int)nla_get_u32(tb[RTA_OIF]);
	else if (tb[RTA_MULTIPATH] && route_first_nexthop(&r, tb[RTA_MULTIPATH]) < 0)
		return -EBADMSG;
	if (tb[RTA_PRIORITY])
		r.metric = nla_get_u32(tb[RTA_PRIORITY]);
	r.owned = r.protocol == KOBJ_RTPROT_HOSTNET;
	*out = r;
	return 0;
}
