/* diff: addresses, routes and rules. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diff-private.h"
#include "sort.h"

/* Sorted pointers into a want's array, so the want itself stays as built. */
static const void **sorted(const void *arr, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	const void **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = (const char *)arr + i * size;
	hn_qsort(v, n, sizeof(*v), cmp);
	return v;
}

static int pcmp_addr(const void *a, const void *b)
{
	return want_cmp_addr(*(const struct want_addr *const *)a, *(const struct want_addr *const *)b);
}

static int pcmp_route(const void *a, const void *b)
{
	return want_cmp_route(*(const struct want_route *const *)a,
				  *(const struct want_route *const *)b);
}

static int pcmp_rule(const void *a, const void *b)
{
	return want_cmp_rule(*(const struct want_rule *const *)a, *(const struct want_rule *const *)b);
}

/* An address a DHCP client obtained for an adapter that still wants one:
 * the client's, not drift. */
static bool leased(const struct want *w, const struct want_addr *o)
{
	const struct want_link *l;

	if (o->a.proto != KOBJ_PROTO_DHCP || o->a.addr.family != AF_INET)
		return false;
	l = want_link(w, o->dev);
	return l && l->dhcp4;
}

/* An address of a link the diff adopts becomes hostnet's with the link's
 * marks (kobj.h), except those the kernel made itself: the plan shows the
 * ones the profile does not list going, not a verification after the fact. */
static bool adopted_addr(const struct dctx *c, const struct want_addr *o)
{
	return kobj_addr_owned(&o->a, true) && dctx_adopted(c, o->dev);
}

/* A desired address that is there: adopted when it is not hostnet's (its
 * protocol becomes hostnet's, in place); given back its protocol when a
 * rollback restores a foreign address hostnet had adopted. */
static void addr_mark(struct dctx *c, const struct want_addr *w, const struct want_addr *o)
{
	if (w->a.proto == KOBJ_RTPROT_HOSTNET && !o->a.owned)
		dctx_add(c, DIFF_OP_ADOPT, DIFF_OBJ_ADDR, DIFF_STEP_NEW_ADDR, 0, w, o);
	else if (w->a.proto != KOBJ_RTPROT_HOSTNET && o->a.proto == KOBJ_RTPROT_HOSTNET)
		dctx_add(c, DIFF_OP_MODIFY, DIFF_OBJ_ADDR, DIFF_STEP_NEW_ADDR, 0, w, o);
}

void diff_addrs(struct dctx *c, const struct want *w, const struct dobs *o)
{
	const struct want_addr **v = (const struct want_addr **)sorted(w->addrs, w->n_addrs,
								       sizeof(*w->addrs), pcmp_addr);
	size_t i = 0, j = 0;

	if (!v) {
		c->oom = true;
		return;
	}
	while (i < w->n_addrs || j < o->n_addrs) {
		int cmp = i == w->n_addrs ? 1 : j == o->n_addrs ? -1 : want_cmp_addr(v[i], &o->addrs[j]);

		if (cmp < 0) {
			dctx_add(c, DIFF_OP_CREATE, DIFF_OBJ_ADDR, DIFF_STEP_NEW_ADDR, 0, v[i], NULL);
			i++;
		} else if (cmp > 0) {
			if ((o->addrs[j].a.owned || adopted_addr(c, &o->addrs[j])) &&
			    !leased(w, &o->addrs[j])) {
				dctx_add(c, DIFF_OP_DELETE, DIFF_OBJ_ADDR, DIFF_STEP_DEL_ADDR, 0, NULL,
					 &o->addrs[j]);
			}
			j++;
		} else {
			addr_mark(c, v[i], &o->addrs[j]);
			i++;
			j++;
		}
	}
	free(v);
}

static bool same_route(const struct want_route *w, const struct want_route *o)
{
	const struct kobj_route *x = &w->r, *y = &o->r;

	return addr_cmp(&x->gateway, &y->gateway) == 0 &&
	       (!w->dev[0] || strcmp(w->dev, o->dev) == 0) &&
	       (!x->prefsrc.family || addr_cmp(&x->prefsrc, &y->prefsrc) == 0) &&
	       x->scope == y->scope && x->type == y->type && x->protocol == y->protocol;
}

static bool same_route_but_protocol(const struct want_route *w, const struct want_route *o)
{
	struct want_route x = *o;

	x.r.protocol = w->r.protocol;
	return same_route(w, &x);
}

static void route_action(struct dctx *c, enum diff_op op, const struct want_route *to,
			 const struct want_route *from)
{
	/* Connected routes first: a gateway must be reachable in its table. */
	const struct want_route *r = to ? to : from;
	int order = r->r.scope == RT_SCOPE_LINK ? 0 : 1;

	dctx_add(c, op, DIFF_OBJ_ROUTE, op == DIFF_OP_DELETE ? DIFF_STEP_DEL_ROUTE : DIFF_STEP_NEW_ROUTE,
		 order, to, from);
}

static bool kernel_connected(const struct want_route *r)
{
	return r->r.protocol == RTPROT_KERNEL && !r->r.gateway.family;
}

void diff_routes(struct dctx *c, const struct want *w, const struct dobs *o)
{
	const struct want_route **v = (const struct want_route **)sorted(w->routes, w->n_routes,
									 sizeof(*w->routes), pcmp_route);
	size_t i = 0, j = 0;

	if (!v) {
		c->oom = true;
		return;
	}
	while (i < w->n_routes || j < o->n_routes) {
		int cmp = i == w->n_routes ? 1 : j == o->n_routes ? -1
			: want_cmp_route(v[i], &o->routes[j]);

		if (cmp < 0) {
			route_action(c, DIFF_OP_CREATE, v[i++], NULL);
		} else if (cmp > 0) {
			if (o->routes[j].r.owned)
				route_action(c, DIFF_OP_DELETE, NULL, &o->routes[j]);
			j++;
		} else {
			/* One desired route, and the kernel's routes of that key
			 * (usually one): keep a match, else take the first over. */
			size_t k = j, match = (size_t)-1;

			while (k < o->n_routes && want_cmp_route(v[i], &o->routes[k]) == 0) {
				if (match == (size_t)-1 && same_route(v[i], &o->routes[k]))
					match = k;
				k++;
			}
			if (match == (size_t)-1) {
				/* A foreign route that is the desired one but for its
				 * protocol is adopted: replaced in place.  Not a
				 * connected route the kernel made itself (proto kernel,
				 * no gateway), e.g. in a VRF's table for an adapter's
				 * address: nobody else owns it, so it is taken over as
				 * a change, as before adoption existed. */
				for (size_t m = j; m < k && match == (size_t)-1; m++)
					if (!o->routes[m].r.owned && v[i]->r.protocol == KOBJ_RTPROT_HOSTNET &&
					    !kernel_connected(&o->routes[m]) &&
					    same_route_but_protocol(v[i], &o->routes[m])) {
						route_action(c, DIFF_OP_ADOPT, v[i], &o->routes[m]);
						match = m;
					}
			}
			if (match == (size_t)-1) {
				route_action(c, DIFF_OP_MODIFY, v[i], &o->routes[j]);
				match = j;
			}
			for (size_t m = j; m < k; m++)
				if (m != match && o->routes[m].r.owned)
					route_action(c, DIFF_OP_DELETE, NULL, &o->routes[m]);
			i++;
			j = k;
		}
	}
	free(v);
}

/* A desired rule that is there with another protocol: adopted when it is
 * foreign, given back its protocol by a rollback.  Rules have no replace:
 * apply adds the new one before deleting the old, so lookups never fall
 * through to the next rule in between. */
static void rule_mark(struct dctx *c, const struct want_rule *w, const struct want_rule *o)
{
	if (w->r.protocol == o->r.protocol)
		return;
	if (w->r.protocol == KOBJ_RTPROT_HOSTNET && !o->r.owned)
		dctx_add(c, DIFF_OP_ADOPT, DIFF_OBJ_RULE, DIFF_STEP_NEW_RULE, 0, w, o);
	else if (o->r.owned)
		dctx_add(c, DIFF_OP_MODIFY, DIFF_OBJ_RULE, DIFF_STEP_NEW_RULE, 0, w, o);
}

void diff_rules(struct dctx *c, const struct want *w, const struct dobs *o)
{
	const struct want_rule **v = (const struct want_rule **)sorted(w->rules, w->n_rules,
								       sizeof(*w->rules), pcmp_rule);
	size_t i = 0, j = 0;

	if (!v) {
		c->oom = true;
		return;
	}
	while (i < w->n_rules || j < o->n_rules) {
		int cmp = i == w->n_rules ? 1 : j == o->n_rules ? -1 : want_cmp_rule(v[i], &o->rules[j]);

		if (cmp < 0) {
			dctx_add(c, DIFF_OP_CREATE, DIFF_OBJ_RULE, DIFF_STEP_NEW_RULE, 0, v[i], NULL);
			i++;
		} else if (cmp > 0) {
			/* Not wanted (a second copy of a wanted rule sorts here
			 * too, after its twin was matched). */
			if (o->rules[j].r.owned) {
				dctx_add(c, DIFF_OP_DELETE, DIFF_OBJ_RULE, DIFF_STEP_DEL_RULE, 0, NULL,
					 &o->rules[j]);
			}
			j++;
		} else {
			rule_mark(c, v[i], &o->rules[j]);
			i++;
			j++;
		}
	}
	free(v);
}
