/* diff: the observed kobj_set in name form, sorted for the walks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diff-private.h"
#include "iscsi.h"
#include "mark.h"
#include "sort.h"

static int cmp_index(const void *a, const void *b)
{
	const struct kobj_link *x = *(const struct kobj_link *const *)a;
	const struct kobj_link *y = *(const struct kobj_link *const *)b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static const char *name_of(const struct kobj_link **by_index, size_t n, int ifindex)
{
	size_t lo = 0, hi = n;

	if (!ifindex)
		return "";
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (by_index[mid]->ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && by_index[lo]->ifindex == ifindex ? by_index[lo]->name : "";
}

static void copy_name(char dst[KOBJ_IFNAMSIZ], const char *src)
{
	size_t n = src ? strnlen(src, KOBJ_IFNAMSIZ - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* A link with an IPv4 address from a DHCP client holds a lease.  o->links
 * is still in `have`'s order here. */
static void mark_leases(struct dobs *o, const struct kobj_link **idx, const struct kobj_set *have)
{
	for (size_t i = 0; i < have->n_addrs; i++) {
		const struct kobj_addr *a = &have->addrs[i];
		const struct kobj_link key = { .ifindex = a->ifindex }, *kp = &key, **hit;

		if (a->proto != KOBJ_PROTO_DHCP || a->addr.family != AF_INET)
			continue;
		hit = hn_bsearch(&kp, idx, have->n_links, sizeof(*idx), cmp_index);
		if (hit)
			o->links[*hit - have->links].dhcp4 = true;
	}
}

int dobs_build(struct dobs *out, const struct kobj_set *have)
{
	const struct kobj_link **idx = calloc(have->n_links + 1, sizeof(*idx));
	struct dobs o = { 0 };

	o.links = calloc(have->n_links + 1, sizeof(*o.links));
	o.addrs = calloc(have->n_addrs + 1, sizeof(*o.addrs));
	o.routes = calloc(have->n_routes + 1, sizeof(*o.routes));
	o.rules = calloc(have->n_rules + 1, sizeof(*o.rules));
	if (!idx || !o.links || !o.addrs || !o.routes || !o.rules) {
		free(idx);
		dobs_clear(&o);
		return -ENOMEM;
	}
	for (size_t i = 0; i < have->n_links; i++)
		idx[i] = &have->links[i];
	hn_qsort(idx, have->n_links, sizeof(*idx), cmp_index);
	for (size_t i = 0; i < have->n_links; i++) {
		const struct kobj_link *l = &have->links[i];
		struct want_link *w = &o.links[o.n_links++];

		w->l = *l;
		w->foreign = !l->owned;
		copy_name(w->master, name_of(idx, have->n_links, l->master));
		if (l->kind == KOBJ_LINK_KIND_VETH)
			copy_name(w->peer, name_of(idx, have->n_links, l->link));
		else if (l->kind == KOBJ_LINK_KIND_MACVLAN || l->kind == KOBJ_LINK_KIND_VLAN)
			copy_name(w->parent, name_of(idx, have->n_links, l->link));
		else if (l->kind == KOBJ_LINK_KIND_BOND)
			copy_name(w->primary, name_of(idx, have->n_links, l->bond_primary));
	}
	mark_leases(&o, idx, have);
	for (size_t i = 0; i < have->n_addrs; i++) {
		struct want_addr *w = &o.addrs[o.n_addrs++];

		w->a = have->addrs[i];
		copy_name(w->dev, name_of(idx, have->n_links, have->addrs[i].ifindex));
	}
	for (size_t i = 0; i < have->n_routes; i++) {
		struct want_route *w = &o.routes[o.n_routes++];

		w->r = have->routes[i];
		copy_name(w->dev, name_of(idx, have->n_links, have->routes[i].oif));
	}
	for (size_t i = 0; i < have->n_rules; i++)
		o.rules[o.n_rules++].r = have->rules[i];
	hn_qsort(o.links, o.n_links, sizeof(*o.links), want_qcmp_link);
	hn_qsort(o.addrs, o.n_addrs, sizeof(*o.addrs), want_qcmp_addr);
	hn_qsort(o.routes, o.n_routes, sizeof(*o.routes), want_qcmp_route);
	hn_qsort(o.rules, o.n_rules, sizeof(*o.rules), want_qcmp_rule);
	free(idx);
	*out = o;
	return 0;
}

void dobs_clear(struct dobs *o)
{
	free(o->links);
	free(o->addrs);
	free(o->routes);
	free(o->rules);
	*o = (struct dobs){ 0 };
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Whether a want's sorted array has an object with the key of `x` (a
 * foreign object that want adopts, or would). */
static bool adopts(const void *arr, size_t n, size_t size, int (*cmp)(const void *, const void *),
		   const void *x)
{
	return hn_bsearch(x, arr, n, size, cmp) != NULL;
}

/* What a rollback restores: the owned objects as they were, and for each
 * foreign link the profile manages, the attributes it had. */
int diff_want_from_observed(struct want *out, const struct kobj_set *have, const struct want *like)
{
	struct dobs o;
	struct want w = { 0 };
	int r = dobs_build(&o, have);

	if (r < 0)
		return r;
	w.links = calloc(o.n_links + 1, sizeof(*w.links));
	w.addrs = calloc(o.n_addrs + 1, sizeof(*w.addrs));
	w.routes = calloc(o.n_routes + 1, sizeof(*w.routes));
	w.rules = calloc(o.n_rules + 1, sizeof(*w.rules));
	w.tables = calloc(o.n_routes + (like ? like->tables_n : 0) + 1, sizeof(*w.tables));
	if (!w.links || !w.addrs || !w.routes || !w.rules || !w.tables) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < o.n_links; i++) {
		struct want_link *l = &o.links[i];
		const struct want_link *named = like ? want_link(like, l->l.name) : NULL;

		if (l->foreign && !named)
			continue;
		w.links[w.n_links] = *l;
		if (l->foreign && !named->foreign) {
			/* Adopted by `like`: its own marks and what adopting
			 * may have changed come back; the link stays. */
			w.links[w.n_links].manage = named->manage &
				(1u << WANT_ATTR_MTU | 1u << WANT_ATTR_MAC | 1u << WANT_ATTR_STATE |
				 1u << WANT_ATTR_MASTER | 1u << WANT_ATTR_MARK);
		} else if (l->foreign) {
			w.links[w.n_links].manage = named->manage;
		} else {
			w.links[w.n_links].manage = 1u << WANT_ATTR_MTU | 1u << WANT_ATTR_STATE |
						    1u << WANT_ATTR_MARK | 1u << WANT_ATTR_MASTER |
						    1u << WANT_ATTR_SHAPING;
			if (l->l.has_mac)
				w.links[w.n_links].manage |= 1u << WANT_ATTR_MAC;
			if (l->l.is_brport)
				w.links[w.n_links].manage |= 1u << WANT_ATTR_BRPORT | 1u << WANT_ATTR_FDB;
			if (l->l.has_ra)
				w.links[w.n_links].manage |= 1u << WANT_ATTR_RA;
			if (l->l.has_arp)
				w.links[w.n_links].manage |= 1u << WANT_ATTR_ARP;
			if (l->l.kind == KOBJ_LINK_KIND_BOND)
				w.links[w.n_links].manage |= 1u << WANT_ATTR_BOND;
			/* A lease is the client's to renew, not the rollback's. */
			w.links[w.n_links].dhcp4 = false;
		}
		w.n_links++;
	}
	/* What `like` adopts, as it was: a rollback gives it back its
	 * protocol and marks instead of deleting it. */
	for (size_t i = 0; i < o.n_addrs; i++)
		if (o.addrs[i].a.owned || (like && adopts(like->addrs, like->n_addrs, sizeof(*like->addrs),
							 want_qcmp_addr, &o.addrs[i])))
			w.addrs[w.n_addrs++] = o.addrs[i];
	for (size_t i = 0; i < o.n_routes; i++) {
		if (!o.routes[i].r.owned &&
		    !(like && adopts(like->routes, like->n_routes, sizeof(*like->routes), want_qcmp_route,
				     &o.routes[i])))
			continue;
		w.routes[w.n_routes++] = o.routes[i];
		w.tables[w.tables_n++] = o.routes[i].r.table;
	}
	for (size_t i = 0; i < o.n_rules; i++)
		if (o.rules[i].r.owned || (like && adopts(like->rules, like->n_rules, sizeof(*like->rules),
							 want_qcmp_rule, &o.rules[i])))
			w.rules[w.n_rules++] = o.rules[i];
	for (size_t i = 0; like && i < like->tables_n; i++)
		w.tables[w.tables_n++] = like->tables[i];
	hn_qsort(w.tables, w.tables_n, sizeof(*w.tables), cmp_u32);
	size_t n = 0;
	for (size_t i = 0; i < w.tables_n; i++)
		if (n == 0 || w.tables[n - 1] != w.tables[i])
			w.tables[n++] = w.tables[i];
	w.tables_n = (uint32_t)n;
	/* The ruleset as it was, exactly (the table is hostnet's whole). */
	if (have->fw && !(w.fw.text = strdup(have->fw))) {
		r = -ENOMEM;
		goto out;
	}
	*out = w;
	w = (struct want){ 0 };
out:
	want_clear(&w);
	dobs_clear(&o);
	return r;
}

static int find_link(const struct want *w, const char *name)
{
	const struct want_link *l = *name ? want_link(w, name) : NULL;

	return l ? (int)(l - w->links) + 1 : 0;
}

/* A want seen as a host that already has exactly it: each link gets an
 * ifindex (its position + 1), references by name become ifindexes. */
/* Devices a route names that the want has no link for (lo, for IPv6
 * unreachable routes): they exist on any host, as foreign links. */
static int add_outside_devs(struct kobj_set *s, const struct want *w)
{
	for (size_t i = 0; i < w->n_routes; i++) {
		const char *dev = w->routes[i].dev;
		struct kobj_link l = { .kind = KOBJ_LINK_KIND_DEVICE };
		int r;

		if (!*dev || find_link(w, dev) || kobj_set_link_by_name(s, dev))
			continue;
		l.ifindex = (int)s->n_links + 1;  /* after the want's own 1..n */
		memcpy(l.name, dev, sizeof(l.name));
		r = kobj_set_add_link(s, &l);
		if (r < 0)
			return r;
	}
	return 0;
}

static int outside_index(const struct kobj_set *s, const struct want *w, const char *dev)
{
	const struct kobj_link *l;
	int idx = find_link(w, dev);

	if (idx || !*dev)
		return idx;
	l = kobj_set_link_by_name(s, dev);
	return l ? l->ifindex : 0;
}

int diff_observed_from_want(struct kobj_set *out, const struct want *w)
{
	struct kobj_set s = { 0 };
	int r = 0;

	for (size_t i = 0; i < w->n_links && r == 0; i++) {
		struct kobj_link l = w->links[i].l;

		l.ifindex = (int)i + 1;
		l.owned = !w->links[i].foreign;
		l.master = find_link(w, w->links[i].master);
		l.link = find_link(w, w->links[i].peer[0] ? w->links[i].peer : w->links[i].parent);
		if (l.kind == KOBJ_LINK_KIND_BOND)
			l.bond_primary = find_link(w, w->links[i].primary);
		r = kobj_set_add_link(&s, &l);
	}
	/* A DHCP adapter of such a host holds a lease, whose address nobody
	 * knows: 0.0.0.0/32 stands for it (a plan that drops DHCP shows it
	 * going). */
	for (size_t i = 0; i < w->n_links && r == 0; i++) {
		struct kobj_addr lease = { .addr = { .family = AF_INET, .prefixlen = 32 },
					   .proto = KOBJ_PROTO_DHCP, .owned = true };

		if (!w->links[i].dhcp4)
			continue;
		lease.ifindex = (int)i + 1;
		r = kobj_set_add_addr(&s, &lease);
	}
	for (size_t i = 0; i < w->n_addrs && r == 0; i++) {
		struct kobj_addr a = w->addrs[i].a;

		a.ifindex = find_link(w, w->addrs[i].dev);
		a.owned = true;
		r = kobj_set_add_addr(&s, &a);
	}
	if (r == 0)
		r = add_outside_devs(&s, w);
	for (size_t i = 0; i < w->n_routes && r == 0; i++) {
		struct kobj_route rt = w->routes[i].r;

		rt.oif = outside_index(&s, w, w->routes[i].dev);
		rt.owned = true;
		r = kobj_set_add_route(&s, &rt);
	}
	for (size_t i = 0; i < w->n_rules && r == 0; i++) {
		struct kobj_rule ru = w->rules[i].r;

		ru.owned = true;
		r = kobj_set_add_rule(&s, &ru);
	}
	/* Its iSCSI iface records, as hostnet writes them (links by name:
	 * already sorted). */
	s.iscsi_managed = true;
	for (size_t i = 0; i < w->n_links && r == 0; i++) {
		struct kobj_iscsi rec = { { 0 }, true };

		if (!iscsi_wanted(&w->links[i]))
			continue;
		memcpy(rec.adapter, w->links[i].l.name, sizeof(rec.adapter));
		r = kobj_set_add_iscsi(&s, &rec);
	}
	if (r == 0 && w->fw.text && !(s.fw = strdup(w->fw.text)))
		r = -ENOMEM;
	if (r < 0) {
		kobj_set_clear(&s);
		return r;
	}
	*out = s;
	return 0;
}
