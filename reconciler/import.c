/* import: the kernel's objects -> the objects of a host profile (import.h). */
#include "import.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "esc.h"
#include "mark.h"
#include "sort.h"

#define IP6_RT_PRIO_USER 1024u

/* A link as import sees it. */
enum ilink_role {
	ILINK_NONE,        /* not imported (noted, or lo) */
	ILINK_SWITCH,
	ILINK_UPLINK,
	ILINK_VLAN,        /* a VLAN device: an adapter when it has addresses */
};

struct ilink {
	const struct kobj_link *l;
	enum ilink_role role;
	long index;        /* into uplinks / switches by role */
	long adapter;      /* into adapters, -1 = none yet */
};

struct ictx {
	struct import_profile *p;
	const struct kobj_set *have;
	const struct import_opts *o;
	struct ilink *links;       /* sorted by ifindex */
	size_t n_links;
	size_t cap_uplinks, cap_switches, cap_stacks, cap_adapters, cap_routes, cap_notes;
	size_t kernel_routes, link_local, dynamic;
	bool oom;
};

static void *grow(struct ictx *c, void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;

	if (n < *cap)
		return *v;
	nv = realloc(*v, (*cap ? *cap * 2 : 8) * size);
	if (!nv) {
		c->oom = true;
		return NULL;
	}
	*cap = *cap ? *cap * 2 : 8;
	*v = nv;
	return nv;
}

#define PUSH(c, arr, n, cap) \
	(grow((c), (void **)&(arr), (n), &(cap), sizeof(*(arr))) ? \
	 memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++] : NULL)

__attribute__((format(printf, 3, 4)))
static void note(struct ictx *c, enum import_note_kind kind, const char *fmt, ...)
{
	struct import_note *n;
	char *raw = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (r < 0) {
		c->oom = true;
		return;
	}
	n = PUSH(c, c->p->notes, c->p->n_notes, c->cap_notes);
	/* Kernel names and aliases may hold anything: a comment shows them
	 * escaped, on one line. */
	if (!n || !(n->text = esc_dup(raw))) {
		if (n)
			c->p->n_notes--;
		c->oom = true;
	} else {
		n->kind = kind;
	}
	free(raw);
}

static int cmp_ilink(const void *a, const void *b)
{
	int x = ((const struct ilink *)a)->l->ifindex, y = ((const struct ilink *)b)->l->ifindex;

	return (x > y) - (x < y);
}

static struct ilink *ilink_of(struct ictx *c, int ifindex)
{
	struct kobj_link key_l = { .ifindex = ifindex };
	struct ilink key = { .l = &key_l };

	return ifindex ? hn_bsearch(&key, c->links, c->n_links, sizeof(*c->links), cmp_ilink) : NULL;
}

static void copy_name(char dst[KOBJ_IFNAMSIZ], const char *src)
{
	size_t n = strnlen(src, KOBJ_IFNAMSIZ - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Interface names hostnet accepts: printable ASCII (the schema's ifname). */
static bool printable_name(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return false;
	return true;
}

static bool named_uplink(const struct ictx *c, const char *name)
{
	for (size_t i = 0; i < c->o->n_uplinks; i++)
		if (strcmp(c->o->uplinks[i], name) == 0)
			return true;
	return false;
}

static bool nic_like(const struct ictx *c, const struct kobj_link *l)
{
	if (c->o->uplinks)
		return named_uplink(c, l->name);
	return l->kind == KOBJ_LINK_KIND_DEVICE || l->kind == KOBJ_LINK_KIND_VETH;
}

/* Decides each link's role; bridges first, so that ports know theirs. */
static void classify_links(struct ictx *c)
{
	for (size_t i = 0; i < c->n_links; i++) {
		struct ilink *il = &c->links[i];
		const struct kobj_link *l = il->l;
		struct import_switch *s;

		il->adapter = -1;
		if (strcmp(l->name, "lo") == 0)
			continue;
		if (l->owned) {
			note(c, IMPORT_NOTE_LEFT_OUT, "link %s: hostnet's own (a profile already "
			     "applied here describes it)", l->name);
			continue;
		}
		if (!printable_name(l->name)) {
			note(c, IMPORT_NOTE_LEFT_OUT, "link %s: its name is not printable ASCII",
			     l->name);
			continue;
		}
		if (l->alias[0]) {
			note(c, IMPORT_NOTE_LEFT_OUT, "link %s: its alias '%s' says it is another "
			     "tool's", l->name, l->alias);
			continue;
		}
		if (l->kind != KOBJ_LINK_KIND_BRIDGE)
			continue;
		s = PUSH(c, c->p->switches, c->p->n_switches, c->cap_switches);
		if (!s)
			return;
		copy_name(s->name, l->name);
		s->mtu = l->mtu;
		il->role = ILINK_SWITCH;
		il->index = (long)c->p->n_switches - 1;
	}
	for (size_t i = 0; i < c->n_links; i++) {
		struct ilink *il = &c->links[i], *m;
		const struct kobj_link *l = il->l;
		struct import_uplink *u;

		if (il->role != ILINK_NONE || strcmp(l->name, "lo") == 0 || l->owned || l->alias[0] ||
		    !printable_name(l->name) || l->kind == KOBJ_LINK_KIND_BRIDGE)
			continue;
		if (l->kind == KOBJ_LINK_KIND_VLAN) {
			il->role = ILINK_VLAN;
			continue;
		}
		m = ilink_of(c, l->master);
		if (!nic_like(c, l)) {
			if (!c->o->uplinks)
				note(c, IMPORT_NOTE_LEFT_OUT, "link %s: kind %s is not modelled%s%s",
				     l->name, l->kind_name[0] ? l->kind_name : kobj_link_kind_name(l->kind),
				     m ? ", a port of " : "", m ? m->l->name : "");
			continue;
		}
		if (l->master && (!m || m->role != ILINK_SWITCH)) {
			note(c, IMPORT_NOTE_LEFT_OUT, "link %s: enslaved to %s, which is not imported "
			     "as a switch", l->name, m ? m->l->name : "another namespace's link");
			continue;
		}
		u = PUSH(c, c->p->uplinks, c->p->n_uplinks, c->cap_uplinks);
		if (!u)
			return;
		copy_name(u->name, l->name);
		u->sw = m ? m->index : -1;
		/* A port takes its switch's MTU unless it has one of its own. */
		if (u->sw >= 0 ? l->mtu != c->p->switches[u->sw].mtu : l->mtu != PROFILE_DEFAULT_MTU)
			u->mtu = l->mtu;
		u->down = u->sw >= 0 && !l->admin_up;
		il->role = ILINK_UPLINK;
		il->index = (long)c->p->n_uplinks - 1;
	}
}

static struct import_adapter *new_adapter(struct ictx *c, struct ilink *il)
{
	struct import_adapter *a = PUSH(c, c->p->adapters, c->p->n_adapters, c->cap_adapters);

	if (!a)
		return NULL;
	copy_name(a->name, il->l->name);
	a->down = !il->l->admin_up;
	il->adapter = (long)c->p->n_adapters - 1;
	return a;
}

/* The adapter an address on `il` belongs to, made on first use; NULL when
 * the link carries no adapter (noted). */
static struct import_adapter *adapter_on(struct ictx *c, struct ilink *il, const char *addr)
{
	struct import_adapter *a;
	struct ilink *parent;

	if (il->adapter >= 0)
		return &c->p->adapters[il->adapter];
	switch (il->role) {
	case ILINK_SWITCH:
		a = new_adapter(c, il);
		if (a)
			a->backing = PROFILE_BACKING_SWITCH;
		return a;
	case ILINK_UPLINK:
		if (c->p->uplinks[il->index].sw >= 0) {
			note(c, IMPORT_NOTE_LEFT_OUT, "address %s on %s: a switch port's address "
			     "(the bridge takes its frames; it belongs on the switch)", addr,
			     il->l->name);
			return NULL;
		}
		a = new_adapter(c, il);
		if (a)
			a->backing = PROFILE_BACKING_UPLINK;
		return a;
	case ILINK_VLAN:
		parent = ilink_of(c, il->l->link);
		if (!parent || (parent->role != ILINK_SWITCH &&
				(parent->role != ILINK_UPLINK || c->p->uplinks[parent->index].sw >= 0))) {
			note(c, IMPORT_NOTE_LEFT_OUT, "address %s on %s: a VLAN device over neither "
			     "a switch nor an uplink in no switch", addr, il->l->name);
			return NULL;
		}
		a = new_adapter(c, il);
		if (!a)
			return NULL;
		a->backing = PROFILE_BACKING_VLAN;
		copy_name(a->parent, parent->l->name);
		a->parent_is_switch = parent->role == ILINK_SWITCH;
		a->vlan = il->l->vlan_id;
		if (il->l->mtu != PROFILE_DEFAULT_MTU)
			a->mtu = il->l->mtu;
		if (il->l->has_mac && parent->l->has_mac &&
		    memcmp(&il->l->mac, &parent->l->mac, sizeof(il->l->mac)) != 0) {
			a->mac = il->l->mac;
			a->has_mac = true;
		}
		return a;
	case ILINK_NONE:
		break;
	}
	return NULL;
}

static bool link_local(const struct hn_addr *a)
{
	if (a->family == AF_INET)
		return a->bytes[0] == 169 && a->bytes[1] == 254;
	return a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

static void import_addrs(struct ictx *c)
{
	for (size_t i = 0; i < c->have->n_addrs; i++) {
		const struct kobj_addr *ka = &c->have->addrs[i];
		struct ilink *il = ilink_of(c, ka->ifindex);
		struct import_adapter *a;
		struct hn_addr *v;
		char s[ADDR_STRLEN];

		if (!il || strcmp(il->l->name, "lo") == 0)
			continue;
		addr_format(&ka->addr, true, s, sizeof(s));
		if (link_local(&ka->addr) || ka->scope == RT_SCOPE_LINK) {
			c->link_local++;
			continue;
		}
		if (il->role == ILINK_NONE)
			continue;   /* its link is noted */
		if (!(ka->flags & IFA_F_PERMANENT) || ka->proto == KOBJ_PROTO_DHCP) {
			note(c, IMPORT_NOTE_LEFT_OUT, "address %s on %s: dynamic (from DHCP or router "
			     "advertisements; say ipv4: dhcp or ipv6: [auto] for that)", s, il->l->name);
			continue;
		}
		if (addr_not_host(&ka->addr)) {
			note(c, IMPORT_NOTE_LEFT_OUT, "address %s on %s: %s", s, il->l->name,
			     addr_not_host(&ka->addr));
			continue;
		}
		a = adapter_on(c, il, s);
		if (!a)
			continue;
		v = realloc(a->addrs, (a->n_addrs + 1) * sizeof(*v));
		if (!v) {
			c->oom = true;
			return;
		}
		a->addrs = v;
		v[a->n_addrs++] = ka->addr;
	}
}

/* The adapter that has `ip` (any prefix): the selector of a "from" rule. */
static long adapter_with(const struct import_profile *p, const struct hn_addr *ip)
{
	for (size_t i = 0; i < p->n_adapters; i++)
		for (size_t j = 0; j < p->adapters[i].n_addrs; j++) {
			struct hn_addr x = p->adapters[i].addrs[j];

			x.prefixlen = ip->prefixlen;
			if (addr_cmp(&x, ip) == 0 || addr_in_subnet(ip, &p->adapters[i].addrs[j]))
				return (long)i;
		}
	return -1;
}

static long stack_of_table(const struct import_profile *p, uint32_t table)
{
	for (size_t i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].table == table)
			return (long)i;
	return -1;
}

static void import_rules(struct ictx *c)
{
	for (size_t i = 0; i < c->have->n_rules; i++) {
		const struct kobj_rule *r = &c->have->rules[i];
		char s[ADDR_STRLEN];
		struct import_stack *st;
		long a, k;

		if (r->table >= RT_TABLE_DEFAULT && r->table <= RT_TABLE_LOCAL && !r->src.family &&
		    !r->dst.family && !r->iif[0] && !r->oif[0] && !r->fwmark)
			continue;   /* the kernel's own three */
		if (r->action != FR_ACT_TO_TBL || !r->src.family || r->dst.family || r->iif[0] ||
		    r->oif[0] || r->fwmark || (r->table >= RT_TABLE_DEFAULT && r->table <= RT_TABLE_LOCAL)) {
			note(c, IMPORT_NOTE_LEFT_OUT, "rule priority %u (table %u): only 'from <address> "
			     "lookup <table>' rules become stacks", r->priority, r->table);
			continue;
		}
		addr_format(&r->src, true, s, sizeof(s));
		a = adapter_with(c->p, &r->src);
		if (a < 0) {
			note(c, IMPORT_NOTE_LEFT_OUT, "rule from %s lookup %u: no imported address "
			     "matches it", s, r->table);
			continue;
		}
		k = stack_of_table(c->p, r->table);
		if (k < 0) {
			st = PUSH(c, c->p->stacks, c->p->n_stacks, c->cap_stacks);
			if (!st)
				return;
			snprintf(st->name, sizeof(st->name), "table%u", r->table);
			st->table = r->table;
			st->rule_priority = r->priority;
			k = (long)c->p->n_stacks - 1;
		}
		if (c->p->adapters[a].stack && c->p->adapters[a].stack != (size_t)k) {
			note(c, IMPORT_NOTE_LEFT_OUT, "rule from %s lookup %u: %s is already on "
			     "stack %s", s, r->table, c->p->adapters[a].name,
			     c->p->stacks[c->p->adapters[a].stack].name);
			continue;
		}
		c->p->adapters[a].stack = (size_t)k;
	}
}

/* The adapter on stack `k` whose subnet holds `ip` (longest prefix), as
 * realize.c picks the device of a gateway; -1 when none. */
static long adapter_for(const struct import_profile *p, size_t k, const struct hn_addr *ip)
{
	long best = -1;
	unsigned best_len = 0;

	for (size_t i = 0; i < p->n_adapters; i++) {
		if (p->adapters[i].stack != k)
			continue;
		for (size_t j = 0; j < p->adapters[i].n_addrs; j++) {
			const struct hn_addr *a = &p->adapters[i].addrs[j];

			if (addr_in_subnet(a, ip) && (best < 0 || a->prefixlen > best_len)) {
				best = (long)i;
				best_len = a->prefixlen;
			}
		}
	}
	return best;
}

static const char *dev_name(struct ictx *c, int oif)
{
	struct ilink *il = ilink_of(c, oif);

	return il ? il->l->name : "";
}

static void import_default(struct ictx *c, const struct kobj_route *r, size_t k, const char *what)
{
	struct import_stack *st = &c->p->stacks[k];
	struct hn_addr *gw = r->family == AF_INET ? &st->gw4 : &st->gw6;
	char s[ADDR_STRLEN];
	long a;

	if (!r->gateway.family) {
		note(c, IMPORT_NOTE_LEFT_OUT, "%s: a default route without a gateway", what);
		return;
	}
	addr_format(&r->gateway, false, s, sizeof(s));
	if (gw->family) {
		note(c, IMPORT_NOTE_LEFT_OUT, "%s: stack %s already has gateway %s", what, st->name,
		     r->family == AF_INET ? "IPv4" : "IPv6");
		return;
	}
	a = adapter_for(c->p, k, &r->gateway);
	if (a < 0 || strcmp(c->p->adapters[a].name, dev_name(c, r->oif)) != 0) {
		note(c, IMPORT_NOTE_LEFT_OUT, "%s: gateway %s is in no imported subnet of %s on "
		     "stack %s", what, s, dev_name(c, r->oif), st->name);
		return;
	}
	*gw = r->gateway;
	if (k == 0 && r->family == AF_INET)
		c->p->adapters[a].management = true;
}

static bool has_subnet(const struct import_adapter *a, const struct hn_addr *net)
{
	for (size_t i = 0; i < a->n_addrs; i++) {
		struct hn_addr n = addr_network(&a->addrs[i]);

		if (addr_cmp(&n, net) == 0)
			return true;
	}
	return false;
}

static void import_route(struct ictx *c, const struct kobj_route *r, size_t k, const char *what)
{
	const char *dev = dev_name(c, r->oif);
	struct import_route *ir;
	long a = -1, via_a = -1;

	if (r->gateway.family)
		via_a = adapter_for(c->p, k, &r->gateway);
	for (size_t i = 0; i < c->p->n_adapters && a < 0; i++)
		if (c->p->adapters[i].stack == k && strcmp(c->p->adapters[i].name, dev) == 0)
			a = (long)i;
	/* A table-isolated stack gets its adapters' connected routes from
	 * hostnet (realize.c): the same route in the profile would be twice. */
	if (a >= 0 && k && !r->gateway.family && has_subnet(&c->p->adapters[a], &r->dst))
		return;
	if (a < 0 || (r->gateway.family && via_a != a)) {
		note(c, IMPORT_NOTE_LEFT_OUT, "%s: it leaves by %s, which has no imported adapter "
		     "on stack %s%s", what, *dev ? dev : "no device", c->p->stacks[k].name,
		     r->gateway.family ? " holding its gateway" : "");
		return;
	}
	ir = PUSH(c, c->p->routes, c->p->n_routes, c->cap_routes);
	if (!ir)
		return;
	ir->to = r->dst;
	ir->via = r->gateway;
	ir->stack = k;
	if (!r->gateway.family)
		copy_name(ir->adapter, dev);
	if (r->metric != (r->family == AF_INET6 ? IP6_RT_PRIO_USER : 0))
		ir->metric = r->metric;
}

static void import_routes(struct ictx *c)
{
	for (size_t i = 0; i < c->have->n_routes; i++) {
		const struct kobj_route *r = &c->have->routes[i];
		char dst[ADDR_STRLEN], what[ADDR_STRLEN + 64];
		long k;

		if (r->table == RT_TABLE_LOCAL || r->type != RTN_UNICAST)
			continue;
		if (r->protocol == RTPROT_KERNEL) {
			c->kernel_routes++;
			continue;
		}
		addr_format(&r->dst, true, dst, sizeof(dst));
		snprintf(what, sizeof(what), "route %s%s table %u", r->dst.prefixlen ? dst : "default",
			 r->dst.prefixlen || r->family == AF_INET ? "" : " (ipv6)", r->table);
		if (r->protocol != RTPROT_BOOT && r->protocol != RTPROT_STATIC) {
			note(c, IMPORT_NOTE_LEFT_OUT, "%s: protocol %u (%s)", what, r->protocol,
			     r->protocol == RTPROT_RA || r->protocol == KOBJ_PROTO_DHCP
				     ? "from DHCP or router advertisements"
				     : r->protocol == KOBJ_RTPROT_HOSTNET ? "hostnet's own"
				     : "another routing daemon's");
			continue;
		}
		k = r->table == RT_TABLE_MAIN ? 0 : stack_of_table(c->p, r->table);
		if (k < 0) {
			note(c, IMPORT_NOTE_LEFT_OUT, "%s: no 'from' rule makes table %u a stack",
			     what, r->table);
			continue;
		}
		if (!r->dst.prefixlen)
			import_default(c, r, (size_t)k, what);
		else
			import_route(c, r, (size_t)k, what);
	}
}

/* A bridge's MAC follows its ports' unless one was set: keep it only when
 * it is none of theirs. */
static void import_macs(struct ictx *c)
{
	for (size_t i = 0; i < c->n_links; i++) {
		const struct ilink *il = &c->links[i];
		bool ports = false, inherited = false;

		if (il->role != ILINK_SWITCH || il->adapter < 0 || !il->l->has_mac)
			continue;
		for (size_t j = 0; j < c->n_links; j++) {
			const struct kobj_link *p = c->links[j].l;

			if (p->master != il->l->ifindex)
				continue;
			ports = true;
			inherited |= p->has_mac && memcmp(&p->mac, &il->l->mac, sizeof(p->mac)) == 0;
		}
		if (ports && !inherited) {
			c->p->adapters[il->adapter].mac = il->l->mac;
			c->p->adapters[il->adapter].has_mac = true;
		}
	}
}

static void guess_management(struct ictx *c)
{
	for (size_t i = 0; i < c->p->n_adapters; i++)
		if (c->p->adapters[i].management) {
			note(c, IMPORT_NOTE_GUESSED, "services: [management] on %s, which carries "
			     "the main table's default route", c->p->adapters[i].name);
			return;
		}
	if (!c->p->n_adapters) {
		note(c, IMPORT_NOTE_LEFT_OUT, "every adapter: no address to import; a host profile "
		     "needs a management adapter, so this one will not validate as it is");
		return;
	}
	c->p->adapters[0].management = true;
	note(c, IMPORT_NOTE_GUESSED, "services: [management] on %s, the first adapter (no "
	     "default route in the main table says which)", c->p->adapters[0].name);
}

int import_build(struct import_profile *out, const struct kobj_set *have,
		 const struct import_opts *o)
{
	struct ictx c = { .p = out, .have = have, .o = o };
	struct import_stack *st;

	*out = (struct import_profile){ 0 };
	snprintf(out->host, sizeof(out->host), "%s", o->host ? o->host : "");
	c.links = calloc(have->n_links + 1, sizeof(*c.links));
	if (!c.links)
		return -ENOMEM;
	for (size_t i = 0; i < have->n_links; i++)
		c.links[c.n_links++] = (struct ilink){ .l = &have->links[i], .adapter = -1 };
	hn_qsort(c.links, c.n_links, sizeof(*c.links), cmp_ilink);
	st = PUSH(&c, out->stacks, out->n_stacks, c.cap_stacks);
	if (st) {
		copy_name(st->name, PROFILE_DEFAULT_STACK);
		st->table = PROFILE_MAIN_TABLE;
	}
	classify_links(&c);
	import_addrs(&c);
	import_rules(&c);
	import_routes(&c);
	import_macs(&c);
	guess_management(&c);
	if (c.link_local)
		note(&c, IMPORT_NOTE_LEFT_OUT, "%zu link-local address%s: the kernel makes them",
		     c.link_local, c.link_local == 1 ? "" : "es");
	if (c.kernel_routes)
		note(&c, IMPORT_NOTE_LEFT_OUT, "%zu route%s of protocol kernel: the connected "
		     "routes of the addresses, which the kernel makes", c.kernel_routes,
		     c.kernel_routes == 1 ? "" : "s");
	if (out->n_uplinks)
		note(&c, IMPORT_NOTE_LEFT_OUT, "the NICs' MAC addresses: their hardware's");
	free(c.links);
	if (c.oom) {
		import_profile_clear(out);
		return -ENOMEM;
	}
	return 0;
}

void import_profile_clear(struct import_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_adapters; i++)
		free(p->adapters[i].addrs);
	for (size_t i = 0; i < p->n_notes; i++)
		free(p->notes[i].text);
	free(p->uplinks);
	free(p->switches);
	free(p->stacks);
	free(p->adapters);
	free(p->routes);
	free(p->notes);
	*p = (struct import_profile){ 0 };
}
