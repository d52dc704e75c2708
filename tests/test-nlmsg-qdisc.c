/* Traffic shaping: the root tbf qdisc requests (nlmsg-qdisc.c), the qdisc
 * parser and dump (observe-qdisc.c) and the tbf capability probe.
 *
 * Message tests parse the built requests back with libnl's parsers.
 * Namespace tests run in a private network namespace that main() unshares
 * first (as in test-observe.c): they send the requests to the kernel, observe
 * and compare, so observe(apply(x)) is pinned for the kernel's rounding.
 * Without root they are skipped, unless HOSTNET_REQUIRE_ALL=1. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "kobj.h"
#include "netns.h"
#include "nl.h"
#include "nlmsg.h"
#include "observe.h"

#define GBIT(n) ((uint64_t)(n) * 125000000u)   /* bytes per second */


/* --- message level ------------------------------------------------------ */

struct tbf_req {
	struct tcmsg t;
	uint16_t flags;
	char kind[16];
	struct tc_tbf_qopt q;
	bool has_rtab, has_ptab, has_rate64, has_prate64, has_burst;
	uint64_t rate64, prate64;
	uint32_t burst;
};

/* Parses a built RTM_NEWQDISC back: everything inside TCA_OPTIONS must be
 * covered by its length, or nla_parse_nested() would not see it. */
static struct tbf_req parse_tbf_req(struct nl_msg *m)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	struct nlattr *tb[TCA_MAX + 1], *ob[TCA_TBF_MAX + 1];
	struct tbf_req r = { 0 };

	assert_int_equal(h->nlmsg_type, RTM_NEWQDISC);
	r.flags = h->nlmsg_flags;
	assert_int_equal(nlmsg_parse(h, sizeof(struct tcmsg), tb, TCA_MAX, NULL), 0);
	memcpy(&r.t, nlmsg_data(h), sizeof(r.t));
	assert_non_null(tb[TCA_KIND]);
	nla_strlcpy(r.kind, tb[TCA_KIND], sizeof(r.kind));
	assert_non_null(tb[TCA_OPTIONS]);
	/* TCA_OPTIONS is the last attribute and ends where the message does. */
	assert_ptr_equal((char *)tb[TCA_OPTIONS] + NLA_ALIGN(tb[TCA_OPTIONS]->nla_len),
			 (char *)nlmsg_tail(h));
	assert_int_equal(nla_parse_nested(ob, TCA_TBF_MAX, tb[TCA_OPTIONS], NULL), 0);
	assert_non_null(ob[TCA_TBF_PARMS]);
	assert_int_equal(nla_len(ob[TCA_TBF_PARMS]), sizeof(r.q));
	memcpy(&r.q, nla_data(ob[TCA_TBF_PARMS]), sizeof(r.q));
	r.has_rtab = ob[TCA_TBF_RTAB] != NULL;
	r.has_ptab = ob[TCA_TBF_PTAB] != NULL;
	if ((r.has_rate64 = ob[TCA_TBF_RATE64] != NULL))
		r.rate64 = nla_get_u64(ob[TCA_TBF_RATE64]);
	if ((r.has_prate64 = ob[TCA_TBF_PRATE64] != NULL))
		r.prate64 = nla_get_u64(ob[TCA_TBF_PRATE64]);
	if ((r.has_burst = ob[TCA_TBF_BURST] != NULL))
		r.burst = nla_get_u32(ob[TCA_TBF_BURST]);
	return r;
}

static void test_shaping_is_root_tbf_with_our_handle_create_replace_and_exact_ticks(void **state)
{
	struct kobj_shaping s = { .rate = GBIT(1), .peak = GBIT(2), .burst = 100000000 };
	struct nl_msg *m;
	struct tbf_req r;

	assert_int_equal(nlmsg_qdisc_shaping(&m, 7, &s, 1500), 0);
	r = parse_tbf_req(m);
	assert_int_equal(r.flags & (NLM_F_CREATE | NLM_F_REPLACE | NLM_F_EXCL),
			 NLM_F_CREATE | NLM_F_REPLACE);
	assert_int_equal(r.t.tcm_ifindex, 7);
	assert_int_equal(r.t.tcm_parent, TC_H_ROOT);
	assert_int_equal(r.t.tcm_handle, KOBJ_QDISC_HANDLE);
	assert_string_equal(r.kind, "tbf");
	assert_int_equal(r.q.rate.rate, 125000000u);
	assert_int_equal(r.q.peakrate.rate, 250000000u);
	/* 100 MB at 125 MB/s: 0.8 s = 12500000 ticks of 64 ns. */
	assert_int_equal(r.q.buffer, 12500000u);
	/* 1514 bytes at 250 MB/s: 6056 ns = 94.6 ticks, rounded up. */
	assert_int_equal(r.q.mtu, 95u);
	/* min(50 ms at the rate + burst, 50 ms at the peak + 1514). */
	assert_int_equal(r.q.limit, 12500000u + 1514u);
	assert_true(r.has_rtab);
	assert_true(r.has_ptab);
	assert_false(r.has_rate64);
	assert_false(r.has_prate64);
	assert_false(r.has_burst);
	nlmsg_free(m);

	s = (struct kobj_shaping){ .rate = 1250000, .burst = 102400 };   /* 10 Mbit/s, 100 KB */
	assert_int_equal(nlmsg_qdisc_shaping(&m, 7, &s, 0), 0);
	r = parse_tbf_req(m);
	assert_int_equal(r.q.rate.rate, 1250000u);
	assert_int_equal(r.q.peakrate.rate, 0u);
	assert_int_equal(r.q.buffer, 1280000u);   /* 81.92 ms */
	assert_int_equal(r.q.mtu, 0u);
	assert_int_equal(r.q.limit, 62500u + 102400u);
	assert_false(r.has_ptab);
	nlmsg_free(m);
}

static void test_shaping_rates_10_to_100gbit_use_64bit_attributes_above_4gbps(void **state)
{
	static const struct {
		uint64_t rate, peak;
		bool rate64, prate64;
	} cases[] = {
		{ GBIT(10), GBIT(20), false, false },    /* 1.25 / 2.5 GB/s: above INT_MAX */
		{ GBIT(25), GBIT(40), false, true },     /* 3.125 / 5 GB/s */
		{ GBIT(40), 0, true, false },
		{ GBIT(100), GBIT(200), true, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kobj_shaping s = { .rate = cases[i].rate, .peak = cases[i].peak,
					  .burst = 100000000 };
		uint32_t ticks;
		struct nl_msg *m;
		struct tbf_req r;

		assert_int_equal(nlmsg_qdisc_shaping(&m, 3, &s, 9000), 0);
		r = parse_tbf_req(m);
		assert_int_equal(r.has_rate64, cases[i].rate64);
		assert_int_equal(r.has_prate64, cases[i].prate64);
		assert_int_equal(r.q.rate.rate, cases[i].rate64 ? UINT32_MAX : cases[i].rate);
		if (cases[i].rate64)
			assert_int_equal(r.rate64, cases[i].rate);
		if (cases[i].prate64)
			assert_int_equal(r.prate64, cases[i].peak);
		assert_int_equal(r.q.peakrate.rate,
				 cases[i].prate64 ? UINT32_MAX : cases[i].peak);
		assert_int_equal(kobj_shaping_ticks(&ticks, cases[i].rate, s.burst), 0);
		assert_int_equal(r.q.buffer, ticks);
		nlmsg_free(m);
	}
}

static void test_shaping_long_bucket_goes_as_burst_bytes(void **state)
{
	/* ESXi's defaults: 100000 Kbit/s average, 102400 KB burst: 8.4 s,
	 * more than the 2^32 ns the kernel takes as ticks. */
	struct kobj_shaping s = { .rate = 12500000, .burst = 104857600 };
	uint32_t ticks;
	struct nl_msg *m;
	struct tbf_req r;

	assert_int_equal(kobj_shaping_ticks(&ticks, s.rate, s.burst), -ERANGE);
	assert_int_equal(nlmsg_qdisc_shaping(&m, 3, &s, 1500), 0);
	r = parse_tbf_req(m);
	assert_true(r.has_burst);
	assert_int_equal(r.burst, 104857600u);
	assert_int_equal(r.q.buffer, UINT32_MAX / 64);
	nlmsg_free(m);
}

static void test_shaping_rejects_what_tbf_cannot_be(void **state)
{
	struct kobj_shaping zero_rate = { .rate = 0, .burst = 1000 };
	struct kobj_shaping zero_burst = { .rate = 1000000 };
	struct kobj_shaping peak_equal = { .rate = 1000000, .peak = 1000000, .burst = 100000 };
	struct kobj_shaping peak = { .rate = 1000000, .peak = 2000000, .burst = 100000 };
	struct nl_msg *m = NULL;

	assert_int_equal(nlmsg_qdisc_shaping(&m, 3, &zero_rate, 1500), -EINVAL);
	assert_int_equal(nlmsg_qdisc_shaping(&m, 3, &zero_burst, 1500), -EINVAL);
	assert_int_equal(nlmsg_qdisc_shaping(&m, 3, &peak_equal, 1500), -EINVAL);
	assert_int_equal(nlmsg_qdisc_shaping(&m, 3, &peak, 0), -EINVAL);   /* no mtu */
	assert_int_equal(nlmsg_qdisc_shaping(&m, 0, &peak, 1500), -EINVAL);
	assert_null(m);
}

static void test_delete_root_names_ifindex_root_and_handle(void **state)
{
	struct nl_msg *m;
	struct nlmsghdr *h;
	const struct tcmsg *t;

	assert_int_equal(nlmsg_qdisc_delete_root(&m, 9, KOBJ_QDISC_HANDLE), 0);
	h = nlmsg_hdr(m);
	assert_int_equal(h->nlmsg_type, RTM_DELQDISC);
	assert_int_equal(h->nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE), 0);
	t = nlmsg_data(h);
	assert_int_equal(t->tcm_ifindex, 9);
	assert_int_equal(t->tcm_parent, TC_H_ROOT);
	assert_int_equal(t->tcm_handle, KOBJ_QDISC_HANDLE);
	nlmsg_free(m);
	assert_int_equal(nlmsg_qdisc_delete_root(&m, 0, KOBJ_QDISC_HANDLE), -EINVAL);
}

static void test_ticks_round_up_and_bytes_round_down(void **state)
{
	uint32_t t;

	/* Below 15.6 MB/s a tick is under a byte: every burst comes back. */
	for (uint32_t b = 1500; b < 1600; b++) {
		assert_int_equal(kobj_shaping_ticks(&t, 1250000, b), 0);
		assert_int_equal(kobj_shaping_bytes(1250000, t), b);
	}
	/* At 1gbit a tick is 8 bytes: multiples of 8 come back exact, others
	 * as the tick's whole worth. */
	assert_int_equal(kobj_shaping_ticks(&t, GBIT(1), 100000000), 0);
	assert_int_equal(t, 12500000u);
	assert_int_equal(kobj_shaping_bytes(GBIT(1), t), 100000000u);
	assert_int_equal(kobj_shaping_ticks(&t, GBIT(1), 100000001), 0);
	assert_int_equal(t, 12500001u);
	assert_int_equal(kobj_shaping_bytes(GBIT(1), t), 100000008u);
	/* 100gbit without overflow: 800 bytes a tick. */
	assert_int_equal(kobj_shaping_ticks(&t, GBIT(100), 100000000), 0);
	assert_int_equal(t, 125000u);
	assert_int_equal(kobj_shaping_bytes(GBIT(100), t), 100000000u);
	assert_int_equal(kobj_shaping_bytes(GBIT(800), UINT32_MAX / 64), 429496723200ull);
	assert_int_equal(kobj_shaping_ticks(&t, 0, 1), -EINVAL);
	assert_int_equal(kobj_shaping_ticks(&t, 125000, 536871), -ERANGE);   /* > 2^32 ns */
}

static void test_shaping_equal_within_one_tick_only(void **state)
{
	struct kobj_shaping a = { .rate = GBIT(1), .peak = GBIT(2), .burst = 100000001 };
	struct kobj_shaping b = a;

	b.burst = 100000008;   /* what the kernel gives back for a */
	assert_true(kobj_shaping_equal(&a, &b));
	b.burst = 100000009;   /* one more tick */
	assert_false(kobj_shaping_equal(&a, &b));
	b.burst = 100000000;   /* one tick less */
	assert_false(kobj_shaping_equal(&a, &b));
	b = a;
	b.peak = 0;
	assert_false(kobj_shaping_equal(&a, &b));
	b = a;
	b.rate++;
	assert_false(kobj_shaping_equal(&a, &b));
	/* Long buckets: a few bytes and one tick's worth of slack. */
	a = (struct kobj_shaping){ .rate = 12500000, .burst = 104857600 };
	b = a;
	b.burst -= 3;
	assert_true(kobj_shaping_equal(&a, &b));
	b.burst -= 10;
	assert_false(kobj_shaping_equal(&a, &b));
}

/* --- the parser, fed hand-built messages --------------------------------- */

static struct nl_msg *qdisc_msg(int type, int ifindex, uint32_t handle, uint32_t parent,
				const char *kind)
{
	struct tcmsg t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex,
			   .tcm_handle = handle, .tcm_parent = parent };
	struct nl_msg *m = nlmsg_alloc_simple(type, 0);

	assert_non_null(m);
	assert_int_equal(nlmsg_append(m, &t, sizeof(t), NLMSG_ALIGNTO), 0);
	if (kind)
		assert_int_equal(nla_put_string(m, TCA_KIND, kind), 0);
	return m;
}

static void test_parse_qdisc_hand_built_tbf_foreign_default_and_skips(void **state)
{
	struct tc_tbf_qopt q = {
		.rate = { .rate = UINT32_MAX }, .peakrate = { .rate = UINT32_MAX },
		.buffer = 125000, .limit = 1000000,
	};
	struct kobj_link l;
	struct nlattr *opts;
	struct nl_msg *m;

	/* 100gbit average, 200gbit peak, 100 MB: the 64-bit rates win. */
	m = qdisc_msg(RTM_NEWQDISC, 4, KOBJ_QDISC_HANDLE, TC_H_ROOT, "tbf");
	opts = nla_nest_start(m, TCA_OPTIONS);
	assert_int_equal(nla_put(m, TCA_TBF_PARMS, sizeof(q), &q), 0);
	assert_int_equal(nla_put_u64(m, TCA_TBF_RATE64, GBIT(100)), 0);
	assert_int_equal(nla_put_u64(m, TCA_TBF_PRATE64, GBIT(200)), 0);
	nla_nest_end(m, opts);
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), 0);
	assert_int_equal(l.ifindex, 4);
	assert_string_equal(l.qdisc, "tbf");
	assert_int_equal(l.qdisc_handle, KOBJ_QDISC_HANDLE);
	assert_int_equal(l.shaping.rate, GBIT(100));
	assert_int_equal(l.shaping.peak, GBIT(200));
	assert_int_equal(l.shaping.burst, 100000000u);
	nlmsg_free(m);

	/* 32-bit rates, no peak. */
	q = (struct tc_tbf_qopt){ .rate = { .rate = 1250000 }, .buffer = 1280000 };
	m = qdisc_msg(RTM_NEWQDISC, 4, KOBJ_QDISC_HANDLE, TC_H_ROOT, "tbf");
	opts = nla_nest_start(m, TCA_OPTIONS);
	assert_int_equal(nla_put(m, TCA_TBF_PARMS, sizeof(q), &q), 0);
	nla_nest_end(m, opts);
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), 0);
	assert_int_equal(l.shaping.rate, 1250000u);
	assert_int_equal(l.shaping.peak, 0u);
	assert_int_equal(l.shaping.burst, 102400u);
	nlmsg_free(m);

	/* Someone's root qdisc: its kind and handle, no shaping. */
	m = qdisc_msg(RTM_NEWQDISC, 5, 0x10000, TC_H_ROOT, "fq_codel");
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), 0);
	assert_int_equal(l.ifindex, 5);
	assert_string_equal(l.qdisc, "fq_codel");
	assert_int_equal(l.qdisc_handle, 0x10000u);
	assert_int_equal(l.shaping.rate, 0u);
	nlmsg_free(m);

	/* The device's default (handle 0) is "". */
	m = qdisc_msg(RTM_NEWQDISC, 5, 0, TC_H_ROOT, "pfifo_fast");
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), 0);
	assert_string_equal(l.qdisc, "");
	assert_int_equal(l.qdisc_handle, 0u);
	nlmsg_free(m);

	/* Not roots: ingress / clsact, and tbf's own child. */
	m = qdisc_msg(RTM_NEWQDISC, 5, 0xffff0000u, TC_H_INGRESS, "ingress");
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), 1);
	nlmsg_free(m);
	m = qdisc_msg(RTM_NEWQDISC, 5, 0x10000, KOBJ_QDISC_HANDLE | 1, "bfifo");
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), 1);
	nlmsg_free(m);
	m = qdisc_msg(RTM_NEWLINK, 5, 0, TC_H_ROOT, "tbf");
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), 1);
	nlmsg_free(m);

	/* Malformed: no kind; tbf without its parameters. */
	m = qdisc_msg(RTM_NEWQDISC, 5, 0x10000, TC_H_ROOT, NULL);
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
	m = qdisc_msg(RTM_NEWQDISC, 5, KOBJ_QDISC_HANDLE, TC_H_ROOT, "tbf");
	assert_int_equal(observe_parse_qdisc(&l, nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
}

/* --- in a private namespace --------------------------------------------- */

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[512];
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

static int send_req(struct nl_msg *m)
{
	struct hnl *nl;
	int r;

	assert_int_equal(hnl_open(&nl), 0);
	r = hnl_request(nl, m);
	if (r < 0)
		fprintf(stderr, "# kernel: %s\n", hnl_errmsg(nl));
	hnl_close(nl);
	nlmsg_free(m);
	return r;
}

static void apply_shaping(int ifindex, const struct kobj_shaping *s, unsigned mtu)
{
	struct nl_msg *m;

	assert_int_equal(nlmsg_qdisc_shaping(&m, ifindex, s, mtu), 0);
	assert_int_equal(send_req(m), 0);
}

/* The named link as observe_all() sees it now. */
static struct kobj_link observe_link(const char *name)
{
	struct kobj_set set = { 0 };
	const struct kobj_link *l;
	struct kobj_link out;
	struct hnl *nl;
	int r;

	assert_int_equal(hnl_open(&nl), 0);
	r = observe_all(&set, nl);
	if (r < 0)
		fail_msg("observe_all: %s: %s", strerror(-r), hnl_errmsg(nl));
	hnl_close(nl);
	l = kobj_set_link_by_name(&set, name);
	assert_non_null(l);
	out = *l;
	kobj_set_clear(&set);
	return out;
}

static void setup_veth(void)
{
	/* A previous failed test may have left it. */
	if (system("ip link del hq0 2>/dev/null") == -1)
		fail_msg("system: %s", strerror(errno));
	SH("ip link add hq0 type veth peer name hq1");
}

static void test_ns_observe_returns_applied_shaping_exactly_for_typical_values(void **state)
{
	static const struct kobj_shaping cases[] = {
		{ .rate = GBIT(1), .peak = GBIT(2), .burst = 100000000 },
		{ .rate = 1250000, .burst = 102400 },                  /* 10 Mbit/s, 100 KB */
		{ .rate = GBIT(100), .burst = 100000000 },
		{ .rate = GBIT(100), .peak = GBIT(200), .burst = 125000000 },
	};
	struct kobj_link l;
	int ifindex;

	TN_NEED_NETNS();
	setup_veth();
	ifindex = (int)if_nametoindex("hq0");
	/* A veth starts with the default noqueue: "" and handle 0. */
	l = observe_link("hq0");
	assert_string_equal(l.qdisc, "");
	assert_int_equal(l.qdisc_handle, 0u);
	/* Each case replaces the previous one in place (same handle). */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		apply_shaping(ifindex, &cases[i], 1500);
		l = observe_link("hq0");
		assert_string_equal(l.qdisc, "tbf");
		assert_int_equal(l.qdisc_handle, KOBJ_QDISC_HANDLE);
		assert_int_equal(l.shaping.rate, cases[i].rate);
		assert_int_equal(l.shaping.peak, cases[i].peak);
		assert_int_equal(l.shaping.burst, cases[i].burst);
		assert_true(kobj_shaping_equal(&l.shaping, &cases[i]));
	}
	sh("ip link del hq0");
}

static void test_ns_odd_and_long_buckets_observe_equal_not_identical(void **state)
{
	static const struct kobj_shaping cases[] = {
		{ .rate = GBIT(1), .burst = 100000001 },        /* comes back 100000008 */
		{ .rate = GBIT(100), .burst = 1000001 },
		{ .rate = GBIT(10), .peak = GBIT(25), .burst = 1048576 },   /* 80 B a tick */
		{ .rate = 12500000, .burst = 104857600 },       /* ESXi default: TCA_TBF_BURST */
		{ .rate = 125000, .burst = 1000000 },           /* 8 s at 1 Mbit/s */
	};
	struct kobj_link l;
	int ifindex;

	TN_NEED_NETNS();
	setup_veth();
	ifindex = (int)if_nametoindex("hq0");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kobj_shaping other = cases[i];

		apply_shaping(ifindex, &cases[i], 1500);
		l = observe_link("hq0");
		assert_int_equal(l.shaping.rate, cases[i].rate);
		if (l.shaping.burst != cases[i].burst)
			fprintf(stderr, "# rate %llu burst %u observed as %u\n",
				(unsigned long long)cases[i].rate, cases[i].burst, l.shaping.burst);
		assert_true(kobj_shaping_equal(&l.shaping, &cases[i]));
		/* ...and not everything is equal: a burst 2 ticks off is not. */
		other.burst += (uint32_t)(2 * (cases[i].rate * 64 / 1000000000) + 8);
		assert_false(kobj_shaping_equal(&l.shaping, &other));
	}
	sh("ip link del hq0");
}

static void test_ns_foreign_root_observed_replaced_and_delete_restores_default(void **state)
{
	struct kobj_shaping s = { .rate = 1250000, .burst = 102400 };
	struct nl_msg *m;
	struct kobj_link l;
	int ifindex;

	TN_NEED_NETNS();
	setup_veth();
	ifindex = (int)if_nametoindex("hq0");
	SH("tc qdisc add dev hq0 root handle 5: pfifo limit 100");
	l = observe_link("hq0");
	assert_string_equal(l.qdisc, "pfifo");
	assert_int_equal(l.qdisc_handle, 0x50000u);
	assert_int_equal(l.shaping.rate, 0u);

	/* Deleting "our" root leaves someone else's alone. */
	assert_int_equal(nlmsg_qdisc_delete_root(&m, ifindex, KOBJ_QDISC_HANDLE), 0);
	assert_true(send_req(m) < 0);
	l = observe_link("hq0");
	assert_string_equal(l.qdisc, "pfifo");

	/* CREATE|REPLACE takes the root over. */
	apply_shaping(ifindex, &s, 1500);
	l = observe_link("hq0");
	assert_string_equal(l.qdisc, "tbf");
	assert_int_equal(l.qdisc_handle, KOBJ_QDISC_HANDLE);
	assert_true(kobj_shaping_equal(&l.shaping, &s));

	assert_int_equal(nlmsg_qdisc_delete_root(&m, ifindex, KOBJ_QDISC_HANDLE), 0);
	assert_int_equal(send_req(m), 0);
	l = observe_link("hq0");
	assert_string_equal(l.qdisc, "");
	assert_int_equal(l.qdisc_handle, 0u);
	assert_int_equal(l.shaping.rate, 0u);

	/* An ingress qdisc is not the root: still the default. */
	if (sh("tc qdisc add dev hq0 ingress 2>/dev/null") == 0) {
		l = observe_link("hq0");
		assert_string_equal(l.qdisc, "");
	}
	sh("ip link del hq0");
}

static void test_ns_caps_has_tbf_iff_tc_can_make_one(void **state)
{
	uint32_t caps;
	bool tc_can;

	TN_NEED_NETNS();
	setup_veth();
	tc_can = sh("tc qdisc add dev hq0 root tbf rate 1mbit burst 10kb latency 50ms") == 0;
	assert_int_equal(observe_caps(&caps), 0);
	assert_int_equal((caps & 1u << KOBJ_CAP_TBF) != 0, tc_can);
	sh("ip link del hq0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shaping_is_root_tbf_with_our_handle_create_replace_and_exact_ticks),
		cmocka_unit_test(test_shaping_rates_10_to_100gbit_use_64bit_attributes_above_4gbps),
		cmocka_unit_test(test_shaping_long_bucket_goes_as_burst_bytes),
		cmocka_unit_test(test_shaping_rejects_what_tbf_cannot_be),
		cmocka_unit_test(test_delete_root_names_ifindex_root_and_handle),
		cmocka_unit_test(test_ticks_round_up_and_bytes_round_down),
		cmocka_unit_test(test_shaping_equal_within_one_tick_only),
		cmocka_unit_test(test_parse_qdisc_hand_built_tbf_foreign_default_and_skips),
		cmocka_unit_test(test_ns_observe_returns_applied_shaping_exactly_for_typical_values),
		cmocka_unit_test(test_ns_odd_and_long_buckets_observe_equal_not_identical),
		cmocka_unit_test(test_ns_foreign_root_observed_replaced_and_delete_restores_default),
		cmocka_unit_test(test_ns_caps_has_tbf_iff_tc_can_make_one),
	};

	tn_enter("test-nlmsg-qdisc");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
