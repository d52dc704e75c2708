/* Fixtures of the realize and diff tests: a profile realized from YAML, and
 * a simulated host (kobj_sets built by hand, or the set a want becomes once
 * applied).  Shared by test-realize.c, test-diff.c and test-settings.c. */
#pragma once

#include <linux/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "diff.h"
#include "kobj.h"
#include "realize.h"

static inline struct hn_addr ip(const char *s)
{
	struct hn_addr a;

	assert_int_equal(addr_parse_prefix_or_ip(&a, s), 0);
	return a;
}

static inline struct kobj_link *have_link(struct kobj_set *s, const char *name)
{
	for (size_t i = 0; i < s->n_links; i++)
		if (strcmp(s->links[i].name, name) == 0)
			return &s->links[i];
	fail_msg("no observed link %s", name);
	abort();   /* not reached: tells the compiler the result is never NULL */
}

static inline int index_of(const struct kobj_set *s, const char *name)
{
	const struct kobj_link *l = name[0] ? kobj_set_link_by_name(s, name) : NULL;

	return l ? l->ifindex : 0;
}

static inline void add_lo(struct kobj_set *s)
{
	struct kobj_link lo = { .ifindex = 1, .name = "lo", .kind = KOBJ_LINK_KIND_DEVICE,
				.mtu = 65536, .admin_up = true };

	assert_int_equal(kobj_set_add_link(s, &lo), 0);
}

/* A host's NIC before hostnet: MTU 1500, down, in no bridge. */
static inline void add_nic(struct kobj_set *s, const char *name, int ifindex)
{
	struct kobj_link l = { .ifindex = ifindex, .kind = KOBJ_LINK_KIND_DEVICE, .mtu = 1500,
			       .has_mac = true, .mac = { { 0x52, 0x54, 0, 0, 0, (uint8_t)ifindex } } };

	snprintf(l.name, sizeof(l.name), "%s", name);
	assert_int_equal(kobj_set_add_link(s, &l), 0);
}

/* What observe reports once the want is applied: every link (ifindexes from
 * 10, each with a MAC, a bond's primary as an ifindex), and the addresses,
 * routes and rules with hostnet's marks, devices by ifindex. */
static inline void observe_want(struct kobj_set *s, const struct want *w)
{
	memset(s, 0, sizeof(*s));
	add_lo(s);
	for (size_t i = 0; i < w->n_links; i++) {
		struct kobj_link l = w->links[i].l;

		l.ifindex = 10 + (int)i;
		l.owned = !w->links[i].foreign;
		if (!l.has_mac) {
			l.has_mac = true;
			l.mac = (struct hn_mac){ { 0x02, 0xaa, 0, 0, 0, (uint8_t)i } };
		}
		l.operstate = IF_OPER_UP;
		assert_int_equal(kobj_set_add_link(s, &l), 0);
	}
	for (size_t i = 0; i < w->n_links; i++) {
		const struct want_link *wl = &w->links[i];
		struct kobj_link *l = have_link(s, wl->l.name);

		l->master = index_of(s, wl->master);
		l->link = index_of(s, wl->peer[0] ? wl->peer : wl->parent);
		l->bond_primary = index_of(s, wl->primary);
	}
	for (size_t i = 0; i < w->n_addrs; i++) {
		struct kobj_addr a = w->addrs[i].a;

		a.ifindex = index_of(s, w->addrs[i].dev);
		a.owned = true;
		assert_int_equal(kobj_set_add_addr(s, &a), 0);
	}
	for (size_t i = 0; i < w->n_routes; i++) {
		struct kobj_route r = w->routes[i].r;

		r.oif = index_of(s, w->routes[i].dev);
		assert_int_equal(kobj_set_add_route(s, &r), 0);
	}
	for (size_t i = 0; i < w->n_rules; i++)
		assert_int_equal(kobj_set_add_rule(s, &w->rules[i].r), 0);
}

/* Parses, validates (no error allowed) and realizes `yaml`. */
static inline void realize_yaml(struct tu *t, struct want *w, const char *yaml)
{
	tu_run(t, yaml, 1);
	if (t->rc != 0 || t->d.n_errors)
		tu_print_diags(&t->d);
	assert_int_equal(t->rc, 0);
	assert_int_equal(t->d.n_errors, 0);
	assert_int_equal(realize_profile(w, t->p), 0);
}

static inline const char *fmt_loc(const struct hn_loc *l, char *buf, size_t size)
{
	snprintf(buf, size, "%s:%u:%u", l->file ? l->file : "-", l->line, l->col);
	return buf;
}

#define assert_loc(l, s) do {							\
		char b_[256];							\
		assert_string_equal(fmt_loc((l), b_, sizeof(b_)), (s));	\
	} while (0)

static inline const struct want_link *link_of(const struct want *w, const char *name)
{
	const struct want_link *l = want_link(w, name);

	if (!l)
		fail_msg("no link %s in the want", name);
	return l;
}

/* A realized profile and the kernel state to diff it with. */
struct fx {
	struct tu t;
	struct want w;
	struct kobj_set have;
	struct diff d;
	struct diag_list diags;
};

static inline void fx_realize(struct fx *f, const char *yaml)
{
	memset(f, 0, sizeof(*f));
	realize_yaml(&f->t, &f->w, yaml);
}

static inline void fx_end(struct fx *f)
{
	diff_clear(&f->d);
	diag_list_clear(&f->diags);
	kobj_set_clear(&f->have);
	want_clear(&f->w);
	tu_end(&f->t);
}

static inline int compute(struct fx *f)
{
	diff_clear(&f->d);
	diag_list_clear(&f->diags);
	return diff_compute(&f->d, &f->w, &f->have, &f->diags);
}
