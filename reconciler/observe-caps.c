/* observe_caps(): try each feature in a throwaway network namespace.
 *
 * The work happens in a forked child that builds its requests in stack
 * buffers and talks to the kernel with plain syscalls: no allocation and no
 * libnl after fork(), so a multi-threaded caller is safe too. */
#include "observe-private.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/veth.h>
#include <linux/rtnetlink.h>

#define CAPS_PRIORITY 4242u    /* of the probe rule */
#define CAPS_TABLE    4242u

struct caps_msg {
	union {
		struct nlmsghdr h;
		uint8_t b[1024];
	} u;
};

struct caps_result {
	int err;                  /* 0, or why the probe as a whole failed */
	uint32_t caps;
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

/* What each kind needs to be created at all (IFLA_INFO_DATA). */
static void caps_put_data(struct caps_msg *m, enum kobj_cap cap)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;
	struct nlattr *data, *peer;

	data = caps_nest(m, IFLA_INFO_DATA);
	switch (cap) {
	case KOBJ_CAP_VETH:
		peer = caps_nest(m, VETH_INFO_PEER);
		caps_put(m, &ifi, sizeof(ifi));
		caps_attr(m, IFLA_IFNAME, "hncap-peer", sizeof("hncap-peer"));
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
		u8 = 1;
		caps_attr(m, IFLA_BR_VLAN_FILTERING, &u8, sizeof(u8));
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

static int caps_try_link(int fd, enum kobj_cap cap, int parent)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct caps_msg m;
	char name[IFNAMSIZ] = "hncap0";
	struct nlattr *info;
	uint32_t link = (uint32_t)parent;

	name[5] = (char)('a' + cap);   /* one name per probe */
	caps_start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &ifi, sizeof(ifi));
	caps_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	if (cap == KOBJ_CAP_MACVLAN || cap == KOBJ_CAP_VLAN)
		caps_attr(&m, IFLA_LINK, &link, sizeof(link));
	info = caps_nest(&m, IFLA_LINKINFO);
	caps_attr(&m, IFLA_INFO_KIND, caps_kind[cap], strlen(caps_kind[cap]) + 1);
	caps_put_data(&m, cap);
	caps_nest_end(&m, info);
	return caps_exchange(fd, &m);
}

/* Whether the RTM_NEWLINK of port in buf (n bytes) says IFLA_BRPORT_LOCKED on. */
static bool caps_port_locked(uint8_t *buf, ssize_t n, int *err)
{
	int rem = (int)n;

	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; nlmsg_ok(h, rem);
	     h = nlmsg_next(h, &rem)) {
		struct nlattr *info, *data, *locked;
		const char *ext;

		if (h->nlmsg_type == NLMSG_ERROR) {
			if (hnl_parse_error(h, err, &ext) < 0 || *err == 0)
				*err = -EBADMSG;
			return false;
		}
		if (h->nlmsg_type != RTM_NEWLINK)
			continue;
		info = nlmsg_find_attr(h, sizeof(struct ifinfomsg), IFLA_LINKINFO);
		data = info ? nla_find(nla_data(info), nla_len(info), IFLA_INFO_SLAVE_DATA) : NULL;
		locked = data ? nla_find(nla_data(data), nla_len(data), IFLA_BRPORT_LOCKED) : NULL;
		return locked && nla_len(locked) == 1 && nla_get_u8(locked) == 1;
	}
	*err = -EBADMSG;
	return false;
}

/* Locks the probe veth's peer as a port of the probe bridge and reads it
 * back: a kernel before 5.18 ignores the unknown IFLA_BRPORT_LOCKED it is
 * sent (slave data is parsed liberally) rather than refusing it.  The peer,
 * as the macvlan probe's rx handler keeps the veth itself from a bridge. */
static int caps_try_brport_locked(int fd, uint32_t caps)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	char brname[IFNAMSIZ] = "hncap0";   /* as caps_try_link() names it */
	uint32_t br, mask = RTEXT_FILTER_SKIP_STATS;
	uint8_t on = 1, buf[16384];
	struct nlattr *info, *data;
	struct caps_msg m;
	ssize_t n;
	int r;

	brname[5] = (char)('a' + KOBJ_CAP_BRIDGE);
	br = if_nametoindex(brname);
	ifi.ifi_index = (int)if_nametoindex("hncap-peer");
	if (!(caps & 1u << KOBJ_CAP_VETH) || !(caps & 1u << KOBJ_CAP_BRIDGE) || !ifi.ifi_index ||
	    !br)
		return -EOPNOTSUPP;
	caps_start(&m, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	caps_attr(&m, IFLA_MASTER, &br, sizeof(br));
	r = caps_exchange(fd, &m);
	if (r < 0)
		return r;
	caps_start(&m, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	info = caps_nest(&m, IFLA_LINKINFO);
	caps_attr(&m, IFLA_INFO_SLAVE_KIND, "bridge", sizeof("bridge"));
	data = caps_nest(&m, IFLA_INFO_SLAVE_DATA);
	caps_attr(&m, IFLA_BRPORT_LOCKED, &on, sizeof(on));
	caps_nest_end(&m, data);
	caps_nest_end(&m, info);
	r = caps_exchange(fd, &m);
	if (r < 0)
		return r;
	caps_start(&m, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	caps_attr(&m, IFLA_EXT_MASK, &mask, sizeof(mask));
	if (send(fd, m.u.b, m.u.h.nlmsg_len, 0) < 0)
		return -errno;
	do
		n = recv(fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	r = 0;
	if (caps_port_locked(buf, n, &r))
		return 0;
	return r < 0 ? r : -EOPNOTSUPP;
}

/* Adds a rule with FRA_PROTOCOL and reads it back: kernels before 4.17 accept
 * the attribute and drop it. */
static int caps_try_rule_protocol(int fd)
{
	struct fib_rule_hdr frh = { .family = AF_INET, .action = FR_ACT_TO_TBL };
	uint32_t prio = CAPS_PRIORITY, table = CAPS_TABLE;
	uint8_t proto = KOBJ_RTPROT_HOSTNET, buf[32768];
	struct caps_msg m;
	int r;

	caps_start(&m, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &frh, sizeof(frh));
	caps_attr(&m, FRA_PRIORITY, &prio, sizeof(prio));
	caps_attr(&m, FRA_TABLE, &table, sizeof(table));
	caps_attr(&m, FRA_PROTOCOL, &proto, sizeof(proto));
	r = caps_exchange(fd, &m);
	if (r < 0)
		return r;
	frh = (struct fib_rule_hdr){ .family = AF_INET };
	caps_start(&m, RTM_GETRULE, NLM_F_DUMP, &frh, sizeof(frh));
	if (send(fd, m.u.b, m.u.h.nlmsg_len, 0) < 0)
		return -errno;
	r = -EOPNOTSUPP;
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
			struct nlattr *p, *pr;

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				return r;
			if (h->nlmsg_type != RTM_NEWRULE)
				continue;
			p = nlmsg_find_attr(h, sizeof(frh), FRA_PRIORITY);
			pr = nlmsg_find_attr(h, sizeof(frh), FRA_PROTOCOL);
			if (p && pr && nla_len(p) == 4 && nla_len(pr) == 1 &&
			    nla_get_u32(p) == CAPS_PRIORITY && nla_get_u8(pr) == KOBJ_RTPROT_HOSTNET)
				r = 0;
		}
	}
}

/* A root tbf qdisc on lo: one request, and sch_tbf is loaded on demand like
 * a link kind's module.  1 Mbit/s with a 10000-byte bucket (80 ms in 64 ns
 * ticks); the rate tables are optional since Linux 3.x. */
static int caps_try_tbf(int fd)
{
	struct tcmsg t = {
		.tcm_family = AF_UNSPEC, .tcm_ifindex = (int)if_nametoindex("lo"),
		.tcm_handle = KOBJ_QDISC_HANDLE, .tcm_parent = TC_H_ROOT,
	};
	struct tc_tbf_qopt q = {
		.rate = { .rate = 125000 }, .limit = 10000, .buffer = 1250000,
	};
	struct caps_msg m;
	struct nlattr *opts;

	caps_start(&m, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &t, sizeof(t));
	caps_attr(&m, TCA_KIND, "tbf", sizeof("tbf"));
	opts = caps_nest(&m, TCA_OPTIONS);
	caps_attr(&m, TCA_TBF_PARMS, &q, sizeof(q));
	caps_nest_end(&m, opts);
	return caps_exchange(fd, &m);
}

static struct caps_result caps_probe_here(void)
{
	/* Parents first: macvlan and vlan sit on a veth (or dummy) link. */
	static const enum kobj_cap order[] = {
		KOBJ_CAP_VETH, KOBJ_CAP_DUMMY, KOBJ_CAP_BRIDGE, KOBJ_CAP_BRIDGE_VLAN_FILTERING,
		KOBJ_CAP_MACVLAN, KOBJ_CAP_VXLAN, KOBJ_CAP_VLAN, KOBJ_CAP_VRF, KOBJ_CAP_BOND,
	};
	struct caps_result res = { 0 };
	int fd, parent, r;

	if (unshare(CLONE_NEWNET) < 0) {
		res.err = -errno;
		return res;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		res.err = -errno;
		return res;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum kobj_cap cap = order[i];

		parent = (int)if_nametoindex(res.caps & (1u << KOBJ_CAP_VETH) ? "hncapa" : "hncapi");
		r = caps_try_link(fd, cap, parent);
		if (r == -EPERM || r == -EACCES) {
			res.err = r;
			break;
		}
		/* -EOPNOTSUPP is "unknown kind"; any other failure also
		 * means we could not have one, so it counts as absent. */
		if (r == 0)
			res.caps |= 1u << cap;
	}
	if (!res.err && caps_try_brport_locked(fd, res.caps) == 0)
		res.caps |= 1u << KOBJ_CAP_BRPORT_LOCKED;
	if (!res.err && caps_try_rule_protocol(fd) == 0)
		res.caps |= 1u << KOBJ_CAP_RULE_PROTOCOL;
	if (!res.err && caps_try_tbf(fd) == 0)
		res.caps |= 1u << KOBJ_CAP_TBF;
	close(fd);
	return res;
}

int observe_caps(uint32_t *caps)
{
	struct caps_result res;
	size_t got = 0;
	int fds[2], status, r = 0;
	pid_t pid;

	*caps = 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		close(fds[0]);
		res = caps_probe_here();
		_exit(write(fds[1], &res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 1);
	}
	close(fds[1]);
	while (got < sizeof(res)) {
		ssize_t n = read(fds[0], (uint8_t *)&res + got, sizeof(res) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (got != sizeof(res) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -EIO;
	if (res.err)
		return res.err;
	*caps = res.caps;
	return r;
}
