/* diff: where an action's objects live, and the accessors that find them.
 *
 * An action refers to its objects instead of holding copies: a 100,000-route
 * plan was 100 MB of copies when each action held two unions of want_*. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff-private.h"

/* The high bit of a reference: the diff's own store, not the want. */
#define DIFF_REF_OWN (1u << 31)

static const size_t obj_size[DIFF_OBJ__MAX] = {
	[DIFF_OBJ_LINK] = sizeof(struct want_link),
	[DIFF_OBJ_ADDR] = sizeof(struct want_addr),
	[DIFF_OBJ_ROUTE] = sizeof(struct want_route),
	[DIFF_OBJ_RULE] = sizeof(struct want_rule),
	[DIFF_OBJ_ISCSI] = sizeof(struct want_link),
	[DIFF_OBJ_FIREWALL] = sizeof(struct want_fw),
};

static const void *want_array(const struct want *w, enum diff_obj obj, size_t *n)
{
	*n = 0;
	if (!w)
		return NULL;
	switch (obj) {
	case DIFF_OBJ_LINK: *n = w->n_links; return w->links;
	case DIFF_OBJ_ADDR: *n = w->n_addrs; return w->addrs;
	case DIFF_OBJ_ROUTE: *n = w->n_routes; return w->routes;
	case DIFF_OBJ_RULE: *n = w->n_rules; return w->rules;
	case DIFF_OBJ_ISCSI: *n = w->n_links; return w->links;
	case DIFF_OBJ_FIREWALL: *n = w->fw.text ? 1 : 0; return &w->fw;
	case DIFF_OBJ__MAX: break;
	}
	return NULL;
}

static int own_put(struct diff *d, enum diff_obj obj, const void *p, uint32_t *ref)
{
	size_t n = d->n_own[obj];

	if (n + 1 >= DIFF_REF_OWN)
		return -ENOMEM;
	if (n == d->cap_own[obj]) {
		size_t cap = n ? n * 2 : 16;
		void *v = realloc(d->own[obj], cap * obj_size[obj]);

		if (!v)
			return -ENOMEM;
		d->own[obj] = v;
		d->cap_own[obj] = cap;
	}
	memcpy((char *)d->own[obj] + n * obj_size[obj], p, obj_size[obj]);
	d->n_own[obj] = n + 1;
	*ref = DIFF_REF_OWN | (uint32_t)(n + 1);
	return 0;
}

/* A reference to `p`: into d->want when `refer` and `p` is one of its
 * objects, else to a copy in the own store.  Addresses compared as
 * integers, since `p` may point into another array. */
static int diff_ref(struct diff *d, enum diff_obj obj, const void *p, bool refer, uint32_t *ref)
{
	size_t n = 0;
	const void *base = refer ? want_array(d->want, obj, &n) : NULL;
	uintptr_t x = (uintptr_t)p, b = (uintptr_t)base;

	*ref = 0;
	if (!p)
		return 0;
	if (base && x >= b && x < b + n * obj_size[obj] && (x - b) % obj_size[obj] == 0 &&
	    n < DIFF_REF_OWN) {
		*ref = (uint32_t)((x - b) / obj_size[obj]) + 1;
		return 0;
	}
	return own_put(d, obj, p, ref);
}

static struct diff_action *push(struct diff *d, enum diff_op op, enum diff_obj obj, unsigned step,
				const void *to, const void *from, bool refer)
{
	struct diff_action *a;
	uint32_t to_ref, from_ref;

	if (obj >= DIFF_OBJ__MAX || diff_ref(d, obj, to, refer, &to_ref) < 0 ||
	    diff_ref(d, obj, from, false, &from_ref) < 0)
		return NULL;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct diff_action *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		d->v = v;
		d->cap = cap;
	}
	a = &d->v[d->n++];
	*a = (struct diff_action){ .op = op, .obj = obj, .step = step, .to_ref = to_ref,
				   .from_ref = from_ref };
	return a;
}

struct diff_action *diff_push(struct diff *d, enum diff_op op, enum diff_obj obj, unsigned step,
			      const void *to, const void *from)
{
	return push(d, op, obj, step, to, from, true);
}

struct diff_action *diff_append(struct diff *d, enum diff_op op, enum diff_obj obj,
				const void *to, const void *from)
{
	struct diff_action *a = push(d, op, obj, 0, to, from, false);

	if (!a)
		return NULL;
	if (op == DIFF_OP_CREATE)
		d->n_create++;
	else if (op == DIFF_OP_MODIFY)
		d->n_modify++;
	else if (op == DIFF_OP_ADOPT)
		d->n_adopt++;
	else
		d->n_delete++;
	return a;
}

static const void *deref(const struct diff *d, const struct diff_action *a, enum diff_obj obj,
			 uint32_t ref)
{
	size_t n;
	const void *base;

	if (!ref || a->obj != obj)
		return NULL;
	if (ref & DIFF_REF_OWN)
		return (const char *)d->own[obj] + ((ref & ~DIFF_REF_OWN) - 1) * obj_size[obj];
	base = want_array(d->want, obj, &n);
	return base && ref <= n ? (const char *)base + (ref - 1) * obj_size[obj] : NULL;
}

const struct want_link *diff_action_to_link(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_LINK, a->to_ref);
}

const struct want_link *diff_action_from_link(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_LINK, a->from_ref);
}

const struct want_addr *diff_action_to_addr(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_ADDR, a->to_ref);
}

const struct want_addr *diff_action_from_addr(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_ADDR, a->from_ref);
}

const struct want_route *diff_action_to_route(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_ROUTE, a->to_ref);
}

const struct want_route *diff_action_from_route(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_ROUTE, a->from_ref);
}

const struct want_rule *diff_action_to_rule(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_RULE, a->to_ref);
}

const struct want_rule *diff_action_from_rule(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_RULE, a->from_ref);
}

static uint32_t subject(const struct diff_action *a)
{
	return a->op == DIFF_OP_DELETE ? a->from_ref : a->to_ref;
}

const struct want_link *diff_action_link(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_LINK, subject(a));
}

const struct want_addr *diff_action_addr(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_ADDR, subject(a));
}

const struct want_route *diff_action_route(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_ROUTE, subject(a));
}

const struct want_rule *diff_action_rule(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_RULE, subject(a));
}

const struct want_link *diff_action_iscsi(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_ISCSI, subject(a));
}

const struct want_fw *diff_action_to_fw(const struct diff *d, const struct diff_action *a)
{
	return deref(d, a, DIFF_OBJ_FIREWALL, a->to_ref);
}

const struct hn_loc *diff_action_loc(const struct diff *d, const struct diff_action *a)
{
	const struct hn_loc *loc = NULL;

	switch (a->obj) {
	case DIFF_OBJ_LINK: {
		const struct want_link *x = diff_action_to_link(d, a);

		loc = x ? &x->loc : NULL;
		break;
	}
	case DIFF_OBJ_ADDR: {
		const struct want_addr *x = diff_action_to_addr(d, a);

		loc = x ? &x->loc : NULL;
		break;
	}
	case DIFF_OBJ_ROUTE: {
		const struct want_route *x = diff_action_to_route(d, a);

		loc = x ? &x->loc : NULL;
		break;
	}
	case DIFF_OBJ_RULE: {
		const struct want_rule *x = diff_action_to_rule(d, a);

		loc = x ? &x->loc : NULL;
		break;
	}
	case DIFF_OBJ_ISCSI: {
		const struct want_link *x = a->op == DIFF_OP_DELETE ? NULL
			: deref(d, a, DIFF_OBJ_ISCSI, a->to_ref);

		loc = x ? &x->loc : NULL;
		break;
	}
	case DIFF_OBJ_FIREWALL: {
		const struct want_fw *x = diff_action_to_fw(d, a);

		loc = x ? &x->loc : NULL;
		break;
	}
	case DIFF_OBJ__MAX:
		break;
	}
	return loc && loc->file ? loc : NULL;
}

void diff_clear(struct diff *d)
{
	if (!d)
		return;
	free(d->v);
	for (size_t i = 0; i < DIFF_OBJ__MAX; i++)
		free(d->own[i]);
	*d = (struct diff){ 0 };
}

const struct want *diff_want(const struct diff *d)
{
	return d->want;
}
