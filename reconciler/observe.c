#include "observe-private.h"
#include "nft.h"
#include "sort.h"
#include "iscsi.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

/* A dump the kernel flags inconsistent is retried this often: a daemon that
 * adds links in a loop could otherwise starve us, so give up eventually. */
#define OBSERVE_ATTEMPTS 5

struct observe_ctx {
	struct hnl *nl;
	struct kobj_set *set;
};

static int observe_bad(struct observe_ctx *c, const struct nlmsghdr *h, int r)
{
	return hnl_fail(c->nl, r, "malformed reply (type %u, %u bytes)",
			h->nlmsg_type, h->nlmsg_len);
}

static int on_link(struct nlmsghdr *h, void *arg)
{
	struct observe_ctx *c = arg;
	struct kobj_link l;
	int r = observe_parse_link(&l, h);

	if (r < 0)
		return observe_bad(c, h, r);
	return r ? 0 : kobj_set_add_link(c->set, &l);
}

static int on_addr(struct nlmsghdr *h, void *arg)
{
	struct observe_ctx *c = arg;
	struct kobj_addr a;
	int r = observe_parse_addr(&a, h);

	if (r < 0)
		return observe_bad(c, h, r);
	return r ? 0 : kobj_set_add_addr(c->set, &a);
}

static int on_route(struct nlmsghdr *h, void *arg)
{
	struct observe_ctx *c = arg;
	struct kobj_route rt;
	int r = observe_parse_route(&rt, h);

	if (r < 0)
		return observe_bad(c, h, r);
	return r ? 0 : kobj_set_add_route(c->set, &rt);
}

static int on_rule(struct nlmsghdr *h, void *arg)
{
	struct observe_ctx *c = arg;
	struct kobj_rule ru;
	int r = observe_parse_rule(&ru, h);

	if (r < 0)
		return observe_bad(c, h, r);
	return r ? 0 : kobj_set_add_rule(c->set, &ru);
}

/* One dump: a request of `type` whose family header (hdrlen bytes, all zero
 * but the family) starts with the family byte, as every rtnetlink header
 * does.  Links also ask the kernel to leave out statistics. */
static int observe_dump(struct observe_ctx *c, int type, uint8_t family, size_t hdrlen,
			hnl_msg_fn fn)
{
	uint8_t hdr[sizeof(struct ifinfomsg)] = { family };
	struct nl_msg *req;
	int r;

	req = nlmsg_alloc_simple(type, NLM_F_DUMP);
	if (!req)
		return hnl_fail(c->nl, -ENOMEM, "out of memory");
	r = nlmsg_append(req, hdr, hdrlen, NLMSG_ALIGNTO);
	if (r >= 0 && type == RTM_GETLINK)
		r = nla_put_u32(req, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (r < 0) {
		r = hnl_fail(c->nl, hnl_errno(r), "building a dump request: %s", nl_geterror(r));
		goto out;
	}
	r = hnl_dump(c->nl, req, fn, c);
out:
	nlmsg_free(req);
	return r < 0 ? r : 0;
}

struct observe_link_owner {
	int ifindex;
	bool owned;
};

static int owner_cmp(const void *a, const void *b)
{
	const struct observe_link_owner *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

/* An address's ownership follows its link's: join through a sorted index
 * rather than a lookup per address. */
static int observe_addr_ownership(struct observe_ctx *c)
{
	struct kobj_set *s = c->set;
	struct observe_link_owner *idx;

	if (s->n_addrs == 0)
		return 0;
	idx = malloc((s->n_links ? s->n_links : 1) * sizeof(*idx));
	if (!idx)
		return hnl_fail(c->nl, -ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n_links; i++)
		idx[i] = (struct observe_link_owner){ s->links[i].ifindex, s->links[i].owned };
	hn_qsort(idx, s->n_links, sizeof(*idx), owner_cmp);
	for (size_t i = 0; i < s->n_addrs; i++) {
		struct observe_link_owner key = { .ifindex = s->addrs[i].ifindex };
		const struct observe_link_owner *o =
			hn_bsearch(&key, idx, s->n_links, sizeof(*idx), owner_cmp);

		s->addrs[i].owned = observe_addr_owned(&s->addrs[i], o && o->owned);
	}
	free(idx);
	return 0;
}

static int observe_once(struct kobj_set *set, struct hnl *nl)
{
	struct observe_ctx c = { .nl = nl, .set = set };
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	int r;

	r = observe_dump(&c, RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg), on_link);
	if (r >= 0)
		r = observe_qdisc(set, nl);   /* joins onto the links just dumped */
	if (r >= 0)
		r = observe_fdb(set, nl);   /* joins onto the links just dumped */
	if (r >= 0)
		r = observe_brvlan(set, nl);   /* likewise */
	for (size_t i = 0; r >= 0 && i < sizeof(families); i++)
		r = observe_dump(&c, RTM_GETADDR, families[i], sizeof(struct ifaddrmsg), on_addr);
	for (size_t i = 0; r >= 0 && i < sizeof(families); i++)
		r = observe_dump(&c, RTM_GETROUTE, families[i], sizeof(struct rtmsg), on_route);
	for (size_t i = 0; r >= 0 && i < sizeof(families); i++)
		r = observe_dump(&c, RTM_GETRULE, families[i], sizeof(struct fib_rule_hdr), on_rule);
	if (r >= 0)
		r = observe_addr_ownership(&c);
	if (r == -ENOMEM && !hnl_errmsg(nl)[0])
		hnl_fail(nl, r, "out of memory");
	return r;
}

int observe_all(struct kobj_set *out, struct hnl *nl)
{
	struct kobj_set set = { 0 };
	const char *dir;
	int r = -EAGAIN;

	for (int i = 0; i < OBSERVE_ATTEMPTS && r == -EAGAIN; i++) {
		kobj_set_clear(&set);
		r = observe_once(&set, nl);
	}
	if (r < 0) {
		kobj_set_clear(&set);
		return r;
	}
	observe_managers(&set);
	/* Files, not netlink: read once, after the kernel's objects. */
	dir = iscsi_ifaces_dir();
	if (dir && (r = iscsi_observe(&set, dir)) < 0) {
		kobj_set_clear(&set);
		return r;
	}
	/* The firewall's table through libnftables.  Without access to it
	 * (no CAP_NET_ADMIN: a plain 'show'), the set says so and the
	 * differ leaves the firewall alone rather than planning it anew. */
	char err[256];

	if (hnft_list(&set.fw, err, sizeof(err)) < 0)
		set.fw_unknown = true;
	kobj_set_clear(out);
	*out = set;
	return 0;
}
