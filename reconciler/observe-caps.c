/* observe_caps(): what this kernel can do, asked without changing anything
 * and without a namespace of our own (CAP_NET_ADMIN is all it needs).
 *
 * Link kinds: an RTM_NEWLINK create request with the kind and a name the
 * kernel refuses ("hn/cap": dev_valid_name() rejects '/').  rtnl_newlink()
 * looks the kind up first (loading its module on demand) and answers
 * EOPNOTSUPP when there is none; a known kind gets as far as its validate()
 * and newlink(), which fail when the device (or a veth's peer, named the same
 * way) is registered under that name, before anything exists.  A made-up
 * kind checks that this kernel still answers in that order.
 * Bridge VLAN filtering: br_validate() refuses a non-VLAN
 * IFLA_BR_VLAN_PROTOCOL with EPROTONOSUPPORT only when the kernel has
 * CONFIG_BRIDGE_VLAN_FILTERING (Linux 3.16 to at least 6.6); without it the
 * request fails later, on the name.
 * tbf: an RTM_NEWQDISC for lo without options; qdisc_create() looks the kind
 * up (ENOENT when unknown), then tbf_init() refuses the missing options.
 * Rule protocols: read, not written: since Linux 4.17 every rule in a dump
 * carries FRA_PROTOCOL (the kernel's default rules are always there).
 * Locked bridge ports: a kernel-version rule (IFLA_BRPORT_LOCKED is Linux
 * 5.18's and not a build option), given a bridge: setting it needs a port. */
#include "observe-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/veth.h>
#include <linux/rtnetlink.h>

#define CAPS_TABLE    4242u
/* Refused by dev_valid_name() when the device would be registered. */
#define CAPS_BAD_NAME "hn/cap"
#define CAPS_BAD_PEER "hn/cap-peer"

struct caps_msg {
	union {
		struct nlmsghdr h;
		uint8_t b[1024];
	} u;
};

static void *caps_put(struct caps_msg *m, const void *data, size_t len)
{
	uint8_t *p = m->u.b + m->u.h.nlmsg_len;

	/* Fixed probes: the buffer is far larger than any of them. */
	memcpy(p, data, len);
	memset(p + len, 0, NLMSG_ALIGN(len) - len);
	m->u.h.nlmsg_len += NLMSG_ALIGN(len);
	return p;
}

static struct nlattr *caps_attr(struct caps_msg *m, int type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = (uint16_t)type };
	struct nlattr *p = caps_put(m, &a, sizeof(a));

	caps_put(m, data, len);
	return p;
}

/* Its length is set by caps_nest_end(). */
static struct nlattr *caps_nest(struct caps_msg *m, int type)
{
	struct nlattr a = { .nla_type = (uint16_t)(type | NLA_F_NESTED) };

	return caps_put(m, &a, sizeof(a));
}

static void caps_nest_end(struct caps_msg *m, struct nlattr *nest)
{
	nest->nla_len = (uint16_t)(m->u.b + m->u.h.nlmsg_len - (uint8_t *)nest);
}

static void caps_start(struct caps_msg *m, int type, int flags, const void *hdr, size_t len)
{
	static uint32_t seq;

	memset(&m->u.h, 0, sizeof(m->u.h));
	m->u.h.nlmsg_len = NLMSG_HDRLEN;
	m->u.h.nlmsg_type = (uint16_t)type;
	m->u.h.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	m->u.h.nlmsg_seq = ++seq;
	caps_put(m, hdr, len);
}

/* Sends m and returns the kernel's answer: 0 or a negative errno. */
static int caps_exchange(int fd, struct caps_msg *m)
{
	uint8_t buf[8192];
	ssize_t n;

	if (send(fd, m->u.b, m->u.h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		int rem, err;
		const char *ext;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		rem = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; nlmsg_ok(h, rem);
		     h = nlmsg_next(h, &rem))
			if (h->nlmsg_seq == m->u.h.nlmsg_seq && h->nlmsg_type == NLMSG_ERROR)
				return hnl_parse_error(h, &err, &ext) < 0 ? -EBADMSG : err;
	}
}

static const char *const caps_kind[KOBJ_CAP__MAX] = {
	[KOBJ_CAP_VETH] = "veth",
	[KOBJ_CAP_BRIDGE] = "bridge",
	[KOBJ_CAP_MACVLAN] = "macvlan",
	[KOBJ_CAP_VXLAN] = "vxlan",
	[KOBJ_CAP_VLAN] = "vlan",
	[KOBJ_CAP_VRF] = "vrf",
	[KOBJ_CAP_BOND] = "bond",
	[KOBJ_CAP_BRIDGE_VLAN_FILTERING] = "bridge",
	[KOBJ_CAP_DUMMY] = "dummy",
	[KOBJ_CAP_RULE_PROTOCOL] = NULL,
	[KOBJ_CAP_TBF] = NULL,
	[KOBJ_CAP_BRPORT_LOCKED] = NULL,
};

/* What each kind needs to get past its validate() (IFLA_INFO_DATA). */
static void caps_put_data(struct caps_msg *m, enum kobj_cap cap)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	uint32_t u32;
	uint16_t u16;
	struct nlattr *data, *peer;

	data = caps_nest(m, IFLA_INFO_DATA);
	switch (cap) {
	case KOBJ_CAP_VETH:
		/* veth_newlink() registers the peer first: it must fail too. */
		peer = caps_nest(m, VETH_INFO_PEER);
		caps_put(m, &ifi, sizeof(ifi));
		caps_attr(m, IFLA_IFNAME, CAPS_BAD_PEER, sizeof(CAPS_BAD_PEER));
		caps_nest_end(m, peer);
		break;
	case KOBJ_CAP_MACVLAN:
		u32 = MACVLAN_MODE_BRIDGE;
		caps_attr(m, IFLA_MACVLAN_MODE, &u32, sizeof(u32));
		break;
	case KOBJ_CAP_VXLAN:
		u32 = 42;
		caps_attr(m, IFLA_VXLAN_ID, &u32, sizeof(u32));
		break;
	case KOBJ_CAP_VLAN:
		u16 = 42;
		caps_attr(m, IFLA_VLAN_ID, &u16, sizeof(u16));
		break;
	case KOBJ_CAP_VRF:
		u32 = CAPS_TABLE;
		caps_attr(m, IFLA_VRF_TABLE, &u32, sizeof(u32));
		break;
	case KOBJ_CAP_BRIDGE_VLAN_FILTERING:
		u16 = htons(0x0800);   /* IPv4: not a VLAN protocol */
		caps_attr(m, IFLA_BR_VLAN_PROTOCOL, &u16, sizeof(u16));
		break;
	case KOBJ_CAP_BRIDGE:
	case KOBJ_CAP_BOND:
	case KOBJ_CAP_DUMMY:
	case KOBJ_CAP_RULE_PROTOCOL:
	case KOBJ_CAP_TBF:
	case KOBJ_CAP_BRPORT_LOCKED:
	case KOBJ_CAP__MAX:
		break;
	}
	caps_nest_end(m, data);
}

/* The kernel's answer to creating a link of `kind` named CAPS_BAD_NAME. */
static int caps_try_kind(int fd, const char *kind, enum kobj_cap cap)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct caps_msg m;
	struct nlattr *info;

	caps_start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &ifi, sizeof(ifi));
	caps_attr(&m, IFLA_IFNAME, CAPS_BAD_NAME, sizeof(CAPS_BAD_NAME));
	info = caps_nest(&m, IFLA_LINKINFO);
	caps_attr(&m, IFLA_INFO_KIND, kind, strlen(kind) + 1);
	caps_put_data(&m, cap);
	caps_nest_end(&m, info);
	return caps_exchange(fd, &m);
}

/* Whether a dump of IPv4 rules carries FRA_PROTOCOL: 1 yes, 0 no, 2 when
 * there was no rule to tell by; or a negative errno. */
static int caps_rules_have_protocol(int fd)
{
	struct fib_rule_hdr frh = { .family = AF_INET };
	uint8_t buf[32768];
	struct caps_msg m;
	int r = 2;

	caps_start(&m, RTM_GETRULE, NLM_F_DUMP, &frh, sizeof(frh));
	if (send(fd, m.u.b, m.u.h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int rem;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		rem = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; nlmsg_ok(h, rem);
		     h = nlmsg_next(h, &rem)) {
			if (h->nlmsg_seq != m.u.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return r;
			if (h->nlmsg_type == RTM_NEWRULE)
				r = nlmsg_find_attr(h, sizeof(frh), FRA_PROTOCOL) ? 1 : r == 2 ? 0 : r;
		}
	}
}

/* A root qdisc of `kind` on lo without options: ENOENT when the kind is
 * unknown, EINVAL from its init() otherwise. */
static int caps_try_qdisc(int fd, const char *kind)
{
	struct tcmsg t = {
		.tcm_family = AF_UNSPEC, .tcm_ifindex = (int)if_nametoindex("lo"),
		.tcm_parent = TC_H_ROOT,
	};
	struct caps_msg m;

	caps_start(&m, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &t, sizeof(t));
	caps_attr(&m, TCA_KIND, kind, strlen(kind) + 1);
	return caps_exchange(fd, &m);
}

/* Whether the running kernel is at least major.minor. */
static bool caps_kernel_at_least(unsigned major, unsigned minor)
{
	struct utsname u;
	unsigned a = 0, b = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &a, &b) != 2)
		return false;
	return a > major || (a == major && b >= minor);
}

int observe_caps(uint32_t *caps)
{
	/* Parents first: macvlan and vlan sit on a veth (or dummy) link. */
	static const enum kobj_cap kinds[] = {
		KOBJ_CAP_VETH, KOBJ_CAP_DUMMY, KOBJ_CAP_BRIDGE, KOBJ_CAP_BRIDGE_VLAN_FILTERING,
		KOBJ_CAP_MACVLAN, KOBJ_CAP_VXLAN, KOBJ_CAP_VLAN, KOBJ_CAP_VRF, KOBJ_CAP_BOND,
	};
	uint32_t found = 0;
	int fd, r;

	*caps = 0;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	/* The method's premise: an unknown kind is told apart from a bad name. */
	r = caps_try_kind(fd, "hnst-nosuchkind", KOBJ_CAP_BOND);
	if (r == -EPERM || r == -EACCES)
		goto out;
	if (r != -EOPNOTSUPP) {
		r = -EPROTO;
		goto out;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		enum kobj_cap cap = kinds[i];

		r = caps_try_kind(fd, caps_kind[cap], cap);
		if (r == -EPERM || r == -EACCES)
			goto out;
		if (r == 0) {
			/* Cannot happen with an invalid name; if it ever
			 * did, the link must not stay. */
			r = -EPROTO;
			goto out;
		}
		if (cap == KOBJ_CAP_BRIDGE_VLAN_FILTERING ? r == -EPROTONOSUPPORT : r != -EOPNOTSUPP)
			found |= 1u << cap;
	}
	if ((found & 1u << KOBJ_CAP_BRIDGE) && caps_kernel_at_least(5, 18))
		found |= 1u << KOBJ_CAP_BRPORT_LOCKED;
	r = caps_rules_have_protocol(fd);
	if (r < 0)
		goto out;
	if (r == 1 || (r == 2 && caps_kernel_at_least(4, 17)))
		found |= 1u << KOBJ_CAP_RULE_PROTOCOL;
	r = caps_try_qdisc(fd, "tbf");
	if (r == -EPERM || r == -EACCES)
		goto out;
	if (r != -ENOENT)
		found |= 1u << KOBJ_CAP_TBF;
	*caps = found;
	r = 0;
out:
	close(fd);
	return r;
}
