#include "observe-private.h"

#include <errno.h>
#include <string.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

static struct nla_policy link_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { .type = NLA_STRING },
	[IFLA_MTU] = { .type = NLA_U32 },
	[IFLA_OPERSTATE] = { .type = NLA_U8 },
	[IFLA_MASTER] = { .type = NLA_U32 },
	[IFLA_LINK] = { .type = NLA_U32 },
	[IFLA_LINK_NETNSID] = { .type = NLA_S32 },
	[IFLA_GROUP] = { .type = NLA_U32 },
	[IFLA_IFALIAS] = { .type = NLA_STRING },
	[IFLA_LINKINFO] = { .type = NLA_NESTED },
	[IFLA_AF_SPEC] = { .type = NLA_NESTED },
};

static struct nla_policy info_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = { .type = NLA_STRING },
	[IFLA_INFO_DATA] = { .type = NLA_NESTED },
	[IFLA_INFO_SLAVE_KIND] = { .type = NLA_STRING },
	[IFLA_INFO_SLAVE_DATA] = { .type = NLA_NESTED },
};

#define LINK_MAX2(a, b) ((a) > (b) ? (a) : (b))
#define LINK_DATA_MAX LINK_MAX2(LINK_MAX2(IFLA_MACVLAN_MAX, IFLA_BOND_MAX), \
				LINK_MAX2(IFLA_VLAN_MAX, IFLA_VRF_MAX))

/* The kind-specific values kobj_link keeps; other kinds' data is ignored. */
/* A bond's failure detection: IFLA_BOND_ARP_IP_TARGET nests one u32 per
 * target, in the kernel's slot order. */
static void observe_bond_mon(struct kobj_bond_mon *m, struct nlattr **tb)
{
	struct nlattr *t;
	int rem;

	if (tb[IFLA_BOND_MIIMON])
		m->miimon = nla_get_u32(tb[IFLA_BOND_MIIMON]);
	if (tb[IFLA_BOND_ARP_INTERVAL])
		m->arp_interval = nla_get_u32(tb[IFLA_BOND_ARP_INTERVAL]);
	if (tb[IFLA_BOND_ARP_VALIDATE])
		m->arp_validate = nla_get_u32(tb[IFLA_BOND_ARP_VALIDATE]);
	if (tb[IFLA_BOND_ARP_IP_TARGET])
		nla_for_each_nested(t, tb[IFLA_BOND_ARP_IP_TARGET], rem)
			if (nla_len(t) >= 4 && m->n_targets < KOBJ_BOND_ARP_TARGETS)
				memcpy(&m->targets[m->n_targets++], nla_data(t), 4);
	kobj_bond_mon_sort(m);
}

static int link_parse_data(struct kobj_link *l, struct nlattr *data)
{
	struct nlattr *tb[LINK_DATA_MAX + 1];
	static struct nla_policy vlan_policy[IFLA_VLAN_MAX + 1] = {
		[IFLA_VLAN_ID] = { .type = NLA_U16 },
	};
	static struct nla_policy vrf_policy[IFLA_VRF_MAX + 1] = {
		[IFLA_VRF_TABLE] = { .type = NLA_U32 },
	};
	static struct nla_policy macvlan_policy[IFLA_MACVLAN_MAX + 1] = {
		[IFLA_MACVLAN_MODE] = { .type = NLA_U32 },
	};
	static struct nla_policy bond_policy[IFLA_BOND_MAX + 1] = {
		[IFLA_BOND_MODE] = { .type = NLA_U8 },
		[IFLA_BOND_PRIMARY] = { .type = NLA_U32 },
		[IFLA_BOND_MIIMON] = { .type = NLA_U32 },
		[IFLA_BOND_ARP_INTERVAL] = { .type = NLA_U32 },
		[IFLA_BOND_ARP_VALIDATE] = { .type = NLA_U32 },
		[IFLA_BOND_ARP_IP_TARGET] = { .type = NLA_NESTED },
	};

	switch (l->kind) {
	case KOBJ_LINK_KIND_VLAN:
		if (nla_parse_nested(tb, IFLA_VLAN_MAX, data, vlan_policy) < 0)
			return -EBADMSG;
		if (tb[IFLA_VLAN_ID])
			l->vlan_id = nla_get_u16(tb[IFLA_VLAN_ID]);
		return 0;
	case KOBJ_LINK_KIND_VRF:
		if (nla_parse_nested(tb, IFLA_VRF_MAX, data, vrf_policy) < 0)
			return -EBADMSG;
		if (tb[IFLA_VRF_TABLE])
			l->vrf_table = nla_get_u32(tb[IFLA_VRF_TABLE]);
		return 0;
	case KOBJ_LINK_KIND_MACVLAN:
		if (nla_parse_nested(tb, IFLA_MACVLAN_MAX, data, macvlan_policy) < 0)
			return -EBADMSG;
		if (tb[IFLA_MACVLAN_MODE])
			l->macvlan_mode = nla_get_u32(tb[IFLA_MACVLAN_MODE]);
		return 0;
	case KOBJ_LINK_KIND_BOND:
		if (nla_parse_nested(tb, IFLA_BOND_MAX, data, bond_policy) < 0)
			return -EBADMSG;
		if (tb[IFLA_BOND_MODE])
			l->bond_mode = nla_get_u8(tb[IFLA_BOND_MODE]);
		if (tb[IFLA_BOND_PRIMARY])
			l->bond_primary = (int)nla_get_u32(tb[IFLA_BOND_PRIMARY]);
		observe_bond_mon(&l->bond_mon, tb);
		return 0;
	case KOBJ_LINK_KIND_DEVICE:
	case KOBJ_LINK_KIND_VETH:
	case KOBJ_LINK_KIND_BRIDGE:
	case KOBJ_LINK_KIND_VXLAN:
	case KOBJ_LINK_KIND_TUN:
	case KOBJ_LINK_KIND_DUMMY:
	case KOBJ_LINK_KIND_OTHER:
	case KOBJ_LINK_KIND__MAX:
		return 0;
	}
	return 0;
}

/* The port's side of its bridge (IFLA_INFO_SLAVE_DATA of slave kind
 * "bridge"); a bond's or a VRF's slave data is not kept. */
static int link_parse_brport(struct kobj_link *l, struct nlattr *data)
{
	static struct nla_policy brport_policy[IFLA_BRPORT_MAX + 1] = {
		[IFLA_BRPORT_LEARNING] = { .type = NLA_U8 },
		[IFLA_BRPORT_UNICAST_FLOOD] = { .type = NLA_U8 },
		[IFLA_BRPORT_LOCKED] = { .type = NLA_U8 },
	};
	static const int attr_of[KOBJ_BRPORT__MAX] = {
		[KOBJ_BRPORT_LEARNING] = IFLA_BRPORT_LEARNING,
		[KOBJ_BRPORT_FLOOD] = IFLA_BRPORT_UNICAST_FLOOD,
		[KOBJ_BRPORT_LOCKED] = IFLA_BRPORT_LOCKED,
	};
	struct nlattr *tb[IFLA_BRPORT_MAX + 1];

	if (nla_parse_nested(tb, IFLA_BRPORT_MAX, data, brport_policy) < 0)
		return -EBADMSG;
	l->is_brport = true;
	/* A kernel without IFLA_BRPORT_LOCKED leaves it out: not locked. */
	for (int f = 0; f < KOBJ_BRPORT__MAX; f++)
		if (tb[attr_of[f]] && nla_get_u8(tb[attr_of[f]]))
			l->brport |= (uint8_t)(1u << f);
	return 0;
}

static int link_parse_info(struct kobj_link *l, struct nlattr *linkinfo)
{
	struct nlattr *tb[IFLA_INFO_MAX + 1];
	int r;

	if (nla_parse_nested(tb, IFLA_INFO_MAX, linkinfo, info_policy) < 0)
		return -EBADMSG;
	/* A plain device has no IFLA_INFO_KIND yet can be a bridge port. */
	if (tb[IFLA_INFO_SLAVE_KIND] && tb[IFLA_INFO_SLAVE_DATA] &&
	    strcmp(nla_get_string(tb[IFLA_INFO_SLAVE_KIND]), "bridge") == 0) {
		r = link_parse_brport(l, tb[IFLA_INFO_SLAVE_DATA]);
		if (r < 0)
			return r;
	}
	if (!tb[IFLA_INFO_KIND])
		return 0;
	observe_copy_str(l->kind_name, sizeof(l->kind_name), tb[IFLA_INFO_KIND]);
	l->kind = (enum kobj_link_kind)kobj_link_kind_from_name(l->kind_name);
	if (!tb[IFLA_INFO_DATA])
		return 0;
	return link_parse_data(l, tb[IFLA_INFO_DATA]);
}

/* One DEVCONF_* value of IFLA_INET6_CONF; these settings are small, so a
 * value out of 0..255 is clamped rather than wrapped. */
static uint8_t link_devconf(const struct nlattr *conf, int index)
{
	int32_t v;

	memcpy(&v, (const uint8_t *)nla_data(conf) + (size_t)index * sizeof(v), sizeof(v));
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* IPv6 router advertisement settings from IFLA_AF_SPEC's AF_INET6 part:
 * IFLA_INET6_CONF is an array of s32 indexed by DEVCONF_*, as long as the
 * running kernel's DEVCONF_MAX (so never shorter than these old indexes). */
static int link_parse_inet6(struct kobj_link *l, struct nlattr *af_spec)
{
	struct nlattr *inet6, *conf;

	inet6 = nla_find(nla_data(af_spec), nla_len(af_spec), AF_INET6);
	if (!inet6)
		return 0;   /* no IPv6 on the link: has_ra stays false */
	conf = nla_find(nla_data(inet6), nla_len(inet6), IFLA_INET6_CONF);
	if (!conf)
		return 0;
	if (nla_len(conf) < (int)((DEVCONF_ACCEPT_RA_DEFRTR + 1) * sizeof(int32_t)))
		return -EBADMSG;
	l->has_ra = true;
	l->accept_ra = link_devconf(conf, DEVCONF_ACCEPT_RA);
	l->autoconf = link_devconf(conf, DEVCONF_AUTOCONF);
	l->accept_ra_defrtr = link_devconf(conf, DEVCONF_ACCEPT_RA_DEFRTR);
	return 0;
}

/* ARP flux settings from IFLA_AF_SPEC's AF_INET part: IFLA_INET_CONF is
 * an array of u32 indexed by IPV4_DEVCONF_* - 1. */
static int link_parse_inet(struct kobj_link *l, struct nlattr *af_spec)
{
	struct nlattr *inet, *conf;

	inet = nla_find(nla_data(af_spec), nla_len(af_spec), AF_INET);
	if (!inet)
		return 0;
	conf = nla_find(nla_data(inet), nla_len(inet), IFLA_INET_CONF);
	if (!conf)
		return 0;
	/* The kernel sends all of IPV4_DEVCONF_MAX; shorter is unknown. */
	if (nla_len(conf) < (int)(IPV4_DEVCONF_ARP_IGNORE * sizeof(int32_t)))
		return 0;
	l->has_arp = true;
	l->arp_ignore = link_devconf(conf, IPV4_DEVCONF_ARP_IGNORE - 1);
	l->arp_announce = link_devconf(conf, IPV4_DEVCONF_ARP_ANNOUNCE - 1);
	l->rp_filter = link_devconf(conf, IPV4_DEVCONF_RP_FILTER - 1);
	return 0;
}

int observe_parse_link(struct kobj_link *out, struct nlmsghdr *h)
{
	struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	struct kobj_link l = { .kind = KOBJ_LINK_KIND_DEVICE };
	int r;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 1;
	if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, link_policy) < 0 || !tb[IFLA_IFNAME])
		return -EBADMSG;
	ifi = nlmsg_data(h);
	l.ifindex = ifi->ifi_index;
	l.admin_up = (ifi->ifi_flags & IFF_UP) != 0;
	observe_copy_str(l.name, sizeof(l.name), tb[IFLA_IFNAME]);
	if (tb[IFLA_MTU])
		l.mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == (int)sizeof(l.mac.b)) {
		memcpy(l.mac.b, nla_data(tb[IFLA_ADDRESS]), sizeof(l.mac.b));
		l.has_mac = true;
	}
	if (tb[IFLA_OPERSTATE])
		l.operstate = nla_get_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_MASTER])
		l.master = (int)nla_get_u32(tb[IFLA_MASTER]);
	/* An ifindex in another namespace would name the wrong local link. */
	if (tb[IFLA_LINK] && !tb[IFLA_LINK_NETNSID])
		l.link = (int)nla_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_GROUP])
		l.group = nla_get_u32(tb[IFLA_GROUP]);
	if (tb[IFLA_IFALIAS])
		observe_copy_str(l.alias, sizeof(l.alias), tb[IFLA_IFALIAS]);
	if (tb[IFLA_LINKINFO]) {
		r = link_parse_info(&l, tb[IFLA_LINKINFO]);
		if (r < 0)
			return r;
	}
	if (tb[IFLA_AF_SPEC]) {
		r = link_parse_inet6(&l, tb[IFLA_AF_SPEC]);
		if (r == 0)
			r = link_parse_inet(&l, tb[IFLA_AF_SPEC]);
		if (r < 0)
			return r;
	}
	/* No alias yet is a link hostnet was creating when it was stopped:
	 * the group comes with the creating request, the alias after it. */
	l.owned = l.group == KOBJ_LINK_GROUP &&
		  (!l.alias[0] || strncmp(l.alias, KOBJ_ALIAS_PREFIX, strlen(KOBJ_ALIAS_PREFIX)) == 0);
	*out = l;
	return 0;
}
