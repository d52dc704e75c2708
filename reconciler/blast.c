/* blast: which services a planned action disturbs (blast.h). */
#include "blast.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "mark.h"
#include "realize.h"

struct named {
	char name[KOBJ_IFNAMSIZ];
	uint32_t services;
};

struct tabled {
	uint32_t table;
	uint32_t services;
};

struct blast {
	const struct diff *d;
	const struct want *w;
	/* Adapters as the host has them (link actions' observed side), by name. */
	struct named *seen;
	size_t n_seen;
	/* Links the diff creates: nothing runs over them yet. */
	struct named *created;
	size_t n_created;
	/* Every adapter with services that exists: what services_of() reads
	 * (one binary search per action, no alias parsed again). */
	struct named *all;
	size_t n_all;
	/* Stack tables and the services of the adapters on them. */
	struct tabled *tables;
	size_t n_tables;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* By the desired state: an adapter's mark, or the in-place adapter's
 * services on a switch's bridge or a NIC (realize.h). */
static uint32_t mark_services(const struct want_link *l, char *stack)
{
	char st[KOBJ_IFNAMSIZ];
	uint32_t s;

	if (!l)
		return 0;
	s = want_link_services(l, st);
	if (s && stack)
		memcpy(stack, st, KOBJ_IFNAMSIZ);
	return s;
}

static int add_named(struct named **v, size_t *n, const char *name, uint32_t services)
{
	struct named *p = realloc(*v, (*n + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	*v = p;
	memset(&p[*n], 0, sizeof(*p));
	snprintf(p[*n].name, KOBJ_IFNAMSIZ, "%s", name);
	p[(*n)++].services = services;
	return 0;
}

static const struct named *find_named(const struct named *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].name, name);

		if (c == 0)
			return &v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The services adapter `name` carries now, or is to carry if it exists
 * already (one the diff creates carries nothing yet). */
static uint32_t services_of(const struct blast *b, const char *name)
{
	const struct named *hit = find_named(b->all, b->n_all, name);

	return hit ? hit->services : 0;
}

/* b->all: the observed adapters (seen), and the profile's adapters but
 * those the diff creates from nothing, merged by name. */
static int build_all(struct blast *b)
{
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < b->n_seen && r == 0; i++)
		r = add_named(&b->all, &b->n_all, b->seen[i].name, b->seen[i].services);
	for (size_t i = 0; b->w && i < b->w->n_links && r == 0; i++) {
		const char *name = b->w->links[i].l.name;
		uint32_t s = mark_services(&b->w->links[i], NULL);

		if (s && (!find_named(b->created, b->n_created, name) ||
			  find_named(b->seen, b->n_seen, name)))
			r = add_named(&b->all, &b->n_all, name, s);
	}
	if (r < 0 || !b->n_all)
		return r;
	qsort(b->all, b->n_all, sizeof(*b->all), cmp_named);
	for (size_t i = 1; i < b->n_all; i++) {
		if (strcmp(b->all[n].name, b->all[i].name) == 0)
			b->all[n].services |= b->all[i].services;
		else
			b->all[++n] = b->all[i];
	}
	b->n_all = n + 1;
	return 0;
}


static uint32_t services_in_table(const struct blast *b, uint32_t table)
{
	uint32_t s = 0;

	for (size_t i = 0; i < b->n_tables; i++)
		if (b->tables[i].table == table)
			s |= b->tables[i].services;
	return s;
}

static int add_table(struct blast *b, uint32_t table, uint32_t services)
{
	struct tabled *v;

	for (size_t i = 0; i < b->n_tables; i++)
		if (b->tables[i].table == table) {
			b->tables[i].services |= services;
			return 0;
		}
	v = realloc(b->tables, (b->n_tables + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->tables = v;
	b->tables[b->n_tables++] = (struct tabled){ table, services };
	return 0;
}

struct blast *blast_new(const struct diff *d)
{
	struct blast *b = calloc(1, sizeof(*b));
	const struct want *w = diff_want(d);
	int r = 0;

	if (!b)
		return NULL;
	b->d = d;
	b->w = w;
	for (size_t i = 0; r == 0 && i < d->n; i++) {
		const struct diff_action *a = &d->v[i];
		const struct want_link *from, *to;
		uint32_t s;

		if (a->obj != DIFF_OBJ_LINK)
			continue;
		if (a->op == DIFF_OP_CREATE && (to = diff_action_to_link(d, a)))
			r = add_named(&b->created, &b->n_created, to->l.name, 0);
		else if ((from = diff_action_from_link(d, a)) && (s = mark_services(from, NULL)))
			r = add_named(&b->seen, &b->n_seen, from->l.name, s);
	}
	if (r < 0)
		goto oom;
	if (b->n_seen)
		qsort(b->seen, b->n_seen, sizeof(*b->seen), cmp_named);
	if (b->n_created)
		qsort(b->created, b->n_created, sizeof(*b->created), cmp_named);
	if ((r = build_all(b)) < 0)
		goto oom;
	/* A table stack's adapters have "oif <adapter> lookup T" rules; a VRF
	 * stack's are enslaved to the VRF bound to T; the default stack's
	 * table is main. */
	for (size_t i = 0; w && r == 0 && i < w->n_rules; i++)
		if (w->rules[i].r.oif[0])
			r = add_table(b, w->rules[i].r.table, services_of(b, w->rules[i].r.oif));
	for (size_t i = 0; w && r == 0 && i < w->n_links; i++) {
		const struct want_link *l = &w->links[i], *m;
		char stack[KOBJ_IFNAMSIZ] = "";
		uint32_t s = mark_services(l, stack);

		if (!s)
			continue;
		m = l->master[0] ? want_link(w, l->master) : NULL;
		if (m && m->l.kind == KOBJ_LINK_KIND_VRF)
			r = add_table(b, m->l.vrf_table, s);
		else if (!stack[0] || strcmp(stack, PROFILE_DEFAULT_STACK) == 0)
			r = add_table(b, PROFILE_MAIN_TABLE, s);
	}
	if (r == 0)
		return b;
oom:
	blast_free(b);
	return NULL;
}

uint32_t blast_adapter(const struct blast *b, const char *name)
{
	return services_of(b, name);
}

void blast_free(struct blast *b)
{
	if (!b)
		return;
	free(b->seen);
	free(b->created);
	free(b->all);
	free(b->tables);
	free(b);
}

static const char *master_of(const struct blast *b, const char *name)
{
	const struct want_link *l = b->w && name[0] ? want_link(b->w, name) : NULL;

	return l ? l->master : "";
}

static bool eq(const char *a, const char *b)
{
	return a[0] && b[0] && strcmp(a, b) == 0;
}

/* Whether link `l` (with master `lm`) is adapter `a` or lies under it: its
 * VRF, macvlan parent, bridge-side port, the port's switch, an uplink or
 * bond of that switch, or an uplink of that bond. */
static bool under(const struct blast *b, const struct want_link *a, const char *l, const char *lm)
{
	const char *bridge = a->peer[0] ? master_of(b, a->peer) : "";

	if (eq(l, a->l.name) || eq(l, a->master) || eq(l, a->parent) || eq(l, a->peer) ||
	    eq(l, bridge))
		return true;
	if (eq(lm, bridge) || eq(lm, a->parent))
		return true;
	/* An uplink of a bond: the bond's own master is the switch. */
	return lm[0] && eq(master_of(b, lm), bridge);
}

/* The services of every adapter the link affects: an adapter's or a port's
 * own; a switch's, bond's, uplink's or VRF's, those of the adapters above. */
static uint32_t link_services(const struct blast *b, const struct want_link *l)
{
	/* The adapter in place on a switch's bridge or a NIC, if any. */
	uint32_t s = services_of(b, l->l.name);
	struct mark m;

	if (mark_parse(&m, l->l.alias) == 0) {
		if (m.role == MARK_ROLE_ADAPTER)
			return services_of(b, l->l.name) | m.services;
		if (m.role == MARK_ROLE_PORT)
			return services_of(b, m.adapter);
	}
	for (size_t i = 0; b->w && i < b->w->n_links; i++) {
		const struct want_link *a = &b->w->links[i];

		if (mark_services(a, NULL) && under(b, a, l->l.name, l->master))
			s |= services_of(b, a->l.name);
	}
	return s;
}

static uint32_t link_action(const struct blast *b, const struct diff_action *a)
{
	const struct diff *d = b->d;
	const struct want_link *to = diff_action_to_link(d, a), *from = diff_action_from_link(d, a);
	const struct want_link *l = diff_action_link(d, a);
	uint32_t c = a->changed, hit = 0;
	char st_to[KOBJ_IFNAMSIZ] = "", st_from[KOBJ_IFNAMSIZ] = "";
	uint32_t s_to, s_from;

	if (!l)
		return 0;
	switch (a->op) {
	case DIFF_OP_CREATE:
	case DIFF_OP_ADOPT:
		return 0;
	case DIFF_OP_DELETE:
		return link_services(b, l);
	case DIFF_OP_MODIFY:
	case DIFF_OP__MAX:
		break;
	}
	if (!to || !from)
		return 0;
	if (((c & 1u << WANT_ATTR_STATE) && !to->l.admin_up) ||
	    ((c & 1u << WANT_ATTR_MTU) && to->l.mtu < from->l.mtu) ||
	    (c & (1u << WANT_ATTR_MAC | 1u << WANT_ATTR_MASTER | 1u << WANT_ATTR_BOND)) ||
	    /* A port's new PVID moves its adapter to another VLAN. */
	    ((c & 1u << WANT_ATTR_BRVLAN) && to->l.brvlan.pvid != from->l.brvlan.pvid))
		return link_services(b, l);
	if (c & 1u << WANT_ATTR_MARK) {
		/* A tag taken off stops that service there; a stack change
		 * moves every service of the adapter. */
		s_to = mark_services(to, st_to);
		s_from = mark_services(from, st_from);
		hit = strcmp(st_to, st_from) != 0 ? s_from | s_to : s_from & ~s_to;
	}
	return hit;
}

static uint32_t addr_services(const struct blast *b, const struct hn_addr *ip)
{
	for (size_t i = 0; b->w && i < b->w->n_addrs; i++)
		if (b->w->addrs[i].a.addr.family == ip->family &&
		    memcmp(b->w->addrs[i].a.addr.bytes, ip->bytes, sizeof(ip->bytes)) == 0)
			return services_of(b, b->w->addrs[i].dev);
	return 0;
}

static uint32_t route_services(const struct blast *b, const struct want_route *r)
{
	if (!r)
		return 0;
	/* A default route serves the whole stack; another, its device. */
	if (!r->dev[0] || !r->r.dst.prefixlen)
		return services_in_table(b, r->r.table) | (r->dev[0] ? services_of(b, r->dev) : 0);
	return services_of(b, r->dev);
}

static uint32_t rule_services(const struct blast *b, const struct want_rule *r)
{
	uint32_t s = 0;

	if (!r)
		return 0;
	if (r->r.oif[0])
		s |= services_of(b, r->r.oif);
	if (r->r.iif[0])
		s |= services_of(b, r->r.iif);
	if (r->r.src.family)
		s |= addr_services(b, &r->r.src);
	/* Neither names an adapter: the stack's table as a whole. */
	return s ? s : services_in_table(b, r->r.table);
}

/* A firewall created or rewritten filters what arrives on each adapter its
 * rules name (`iifname "vmk0"`): until proven right, the services there are
 * at stake, so turning the firewall on counts too.  Deleting it filters
 * nothing more and disturbs nothing. */
static uint32_t firewall_services(const struct blast *b, const struct diff_action *a)
{
	const struct want_fw *f = a->op == DIFF_OP_DELETE ? NULL : diff_action_to_fw(b->d, a);
	static const char key[] = "iifname \"";
	uint32_t s = 0;

	for (const char *p = f && f->text ? f->text : ""; (p = strstr(p, key)); ) {
		char name[KOBJ_IFNAMSIZ];
		size_t n;

		p += sizeof(key) - 1;
		n = strcspn(p, "\"");
		if (n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			s |= services_of(b, name);
		}
		p += n;
	}
	return s;
}

uint32_t blast_action(const struct blast *b, const struct diff_action *a)
{
	const struct diff *d = b->d;

	if (a->obj == DIFF_OBJ_FIREWALL)
		return firewall_services(b, a);

	/* Nothing runs over what does not exist yet; an adoption re-marks an
	 * object in place and leaves its traffic alone. */
	if (a->op == DIFF_OP_CREATE || a->op == DIFF_OP_ADOPT)
		return 0;
	/* A change concerns the object as it is (from) and as it will be (to):
	 * a route moved from vmk0 to vmk9 disturbs what runs over vmk0. */
	switch (a->obj) {
	case DIFF_OBJ_LINK:
		return link_action(b, a);
	case DIFF_OBJ_ADDR: {
		const struct want_addr *x = diff_action_from_addr(d, a), *y = diff_action_to_addr(d, a);

		return (x ? services_of(b, x->dev) : 0) | (y ? services_of(b, y->dev) : 0);
	}
	case DIFF_OBJ_ROUTE:
		return route_services(b, diff_action_from_route(d, a)) |
		       route_services(b, diff_action_to_route(d, a));
	case DIFF_OBJ_RULE:
		return rule_services(b, diff_action_from_rule(d, a)) |
		       rule_services(b, diff_action_to_rule(d, a));
	case DIFF_OBJ_ISCSI:
		/* Sessions bound to the record lose their binding. */
		return 1u << PROFILE_SERVICE_ISCSI;
	case DIFF_OBJ_FIREWALL:   /* above */
	case DIFF_OBJ__MAX:
		break;
	}
	return 0;
}

uint32_t blast_diff(const struct blast *b, size_t counts[PROFILE_SERVICE__MAX])
{
	uint32_t all = 0;

	if (counts)
		memset(counts, 0, PROFILE_SERVICE__MAX * sizeof(*counts));
	for (size_t i = 0; i < b->d->n; i++) {
		uint32_t s = blast_action(b, &b->d->v[i]);

		all |= s;
		for (int k = 0; counts && s && k < PROFILE_SERVICE__MAX; k++)
			counts[k] += !!(s & 1u << k);
	}
	return all;
}

void blast_text(uint32_t services, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int s = 0; s < PROFILE_SERVICE__MAX && n < size; s++)
		if (services & 1u << s)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
					      profile_service_name((enum profile_service)s));
}
