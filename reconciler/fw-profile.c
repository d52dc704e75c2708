/* fw-profile: the top-level `firewall:` key -> struct profile_firewall.
 *
 *   firewall:
 *     enabled: true                  # default false
 *     services:
 *       management: {allow: [192.0.2.0/25], ports: [tcp/8006]}
 *
 * Each value is checked on its own here (a service name, a network, a
 * port); what spans objects (adapter names the ruleset can carry) is
 * validate.c's. */
#include "profile.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "conv.h"
#include "svccat.h"
#include "ydoc.h"

static void get_bool(struct conv *c, const struct ydoc_node *n, const char *key, bool *out)
{
	if (n->kind == YDOC_KIND_SCALAR && n->plain && strcmp(ydoc_str(n), "true") == 0)
		*out = true;
	else if (n->kind == YDOC_KIND_SCALAR && n->plain && strcmp(ydoc_str(n), "false") == 0)
		*out = false;
	else if (n->kind == YDOC_KIND_SCALAR)
		conv_error(c, n, "%s: expected true or false, found '%s'", key, ydoc_str(n));
	else
		conv_error(c, n, "%s: expected true or false, found %s", key, conv_describe(n));
}

/* A source network: "192.0.2.0/25", or one address ("192.0.2.7" = /32). */
static void conv_allow(struct conv *c, const struct ydoc_node *n, struct profile_fw_service *s)
{
	size_t count;

	if (ydoc_is_null(n) || !conv_seq(c, n, "allow") || ydoc_count(n) == 0)
		return;
	s->allow_loc = n->loc;
	count = ydoc_count(n);
	s->allow.v = arena_calloc(c->arena, count, sizeof(*s->allow.v));
	s->allow.loc = arena_calloc(c->arena, count, sizeof(*s->allow.loc));
	if (!s->allow.v || !s->allow.loc) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const struct ydoc_node *it = ydoc_item(n, i);
		struct hn_addr a, nw;
		const char *str;
		char buf[64];
		bool dup = false;

		if (!conv_str(c, it, "allow", &str))
			continue;
		if (addr_parse_prefix_or_ip(&a, str) < 0) {
			conv_error(c, it, "allow: '%s' is not a network (e.g. 192.0.2.0/25, "
				   "2001:db8::/48) or an address", str);
			continue;
		}
		if (a.prefixlen == 0) {
			conv_error(c, it, "allow: '%s' is every address; leave 'allow' out to allow "
				   "any source", str);
			continue;
		}
		if (!addr_is_network(&a)) {
			nw = addr_network(&a);
			conv_error(c, it, "allow: '%s' has host bits set; the network is %s", str,
				   addr_format(&nw, true, buf, sizeof(buf)));
			continue;
		}
		for (size_t j = 0; j < s->allow.n; j++)
			if (addr_cmp(&s->allow.v[j], &a) == 0)
				dup = true;
		if (dup) {
			conv_error(c, it, "allow: '%s' is listed twice", str);
			continue;
		}
		s->allow.loc[s->allow.n] = it->loc;
		s->allow.v[s->allow.n++] = a;
	}
}

static void conv_ports(struct conv *c, const struct ydoc_node *n, struct profile_fw_service *s)
{
	size_t count;

	if (ydoc_is_null(n) || !conv_seq(c, n, "ports") || ydoc_count(n) == 0)
		return;
	count = ydoc_count(n);
	s->ports = arena_calloc(c->arena, count, sizeof(*s->ports));
	s->ports_loc = arena_calloc(c->arena, count, sizeof(*s->ports_loc));
	if (!s->ports || !s->ports_loc) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const struct ydoc_node *it = ydoc_item(n, i);
		struct svccat_port p;
		const char *str, *why;
		bool dup = false;

		if (!conv_str(c, it, "ports", &str))
			continue;
		if (svccat_port_parse(&p, str, &why) < 0) {
			conv_error(c, it, "ports: '%s': %s", str, why);
			continue;
		}
		for (size_t j = 0; j < s->n_ports; j++)
			if (svccat_port_cmp(&s->ports[j], &p) == 0)
				dup = true;
		if (dup) {
			conv_error(c, it, "ports: '%s' is listed twice", str);
			continue;
		}
		s->ports_loc[s->n_ports] = it->loc;
		s->ports[s->n_ports++] = p;
	}
}

static void conv_service(struct conv *c, const struct ydoc_node *m, struct profile_fw_service *s)
{
	static const char *const keys[] = { "allow", "ports", NULL };
	const struct ydoc_node *n;

	s->present = true;
	if (ydoc_is_null(m) || !conv_map(c, m, "firewall.services"))
		return;
	conv_check_keys(c, m, keys, "firewall service");
	n = ydoc_map_get(m, "allow");
	if (n)
		conv_allow(c, n, s);
	n = ydoc_map_get(m, "ports");
	if (n)
		conv_ports(c, n, s);
}

static void conv_services(struct conv *c, const struct ydoc_node *m, struct profile_firewall *fw)
{
	const char *names[PROFILE_SERVICE__MAX];

	for (int i = 0; i < PROFILE_SERVICE__MAX; i++)
		names[i] = profile_service_name((enum profile_service)i);
	if (ydoc_is_null(m) || !conv_map(c, m, "firewall.services"))
		return;
	for (size_t i = 0; i < ydoc_count(m); i++) {
		const struct ydoc_node *k = ydoc_key(m, i);
		int s;

		if (!conv_enum(c, k, "firewall.services", names, PROFILE_SERVICE__MAX, &s))
			continue;
		fw->services[s].loc = k->loc;
		conv_service(c, ydoc_item(m, i), &fw->services[s]);
	}
}

void profile_conv_firewall(struct conv *c, const struct ydoc_node *n, struct profile_firewall *fw)
{
	static const char *const keys[] = { "enabled", "services", NULL };
	const struct ydoc_node *v;

	fw->present = true;
	fw->loc = n->loc;
	if (ydoc_is_null(n) || !conv_map(c, n, "firewall"))
		return;
	conv_check_keys(c, n, keys, "firewall");
	v = ydoc_map_get(n, "enabled");
	if (v) {
		fw->enabled_loc = v->loc;
		get_bool(c, v, "enabled", &fw->enabled);
	}
	v = ydoc_map_get(n, "services");
	if (v)
		conv_services(c, v, fw);
}
