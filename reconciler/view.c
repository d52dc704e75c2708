#include "view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "profile.h"
#include "realize.h"
#include "sort.h"

static int cmp_link_index(const void *a, const void *b)
{
	const struct kobj_link *x = *(const struct kobj_link *const *)a;
	const struct kobj_link *y = *(const struct kobj_link *const *)b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

const struct kobj_link *view_link(const struct view *v, int ifindex)
{
	size_t lo = 0, hi = v->set->n_links;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->by_index[mid]->ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->set->n_links && v->by_index[lo]->ifindex == ifindex ? v->by_index[lo] : NULL;
}

static int cmp_adapter(const void *a, const void *b)
{
	const struct view_adapter *x = a, *y = b;

	return strcmp(x->link->name, y->link->name);
}

/* Ports, keyed by the adapter they serve; adapters sorted by name make the
 * pairing one merge-like pass. */
static void attach_ports(struct view *v)
{
	for (size_t i = 0; i < v->set->n_links; i++) {
		const struct kobj_link *l = &v->set->links[i];
		struct mark m;
		struct view_adapter key = { 0 }, *a;
		struct kobj_link kl = { 0 };

		if (!l->owned || mark_parse(&m, l->alias) < 0 || m.role != MARK_ROLE_PORT)
			continue;
		memcpy(kl.name, m.adapter, sizeof(kl.name));
		key.link = &kl;
		a = hn_bsearch(&key, v->adapters, v->n_adapters, sizeof(*v->adapters), cmp_adapter);
		if (!a)
			continue;
		a->port = l;
		a->sw = l->master ? view_link(v, l->master) : NULL;
	}
}

/* A stack's table is found from the owned policy rule that sends the
 * adapter's traffic there ("oif <adapter> lookup <table>"), or the VRF. */
static void attach_tables(struct view *v)
{
	for (size_t i = 0; i < v->set->n_rules; i++) {
		const struct kobj_rule *r = &v->set->rules[i];
		struct view_adapter key = { 0 }, *a;
		struct kobj_link kl = { 0 };

		if (!r->owned || !r->oif[0])
			continue;
		memcpy(kl.name, r->oif, sizeof(kl.name));
		key.link = &kl;
		a = hn_bsearch(&key, v->adapters, v->n_adapters, sizeof(*v->adapters), cmp_adapter);
		if (a && !a->table)
			a->table = r->table;
	}
	for (size_t i = 0; i < v->n_adapters; i++) {
		struct view_adapter *a = &v->adapters[i];
		const struct kobj_link *master = a->link->master ? view_link(v, a->link->master) : NULL;

		if (master && master->kind == KOBJ_LINK_KIND_VRF)
			a->table = master->vrf_table;
		if (strcmp(a->stack, PROFILE_DEFAULT_STACK) == 0)
			a->table = PROFILE_MAIN_TABLE;
	}
}

static int cmp_stack(const void *a, const void *b)
{
	const struct view_stack *x = a, *y = b;
	int xd = strcmp(x->name, PROFILE_DEFAULT_STACK) == 0, yd = strcmp(y->name, PROFILE_DEFAULT_STACK) == 0;

	if (xd != yd)
		return yd - xd;
	return strcmp(x->name, y->name);
}

static int build_stacks(struct view *v)
{
	v->stacks = calloc(v->n_adapters + 1, sizeof(*v->stacks));
	if (!v->stacks)
		return -ENOMEM;
	v->stacks[v->n_stacks++] = (struct view_stack){ .name = PROFILE_DEFAULT_STACK, .table = PROFILE_MAIN_TABLE };
	for (size_t i = 0; i < v->n_adapters; i++) {
		const struct view_adapter *a = &v->adapters[i];
		struct view_stack *s = NULL;

		for (size_t j = 0; j < v->n_stacks && !s; j++)
			if (strcmp(v->stacks[j].name, a->stack) == 0)
				s = &v->stacks[j];
		if (!s) {
			s = &v->stacks[v->n_stacks++];
			*s = (struct view_stack){ .name = a->stack };
		}
		if (!s->table)
			s->table = a->table;
		s->n_adapters++;
	}
	hn_qsort(v->stacks, v->n_stacks, sizeof(*v->stacks), cmp_stack);
	/* Gateways: the default route of each stack's table. */
	for (size_t i = 0; i < v->set->n_routes; i++) {
		const struct kobj_route *r = &v->set->routes[i];

		if (r->dst.prefixlen != 0 || !r->gateway.family)
			continue;
		for (size_t j = 0; j < v->n_stacks; j++) {
			struct view_stack *s = &v->stacks[j];

			if (s->table != r->table)
				continue;
			if (r->family == AF_INET6 && !s->gw6)
				s->gw6 = r;
			else if (r->family != AF_INET6 && !s->gw4)
				s->gw4 = r;
		}
	}
	return 0;
}

int view_build(struct view *out, const struct kobj_set *set)
{
	return view_build_want(out, set, NULL);
}

int view_build_want(struct view *out, const struct kobj_set *set, const struct want *w)
{
	struct view v = { .set = set };
	int r = -ENOMEM;

	v.by_index = calloc(set->n_links + 1, sizeof(*v.by_index));
	v.adapters = calloc(set->n_links + 1, sizeof(*v.adapters));
	if (!v.by_index || !v.adapters)
		goto fail;
	for (size_t i = 0; i < set->n_links; i++)
		v.by_index[i] = &set->links[i];
	hn_qsort(v.by_index, set->n_links, sizeof(*v.by_index), cmp_link_index);
	for (size_t i = 0; i < set->n_links; i++) {
		const struct kobj_link *l = &set->links[i];
		struct view_adapter *a = &v.adapters[v.n_adapters];

		const struct want_link *wl = w ? want_link(w, l->name) : NULL;

		if (wl && wl->in_place_services && (!l->owned || mark_parse(&a->mark, l->alias) < 0 ||
						    a->mark.role != MARK_ROLE_ADAPTER)) {
			a->mark = (struct mark){ .role = MARK_ROLE_ADAPTER, .services = wl->in_place_services };
			memcpy(a->mark.stack, wl->in_place_stack, sizeof(a->mark.stack));
		} else if (!l->owned || mark_parse(&a->mark, l->alias) < 0 ||
			   a->mark.role != MARK_ROLE_ADAPTER) {
			continue;
		}
		a->link = l;
		a->stack = a->mark.stack[0] ? a->mark.stack : PROFILE_DEFAULT_STACK;
		if (l->kind == KOBJ_LINK_KIND_MACVLAN && l->link)
			a->uplink = view_link(&v, l->link);
		v.n_adapters++;
	}
	hn_qsort(v.adapters, v.n_adapters, sizeof(*v.adapters), cmp_adapter);
	attach_ports(&v);
	attach_tables(&v);
	r = build_stacks(&v);
	if (r < 0)
		goto fail;
	*out = v;
	return 0;
fail:
	view_clear(&v);
	return r;
}

void view_clear(struct view *v)
{
	if (!v)
		return;
	free(v->by_index);
	free(v->adapters);
	free(v->stacks);
	*v = (struct view){ 0 };
}
