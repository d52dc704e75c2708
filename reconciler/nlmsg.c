#include "nlmsg.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <string.h>
#include <sys/socket.h>

#ifndef IFA_PROTO
#define IFA_PROTO 11
#endif

static int finish(struct nl_msg **out, struct nl_msg *m, int r)
{
	if (r < 0) {
		nlmsg_free(m);
		return r == -NLE_NOMEM ? -ENOMEM : -EINVAL;
	}
	*out = m;
	return 0;
}

static struct nl_msg *link_msg(int type, int flags, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *m = nlmsg_alloc_simple(type, flags);

	if (m && nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

static int put_kind_data(struct nl_msg *m, const struct want_link *l, int parent_index)
{
	struct nlattr *info, *data;
	int r = 0;

	info = nla_nest_start(m, IFLA_LINKINFO);
	if (!info)
		return -NLE_NOMEM;
	if ((r = nla_put_string(m, IFLA_INFO_KIND, kobj_link_kind_name(l->l.kind))) < 0)
		return r;
	data = nla_nest_start(m, IFLA_INFO_DATA);
	if (!data)
		return -NLE_NOMEM;
	switch (l->l.kind) {
	case KOBJ_LINK_KIND_VETH: {
		/* The peer is described by an ifinfomsg and its own attributes. */
		struct ifinfomsg peer = { .ifi_family = AF_UNSPEC };
		struct nlattr *p = nla_nest_start(m, VETH_INFO_PEER);

		if (!p || nlmsg_append(m, &peer, sizeof(peer), NLMSG_ALIGNTO) < 0)
			return -NLE_NOMEM;
		if ((r = nla_put_string(m, IFLA_IFNAME, l->peer)) < 0)
			return r;
		if (l->l.group && (r = nla_put_u32(m, IFLA_GROUP, l->l.group)) < 0)
			return r;
		nla_nest_end(m, p);
		break;
	}
	case KOBJ_LINK_KIND_BRIDGE:
		if (l->vlan_filtering && (r = nla_put_u8(m, IFLA_BR_VLAN_FILTERING, 1)) < 0)
			return r;
		break;
	case KOBJ_LINK_KIND_MACVLAN:
		if ((r = nla_put_u32(m, IFLA_MACVLAN_MODE, l->l.macvlan_mode)) < 0)
			return r;
		break;
	case KOBJ_LINK_KIND_VRF:
		if ((r = nla_put_u32(m, IFLA_VRF_TABLE, l->l.vrf_table)) < 0)
			return r;
		break;
	case KOBJ_LINK_KIND_VLAN:
		if ((r = nla_put_u16(m, IFLA_VLAN_ID, l->l.vlan_id)) < 0)
			return r;
		break;
	case KOBJ_LINK_KIND_BOND:
		/* The mode is fixed while the bond has members: set it here. */
		if ((r = nla_put_u8(m, IFLA_BOND_MODE, l->l.bond_mode)) < 0)
			return r;
		break;
	case KOBJ_LINK_KIND_DEVICE:
	case KOBJ_LINK_KIND_VXLAN:
	case KOBJ_LINK_KIND_TUN:
	case KOBJ_LINK_KIND_DUMMY:
	case KOBJ_LINK_KIND_OTHER:
	case KOBJ_LINK_KIND__MAX:
		return -NLE_INVAL;
	}
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	if (parent_index && (r = nla_put_u32(m, IFLA_LINK, (uint32_t)parent_index)) < 0)
		return r;
	return 0;
}

int nlmsg_link_create(struct nl_msg **out, const struct want_link *l, int parent_index)
{
	struct nl_msg *m = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	int r;

	if (!m)
		return -ENOMEM;
	if (l->foreign)
		return finish(out, m, -NLE_INVAL);
	r = nla_put_string(m, IFLA_IFNAME, l->l.name);
	/* The group in the creating request itself: if hostnet stops before
	 * the next request (the alias), the link is still known as its own. */
	if (r >= 0 && l->l.group)
		r = nla_put_u32(m, IFLA_GROUP, l->l.group);
	if (r >= 0)
		r = put_kind_data(m, l, parent_index);
	return finish(out, m, r);
}

/* On hostnet's adapters, deleting a subnet's primary address promotes a
 * secondary instead of deleting every address of the subnet with it, so an
 * address can be changed by adding the new one before removing the old. */
static int put_promote_secondaries(struct nl_msg *m)
{
	struct nlattr *spec, *inet, *conf;
	int r;

	if (!(spec = nla_nest_start(m, IFLA_AF_SPEC)) || !(inet = nla_nest_start(m, AF_INET)) ||
	    !(conf = nla_nest_start(m, IFLA_INET_CONF)))
		return -NLE_NOMEM;
	r = nla_put_u32(m, IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
	nla_nest_end(m, conf);
	nla_nest_end(m, inet);
	nla_nest_end(m, spec);
	return r;
}

int nlmsg_link_set(struct nl_msg **out, int ifindex, const struct want_link *l, uint32_t attrs,
		   int master_index)
{
	struct nl_msg *m = link_msg(RTM_NEWLINK, 0, ifindex);
	int r = 0;

	if (!m)
		return -ENOMEM;
	if ((attrs & 1u << WANT_ATTR_MTU) && l->l.mtu)
		r = nla_put_u32(m, IFLA_MTU, l->l.mtu);
	if (r >= 0 && (attrs & 1u << WANT_ATTR_MAC) && l->l.has_mac)
		r = nla_put(m, IFLA_ADDRESS, sizeof(l->l.mac.b), l->l.mac.b);
	if (r >= 0 && (attrs & 1u << WANT_ATTR_MASTER))
		r = nla_put_u32(m, IFLA_MASTER, (uint32_t)master_index);
	if (r >= 0 && (attrs & 1u << WANT_ATTR_MARK)) {
		r = nla_put_u32(m, IFLA_GROUP, l->l.group);
		if (r >= 0)
			r = nla_put_string(m, IFLA_IFALIAS, l->l.alias);
		if (r >= 0 && (l->l.kind == KOBJ_LINK_KIND_VETH || l->l.kind == KOBJ_LINK_KIND_MACVLAN ||
			       l->l.kind == KOBJ_LINK_KIND_VLAN))
			r = put_promote_secondaries(m);
	}
	return finish(out, m, r);
}

int nlmsg_link_state(struct nl_msg **out, int ifindex, bool up)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC, .ifi_index = ifindex,
		.ifi_flags = up ? IFF_UP : 0, .ifi_change = IFF_UP,
	};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, 0);

	if (!m)
		return -ENOMEM;
	return finish(out, m, nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO));
}

int nlmsg_link_group(struct nl_msg **out, int ifindex, uint32_t group)
{
	struct nl_msg *m = link_msg(RTM_NEWLINK, 0, ifindex);

	if (!m)
		return -ENOMEM;
	return finish(out, m, nla_put_u32(m, IFLA_GROUP, group));
}

int nlmsg_link_delete_group(struct nl_msg **out, uint32_t group)
{
	struct nl_msg *m = link_msg(RTM_DELLINK, 0, 0);

	if (!m)
		return -ENOMEM;
	return finish(out, m, nla_put_u32(m, IFLA_GROUP, group));
}

int nlmsg_bridge_port_pvid(struct nl_msg **out, int ifindex, uint16_t pvid)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
	struct bridge_vlan_info vinfo = {
		.flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED, .vid = pvid,
	};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_SETLINK, 0);
	struct nlattr *spec;
	int r;

	if (!m)
		return -ENOMEM;
	if (pvid == 0 || pvid > 4094)
		return finish(out, m, -NLE_INVAL);
	r = nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	spec = r >= 0 ? nla_nest_start(m, IFLA_AF_SPEC) : NULL;
	if (!spec)
		return finish(out, m, -NLE_NOMEM);
	r = nla_put(m, IFLA_BRIDGE_VLAN_INFO, sizeof(vinfo), &vinfo);
	nla_nest_end(m, spec);
	return finish(out, m, r);
}

static int put_vinfo(struct nl_msg *m, uint16_t flags, uint16_t vid)
{
	struct bridge_vlan_info vi = { .flags = flags, .vid = vid };

	return nla_put(m, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi);
}

/* The VLANs from..to, one entry or a range. */
static int put_vrange(struct nl_msg *m, uint16_t from, uint16_t to)
{
	int r;

	if (from > to)
		return 0;
	if (from == to)
		return put_vinfo(m, 0, from);
	r = put_vinfo(m, BRIDGE_VLAN_INFO_RANGE_BEGIN, from);
	return r < 0 ? r : put_vinfo(m, BRIDGE_VLAN_INFO_RANGE_END, to);
}

int nlmsg_bridge_vlans(struct nl_msg **out, int ifindex, const struct kobj_brvlan *v, bool del,
		       bool self)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
	struct nl_msg *m = nlmsg_alloc_simple(del ? RTM_DELLINK : RTM_SETLINK, 0);
	struct nlattr *spec;
	uint16_t next = 1;
	int r;

	if (!m)
		return -ENOMEM;
	if (ifindex <= 0 || v->pvid > 4094 || v->n > KOBJ_BRVLAN_MAX)
		return finish(out, m, -NLE_INVAL);
	for (uint8_t i = 0; i < v->n; i++)
		if (v->vids[i] == 0 || v->vids[i] > 4094 || v->vids[i] == v->pvid ||
		    (i > 0 && v->vids[i] <= v->vids[i - 1]))
			return finish(out, m, -NLE_INVAL);
	r = nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	spec = r >= 0 ? nla_nest_start(m, IFLA_AF_SPEC) : NULL;
	if (!spec)
		return finish(out, m, -NLE_NOMEM);
	/* Without it the kernel hands the request to the device's master. */
	if (self)
		r = nla_put_u16(m, IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF);
	if (r >= 0 && !del) {
		/* Adding the PVID moves the flag off the bridge's default one. */
		if (v->pvid)
			r = put_vinfo(m, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED, v->pvid);
		for (uint8_t i = 0; r >= 0 && i < v->n; i++)
			r = put_vinfo(m, 0, v->vids[i]);
	} else if (r >= 0) {
		/* Every VLAN but the kept ones, as ranges between them: the
		 * kernel skips those the port does not have. */
		uint16_t keep[KOBJ_BRVLAN_MAX + 1];
		size_t n = 0;

		bool put = !v->pvid;

		for (uint8_t i = 0; i < v->n; i++) {
			if (!put && v->pvid < v->vids[i]) {
				keep[n++] = v->pvid;
				put = true;
			}
			keep[n++] = v->vids[i];
		}
		if (!put)
			keep[n++] = v->pvid;
		for (size_t i = 0; r >= 0 && i < n; i++) {
			r = put_vrange(m, next, (uint16_t)(keep[i] - 1));
			next = (uint16_t)(keep[i] + 1);
		}
		if (r >= 0)
			r = put_vrange(m, next, 4094);
	}
	if (r >= 0)
		nla_nest_end(m, spec);
	return finish(out, m, r);
}

static int put_addr(struct nl_msg *m, int type, const struct hn_addr *a)
{
	return nla_put(m, type, a->family == AF_INET ? 4 : 16, a->bytes);
}

/* The header and the address itself, as both an add and a re-mark send
 * them (IFA_LOCAL and IFA_ADDRESS alike: a point-to-point peer is never
 * hostnet's). */
static int addr_head(struct nl_msg *m, struct ifaddrmsg *ifa, const struct want_addr *a)
{
	int r = nlmsg_append(m, ifa, sizeof(*ifa), NLMSG_ALIGNTO);

	if (r >= 0)
		r = put_addr(m, IFA_LOCAL, &a->a.addr);
	if (r >= 0)
		r = put_addr(m, IFA_ADDRESS, &a->a.addr);
	return r;
}

int nlmsg_addr(struct nl_msg **out, bool add, const struct want_addr *a, int ifindex)
{
	struct ifaddrmsg ifa = {
		.ifa_family = a->a.addr.family, .ifa_prefixlen = a->a.addr.prefixlen,
		.ifa_scope = RT_SCOPE_UNIVERSE, .ifa_index = (uint32_t)ifindex,
	};
	struct nl_msg *m = nlmsg_alloc_simple(add ? RTM_NEWADDR : RTM_DELADDR,
					      add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	int r;

	if (!m)
		return -ENOMEM;
	r = addr_head(m, &ifa, a);
	/* Kernels before 6.1 ignore IFA_PROTO; ownership then comes from the
	 * link's marks alone. */
	if (r >= 0 && add)
		r = nla_put_u8(m, IFA_PROTO, KOBJ_RTPROT_HOSTNET);
	return finish(out, m, r);
}

int nlmsg_addr_mark(struct nl_msg **out, const struct want_addr *a, const struct want_addr *was,
		    int ifindex)
{
	/* The flags a replace would otherwise reset (IPv6 reads them from the
	 * request); lifetimes stay the static address's "forever". */
	const uint32_t keep = IFA_F_NODAD | IFA_F_NOPREFIXROUTE | IFA_F_MANAGETEMPADDR |
			      IFA_F_HOMEADDRESS;
	uint32_t flags = was ? was->a.flags & keep : 0;
	struct ifaddrmsg ifa = {
		.ifa_family = a->a.addr.family, .ifa_prefixlen = a->a.addr.prefixlen,
		.ifa_flags = (uint8_t)flags,
		.ifa_scope = was ? was->a.scope : RT_SCOPE_UNIVERSE, .ifa_index = (uint32_t)ifindex,
	};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_REPLACE);
	int r;

	if (!m)
		return -ENOMEM;
	r = addr_head(m, &ifa, a);
	if (r >= 0 && flags)
		r = nla_put_u32(m, IFA_FLAGS, flags);
	/* An absent IFA_PROTO is protocol 0 (unknown) to the kernel. */
	if (r >= 0 && a->a.proto)
		r = nla_put_u8(m, IFA_PROTO, a->a.proto);
	return finish(out, m, r);
}

int nlmsg_route(struct nl_msg **out, bool add, bool replace, const struct want_route *r,
		int oif_index)
{
	const struct kobj_route *k = &r->r;
	struct rtmsg rtm = {
		.rtm_family = k->family, .rtm_dst_len = k->dst.prefixlen,
		.rtm_table = k->table < 256 ? (uint8_t)k->table : RT_TABLE_UNSPEC,
		.rtm_protocol = k->protocol, .rtm_scope = k->scope,
		.rtm_type = k->type ? k->type : RTN_UNICAST,
	};
	int flags = add ? NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL) : 0;
	/* nlmsg_alloc_simple() callocs a page per message: at 100,000 routes
	 * that zeroing was a tenth of an apply.  A route message is at most
	 * 112 bytes (header, rtmsg, table, dst, gateway, oif, priority,
	 * prefsrc); 512 leaves room, and an overflow is an error, not a cut. */
	struct nl_msg *m = nlmsg_alloc_size(512);
	int e;

	if (!m)
		return -ENOMEM;
	/* What nlmsg_alloc_simple() sets (sequence and port stay 0: auto). */
	nlmsg_hdr(m)->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlmsg_hdr(m)->nlmsg_flags = (uint16_t)flags;
	if (!add)
		rtm.rtm_scope = RT_SCOPE_NOWHERE;  /* match any scope */
	e = nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO);
	if (e >= 0)
		e = nla_put_u32(m, RTA_TABLE, k->table);
	if (e >= 0 && k->dst.prefixlen)
		e = put_addr(m, RTA_DST, &k->dst);
	if (e >= 0 && k->gateway.family)
		e = put_addr(m, RTA_GATEWAY, &k->gateway);
	if (e >= 0 && oif_index && rtm.rtm_type == RTN_UNICAST)
		e = nla_put_u32(m, RTA_OIF, (uint32_t)oif_index);
	if (e >= 0 && (k->metric || !add))
		e = nla_put_u32(m, RTA_PRIORITY, k->metric);
	if (e >= 0 && add && k->prefsrc.family)
		e = put_addr(m, RTA_PREFSRC, &k->prefsrc);
	return finish(out, m, e);
}

int nlmsg_rule(struct nl_msg **out, bool add, const struct want_rule *r)
{
	const struct kobj_rule *k = &r->r;
	struct fib_rule_hdr frh = {
		.family = k->family, .src_len = k->src.family ? k->src.prefixlen : 0,
		.dst_len = k->dst.family ? k->dst.prefixlen : 0,
		.table = k->table < 256 ? (uint8_t)k->table : RT_TABLE_UNSPEC, .action = k->action,
	};
	struct nl_msg *m = nlmsg_alloc_simple(add ? RTM_NEWRULE : RTM_DELRULE,
					      add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	int e;

	if (!m)
		return -ENOMEM;
	e = nlmsg_append(m, &frh, sizeof(frh), NLMSG_ALIGNTO);
	if (e >= 0)
		e = nla_put_u32(m, FRA_PRIORITY, k->priority);
	if (e >= 0)
		e = nla_put_u32(m, FRA_TABLE, k->table);
	if (e >= 0 && k->src.family)
		e = put_addr(m, FRA_SRC, &k->src);
	if (e >= 0 && k->dst.family)
		e = put_addr(m, FRA_DST, &k->dst);
	if (e >= 0 && k->iif[0])
		e = nla_put_string(m, FRA_IIFNAME, k->iif);
	if (e >= 0 && k->oif[0])
		e = nla_put_string(m, FRA_OIFNAME, k->oif);
	if (e >= 0 && (k->fwmark || k->fwmask)) {
		e = nla_put_u32(m, FRA_FWMARK, k->fwmark);
		if (e >= 0)
			e = nla_put_u32(m, FRA_FWMASK, k->fwmask);
	}
	if (e >= 0 && k->protocol)
		e = nla_put_u8(m, FRA_PROTOCOL, k->protocol);
	return finish(out, m, e);
}
