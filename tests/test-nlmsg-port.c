/* Bridge port flags, static FDB entries, bonds and IPv6 RA settings:
 * the requests of nlmsg-port.c (and the bond case of nlmsg.c), checked
 * attribute by attribute; the observe parsers for them fed hand-built dump
 * messages; the sysctl writer under a test directory.  Pure: nothing is sent,
 * so bonds (which this kernel lacks) are pinned at message level. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "testnl.h"

#include "kobj.h"
#include "nlmsg.h"
#include "observe.h"
#include "realize.h"
#include "sysctl.h"

#define BIT(a) (1u << (a))
#define IFI_LEN sizeof(struct ifinfomsg)
#define NDM_LEN sizeof(struct ndmsg)

static uint8_t nested_u8(struct nlattr *nest, int type)
{
	struct nlattr *a = nested(nest, type);

	assert_int_equal(nla_len(a), 1);
	return nla_get_u8(a);
}

static const struct ifinfomsg *ifi_of(struct nlmsghdr *h)
{
	return nlmsg_data(h);
}

static const struct ndmsg *ndm_of(struct nlmsghdr *h)
{
	return nlmsg_data(h);
}

static struct hn_mac mac_of(const char *s)
{
	struct hn_mac m;

	assert_int_equal(addr_parse_mac(&m, s), 0);
	return m;
}

/* --- bridge port flags ---------------------------------------------------- */

static void brport_flags_send_all_three_as_slave_data(void **state)
{
	static const struct { uint8_t bits, learning, flood, locked; } cases[] = {
		{ 0, 0, 0, 0 },
		{ BIT(KOBJ_BRPORT_LEARNING), 1, 0, 0 },
		{ BIT(KOBJ_BRPORT_FLOOD), 0, 1, 0 },
		{ BIT(KOBJ_BRPORT_LOCKED), 0, 0, 1 },
		{ BIT(KOBJ_BRPORT_LEARNING) | BIT(KOBJ_BRPORT_FLOOD) | BIT(KOBJ_BRPORT_LOCKED), 1, 1, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct nl_msg *m = NULL;
		struct nlmsghdr *h;
		struct nlattr *info, *data;

		assert_int_equal(nlmsg_brport_flags(&m, 7, cases[i].bits), 0);
		h = nlmsg_hdr(m);
		assert_int_equal(h->nlmsg_type, RTM_NEWLINK);
		assert_int_equal(h->nlmsg_flags, 0);   /* changes a link, never creates */
		assert_int_equal(ifi_of(h)->ifi_family, AF_UNSPEC);
		assert_int_equal(ifi_of(h)->ifi_index, 7);
		assert_int_equal(ifi_of(h)->ifi_change, 0);
		ASSERT_ATTRS(h, IFI_LEN, IFLA_LINKINFO);
		info = attr(h, IFI_LEN, IFLA_LINKINFO);
		/* The port's own kind is not named: a veth or an uplink alike. */
		ASSERT_NESTED(info, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA);
		assert_string_equal(nla_get_string(nested(info, IFLA_INFO_SLAVE_KIND)), "bridge");
		data = nested(info, IFLA_INFO_SLAVE_DATA);
		ASSERT_NESTED(data, IFLA_BRPORT_LEARNING, IFLA_BRPORT_UNICAST_FLOOD,
			      IFLA_BRPORT_LOCKED);
		assert_int_equal(nested_u8(data, IFLA_BRPORT_LEARNING), cases[i].learning);
		assert_int_equal(nested_u8(data, IFLA_BRPORT_UNICAST_FLOOD), cases[i].flood);
		assert_int_equal(nested_u8(data, IFLA_BRPORT_LOCKED), cases[i].locked);
		nlmsg_free(m);
	}
}

static void brport_flags_refuse_unknown_bits_and_no_ifindex(void **state)
{
	struct nl_msg *m = NULL;

	assert_int_equal(nlmsg_brport_flags(&m, 7, BIT(KOBJ_BRPORT__MAX)), -EINVAL);
	assert_null(m);
	assert_int_equal(nlmsg_brport_flags(&m, 0, 0), -EINVAL);
	assert_null(m);
	assert_int_equal(nlmsg_brport_flags(&m, -3, 0), -EINVAL);
	assert_null(m);
}

/* --- static FDB entries ---------------------------------------------------- */

static void fdb_static_add_is_master_noarp_create_replace(void **state)
{
	struct hn_mac mac = mac_of("02:00:5e:00:53:01");
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *ll;

	assert_int_equal(nlmsg_fdb_static(&m, true, 9, &mac), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWNEIGH);
	/* REPLACE: an entry learned on another port becomes ours, here. */
	assert_int_equal(h->nlmsg_flags, NLM_F_CREATE | NLM_F_REPLACE);
	assert_int_equal(ndm_of(h)->ndm_family, AF_BRIDGE);
	assert_int_equal(ndm_of(h)->ndm_ifindex, 9);
	assert_int_equal(ndm_of(h)->ndm_state, NUD_NOARP);
	assert_int_equal(ndm_of(h)->ndm_flags, NTF_MASTER);
	assert_int_equal(ndm_of(h)->ndm_type, 0);
	ASSERT_ATTRS(h, NDM_LEN, NDA_LLADDR);
	ll = attr(h, NDM_LEN, NDA_LLADDR);
	assert_int_equal(nla_len(ll), 6);
	assert_memory_equal(nla_data(ll), mac.b, 6);
	nlmsg_free(m);
}

static void fdb_static_delete_names_port_and_mac_only(void **state)
{
	struct hn_mac mac = mac_of("02:00:5e:00:53:02"), mcast = mac_of("01:00:5e:00:00:01");
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;

	assert_int_equal(nlmsg_fdb_static(&m, false, 9, &mac), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_DELNEIGH);
	assert_int_equal(h->nlmsg_flags, 0);
	assert_int_equal(ndm_of(h)->ndm_family, AF_BRIDGE);
	assert_int_equal(ndm_of(h)->ndm_ifindex, 9);
	assert_int_equal(ndm_of(h)->ndm_flags, NTF_MASTER);
	ASSERT_ATTRS(h, NDM_LEN, NDA_LLADDR);
	assert_memory_equal(nla_data(attr(h, NDM_LEN, NDA_LLADDR)), mac.b, 6);
	nlmsg_free(m);
	/* What the kernel would refuse to add can still be removed. */
	assert_int_equal(nlmsg_fdb_static(&m, false, 9, &mcast), 0);
	nlmsg_free(m);
}

static void fdb_static_refuses_multicast_zero_and_no_port(void **state)
{
	struct hn_mac mcast = mac_of("01:00:5e:00:00:01"), zero = { { 0 } };
	struct hn_mac bcast = mac_of("ff:ff:ff:ff:ff:ff"), ok = mac_of("02:00:5e:00:53:01");
	struct nl_msg *m = NULL;

	assert_int_equal(nlmsg_fdb_static(&m, true, 9, &mcast), -EINVAL);
	assert_int_equal(nlmsg_fdb_static(&m, true, 9, &zero), -EINVAL);
	assert_int_equal(nlmsg_fdb_static(&m, true, 9, &bcast), -EINVAL);
	assert_int_equal(nlmsg_fdb_static(&m, true, 0, &ok), -EINVAL);
	assert_int_equal(nlmsg_fdb_static(&m, false, 0, &ok), -EINVAL);
	assert_null(m);
}

static void fdb_flush_static_is_bulk_with_a_state_mask(void **state)
{
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *mask;

	assert_int_equal(nlmsg_fdb_flush_static(&m, 11), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_DELNEIGH);
	assert_int_equal(h->nlmsg_flags, NLM_F_BULK);
	assert_int_equal(ndm_of(h)->ndm_family, AF_BRIDGE);
	assert_int_equal(ndm_of(h)->ndm_ifindex, 11);
	assert_int_equal(ndm_of(h)->ndm_state, NUD_NOARP);
	assert_int_equal(ndm_of(h)->ndm_flags, NTF_MASTER);
	/* No address: every entry of the port that matches state & mask. */
	ASSERT_ATTRS(h, NDM_LEN, NDA_NDM_STATE_MASK);
	mask = attr(h, NDM_LEN, NDA_NDM_STATE_MASK);
	assert_int_equal(nla_len(mask), 2);
	assert_int_equal(nla_get_u16(mask), NUD_NOARP | NUD_PERMANENT);
	nlmsg_free(m);
	m = NULL;
	assert_int_equal(nlmsg_fdb_flush_static(&m, 0), -EINVAL);
	assert_null(m);
}

/* --- bonds ------------------------------------------------------------------ */

static void bond_create_carries_its_mode(void **state)
{
	struct want_link l = { .l = { .kind = KOBJ_LINK_KIND_BOND, .group = KOBJ_LINK_GROUP } };
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *info, *data;

	snprintf(l.l.name, sizeof(l.l.name), "team0");
	for (uint8_t mode = KOBJ_BOND_ACTIVE_BACKUP; mode <= KOBJ_BOND_XOR; mode++) {
		l.l.bond_mode = mode;
		assert_int_equal(nlmsg_link_create(&m, &l, 0), 0);
		h = nlmsg_hdr(m);
		assert_int_equal(h->nlmsg_type, RTM_NEWLINK);
		assert_int_equal(h->nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
		ASSERT_ATTRS(h, IFI_LEN, IFLA_IFNAME, IFLA_GROUP, IFLA_LINKINFO);
		assert_string_equal(nla_get_string(attr(h, IFI_LEN, IFLA_IFNAME)), "team0");
		info = attr(h, IFI_LEN, IFLA_LINKINFO);
		ASSERT_NESTED(info, IFLA_INFO_KIND, IFLA_INFO_DATA);
		assert_string_equal(nla_get_string(nested(info, IFLA_INFO_KIND)), "bond");
		data = nested(info, IFLA_INFO_DATA);
		ASSERT_NESTED(data, IFLA_BOND_MODE);
		assert_int_equal(nested_u8(data, IFLA_BOND_MODE), mode);
		nlmsg_free(m);
	}
}

static void bond_primary_names_the_member_or_clears_with_zero(void **state)
{
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *info, *data, *p;

	for (int primary = 0; primary <= 12; primary += 12) {
		assert_int_equal(nlmsg_bond_primary(&m, 5, primary), 0);
		h = nlmsg_hdr(m);
		assert_int_equal(h->nlmsg_type, RTM_NEWLINK);
		assert_int_equal(h->nlmsg_flags, 0);
		assert_int_equal(ifi_of(h)->ifi_family, AF_UNSPEC);
		assert_int_equal(ifi_of(h)->ifi_index, 5);
		ASSERT_ATTRS(h, IFI_LEN, IFLA_LINKINFO);
		info = attr(h, IFI_LEN, IFLA_LINKINFO);
		ASSERT_NESTED(info, IFLA_INFO_KIND, IFLA_INFO_DATA);
		assert_string_equal(nla_get_string(nested(info, IFLA_INFO_KIND)), "bond");
		data = nested(info, IFLA_INFO_DATA);
		ASSERT_NESTED(data, IFLA_BOND_PRIMARY);
		p = nested(data, IFLA_BOND_PRIMARY);
		assert_int_equal(nla_len(p), 4);
		assert_int_equal(nla_get_u32(p), (uint32_t)primary);
		nlmsg_free(m);
	}
	m = NULL;
	assert_int_equal(nlmsg_bond_primary(&m, 0, 12), -EINVAL);
	assert_int_equal(nlmsg_bond_primary(&m, 5, -1), -EINVAL);
	assert_null(m);
}

/* MII and ARP monitoring in one message (the kernel refuses both on), the
 * target list replacing the bond's; no primary for a balance-xor bond. */
static void bond_settings_say_both_monitors_and_may_leave_the_primary(void **state)
{
	const struct kobj_bond_mon arp = { .arp_interval = 1000, .arp_validate = 3, .n_targets = 2,
					   .targets = { htonl(0xc0000201), htonl(0xc0000209) } };
	const struct kobj_bond_mon mii = { .miimon = 100 };
	struct nl_msg *m = NULL;
	struct nlattr *info, *data, *t;
	struct nlmsghdr *h;

	(void)state;
	assert_int_equal(nlmsg_bond_settings(&m, 5, -1, &arp), 0);
	h = nlmsg_hdr(m);
	info = attr(h, IFI_LEN, IFLA_LINKINFO);
	data = nested(info, IFLA_INFO_DATA);
	ASSERT_NESTED(data, IFLA_BOND_MIIMON, IFLA_BOND_ARP_INTERVAL, IFLA_BOND_ARP_IP_TARGET,
		      IFLA_BOND_ARP_VALIDATE);
	assert_int_equal(nla_get_u32(nested(data, IFLA_BOND_MIIMON)), 0);
	assert_int_equal(nla_get_u32(nested(data, IFLA_BOND_ARP_INTERVAL)), 1000);
	assert_int_equal(nla_get_u32(nested(data, IFLA_BOND_ARP_VALIDATE)), 3);
	t = nested(data, IFLA_BOND_ARP_IP_TARGET);
	ASSERT_NESTED(t, 0, 1);
	assert_int_equal(ntohl(nla_get_u32(nested(t, 1))), 0xc0000209);
	nlmsg_free(m);

	m = NULL;
	assert_int_equal(nlmsg_bond_settings(&m, 5, 12, &mii), 0);
	data = nested(attr(nlmsg_hdr(m), IFI_LEN, IFLA_LINKINFO), IFLA_INFO_DATA);
	ASSERT_NESTED(data, IFLA_BOND_PRIMARY, IFLA_BOND_MIIMON, IFLA_BOND_ARP_INTERVAL,
		      IFLA_BOND_ARP_IP_TARGET, IFLA_BOND_ARP_VALIDATE);
	assert_int_equal(nla_get_u32(nested(data, IFLA_BOND_MIIMON)), 100);
	assert_int_equal(nla_len(nested(data, IFLA_BOND_ARP_IP_TARGET)), 0);
	nlmsg_free(m);
}

/* --- observe: hand-built links ------------------------------------------- */

static struct nl_msg *link_msg(int ifindex, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_MULTI);

	assert_non_null(m);
	assert_int_equal(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_string(m, IFLA_IFNAME, name), 0);
	return m;
}

/* IFLA_LINKINFO with an optional kind and the slave data of slave_kind:
 * learning, flood and locked as given (-1 = attribute absent). */
static void put_slave(struct nl_msg *m, const char *kind, const char *slave_kind, int learning,
		      int flood, int locked)
{
	struct nlattr *info = nla_nest_start(m, IFLA_LINKINFO), *data;

	assert_non_null(info);
	if (kind)
		assert_int_equal(nla_put_string(m, IFLA_INFO_KIND, kind), 0);
	assert_int_equal(nla_put_string(m, IFLA_INFO_SLAVE_KIND, slave_kind), 0);
	data = nla_nest_start(m, IFLA_INFO_SLAVE_DATA);
	assert_non_null(data);
	/* Attributes the kernel sends around them, which are ignored. */
	assert_int_equal(nla_put_u8(m, IFLA_BRPORT_STATE, 3), 0);
	assert_int_equal(nla_put_u16(m, IFLA_BRPORT_PRIORITY, 32), 0);
	if (learning >= 0)
		assert_int_equal(nla_put_u8(m, IFLA_BRPORT_LEARNING, (uint8_t)learning), 0);
	if (flood >= 0)
		assert_int_equal(nla_put_u8(m, IFLA_BRPORT_UNICAST_FLOOD, (uint8_t)flood), 0);
	if (locked >= 0)
		assert_int_equal(nla_put_u8(m, IFLA_BRPORT_LOCKED, (uint8_t)locked), 0);
	nla_nest_end(m, data);
	nla_nest_end(m, info);
}

static void parse_link_bridge_port_of_a_plain_device_and_a_veth(void **state)
{
	struct kobj_link l;
	struct nl_msg *m;

	/* An uplink has no IFLA_INFO_KIND, only the slave part. */
	m = link_msg(3, "eth1");
	put_slave(m, NULL, "bridge", 0, 1, 1);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.kind, KOBJ_LINK_KIND_DEVICE);
	assert_string_equal(l.kind_name, "");
	assert_true(l.is_brport);
	assert_int_equal(l.brport, BIT(KOBJ_BRPORT_FLOOD) | BIT(KOBJ_BRPORT_LOCKED));

	m = link_msg(4, "vmk1p");
	put_slave(m, "veth", "bridge", 1, 0, 0);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.kind, KOBJ_LINK_KIND_VETH);
	assert_true(l.is_brport);
	assert_int_equal(l.brport, BIT(KOBJ_BRPORT_LEARNING));

	/* A kernel before 5.18 has no IFLA_BRPORT_LOCKED: not locked. */
	m = link_msg(5, "vmk2p");
	put_slave(m, "veth", "bridge", 1, 1, -1);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_true(l.is_brport);
	assert_int_equal(l.brport, BIT(KOBJ_BRPORT_LEARNING) | BIT(KOBJ_BRPORT_FLOOD));

	/* A bond's member is no bridge port, whatever its slave data says. */
	m = link_msg(6, "eth2");
	put_slave(m, NULL, "bond", 1, 1, 1);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_false(l.is_brport);
	assert_int_equal(l.brport, 0);

	/* No linkinfo at all. */
	m = link_msg(7, "lo");
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_false(l.is_brport);
}

static void parse_link_rejects_malformed_slave_data(void **state)
{
	struct kobj_link l = { .ifindex = 99 };
	struct nl_msg *m = link_msg(3, "eth1");
	struct nlattr *info = nla_nest_start(m, IFLA_LINKINFO), *data;

	assert_int_equal(nla_put_string(m, IFLA_INFO_SLAVE_KIND, "bridge"), 0);
	data = nla_nest_start(m, IFLA_INFO_SLAVE_DATA);
	assert_int_equal(nla_put(m, IFLA_BRPORT_LEARNING, 0, NULL), 0);   /* u8 of 0 bytes */
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
	assert_int_equal(l.ifindex, 99);
}

/* IFLA_AF_SPEC with an AF_INET part first (as the kernel sends it) and an
 * AF_INET6 one whose IFLA_INET6_CONF has n values, value i = values[i] or
 * 100 + i beyond them. */
static void put_inet6_conf(struct nl_msg *m, const int32_t *values, size_t nvalues, size_t n)
{
	struct nlattr *spec = nla_nest_start(m, IFLA_AF_SPEC), *inet, *inet6;
	int32_t conf[DEVCONF_MAX + 8];

	assert_true(n <= sizeof(conf) / sizeof(*conf));
	for (size_t i = 0; i < n; i++)
		conf[i] = i < nvalues ? values[i] : (int32_t)(100 + i);
	inet = nla_nest_start(m, AF_INET);
	assert_int_equal(nla_put(m, IFLA_INET_CONF, 8, conf), 0);
	nla_nest_end(m, inet);
	inet6 = nla_nest_start(m, AF_INET6);
	assert_int_equal(nla_put_u32(m, IFLA_INET6_FLAGS, 0), 0);
	assert_int_equal(nla_put(m, IFLA_INET6_CONF, (int)(n * sizeof(int32_t)), conf), 0);
	nla_nest_end(m, inet6);
	nla_nest_end(m, spec);
}

static void parse_link_ipv6_ra_settings_from_inet6_conf(void **state)
{
	int32_t v[DEVCONF_MAX] = { 0 };
	struct kobj_link l;
	struct nl_msg *m;

	v[DEVCONF_ACCEPT_RA] = 2;
	v[DEVCONF_AUTOCONF] = 0;
	v[DEVCONF_ACCEPT_RA_DEFRTR] = 1;
	v[DEVCONF_FORWARDING] = 1;
	m = link_msg(4, "vmk1");
	/* A newer kernel's longer array is fine. */
	put_inet6_conf(m, v, DEVCONF_MAX, DEVCONF_MAX + 4);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_true(l.has_ra);
	assert_int_equal(l.accept_ra, 2);
	assert_int_equal(l.autoconf, 0);
	assert_int_equal(l.accept_ra_defrtr, 1);

	v[DEVCONF_ACCEPT_RA] = 0;
	v[DEVCONF_AUTOCONF] = 1;
	v[DEVCONF_ACCEPT_RA_DEFRTR] = 0;
	m = link_msg(4, "vmk1");
	put_inet6_conf(m, v, DEVCONF_MAX, DEVCONF_MAX);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.accept_ra, 0);
	assert_int_equal(l.autoconf, 1);
	assert_int_equal(l.accept_ra_defrtr, 0);

	/* Out-of-range values are clamped, not wrapped. */
	v[DEVCONF_ACCEPT_RA] = -1;
	v[DEVCONF_AUTOCONF] = 300;
	m = link_msg(4, "vmk1");
	put_inet6_conf(m, v, DEVCONF_MAX, DEVCONF_MAX);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.accept_ra, 0);
	assert_int_equal(l.autoconf, 255);
}

static void parse_link_without_ipv6_has_no_ra_and_short_conf_is_malformed(void **state)
{
	struct kobj_link l;
	struct nl_msg *m;
	struct nlattr *spec, *inet;
	int32_t conf[2] = { 1, 1 };

	/* Only AF_INET in IFLA_AF_SPEC: IPv6 is off on this link. */
	m = link_msg(4, "vmk1");
	spec = nla_nest_start(m, IFLA_AF_SPEC);
	inet = nla_nest_start(m, AF_INET);
	assert_int_equal(nla_put(m, IFLA_INET_CONF, sizeof(conf), conf), 0);
	nla_nest_end(m, inet);
	nla_nest_end(m, spec);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_false(l.has_ra);
	assert_int_equal(l.accept_ra, 0);

	/* Too short to hold DEVCONF_ACCEPT_RA_DEFRTR. */
	m = link_msg(4, "vmk1");
	put_inet6_conf(m, NULL, 0, DEVCONF_ACCEPT_RA_DEFRTR);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
}

static void parse_link_bond_mode_and_primary(void **state)
{
	struct kobj_link l;
	struct nl_msg *m = link_msg(20, "team0");
	struct nlattr *info = nla_nest_start(m, IFLA_LINKINFO), *data;

	assert_int_equal(nla_put_string(m, IFLA_INFO_KIND, "bond"), 0);
	data = nla_nest_start(m, IFLA_INFO_DATA);
	assert_int_equal(nla_put_u8(m, IFLA_BOND_MODE, KOBJ_BOND_ACTIVE_BACKUP), 0);
	assert_int_equal(nla_put_u32(m, IFLA_BOND_MIIMON, 100), 0);
	assert_int_equal(nla_put_u32(m, IFLA_BOND_PRIMARY, 21), 0);
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.kind, KOBJ_LINK_KIND_BOND);
	assert_int_equal(l.bond_mode, KOBJ_BOND_ACTIVE_BACKUP);
	assert_int_equal(l.bond_primary, 21);

	/* No primary (the kernel leaves the attribute out). */
	m = link_msg(20, "team0");
	info = nla_nest_start(m, IFLA_LINKINFO);
	assert_int_equal(nla_put_string(m, IFLA_INFO_KIND, "bond"), 0);
	data = nla_nest_start(m, IFLA_INFO_DATA);
	assert_int_equal(nla_put_u8(m, IFLA_BOND_MODE, KOBJ_BOND_XOR), 0);
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.bond_mode, KOBJ_BOND_XOR);
	assert_int_equal(l.bond_primary, 0);
}

/* The monitors as the kernel dumps them: targets in slot order, kept sorted. */
static void parse_link_bond_monitors(void **state)
{
	struct kobj_link l;
	struct nl_msg *m = link_msg(20, "team0");
	struct nlattr *info = nla_nest_start(m, IFLA_LINKINFO), *data, *t;

	(void)state;
	assert_int_equal(nla_put_string(m, IFLA_INFO_KIND, "bond"), 0);
	data = nla_nest_start(m, IFLA_INFO_DATA);
	assert_int_equal(nla_put_u8(m, IFLA_BOND_MODE, KOBJ_BOND_ACTIVE_BACKUP), 0);
	assert_int_equal(nla_put_u32(m, IFLA_BOND_MIIMON, 0), 0);
	assert_int_equal(nla_put_u32(m, IFLA_BOND_ARP_INTERVAL, 500), 0);
	t = nla_nest_start(m, IFLA_BOND_ARP_IP_TARGET);
	assert_int_equal(nla_put_u32(m, 0, htonl(0xc0000209)), 0);   /* 192.0.2.9 */
	assert_int_equal(nla_put_u32(m, 1, htonl(0xc0000201)), 0);   /* 192.0.2.1 */
	nla_nest_end(m, t);
	assert_int_equal(nla_put_u32(m, IFLA_BOND_ARP_VALIDATE, 3), 0);
	nla_nest_end(m, data);
	nla_nest_end(m, info);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.bond_mon.miimon, 0);
	assert_int_equal(l.bond_mon.arp_interval, 500);
	assert_int_equal(l.bond_mon.arp_validate, 3);
	assert_int_equal(l.bond_mon.n_targets, 2);
	assert_int_equal(ntohl(l.bond_mon.targets[0]), 0xc0000201);
	assert_int_equal(ntohl(l.bond_mon.targets[1]), 0xc0000209);
}

/* --- observe: hand-built FDB entries ------------------------------------- */

/* An RTM_NEWNEIGH as br_fdb_dump() (master >= 0: NDA_MASTER) or the
 * device's own list (master < 0) writes it. */
static struct nl_msg *fdb_msg(int type, uint8_t family, int port, uint16_t state, uint8_t flags,
			      int master, const char *mac)
{
	struct ndmsg ndm = {
		.ndm_family = family, .ndm_ifindex = port, .ndm_state = state, .ndm_flags = flags,
	};
	struct nl_msg *m = nlmsg_alloc_simple(type, NLM_F_MULTI);
	struct hn_mac a;

	assert_non_null(m);
	assert_int_equal(nlmsg_append(m, &ndm, sizeof(ndm), NLMSG_ALIGNTO), 0);
	if (mac) {
		a = mac_of(mac);
		assert_int_equal(nla_put(m, NDA_LLADDR, 6, a.b), 0);
	}
	if (master >= 0)
		assert_int_equal(nla_put_u32(m, NDA_MASTER, (uint32_t)master), 0);
	assert_int_equal(nla_put_u32(m, NDA_FLAGS_EXT, 0), 0);
	return m;
}

static int parse_fdb(struct observe_fdb *e, struct nl_msg *m)
{
	int r = observe_parse_fdb(e, nlmsg_hdr(m));

	nlmsg_free(m);
	return r;
}

static void parse_fdb_counts_static_bridge_entries_only(void **state)
{
	struct observe_fdb e = { .ifindex = 99 };
	struct hn_mac want = mac_of("02:00:5e:00:53:01");

	/* `bridge fdb add MAC dev P master static`. */
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_NOARP, 0, 2,
					       "02:00:5e:00:53:01")), 0);
	assert_int_equal(e.ifindex, 4);
	assert_memory_equal(e.mac.b, want.b, 6);
	e.ifindex = 99;

	/* Local entries (the port's own MAC, `... master permanent`). */
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_PERMANENT, 0, 2,
					       "02:00:5e:00:53:02")), 1);
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4,
					       NUD_PERMANENT | NUD_NOARP, 0, 2,
					       "02:00:5e:00:53:02")), 1);
	/* Learned, fresh or aged, and learned by a driver. */
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_REACHABLE, 0, 2,
					       "02:00:5e:00:53:03")), 1);
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_STALE, 0, 2,
					       "02:00:5e:00:53:03")), 1);
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_REACHABLE,
					       NTF_EXT_LEARNED, 2, "02:00:5e:00:53:03")), 1);
	/* The device's own address list (ndo_dflt_fdb_dump): NTF_SELF. */
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_NOARP, NTF_SELF, -1,
					       "33:33:00:00:00:01")), 1);
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_NOARP, NTF_SELF, 2,
					       "02:00:5e:00:53:04")), 1);
	/* Static but on the bridge device itself, not a port. */
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 2, NUD_NOARP, 0, 2,
					       "02:00:5e:00:53:05")), 1);
	/* Other families and types. */
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_INET, 4, NUD_NOARP, 0, 2,
					       "02:00:5e:00:53:06")), 1);
	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_DELNEIGH, AF_BRIDGE, 4, NUD_NOARP, 0, 2,
					       "02:00:5e:00:53:06")), 1);
	assert_int_equal(e.ifindex, 99);   /* untouched when skipped */
}

static void parse_fdb_rejects_a_counted_entry_without_a_mac(void **state)
{
	struct observe_fdb e = { .ifindex = 99 };
	struct nl_msg *m;
	uint8_t ll[8] = { 2 };

	assert_int_equal(parse_fdb(&e, fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_NOARP, 0, 2, NULL)),
			 -EBADMSG);
	m = fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_NOARP, 0, 2, NULL);
	assert_int_equal(nla_put(m, NDA_LLADDR, sizeof(ll), ll), 0);
	assert_int_equal(parse_fdb(&e, m), -EBADMSG);
	/* A skipped entry's address is not looked at (non-Ethernet lists). */
	m = fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_PERMANENT, NTF_SELF, -1, NULL);
	assert_int_equal(nla_put(m, NDA_LLADDR, sizeof(ll), ll), 0);
	assert_int_equal(parse_fdb(&e, m), 1);
	/* NDA_MASTER of the wrong size. */
	m = fdb_msg(RTM_NEWNEIGH, AF_BRIDGE, 4, NUD_NOARP, 0, -1, "02:00:5e:00:53:01");
	assert_int_equal(nla_put_u8(m, NDA_MASTER, 2), 0);
	assert_int_equal(parse_fdb(&e, m), -EBADMSG);
	assert_int_equal(e.ifindex, 99);
}

/* --- IPv6 RA sysctls ---------------------------------------------------------- */

static void mkdirs(const char *root, const char *ifname)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/net", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/net/ipv6", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/net/ipv6/conf", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/net/ipv6/conf/%s", root, ifname);
	assert_int_equal(mkdir(p, 0700), 0);
}

/* The file as /proc/sys has it: present before any write. */
static void put_file(const char *root, const char *ifname, const char *key, const char *text)
{
	char p[256];
	FILE *f;

	assert_int_equal(sysctl_ipv6_conf_path(p, sizeof(p), root, ifname, key), 0);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_file(const char *root, const char *ifname, const char *key, const char *want)
{
	char p[256], got[32] = "";
	FILE *f;

	assert_int_equal(sysctl_ipv6_conf_path(p, sizeof(p), root, ifname, key), 0);
	f = fopen(p, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, want);
}

static void rm_tree(const char *root, const char *ifname)
{
	static const char *const keys[] = { "accept_ra", "autoconf", "accept_ra_defrtr" };
	char p[256];

	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(sysctl_ipv6_conf_path(p, sizeof(p), root, ifname, keys[i]), 0);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/net/ipv6/conf/%s", root, ifname);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/net/ipv6/conf", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/net/ipv6", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/net", root);
	rmdir(p);
	rmdir(root);
}

static void sysctl_ra_writes_the_three_files_of_the_link(void **state)
{
	char root[] = "/tmp/hostnet-sysctl-XXXXXX";

	assert_non_null(mkdtemp(root));
	mkdirs(root, "vmk1");
	put_file(root, "vmk1", "accept_ra", "1\n");
	put_file(root, "vmk1", "autoconf", "1\n");
	put_file(root, "vmk1", "accept_ra_defrtr", "1\n");
	assert_int_equal(sysctl_ipv6_ra_set_at(root, "vmk1", 2, 0, 1), 0);
	assert_file(root, "vmk1", "accept_ra", "2\n");
	assert_file(root, "vmk1", "autoconf", "0\n");
	assert_file(root, "vmk1", "accept_ra_defrtr", "1\n");
	assert_int_equal(sysctl_ipv6_ra_set_at(root, "vmk1", 0, 1, 0), 0);
	assert_file(root, "vmk1", "accept_ra", "0\n");
	assert_file(root, "vmk1", "autoconf", "1\n");
	assert_file(root, "vmk1", "accept_ra_defrtr", "0\n");
	/* A link that is not there: no file is created for it. */
	assert_int_equal(sysctl_ipv6_ra_set_at(root, "vmk9", 0, 0, 0), -ENOENT);
	/* Out of range: nothing written. */
	assert_int_equal(sysctl_ipv6_ra_set_at(root, "vmk1", 3, 0, 0), -EINVAL);
	assert_int_equal(sysctl_ipv6_ra_set_at(root, "vmk1", 0, 2, 0), -EINVAL);
	assert_int_equal(sysctl_ipv6_ra_set_at(root, "vmk1", 0, 0, 2), -EINVAL);
	assert_file(root, "vmk1", "accept_ra", "0\n");
	rm_tree(root, "vmk1");
}

static void sysctl_ra_refuses_names_that_are_no_single_link(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "../all", "a/b", "all", "default", "sixteen-chars-xx",
	};
	char p[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(sysctl_ipv6_ra_set(bad[i], 0, 0, 0), -EINVAL);
		assert_int_equal(sysctl_ipv6_conf_path(p, sizeof(p), "/proc/sys", bad[i], "autoconf"),
				 -EINVAL);
	}
	assert_int_equal(sysctl_ipv6_conf_path(p, sizeof(p), "/proc/sys", "...", "autoconf"), 0);
	assert_string_equal(p, "/proc/sys/net/ipv6/conf/.../autoconf");
	assert_int_equal(sysctl_ipv6_conf_path(p, sizeof(p), "/proc/sys", "fifteen-chars-x",
					       "accept_ra_defrtr"), 0);
	assert_string_equal(p, "/proc/sys/net/ipv6/conf/fifteen-chars-x/accept_ra_defrtr");
	assert_int_equal(sysctl_ipv6_conf_path(p, 20, "/proc/sys", "vmk1", "autoconf"),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(brport_flags_send_all_three_as_slave_data),
		cmocka_unit_test(brport_flags_refuse_unknown_bits_and_no_ifindex),
		cmocka_unit_test(fdb_static_add_is_master_noarp_create_replace),
		cmocka_unit_test(fdb_static_delete_names_port_and_mac_only),
		cmocka_unit_test(fdb_static_refuses_multicast_zero_and_no_port),
		cmocka_unit_test(fdb_flush_static_is_bulk_with_a_state_mask),
		cmocka_unit_test(bond_create_carries_its_mode),
		cmocka_unit_test(bond_primary_names_the_member_or_clears_with_zero),
		cmocka_unit_test(parse_link_bridge_port_of_a_plain_device_and_a_veth),
		cmocka_unit_test(parse_link_rejects_malformed_slave_data),
		cmocka_unit_test(parse_link_ipv6_ra_settings_from_inet6_conf),
		cmocka_unit_test(parse_link_without_ipv6_has_no_ra_and_short_conf_is_malformed),
		cmocka_unit_test(parse_link_bond_mode_and_primary),
		cmocka_unit_test(parse_link_bond_monitors),
		cmocka_unit_test(bond_settings_say_both_monitors_and_may_leave_the_primary),
		cmocka_unit_test(parse_fdb_counts_static_bridge_entries_only),
		cmocka_unit_test(parse_fdb_rejects_a_counted_entry_without_a_mac),
		cmocka_unit_test(sysctl_ra_writes_the_three_files_of_the_link),
		cmocka_unit_test(sysctl_ra_refuses_names_that_are_no_single_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
