/* validate: entry point, unique names and references. */
#include "validate.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kobj.h"
#include "suggest.h"
#include "validate-private.h"
#include "sort.h"

__attribute__((format(printf, 4, 0)))
static void vadd(struct vctx *c, enum diag_severity s, const struct hn_loc *loc,
		 const char *fmt, va_list ap)
{
	if (s == DIAG_SEVERITY_ERROR)
		c->failed = true;
	if (diag_addv(c->diags, s, loc && loc->file ? loc : NULL, fmt, ap) < 0)
		c->oom = true;
}

void verr(struct vctx *c, const struct hn_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(c, DIAG_SEVERITY_ERROR, loc, fmt, ap);
	va_end(ap);
}

void vwarn(struct vctx *c, const struct hn_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(c, DIAG_SEVERITY_WARNING, loc, fmt, ap);
	va_end(ap);
}

const struct hn_loc *vloc(const struct hn_loc *loc, const struct hn_loc *fallback)
{
	return loc && loc->file ? loc : fallback;
}

const char *vwhere(const struct hn_loc *at, const struct hn_loc *here, char *buf, size_t size)
{
	if (at->file && here && here->file && strcmp(at->file, here->file) == 0)
		snprintf(buf, size, "line %u, column %u", at->line, at->col);
	else if (at->file)
		snprintf(buf, size, "%s:%u:%u", at->file, at->line, at->col);
	else
		snprintf(buf, size, "(implicit)");
	return buf;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct vindex_entry *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

_Static_assert(offsetof(struct profile_uplink, name) == 0, "name first");
_Static_assert(offsetof(struct profile_switch, name) == 0, "name first");
_Static_assert(offsetof(struct profile_portgroup, name) == 0, "name first");
_Static_assert(offsetof(struct profile_stack, name) == 0, "name first");
_Static_assert(offsetof(struct profile_adapter, name) == 0, "name first");

/* Builds an index over `n` objects of `size` bytes whose first member is
 * their name (as in every profile object). */
static void vindex_build(struct vctx *c, struct vindex *ix, const void *arr, size_t n, size_t size)
{
	ix->v = calloc(n ? n : 1, sizeof(*ix->v));
	if (!ix->v) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = *(const char *const *)((const char *)arr + i * size);

		if (name)
			ix->v[ix->n++] = (struct vindex_entry){ name, i };
	}
	hn_qsort(ix->v, ix->n, sizeof(*ix->v), cmp_entry);
}

static void vindex_clear(struct vindex *ix)
{
	free(ix->v);
	free(ix->names);
	*ix = (struct vindex){ 0 };
}

long vindex_find(const struct vindex *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->n && strcmp(ix->v[lo].name, name) == 0 ? (long)ix->v[lo].pos : -1;
}

const char *vindex_suggest(struct vctx *c, struct vindex *ix, const char *name)
{
	if (!ix->names) {
		ix->names = calloc(ix->n ? ix->n : 1, sizeof(*ix->names));
		if (!ix->names)
			return NULL;
		for (size_t i = 0; i < ix->n; i++)
			ix->names[i] = ix->v[i].name;
	}
	return suggest_cached(&c->hints, ix, name, ix->names, ix->n);
}

/* --- unique names ------------------------------------------------------ */

struct vname {
	const char *name;
	const char *what;      /* "switch", "adapter", "peer port of adapter 'vmk1'"... */
	const struct hn_loc *loc;
	size_t order;          /* declaration order, so the later one is reported */
	char *owned;           /* derived names (peer ports) */
};

static int cmp_vname(const void *a, const void *b)
{
	const struct vname *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void report_dups(struct vctx *c, struct vname *v, size_t n, const char *space)
{
	char where[256];

	size_t first = 0;

	hn_qsort(v, n, sizeof(*v), cmp_vname);
	/* `first` follows the start of each run of one name: a pass, not a
	 * walk back per duplicate. */
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i - 1].name, v[i].name) != 0) {
			first = i;
			continue;
		}
		verr(c, v[i].loc, "%s name '%s' is already used by the %s at %s", space, v[i].name,
		     v[first].what, vwhere(v[first].loc, v[i].loc, where, sizeof(where)));
	}
}

#define VNAME_ADD(arr, n, o, nm, wh, lc) \
	((arr)[(n)++] = (struct vname){ .name = (nm), .what = (wh), .loc = (lc), .order = (o)++ })

/* Every Linux interface hostnet would create or name shares the kernel's one
 * namespace of interface names: uplinks, bridges, adapters, their veth peers
 * and VRF devices. */
static void check_ifnames(struct vctx *c)
{
	const struct profile *p = c->p;
	size_t cap = p->n_uplinks + 2 * p->n_switches + 2 * p->n_adapters + p->n_stacks, n = 0, o = 0;
	struct vname *v = calloc(cap ? cap : 1, sizeof(*v));

	if (!v) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < p->n_uplinks; i++)
		if (p->uplinks[i].name)
			VNAME_ADD(v, n, o, p->uplinks[i].name, "uplink", &p->uplinks[i].loc);
	for (size_t i = 0; i < p->n_switches; i++) {
		const struct profile_switch *sw = &p->switches[i];
		char *bond;

		if (!sw->name)
			continue;
		VNAME_ADD(v, n, o, sw->name, "switch", &sw->loc);
		if (!sw->teaming.present)
			continue;
		if (asprintf(&bond, "%s%s", sw->name, PROFILE_BOND_SUFFIX) < 0) {
			c->oom = true;
			continue;
		}
		VNAME_ADD(v, n, o, bond, "bond of a teamed switch", &sw->teaming.loc);
		v[n - 1].owned = bond;
	}
	for (size_t i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].name && p->stacks[i].isolation == PROFILE_ISOLATION_VRF)
			VNAME_ADD(v, n, o, p->stacks[i].name, "VRF device of a stack", &p->stacks[i].loc);
	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_adapter *a = &p->adapters[i];
		char *peer;

		/* An adapter in place is the switch or uplink of its name
		 * (check_in_place_names()). */
		if (!a->name || profile_backing_in_place(a->backing))
			continue;
		VNAME_ADD(v, n, o, a->name, "adapter", &a->loc);
		if (a->backing != PROFILE_BACKING_VETH)
			continue;
		if (asprintf(&peer, "%sp", a->name) < 0) {
			c->oom = true;
			continue;
		}
		VNAME_ADD(v, n, o, peer, "veth peer of an adapter", &a->loc);
		v[n - 1].owned = peer;
	}
	report_dups(c, v, n, "interface");
	for (size_t i = 0; i < n; i++)
		free(v[i].owned);
	free(v);
}

/* Two adapters in place on one interface would be one adapter twice. */
static void check_in_place_names(struct vctx *c)
{
	const struct profile *p = c->p;
	struct vname *v = calloc(p->n_adapters ? p->n_adapters : 1, sizeof(*v));
	size_t n = 0, o = 0;

	if (!v) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < p->n_adapters; i++)
		if (p->adapters[i].name && profile_backing_in_place(p->adapters[i].backing))
			VNAME_ADD(v, n, o, p->adapters[i].name, "adapter", &p->adapters[i].loc);
	report_dups(c, v, n, "adapter");
	free(v);
}

/* Portgroups and stacks have namespaces of their own. */
static void check_names(struct vctx *c, const void *arr, size_t n, size_t size, size_t loc_off,
			const char *what)
{
	struct vname *v = calloc(n ? n : 1, sizeof(*v));
	size_t k = 0, o = 0;

	if (!v) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *obj = (const char *)arr + i * size;
		const char *name = *(const char *const *)obj;

		if (name)
			VNAME_ADD(v, k, o, name, what, (const struct hn_loc *)(obj + loc_off));
	}
	report_dups(c, v, k, what);
	free(v);
}

struct vtable {
	const struct profile_stack *st;
	size_t order;
};

static int cmp_vtable(const void *a, const void *b)
{
	const struct vtable *x = a, *y = b;

	if (x->st->table != y->st->table)
		return x->st->table < y->st->table ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* A table belongs to one stack.  Sorted by table, each stack is compared
 * with the first stack of its table: a profile may list thousands. */
static void check_tables(struct vctx *c)
{
	const struct profile *p = c->p;
	struct vtable *v = calloc(p->n_stacks ? p->n_stacks : 1, sizeof(*v));
	size_t n = 0, first = 0;
	char where[256];

	if (!v) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].table && p->stacks[i].name)
			v[n++] = (struct vtable){ &p->stacks[i], i };
	hn_qsort(v, n, sizeof(*v), cmp_vtable);
	for (size_t i = 1; i < n; i++) {
		const struct profile_stack *a = v[first].st, *b = v[i].st;

		if (a->table != b->table) {
			first = i;
			continue;
		}
		/* A stack named twice is reported as a duplicate name. */
		if (strcmp(a->name, b->name) == 0)
			continue;
		verr(c, vloc(&b->table_loc, &b->loc), "table: %u is already the table of "
		     "stack '%s' at %s", b->table, a->name,
		     vwhere(vloc(&a->table_loc, &a->loc), &b->table_loc, where, sizeof(where)));
	}
	free(v);
}

/* --- references -------------------------------------------------------- */

static long ref(struct vctx *c, struct vindex *ix, const char *name,
		const struct hn_loc *loc, const char *key, const char *what)
{
	long pos;
	const char *hint;

	if (!name)
		return -1;
	pos = vindex_find(ix, name);
	if (pos >= 0)
		return pos;
	/* Only a printed error gets a hint (suggest.h). */
	hint = diag_will_record(c->diags) ? vindex_suggest(c, ix, name) : NULL;
	if (hint)
		verr(c, loc, "%s: %s '%s' is not defined (did you mean '%s'?)", key, what, name, hint);
	else
		verr(c, loc, "%s: %s '%s' is not defined", key, what, name);
	return -1;
}

static void check_switch_uplinks(struct vctx *c)
{
	const struct profile *p = c->p;
	long *owner = calloc(p->n_uplinks ? p->n_uplinks : 1, sizeof(*owner));

	if (!owner) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < p->n_uplinks; i++)
		owner[i] = -1;
	for (size_t i = 0; i < p->n_switches; i++) {
		const struct profile_switch *s = &p->switches[i];

		for (size_t j = 0; j < s->uplinks.n; j++) {
			long u = ref(c, &c->uplinks, s->uplinks.v[j], &s->uplinks.loc[j], "uplinks",
				     "uplink");

			if (u < 0)
				continue;
			if (owner[u] >= 0)
				verr(c, &s->uplinks.loc[j], "uplinks: '%s' is already a port of switch "
				     "'%s'", s->uplinks.v[j], vlabel(p->switches[owner[u]].name));
			else
				owner[u] = (long)i;
		}
	}
	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_adapter *a = &p->adapters[i];
		long u;

		if (a->backing == PROFILE_BACKING_UPLINK) {
			u = ref(c, &c->uplinks, a->name, &a->loc, "name", "uplink");
			if (u >= 0 && owner[u] >= 0)
				verr(c, &a->loc, "name: uplink '%s' is a port of switch '%s'; an "
				     "address belongs on the switch (backing: switch, name: %s), "
				     "not on its port", a->name, vlabel(p->switches[owner[u]].name),
				     vlabel(p->switches[owner[u]].name));
			continue;
		}
		if (a->backing != PROFILE_BACKING_MACVLAN &&
		    !(a->backing == PROFILE_BACKING_VLAN && a->uplink))
			continue;
		u = ref(c, &c->uplinks, a->uplink, &a->uplink_loc, "uplink", "uplink");
		if (u >= 0 && owner[u] >= 0)
			verr(c, &a->uplink_loc, "uplink: '%s' is a port of switch '%s'; a %s "
			     "adapter needs an uplink that is not in a switch%s", a->uplink,
			     vlabel(p->switches[owner[u]].name), profile_backing_name(a->backing),
			     a->backing == PROFILE_BACKING_VLAN ? " (name the switch instead)" : "");
	}
	free(owner);
}

/* Whether pg is the first portgroup of its switch with its VLAN; counts
 * the switch's distinct VLANs up to pg in *n. */
static bool first_of_vlan(const struct profile *p, size_t i, size_t *n)
{
	const struct profile_portgroup *pg = &p->portgroups[i];
	bool first = true;

	*n = 0;
	for (size_t j = 0; j <= i; j++) {
		const struct profile_portgroup *q = &p->portgroups[j];
		bool again = false;

		if (!q->vlan || !q->switch_name || strcmp(q->switch_name, pg->switch_name) != 0)
			continue;
		for (size_t k = 0; k < j && !again; k++)
			again = p->portgroups[k].vlan == q->vlan && p->portgroups[k].switch_name &&
				strcmp(p->portgroups[k].switch_name, q->switch_name) == 0;
		if (!again)
			(*n)++;
		else if (j == i)
			first = false;
	}
	return first;
}

static void check_refs(struct vctx *c)
{
	const struct profile *p = c->p;
	size_t n;

	for (size_t i = 0; i < p->n_portgroups; i++) {
		const struct profile_portgroup *pg = &p->portgroups[i];

		ref(c, &c->switches, pg->switch_name, &pg->switch_loc, "switch", "switch");
		/* The switch's uplinks carry each of its VLANs (realize.c). */
		if (pg->vlan && pg->switch_name && first_of_vlan(p, i, &n) &&
		    n == KOBJ_BRVLAN_MAX + 1)
			verr(c, &pg->vlan_loc, "switch %s carries more than %d portgroup VLANs",
			     vlabel(pg->switch_name), KOBJ_BRVLAN_MAX);
	}
	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_adapter *a = &p->adapters[i];

		if (a->backing == PROFILE_BACKING_VETH)
			ref(c, &c->portgroups, a->portgroup, &a->portgroup_loc, "portgroup",
			    "portgroup");
		else if (a->backing == PROFILE_BACKING_SWITCH)
			ref(c, &c->switches, a->name, &a->loc, "name", "switch");
		else if (a->backing == PROFILE_BACKING_VLAN)
			ref(c, &c->switches, a->switch_name, &a->switch_loc, "switch", "switch");
		ref(c, &c->stacks, a->stack, vloc(&a->stack_loc, &a->loc), "stack", "stack");
	}
	for (size_t i = 0; i < p->n_routes; i++) {
		const struct profile_route *r = &p->routes[i];

		ref(c, &c->stacks, r->stack, vloc(&r->stack_loc, &r->loc), "stack", "stack");
		ref(c, &c->adapters, r->adapter, &r->adapter_loc, "adapter", "adapter");
	}
	check_switch_uplinks(c);
}

int validate_profile(const struct profile *p, struct diag_list *diags)
{
	struct vctx c = { .p = p, .diags = diags };
	bool fragment = p->kind && strcmp(p->kind, PROFILE_KIND_FRAGMENT) == 0;

	vindex_build(&c, &c.uplinks, p->uplinks, p->n_uplinks, sizeof(*p->uplinks));
	vindex_build(&c, &c.switches, p->switches, p->n_switches, sizeof(*p->switches));
	vindex_build(&c, &c.portgroups, p->portgroups, p->n_portgroups, sizeof(*p->portgroups));
	vindex_build(&c, &c.stacks, p->stacks, p->n_stacks, sizeof(*p->stacks));
	vindex_build(&c, &c.adapters, p->adapters, p->n_adapters, sizeof(*p->adapters));
	if (c.oom)
		goto out;
	check_ifnames(&c);
	check_in_place_names(&c);
	check_names(&c, p->portgroups, p->n_portgroups, sizeof(*p->portgroups),
		    offsetof(struct profile_portgroup, loc), "portgroup");
	check_names(&c, p->stacks, p->n_stacks, sizeof(*p->stacks),
		    offsetof(struct profile_stack, loc), "stack");
	check_tables(&c);
	if (!fragment) {
		check_refs(&c);
		validate_net(&c);
		validate_practice(&c);
		validate_settings(&c);
		validate_firewall(&c);
	}
out:
	vindex_clear(&c.uplinks);
	vindex_clear(&c.switches);
	vindex_clear(&c.portgroups);
	vindex_clear(&c.stacks);
	vindex_clear(&c.adapters);
	suggest_clear(&c.hints);
	free(c.stack_dhcp);
	if (c.oom)
		return -ENOMEM;
	return c.failed ? -EINVAL : 0;
}
