/* nlmsg.c: the rtnetlink requests apply sends, checked attribute by
 * attribute with libnl's parsers.  Pure: messages are built, never sent, so
 * the kinds this kernel lacks (VLAN, VRF) are pinned here at message level. */
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdint.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "testutil.h"
#include "testnl.h"

#include "kobj.h"
#include "nlmsg.h"
#include "realize.h"

#ifndef IFA_PROTO
#define IFA_PROTO 11
#endif

#define BIT(a) (1u << (a))

static struct hn_addr ip(const char *s)
{
	struct hn_addr a;

	assert_int_equal(addr_parse_prefix_or_ip(&a, s), 0);
	return a;
}

static struct want_link mklink(const char *name, enum kobj_link_kind kind)
{
	struct want_link l = { .l = { .kind = kind, .mtu = 9000, .admin_up = true } };

	snprintf(l.l.name, sizeof(l.l.name), "%s", name);
	if (kind != KOBJ_LINK_KIND_DEVICE)
		snprintf(l.l.kind_name, sizeof(l.l.kind_name), "%s", kobj_link_kind_name(kind));
	return l;
}

#define ASSERT_NO_ATTRS(hdr, hdrlen) \
	assert_int_equal(nlmsg_attrlen((hdr), (hdrlen)), 0)

static const struct ifinfomsg *ifi_of(struct nlmsghdr *h)
{
	return nlmsg_data(h);
}

/* --- link creation -------------------------------------------------------- */

static void veth_create_names_both_ends_and_is_exclusive(void **state)
{
	struct want_link l = mklink("vmk1", KOBJ_LINK_KIND_VETH);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *info, *data, *peer, *tb[IFLA_MAX + 1];
	const struct ifinfomsg *pi;

	snprintf(l.peer, sizeof(l.peer), "vmk1p");
	l.l.group = KOBJ_LINK_GROUP;
	snprintf(l.l.alias, sizeof(l.l.alias), "hostnet:adapter services=vmotion");
	assert_int_equal(nlmsg_link_create(&m, &l, 0), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(h->nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(ifi_of(h)->ifi_family, AF_UNSPEC);
	assert_int_equal(ifi_of(h)->ifi_index, 0);
	/* What creation needs, and hostnet's group on both ends in the same
	 * request (a crash before the alias still leaves them recognisably
	 * hostnet's); no MTU, no alias, no IFLA_LINK. */
	ASSERT_ATTRS(h, sizeof(struct ifinfomsg), IFLA_IFNAME, IFLA_GROUP, IFLA_LINKINFO);
	assert_string_equal(nla_get_string(attr(h, sizeof(struct ifinfomsg), IFLA_IFNAME)), "vmk1");
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct ifinfomsg), IFLA_GROUP)), KOBJ_LINK_GROUP);
	info = attr(h, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	ASSERT_NESTED(info, IFLA_INFO_KIND, IFLA_INFO_DATA);
	assert_string_equal(nla_get_string(nested(info, IFLA_INFO_KIND)), "veth");
	data = nested(info, IFLA_INFO_DATA);
	ASSERT_NESTED(data, VETH_INFO_PEER);
	/* The peer is an ifinfomsg followed by its own attributes. */
	peer = nested(data, VETH_INFO_PEER);
	assert_true(nla_len(peer) > (int)NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	pi = nla_data(peer);
	assert_int_equal(pi->ifi_family, AF_UNSPEC);
	assert_int_equal(pi->ifi_index, 0);
	assert_int_equal(nla_parse(tb, IFLA_MAX,
				   (struct nlattr *)((char *)nla_data(peer) +
						     NLMSG_ALIGN(sizeof(struct ifinfomsg))),
				   nla_len(peer) - (int)NLMSG_ALIGN(sizeof(struct ifinfomsg)), NULL),
			 0);
	assert_non_null(tb[IFLA_IFNAME]);
	assert_string_equal(nla_get_string(tb[IFLA_IFNAME]), "vmk1p");
	assert_non_null(tb[IFLA_GROUP]);
	assert_int_equal(nla_get_u32(tb[IFLA_GROUP]), KOBJ_LINK_GROUP);
	for (int t = 0; t <= IFLA_MAX; t++)
		if (t != IFLA_IFNAME && t != IFLA_GROUP)
			assert_null(tb[t]);
	nlmsg_free(m);
}

static void bridge_with_vlan_portgroups_filters_vlans(void **state)
{
	struct want_link l = mklink("vs0", KOBJ_LINK_KIND_BRIDGE);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *info, *data;

	l.vlan_filtering = true;
	assert_int_equal(nlmsg_link_create(&m, &l, 0), 0);
	h = nlmsg_hdr(m);
	ASSERT_ATTRS(h, sizeof(struct ifinfomsg), IFLA_IFNAME, IFLA_LINKINFO);
	info = attr(h, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	assert_string_equal(nla_get_string(nested(info, IFLA_INFO_KIND)), "bridge");
	data = nested(info, IFLA_INFO_DATA);
	ASSERT_NESTED(data, IFLA_BR_VLAN_FILTERING);
	assert_int_equal(nla_len(nested(data, IFLA_BR_VLAN_FILTERING)), 1);
	assert_int_equal(nla_get_u8(nested(data, IFLA_BR_VLAN_FILTERING)), 1);
	nlmsg_free(m);

	/* Without VLANs, the kernel's default (no filtering) is not sent
	 * (libnl drops the empty IFLA_INFO_DATA nest). */
	l.vlan_filtering = false;
	assert_int_equal(nlmsg_link_create(&m, &l, 0), 0);
	info = attr(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_LINKINFO);
	ASSERT_NESTED(info, IFLA_INFO_KIND);
	nlmsg_free(m);
}

static void macvlan_create_is_bridge_mode_on_its_parent(void **state)
{
	struct want_link l = mklink("vmk4", KOBJ_LINK_KIND_MACVLAN);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *info, *data;

	snprintf(l.parent, sizeof(l.parent), "eth5");
	l.l.macvlan_mode = MACVLAN_MODE_BRIDGE;
	assert_int_equal(nlmsg_link_create(&m, &l, 7), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
	ASSERT_ATTRS(h, sizeof(struct ifinfomsg), IFLA_IFNAME, IFLA_LINKINFO, IFLA_LINK);
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct ifinfomsg), IFLA_LINK)), 7);
	info = attr(h, sizeof(struct ifinfomsg), IFLA_LINKINFO);
	assert_string_equal(nla_get_string(nested(info, IFLA_INFO_KIND)), "macvlan");
	data = nested(info, IFLA_INFO_DATA);
	ASSERT_NESTED(data, IFLA_MACVLAN_MODE);
	assert_int_equal(nla_get_u32(nested(data, IFLA_MACVLAN_MODE)), MACVLAN_MODE_BRIDGE);
	nlmsg_free(m);
}

static void vrf_create_binds_the_full_32_bit_table(void **state)
{
	struct want_link l = mklink("storage", KOBJ_LINK_KIND_VRF);
	struct nl_msg *m = NULL;
	struct nlattr *info, *data;

	l.l.vrf_table = 4000000;
	assert_int_equal(nlmsg_link_create(&m, &l, 0), 0);
	ASSERT_ATTRS(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_IFNAME, IFLA_LINKINFO);
	info = attr(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_LINKINFO);
	assert_string_equal(nla_get_string(nested(info, IFLA_INFO_KIND)), "vrf");
	data = nested(info, IFLA_INFO_DATA);
	ASSERT_NESTED(data, IFLA_VRF_TABLE);
	assert_int_equal(nla_get_u32(nested(data, IFLA_VRF_TABLE)), 4000000);
	nlmsg_free(m);
}

static void vlan_create_carries_its_id_and_parent(void **state)
{
	struct want_link l = mklink("eth1.20", KOBJ_LINK_KIND_VLAN);
	struct nl_msg *m = NULL;
	struct nlattr *info, *data;

	l.l.vlan_id = 20;
	assert_int_equal(nlmsg_link_create(&m, &l, 3), 0);
	ASSERT_ATTRS(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_IFNAME, IFLA_LINKINFO, IFLA_LINK);
	assert_int_equal(nla_get_u32(attr(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_LINK)), 3);
	info = attr(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_LINKINFO);
	assert_string_equal(nla_get_string(nested(info, IFLA_INFO_KIND)), "vlan");
	data = nested(info, IFLA_INFO_DATA);
	ASSERT_NESTED(data, IFLA_VLAN_ID);
	assert_int_equal(nla_len(nested(data, IFLA_VLAN_ID)), 2);
	assert_int_equal(nla_get_u16(nested(data, IFLA_VLAN_ID)), 20);
	nlmsg_free(m);
}

static void uplinks_and_unknown_kinds_cannot_be_created(void **state)
{
	static const enum kobj_link_kind kinds[] = {
		KOBJ_LINK_KIND_DEVICE, KOBJ_LINK_KIND_VXLAN,
		KOBJ_LINK_KIND_TUN, KOBJ_LINK_KIND_DUMMY, KOBJ_LINK_KIND_OTHER,
	};
	struct want_link l = mklink("vs0", KOBJ_LINK_KIND_BRIDGE);
	struct nl_msg *m = NULL;

	l.foreign = true;
	assert_int_equal(nlmsg_link_create(&m, &l, 0), -EINVAL);
	assert_null(m);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		l = mklink("x0", kinds[i]);
		assert_int_equal(nlmsg_link_create(&m, &l, 0), -EINVAL);
		assert_null(m);
	}
}

static void every_link_hostnet_makes_from_a_profile_has_a_create(void **state)
{
	struct tu t;
	struct want w;
	size_t made = 0;

	tu_run(&t, TU_VALID_PROFILE, 1);
	assert_int_equal(t.rc, 0);
	assert_int_equal(realize_profile(&w, t.p), 0);
	for (size_t i = 0; i < w.n_links; i++) {
		struct nl_msg *m = NULL;
		int r = nlmsg_link_create(&m, &w.links[i], 0);

		assert_int_equal(r, w.links[i].foreign ? -EINVAL : 0);
		if (m) {
			assert_string_equal(nla_get_string(attr(nlmsg_hdr(m), sizeof(struct ifinfomsg),
								IFLA_IFNAME)), w.links[i].l.name);
			made++;
		}
		nlmsg_free(m);
	}
	/* vs0, vmk0, vmk0p, vmk1, vmk1p; not eth1, eth2. */
	assert_int_equal(made, 5);
	want_clear(&w);
	tu_end(&t);
}

/* --- link changes ---------------------------------------------------------- */

static void link_set_mtu_alone_carries_only_the_mtu(void **state)
{
	struct want_link l = mklink("vmk1", KOBJ_LINK_KIND_VETH);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;

	assert_int_equal(nlmsg_link_set(&m, 12, &l, BIT(WANT_ATTR_MTU), 0), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWLINK);
	/* A change, never a creation. */
	assert_int_equal(h->nlmsg_flags, 0);
	assert_int_equal(ifi_of(h)->ifi_index, 12);
	assert_int_equal(ifi_of(h)->ifi_change, 0);
	ASSERT_ATTRS(h, sizeof(struct ifinfomsg), IFLA_MTU);
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct ifinfomsg), IFLA_MTU)), 9000);
	nlmsg_free(m);
}

static void link_set_adapter_carries_every_attribute_asked(void **state)
{
	struct want_link l = mklink("vmk1", KOBJ_LINK_KIND_VETH);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *spec, *inet, *conf, *a;
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x09 };

	l.l.has_mac = true;
	memcpy(l.l.mac.b, mac, 6);
	l.l.group = KOBJ_LINK_GROUP;
	snprintf(l.l.alias, sizeof(l.l.alias), "hostnet:adapter services=vmotion stack=vmotion");
	assert_int_equal(nlmsg_link_set(&m, 12, &l, BIT(WANT_ATTR__MAX) - 1, 5), 0);
	h = nlmsg_hdr(m);
	/* State is nlmsg_link_state's: no flags here. */
	assert_int_equal(ifi_of(h)->ifi_change, 0);
	assert_int_equal(ifi_of(h)->ifi_flags, 0);
	ASSERT_ATTRS(h, sizeof(struct ifinfomsg), IFLA_MTU, IFLA_ADDRESS, IFLA_MASTER, IFLA_GROUP,
		     IFLA_IFALIAS, IFLA_AF_SPEC);
	a = attr(h, sizeof(struct ifinfomsg), IFLA_ADDRESS);
	assert_int_equal(nla_len(a), 6);
	assert_memory_equal(nla_data(a), mac, 6);
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct ifinfomsg), IFLA_MASTER)), 5);
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct ifinfomsg), IFLA_GROUP)), KOBJ_LINK_GROUP);
	assert_string_equal(nla_get_string(attr(h, sizeof(struct ifinfomsg), IFLA_IFALIAS)),
			    "hostnet:adapter services=vmotion stack=vmotion");
	/* Removing a primary address promotes a secondary. */
	spec = attr(h, sizeof(struct ifinfomsg), IFLA_AF_SPEC);
	ASSERT_NESTED(spec, AF_INET);
	inet = nested(spec, AF_INET);
	ASSERT_NESTED(inet, IFLA_INET_CONF);
	conf = nested(inet, IFLA_INET_CONF);
	ASSERT_NESTED(conf, IPV4_DEVCONF_PROMOTE_SECONDARIES);
	assert_int_equal(nla_get_u32(nested(conf, IPV4_DEVCONF_PROMOTE_SECONDARIES)), 1);
	nlmsg_free(m);

	/* The same on a macvlan adapter. */
	l = mklink("vmk4", KOBJ_LINK_KIND_MACVLAN);
	assert_int_equal(nlmsg_link_set(&m, 14, &l, BIT(WANT_ATTR_MARK), 0), 0);
	ASSERT_ATTRS(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_GROUP, IFLA_IFALIAS, IFLA_AF_SPEC);
	nlmsg_free(m);
}

static void link_set_bridge_mark_has_no_address_settings(void **state)
{
	struct want_link l = mklink("vs0", KOBJ_LINK_KIND_BRIDGE);
	struct nl_msg *m = NULL;

	l.l.group = KOBJ_LINK_GROUP;
	snprintf(l.l.alias, sizeof(l.l.alias), "hostnet:switch");
	assert_int_equal(nlmsg_link_set(&m, 9, &l, BIT(WANT_ATTR_MARK) | BIT(WANT_ATTR_STATE), 0), 0);
	ASSERT_ATTRS(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_GROUP, IFLA_IFALIAS);
	nlmsg_free(m);
}

static void link_set_master_zero_detaches_and_unknown_mac_is_not_sent(void **state)
{
	struct want_link l = mklink("eth1", KOBJ_LINK_KIND_DEVICE);
	struct nl_msg *m = NULL;

	l.l.mtu = 0;
	assert_int_equal(nlmsg_link_set(&m, 2, &l, BIT(WANT_ATTR_MASTER) | BIT(WANT_ATTR_MAC) |
					BIT(WANT_ATTR_MTU), 0), 0);
	/* MTU 0 means "leave it", and no MAC is known. */
	ASSERT_ATTRS(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_MASTER);
	assert_int_equal(nla_get_u32(attr(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_MASTER)), 0);
	nlmsg_free(m);
	assert_int_equal(nlmsg_link_set(&m, 2, &l, 0, 0), 0);
	ASSERT_NO_ATTRS(nlmsg_hdr(m), sizeof(struct ifinfomsg));
	nlmsg_free(m);
}

static void link_state_changes_only_the_up_flag(void **state)
{
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;

	assert_int_equal(nlmsg_link_state(&m, 12, true), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(h->nlmsg_flags, 0);
	assert_int_equal(ifi_of(h)->ifi_index, 12);
	assert_int_equal(ifi_of(h)->ifi_change, IFF_UP);
	assert_int_equal(ifi_of(h)->ifi_flags, IFF_UP);
	ASSERT_NO_ATTRS(h, sizeof(struct ifinfomsg));
	nlmsg_free(m);
	assert_int_equal(nlmsg_link_state(&m, 12, false), 0);
	assert_int_equal(ifi_of(nlmsg_hdr(m))->ifi_change, IFF_UP);
	assert_int_equal(ifi_of(nlmsg_hdr(m))->ifi_flags, 0);
	nlmsg_free(m);
}

static void link_group_moves_one_link(void **state)
{
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;

	assert_int_equal(nlmsg_link_group(&m, 31, NLMSG_DOOM_GROUP), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(ifi_of(h)->ifi_index, 31);
	ASSERT_ATTRS(h, sizeof(struct ifinfomsg), IFLA_GROUP);
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct ifinfomsg), IFLA_GROUP)), 0x686e7378u);
	nlmsg_free(m);
}

static void delete_group_is_one_dellink_by_group(void **state)
{
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;

	assert_int_equal(nlmsg_link_delete_group(&m, NLMSG_DOOM_GROUP), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_DELLINK);
	assert_int_equal(h->nlmsg_flags, 0);
	/* No index: the kernel then deletes by group. */
	assert_int_equal(ifi_of(h)->ifi_index, 0);
	ASSERT_ATTRS(h, sizeof(struct ifinfomsg), IFLA_GROUP);
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct ifinfomsg), IFLA_GROUP)), NLMSG_DOOM_GROUP);
	nlmsg_free(m);
}

static void bridge_port_pvid_is_an_untagged_native_vlan(void **state)
{
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	struct nlattr *spec, *vi;
	const struct bridge_vlan_info *v;

	assert_int_equal(nlmsg_bridge_port_pvid(&m, 15, 20), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_SETLINK);
	assert_int_equal(h->nlmsg_flags, 0);
	assert_int_equal(ifi_of(h)->ifi_family, AF_BRIDGE);
	assert_int_equal(ifi_of(h)->ifi_index, 15);
	ASSERT_ATTRS(h, sizeof(struct ifinfomsg), IFLA_AF_SPEC);
	spec = attr(h, sizeof(struct ifinfomsg), IFLA_AF_SPEC);
	ASSERT_NESTED(spec, IFLA_BRIDGE_VLAN_INFO);
	vi = nested(spec, IFLA_BRIDGE_VLAN_INFO);
	assert_int_equal(nla_len(vi), sizeof(struct bridge_vlan_info));
	v = nla_data(vi);
	assert_int_equal(v->flags, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
	assert_int_equal(v->vid, 20);
	nlmsg_free(m);
}

static void bridge_port_pvid_refuses_vid_0_and_4095(void **state)
{
	struct nl_msg *m = NULL;

	assert_int_equal(nlmsg_bridge_port_pvid(&m, 15, 0), -EINVAL);
	assert_null(m);
	assert_int_equal(nlmsg_bridge_port_pvid(&m, 15, 4095), -EINVAL);
	assert_null(m);
	assert_int_equal(nlmsg_bridge_port_pvid(&m, 15, 1), 0);
	nlmsg_free(m);
	assert_int_equal(nlmsg_bridge_port_pvid(&m, 15, 4094), 0);
	nlmsg_free(m);
}

/* The entries of an AF_BRIDGE IFLA_AF_SPEC as "vid[/flags]" words. */
static void vinfo_words(struct nlmsghdr *h, char *buf, size_t size)
{
	struct nlattr *spec = attr(h, sizeof(struct ifinfomsg), IFLA_AF_SPEC), *a;
	size_t n = 0;
	int rem;

	buf[0] = '\0';
	assert_non_null(spec);
	nla_for_each_nested(a, spec, rem) {
		const struct bridge_vlan_info *v = nla_data(a);

		assert_int_equal(nla_type(a), IFLA_BRIDGE_VLAN_INFO);
		n += (size_t)snprintf(buf + n, size - n, "%s%u", n ? " " : "", v->vid);
		if (v->flags)
			n += (size_t)snprintf(buf + n, size - n, "/%x", v->flags);
	}
}

static void bridge_vlans_add_the_set_then_delete_the_rest(void **state)
{
	struct kobj_brvlan v = { .pvid = 1, .n = 2, .vids = { 10, 20 } };
	struct nl_msg *m = NULL;
	char words[256];

	assert_int_equal(nlmsg_bridge_vlans(&m, 15, &v, false, false), 0);
	assert_int_equal(nlmsg_hdr(m)->nlmsg_type, RTM_SETLINK);
	assert_int_equal(ifi_of(nlmsg_hdr(m))->ifi_family, AF_BRIDGE);
	assert_int_equal(ifi_of(nlmsg_hdr(m))->ifi_index, 15);
	vinfo_words(nlmsg_hdr(m), words, sizeof(words));
	/* PVID|UNTAGGED = 6; the others tagged (no flag). */
	assert_string_equal(words, "1/6 10 20");
	nlmsg_free(m);
	/* Everything else, as ranges (BEGIN = 8, END = 0x10) between them. */
	assert_int_equal(nlmsg_bridge_vlans(&m, 15, &v, true, false), 0);
	assert_int_equal(nlmsg_hdr(m)->nlmsg_type, RTM_DELLINK);
	vinfo_words(nlmsg_hdr(m), words, sizeof(words));
	assert_string_equal(words, "2/8 9/10 11/8 19/10 21/8 4094/10");
	nlmsg_free(m);
	/* A port with only its PVID 30; a single VLAN goes without flags. */
	v = (struct kobj_brvlan){ .pvid = 30 };
	assert_int_equal(nlmsg_bridge_vlans(&m, 15, &v, true, false), 0);
	vinfo_words(nlmsg_hdr(m), words, sizeof(words));
	assert_string_equal(words, "1/8 29/10 31/8 4094/10");
	nlmsg_free(m);
	v = (struct kobj_brvlan){ .pvid = 2, .n = 2, .vids = { 1, 4094 } };
	assert_int_equal(nlmsg_bridge_vlans(&m, 15, &v, true, false), 0);
	vinfo_words(nlmsg_hdr(m), words, sizeof(words));
	assert_string_equal(words, "3/8 4093/10");
	nlmsg_free(m);
	/* Not canonical: unsorted, or the PVID again among the tagged. */
	m = NULL;
	v = (struct kobj_brvlan){ .pvid = 1, .n = 2, .vids = { 20, 10 } };
	assert_int_equal(nlmsg_bridge_vlans(&m, 15, &v, false, false), -EINVAL);
	v = (struct kobj_brvlan){ .pvid = 10, .n = 1, .vids = { 10 } };
	assert_int_equal(nlmsg_bridge_vlans(&m, 15, &v, false, false), -EINVAL);
	assert_null(m);
}

/* --- addresses ------------------------------------------------------------- */

static void address_add_is_local_and_address_with_the_hostnet_protocol(void **state)
{
	struct want_addr a = { .dev = "vmk1", .a = { .addr = ip("198.51.100.10/24") } };
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	const struct ifaddrmsg *ifa;
	static const uint8_t bytes[4] = { 198, 51, 100, 10 };

	assert_int_equal(nlmsg_addr(&m, true, &a, 12), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWADDR);
	assert_int_equal(h->nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
	ifa = nlmsg_data(h);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 24);
	assert_int_equal(ifa->ifa_index, 12);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	ASSERT_ATTRS(h, sizeof(struct ifaddrmsg), IFA_LOCAL, IFA_ADDRESS, IFA_PROTO);
	assert_int_equal(nla_len(attr(h, sizeof(*ifa), IFA_LOCAL)), 4);
	assert_memory_equal(nla_data(attr(h, sizeof(*ifa), IFA_LOCAL)), bytes, 4);
	assert_memory_equal(nla_data(attr(h, sizeof(*ifa), IFA_ADDRESS)), bytes, 4);
	assert_int_equal(nla_get_u8(attr(h, sizeof(*ifa), IFA_PROTO)), 77);
	nlmsg_free(m);
}

static void address_delete_and_ipv6(void **state)
{
	struct want_addr a = { .dev = "vmk0", .a = { .addr = ip("2001:db8::10/64") } };
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	const struct ifaddrmsg *ifa;

	assert_int_equal(nlmsg_addr(&m, false, &a, 11), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_DELADDR);
	assert_int_equal(h->nlmsg_flags, 0);
	ifa = nlmsg_data(h);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 64);
	/* A deletion matches any protocol. */
	ASSERT_ATTRS(h, sizeof(struct ifaddrmsg), IFA_LOCAL, IFA_ADDRESS);
	assert_int_equal(nla_len(attr(h, sizeof(*ifa), IFA_LOCAL)), 16);
	assert_memory_equal(nla_data(attr(h, sizeof(*ifa), IFA_LOCAL)), a.a.addr.bytes, 16);
	nlmsg_free(m);
}

/* --- routes ---------------------------------------------------------------- */

static struct want_route mkroute(uint32_t table, const char *dst, const char *via, uint32_t metric)
{
	struct want_route r = { .r = { .table = table, .dst = ip(dst), .metric = metric,
				       .protocol = KOBJ_RTPROT_HOSTNET, .type = RTN_UNICAST } };

	r.r.family = r.r.dst.family;
	if (via)
		r.r.gateway = ip(via);
	return r;
}

static void route_create_is_exclusive_with_a_32_bit_table(void **state)
{
	struct want_route r = mkroute(4000000, "203.0.113.0/24", "198.51.100.254", 100);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	const struct rtmsg *rtm;
	static const uint8_t dst[4] = { 203, 0, 113, 0 }, gw[4] = { 198, 51, 100, 254 };

	assert_int_equal(nlmsg_route(&m, true, false, &r, 12), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(h->nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
	rtm = nlmsg_data(h);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 24);
	/* Tables past 255 only fit in RTA_TABLE. */
	assert_int_equal(rtm->rtm_table, RT_TABLE_UNSPEC);
	assert_int_equal(rtm->rtm_protocol, 77);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	ASSERT_ATTRS(h, sizeof(struct rtmsg), RTA_TABLE, RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY);
	assert_int_equal(nla_get_u32(attr(h, sizeof(*rtm), RTA_TABLE)), 4000000);
	assert_memory_equal(nla_data(attr(h, sizeof(*rtm), RTA_DST)), dst, 4);
	assert_memory_equal(nla_data(attr(h, sizeof(*rtm), RTA_GATEWAY)), gw, 4);
	assert_int_equal(nla_get_u32(attr(h, sizeof(*rtm), RTA_OIF)), 12);
	assert_int_equal(nla_get_u32(attr(h, sizeof(*rtm), RTA_PRIORITY)), 100);
	nlmsg_free(m);

	/* Not truncated either: 1000 is not table 232. */
	r.r.table = 1000;
	assert_int_equal(nlmsg_route(&m, true, false, &r, 12), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(((const struct rtmsg *)nlmsg_data(h))->rtm_table, RT_TABLE_UNSPEC);
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct rtmsg), RTA_TABLE)), 1000);
	nlmsg_free(m);
}

static void route_replace_takes_over_in_place(void **state)
{
	struct want_route r = mkroute(100, "0.0.0.0/0", "198.51.100.1", 0);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;

	assert_int_equal(nlmsg_route(&m, true, true, &r, 12), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(h->nlmsg_flags, NLM_F_CREATE | NLM_F_REPLACE);
	assert_int_equal(((const struct rtmsg *)nlmsg_data(h))->rtm_table, 100);
	assert_int_equal(((const struct rtmsg *)nlmsg_data(h))->rtm_dst_len, 0);
	/* A default route has no RTA_DST; metric 0 is the kernel's default. */
	ASSERT_ATTRS(h, sizeof(struct rtmsg), RTA_TABLE, RTA_GATEWAY, RTA_OIF);
	nlmsg_free(m);
}

static void route_delete_matches_any_scope_and_names_the_metric(void **state)
{
	struct want_route r = mkroute(254, "192.0.2.0/24", NULL, 0);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	const struct rtmsg *rtm;

	r.r.scope = RT_SCOPE_LINK;
	r.r.prefsrc = ip("192.0.2.10");
	assert_int_equal(nlmsg_route(&m, false, false, &r, 11), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_DELROUTE);
	assert_int_equal(h->nlmsg_flags, 0);
	rtm = nlmsg_data(h);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_NOWHERE);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	/* Metric 0 is sent, or the kernel deletes the first of any metric;
	 * the preferred source is not part of the key. */
	ASSERT_ATTRS(h, sizeof(struct rtmsg), RTA_TABLE, RTA_DST, RTA_OIF, RTA_PRIORITY);
	assert_int_equal(nla_get_u32(attr(h, sizeof(*rtm), RTA_PRIORITY)), 0);
	nlmsg_free(m);

	assert_int_equal(nlmsg_route(&m, true, false, &r, 11), 0);
	rtm = nlmsg_data(nlmsg_hdr(m));
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	ASSERT_ATTRS(nlmsg_hdr(m), sizeof(struct rtmsg), RTA_TABLE, RTA_DST, RTA_OIF, RTA_PREFSRC);
	nlmsg_free(m);
}

static void unreachable_route_has_no_device(void **state)
{
	struct want_route r = mkroute(100, "::/0", NULL, UINT32_MAX);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	const struct rtmsg *rtm;

	r.r.type = RTN_UNREACHABLE;
	snprintf(r.dev, sizeof(r.dev), "lo");
	assert_int_equal(nlmsg_route(&m, true, false, &r, 1), 0);
	h = nlmsg_hdr(m);
	rtm = nlmsg_data(h);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_type, RTN_UNREACHABLE);
	assert_int_equal(rtm->rtm_table, 100);
	ASSERT_ATTRS(h, sizeof(struct rtmsg), RTA_TABLE, RTA_PRIORITY);
	assert_int_equal(nla_get_u32(attr(h, sizeof(*rtm), RTA_PRIORITY)), UINT32_MAX);
	nlmsg_free(m);
}

static void ipv6_route_carries_16_byte_addresses(void **state)
{
	struct want_route r = mkroute(200, "2001:db8:23::/64", "2001:db8:21::1", 1024);
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;

	assert_int_equal(nlmsg_route(&m, true, false, &r, 13), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(((const struct rtmsg *)nlmsg_data(h))->rtm_dst_len, 64);
	assert_int_equal(nla_len(attr(h, sizeof(struct rtmsg), RTA_DST)), 16);
	assert_memory_equal(nla_data(attr(h, sizeof(struct rtmsg), RTA_DST)), r.r.dst.bytes, 16);
	assert_memory_equal(nla_data(attr(h, sizeof(struct rtmsg), RTA_GATEWAY)),
			    r.r.gateway.bytes, 16);
	assert_int_equal(nla_get_u32(attr(h, sizeof(struct rtmsg), RTA_PRIORITY)), 1024);
	nlmsg_free(m);
}

/* --- rules ----------------------------------------------------------------- */

static void source_rule_carries_priority_table_source_and_protocol(void **state)
{
	struct want_rule r = { .r = { .family = AF_INET, .priority = 10000, .table = 100,
				      .src = ip("198.51.100.10/32"), .action = FR_ACT_TO_TBL,
				      .protocol = KOBJ_RTPROT_HOSTNET } };
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	const struct fib_rule_hdr *frh;
	static const uint8_t src[4] = { 198, 51, 100, 10 };

	assert_int_equal(nlmsg_rule(&m, true, &r), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_NEWRULE);
	assert_int_equal(h->nlmsg_flags, NLM_F_CREATE | NLM_F_EXCL);
	frh = nlmsg_data(h);
	assert_int_equal(frh->family, AF_INET);
	assert_int_equal(frh->src_len, 32);
	assert_int_equal(frh->dst_len, 0);
	assert_int_equal(frh->table, 100);
	assert_int_equal(frh->action, FR_ACT_TO_TBL);
	ASSERT_ATTRS(h, sizeof(*frh), FRA_PRIORITY, FRA_TABLE, FRA_SRC, FRA_PROTOCOL);
	assert_int_equal(nla_get_u32(attr(h, sizeof(*frh), FRA_PRIORITY)), 10000);
	assert_int_equal(nla_get_u32(attr(h, sizeof(*frh), FRA_TABLE)), 100);
	assert_int_equal(nla_len(attr(h, sizeof(*frh), FRA_SRC)), 4);
	assert_memory_equal(nla_data(attr(h, sizeof(*frh), FRA_SRC)), src, 4);
	assert_int_equal(nla_get_u8(attr(h, sizeof(*frh), FRA_PROTOCOL)), 77);
	nlmsg_free(m);
}

static void oif_rule_names_the_device_and_big_tables_fit(void **state)
{
	struct want_rule r = { .r = { .family = AF_INET6, .priority = 10001, .table = 4000000,
				      .oif = "vmk1", .action = FR_ACT_TO_TBL,
				      .protocol = KOBJ_RTPROT_HOSTNET } };
	struct nl_msg *m = NULL;
	struct nlmsghdr *h;
	const struct fib_rule_hdr *frh;

	assert_int_equal(nlmsg_rule(&m, false, &r), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_DELRULE);
	assert_int_equal(h->nlmsg_flags, 0);
	frh = nlmsg_data(h);
	assert_int_equal(frh->family, AF_INET6);
	assert_int_equal(frh->src_len, 0);
	assert_int_equal(frh->table, RT_TABLE_UNSPEC);
	ASSERT_ATTRS(h, sizeof(*frh), FRA_PRIORITY, FRA_TABLE, FRA_OIFNAME, FRA_PROTOCOL);
	assert_int_equal(nla_get_u32(attr(h, sizeof(*frh), FRA_TABLE)), 4000000);
	assert_string_equal(nla_get_string(attr(h, sizeof(*frh), FRA_OIFNAME)), "vmk1");
	nlmsg_free(m);
	r.r.table = 1000;
	assert_int_equal(nlmsg_rule(&m, true, &r), 0);
	assert_int_equal(((const struct fib_rule_hdr *)nlmsg_data(nlmsg_hdr(m)))->table,
			 RT_TABLE_UNSPEC);
	nlmsg_free(m);
}

static void rule_without_protocol_sends_none(void **state)
{
	struct want_rule r = { .r = { .family = AF_INET, .priority = 32766, .table = 254,
				      .action = FR_ACT_TO_TBL, .fwmark = 0x10, .fwmask = 0xff,
				      .iif = "eth9" } };
	struct nl_msg *m = NULL;

	assert_int_equal(nlmsg_rule(&m, true, &r), 0);
	ASSERT_ATTRS(nlmsg_hdr(m), sizeof(struct fib_rule_hdr), FRA_PRIORITY, FRA_TABLE,
		     FRA_IIFNAME, FRA_FWMARK, FRA_FWMASK);
	assert_int_equal(nla_get_u32(attr(nlmsg_hdr(m), sizeof(struct fib_rule_hdr), FRA_FWMASK)),
			 0xff);
	nlmsg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(veth_create_names_both_ends_and_is_exclusive),
		cmocka_unit_test(bridge_with_vlan_portgroups_filters_vlans),
		cmocka_unit_test(macvlan_create_is_bridge_mode_on_its_parent),
		cmocka_unit_test(vrf_create_binds_the_full_32_bit_table),
		cmocka_unit_test(vlan_create_carries_its_id_and_parent),
		cmocka_unit_test(uplinks_and_unknown_kinds_cannot_be_created),
		cmocka_unit_test(every_link_hostnet_makes_from_a_profile_has_a_create),
		cmocka_unit_test(link_set_mtu_alone_carries_only_the_mtu),
		cmocka_unit_test(link_set_adapter_carries_every_attribute_asked),
		cmocka_unit_test(link_set_bridge_mark_has_no_address_settings),
		cmocka_unit_test(link_set_master_zero_detaches_and_unknown_mac_is_not_sent),
		cmocka_unit_test(link_state_changes_only_the_up_flag),
		cmocka_unit_test(link_group_moves_one_link),
		cmocka_unit_test(delete_group_is_one_dellink_by_group),
		cmocka_unit_test(bridge_port_pvid_is_an_untagged_native_vlan),
		cmocka_unit_test(bridge_port_pvid_refuses_vid_0_and_4095),
		cmocka_unit_test(bridge_vlans_add_the_set_then_delete_the_rest),
		cmocka_unit_test(address_add_is_local_and_address_with_the_hostnet_protocol),
		cmocka_unit_test(address_delete_and_ipv6),
		cmocka_unit_test(route_create_is_exclusive_with_a_32_bit_table),
		cmocka_unit_test(route_replace_takes_over_in_place),
		cmocka_unit_test(route_delete_matches_any_scope_and_names_the_metric),
		cmocka_unit_test(unreachable_route_has_no_device),
		cmocka_unit_test(ipv6_route_carries_16_byte_addresses),
		cmocka_unit_test(source_rule_carries_priority_table_source_and_protocol),
		cmocka_unit_test(oif_rule_names_the_device_and_big_tables_fit),
		cmocka_unit_test(rule_without_protocol_sends_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
