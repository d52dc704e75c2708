/* observe-qdisc: a link's root qdisc, and tbf's shaping read back as bytes. */
#include "observe-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "nlmsg.h"
#include "sort.h"

static struct nla_policy qdisc_policy[TCA_MAX + 1] = {
	[TCA_KIND] = { .type = NLA_STRING },
	[TCA_OPTIONS] = { .type = NLA_NESTED },
};

static struct nla_policy tbf_policy[TCA_TBF_MAX + 1] = {
	[TCA_TBF_PARMS] = { .minlen = sizeof(struct tc_tbf_qopt) },
	[TCA_TBF_RATE64] = { .type = NLA_U64 },
	[TCA_TBF_PRATE64] = { .type = NLA_U64 },
};

/* The kernel reports rates of 4 GB/s and more as ~0U in the ratespec and
 * the real value in TCA_TBF_RATE64 / PRATE64. */
static int qdisc_parse_tbf(struct kobj_shaping *s, struct nlattr *opts)
{
	struct nlattr *tb[TCA_TBF_MAX + 1];
	struct tc_tbf_qopt q;
	uint64_t burst;

	if (nla_parse_nested(tb, TCA_TBF_MAX, opts, tbf_policy) < 0 || !tb[TCA_TBF_PARMS])
		return -EBADMSG;
	memcpy(&q, nla_data(tb[TCA_TBF_PARMS]), sizeof(q));
	s->rate = tb[TCA_TBF_RATE64] ? nla_get_u64(tb[TCA_TBF_RATE64]) : q.rate.rate;
	s->peak = tb[TCA_TBF_PRATE64] ? nla_get_u64(tb[TCA_TBF_PRATE64]) : q.peakrate.rate;
	burst = kobj_shaping_bytes(s->rate, q.buffer);
	s->burst = burst > UINT32_MAX ? UINT32_MAX : (uint32_t)burst;
	return 0;
}

int observe_parse_qdisc(struct kobj_link *out, struct nlmsghdr *h)
{
	struct nlattr *tb[TCA_MAX + 1];
	const struct tcmsg *t;
	struct kobj_link l = { .kind = KOBJ_LINK_KIND_DEVICE };
	int r;

	if (h->nlmsg_type != RTM_NEWQDISC)
		return 1;
	if (nlmsg_parse(h, sizeof(*t), tb, TCA_MAX, qdisc_policy) < 0 || !tb[TCA_KIND])
		return -EBADMSG;
	t = nlmsg_data(h);
	/* ingress / clsact and the qdiscs under a classful root do not say
	 * how the link sends. */
	if (t->tcm_parent != TC_H_ROOT)
		return 1;
	l.ifindex = t->tcm_ifindex;
	l.qdisc_handle = t->tcm_handle;
	/* Handle 0 is the device's default (noqueue, pfifo_fast, mq, or
	 * whatever net.core.default_qdisc says): nobody configured it. */
	if (t->tcm_handle == 0) {
		*out = l;
		return 0;
	}
	observe_copy_str(l.qdisc, sizeof(l.qdisc), tb[TCA_KIND]);
	if (strcmp(l.qdisc, "tbf") == 0) {
		if (!tb[TCA_OPTIONS])
			return -EBADMSG;
		if ((r = qdisc_parse_tbf(&l.shaping, tb[TCA_OPTIONS])) < 0)
			return r;
	}
	*out = l;
	return 0;
}

/* Where each link sits in set->links, sorted by ifindex: a qdisc finds its
 * link by bsearch rather than a scan per message. */
struct qdisc_link_pos {
	int ifindex;
	size_t pos;
};

struct qdisc_ctx {
	struct hnl *nl;
	struct kobj_set *set;
	struct qdisc_link_pos *idx;
};

static int qdisc_pos_cmp(const void *a, const void *b)
{
	const struct qdisc_link_pos *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int on_qdisc(struct nlmsghdr *h, void *arg)
{
	struct qdisc_ctx *c = arg;
	struct qdisc_link_pos key;
	const struct qdisc_link_pos *p;
	struct kobj_link q, *l;
	int r = observe_parse_qdisc(&q, h);

	if (r < 0)
		return hnl_fail(c->nl, r, "malformed qdisc (type %u, %u bytes)", h->nlmsg_type,
				h->nlmsg_len);
	if (r > 0)
		return 0;
	key.ifindex = q.ifindex;
	/* A link created after the link dump has no entry: skip its qdisc. */
	p = hn_bsearch(&key, c->idx, c->set->n_links, sizeof(*c->idx), qdisc_pos_cmp);
	if (!p)
		return 0;
	l = &c->set->links[p->pos];
	memcpy(l->qdisc, q.qdisc, sizeof(l->qdisc));
	l->qdisc_handle = q.qdisc_handle;
	l->shaping = q.shaping;
	return 0;
}

int observe_qdisc(struct kobj_set *set, struct hnl *nl)
{
	struct tcmsg t = { .tcm_family = AF_UNSPEC };
	struct qdisc_ctx c = { .nl = nl, .set = set };
	struct nl_msg *req = NULL;
	int r;

	if (set->n_links == 0)
		return 0;
	c.idx = malloc(set->n_links * sizeof(*c.idx));
	req = nlmsg_alloc_simple(RTM_GETQDISC, NLM_F_DUMP);
	if (!c.idx || !req) {
		r = hnl_fail(nl, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < set->n_links; i++)
		c.idx[i] = (struct qdisc_link_pos){ set->links[i].ifindex, i };
	hn_qsort(c.idx, set->n_links, sizeof(*c.idx), qdisc_pos_cmp);
	r = nlmsg_append(req, &t, sizeof(t), NLMSG_ALIGNTO);
	if (r < 0) {
		r = hnl_fail(nl, hnl_errno(r), "building a qdisc dump: %s", nl_geterror(r));
		goto out;
	}
	r = hnl_dump(nl, req, on_qdisc, &c);
out:
	nlmsg_free(req);
	free(c.idx);
	return r < 0 ? r : 0;
}
