/* Tests for nl (dumps, batched requests) and observe (kernel state as kobj).
 *
 * Pure tests feed hand-built netlink messages to the parsers.  Namespace tests
 * run in a private network namespace that main() unshares before anything
 * else, after checking that this machine's interfaces are out of
 * sight; they build a small host with `ip`, observe it and compare field by
 * field.  Without root they are skipped, unless HOSTNET_REQUIRE_ALL=1, where a
 * skip is a failure.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>
#include <jansson.h>
#include <netlink/attr.h>
#include <netlink/errno.h>

#include "netns.h"
#include "nl.h"
#include "nlmsg.h"
#include "observe.h"
#include "sysctl.h"

#define OWNED_ALIAS "hostnet:vmk1 services=vmotion"
#define OWNED_MAC   "02:00:5e:10:00:01"
#define BIT_BRPORT(f) ((uint8_t)(1u << (f)))

#define ASSERT_NL_OK(r, nl)							\
	do {									\
		int r_ = (r);							\
		if (r_ < 0)							\
			fail_msg("%s: %s", strerror(-r_), hnl_errmsg(nl));	\
	} while (0)

/* --- helpers ---------------------------------------------------------- */

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st != 0)
		fprintf(stderr, "# command failed (%d): %s\n", st, cmd);
	return st;
}

#define SH(...) assert_int_equal(sh(__VA_ARGS__), 0)

static json_t *ip_json(const char *args)
{
	char cmd[256];
	json_error_t jerr;
	json_t *j;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip -j %s", args);
	f = popen(cmd, "r");
	assert_non_null(f);
	j = json_loadf(f, 0, &jerr);
	assert_int_equal(pclose(f), 0);
	if (!j)
		fail_msg("ip -j %s: %s", args, jerr.text);
	return j;
}

static int idx(const char *name)
{
	int i = (int)if_nametoindex(name);

	if (i == 0)
		fail_msg("no link %s", name);
	return i;
}

static void observe(struct kobj_set *s)
{
	struct hnl *nl;

	assert_int_equal(hnl_open(&nl), 0);
	ASSERT_NL_OK(observe_all(s, nl), nl);
	hnl_close(nl);
}

static struct hn_addr cidr(const char *s)
{
	struct hn_addr a;

	if (addr_parse_cidr(&a, s) < 0)
		fail_msg("bad cidr %s", s);
	return a;
}

static struct hn_addr ip(const char *s)
{
	struct hn_addr a;

	if (addr_parse_ip(&a, s) < 0)
		fail_msg("bad ip %s", s);
	return a;
}

static void assert_addr(const struct hn_addr *got, const char *want_cidr)
{
	char buf[ADDR_STRLEN];
	struct hn_addr want = cidr(want_cidr);

	if (addr_cmp(got, &want) != 0)
		fail_msg("address %s, want %s", addr_format(got, true, buf, sizeof(buf)), want_cidr);
}

static const struct kobj_link *link_named(const struct kobj_set *s, const char *name)
{
	const struct kobj_link *l = kobj_set_link_by_name(s, name);

	if (!l)
		fail_msg("link %s not observed", name);
	return l;
}

static const struct kobj_route *route_find(const struct kobj_set *s, uint32_t table,
					   const char *dst)
{
	struct hn_addr d = cidr(dst);

	for (size_t i = 0; i < s->n_routes; i++)
		if (s->routes[i].table == table && addr_cmp(&s->routes[i].dst, &d) == 0)
			return &s->routes[i];
	fail_msg("route %s table %u not observed", dst, table);
	return NULL;
}

static size_t routes_in_table(const struct kobj_set *s, uint32_t table)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_routes; i++)
		n += s->routes[i].table == table;
	return n;
}

static const struct kobj_rule *rule_find(const struct kobj_set *s, uint8_t family, uint32_t prio)
{
	for (size_t i = 0; i < s->n_rules; i++)
		if (s->rules[i].family == family && s->rules[i].priority == prio)
			return &s->rules[i];
	fail_msg("rule %u (family %u) not observed", prio, family);
	return NULL;
}

static const struct kobj_addr *addr_find(const struct kobj_set *s, int ifindex, const char *a)
{
	struct hn_addr want = cidr(a);

	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].ifindex == ifindex && addr_cmp(&s->addrs[i].addr, &want) == 0)
			return &s->addrs[i];
	fail_msg("address %s on ifindex %d not observed", a, ifindex);
	return NULL;
}

/* Waits until a link's operstate is UP: it settles through the kernel's
 * link watch a little after `ip link set up` returns.  (Not via /sys: sysfs
 * stays mounted for the host's namespace, not ours.) */
static void wait_oper_up(const char *name)
{
	for (int i = 0; i < 300; i++) {
		struct kobj_set s = { 0 };
		bool up;

		observe(&s);
		up = link_named(&s, name)->operstate == IF_OPER_UP;
		kobj_set_clear(&s);
		if (up)
			return;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	fail_msg("%s never came up", name);
}

/* A route request as a reconciler would send it (built with libnl). */
static struct nl_msg *route_msg(uint32_t table, uint32_t dst_host_order, const char *gw)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET, .rtm_dst_len = 32, .rtm_table = RT_TABLE_UNSPEC,
		.rtm_protocol = KOBJ_RTPROT_HOSTNET, .rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	uint32_t dst = htonl(dst_host_order);
	struct in_addr g;

	assert_non_null(m);
	assert_int_equal(inet_pton(AF_INET, gw, &g), 1);
	assert_int_equal(nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_u32(m, RTA_TABLE, table), 0);
	assert_int_equal(nla_put(m, RTA_DST, 4, &dst), 0);
	assert_int_equal(nla_put(m, RTA_GATEWAY, 4, &g), 0);
	return m;
}

static int batch_add_route(struct hnl_batch *b, uint32_t table, uint32_t dst, const char *gw)
{
	struct nl_msg *m = route_msg(table, dst, gw);
	int r = hnl_batch_add(b, nlmsg_hdr(m));

	nlmsg_free(m);
	return r;
}

/* --- pure: error codes and replies -------------------------------------- */

static void test_nle_codes_translate_to_errno(void **state)
{
	assert_int_equal(hnl_errno(0), 0);
	assert_int_equal(hnl_errno(5), 5);
	assert_int_equal(hnl_errno(-NLE_NOMEM), -ENOMEM);
	assert_int_equal(hnl_errno(-NLE_EXIST), -EEXIST);
	assert_int_equal(hnl_errno(-NLE_OPNOTSUPP), -EOPNOTSUPP);
	assert_int_equal(hnl_errno(-NLE_PERM), -EPERM);
	assert_int_equal(hnl_errno(-NLE_NODEV), -ENODEV);
	assert_int_equal(hnl_errno(-NLE_DUMP_INTR), -EAGAIN);
	assert_int_equal(hnl_errno(-NLE_MSG_TOOSHORT), -EBADMSG);
	assert_int_equal(hnl_errno(-9999), -EIO);
	for (int e = 1; e <= NLE_MAX; e++)
		assert_true(hnl_errno(-e) < 0);
}

/* An NLMSG_ERROR as the kernel writes it with NETLINK_CAP_ACK/EXT_ACK. */
static size_t build_error(uint8_t *buf, int error, bool capped, const char *ext)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_LENGTH(sizeof(*e));

	memset(buf, 0, 512);
	h->nlmsg_type = NLMSG_ERROR;
	e->error = error;
	e->msg = (struct nlmsghdr){ .nlmsg_len = NLMSG_LENGTH(12), .nlmsg_type = RTM_NEWROUTE };
	if (!capped)
		off += 12;    /* the echoed request's payload */
	else
		h->nlmsg_flags |= NLM_F_CAPPED;
	if (ext) {
		struct nlattr *a = (struct nlattr *)(buf + off);

		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(ext) + 1);
		memcpy(buf + off + NLA_HDRLEN, ext, strlen(ext) + 1);
		off += NLA_ALIGN(a->nla_len);
		h->nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	h->nlmsg_len = (uint32_t)off;
	return off;
}

static void test_parse_error_decodes_ack_error_and_extack(void **state)
{
	uint8_t buf[512];
	const char *msg;
	int err;

	build_error(buf, 0, true, NULL);
	assert_int_equal(hnl_parse_error((struct nlmsghdr *)buf, &err, &msg), 0);
	assert_int_equal(err, 0);
	assert_null(msg);

	build_error(buf, -EEXIST, true, "File exists here");
	assert_int_equal(hnl_parse_error((struct nlmsghdr *)buf, &err, &msg), 0);
	assert_int_equal(err, -EEXIST);
	assert_string_equal(msg, "File exists here");

	/* Without NETLINK_CAP_ACK the request is echoed before the TLVs. */
	build_error(buf, -ENETUNREACH, false, "Nexthop has invalid gateway");
	assert_int_equal(hnl_parse_error((struct nlmsghdr *)buf, &err, &msg), 0);
	assert_int_equal(err, -ENETUNREACH);
	assert_string_equal(msg, "Nexthop has invalid gateway");
}

static void test_parse_error_rejects_malformed_reply(void **state)
{
	uint8_t buf[512];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	const char *msg;
	int err;

	build_error(buf, -EINVAL, true, NULL);
	h->nlmsg_len = NLMSG_LENGTH(2);
	assert_int_equal(hnl_parse_error(h, &err, &msg), -EBADMSG);

	build_error(buf, 5, true, NULL);   /* a positive error is no errno */
	assert_int_equal(hnl_parse_error(h, &err, &msg), -EBADMSG);

	build_error(buf, -EINVAL, true, NULL);
	h->nlmsg_type = NLMSG_DONE;
	assert_int_equal(hnl_parse_error(h, &err, &msg), -EBADMSG);

	/* An uncapped error whose echoed request claims more than is there. */
	build_error(buf, -EINVAL, false, "x");
	((struct nlmsgerr *)NLMSG_DATA(h))->msg.nlmsg_len = 4000;
	assert_int_equal(hnl_parse_error(h, &err, &msg), -EBADMSG);
}

static void test_batch_add_returns_consecutive_indexes_and_rejects_short_header(void **state)
{
	struct hnl_batch *b;
	struct nlmsghdr bad = { .nlmsg_len = 4 };

	assert_int_equal(hnl_batch_new(&b), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(batch_add_route(b, 300, 0xac100000u + (uint32_t)i, "192.0.2.1"), i);
	assert_int_equal(hnl_batch_add(b, &bad), -EINVAL);
	assert_int_equal(hnl_batch_count(b), 1000);
	hnl_batch_free(b);
	assert_null(hnl_batch_free(NULL));
	assert_null(hnl_close(NULL));
}

/* --- pure: hand-built dump messages ---------------------------------------- */

static struct nl_msg *link_msg(int ifindex, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = IFF_UP };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_MULTI);

	assert_non_null(m);
	assert_int_equal(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	if (name)
		assert_int_equal(nla_put_string(m, IFLA_IFNAME, name), 0);
	return m;
}

static void put_kind(struct nl_msg *m, const char *kind, int data_type, uint32_t value,
		     size_t value_size)
{
	struct nlattr *info = nla_nest_start(m, IFLA_LINKINFO), *data;

	assert_non_null(info);
	assert_int_equal(nla_put_string(m, IFLA_INFO_KIND, kind), 0);
	data = nla_nest_start(m, IFLA_INFO_DATA);
	if (value_size == 2)
		assert_int_equal(nla_put_u16(m, data_type, (uint16_t)value), 0);
	else
		assert_int_equal(nla_put_u32(m, data_type, value), 0);
	nla_nest_end(m, data);
	nla_nest_end(m, info);
}

static void test_parse_link_hand_built_vlan_vrf_macvlan(void **state)
{
	struct kobj_link l;
	struct nl_msg *m;
	static const uint8_t mac[6] = { 2, 0, 0x5e, 0x10, 0, 1 };

	m = link_msg(7, "vmk1.42");
	assert_int_equal(nla_put_u32(m, IFLA_MTU, 9000), 0);
	assert_int_equal(nla_put(m, IFLA_ADDRESS, 6, mac), 0);
	assert_int_equal(nla_put_u8(m, IFLA_OPERSTATE, IF_OPER_UP), 0);
	assert_int_equal(nla_put_u32(m, IFLA_LINK, 3), 0);
	assert_int_equal(nla_put_u32(m, IFLA_MASTER, 9), 0);
	assert_int_equal(nla_put_u32(m, IFLA_GROUP, KOBJ_LINK_GROUP), 0);
	assert_int_equal(nla_put_string(m, IFLA_IFALIAS, OWNED_ALIAS), 0);
	put_kind(m, "vlan", IFLA_VLAN_ID, 42, 2);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.ifindex, 7);
	assert_string_equal(l.name, "vmk1.42");
	assert_int_equal(l.kind, KOBJ_LINK_KIND_VLAN);
	assert_string_equal(l.kind_name, "vlan");
	assert_int_equal(l.vlan_id, 42);
	assert_int_equal(l.mtu, 9000);
	assert_true(l.has_mac);
	assert_memory_equal(l.mac.b, mac, 6);
	assert_true(l.admin_up);
	assert_int_equal(l.operstate, IF_OPER_UP);
	assert_int_equal(l.link, 3);
	assert_int_equal(l.master, 9);
	assert_int_equal(l.group, KOBJ_LINK_GROUP);
	assert_string_equal(l.alias, OWNED_ALIAS);
	assert_true(l.owned);

	m = link_msg(8, "vrf-mgmt");
	put_kind(m, "vrf", IFLA_VRF_TABLE, 4000000, 4);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.kind, KOBJ_LINK_KIND_VRF);
	assert_int_equal(l.vrf_table, 4000000);
	assert_false(l.owned);   /* no group, no alias */

	m = link_msg(9, "mv0");
	put_kind(m, "macvlan", IFLA_MACVLAN_MODE, MACVLAN_MODE_PASSTHRU, 4);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.kind, KOBJ_LINK_KIND_MACVLAN);
	assert_int_equal(l.macvlan_mode, MACVLAN_MODE_PASSTHRU);

	m = link_msg(10, "wg0");
	put_kind(m, "wireguard", IFLA_VLAN_ID, 1, 2);   /* data of a kind we ignore */
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.kind, KOBJ_LINK_KIND_OTHER);
	assert_string_equal(l.kind_name, "wireguard");
	assert_int_equal(l.vlan_id, 0);
}

static void test_parse_link_peer_in_other_netns_has_no_local_link(void **state)
{
	struct kobj_link l;
	struct nl_msg *m = link_msg(4, "veth-out");
	char alias[400];

	assert_int_equal(nla_put_u32(m, IFLA_LINK, 2), 0);
	assert_int_equal(nla_put_s32(m, IFLA_LINK_NETNSID, 0), 0);
	/* An alias longer than kobj keeps is truncated, not rejected. */
	memset(alias, 'a', sizeof(alias) - 1);
	alias[sizeof(alias) - 1] = '\0';
	assert_int_equal(nla_put_string(m, IFLA_IFALIAS, alias), 0);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(l.link, 0);
	assert_int_equal(strlen(l.alias), KOBJ_ALIASSIZ - 1);
	assert_int_equal(l.kind, KOBJ_LINK_KIND_DEVICE);
	assert_string_equal(l.kind_name, "");
	assert_false(l.has_mac);
}

static void test_parse_link_rejects_missing_name_and_skips_other_types(void **state)
{
	struct kobj_link l = { .ifindex = 99 };
	struct nl_msg *m = link_msg(4, NULL);

	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), -EBADMSG);
	nlmsg_hdr(m)->nlmsg_type = RTM_DELLINK;
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), 1);
	nlmsg_free(m);

	/* A string attribute without its NUL is malformed. */
	m = link_msg(4, NULL);
	assert_int_equal(nla_put(m, IFLA_IFNAME, 3, "abc"), 0);
	assert_int_equal(observe_parse_link(&l, nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
	assert_int_equal(l.ifindex, 99);   /* untouched on failure */
}

static struct nl_msg *rt_msg(uint8_t family, uint8_t dst_len, uint8_t table, unsigned flags)
{
	struct rtmsg rtm = {
		.rtm_family = family, .rtm_dst_len = dst_len, .rtm_table = table,
		.rtm_protocol = RTPROT_STATIC, .rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST, .rtm_flags = flags,
	};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWROUTE, NLM_F_MULTI);

	assert_non_null(m);
	assert_int_equal(nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO), 0);
	return m;
}

static void test_parse_route_full_table_via_multipath_and_cloned_skip(void **state)
{
	struct kobj_route r;
	struct nl_msg *m;
	struct hn_addr a;
	uint8_t mp[64] = { 0 }, via[2 + 16];
	struct rtnexthop *nh = (struct rtnexthop *)mp;
	struct nlattr *gw = (struct nlattr *)(mp + sizeof(*nh));
	uint16_t fam6 = AF_INET6;

	/* RTA_TABLE wins over the 8-bit rtm_table (RT_TABLE_COMPAT). */
	m = rt_msg(AF_INET, 24, RT_TABLE_COMPAT, 0);
	a = ip("203.0.113.0");
	assert_int_equal(nla_put(m, RTA_DST, 4, a.bytes), 0);
	assert_int_equal(nla_put_u32(m, RTA_TABLE, 4000000), 0);
	a = ip("198.51.100.1");
	assert_int_equal(nla_put(m, RTA_GATEWAY, 4, a.bytes), 0);
	a = ip("198.51.100.10");
	assert_int_equal(nla_put(m, RTA_PREFSRC, 4, a.bytes), 0);
	assert_int_equal(nla_put_u32(m, RTA_OIF, 5), 0);
	assert_int_equal(nla_put_u32(m, RTA_PRIORITY, 50), 0);
	assert_int_equal(observe_parse_route(&r, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(r.family, AF_INET);
	assert_int_equal(r.table, 4000000);
	assert_addr(&r.dst, "203.0.113.0/24");
	assert_addr(&r.gateway, "198.51.100.1/32");
	assert_addr(&r.prefsrc, "198.51.100.10/32");
	assert_int_equal(r.oif, 5);
	assert_int_equal(r.metric, 50);
	assert_int_equal(r.protocol, RTPROT_STATIC);
	assert_false(r.owned);

	/* A default route has no RTA_DST but still carries its family. */
	m = rt_msg(AF_INET6, 0, RT_TABLE_MAIN, 0);
	((struct rtmsg *)nlmsg_data(nlmsg_hdr(m)))->rtm_protocol = KOBJ_RTPROT_HOSTNET;
	/* Multipath: two hops; kobj keeps the first. */
	nh->rtnh_len = sizeof(*nh) + NLA_HDRLEN + 16;
	nh->rtnh_ifindex = 7;
	gw->nla_type = RTA_GATEWAY;
	gw->nla_len = NLA_HDRLEN + 16;
	a = ip("2001:db8::1");
	memcpy(mp + sizeof(*nh) + NLA_HDRLEN, a.bytes, 16);
	memcpy(mp + nh->rtnh_len, mp, nh->rtnh_len);
	((struct rtnexthop *)(mp + nh->rtnh_len))->rtnh_ifindex = 8;
	assert_int_equal(nla_put(m, RTA_MULTIPATH, 2 * nh->rtnh_len, mp), 0);
	assert_int_equal(observe_parse_route(&r, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_addr(&r.dst, "::/0");
	assert_int_equal(r.table, RT_TABLE_MAIN);
	assert_int_equal(r.oif, 7);
	assert_addr(&r.gateway, "2001:db8::1/128");
	assert_true(r.owned);

	/* RTA_VIA: an IPv6 next hop for an IPv4 route. */
	m = rt_msg(AF_INET, 32, RT_TABLE_MAIN, 0);
	a = ip("192.0.2.9");
	assert_int_equal(nla_put(m, RTA_DST, 4, a.bytes), 0);
	memcpy(via, &fam6, 2);
	a = ip("2001:db8::2");
	memcpy(via + 2, a.bytes, 16);
	assert_int_equal(nla_put(m, RTA_VIA, sizeof(via), via), 0);
	assert_int_equal(observe_parse_route(&r, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(r.gateway.family, AF_INET6);
	assert_addr(&r.gateway, "2001:db8::2/128");

	/* Cache entries and other families are skipped. */
	m = rt_msg(AF_INET, 32, RT_TABLE_MAIN, RTM_F_CLONED);
	assert_int_equal(observe_parse_route(&r, nlmsg_hdr(m)), 1);
	nlmsg_free(m);
	m = rt_msg(RTNL_FAMILY_IPMR, 32, RT_TABLE_DEFAULT, 0);
	assert_int_equal(observe_parse_route(&r, nlmsg_hdr(m)), 1);
	nlmsg_free(m);

	/* A 16-byte RTA_DST on an IPv4 route, a /33: malformed. */
	m = rt_msg(AF_INET, 24, RT_TABLE_MAIN, 0);
	a = ip("2001:db8::");
	assert_int_equal(nla_put(m, RTA_DST, 16, a.bytes), 0);
	assert_int_equal(observe_parse_route(&r, nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
	m = rt_msg(AF_INET, 33, RT_TABLE_MAIN, 0);
	assert_int_equal(observe_parse_route(&r, nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
}

static void test_parse_rule_fwmark_defaults_and_full_table(void **state)
{
	struct fib_rule_hdr frh = { .family = AF_INET, .action = FR_ACT_TO_TBL,
				    .table = RT_TABLE_COMPAT, .src_len = 32 };
	struct kobj_rule r;
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWRULE, NLM_F_MULTI);
	struct hn_addr a = ip("198.51.100.10");

	assert_int_equal(nlmsg_append(m, &frh, sizeof(frh), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_u32(m, FRA_PRIORITY, 10000), 0);
	assert_int_equal(nla_put_u32(m, FRA_TABLE, 4000000), 0);
	assert_int_equal(nla_put(m, FRA_SRC, 4, a.bytes), 0);
	assert_int_equal(nla_put_string(m, FRA_IIFNAME, "vmk1"), 0);
	assert_int_equal(nla_put_u8(m, FRA_PROTOCOL, KOBJ_RTPROT_HOSTNET), 0);
	assert_int_equal(nla_put_u32(m, FRA_FWMARK, 0x10), 0);   /* mask omitted: all ones */
	assert_int_equal(observe_parse_rule(&r, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(r.family, AF_INET);
	assert_int_equal(r.priority, 10000);
	assert_int_equal(r.table, 4000000);
	assert_addr(&r.src, "198.51.100.10/32");
	assert_int_equal(r.dst.family, 0);
	assert_string_equal(r.iif, "vmk1");
	assert_string_equal(r.oif, "");
	assert_int_equal(r.action, FR_ACT_TO_TBL);
	assert_int_equal(r.fwmark, 0x10);
	assert_int_equal(r.fwmask, 0xffffffffu);
	assert_true(r.owned);
}

static void test_parse_addr_prefers_local_and_proto_marks_owned(void **state)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 24, .ifa_index = 4,
				 .ifa_flags = IFA_F_PERMANENT };
	struct kobj_addr a;
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_MULTI);
	struct hn_addr peer = ip("192.0.2.2"), local = ip("192.0.2.1");

	assert_int_equal(nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put(m, IFA_ADDRESS, 4, peer.bytes), 0);
	assert_int_equal(nla_put(m, IFA_LOCAL, 4, local.bytes), 0);
	assert_int_equal(nla_put_u32(m, IFA_FLAGS, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE), 0);
	assert_int_equal(nla_put_u8(m, IFA_PROTO, KOBJ_RTPROT_HOSTNET), 0);
	assert_int_equal(observe_parse_addr(&a, nlmsg_hdr(m)), 0);
	nlmsg_free(m);
	assert_int_equal(a.ifindex, 4);
	assert_addr(&a.addr, "192.0.2.1/24");
	assert_int_equal(a.flags, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
	assert_int_equal(a.proto, KOBJ_RTPROT_HOSTNET);
	assert_true(a.owned);   /* by IFA_PROTO alone */
}

/* --- namespace: the host ------------------------------------------------ */

static const char *const host_setup[] = {
	"ip link set lo up",
	"ip link add up1 type veth peer name up1p",
	"ip link add vs0 type bridge",
	"ip link set up1 master vs0",
	"ip link set up1 alias hostnet:up1",        /* prefix, default group: foreign */
	"ip link add vmk1 address " OWNED_MAC " mtu 9000 type veth peer name vmk1p",
	"ip link set vmk1 group 0x686e7374",
	"ip link set vmk1 alias '" OWNED_ALIAS "'",
	"ip link set vmk1p master vs0",
	"ip link add vmk2 type veth peer name vmk2p",
	"ip link set vmk2 group 0x686e7374 alias not-ours",   /* group only: foreign */
	"ip link add mv1 link up1p type macvlan mode bridge",
	"ip link add vx1 type vxlan id 42 dstport 4789",
	"for l in up1 up1p vs0 vmk1 vmk1p mv1; do ip link set $l up || exit 1; done",
	"ip addr add 198.51.100.10/24 dev vmk1",
	"ip -6 addr add 2001:db8:10::10/64 dev vmk1 nodad",
	"ip addr add 203.0.113.5/24 dev up1p",
	"ip -6 addr add 2001:db8:20::5/64 dev up1p nodad",
	"ip route add default via 198.51.100.1 table 100 proto 77",
	"ip route add 203.0.113.128/25 via 198.51.100.1 proto static",
	"ip -6 route add 2001:db8:99::/48 via 2001:db8:10::1 dev vmk1 table 4000000 proto 77 metric 50",
	("ip route add 192.0.2.128/25 table 100 proto 77 "
	 "nexthop via 198.51.100.1 dev vmk1 nexthop via 203.0.113.1 dev up1p"),
	"ip route add 192.0.2.64/26 via inet6 2001:db8:10::1 dev vmk1 table 100 proto 77",
	"ip rule add from 198.51.100.10 lookup 100 priority 10000 protocol 77",
	"ip rule add to 203.0.113.0/24 fwmark 0x10/0xff lookup main priority 20000",
	"ip -6 rule add from 2001:db8:10::/64 iif vmk1 lookup 4000000 priority 10001 protocol 77",
};

static int group_setup(void **state)
{
	if (!tn_ready)
		return 0;
	for (size_t i = 0; i < sizeof(host_setup) / sizeof(host_setup[0]); i++)
		if (sh("%s", host_setup[i]) != 0)
			return -1;
	/* Let IPv6 DAD finish, so link-local addresses and their routes stop
	 * appearing while tests compare counts with `ip`. */
	for (int i = 0; i < 500; i++) {
		if (system("ip -6 addr show tentative | grep -q .") != 0)
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	fprintf(stderr, "# IPv6 addresses still tentative after 5 s\n");
	return -1;
}

static void test_observe_links_match_created_host_field_by_field(void **state)
{
	struct kobj_set s = { 0 };
	const struct kobj_link *l;
	struct hn_mac mac;

	TN_NEED_NETNS();
	wait_oper_up("vmk1");
	observe(&s);

	l = link_named(&s, "vmk1");
	assert_int_equal(l->ifindex, idx("vmk1"));
	assert_int_equal(l->kind, KOBJ_LINK_KIND_VETH);
	assert_string_equal(l->kind_name, "veth");
	assert_int_equal(l->mtu, 9000);
	assert_int_equal(addr_parse_mac(&mac, OWNED_MAC), 0);
	assert_true(l->has_mac);
	assert_memory_equal(l->mac.b, mac.b, 6);
	assert_true(l->admin_up);
	assert_int_equal(l->operstate, IF_OPER_UP);
	assert_int_equal(l->master, 0);
	assert_int_equal(l->link, idx("vmk1p"));
	assert_int_equal(l->group, KOBJ_LINK_GROUP);
	assert_string_equal(l->alias, OWNED_ALIAS);
	assert_true(l->owned);

	l = link_named(&s, "vmk1p");
	assert_int_equal(l->master, idx("vs0"));
	assert_int_equal(l->link, idx("vmk1"));
	assert_int_equal(l->mtu, 1500);
	assert_int_equal(l->group, 0);
	assert_false(l->owned);

	l = link_named(&s, "vs0");
	assert_int_equal(l->kind, KOBJ_LINK_KIND_BRIDGE);
	assert_string_equal(l->kind_name, "bridge");
	assert_true(l->admin_up);
	assert_int_equal(l->master, 0);
	assert_int_equal(link_named(&s, "up1")->master, idx("vs0"));

	l = link_named(&s, "mv1");
	assert_int_equal(l->kind, KOBJ_LINK_KIND_MACVLAN);
	assert_int_equal(l->macvlan_mode, MACVLAN_MODE_BRIDGE);
	assert_int_equal(l->link, idx("up1p"));

	l = link_named(&s, "vx1");
	assert_int_equal(l->kind, KOBJ_LINK_KIND_VXLAN);
	assert_false(l->admin_up);
	assert_int_equal(l->operstate, IF_OPER_DOWN);

	l = link_named(&s, "lo");
	assert_int_equal(l->ifindex, 1);
	assert_int_equal(l->kind, KOBJ_LINK_KIND_DEVICE);
	assert_string_equal(l->kind_name, "");
	assert_int_equal(l->mtu, 65536);
	assert_true(l->admin_up);
	kobj_set_clear(&s);
}

static const char *const operstate_names[] = {
	"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP",
};

static const char *json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool json_has_string(json_t *array, const char *want)
{
	size_t i;
	json_t *v;

	json_array_foreach(array, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
			return true;
	return false;
}

static const char *name_of(const struct kobj_set *s, int ifindex)
{
	const struct kobj_link *l = kobj_set_link_by_index(s, ifindex);

	return l ? l->name : NULL;
}

static void test_observe_links_match_ip_json(void **state)
{
	struct kobj_set s = { 0 };
	json_t *links, *o;
	size_t i;

	TN_NEED_NETNS();
	wait_oper_up("vmk1");
	observe(&s);
	links = ip_json("-d link show");
	assert_int_equal(json_array_size(links), s.n_links);
	json_array_foreach(links, i, o) {
		const char *name = json_str(o, "ifname"), *v;
		const struct kobj_link *l = link_named(&s, name);
		char buf[ADDR_MAC_STRLEN], group[16];

		assert_int_equal(json_integer_value(json_object_get(o, "ifindex")), l->ifindex);
		assert_int_equal(json_integer_value(json_object_get(o, "mtu")), l->mtu);
		assert_string_equal(json_str(o, "operstate"), operstate_names[l->operstate]);
		if ((v = json_str(o, "address")) != NULL) {
			assert_true(l->has_mac);
			assert_string_equal(v, addr_format_mac(&l->mac, buf, sizeof(buf)));
		}
		snprintf(group, sizeof(group), "%u", l->group);
		assert_string_equal(json_str(o, "group"), l->group ? group : "default");
		v = json_str(o, "ifalias");
		assert_string_equal(v ? v : "", l->alias);
		v = json_str(o, "master");
		if (v)
			assert_string_equal(v, name_of(&s, l->master));
		else
			assert_int_equal(l->master, 0);
		v = json_str(o, "link");
		if (v)
			assert_string_equal(v, name_of(&s, l->link));
		else
			assert_int_equal(l->link, 0);
		v = json_str(json_object_get(o, "linkinfo"), "info_kind");
		assert_string_equal(v ? v : "", l->kind_name);
		assert_int_equal(l->admin_up, json_has_string(json_object_get(o, "flags"), "UP"));
	}
	json_decref(links);
	kobj_set_clear(&s);
}

static void test_observe_link_ownership_needs_group_and_alias(void **state)
{
	struct kobj_set s = { 0 };
	size_t owned = 0;

	TN_NEED_NETNS();
	observe(&s);
	for (size_t i = 0; i < s.n_links; i++)
		owned += s.links[i].owned;
	assert_int_equal(owned, 1);
	assert_true(link_named(&s, "vmk1")->owned);
	assert_int_equal(link_named(&s, "vmk2")->group, KOBJ_LINK_GROUP);   /* no prefix */
	assert_false(link_named(&s, "vmk2")->owned);
	assert_string_equal(link_named(&s, "up1")->alias, "hostnet:up1");   /* no group */
	assert_false(link_named(&s, "up1")->owned);
	kobj_set_clear(&s);
}

/* RTM_NEWADDR with IFA_PROTO, which iproute2 6.1 cannot set. */
static void add_addr_with_proto(const char *dev, const char *addr, uint8_t plen, uint8_t proto)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = plen,
				 .ifa_index = (uint32_t)idx(dev) };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct hn_addr a = ip(addr);
	struct hnl *nl;

	assert_int_equal(hnl_open(&nl), 0);
	assert_int_equal(nlmsg_append(m, &ifa, sizeof(ifa), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put(m, IFA_LOCAL, 4, a.bytes), 0);
	assert_int_equal(nla_put(m, IFA_ADDRESS, 4, a.bytes), 0);
	assert_int_equal(nla_put_u8(m, IFA_PROTO, proto), 0);
	ASSERT_NL_OK(hnl_request(nl, m), nl);
	nlmsg_free(m);
	hnl_close(nl);
}

static const struct kobj_addr *link_local_of(const struct kobj_set *s, int ifindex)
{
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].ifindex == ifindex && s->addrs[i].addr.family == AF_INET6 &&
		    s->addrs[i].addr.bytes[0] == 0xfe && s->addrs[i].addr.bytes[1] == 0x80)
			return &s->addrs[i];
	return NULL;
}

static void test_observe_addresses_and_their_ownership(void **state)
{
	struct kobj_set s = { 0 };
	const struct kobj_addr *a;
	int vmk1, up1p;
	json_t *j4, *j6, *o;
	size_t i, n_ip = 0;

	TN_NEED_NETNS();
	vmk1 = idx("vmk1");
	up1p = idx("up1p");
	add_addr_with_proto("up1p", "192.0.2.77", 32, KOBJ_RTPROT_HOSTNET);
	for (int tries = 0; tries < 300; tries++) {   /* the kernel adds it on carrier */
		observe(&s);
		if (link_local_of(&s, vmk1))
			break;
		kobj_set_clear(&s);
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}

	a = addr_find(&s, vmk1, "198.51.100.10/24");
	assert_int_equal(a->scope, RT_SCOPE_UNIVERSE);
	assert_true(a->flags & IFA_F_PERMANENT);
	assert_int_equal(a->proto, 0);
	assert_true(a->owned);          /* its link is owned */

	a = addr_find(&s, vmk1, "2001:db8:10::10/64");
	assert_true(a->flags & IFA_F_NODAD);
	assert_true(a->owned);

	a = link_local_of(&s, vmk1);
	assert_non_null(a);
	assert_int_equal(a->scope, RT_SCOPE_LINK);
	assert_true(a->proto == IFAPROT_KERNEL_LL || a->proto == 0);
	assert_false(a->owned);         /* kernel-made, even on an owned link */

	assert_false(addr_find(&s, up1p, "203.0.113.5/24")->owned);
	assert_false(addr_find(&s, up1p, "2001:db8:20::5/64")->owned);
	a = addr_find(&s, up1p, "192.0.2.77/32");
	assert_int_equal(a->proto, KOBJ_RTPROT_HOSTNET);
	assert_true(a->owned);          /* IFA_PROTO marks it on a foreign link */
	a = addr_find(&s, idx("lo"), "127.0.0.1/8");
	assert_int_equal(a->scope, RT_SCOPE_HOST);
	assert_false(a->owned);

	/* Every address ip shows, and no other. */
	j4 = ip_json("-4 addr show");
	j6 = ip_json("-6 addr show");
	json_array_foreach(j4, i, o)
		n_ip += json_array_size(json_object_get(o, "addr_info"));
	json_array_foreach(j6, i, o)
		n_ip += json_array_size(json_object_get(o, "addr_info"));
	assert_int_equal(n_ip, s.n_addrs);
	json_decref(j4);
	json_decref(j6);
	kobj_set_clear(&s);
}

static void test_observe_routes_every_table_owned_vs_foreign(void **state)
{
	struct kobj_set s = { 0 };
	const struct kobj_route *r;
	int vmk1;

	TN_NEED_NETNS();
	vmk1 = idx("vmk1");
	observe(&s);

	r = route_find(&s, 100, "0.0.0.0/0");
	assert_int_equal(r->family, AF_INET);
	assert_addr(&r->gateway, "198.51.100.1/32");
	assert_int_equal(r->oif, vmk1);
	assert_int_equal(r->protocol, KOBJ_RTPROT_HOSTNET);
	assert_int_equal(r->type, RTN_UNICAST);
	assert_int_equal(r->scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(r->metric, 0);
	assert_int_equal(r->prefsrc.family, 0);
	assert_true(r->owned);

	r = route_find(&s, 100, "192.0.2.128/25");   /* multipath: the first hop */
	assert_int_equal(r->oif, vmk1);
	assert_addr(&r->gateway, "198.51.100.1/32");
	assert_true(r->owned);

	r = route_find(&s, 100, "192.0.2.64/26");    /* RTA_VIA: IPv6 next hop */
	assert_int_equal(r->family, AF_INET);
	assert_addr(&r->gateway, "2001:db8:10::1/128");
	assert_int_equal(r->oif, vmk1);

	r = route_find(&s, RT_TABLE_MAIN, "203.0.113.128/25");
	assert_int_equal(r->protocol, RTPROT_STATIC);
	assert_addr(&r->gateway, "198.51.100.1/32");
	assert_false(r->owned);

	r = route_find(&s, 4000000, "2001:db8:99::/48");   /* beyond rtm_table's 8 bits */
	assert_int_equal(r->family, AF_INET6);
	assert_addr(&r->gateway, "2001:db8:10::1/128");
	assert_int_equal(r->oif, vmk1);
	assert_int_equal(r->metric, 50);
	assert_true(r->owned);

	r = route_find(&s, RT_TABLE_MAIN, "198.51.100.0/24");   /* connected */
	assert_int_equal(r->protocol, RTPROT_KERNEL);
	assert_int_equal(r->scope, RT_SCOPE_LINK);
	assert_addr(&r->prefsrc, "198.51.100.10/32");
	assert_int_equal(r->gateway.family, 0);
	assert_false(r->owned);

	r = route_find(&s, RT_TABLE_LOCAL, "198.51.100.10/32");
	assert_int_equal(r->type, RTN_LOCAL);
	assert_int_equal(r->scope, RT_SCOPE_HOST);
	kobj_set_clear(&s);
}

static size_t json_routes_in(json_t *routes, const char *table)
{
	size_t i, n = 0;
	json_t *o;

	json_array_foreach(routes, i, o) {
		const char *t = json_str(o, "table");

		n += strcmp(t ? t : "main", table) == 0;
	}
	return n;
}

static void test_observe_routes_match_ip_json_per_table(void **state)
{
	struct kobj_set s = { 0 };
	json_t *j4, *j6;
	size_t n4 = 0, n6 = 0;
	static const struct { const char *name; uint32_t id; } tables[] = {
		{ "main", RT_TABLE_MAIN }, { "local", RT_TABLE_LOCAL }, { "100", 100 },
		{ "4000000", 4000000 },
	};

	TN_NEED_NETNS();
	observe(&s);
	j4 = ip_json("-4 route show table all");
	j6 = ip_json("-6 route show table all");
	for (size_t i = 0; i < s.n_routes; i++) {
		n4 += s.routes[i].family == AF_INET;
		n6 += s.routes[i].family == AF_INET6;
	}
	assert_int_equal(n4, json_array_size(j4));
	assert_int_equal(n6, json_array_size(j6));
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		assert_int_equal(routes_in_table(&s, tables[t].id),
				 json_routes_in(j4, tables[t].name) + json_routes_in(j6, tables[t].name));
	json_decref(j4);
	json_decref(j6);
	kobj_set_clear(&s);
}

static void test_observe_rules_owned_vs_foreign(void **state)
{
	struct kobj_set s = { 0 };
	const struct kobj_rule *r;
	json_t *j4, *j6;

	TN_NEED_NETNS();
	observe(&s);

	r = rule_find(&s, AF_INET, 10000);
	assert_addr(&r->src, "198.51.100.10/32");
	assert_int_equal(r->dst.family, 0);
	assert_int_equal(r->table, 100);
	assert_int_equal(r->action, FR_ACT_TO_TBL);
	assert_int_equal(r->protocol, KOBJ_RTPROT_HOSTNET);
	assert_string_equal(r->iif, "");
	assert_int_equal(r->fwmark, 0);
	assert_int_equal(r->fwmask, 0);
	assert_true(r->owned);

	r = rule_find(&s, AF_INET, 20000);
	assert_int_equal(r->src.family, 0);
	assert_addr(&r->dst, "203.0.113.0/24");
	assert_int_equal(r->table, RT_TABLE_MAIN);
	assert_int_equal(r->fwmark, 0x10);
	assert_int_equal(r->fwmask, 0xff);
	assert_int_not_equal(r->protocol, KOBJ_RTPROT_HOSTNET);
	assert_false(r->owned);

	r = rule_find(&s, AF_INET6, 10001);
	assert_addr(&r->src, "2001:db8:10::/64");
	assert_string_equal(r->iif, "vmk1");
	assert_int_equal(r->table, 4000000);
	assert_true(r->owned);

	r = rule_find(&s, AF_INET, 0);   /* the kernel's own "lookup local" */
	assert_int_equal(r->table, RT_TABLE_LOCAL);
	assert_false(r->owned);

	j4 = ip_json("-4 rule show");
	j6 = ip_json("-6 rule show");
	assert_int_equal(s.n_rules, json_array_size(j4) + json_array_size(j6));
	json_decref(j4);
	json_decref(j6);
	kobj_set_clear(&s);
}

/* --- namespace: bulk and batches ---------------------------------------- */

static void test_observe_counts_10k_routes_added_by_ip_batch(void **state)
{
	char path[] = "/tmp/hostnet-test-observe.XXXXXX";
	struct kobj_set s = { 0 };
	struct hn_addr gw = ip("198.51.100.1");
	size_t via_gw = 0;
	FILE *f;
	int fd;

	TN_NEED_NETNS();
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	for (int i = 0; i < 10000; i++)
		fprintf(f, "route add 10.10.%d.%d/32 via 198.51.100.1 table 200 proto 77\n",
			i / 256, i % 256);
	fclose(f);
	SH("ip -batch %s", path);
	unlink(path);

	observe(&s);
	assert_int_equal(routes_in_table(&s, 200), 10000);
	for (size_t i = 0; i < s.n_routes; i++)
		if (s.routes[i].table == 200 && addr_cmp(&s.routes[i].gateway, &gw) == 0 &&
		    s.routes[i].owned)
			via_gw++;
	assert_int_equal(via_gw, 10000);
	kobj_set_clear(&s);
	SH("ip route flush table 200");
}

static void test_batch_adds_10k_routes_and_names_the_failing_index(void **state)
{
	struct hnl_batch_stats st;
	const struct hnl_batch_error *e;
	struct kobj_set s = { 0 };
	struct hnl_batch *b;
	struct hnl *nl;
	size_t n_err;
	int r;

	TN_NEED_NETNS();
	assert_int_equal(hnl_open(&nl), 0);
	assert_int_equal(hnl_batch_new(&b), 0);
	for (uint32_t i = 0; i < 10000; i++) {
		/* #4321 repeats #17's prefix: EEXIST under NLM_F_EXCL. */
		uint32_t n = i == 4321 ? 17 : i;

		assert_int_equal(batch_add_route(b, 300, 0xac100000u + n, "198.51.100.1"), (int)i);
	}
	r = hnl_batch_commit(b, nl);
	ASSERT_NL_OK(r, nl);
	assert_int_equal(r, 1);
	e = hnl_batch_errors(b, &n_err);
	assert_int_equal(n_err, 1);
	assert_int_equal(e[0].index, 4321);
	assert_int_equal(e[0].error, -EEXIST);
	assert_non_null(strstr(hnl_errmsg(nl), "#4321"));
	assert_int_equal(hnl_batch_count(b), 0);

	/* At most HNL_BATCH_CHUNK bytes per datagram, and no more datagrams
	 * than that needs (the requests are all the same size). */
	hnl_batch_stats(b, &st);
	assert_int_equal(st.requests, 10000);
	assert_int_equal(st.bytes % 10000, 0);
	assert_int_equal(st.datagrams,
			 (10000 + HNL_BATCH_CHUNK / (st.bytes / 10000) - 1) /
			 (HNL_BATCH_CHUNK / (st.bytes / 10000)));

	observe(&s);
	assert_int_equal(routes_in_table(&s, 300), 9999);
	kobj_set_clear(&s);

	/* The batch is reusable: an empty commit, then a clean one. */
	assert_int_equal(hnl_batch_commit(b, nl), 0);
	assert_int_equal(batch_add_route(b, 300, 0xac110000u, "198.51.100.1"), 0);
	assert_int_equal(hnl_batch_commit(b, nl), 0);
	hnl_batch_errors(b, &n_err);
	assert_int_equal(n_err, 0);
	hnl_batch_free(b);
	hnl_close(nl);
	SH("ip route flush table 300");
}

static void test_batch_reports_failures_at_chunk_start_and_on_the_acked_last(void **state)
{
	const struct hnl_batch_error *e;
	struct hnl_batch_stats st;
	struct kobj_set s = { 0 };
	struct hnl_batch *b;
	struct hnl *nl;
	struct nl_msg *m;
	size_t per_chunk, n_err, n = 2000;

	TN_NEED_NETNS();
	m = route_msg(301, 0, "198.51.100.1");
	per_chunk = HNL_BATCH_CHUNK / NLMSG_ALIGN(nlmsg_hdr(m)->nlmsg_len);
	nlmsg_free(m);
	assert_int_equal(hnl_open(&nl), 0);
	assert_int_equal(hnl_batch_new(&b), 0);
	for (size_t i = 0; i < n; i++) {
		/* 192.0.2.200 is on no connected subnet: the kernel refuses it. */
		const char *gw = i == 0 || i == per_chunk ? "192.0.2.200" : "198.51.100.1";
		uint32_t dst = 0xac120000u + (uint32_t)(i == n - 1 ? 5 : i);

		assert_int_equal(batch_add_route(b, 301, dst, gw), (int)i);
	}
	assert_int_equal(hnl_batch_commit(b, nl), 3);
	e = hnl_batch_errors(b, &n_err);
	assert_int_equal(n_err, 3);
	assert_int_equal(e[0].index, 0);
	assert_int_equal(e[1].index, per_chunk);   /* first of the second datagram */
	assert_int_equal(e[2].index, n - 1);       /* the one carrying NLM_F_ACK */
	assert_true(e[0].error < 0 && e[0].error != -EEXIST);
	assert_non_null(e[0].msg);                 /* the kernel's extended ack */
	assert_non_null(strstr(e[0].msg, "gateway"));
	assert_int_equal(e[2].error, -EEXIST);
	hnl_batch_stats(b, &st);
	assert_int_equal(st.datagrams, (n + per_chunk - 1) / per_chunk);

	observe(&s);
	assert_int_equal(routes_in_table(&s, 301), n - 3);
	kobj_set_clear(&s);
	hnl_batch_free(b);
	hnl_close(nl);
	SH("ip route flush table 301");
}

/* --- namespace: dump errors ---------------------------------------------- */

static int count_then_cancel(struct nlmsghdr *h, void *arg)
{
	int *n = arg;

	return ++*n == 3 ? -ECANCELED : 0;
}

static int count_links(struct nlmsghdr *h, void *arg)
{
	(*(int *)arg) += h->nlmsg_type == RTM_NEWLINK;
	return 0;
}

static void test_dump_kernel_error_carries_extack_message(void **state)
{
	/* Strict dump checking refuses a link dump filtered by ifindex. */
	struct ifinfomsg ifi = { .ifi_index = 1 };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
	struct hnl *nl;
	int r;

	TN_NEED_NETNS();
	assert_int_equal(hnl_open(&nl), 0);
	assert_int_equal(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	r = hnl_dump(nl, m, count_links, &(int){ 0 });
	assert_int_equal(r, -EINVAL);
	if (!strstr(hnl_errmsg(nl), "RTM_GETLINK: Invalid argument (") ||
	    !strstr(hnl_errmsg(nl), "not supported"))
		fail_msg("message: %s", hnl_errmsg(nl));
	nlmsg_free(m);
	hnl_close(nl);
}

static void test_dump_callback_error_stops_callbacks_and_leaves_socket_usable(void **state)
{
	struct ifinfomsg ifi = { 0 };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
	struct hnl *nl;
	json_t *links;
	int n = 0, r;

	TN_NEED_NETNS();
	assert_int_equal(hnl_open(&nl), 0);
	assert_int_equal(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	assert_int_equal(hnl_dump(nl, m, count_then_cancel, &n), -ECANCELED);
	assert_int_equal(n, 3);
	n = 0;
	r = hnl_dump(nl, m, count_links, &n);
	ASSERT_NL_OK(r, nl);
	assert_int_equal(r, n);
	links = ip_json("link show");
	assert_int_equal(n, (int)json_array_size(links));
	json_decref(links);
	nlmsg_free(m);
	hnl_close(nl);
}

/* --- namespace: capabilities --------------------------------------------- */

static void test_caps_probe_matches_what_ip_can_create(void **state)
{
	static const struct { enum kobj_cap cap; const char *add, *del; } probes[] = {
		{ KOBJ_CAP_VETH, "ip link add hnt-veth type veth peer name hnt-vethp", "hnt-veth" },
		{ KOBJ_CAP_BRIDGE, "ip link add hnt-br type bridge", "hnt-br" },
		{ KOBJ_CAP_MACVLAN, "ip link add hnt-mv link up1p type macvlan mode bridge", "hnt-mv" },
		{ KOBJ_CAP_VXLAN, "ip link add hnt-vx type vxlan id 77 dstport 4789", "hnt-vx" },
		{ KOBJ_CAP_VLAN, "ip link add hnt-vl link up1p type vlan id 7", "hnt-vl" },
		{ KOBJ_CAP_VRF, "ip link add hnt-vrf type vrf table 1001", "hnt-vrf" },
		{ KOBJ_CAP_BOND, "ip link add hnt-bond type bond", "hnt-bond" },
		{ KOBJ_CAP_DUMMY, "ip link add hnt-dum type dummy", "hnt-dum" },
		{ KOBJ_CAP_BRIDGE_VLAN_FILTERING,
		  "ip link add hnt-brv type bridge vlan_filtering 1", "hnt-brv" },
	};
	uint32_t caps = 0, want = 0;

	TN_NEED_NETNS();
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "%s 2>/dev/null", probes[i].add);
		if (system(cmd) == 0) {
			want |= 1u << probes[i].cap;
			SH("ip link del %s", probes[i].del);
		}
	}
	if (system("ip link add hnt-lbr type bridge 2>/dev/null && "
		   "ip link add hnt-lp type veth peer name hnt-lpp && "
		   "ip link set hnt-lp master hnt-lbr && "
		   "ip link set hnt-lp type bridge_slave locked on 2>/dev/null && "
		   "ip -d link show hnt-lp | grep -q 'locked on'") == 0)
		want |= 1u << KOBJ_CAP_BRPORT_LOCKED;
	sh("ip link del hnt-lp 2>/dev/null; ip link del hnt-lbr 2>/dev/null");
	if (sh("ip rule add priority 30000 from 192.0.2.99 lookup 100 protocol 77") == 0) {
		if (sh("ip rule show priority 30000 | grep -q 'proto 77'") == 0)
			want |= 1u << KOBJ_CAP_RULE_PROTOCOL;
		SH("ip rule del priority 30000");
	}
	if (sh("tc qdisc add dev lo root handle 686e: tbf rate 1mbit burst 10kb latency 50ms") == 0) {
		want |= 1u << KOBJ_CAP_TBF;
		SH("tc qdisc del dev lo root");
	}
	assert_int_equal(observe_caps(&caps), 0);
	for (int c = 0; c < KOBJ_CAP__MAX; c++)
		if ((caps ^ want) & (1u << c))
			fail_msg("probe says %s %s, ip says %s", kobj_cap_name((enum kobj_cap)c),
				 caps & (1u << c) ? "present" : "absent",
				 want & (1u << c) ? "present" : "absent");
	/* What `ip` just confirmed, stated plainly. */
	assert_true(caps & (1u << KOBJ_CAP_VETH));
	assert_true(caps & (1u << KOBJ_CAP_BRIDGE));
}

static size_t count_non_kernel_routes(const struct kobj_set *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_routes; i++)
		n += s->routes[i].protocol != RTPROT_KERNEL;
	return n;
}

static void test_caps_probe_leaves_this_namespace_untouched(void **state)
{
	struct kobj_set before = { 0 }, after = { 0 };
	uint32_t caps;

	TN_NEED_NETNS();
	observe(&before);
	assert_int_equal(observe_caps(&caps), 0);
	observe(&after);
	/* IPv6 DAD may still add kernel routes and addresses meanwhile, so
	 * compare what only a probe gone wrong could change. */
	assert_int_equal(before.n_links, after.n_links);
	for (size_t i = 0; i < after.n_links; i++) {
		assert_string_equal(before.links[i].name, after.links[i].name);
		assert_null(strstr(after.links[i].name, "hncap"));
	}
	assert_int_equal(before.n_rules, after.n_rules);
	assert_int_equal(count_non_kernel_routes(&before), count_non_kernel_routes(&after));
	kobj_set_clear(&before);
	kobj_set_clear(&after);
}

/* --- namespace: bridge port security, static FDB, IPv6 RA ------------------ */

/* A bridge with two veth ports of its own, apart from the shared host. */
static void port_setup(void)
{
	/* What a failed test before may have left. */
	if (system("ip link del hnp1 2>/dev/null; ip link del hnp2 2>/dev/null; "
		   "ip link del hnp-br 2>/dev/null; true") != 0)
		fail_msg("cleanup failed");
	SH("ip link add hnp-br type bridge");
	SH("ip link add hnp1 type veth peer name hnp1x");
	SH("ip link add hnp2 type veth peer name hnp2x");
	SH("ip link set hnp1 master hnp-br && ip link set hnp2 master hnp-br");
	SH("for l in hnp-br hnp1 hnp1x hnp2 hnp2x; do ip link set $l up || exit 1; done");
}

static void port_teardown(void)
{
	SH("ip link del hnp1 && ip link del hnp2 && ip link del hnp-br");
}

/* Sends the request a builder made in *m (read only once the builder's
 * return value, an argument too, is known); fails the test when the builder
 * or the kernel refuses it. */
static void send_built(int built, struct nl_msg **m)
{
	struct hnl *nl;

	assert_int_equal(built, 0);
	assert_int_equal(hnl_open(&nl), 0);
	ASSERT_NL_OK(hnl_request(nl, *m), nl);
	hnl_close(nl);
	nlmsg_free(*m);
	*m = NULL;
}

static uint8_t brport_of(const char *name, bool *is_port)
{
	struct kobj_set s = { 0 };
	const struct kobj_link *l;
	uint8_t bits;

	observe(&s);
	l = link_named(&s, name);
	bits = l->brport;
	*is_port = l->is_brport;
	kobj_set_clear(&s);
	return bits;
}

static void test_observe_brport_flags_set_by_the_builder(void **state)
{
	static const uint8_t settings[] = {
		BIT_BRPORT(KOBJ_BRPORT_LOCKED),
		BIT_BRPORT(KOBJ_BRPORT_LEARNING) | BIT_BRPORT(KOBJ_BRPORT_FLOOD),
		0,
		BIT_BRPORT(KOBJ_BRPORT_FLOOD) | BIT_BRPORT(KOBJ_BRPORT_LOCKED),
	};
	struct nl_msg *m = NULL;
	bool is_port;
	uint8_t bits;

	TN_NEED_NETNS();
	port_setup();
	/* The kernel's defaults: learning and flooding on, not locked. */
	bits = brport_of("hnp1", &is_port);
	assert_true(is_port);
	assert_int_equal(bits, BIT_BRPORT(KOBJ_BRPORT_LEARNING) | BIT_BRPORT(KOBJ_BRPORT_FLOOD));
	bits = brport_of("hnp1x", &is_port);
	assert_false(is_port);
	assert_int_equal(bits, 0);
	assert_false((brport_of("hnp-br", &is_port), is_port));
	for (size_t i = 0; i < sizeof(settings) / sizeof(*settings); i++) {
		send_built(nlmsg_brport_flags(&m, idx("hnp1"), settings[i]), &m);
		assert_int_equal(brport_of("hnp1", &is_port), settings[i]);
		assert_true(is_port);
	}
	/* The other port is left alone, and `ip` agrees with what we saw. */
	assert_int_equal(brport_of("hnp2", &is_port),
			 BIT_BRPORT(KOBJ_BRPORT_LEARNING) | BIT_BRPORT(KOBJ_BRPORT_FLOOD));
	SH("ip -d link show hnp1 | grep -q 'learning off' && "
	   "ip -d link show hnp1 | grep -q ' flood on' && "
	   "ip -d link show hnp1 | grep -q 'locked on'");
	port_teardown();
}

struct fdb_seen {
	uint8_t n;
	struct hn_mac mac;
};

static struct fdb_seen fdb_of(const char *name)
{
	struct kobj_set s = { 0 };
	const struct kobj_link *l;
	struct fdb_seen f;

	observe(&s);
	l = link_named(&s, name);
	f = (struct fdb_seen){ l->n_fdb, l->fdb };
	kobj_set_clear(&s);
	return f;
}

static void assert_fdb(const char *name, uint8_t n, const char *lowest)
{
	struct fdb_seen f = fdb_of(name);
	char buf[32];

	if (f.n != n)
		fail_msg("%s: %u static FDB entries, want %u", name, f.n, n);
	if (lowest && strcmp(addr_format_mac(&f.mac, buf, sizeof(buf)), lowest) != 0)
		fail_msg("%s: lowest static entry %s, want %s", name, buf, lowest);
}

static void fdb_static(bool add, const char *port, const char *mac)
{
	struct hn_mac a;
	struct nl_msg *m = NULL;

	assert_int_equal(addr_parse_mac(&a, mac), 0);
	send_built(nlmsg_fdb_static(&m, add, idx(port), &a), &m);
}

static void test_observe_fdb_counts_static_entries_and_flush_keeps_foreign_ones(void **state)
{
	struct nl_msg *m = NULL;

	TN_NEED_NETNS();
	port_setup();
	assert_fdb("hnp1", 0, NULL);
	/* Foreign entries on the same port: local (iproute2's default
	 * "permanent"), dynamic, driver-learned. */
	SH("bridge fdb add 02:00:5e:00:53:01 dev hnp1 master");
	SH("bridge fdb add 02:00:5e:00:53:02 dev hnp1 master dynamic");
	SH("bridge fdb add 02:00:5e:00:53:03 dev hnp1 master extern_learn");
	assert_fdb("hnp1", 0, NULL);
	fdb_static(true, "hnp1", "02:00:5e:00:53:20");
	fdb_static(true, "hnp1", "02:00:5e:00:53:10");
	fdb_static(true, "hnp2", "02:00:5e:00:53:30");
	/* As `bridge` names them, and counted by observe. */
	SH("bridge fdb show dev hnp1 | grep -q '02:00:5e:00:53:10 master hnp-br static'");
	assert_fdb("hnp1", 2, "02:00:5e:00:53:10");
	assert_fdb("hnp2", 1, "02:00:5e:00:53:30");
	assert_fdb("hnp-br", 0, NULL);
	/* Adding again replaces, and takes over a dynamic entry. */
	fdb_static(true, "hnp1", "02:00:5e:00:53:10");
	fdb_static(true, "hnp1", "02:00:5e:00:53:02");
	assert_fdb("hnp1", 3, "02:00:5e:00:53:02");
	/* One deleted. */
	fdb_static(false, "hnp1", "02:00:5e:00:53:02");
	assert_fdb("hnp1", 2, "02:00:5e:00:53:10");

	/* The flush takes this port's static entries and nothing else. */
	send_built(nlmsg_fdb_flush_static(&m, idx("hnp1")), &m);
	assert_fdb("hnp1", 0, NULL);
	assert_fdb("hnp2", 1, "02:00:5e:00:53:30");
	SH("bridge fdb show dev hnp1 | grep -q '02:00:5e:00:53:01 master hnp-br permanent'");
	SH("bridge fdb show dev hnp1 | grep -q '02:00:5e:00:53:03 extern_learn master hnp-br'");
	SH("bridge fdb show dev hnp1 | grep -q \"$(ip -br link show hnp1 | awk '{print $3}') "
	   "master hnp-br permanent\"");
	port_teardown();
}

static void test_observe_fdb_count_saturates_at_255(void **state)
{
	struct hnl_batch *b;
	struct hnl *nl;
	struct hn_mac a = { { 0x02, 0, 0x5e, 0, 0x53, 0 } };

	TN_NEED_NETNS();
	port_setup();
	assert_int_equal(hnl_batch_new(&b), 0);
	for (int i = 0; i < 300; i++) {
		struct nl_msg *m = NULL;

		a.b[4] = (uint8_t)(0x10 + i / 256);
		a.b[5] = (uint8_t)(i % 256);
		assert_int_equal(nlmsg_fdb_static(&m, true, idx("hnp1"), &a), 0);
		assert_int_equal(hnl_batch_add(b, nlmsg_hdr(m)), i);
		nlmsg_free(m);
	}
	assert_int_equal(hnl_open(&nl), 0);
	ASSERT_NL_OK(hnl_batch_commit(b, nl), nl);
	assert_int_equal(hnl_batch_commit(b, nl), 0);
	hnl_close(nl);
	hnl_batch_free(b);
	assert_fdb("hnp1", 255, "02:00:5e:00:10:00");
	port_teardown();
}

/* The value /proc/sys has for one of the link's IPv6 settings. */
static int conf_value(const char *ifname, const char *key)
{
	char p[256];
	FILE *f;
	int v = -1;

	assert_int_equal(sysctl_ipv6_conf_path(p, sizeof(p), SYSCTL_ROOT, ifname, key), 0);
	f = fopen(p, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &v), 1);
	fclose(f);
	return v;
}

static void test_observe_ra_settings_written_by_sysctl(void **state)
{
	static const uint8_t settings[][3] = { { 0, 0, 0 }, { 2, 1, 0 }, { 1, 0, 1 } };
	struct kobj_set s = { 0 };
	const struct kobj_link *l;
	struct kobj_link other;

	TN_NEED_NETNS();
	port_setup();
	observe(&s);
	other = *link_named(&s, "hnp2");
	l = link_named(&s, "hnp1");
	assert_true(l->has_ra);
	/* The kernel's values as /proc/sys shows them. */
	assert_int_equal(l->accept_ra, conf_value("hnp1", "accept_ra"));
	assert_int_equal(l->autoconf, conf_value("hnp1", "autoconf"));
	assert_int_equal(l->accept_ra_defrtr, conf_value("hnp1", "accept_ra_defrtr"));
	kobj_set_clear(&s);
	for (size_t i = 0; i < sizeof(settings) / sizeof(*settings); i++) {
		assert_int_equal(sysctl_ipv6_ra_set("hnp1", settings[i][0], settings[i][1],
						    settings[i][2]), 0);
		observe(&s);
		l = link_named(&s, "hnp1");
		assert_true(l->has_ra);
		assert_int_equal(l->accept_ra, settings[i][0]);
		assert_int_equal(l->autoconf, settings[i][1]);
		assert_int_equal(l->accept_ra_defrtr, settings[i][2]);
		/* Only this link changed. */
		l = link_named(&s, "hnp2");
		assert_int_equal(l->accept_ra, other.accept_ra);
		assert_int_equal(l->autoconf, other.autoconf);
		assert_int_equal(l->accept_ra_defrtr, other.accept_ra_defrtr);
		kobj_set_clear(&s);
	}
	assert_int_equal(sysctl_ipv6_ra_set("hnp-nosuch", 0, 0, 0), -ENOENT);
	/* A link with IPv6 disabled still reports its settings. */
	SH("echo 1 > /proc/sys/net/ipv6/conf/hnp2/disable_ipv6");
	observe(&s);
	assert_true(link_named(&s, "hnp2")->has_ra);
	kobj_set_clear(&s);
	port_teardown();
}

/* --- main ------------------------------------------------------------------ */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nle_codes_translate_to_errno),
		cmocka_unit_test(test_parse_error_decodes_ack_error_and_extack),
		cmocka_unit_test(test_parse_error_rejects_malformed_reply),
		cmocka_unit_test(test_batch_add_returns_consecutive_indexes_and_rejects_short_header),
		cmocka_unit_test(test_parse_link_hand_built_vlan_vrf_macvlan),
		cmocka_unit_test(test_parse_link_peer_in_other_netns_has_no_local_link),
		cmocka_unit_test(test_parse_link_rejects_missing_name_and_skips_other_types),
		cmocka_unit_test(test_parse_route_full_table_via_multipath_and_cloned_skip),
		cmocka_unit_test(test_parse_rule_fwmark_defaults_and_full_table),
		cmocka_unit_test(test_parse_addr_prefers_local_and_proto_marks_owned),
		cmocka_unit_test(test_observe_links_match_created_host_field_by_field),
		cmocka_unit_test(test_observe_links_match_ip_json),
		cmocka_unit_test(test_observe_link_ownership_needs_group_and_alias),
		cmocka_unit_test(test_observe_addresses_and_their_ownership),
		cmocka_unit_test(test_observe_routes_every_table_owned_vs_foreign),
		cmocka_unit_test(test_observe_routes_match_ip_json_per_table),
		cmocka_unit_test(test_observe_rules_owned_vs_foreign),
		cmocka_unit_test(test_observe_counts_10k_routes_added_by_ip_batch),
		cmocka_unit_test(test_batch_adds_10k_routes_and_names_the_failing_index),
		cmocka_unit_test(test_batch_reports_failures_at_chunk_start_and_on_the_acked_last),
		cmocka_unit_test(test_dump_kernel_error_carries_extack_message),
		cmocka_unit_test(test_dump_callback_error_stops_callbacks_and_leaves_socket_usable),
		cmocka_unit_test(test_caps_probe_matches_what_ip_can_create),
		cmocka_unit_test(test_caps_probe_leaves_this_namespace_untouched),
		cmocka_unit_test(test_observe_brport_flags_set_by_the_builder),
		cmocka_unit_test(test_observe_fdb_counts_static_entries_and_flush_keeps_foreign_ones),
		cmocka_unit_test(test_observe_fdb_count_saturates_at_255),
		cmocka_unit_test(test_observe_ra_settings_written_by_sysctl),
	};

	tn_enter("test-observe");
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
