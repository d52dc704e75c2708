/* import: an imported profile as YAML text (import.h).
 *
 * Text, not libyaml's emitter: the notes must be comments, which the
 * emitter cannot write.  Every scalar that comes from the kernel goes
 * through import_yaml_scalar(), so that it reads back as the same string;
 * everything else is an address, a number or a fixed word. */
#include "import.h"
#include "realize.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* Plain scalars YAML 1.1 (which hostnet follows for plain scalars) reads
 * as something other than a string. */
static bool special_word(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", NULL,
	};

	for (size_t i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

/* Plain only for a letter followed by letters, digits, '.', '_' and '-':
 * never a number, a bool or null, an indicator or a comment. */
static bool plain_ok(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) || special_word(s))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

const char *import_yaml_scalar(char *buf, size_t size, const char *s)
{
	size_t n = 0;

#define PUT(c) do { if (n + 1 >= size) return NULL; buf[n++] = (c); } while (0)
	if (plain_ok(s)) {
		if (strlen(s) + 1 > size)
			return NULL;
		memcpy(buf, s, strlen(s) + 1);
		return buf;
	}
	PUT('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			PUT('\\');
			PUT((char)*p);
		} else if (*p < 0x20 || *p == 0x7f) {
			/* Interface names cannot hold these; other text might. */
			static const char hex[] = "0123456789abcdef";

			PUT('\\');
			PUT('x');
			PUT(hex[*p >> 4]);
			PUT(hex[*p & 15]);
		} else {
			PUT((char)*p);
		}
	}
	PUT('"');
	buf[n] = '\0';
	return buf;
#undef PUT
}

/* Writes a kernel-given name as a scalar. */
static void put_name(FILE *f, const char *s)
{
	char buf[4 * KOBJ_IFNAMSIZ + 80];

	fputs(import_yaml_scalar(buf, sizeof(buf), s) ? buf : "\"\"", f);
}

/* Addresses are quoted when they hold ':' (IPv6), as the examples are. */
static void put_addr(FILE *f, const struct hn_addr *a, bool prefix)
{
	char s[ADDR_STRLEN];

	addr_format(a, prefix, s, sizeof(s));
	fprintf(f, a->family == AF_INET6 ? "\"%s\"" : "%s", s);
}

static void put_addr_list(FILE *f, const char *key, const struct import_adapter *a, int family)
{
	bool first = true;

	for (size_t i = 0; i < a->n_addrs; i++) {
		if (a->addrs[i].family != family)
			continue;
		fprintf(f, first ? "    %s: [" : ", ", key);
		put_addr(f, &a->addrs[i], true);
		first = false;
	}
	if (!first)
		fputs("]\n", f);
}

static void put_notes(FILE *f, const struct import_profile *p, enum import_note_kind kind,
		      const char *title)
{
	bool any = false;

	for (size_t i = 0; i < p->n_notes; i++) {
		if (p->notes[i].kind != kind)
			continue;
		if (!any)
			fprintf(f, "# %s\n", title);
		fprintf(f, "#   - %s\n", p->notes[i].text);
		any = true;
	}
}

static void put_uplinks(FILE *f, const struct import_profile *p)
{
	if (p->n_uplinks)
		fputs("uplinks:\n", f);
	for (size_t i = 0; i < p->n_uplinks; i++) {
		const struct import_uplink *u = &p->uplinks[i];

		fputs("  - {name: ", f);
		put_name(f, u->name);
		if (u->mtu)
			fprintf(f, ", mtu: %u", u->mtu);
		if (u->down)
			fputs(", state: down", f);
		fputs("}\n", f);
	}
}

static void put_switches(FILE *f, const struct import_profile *p)
{
	if (p->n_switches)
		fputs("switches:\n", f);
	for (size_t i = 0; i < p->n_switches; i++) {
		bool first = true;

		fputs("  - {name: ", f);
		put_name(f, p->switches[i].name);
		fprintf(f, ", mtu: %u", p->switches[i].mtu);
		for (size_t j = 0; j < p->n_uplinks; j++) {
			if (p->uplinks[j].sw != (long)i)
				continue;
			fputs(first ? ", uplinks: [" : ", ", f);
			put_name(f, p->uplinks[j].name);
			first = false;
		}
		fputs(first ? "}\n" : "]}\n", f);
	}
}

static void put_stacks(FILE *f, const struct import_profile *p)
{
	bool header = false;

	for (size_t i = 0; i < p->n_stacks; i++) {
		const struct import_stack *st = &p->stacks[i];

		if (i == 0 && !st->gw4.family && !st->gw6.family)
			continue;   /* the default stack exists anyway */
		if (!header)
			fputs("stacks:\n", f);
		header = true;
		fprintf(f, "  - name: %s\n", st->name);
		if (i > 0)
			fprintf(f, "    table: %u   # hostnet adds its own rules (priority %u, %u); the "
				"host's (priority %u) stays: remove it after apply\n", st->table,
				REALIZE_RULE_PRIO_FROM, REALIZE_RULE_PRIO_OIF, st->rule_priority);
		if (!st->gw4.family && !st->gw6.family)
			continue;
		fputs("    gateway: {", f);
		if (st->gw4.family) {
			fputs("ipv4: ", f);
			put_addr(f, &st->gw4, false);
		}
		if (st->gw6.family) {
			fputs(st->gw4.family ? ", ipv6: " : "ipv6: ", f);
			put_addr(f, &st->gw6, false);
		}
		fputs("}\n", f);
	}
}

static void put_adapters(FILE *f, const struct import_profile *p)
{
	char mac[ADDR_MAC_STRLEN];

	if (p->n_adapters)
		fputs("adapters:\n", f);
	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct import_adapter *a = &p->adapters[i];

		fputs("  - name: ", f);
		put_name(f, a->name);
		fprintf(f, "\n    backing: %s\n", profile_backing_name(a->backing));
		if (a->backing == PROFILE_BACKING_VLAN) {
			fputs(a->parent_is_switch ? "    switch: " : "    uplink: ", f);
			put_name(f, a->parent);
			fprintf(f, "\n    vlan: %u\n", a->vlan);
			if (a->mtu)
				fprintf(f, "    mtu: %u\n", a->mtu);
		}
		if (a->management)
			fputs("    services: [management]   # guessed (see above)\n", f);
		if (a->stack)
			fprintf(f, "    stack: %s\n", p->stacks[a->stack].name);
		if (a->has_mac)
			fprintf(f, "    mac: \"%s\"\n", addr_format_mac(&a->mac, mac, sizeof(mac)));
		if (a->down)
			fputs("    state: down\n", f);
		put_addr_list(f, "ipv4", a, AF_INET);
		put_addr_list(f, "ipv6", a, AF_INET6);
	}
}

static void put_routes(FILE *f, const struct import_profile *p)
{
	if (p->n_routes)
		fputs("routes:\n", f);
	for (size_t i = 0; i < p->n_routes; i++) {
		const struct import_route *r = &p->routes[i];

		fputs("  - {to: ", f);
		put_addr(f, &r->to, true);
		if (r->via.family) {
			fputs(", via: ", f);
			put_addr(f, &r->via, false);
		}
		if (r->adapter[0]) {
			fputs(", adapter: ", f);
			put_name(f, r->adapter);
		}
		if (r->stack)
			fprintf(f, ", stack: %s", p->stacks[r->stack].name);
		if (r->metric)
			fprintf(f, ", metric: %u", r->metric);
		fputs("}\n", f);
	}
}

int import_write_yaml(char **out, const struct import_profile *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*out = NULL;
	if (!f)
		return -ENOMEM;
	fputs("# Written by `hostnet import` from what the kernel has; review it before\n"
	      "# committing. Addresses are adapters in place (on the bridge, NIC or VLAN\n"
	      "# device that has them); `from <address> lookup <table>` rules are stacks.\n", f);
	put_notes(f, p, IMPORT_NOTE_GUESSED, "Guessed:");
	put_notes(f, p, IMPORT_NOTE_LEFT_OUT, "Left out:");
	fputs("apiVersion: hostnet/v1\nkind: HostProfile\nhost: ", f);
	put_name(f, p->host);
	fputc('\n', f);
	put_uplinks(f, p);
	put_switches(f, p);
	put_stacks(f, p);
	put_adapters(f, p);
	put_routes(f, p);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	return 0;
}
