/* hostnet show services: each service -> adapter, addresses, stack, table,
 * gateways, MTU (esxcli network ip interface tag get), from the desired
 * state: the host's last applied generation, or a profile in git or a file
 * without any host (a migration script asking for another host's vMotion
 * address). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "services.h"
#include "store.h"
#include "table.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet show services [--json] [--host H] [--state PATH]\n"
		   "       hostnet show services [--json] --repo PATH [--ref REF] [--host H]\n"
		   "       hostnet show services [--json] FILE\n"
		   "\nWhere each service lives (nothing is changed): adapter, IPv4 and IPv6\n"
		   "address, stack and table, the stack's gateways, MTU.  One row per tag.\n"
		   "  (default)    the host's last applied generation, from the state database\n"
		   "  --repo PATH  the profile in this git repository, at --ref (default HEAD)\n"
		   "  --host H     the host (default: the one the database has, or this host)\n"
		   "  FILE         a profile file\n"
		   "  --json       one JSON array of objects, for scripts\n");
}

static int from_generation(const struct cmd_state_opts *so, const char *host, struct want *out)
{
	struct store_generation g = { 0 };
	struct store *st = cmd_open_state("show", so, STORE_READONLY);
	char *h = NULL, *err = NULL;
	int r = -EIO;

	if (!st || cmd_generation_host("show", st, host, &h) < 0)
		goto out;
	r = store_generation_last_applied(&g, st, h, &err);
	if (r < 0) {
		cmd_fail("show", "%s: no services until 'hostnet apply' has run (or give --repo)",
			 err ? err : strerror(-r));
		goto out;
	}
	r = cmd_generation_want("show", st, &g, out);
out:
	free(err);
	free(h);
	store_generation_clear(&g);
	store_close(st);
	return r;
}

static int print_text(const struct services_list *l)
{
	static const char *const headers[] = {
		"SERVICE", "ADAPTER", "IPV4", "IPV6", "STACK", "TABLE", "GATEWAY4", "GATEWAY6", "MTU", NULL,
	};
	struct table *t = table_new(headers);
	int r = t ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < l->n; i++) {
		const struct services_entry *e = &l->v[i];
		char a4[ADDR_STRLEN], a6[ADDR_STRLEN], g4[ADDR_STRLEN], g6[ADDR_STRLEN], tb[16], mtu[16];
		const char *cells[] = {
			profile_service_name(e->service), e->adapter,
			e->addr4.family ? addr_format(&e->addr4, true, a4, sizeof(a4)) : e->dhcp4 ? "dhcp" : NULL,
			e->addr6.family ? addr_format(&e->addr6, true, a6, sizeof(a6)) : NULL,
			e->stack, e->table ? tb : NULL,
			e->gw4.family ? addr_format(&e->gw4, false, g4, sizeof(g4)) : NULL,
			e->gw6.family ? addr_format(&e->gw6, false, g6, sizeof(g6)) : NULL, mtu,
		};

		snprintf(tb, sizeof(tb), "%u", e->table);
		snprintf(mtu, sizeof(mtu), "%u", e->mtu);
		r = table_add(t, cells);
	}
	if (r == 0)
		table_print(t, stdout);
	table_free(t);
	return r;
}

int cmd_show_services(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "repo", required_argument, NULL, 'r' },
		{ "ref", required_argument, NULL, 'R' },
		{ "host", required_argument, NULL, 'H' },
		{ 0 },
	};
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("show", usage, &so, CMD_OPT_STATE);
	struct cmd_desired_opts o = { 0 };
	struct cmd_desired d = { 0 };
	struct services_list l = { 0 };
	struct want w = { 0 };
	const struct want *src = &w;
	bool json = false;
	int c, r, rc = CMD_EXIT_ERROR;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': o.repo = optarg; break;
		case 'R': o.ref = optarg; break;
		case 'H': o.host = optarg; break;
		default: return p.exit;
		}
	}
	/* argv[optind] is the view's name, "services"; a FILE may follow. */
	if (optind >= argc || strcmp(argv[optind], "services") != 0 || argc - optind > 2 ||
	    (argc - optind == 2 && o.repo) || (o.ref && !o.repo)) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (argc - optind == 2)
		o.file = argv[optind + 1];
	o.defer_hash = true;
	if (o.repo || o.file) {
		if (cmd_desired_load("show", &o, &d) < 0)
			goto out;
		src = &d.want;
	} else if (from_generation(&so, o.host, &w) < 0) {
		goto out;
	}
	if (services_from_want(&l, src) < 0)
		goto oom;
	if (json) {
		json_t *arr = services_json(&l);

		r = arr ? json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
		json_decref(arr);
		if (r < 0)
			goto oom;
		fputc('\n', stdout);
	} else if (print_text(&l) < 0) {
		goto oom;
	}
	rc = fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR;
	goto out;
oom:
	cmd_fail("show", "out of memory");
out:
	services_list_clear(&l);
	want_clear(&w);
	cmd_desired_clear(&d);
	return rc;
}
