/* diff: links, and the ordering of all actions. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff-private.h"
#include "mark.h"
#include "sort.h"

static const char *const op_names[DIFF_OP__MAX] = {
	[DIFF_OP_CREATE] = "create",
	[DIFF_OP_MODIFY] = "modify",
	[DIFF_OP_DELETE] = "delete",
	[DIFF_OP_ADOPT] = "adopt",
};

static const char *const obj_names[DIFF_OBJ__MAX] = {
	[DIFF_OBJ_LINK] = "link",
	[DIFF_OBJ_ADDR] = "address",
	[DIFF_OBJ_ROUTE] = "route",
	[DIFF_OBJ_RULE] = "rule",
	[DIFF_OBJ_ISCSI] = "iscsi-iface",
	[DIFF_OBJ_FIREWALL] = "firewall",
};

const char *diff_op_name(enum diff_op op)
{
	return op < DIFF_OP__MAX ? op_names[op] : "?";
}

const char *diff_obj_name(enum diff_obj obj)
{
	return obj < DIFF_OBJ__MAX ? obj_names[obj] : "?";
}

struct diff_action *dctx_add(struct dctx *c, enum diff_op op, enum diff_obj obj,
			     enum diff_step step, int order, const void *to, const void *from)
{
	struct diff_action *a;

	if (c->d->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct dorder *o = realloc(c->orders, cap * sizeof(*o));

		if (!o) {
			c->oom = true;
			return NULL;
		}
		c->orders = o;
		c->cap = cap;
	}
	a = diff_push(c->d, op, obj, step, to, from);
	if (!a) {
		c->oom = true;
		return NULL;
	}
	c->orders[c->d->n - 1] = (struct dorder){ order, c->seq++ };
	return a;
}

/* Uplinks first, then bridges and VRFs, bridge ports, adapters: the order
 * in which MTUs can grow. */
static int layer(const struct want_link *l)
{
	struct mark m;

	if (l->foreign)
		return 0;
	if (l->l.kind == KOBJ_LINK_KIND_BRIDGE || l->l.kind == KOBJ_LINK_KIND_VRF ||
	    l->l.kind == KOBJ_LINK_KIND_BOND)
		return 1;
	if (mark_parse(&m, l->l.alias) == 0 && m.role == MARK_ROLE_PORT)
		return 2;
	return 3;
}

static bool same_qdisc(const struct kobj_link *w, const struct kobj_link *o)
{
	if (strcmp(w->qdisc, o->qdisc) != 0)
		return false;
	return !w->qdisc[0] ||
	       (w->qdisc_handle == o->qdisc_handle && kobj_shaping_equal(&w->shaping, &o->shaping));
}

/* The adapter settings of issue #7: shaping, port security, RAs, bonds and
 * the DHCP lease. */
static uint32_t changed_settings(const struct want_link *w, const struct want_link *o)
{
	uint32_t ch = 0;

	if ((w->manage & 1u << WANT_ATTR_SHAPING) && !same_qdisc(&w->l, &o->l))
		ch |= 1u << WANT_ATTR_SHAPING;
	if ((w->manage & 1u << WANT_ATTR_BRPORT) && (!o->l.is_brport || w->l.brport != o->l.brport))
		ch |= 1u << WANT_ATTR_BRPORT;
	if ((w->manage & 1u << WANT_ATTR_FDB) &&
	    (w->l.n_fdb != o->l.n_fdb ||
	     (w->l.n_fdb && memcmp(&w->l.fdb, &o->l.fdb, sizeof(w->l.fdb)) != 0)))
		ch |= 1u << WANT_ATTR_FDB;
	/* No IPv6 on the link (disabled, or a snapshot from before hostnet
	 * read it) leaves nothing to set. */
	if ((w->manage & 1u << WANT_ATTR_RA) && o->l.has_ra &&
	    (w->l.accept_ra != o->l.accept_ra || w->l.autoconf != o->l.autoconf ||
	     w->l.accept_ra_defrtr != o->l.accept_ra_defrtr))
		ch |= 1u << WANT_ATTR_RA;
	if ((w->manage & 1u << WANT_ATTR_ARP) && o->l.has_arp &&
	    (w->l.arp_ignore != o->l.arp_ignore || w->l.arp_announce != o->l.arp_announce ||
	     w->l.rp_filter != o->l.rp_filter))
		ch |= 1u << WANT_ATTR_ARP;
	if ((w->manage & 1u << WANT_ATTR_BOND) &&
	    (strcmp(w->primary, o->primary) != 0 || !kobj_bond_mon_equal(&w->l.bond_mon, &o->l.bond_mon)))
		ch |= 1u << WANT_ATTR_BOND;
	if ((w->manage & 1u << WANT_ATTR_DHCP) && w->dhcp4 && !o->dhcp4)
		ch |= 1u << WANT_ATTR_DHCP;
	/* Only where the profile puts VLANs: elsewhere the bridge's default
	 * PVID 1 is not hostnet's to keep. */
	if ((w->manage & 1u << WANT_ATTR_BRVLAN) && w->l.has_brvlan &&
	    (!o->l.has_brvlan || !kobj_brvlan_equal(&w->l.brvlan, &o->l.brvlan)))
		ch |= 1u << WANT_ATTR_BRVLAN;
	return ch;
}

static uint32_t changed_attrs(const struct want_link *w, const struct want_link *o)
{
	uint32_t ch = 0;

	if ((w->manage & 1u << WANT_ATTR_MTU) && w->l.mtu && w->l.mtu != o->l.mtu)
		ch |= 1u << WANT_ATTR_MTU;
	if ((w->manage & 1u << WANT_ATTR_MAC) &&
	    (!o->l.has_mac || memcmp(&w->l.mac, &o->l.mac, sizeof(w->l.mac)) != 0))
		ch |= 1u << WANT_ATTR_MAC;
	if ((w->manage & 1u << WANT_ATTR_STATE) && w->l.admin_up != o->l.admin_up)
		ch |= 1u << WANT_ATTR_STATE;
	if ((w->manage & 1u << WANT_ATTR_MASTER) && strcmp(w->master, o->master) != 0)
		ch |= 1u << WANT_ATTR_MASTER;
	if ((w->manage & 1u << WANT_ATTR_MARK) &&
	    (w->l.group != o->l.group || strcmp(w->l.alias, o->l.alias) != 0))
		ch |= 1u << WANT_ATTR_MARK;
	return ch | changed_settings(w, o);
}

/* The kernel object itself must be recreated when its kind or its fixed
 * parts (veth peer, macvlan parent, VRF table) differ. */
static bool needs_replace(const struct want_link *w, const struct want_link *o)
{
	if (w->foreign)
		return false;
	if (w->l.kind != o->l.kind)
		return true;
	if (w->l.kind == KOBJ_LINK_KIND_VETH && w->peer[0] && strcmp(w->peer, o->peer) != 0)
		return true;
	if (w->l.kind == KOBJ_LINK_KIND_MACVLAN && strcmp(w->parent, o->parent) != 0)
		return true;
	if (w->l.kind == KOBJ_LINK_KIND_VLAN &&
	    (strcmp(w->parent, o->parent) != 0 || w->l.vlan_id != o->l.vlan_id))
		return true;
	if (w->l.kind == KOBJ_LINK_KIND_BOND && w->l.bond_mode != o->l.bond_mode)
		return true;
	return w->l.kind == KOBJ_LINK_KIND_VRF && w->l.vrf_table != o->l.vrf_table;
}

static void link_delete(struct dctx *c, const struct want_link *o)
{
	int lay = layer(o);

	dctx_add(c, DIFF_OP_DELETE, DIFF_OBJ_LINK, lay == 1 ? DIFF_STEP_DEL_BRIDGE : DIFF_STEP_DEL_ADAPTER,
		 0, NULL, o);
}

static void link_create(struct dctx *c, const struct want_link *w, bool replace)
{
	int lay = layer(w);
	struct diff_action *a = dctx_add(c, DIFF_OP_CREATE, DIFF_OBJ_LINK,
					 lay == 1 ? DIFF_STEP_NEW_BRIDGE : DIFF_STEP_NEW_ADAPTER,
					 lay, w, NULL);

	if (a)
		a->replace = replace;
}

static void link_modify(struct dctx *c, const struct want_link *w, const struct want_link *o,
			uint32_t changed)
{
	bool shrink = (changed & 1u << WANT_ATTR_MTU) && w->l.mtu < o->l.mtu;
	int lay = layer(w);
	struct diff_action *a = dctx_add(c, DIFF_OP_MODIFY, DIFF_OBJ_LINK,
					 shrink ? DIFF_STEP_MOD_LINK_SHRINK :
					 w->foreign ? DIFF_STEP_MOD_UPLINK : DIFF_STEP_MOD_LINK,
					 shrink ? -lay : lay, w, o);

	if (a)
		a->changed = changed;
}

__attribute__((format(printf, 4, 5)))
static void conflict(struct dctx *c, int err, const struct hn_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(c->diags, DIAG_SEVERITY_ERROR, loc && loc->file ? loc : NULL, fmt, ap);
	va_end(ap);
	if (!c->err)
		c->err = err;
}

static void note_replaced(struct dctx *c, const char *name)
{
	char (*v)[KOBJ_IFNAMSIZ] = realloc(c->replaced, (c->n_replaced + 1) * sizeof(*v));

	if (!v) {
		c->oom = true;
		return;
	}
	c->replaced = v;
	memcpy(v[c->n_replaced++], name, KOBJ_IFNAMSIZ);
}

static bool is_replaced(const struct dctx *c, const char *name)
{
	for (size_t i = 0; i < c->n_replaced; i++)
		if (strcmp(c->replaced[i], name) == 0)
			return true;
	return false;
}

/* A link deleted and created again takes its addresses and routes with it
 * and lets go of its bridge ports: the plan must show them coming back,
 * not find them "already there" in what was observed before. */
static void forget_replaced(struct dctx *c, const struct want *w, struct dobs *o)
{
	size_t k = 0;

	for (size_t i = 0; i < o->n_addrs; i++)
		if (!is_replaced(c, o->addrs[i].dev))
			o->addrs[k++] = o->addrs[i];
	o->n_addrs = k;
	k = 0;
	for (size_t i = 0; i < o->n_routes; i++)
		if (!is_replaced(c, o->routes[i].dev))
			o->routes[k++] = o->routes[i];
	o->n_routes = k;
	for (size_t i = 0; i < w->n_links; i++) {
		const struct want_link *wl = &w->links[i];
		struct diff_action *a = NULL;

		if (!wl->master[0] || !is_replaced(c, wl->master) || is_replaced(c, wl->l.name) ||
		    !(wl->manage & 1u << WANT_ATTR_MASTER))
			continue;
		for (size_t j = 0; j < c->d->n && !a; j++)
			if (c->d->v[j].obj == DIFF_OBJ_LINK && c->d->v[j].op != DIFF_OP_DELETE &&
			    strcmp(diff_action_to_link(c->d, &c->d->v[j])->l.name, wl->l.name) == 0)
				a = &c->d->v[j];
		if (a) {
			a->changed |= 1u << WANT_ATTR_MASTER;
			continue;
		}
		for (size_t j = 0; j < o->n_links; j++)
			if (strcmp(o->links[j].l.name, wl->l.name) == 0) {
				struct want_link gone = o->links[j];

				gone.master[0] = '\0';  /* released when its bridge went */
				link_modify(c, wl, &gone, 1u << WANT_ATTR_MASTER);
				break;
			}
	}
}

static const struct want_link *obs_link(const struct dobs *o, const char *name)
{
	struct want_link key;

	memcpy(key.l.name, name, sizeof(key.l.name));
	return hn_bsearch(&key, o->links, o->n_links, sizeof(*o->links), want_qcmp_link);
}

/* A foreign link can be adopted when it already is the object the profile
 * describes: same kind and fixed parts (needs_replace() says no), and for a
 * veth adapter, a peer that exists and is a port of the right bridge (else
 * adopting would rewire it).  Then only marks and managed attributes change,
 * in place.  Otherwise `why` says what differs. */
static bool adoptable(const struct want *w, const struct dobs *o, const struct want_link *wl,
		      const struct want_link *ol, char *why, size_t size)
{
	if (wl->l.kind != ol->l.kind) {
		snprintf(why, size, "it is a %s, not a %s", kobj_link_kind_name(ol->l.kind),
			 kobj_link_kind_name(wl->l.kind));
		return false;
	}
	if (needs_replace(wl, ol)) {
		if (wl->l.kind == KOBJ_LINK_KIND_VETH)
			snprintf(why, size, "its peer is '%s', not '%s'", ol->peer[0] ? ol->peer : "-",
				 wl->peer);
		else if (wl->l.kind == KOBJ_LINK_KIND_MACVLAN || wl->l.kind == KOBJ_LINK_KIND_VLAN)
			snprintf(why, size, "it is on '%s'%s, not on '%s'", ol->parent[0] ? ol->parent : "-",
				 wl->l.kind == KOBJ_LINK_KIND_VLAN && wl->l.vlan_id != ol->l.vlan_id
				 ? " with another VLAN id" : "", wl->parent);
		else
			snprintf(why, size, "its %s differs", wl->l.kind == KOBJ_LINK_KIND_VRF ? "table"
				 : "bond mode");
		return false;
	}
	if (wl->l.kind == KOBJ_LINK_KIND_VETH && wl->peer[0]) {
		const struct want_link *wp = want_link(w, wl->peer), *op = obs_link(o, wl->peer);

		if (!wp || !op || strcmp(wp->master, op->master) != 0) {
			snprintf(why, size, "its peer '%s' is not a port of '%s'", wl->peer,
				 wp ? wp->master : "-");
			return false;
		}
	}
	return true;
}

static void link_adopt(struct dctx *c, const struct want_link *w, const struct want_link *o)
{
	struct diff_action *a = dctx_add(c, DIFF_OP_ADOPT, DIFF_OBJ_LINK, DIFF_STEP_MOD_LINK,
					 layer(w), w, o);
	char (*v)[KOBJ_IFNAMSIZ];

	if (!a)
		return;
	a->changed = changed_attrs(w, o) | 1u << WANT_ATTR_MARK;
	v = realloc(c->adopted, (c->n_adopted + 1) * sizeof(*v));
	if (!v) {
		c->oom = true;
		return;
	}
	c->adopted = v;
	memcpy(v[c->n_adopted++], w->l.name, KOBJ_IFNAMSIZ);
}

bool dctx_adopted(const struct dctx *c, const char *name)
{
	for (size_t i = 0; i < c->n_adopted; i++)
		if (strcmp(c->adopted[i], name) == 0)
			return true;
	return false;
}

static void diff_links(struct dctx *c, const struct want *w, const struct dobs *o)
{
	size_t i = 0, j = 0;

	while (i < w->n_links || j < o->n_links) {
		int cmp = i == w->n_links ? 1 : j == o->n_links ? -1
			: strcmp(w->links[i].l.name, o->links[j].l.name);

		if (cmp < 0) {
			const struct want_link *wl = &w->links[i++];

			if (wl->foreign)
				conflict(c, -ENODEV, &wl->loc, "uplink '%s' does not exist on this host",
					 wl->l.name);
			else
				link_create(c, wl, false);
		} else if (cmp > 0) {
			const struct want_link *ol = &o->links[j++];

			if (!ol->foreign)
				link_delete(c, ol);
		} else {
			const struct want_link *wl = &w->links[i++], *ol = &o->links[j++];
			uint32_t ch;

			if (!wl->foreign && ol->foreign) {
				char why[160];

				if (adoptable(w, o, wl, ol, why, sizeof(why))) {
					link_adopt(c, wl, ol);
					continue;
				}
				conflict(c, -EEXIST, &wl->loc, "interface '%s' exists, is not "
					 "hostnet's (it has no hostnet marks) and cannot be adopted: %s; "
					 "rename or remove it", wl->l.name, why);
				continue;
			}
			if (needs_replace(wl, ol)) {
				link_delete(c, ol);
				link_create(c, wl, true);
				note_replaced(c, wl->l.name);
				continue;
			}
			ch = changed_attrs(wl, ol);
			if (ch)
				link_modify(c, wl, ol, ch);
		}
	}
}

/* The link an action changes: its own, or an address's device. */
static const char *changed_link(const struct diff *d, const struct diff_action *a)
{
	if (a->obj == DIFF_OBJ_LINK)
		return diff_action_link(d, a)->l.name;
	if (a->obj == DIFF_OBJ_ADDR)
		return diff_action_addr(d, a)->dev;
	return NULL;
}

/* Another network manager's links are its own: hostnet changes none of
 * them, adopted or not (two managers of one link undo each other). */
static void refuse_managed(struct dctx *c, const struct dobs *o)
{
	char (*seen)[KOBJ_IFNAMSIZ] = NULL;
	size_t n_seen = 0;

	for (size_t i = 0; i < c->d->n; i++) {
		const struct diff_action *a = &c->d->v[i];
		const char *name = changed_link(c->d, a);
		const struct want_link *ol = name ? obs_link(o, name) : NULL;
		const char *mgr;
		bool dup = false;

		if (!ol || !ol->l.manager)
			continue;
		for (size_t k = 0; k < n_seen && !dup; k++)
			dup = strcmp(seen[k], name) == 0;
		if (dup)
			continue;
		char (*v)[KOBJ_IFNAMSIZ] = realloc(seen, (n_seen + 1) * sizeof(*v));

		if (!v) {
			c->oom = true;
			break;
		}
		seen = v;
		memcpy(seen[n_seen++], ol->l.name, KOBJ_IFNAMSIZ);
		mgr = kobj_manager_name(ol->l.manager);
		conflict(c, -EBUSY, diff_action_loc(c->d, a), "interface '%s' is managed by %s; hostnet "
			 "will not change it (to %s it, not even with --adopt): first take it out of %s's "
			 "configuration", ol->l.name, mgr, diff_op_name(a->op), mgr);
	}
	free(seen);
}

/* Sorts actions by (step, order, seq) through an index, since qsort has no
 * context argument in C11. */
struct dsort {
	enum diff_step step;
	int order;
	size_t seq;
	size_t pos;
};

static int cmp_dsort(const void *a, const void *b)
{
	const struct dsort *x = a, *y = b;

	if (x->step != y->step)
		return x->step < y->step ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int sort_actions(struct diff *d, const struct dorder *orders)
{
	struct dsort *s = calloc(d->n + 1, sizeof(*s));
	struct diff_action *v = calloc(d->n + 1, sizeof(*v));

	if (!s || !v) {
		free(s);
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->n; i++)
		s[i] = (struct dsort){ d->v[i].step, orders[i].order, orders[i].seq, i };
	hn_qsort(s, d->n, sizeof(*s), cmp_dsort);
	for (size_t i = 0; i < d->n; i++)
		v[i] = d->v[s[i].pos];
	free(d->v);
	d->v = v;
	d->cap = d->n + 1;
	free(s);
	return 0;
}

int diff_compute(struct diff *out, const struct want *want, const struct kobj_set *have,
		 struct diag_list *diags)
{
	struct dctx c = { .d = out, .diags = diags };
	struct dobs o;
	int r;

	*out = (struct diff){ .want = want };
	r = dobs_build(&o, have);
	if (r < 0)
		return r;
	diff_links(&c, want, &o);
	if (c.n_replaced)
		forget_replaced(&c, want, &o);
	diff_addrs(&c, want, &o);
	diff_routes(&c, want, &o);
	diff_rules(&c, want, &o);
	if (!c.oom)
		refuse_managed(&c, &o);
	diff_iscsi(&c, want, have);
	diff_firewall(&c, want, have);
	dobs_clear(&o);
	if (c.oom)
		r = -ENOMEM;
	else if (c.err)
		r = c.err;
	else
		r = sort_actions(out, c.orders);
	free(c.orders);
	free(c.replaced);
	free(c.adopted);
	if (r < 0) {
		diff_clear(out);
		return r;
	}
	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i].op == DIFF_OP_CREATE)
			out->n_create++;
		else if (out->v[i].op == DIFF_OP_MODIFY)
			out->n_modify++;
		else if (out->v[i].op == DIFF_OP_ADOPT)
			out->n_adopt++;
		else
			out->n_delete++;
	}
	return 0;
}
