/* nlmsg-qdisc: the root tbf qdisc that shapes an adapter's egress, built with
 * libnl-route's qdisc API.
 *
 * libnl's tbf setters take rates as int bytes per second and keep the bucket
 * as whole microseconds, so a 100gbit rate or a bucket at 1gbit (8 bytes per
 * microsecond) cannot be said through them.  libnl builds the message (header,
 * kind, rate tables); the fields it cannot express are then rewritten in its
 * TCA_TBF_PARMS, and rates of 4 GB/s and more get TCA_TBF_RATE64 /
 * TCA_TBF_PRATE64 appended to TCA_OPTIONS, as `tc` sends them.
 *
 * The bucket goes as exact ticks in TCA_TBF_PARMS.buffer, which the kernel
 * keeps as sent, so it reads back as the same ticks.  Only a bucket longer
 * than the kernel takes there (2^32 ns, e.g. ESXi's default 100 MB at
 * 100 Mbit/s) is sent in bytes as TCA_TBF_BURST, which the kernel turns into
 * time with its fixed-point rate (psched_l2t_ns()): slightly less exact,
 * see kobj_shaping_equal(). */
#include "nlmsg.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

/* The kernel keeps tbf's buckets as time in psched ticks of 64 ns
 * (PSCHED_SHIFT 6) and caps each at ~0U nanoseconds. */
#define QDISC_TICK_NS    64u
#define QDISC_MAX_NS     UINT32_MAX
#define QDISC_NS_PER_SEC 1000000000ull
/* How long a packet may wait in the queue, as in the common
 * `tc qdisc add ... tbf ... latency 50ms`: the limit (bytes queued) follows
 * from it and the rate, so the queue never holds more than 50 ms of traffic
 * beyond the burst whatever the rate, where a fixed byte limit would be a
 * few microseconds at 100gbit or seconds at 10 Mbit/s. */
#define QDISC_LATENCY_NS 50000000ull
#define QDISC_ETH_HLEN   14u

static int clamp_int(uint64_t v)
{
	return v > INT_MAX ? INT_MAX : (int)v;
}

static uint32_t clamp_u32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Rewrites TCA_TBF_PARMS with the exact values and appends the 64-bit
 * rates.  TCA_OPTIONS is the last attribute libnl puts, so attributes added
 * at the message's end land inside it once its length is grown. */
static int tbf_fixup(struct nl_msg *m, const struct kobj_shaping *s, uint32_t limit,
		     uint32_t buffer, uint32_t mtu, bool long_bucket)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct nlattr *opts = nlmsg_find_attr(h, sizeof(struct tcmsg), TCA_OPTIONS);
	struct nlattr *parms;
	struct tc_tbf_qopt q;
	size_t off;
	int r = 0;

	if (!opts || (char *)opts + NLA_ALIGN(opts->nla_len) != (char *)nlmsg_tail(h))
		return -NLE_INVAL;
	parms = nla_find(nla_data(opts), nla_len(opts), TCA_TBF_PARMS);
	if (!parms || nla_len(parms) < (int)sizeof(q))
		return -NLE_INVAL;
	memcpy(&q, nla_data(parms), sizeof(q));
	q.rate.rate = clamp_u32(s->rate);
	q.peakrate.rate = clamp_u32(s->peak);
	q.limit = limit;
	q.buffer = buffer;
	q.mtu = mtu;
	memcpy(nla_data(parms), &q, sizeof(q));

	off = (size_t)((char *)opts - (char *)h);
	if (s->rate > UINT32_MAX)
		r = nla_put_u64(m, TCA_TBF_RATE64, s->rate);
	if (r >= 0 && s->peak > UINT32_MAX)
		r = nla_put_u64(m, TCA_TBF_PRATE64, s->peak);
	if (r >= 0 && long_bucket)
		r = nla_put_u32(m, TCA_TBF_BURST, s->burst);
	if (r < 0)
		return r;
	h = nlmsg_hdr(m);
	opts = (struct nlattr *)((char *)h + off);
	opts->nla_len = (uint16_t)((char *)nlmsg_tail(h) - (char *)opts);
	return 0;
}

/* The rate table's cell size for a bucket of `frame` bytes, as tc picks it:
 * the smallest power of two that puts the frame in the table's 256 slots.
 * (libnl refuses a zero cell for the peak rate.) */
static int rtab_cell(unsigned frame)
{
	int cell = 1;

	while (frame / (unsigned)cell > 255)
		cell <<= 1;
	return cell;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

int nlmsg_qdisc_shaping(struct nl_msg **out, int ifindex, const struct kobj_shaping *s,
			unsigned mtu)
{
	struct rtnl_qdisc *q = NULL;
	struct nl_msg *m = NULL;
	uint32_t buffer, pbuffer = 0;
	uint64_t limit;
	bool long_bucket = false;
	int r;

	/* The kernel refuses a peak at or below the rate; a peak bucket needs
	 * the frame size it must pass whole. */
	if (ifindex <= 0 || s->rate == 0 || s->burst == 0 ||
	    (s->peak && (s->peak <= s->rate || mtu == 0)))
		return -EINVAL;
	r = kobj_shaping_ticks(&buffer, s->rate, s->burst);
	if (r == -ERANGE) {
		long_bucket = true;
		buffer = QDISC_MAX_NS / QDISC_TICK_NS;
	} else if (r < 0) {
		return -EINVAL;
	}
	if (s->peak && kobj_shaping_ticks(&pbuffer, s->peak, (uint64_t)mtu + QDISC_ETH_HLEN) < 0)
		return -EINVAL;
	/* Like tc: the time's worth at each rate plus that rate's bucket, and
	 * the smaller of the two when there is a peak. */
	limit = sat_add(s->rate / (QDISC_NS_PER_SEC / QDISC_LATENCY_NS), s->burst);
	if (s->peak) {
		uint64_t plimit = sat_add(s->peak / (QDISC_NS_PER_SEC / QDISC_LATENCY_NS),
					  (uint64_t)mtu + QDISC_ETH_HLEN);

		if (plimit < limit)
			limit = plimit;
	}

	if (!(q = rtnl_qdisc_alloc()))
		return -ENOMEM;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	rtnl_tc_set_handle(TC_CAST(q), KOBJ_QDISC_HANDLE);
	r = rtnl_tc_set_kind(TC_CAST(q), "tbf");
	if (r >= 0) {
		rtnl_qdisc_tbf_set_limit(q, clamp_int(limit));
		rtnl_qdisc_tbf_set_rate(q, clamp_int(s->rate), clamp_int(s->burst), 0);
		if (s->peak)
			r = rtnl_qdisc_tbf_set_peakrate(q, clamp_int(s->peak),
							(int)(mtu + QDISC_ETH_HLEN),
							rtab_cell(mtu + QDISC_ETH_HLEN));
	}
	/* REPLACE as well as CREATE: whatever root qdisc is there (a device
	 * default, someone's fq_codel, our own tbf) gives way to this one. */
	if (r >= 0)
		r = rtnl_qdisc_build_add_request(q, NLM_F_CREATE | NLM_F_REPLACE, &m);
	if (r >= 0)
		r = tbf_fixup(m, s, clamp_u32(limit), buffer, pbuffer, long_bucket);
	rtnl_qdisc_put(q);
	if (r < 0) {
		nlmsg_free(m);
		return r == -NLE_NOMEM ? -ENOMEM : -EINVAL;
	}
	*out = m;
	return 0;
}

int nlmsg_qdisc_delete_root(struct nl_msg **out, int ifindex, uint32_t handle)
{
	struct rtnl_qdisc *q;
	struct nl_msg *m = NULL;
	int r;

	if (ifindex <= 0)
		return -EINVAL;
	if (!(q = rtnl_qdisc_alloc()))
		return -ENOMEM;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	rtnl_tc_set_handle(TC_CAST(q), handle);
	r = rtnl_qdisc_build_delete_request(q, &m);
	rtnl_qdisc_put(q);
	if (r < 0) {
		nlmsg_free(m);
		return r == -NLE_NOMEM ? -ENOMEM : -EINVAL;
	}
	*out = m;
	return 0;
}
