/* nlmsg-port: requests for a bridge port's security flags, its static FDB
 * entries and a bond's primary member (nlmsg.h). */
#include "nlmsg.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

static int port_finish(struct nl_msg **out, struct nl_msg *m, int r)
{
	if (r < 0) {
		nlmsg_free(m);
		return r == -NLE_NOMEM ? -ENOMEM : -EINVAL;
	}
	*out = m;
	return 0;
}

/* RTM_NEWLINK of ifindex with IFLA_LINKINFO holding `kind_type` (the link's
 * IFLA_INFO_KIND or its IFLA_INFO_SLAVE_KIND) = kind and an open data nest
 * of `data_type`; the caller puts the data and closes both nests. */
static int port_linkinfo(struct nl_msg **out, int ifindex, int kind_type, const char *kind,
			 int data_type, struct nlattr **info, struct nlattr **data)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	int r;

	if (!m)
		return -ENOMEM;
	if (ifindex <= 0)
		return port_finish(out, m, -NLE_INVAL);
	r = nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	if (r >= 0 && !(*info = nla_nest_start(m, IFLA_LINKINFO)))
		r = -NLE_NOMEM;
	if (r >= 0)
		r = nla_put_string(m, kind_type, kind);
	if (r >= 0 && !(*data = nla_nest_start(m, data_type)))
		r = -NLE_NOMEM;
	if (r < 0)
		return port_finish(out, m, r);
	*out = m;
	return 0;
}

int nlmsg_brport_flags(struct nl_msg **out, int ifindex, uint8_t brport)
{
	static const int attr_of[KOBJ_BRPORT__MAX] = {
		[KOBJ_BRPORT_LEARNING] = IFLA_BRPORT_LEARNING,
		[KOBJ_BRPORT_FLOOD] = IFLA_BRPORT_UNICAST_FLOOD,
		[KOBJ_BRPORT_LOCKED] = IFLA_BRPORT_LOCKED,
	};
	struct nlattr *info = NULL, *data = NULL;
	struct nl_msg *m;
	int r;

	if (brport >> KOBJ_BRPORT__MAX)
		return -EINVAL;
	r = port_linkinfo(&m, ifindex, IFLA_INFO_SLAVE_KIND, "bridge", IFLA_INFO_SLAVE_DATA,
			  &info, &data);
	if (r < 0)
		return r;
	/* Every flag, off ones too: the request states the whole policy. */
	for (int f = 0; r >= 0 && f < KOBJ_BRPORT__MAX; f++)
		r = nla_put_u8(m, attr_of[f], (brport >> f) & 1u);
	if (r >= 0) {
		nla_nest_end(m, data);
		nla_nest_end(m, info);
	}
	return port_finish(out, m, r);
}

static struct nl_msg *fdb_msg(int type, int flags, int port_ifindex, uint8_t state)
{
	struct ndmsg ndm = {
		.ndm_family = AF_BRIDGE, .ndm_ifindex = port_ifindex,
		.ndm_state = state, .ndm_flags = NTF_MASTER,
	};
	struct nl_msg *m = nlmsg_alloc_simple(type, flags);

	if (m && nlmsg_append(m, &ndm, sizeof(ndm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

int nlmsg_fdb_static(struct nl_msg **out, bool add, int port_ifindex, const struct hn_mac *mac)
{
	struct nl_msg *m;

	/* The kernel refuses to add a multicast or zero MAC; say so here. */
	if (port_ifindex <= 0 || (add && (!addr_mac_is_unicast(mac) || addr_mac_is_zero(mac))))
		return -EINVAL;
	m = fdb_msg(add ? RTM_NEWNEIGH : RTM_DELNEIGH, add ? NLM_F_CREATE | NLM_F_REPLACE : 0,
		    port_ifindex, NUD_NOARP);
	if (!m)
		return -ENOMEM;
	return port_finish(out, m, nla_put(m, NDA_LLADDR, sizeof(mac->b), mac->b));
}

int nlmsg_fdb_flush_static(struct nl_msg **out, int port_ifindex)
{
	struct nl_msg *m;

	if (port_ifindex <= 0)
		return -EINVAL;
	m = fdb_msg(RTM_DELNEIGH, NLM_F_BULK, port_ifindex, NUD_NOARP);
	if (!m)
		return -ENOMEM;
	/* Entries match when (state & mask) == ndm_state: static ones, but not
	 * local ones, which the bridge marks static as well as permanent. */
	return port_finish(out, m, nla_put_u16(m, NDA_NDM_STATE_MASK, NUD_NOARP | NUD_PERMANENT));
}

/* Both monitors are said in one message: the kernel refuses MII and ARP
 * monitoring at once (bond_changelink), and a zero turns one off. */
static int put_bond_mon(struct nl_msg *m, const struct kobj_bond_mon *mon)
{
	struct nlattr *targets;
	int r;

	if ((r = nla_put_u32(m, IFLA_BOND_MIIMON, mon->miimon)) < 0 ||
	    (r = nla_put_u32(m, IFLA_BOND_ARP_INTERVAL, mon->arp_interval)) < 0)
		return r;
	/* The list replaces the bond's targets; an empty one clears them.
	 * libnl's nla_nest_end() drops an empty nest, so that one is put as
	 * an attribute without payload (which the kernel takes as a list). */
	if (mon->n_targets == 0) {
		r = nla_put(m, IFLA_BOND_ARP_IP_TARGET, 0, NULL);
		return r < 0 ? r : nla_put_u32(m, IFLA_BOND_ARP_VALIDATE, mon->arp_validate);
	}
	if (!(targets = nla_nest_start(m, IFLA_BOND_ARP_IP_TARGET)))
		return -NLE_NOMEM;
	for (int i = 0; i < mon->n_targets && i < KOBJ_BOND_ARP_TARGETS; i++)
		if ((r = nla_put_u32(m, i, mon->targets[i])) < 0)
			return r;
	nla_nest_end(m, targets);
	return nla_put_u32(m, IFLA_BOND_ARP_VALIDATE, mon->arp_validate);
}

int nlmsg_bond_settings(struct nl_msg **out, int bond_ifindex, int primary_ifindex,
			const struct kobj_bond_mon *mon)
{
	struct nlattr *info = NULL, *data = NULL;
	struct nl_msg *m;
	int r;

	r = port_linkinfo(&m, bond_ifindex, IFLA_INFO_KIND, "bond", IFLA_INFO_DATA, &info, &data);
	if (r < 0)
		return r;
	/* An ifindex that names no link (0) clears the primary. */
	if (primary_ifindex >= 0)
		r = nla_put_u32(m, IFLA_BOND_PRIMARY, (uint32_t)primary_ifindex);
	if (r >= 0 && mon)
		r = put_bond_mon(m, mon);
	if (r >= 0) {
		nla_nest_end(m, data);
		nla_nest_end(m, info);
	}
	return port_finish(out, m, r);
}

int nlmsg_bond_primary(struct nl_msg **out, int bond_ifindex, int primary_ifindex)
{
	if (primary_ifindex < 0)
		return -EINVAL;
	return nlmsg_bond_settings(out, bond_ifindex, primary_ifindex, NULL);
}
