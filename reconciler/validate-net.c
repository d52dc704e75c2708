/* validate: addresses, gateways, routes and MTUs. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "validate-private.h"
#include "sort.h"

/* One address of one adapter. */
struct vaddr {
	struct hn_addr addr;
	const struct hn_loc *loc;
	size_t adapter;
	size_t order;
};

static int cmp_vaddr_ip(const void *a, const void *b)
{
	const struct vaddr *x = a, *y = b;
	struct hn_addr xa = x->addr, ya = y->addr;
	int r;

	xa.prefixlen = ya.prefixlen = 0;
	r = addr_cmp(&xa, &ya);
	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

static struct vaddr *collect_addrs(struct vctx *c, size_t *n_out)
{
	const struct profile *p = c->p;
	size_t n = 0, o = 0;
	struct vaddr *v;

	for (size_t i = 0; i < p->n_adapters; i++)
		n += p->adapters[i].ipv4.n + p->adapters[i].ipv6.n;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		c->oom = true;
		*n_out = 0;
		return NULL;
	}
	n = 0;
	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_addrv *lists[] = { &p->adapters[i].ipv4, &p->adapters[i].ipv6 };

		for (size_t l = 0; l < 2; l++)
			for (size_t j = 0; j < lists[l]->n; j++)
				v[n++] = (struct vaddr){ lists[l]->v[j], &lists[l]->loc[j], i, o++ };
	}
	*n_out = n;
	return v;
}

static void check_unique_addrs(struct vctx *c, struct vaddr *v, size_t n)
{
	char where[256], buf[ADDR_STRLEN];

	size_t first = 0;

	hn_qsort(v, n, sizeof(*v), cmp_vaddr_ip);
	/* `first` follows the start of each run of equal addresses, so 30,000
	 * copies of one address cost one pass, not a walk back per copy. */
	for (size_t i = 1; i < n; i++) {
		if (!addr_equal_ip(&v[i - 1].addr, &v[i].addr)) {
			first = i;
			continue;
		}
		verr(c, v[i].loc, "address %s is already used by adapter '%s' at %s",
		     addr_format(&v[i].addr, false, buf, sizeof(buf)),
		     vlabel(c->p->adapters[v[first].adapter].name),
		     vwhere(v[first].loc, v[i].loc, where, sizeof(where)));
	}
}

/* The adapters' subnets per stack, sorted so that "which adapter on this
 * stack has `ip` in its subnet" is one binary search per prefix length in
 * use, not a scan of every address per gateway and next hop. */
struct vsub {
	const char *stack;
	struct hn_addr net;     /* host bits cleared; prefixlen kept */
	size_t rank;            /* position in the address list (sorted by ip) */
	size_t adapter;
};

struct vsubnets {
	struct vsub *nets;      /* by stack, network, rank */
	struct vsub *ips;       /* by stack, address: for "own address" */
	size_t n;
	bool len[2][129];       /* [IPv6?][prefixlen] present */
};

static int cmp_vsub(const void *a, const void *b)
{
	const struct vsub *x = a, *y = b;
	int r = strcmp(x->stack, y->stack);

	if (r)
		return r;
	r = addr_cmp(&x->net, &y->net);
	if (r)
		return r;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

static bool vsubnets_build(struct vctx *c, struct vsubnets *ix, const struct vaddr *v, size_t n)
{
	*ix = (struct vsubnets){ 0 };
	ix->nets = calloc(n + 1, sizeof(*ix->nets));
	ix->ips = calloc(n + 1, sizeof(*ix->ips));
	if (!ix->nets || !ix->ips) {
		c->oom = true;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		const struct profile_adapter *a = &c->p->adapters[v[i].adapter];
		struct vsub e = { a->stack, addr_network(&v[i].addr), i, v[i].adapter };

		if (!a->stack)
			continue;
		ix->nets[ix->n] = e;
		e.net = v[i].addr;
		e.net.prefixlen = 0;
		ix->ips[ix->n++] = e;
		ix->len[v[i].addr.family == AF_INET6][v[i].addr.prefixlen] = true;
	}
	hn_qsort(ix->nets, ix->n, sizeof(*ix->nets), cmp_vsub);
	hn_qsort(ix->ips, ix->n, sizeof(*ix->ips), cmp_vsub);
	return true;
}

static void vsubnets_clear(struct vsubnets *ix)
{
	free(ix->nets);
	free(ix->ips);
}

/* The first entry equal to `key` in everything but rank, or NULL. */
static const struct vsub *vsub_find(const struct vsub *v, size_t n, const struct vsub *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_vsub(&v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strcmp(v[lo].stack, key->stack) == 0 && addr_cmp(&v[lo].net, &key->net) == 0)
		return &v[lo];
	return NULL;
}

/* Is `ip` inside a subnet of an adapter on `stack`?  Returns the adapter
 * with the longest such prefix (the lowest address among equals) or -1;
 * *own is set when ip is the address of an adapter on that stack. */
static long find_subnet(const struct vsubnets *ix, const char *stack, const struct hn_addr *ip,
			bool *own)
{
	bool v6 = ip->family == AF_INET6;
	struct vsub key = { .stack = stack, .net = *ip };

	key.net.prefixlen = 0;
	*own = vsub_find(ix->ips, ix->n, &key) != NULL;
	for (int len = v6 ? 128 : 32; len >= 0; len--) {
		const struct vsub *e;

		if (!ix->len[v6][len])
			continue;
		key.net = *ip;
		key.net.prefixlen = (uint8_t)len;
		key.net = addr_network(&key.net);
		e = vsub_find(ix->nets, ix->n, &key);
		if (e)
			return (long)e->adapter;
	}
	return -1;
}

static void check_gateway(struct vctx *c, const struct vsubnets *ix,
			  const struct profile_stack *st, const struct hn_addr *gw,
			  const struct hn_loc *loc, const char *key)
{
	char buf[ADDR_STRLEN];
	bool own;

	if (!gw->family || (gw->family == AF_INET && vstack_has_dhcp(c, st->name)))
		return;
	addr_format(gw, false, buf, sizeof(buf));
	if (find_subnet(ix, st->name, gw, &own) < 0)
		verr(c, loc, "%s: %s is not in the subnet of any adapter on stack '%s'", key, buf,
		     st->name);
	else if (own)
		verr(c, loc, "%s: %s is this host's own address on stack '%s'", key, buf, st->name);
}

/* Adapters with a given subnet on a given stack: next hops repeat across
 * thousands of routes, so each distinct (stack, via) is answered once. */
struct vhop {
	const char *stack;
	struct hn_addr via;
	size_t route;
};

static int cmp_vhop(const void *a, const void *b)
{
	const struct vhop *x = a, *y = b;
	int r = strcmp(x->stack, y->stack);

	if (r)
		return r;
	r = addr_cmp(&x->via, &y->via);
	if (r)
		return r;
	return x->route < y->route ? -1 : x->route > y->route;
}

static void check_route_vias(struct vctx *c, const struct vsubnets *ix)
{
	const struct profile *p = c->p;
	struct vhop *h = calloc(p->n_routes ? p->n_routes : 1, sizeof(*h));
	size_t nh = 0;
	char buf[ADDR_STRLEN];

	if (!h) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < p->n_routes; i++)
		if (p->routes[i].via.family && p->routes[i].stack)
			h[nh++] = (struct vhop){ p->routes[i].stack, p->routes[i].via, i };
	hn_qsort(h, nh, sizeof(*h), cmp_vhop);
	for (size_t i = 0; i < nh;) {
		size_t j = i;
		bool own, ok;
		long a;

		while (j < nh && strcmp(h[j].stack, h[i].stack) == 0 &&
		       addr_cmp(&h[j].via, &h[i].via) == 0)
			j++;
		if (h[i].via.family == AF_INET && vstack_has_dhcp(c, h[i].stack)) {
			i = j;
			continue;
		}
		a = find_subnet(ix, h[i].stack, &h[i].via, &own);
		addr_format(&h[i].via, false, buf, sizeof(buf));
		for (size_t k = i; k < j; k++) {
			const struct profile_route *r = &p->routes[h[k].route];

			ok = a >= 0 && !own;
			if (a < 0)
				verr(c, &r->via_loc, "via: %s is not reachable on stack '%s' (no adapter "
				     "there has it in its subnet)", buf, r->stack);
			else if (own)
				verr(c, &r->via_loc, "via: %s is this host's own address", buf);
			/* An undefined adapter is reported by the reference check, a
			 * nameless one (the subnet's owner here) by profile.c. */
			if (ok && r->adapter && p->adapters[a].name &&
			    vindex_find(&c->adapters, r->adapter) >= 0 &&
			    strcmp(p->adapters[a].name, r->adapter) != 0)
				verr(c, &r->via_loc, "via: %s is on adapter '%s', not on '%s'", buf,
				     p->adapters[a].name, r->adapter);
		}
		i = j;
	}
	free(h);
}

static int cmp_route_key(const struct profile_route *x, const struct profile_route *y)
{
	int r = strcmp(x->stack ? x->stack : "", y->stack ? y->stack : "");

	if (r)
		return r;
	r = addr_cmp(&x->to, &y->to);
	if (r)
		return r;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	return 0;
}

/* Sorting pointers into the routes array keeps declaration order as the
 * tie-break without a context argument (C11 qsort has none). */
static int cmp_route_ptr(const void *a, const void *b)
{
	const struct profile_route *x = *(const struct profile_route *const *)a;
	const struct profile_route *y = *(const struct profile_route *const *)b;
	int r = cmp_route_key(x, y);

	if (r)
		return r;
	return x < y ? -1 : x > y;
}

/* The kernel keys a route by table, destination and metric (and TOS):
 * two profile routes with the same key would fight over one kernel route. */
static void check_route_dups(struct vctx *c)
{
	const struct profile *p = c->p;
	const struct profile_route **v = calloc(p->n_routes ? p->n_routes : 1, sizeof(*v));
	char where[256], buf[ADDR_STRLEN];

	if (!v) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < p->n_routes; i++)
		v[i] = &p->routes[i];
	hn_qsort(v, p->n_routes, sizeof(*v), cmp_route_ptr);
	for (size_t i = 1; i < p->n_routes; i++) {
		const struct profile_route *a = v[i - 1], *b = v[i];

		if (!a->to.family || cmp_route_key(a, b) != 0)
			continue;
		verr(c, vloc(&b->to_loc, &b->loc), "route to %s on stack '%s' with metric %u is "
		     "already defined at %s", addr_format(&b->to, true, buf, sizeof(buf)), b->stack,
		     b->metric, vwhere(vloc(&a->to_loc, &a->loc), &b->to_loc, where, sizeof(where)));
	}
	free(v);
}

/* An adapter in place is its switch's bridge or its uplink: one MTU, set
 * in one place. */
static void check_in_place_mtu(struct vctx *c, const struct profile_adapter *a)
{
	const struct profile *p = c->p;
	/* No name: already an error of its own, and nothing to look up. */
	long sw = a->name && a->backing == PROFILE_BACKING_SWITCH ? vindex_find(&c->switches, a->name) : -1;
	long u = a->name && a->backing == PROFILE_BACKING_UPLINK ? vindex_find(&c->uplinks, a->name) : -1;

	if (sw >= 0 && a->mtu != p->switches[sw].mtu)
		verr(c, &a->mtu_loc, "mtu: adapter '%s' is switch '%s' itself, whose MTU is %u; "
		     "set the MTU on the switch and remove it here", vlabel(a->name),
		     p->switches[sw].name, p->switches[sw].mtu);
	if (u >= 0 && p->uplinks[u].mtu && a->mtu != p->uplinks[u].mtu)
		verr(c, &a->mtu_loc, "mtu: adapter '%s' is uplink '%s' itself, whose MTU is %u; "
		     "set it in one place", vlabel(a->name), p->uplinks[u].name, p->uplinks[u].mtu);
}

static void check_mtus(struct vctx *c)
{
	const struct profile *p = c->p;

	for (size_t i = 0; i < p->n_switches; i++) {
		const struct profile_switch *s = &p->switches[i];

		for (size_t j = 0; j < s->uplinks.n; j++) {
			long u = vindex_find(&c->uplinks, s->uplinks.v[j]);

			if (u >= 0 && p->uplinks[u].mtu && p->uplinks[u].mtu < s->mtu)
				verr(c, vloc(&s->mtu_loc, &s->loc), "mtu: switch '%s' MTU %u is larger "
				     "than its uplink '%s' MTU %u", vlabel(s->name), s->mtu,
				     p->uplinks[u].name, p->uplinks[u].mtu);
		}
	}
	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_adapter *a = &p->adapters[i];
		const struct hn_loc *loc = vloc(&a->mtu_loc, &a->loc);

		if ((a->ipv6.n || a->slaac) && a->mtu < 1280)
			verr(c, loc, "mtu: %u is below 1280, the minimum for IPv6 (adapter '%s' has "
			     "IPv6 %s)", a->mtu, vlabel(a->name), a->ipv6.n ? "addresses" : "autoconfiguration");
		if (a->backing == PROFILE_BACKING_VETH && a->portgroup) {
			long pg = vindex_find(&c->portgroups, a->portgroup), sw;

			if (pg < 0 || !p->portgroups[pg].switch_name)
				continue;
			sw = vindex_find(&c->switches, p->portgroups[pg].switch_name);
			if (sw >= 0 && a->mtu > p->switches[sw].mtu)
				verr(c, loc, "mtu: adapter '%s' MTU %u is larger than switch '%s' MTU %u "
				     "(portgroup '%s')", vlabel(a->name), a->mtu, p->switches[sw].name,
				     p->switches[sw].mtu, a->portgroup);
		} else if ((a->backing == PROFILE_BACKING_MACVLAN || a->backing == PROFILE_BACKING_VLAN) &&
			   a->uplink) {
			long u = vindex_find(&c->uplinks, a->uplink);

			if (u >= 0 && p->uplinks[u].mtu && a->mtu > p->uplinks[u].mtu)
				verr(c, loc, "mtu: adapter '%s' MTU %u is larger than its uplink '%s' "
				     "MTU %u", vlabel(a->name), a->mtu, a->uplink, p->uplinks[u].mtu);
		} else if (a->backing == PROFILE_BACKING_VLAN && a->switch_name) {
			long sw = vindex_find(&c->switches, a->switch_name);

			if (sw >= 0 && a->mtu > p->switches[sw].mtu)
				verr(c, loc, "mtu: adapter '%s' MTU %u is larger than switch '%s' MTU %u",
				     vlabel(a->name), a->mtu, a->switch_name, p->switches[sw].mtu);
		} else if (profile_backing_in_place(a->backing) && a->mtu_loc.file) {
			check_in_place_mtu(c, a);
		}
	}
}

/* A route leaves through an adapter of its own stack: an adapter on another
 * stack is in another routing table. */
static void check_route_adapters(struct vctx *c)
{
	const struct profile *p = c->p;

	for (size_t i = 0; i < p->n_routes; i++) {
		const struct profile_route *r = &p->routes[i];
		long a = r->adapter ? vindex_find(&c->adapters, r->adapter) : -1;

		if (a < 0 || !r->stack || !p->adapters[a].stack ||
		    strcmp(p->adapters[a].stack, r->stack) == 0)
			continue;
		verr(c, &r->adapter_loc, "adapter: '%s' is on stack '%s', but the route is on stack "
		     "'%s'", r->adapter, p->adapters[a].stack, r->stack);
	}
}

/* A stack's gateway is its default route with metric 0: a route to the
 * default with metric 0 on the same stack would be the same kernel route. */
static void check_default_routes(struct vctx *c)
{
	const struct profile *p = c->p;

	for (size_t i = 0; i < p->n_routes; i++) {
		const struct profile_route *r = &p->routes[i];
		long s = r->stack ? vindex_find(&c->stacks, r->stack) : -1;
		const struct profile_gateway *gw;
		const struct hn_loc *gloc;

		if (s < 0 || r->to.prefixlen != 0 || !r->to.family || r->metric != 0)
			continue;
		gw = &p->stacks[s].gateway;
		gloc = r->to.family == AF_INET ? &gw->ipv4_loc : &gw->ipv6_loc;
		if ((r->to.family == AF_INET ? gw->ipv4.family : gw->ipv6.family) == 0)
			continue;
		char where[256];
		verr(c, vloc(&r->to_loc, &r->loc), "to: the default route of stack '%s' with metric 0 "
		     "is its gateway (%s); give this route a metric or drop it", r->stack,
		     vwhere(gloc, &r->to_loc, where, sizeof(where)));
	}
}

/* In a stack's own table hostnet adds each subnet's connected route, and a
 * table routes a subnet through one device: two adapters of one isolated
 * stack in the same subnet would need the same route twice.  (The main
 * table is the kernel's, which keeps one per device.) */
struct vnet {
	const char *stack;
	struct hn_addr net;
	const struct vaddr *a;
};

static int cmp_vnet(const void *x, const void *y)
{
	const struct vnet *a = x, *b = y;
	int r = strcmp(a->stack, b->stack);

	if (r)
		return r;
	r = addr_cmp(&a->net, &b->net);
	if (r)
		return r;
	return a->a->order < b->a->order ? -1 : a->a->order > b->a->order;
}

static void check_stack_subnets(struct vctx *c, const struct vaddr *v, size_t n)
{
	const struct profile *p = c->p;
	struct vnet *nets = calloc(n + 1, sizeof(*nets));
	size_t k = 0;
	char net[ADDR_STRLEN], where[256];

	if (!nets) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct profile_adapter *a = &p->adapters[v[i].adapter];
		long s = a->stack ? vindex_find(&c->stacks, a->stack) : -1;

		if (s < 0 || p->stacks[s].isolation != PROFILE_ISOLATION_TABLE ||
		    strcmp(a->stack, PROFILE_DEFAULT_STACK) == 0)
			continue;
		nets[k++] = (struct vnet){ a->stack, addr_network(&v[i].addr), &v[i] };
	}
	hn_qsort(nets, k, sizeof(*nets), cmp_vnet);
	for (size_t i = 1; i < k; i++) {
		if (strcmp(nets[i].stack, nets[i - 1].stack) || addr_cmp(&nets[i].net, &nets[i - 1].net) ||
		    nets[i].a->adapter == nets[i - 1].a->adapter)
			continue;
		verr(c, nets[i].a->loc, "subnet %s is already on adapter '%s' at %s; stack '%s' "
		     "reaches a subnet through one adapter", addr_format(&nets[i].net, true, net, sizeof(net)),
		     vlabel(p->adapters[nets[i - 1].a->adapter].name),
		     vwhere(nets[i - 1].a->loc, nets[i].a->loc, where, sizeof(where)), nets[i].stack);
	}
	free(nets);
}

void validate_net(struct vctx *c)
{
	const struct profile *p = c->p;
	size_t n;
	struct vaddr *v = collect_addrs(c, &n);
	struct vsubnets ix;

	if (!v)
		return;
	check_unique_addrs(c, v, n);
	check_stack_subnets(c, v, n);
	if (!vsubnets_build(c, &ix, v, n))
		goto out;
	for (size_t i = 0; i < p->n_stacks; i++) {
		const struct profile_stack *st = &p->stacks[i];

		if (!st->name)
			continue;
		check_gateway(c, &ix, st, &st->gateway.ipv4, &st->gateway.ipv4_loc, "gateway.ipv4");
		check_gateway(c, &ix, st, &st->gateway.ipv6, &st->gateway.ipv6_loc, "gateway.ipv6");
	}
	check_route_vias(c, &ix);
	check_route_dups(c);
	check_route_adapters(c);
	check_default_routes(c);
	check_mtus(c);
out:
	vsubnets_clear(&ix);
	free(v);
}
