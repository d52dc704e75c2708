/* observe-brvlan: the VLANs of each bridge port (bridge VLAN filtering).
 *
 * An AF_BRIDGE RTM_GETLINK dump asked for RTEXT_FILTER_BRVLAN lists, for
 * every bridge port and every bridge (its own VLANs, IFLA_MASTER its own
 * ifindex), IFLA_MASTER and an IFLA_AF_SPEC nest with one
 * IFLA_BRIDGE_VLAN_INFO per VLAN (br_fill_ifinfo).  A kernel without
 * CONFIG_BRIDGE_VLAN_FILTERING sends no nest: those ports keep has_brvlan
 * false, and the plan refuses a portgroup VLAN there anyway. */
#include "observe-private.h"
#include "sort.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>

int observe_parse_brvlan(int *ifindex, struct kobj_brvlan *out, struct nlmsghdr *h)
{
	struct nlattr *tb[IFLA_MAX + 1], *a;
	const struct ifinfomsg *ifi;
	struct kobj_brvlan v = { 0 };
	int rem;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 1;
	if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return -EBADMSG;
	ifi = nlmsg_data(h);
	if (ifi->ifi_family != AF_BRIDGE || !tb[IFLA_MASTER] || !tb[IFLA_AF_SPEC])
		return 1;
	nla_for_each_nested(a, tb[IFLA_AF_SPEC], rem) {
		const struct bridge_vlan_info *vi;

		if (nla_type(a) != IFLA_BRIDGE_VLAN_INFO)
			continue;
		if (nla_len(a) < (int)sizeof(*vi))
			return -EBADMSG;
		vi = nla_data(a);
		/* More VLANs than a profile can ask for are kept as the
		 * lowest ones: the set still differs from the wanted one. */
		if (kobj_brvlan_add(&v, vi->vid, vi->flags & BRIDGE_VLAN_INFO_PVID) == -EINVAL)
			return -EBADMSG;
	}
	*ifindex = ifi->ifi_index;
	*out = v;
	return 0;
}

struct brvlan_port {
	int ifindex;
	size_t link;      /* position in the set's links */
};

struct brvlan_ctx {
	struct hnl *nl;
	struct kobj_set *set;
	struct brvlan_port *idx;   /* sorted by ifindex */
};

static int brvlan_port_cmp(const void *a, const void *b)
{
	const struct brvlan_port *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int on_brvlan(struct nlmsghdr *h, void *arg)
{
	struct brvlan_ctx *c = arg;
	struct brvlan_port key = { 0 };
	const struct brvlan_port *p;
	struct kobj_brvlan v;
	int r = observe_parse_brvlan(&key.ifindex, &v, h);

	if (r < 0)
		return hnl_fail(c->nl, r, "malformed reply (type %u, %u bytes)",
				h->nlmsg_type, h->nlmsg_len);
	if (r)
		return 0;
	p = hn_bsearch(&key, c->idx, c->set->n_links, sizeof(*c->idx), brvlan_port_cmp);
	if (!p)
		return 0;   /* a port that came after the link dump */
	c->set->links[p->link].has_brvlan = true;
	c->set->links[p->link].brvlan = v;
	return 0;
}

int observe_brvlan(struct kobj_set *set, struct hnl *nl)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE };
	struct brvlan_ctx c = { .nl = nl, .set = set };
	struct nl_msg *req = NULL;
	int r;

	for (size_t i = 0; i < set->n_links; i++) {
		set->links[i].has_brvlan = false;
		set->links[i].brvlan = (struct kobj_brvlan){ 0 };
	}
	c.idx = malloc((set->n_links ? set->n_links : 1) * sizeof(*c.idx));
	req = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
	if (!c.idx || !req) {
		r = hnl_fail(nl, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < set->n_links; i++)
		c.idx[i] = (struct brvlan_port){ set->links[i].ifindex, i };
	hn_qsort(c.idx, set->n_links, sizeof(*c.idx), brvlan_port_cmp);
	r = nlmsg_append(req, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	if (r >= 0)
		r = nla_put_u32(req, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN);
	if (r < 0) {
		r = hnl_fail(nl, hnl_errno(r), "building a dump request: %s", nl_geterror(r));
		goto out;
	}
	r = hnl_dump(nl, req, on_brvlan, &c);
out:
	nlmsg_free(req);
	free(c.idx);
	return r < 0 ? r : 0;
}
