/* services: the service -> adapter/address/stack table (services.h). */
#include "services.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "diff.h"
#include "realize.h"
#include "view.h"

static const struct view_stack *stack_named(const struct view *v, const char *name)
{
	for (size_t i = 0; i < v->n_stacks; i++)
		if (strcmp(v->stacks[i].name, name) == 0)
			return &v->stacks[i];
	return NULL;
}

static bool link_local6(const struct hn_addr *a)
{
	return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

/* The first global address of each family (the set's order: the kernel's,
 * or the want's sorted one), and whether a DHCP lease (or, in a desired
 * state, the 0.0.0.0/32 that stands for one) is there. */
static void fill_addrs(struct services_entry *e, const struct kobj_set *set, int ifindex)
{
	for (size_t i = 0; i < set->n_addrs; i++) {
		const struct kobj_addr *a = &set->addrs[i];
		struct hn_addr *slot;

		if (a->ifindex != ifindex || a->scope != RT_SCOPE_UNIVERSE || link_local6(&a->addr))
			continue;
		if (a->proto == KOBJ_PROTO_DHCP && a->addr.family == AF_INET) {
			e->dhcp4 = true;
			if (a->addr.prefixlen == 32 && !a->addr.bytes[0] && !a->addr.bytes[1] &&
			    !a->addr.bytes[2] && !a->addr.bytes[3])
				continue;
		}
		slot = a->addr.family == AF_INET ? &e->addr4 : a->addr.family == AF_INET6 ? &e->addr6 : NULL;
		if (slot && !slot->family)
			*slot = a->addr;
	}
}

int services_from_set(struct services_list *out, const struct kobj_set *set)
{
	return services_from_set_want(out, set, NULL);
}

int services_from_set_want(struct services_list *out, const struct kobj_set *set, const struct want *w)
{
	struct view v = { 0 };
	size_t cap = 0;
	int r = view_build_want(&v, set, w);

	*out = (struct services_list){ 0 };
	if (r < 0)
		return r;
	for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
		for (size_t i = 0; i < v.n_adapters; i++) {
			const struct view_adapter *a = &v.adapters[i];
			const struct view_stack *st;
			struct services_entry *e;

			if (!(a->mark.services & (1u << s)))
				continue;
			if (out->n == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				void *p = realloc(out->v, ncap * sizeof(*out->v));

				if (!p) {
					r = -ENOMEM;
					goto out;
				}
				out->v = p;
				cap = ncap;
			}
			e = &out->v[out->n++];
			*e = (struct services_entry){ .service = (enum profile_service)s, .mtu = a->link->mtu,
						      .table = a->table };
			snprintf(e->adapter, sizeof(e->adapter), "%s", a->link->name);
			snprintf(e->stack, sizeof(e->stack), "%s", a->stack);
			st = stack_named(&v, a->stack);
			if (st) {
				if (!e->table)
					e->table = st->table;
				if (st->gw4)
					e->gw4 = st->gw4->gateway;
				if (st->gw6)
					e->gw6 = st->gw6->gateway;
			}
			fill_addrs(e, set, a->link->ifindex);
		}
	}
out:
	view_clear(&v);
	if (r < 0)
		services_list_clear(out);
	return r;
}

int services_from_want(struct services_list *out, const struct want *w)
{
	struct kobj_set set = { 0 };
	int r = diff_observed_from_want(&set, w);

	*out = (struct services_list){ 0 };
	if (r == 0)
		r = services_from_set_want(out, &set, w);
	kobj_set_clear(&set);
	return r;
}

void services_list_clear(struct services_list *l)
{
	if (!l)
		return;
	free(l->v);
	*l = (struct services_list){ 0 };
}

const struct services_entry *services_find(const struct services_list *l, enum profile_service s)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].service == s)
			return &l->v[i];
	return NULL;
}

static const char *ip(const struct hn_addr *a, char *buf)
{
	return a->family ? addr_format(a, false, buf, ADDR_STRLEN) : "";
}

static const char *plen(const struct hn_addr *a, char *buf)
{
	if (!a->family)
		return "";
	snprintf(buf, 8, "%u", a->prefixlen);
	return buf;
}

int services_env_text(char *buf, size_t size, const struct services_list *l, enum profile_service s)
{
	const struct services_entry *e = services_find(l, s);
	char a4[ADDR_STRLEN], a6[ADDR_STRLEN], g4[ADDR_STRLEN], g6[ADDR_STRLEN], p4[8], p6[8];
	char all[256] = "", table[16] = "";

	if (!e)
		return -ENOENT;
	for (size_t i = (size_t)(e - l->v); i < l->n && l->v[i].service == s; i++) {
		size_t n = strlen(all);

		snprintf(all + n, sizeof(all) - n, "%s%s", n ? " " : "", l->v[i].adapter);
	}
	if (e->table)
		snprintf(table, sizeof(table), "%u", e->table);
	return snprintf(buf, size,
			"# Written by hostnet after each apply; do not edit.\n"
			"HOSTNET_SERVICE=%s\n"
			"HOSTNET_ADAPTER=%s\n"
			"HOSTNET_ADAPTERS=\"%s\"\n"
			"HOSTNET_ADDRESS4=%s\n"
			"HOSTNET_PREFIX4=%s\n"
			"HOSTNET_ADDRESS6=%s\n"
			"HOSTNET_PREFIX6=%s\n"
			"HOSTNET_DHCP4=%s\n"
			"HOSTNET_STACK=%s\n"
			"HOSTNET_TABLE=%s\n"
			"HOSTNET_GATEWAY4=%s\n"
			"HOSTNET_GATEWAY6=%s\n"
			"HOSTNET_MTU=%u\n",
			profile_service_name(s), e->adapter, all, ip(&e->addr4, a4), plen(&e->addr4, p4),
			ip(&e->addr6, a6), plen(&e->addr6, p6), e->dhcp4 ? "yes" : "no", e->stack, table,
			ip(&e->gw4, g4), ip(&e->gw6, g6), e->mtu);
}

static json_t *jaddr(const struct hn_addr *a, bool prefix)
{
	char buf[ADDR_STRLEN];

	return a->family ? json_string(addr_format(a, prefix, buf, sizeof(buf))) : json_null();
}

json_t *services_entry_json(const struct services_entry *e)
{
	return json_pack("{s:s,s:s,s:o,s:o,s:b,s:s,s:o,s:o,s:o,s:I}",
			 "service", profile_service_name(e->service), "adapter", e->adapter,
			 "address4", jaddr(&e->addr4, true), "address6", jaddr(&e->addr6, true),
			 "dhcp4", e->dhcp4, "stack", e->stack,
			 "table", e->table ? json_integer(e->table) : json_null(),
			 "gateway4", jaddr(&e->gw4, false), "gateway6", jaddr(&e->gw6, false),
			 "mtu", (json_int_t)e->mtu);
}

json_t *services_json(const struct services_list *l)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < l->n; i++) {
		if (json_array_append_new(arr, services_entry_json(&l->v[i])) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}
