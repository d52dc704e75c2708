#include "apply.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi.h"
#include "nl.h"
#include "nft.h"
#include "nlmsg.h"
#include "plan.h"
#include "sysctl.h"

struct ax {
	struct hnl *nl;
	const struct diff *d;
	const struct apply_opts *o;
	struct apply_result *res;
	struct hnl_batch *batch;
	size_t *batch_action;      /* batch request index -> action index */
	size_t batch_cap;
	char dev[IF_NAMESIZE];     /* net_run: the last interface looked up */
	int dev_idx;
};

static int fail(struct ax *x, size_t i, int err, const char *kernel)
{
	char desc[400];

	plan_describe(x->d, &x->d->v[i], desc, sizeof(desc));
	x->res->failed = i + 1;
	x->res->error = err;
	snprintf(x->res->msg, sizeof(x->res->msg), "%s %s: %s%s%s%s", diff_op_name(x->d->v[i].op),
		 desc, strerror(-err), kernel && *kernel ? " (kernel: " : "",
		 kernel && *kernel ? kernel : "", kernel && *kernel ? ")" : "");
	return err;
}

static int ifindex_of(const char *name)
{
	return name && *name ? (int)if_nametoindex(name) : 0;
}

/* One ACKed request; the message is consumed. */
static int send1(struct ax *x, struct nl_msg *m)
{
	int r = hnl_request(x->nl, m);

	nlmsg_free(m);
	x->res->requests++;
	return r;
}


/* One request of link_settings(): built (r is the builder's result), sent. */
static int settings_send(struct ax *x, size_t i, struct nl_msg **m, int r)
{
	if (r < 0 || (r = send1(x, *m)) < 0)
		return fail(x, i, r, hnl_errmsg(x->nl));
	return 0;
}

/* Shaping, port security, RAs and bonds: `from` is the link as observed
 * (NULL for a new one). */
static int link_settings(struct ax *x, size_t i, int idx, const struct want_link *l, uint32_t attrs,
			 const struct want_link *from)
{
	struct nl_msg *m = NULL;
	int r = 0;

	/* A new port has Linux's defaults already; saying so again would fail
	 * on kernels without IFLA_BRPORT_LOCKED. */
	if (!from && l->l.brport == KOBJ_BRPORT_DEFAULTS)
		attrs &= ~(1u << WANT_ATTR_BRPORT);
	if (attrs & 1u << WANT_ATTR_BRPORT)
		r = settings_send(x, i, &m, nlmsg_brport_flags(&m, idx, l->l.brport));
	if (r == 0 && (attrs & 1u << WANT_ATTR_FDB) && from && from->l.n_fdb)
		r = settings_send(x, i, &m, nlmsg_fdb_flush_static(&m, idx));
	if (r == 0 && (attrs & 1u << WANT_ATTR_FDB) && l->l.n_fdb)
		r = settings_send(x, i, &m, nlmsg_fdb_static(&m, true, idx, &l->l.fdb));
	if (r == 0 && (attrs & 1u << WANT_ATTR_SHAPING) && l->l.qdisc[0])
		r = settings_send(x, i, &m, nlmsg_qdisc_shaping(&m, idx, &l->l.shaping, l->l.mtu));
	else if (r == 0 && (attrs & 1u << WANT_ATTR_SHAPING) && from && from->l.qdisc[0])
		r = settings_send(x, i, &m, nlmsg_qdisc_delete_root(&m, idx, from->l.qdisc_handle));
	if (r == 0 && (attrs & 1u << WANT_ATTR_BOND))
		r = settings_send(x, i, &m, nlmsg_bond_settings(&m, idx,
				   l->l.bond_mode == KOBJ_BOND_ACTIVE_BACKUP ? ifindex_of(l->primary) : -1,
				   &l->l.bond_mon));
	if (r == 0 && (attrs & 1u << WANT_ATTR_RA) && l->l.has_ra) {
		r = sysctl_ipv6_ra_set(l->l.name, l->l.accept_ra, l->l.autoconf, l->l.accept_ra_defrtr);
		/* No IPv6 in this kernel (ipv6.disable=1): nothing to turn off. */
		if (r == -ENOENT && !l->l.accept_ra && !l->l.autoconf)
			r = 0;
		if (r < 0)
			return fail(x, i, r, "writing /proc/sys/net/ipv6/conf");
	}
	if (r == 0 && (attrs & 1u << WANT_ATTR_ARP) && l->l.has_arp) {
		r = sysctl_ipv4_arp_set(l->l.name, l->l.arp_ignore, l->l.arp_announce, l->l.rp_filter);
		if (r < 0)
			return fail(x, i, r, "writing /proc/sys/net/ipv4/conf");
	}
	return r;
}

/* Whether the plan makes `name` a bond: a bond takes no member that is up.
 * A scan of the plan: callers ask only for uplinks (the only links a
 * profile puts in a bond), never once per adapter port. */
static bool is_bond(const struct ax *x, const char *name)
{
	for (size_t k = 0; k < x->d->n; k++) {
		const struct want_link *l = diff_action_to_link(x->d, &x->d->v[k]);

		if (l && strcmp(l->l.name, name) == 0)
			return l->l.kind == KOBJ_LINK_KIND_BOND;
	}
	return false;
}

static int link_attrs(struct ax *x, size_t i, const struct want_link *l, uint32_t attrs,
		      const struct want_link *from)
{
	struct nl_msg *m;
	int idx = ifindex_of(l->l.name), master = 0, r;

	if (!idx)
		return fail(x, i, -ENODEV, "the link vanished");
	attrs &= ~(1u << WANT_ATTR_STATE);
	if (attrs & 1u << WANT_ATTR_MASTER) {
		master = ifindex_of(l->master);
		if (l->master[0] && !master)
			return fail(x, i, -ENODEV, "its master does not exist");
		if (master && l->foreign && is_bond(x, l->master)) {
			r = nlmsg_link_state(&m, idx, false);
			if (r < 0 || (r = send1(x, m)) < 0)
				return fail(x, i, r, hnl_errmsg(x->nl));
		}
	}
	if (attrs) {
		r = nlmsg_link_set(&m, idx, l, attrs, master);
		if (r < 0 || (r = send1(x, m)) < 0)
			return fail(x, i, r, hnl_errmsg(x->nl));
	}
	/* Add first, then remove the rest: the port is never without its
	 * PVID in between, and removing the default VLAN 1 comes last. */
	if ((attrs & 1u << WANT_ATTR_BRVLAN) && l->l.has_brvlan) {
		for (int del = 0; del < 2; del++) {
			r = nlmsg_bridge_vlans(&m, idx, &l->l.brvlan, del,
					       l->l.kind == KOBJ_LINK_KIND_BRIDGE);
			if (r < 0 || (r = send1(x, m)) < 0)
				return fail(x, i, r, hnl_errmsg(x->nl));
		}
	}
	return link_settings(x, i, idx, l, attrs, from);
}

static int link_state(struct ax *x, size_t i, const struct want_link *l)
{
	struct nl_msg *m;
	int r = nlmsg_link_state(&m, ifindex_of(l->l.name), l->l.admin_up);

	if (r < 0 || (r = send1(x, m)) < 0)
		return fail(x, i, r, hnl_errmsg(x->nl));
	return 0;
}

static int link_create(struct ax *x, size_t i)
{
	const struct want_link *l = diff_action_to_link(x->d, &x->d->v[i]);
	struct nl_msg *m;
	int r;

	if (!l)
		return fail(x, i, -EINVAL, NULL);

	/* The second end of a veth pair was made with the first. */
	if (!ifindex_of(l->l.name)) {
		int parent = l->parent[0] ? ifindex_of(l->parent) : 0;

		if (l->parent[0] && !parent)
			return fail(x, i, -ENODEV, "its uplink does not exist");
		r = nlmsg_link_create(&m, l, parent);
		if (r < 0 || (r = send1(x, m)) < 0)
			return fail(x, i, r, hnl_errmsg(x->nl));
	}
	r = link_attrs(x, i, l, l->manage, NULL);
	if (r < 0)
		return r;
	return l->l.admin_up ? link_state(x, i, l) : 0;
}

static int link_modify(struct ax *x, size_t i)
{
	const struct diff_action *a = &x->d->v[i];
	const struct want_link *to = diff_action_to_link(x->d, a);
	int r;

	if (!to)
		return fail(x, i, -EINVAL, NULL);
	r = link_attrs(x, i, to, a->changed, diff_action_from_link(x->d, a));
	if (r < 0 || !(a->changed & 1u << WANT_ATTR_STATE))
		return r;
	return link_state(x, i, to);
}

/* Moves each link of the run [i, j) to the doomed group, then deletes the
 * group with one request. */
static int link_delete_run(struct ax *x, size_t i, size_t j)
{
	struct nl_msg *m;
	bool any = false;
	int r;

	for (size_t k = i; k < j; k++) {
		const struct want_link *l = diff_action_from_link(x->d, &x->d->v[k]);
		int idx = l ? ifindex_of(l->l.name) : 0;

		if (!idx)
			continue;  /* went with its veth peer */
		r = nlmsg_link_group(&m, idx, NLMSG_DOOM_GROUP);
		if (r < 0 || (r = send1(x, m)) < 0) {
			if (hnl_gone(r))
				continue;
			return fail(x, k, r, hnl_errmsg(x->nl));
		}
		any = true;
	}
	if (!any)
		return 0;
	r = nlmsg_link_delete_group(&m, NLMSG_DOOM_GROUP);
	if (r < 0 || (r = send1(x, m)) < 0)
		return fail(x, i, r, hnl_errmsg(x->nl));
	return 0;
}

/* Within one net_run no link changes, so the last lookup can be reused:
 * if_nametoindex() costs a socket, an ioctl and a close. */
static int net_ifindex(struct ax *x, const char *name)
{
	if (!name || !*name)
		return 0;
	if (x->dev_idx && strcmp(x->dev, name) == 0)
		return x->dev_idx;
	x->dev_idx = ifindex_of(name);
	snprintf(x->dev, sizeof(x->dev), "%s", name);
	return x->dev_idx;
}

static int build_net(struct ax *x, size_t i, struct nl_msg **m)
{
	const struct diff_action *a = &x->d->v[i];
	bool add = a->op != DIFF_OP_DELETE;

	switch (a->obj) {
	case DIFF_OBJ_ADDR: {
		const struct want_addr *w = diff_action_addr(x->d, a);
		int idx = w ? net_ifindex(x, w->dev) : 0;

		if (!w)
			return -EINVAL;
		if (!idx)
			return add ? -ENODEV : -ENOENT;
		if (a->op == DIFF_OP_ADOPT || a->op == DIFF_OP_MODIFY)
			return nlmsg_addr_mark(m, w, diff_action_from_addr(x->d, a), idx);
		return nlmsg_addr(m, add, w, idx);
	}
	case DIFF_OBJ_ROUTE: {
		const struct want_route *w = diff_action_route(x->d, a);
		int idx = w ? net_ifindex(x, w->dev) : 0;

		if (!w)
			return -EINVAL;
		if (w->dev[0] && !idx)
			return add ? -ENODEV : -ENOENT;
		return nlmsg_route(m, add, a->op == DIFF_OP_MODIFY || a->op == DIFF_OP_ADOPT, w, idx);
	}
	case DIFF_OBJ_RULE: {
		const struct want_rule *w = diff_action_rule(x->d, a);

		return w ? nlmsg_rule(m, add, w) : -EINVAL;
	}
	case DIFF_OBJ_LINK:
	case DIFF_OBJ_ISCSI:
	case DIFF_OBJ_FIREWALL:
	case DIFF_OBJ__MAX:
		break;
	}
	return -EINVAL;
}

/* Addresses, rules and routes of [i, j) in one batch. */
static int net_run(struct ax *x, size_t i, size_t j)
{
	const struct hnl_batch_error *errs;
	struct hnl_batch_stats st;
	size_t n_errs, first = (size_t)-1;
	int r;

	/* Up to two requests an action (a rule changing protocol). */
	if (2 * (j - i) > x->batch_cap) {
		size_t *v = realloc(x->batch_action, 2 * (j - i) * sizeof(*v));

		if (!v)
			return fail(x, i, -ENOMEM, NULL);
		x->batch_action = v;
		x->batch_cap = 2 * (j - i);
	}
	x->dev_idx = 0;
	for (size_t k = i; k < j; k++) {
		struct nl_msg *m = NULL;
		int idx;

		r = build_net(x, k, &m);
		if (r == -ENOENT && x->d->v[k].op == DIFF_OP_DELETE)
			continue;  /* its link is gone, and it with it */
		if (r < 0)
			return fail(x, k, r, r == -ENODEV ? "its interface does not exist" : NULL);
		idx = hnl_batch_add(x->batch, nlmsg_hdr(m));
		nlmsg_free(m);
		if (idx < 0)
			return fail(x, k, idx, NULL);
		x->batch_action[idx] = k;
		/* A rule changes protocol as two requests: the new one is in
		 * before the old one goes (the batch keeps their order). */
		if (x->d->v[k].obj == DIFF_OBJ_RULE && x->d->v[k].op != DIFF_OP_CREATE &&
		    x->d->v[k].op != DIFF_OP_DELETE) {
			const struct want_rule *old = diff_action_from_rule(x->d, &x->d->v[k]);

			r = old ? nlmsg_rule(&m, false, old) : -EINVAL;
			if (r < 0)
				return fail(x, k, r, NULL);
			idx = hnl_batch_add(x->batch, nlmsg_hdr(m));
			nlmsg_free(m);
			if (idx < 0)
				return fail(x, k, idx, NULL);
			x->batch_action[idx] = k;
		}
	}
	if (hnl_batch_count(x->batch) == 0)
		return 0;
	r = hnl_batch_commit(x->batch, x->nl);
	hnl_batch_stats(x->batch, &st);
	x->res->requests += st.requests;
	if (r < 0)
		return fail(x, i, r, hnl_errmsg(x->nl));
	errs = hnl_batch_errors(x->batch, &n_errs);
	for (size_t e = 0; e < n_errs; e++) {
		size_t k = x->batch_action[errs[e].index];

		if (x->d->v[k].op == DIFF_OP_DELETE && hnl_gone(errs[e].error))
			continue;
		if (first == (size_t)-1) {
			first = k;
			fail(x, k, errs[e].error, errs[e].msg);
		}
	}
	return first == (size_t)-1 ? 0 : x->res->error;
}

static bool batchable(const struct diff_action *a)
{
	return a->obj != DIFF_OBJ_LINK && a->obj != DIFF_OBJ_ISCSI && a->obj != DIFF_OBJ_FIREWALL;
}

/* An open-iscsi iface record: a file, written whole or removed. */
static int iscsi_run(struct ax *x, size_t i)
{
	const struct diff_action *a = &x->d->v[i];
	const struct want_link *l = diff_action_iscsi(x->d, a);
	const char *dir = iscsi_ifaces_dir();
	char msg[512];
	int r;

	if (!l || !dir)
		return fail(x, i, -EINVAL, "no iSCSI iface directory");
	r = a->op == DIFF_OP_DELETE ? iscsi_remove(dir, l->l.name, msg, sizeof(msg))
				    : iscsi_write(dir, l->l.name, msg, sizeof(msg));
	return r < 0 ? fail(x, i, r, msg) : 0;
}

/* Table inet hostnet replaced (or deleted) whole, in one nftables
 * transaction: never half a ruleset. */
static int fw_run(struct ax *x, size_t i)
{
	const struct diff_action *a = &x->d->v[i];
	const struct want_fw *f = a->op == DIFF_OP_DELETE ? NULL : diff_action_to_fw(x->d, a);
	char err[400];
	int r;

	if (a->op != DIFF_OP_DELETE && (!f || !f->text))
		return fail(x, i, -EINVAL, NULL);
	r = hnft_replace(f ? f->text : NULL, err, sizeof(err));
	x->res->requests++;
	return r < 0 ? fail(x, i, r, err) : 0;
}

/* The end of the run starting at i: same step, same kind of execution, and
 * not past a test's failure point (so a crash lands between actions). */
static size_t run_end(const struct ax *x, size_t i)
{
	const struct diff_action *a = &x->d->v[i];
	size_t j = i + 1;

	if (a->obj == DIFF_OBJ_ISCSI || a->obj == DIFF_OBJ_FIREWALL || (!batchable(a) && a->op != DIFF_OP_DELETE))
		return j;
	while (j < x->d->n && x->d->v[j].step == a->step && x->d->v[j].obj == a->obj &&
	       x->d->v[j].op == a->op &&
	       (!x->o || ((!x->o->fail_before || j + 1 != x->o->fail_before) &&
			  (!x->o->kill_before || j + 1 != x->o->kill_before))))
		j++;
	return j;
}

int apply_diff(struct hnl *nl, const struct diff *d, const struct apply_opts *opts,
	       struct apply_result *res)
{
	struct ax x = { .nl = nl, .d = d, .o = opts, .res = res };
	int r = 0;

	memset(res, 0, sizeof(*res));
	r = hnl_batch_new(&x.batch);
	if (r < 0)
		return r;
	for (size_t i = 0; i < d->n && r == 0;) {
		const struct diff_action *a = &d->v[i];
		size_t j = run_end(&x, i);

		if (opts && opts->kill_before == i + 1)
			raise(SIGKILL);
		if (opts && opts->fail_before == i + 1) {
			r = fail(&x, i, -(opts->fail_errno ? opts->fail_errno : EIO),
				 "injected failure (HOSTNET_TEST_FAIL_BEFORE)");
			break;
		}
		if (a->obj == DIFF_OBJ_ISCSI)
			r = iscsi_run(&x, i);
		else if (a->obj == DIFF_OBJ_FIREWALL)
			r = fw_run(&x, i);
		else if (batchable(a))
			r = net_run(&x, i, j);
		else if (a->op == DIFF_OP_DELETE)
			r = link_delete_run(&x, i, j);
		else if (a->op == DIFF_OP_CREATE)
			r = link_create(&x, i);
		else
			r = link_modify(&x, i);
		if (r == 0)
			res->done = j;
		i = j;
	}
	hnl_batch_free(x.batch);
	free(x.batch_action);
	return r;
}
