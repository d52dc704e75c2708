/* observe-fdb: the static entries of each bridge port's forwarding database.
 *
 * An AF_BRIDGE RTM_GETNEIGH dump lists, for every device, two sorts of entry:
 *  - the bridge's own FDB (br_fdb_dump): ndm_flags 0 (NTF_MASTER is never
 *    set in a dump) and an NDA_MASTER attribute naming the bridge; the state
 *    tells them apart: NUD_NOARP for `bridge fdb add MAC dev P master static`
 *    (BR_FDB_STATIC), NUD_PERMANENT for local entries (the ports' own MACs
 *    and `... master permanent`, the iproute2 default; they are
 *    BR_FDB_LOCAL), NUD_REACHABLE / NUD_STALE for learned ones (also
 *    NTF_EXT_LEARNED for extern_learn);
 *  - the device's own address lists (ndo_dflt_fdb_dump): NTF_SELF,
 *    NUD_PERMANENT, no NDA_MASTER.
 * Only the first sort with NUD_NOARP and without NUD_PERMANENT is what
 * hostnet manages (nlmsg_fdb_static()), and what it counts. */
#include "observe-private.h"
#include "sort.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

static struct nla_policy fdb_policy[NDA_MAX + 1] = {
	[NDA_MASTER] = { .type = NLA_U32 },
};

int observe_parse_fdb(struct observe_fdb *out, struct nlmsghdr *h)
{
	struct nlattr *tb[NDA_MAX + 1];
	const struct ndmsg *ndm;
	struct observe_fdb e = { 0 };

	if (h->nlmsg_type != RTM_NEWNEIGH)
		return 1;
	if (nlmsg_parse(h, sizeof(*ndm), tb, NDA_MAX, fdb_policy) < 0)
		return -EBADMSG;
	ndm = nlmsg_data(h);
	if (ndm->ndm_family != AF_BRIDGE || (ndm->ndm_flags & NTF_SELF) || !tb[NDA_MASTER])
		return 1;
	if (!(ndm->ndm_state & NUD_NOARP) || (ndm->ndm_state & NUD_PERMANENT))
		return 1;
	/* An entry without a port belongs to the bridge device itself. */
	if (ndm->ndm_ifindex == (int)nla_get_u32(tb[NDA_MASTER]))
		return 1;
	if (!tb[NDA_LLADDR] || nla_len(tb[NDA_LLADDR]) != (int)sizeof(e.mac.b))
		return -EBADMSG;
	e.ifindex = ndm->ndm_ifindex;
	memcpy(e.mac.b, nla_data(tb[NDA_LLADDR]), sizeof(e.mac.b));
	*out = e;
	return 0;
}

struct fdb_port {
	int ifindex;
	size_t link;      /* position in the set's links */
};

struct fdb_ctx {
	struct hnl *nl;
	struct kobj_set *set;
	struct fdb_port *idx;   /* sorted by ifindex */
};

static int fdb_port_cmp(const void *a, const void *b)
{
	const struct fdb_port *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int on_fdb(struct nlmsghdr *h, void *arg)
{
	struct fdb_ctx *c = arg;
	struct observe_fdb e;
	struct fdb_port key;
	const struct fdb_port *p;
	struct kobj_link *l;
	int r = observe_parse_fdb(&e, h);

	if (r < 0)
		return hnl_fail(c->nl, r, "malformed reply (type %u, %u bytes)",
				h->nlmsg_type, h->nlmsg_len);
	if (r)
		return 0;
	key.ifindex = e.ifindex;
	p = hn_bsearch(&key, c->idx, c->set->n_links, sizeof(*c->idx), fdb_port_cmp);
	if (!p)
		return 0;   /* a port that came after the link dump */
	l = &c->set->links[p->link];
	if (l->n_fdb == 0 || memcmp(e.mac.b, l->fdb.b, sizeof(e.mac.b)) < 0)
		l->fdb = e.mac;
	if (l->n_fdb < UINT8_MAX)
		l->n_fdb++;
	return 0;
}

int observe_fdb(struct kobj_set *set, struct hnl *nl)
{
	struct ndmsg ndm = { .ndm_family = AF_BRIDGE };
	struct fdb_ctx c = { .nl = nl, .set = set };
	struct nl_msg *req = NULL;
	int r;

	for (size_t i = 0; i < set->n_links; i++) {
		set->links[i].n_fdb = 0;
		set->links[i].fdb = (struct hn_mac){ { 0 } };
	}
	c.idx = malloc((set->n_links ? set->n_links : 1) * sizeof(*c.idx));
	req = nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_DUMP);
	if (!c.idx || !req) {
		r = hnl_fail(nl, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < set->n_links; i++)
		c.idx[i] = (struct fdb_port){ set->links[i].ifindex, i };
	hn_qsort(c.idx, set->n_links, sizeof(*c.idx), fdb_port_cmp);
	r = nlmsg_append(req, &ndm, sizeof(ndm), NLMSG_ALIGNTO);
	if (r < 0) {
		r = hnl_fail(nl, hnl_errno(r), "building a dump request: %s", nl_geterror(r));
		goto out;
	}
	r = hnl_dump(nl, req, on_fdb, &c);
out:
	nlmsg_free(req);
	free(c.idx);
	return r < 0 ? r : 0;
}
