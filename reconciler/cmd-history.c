/* hostnet history: snapshots, applied generations and drift reports. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "store.h"
#include "table.h"

static const char *fmt_time(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!ms || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "-");
	return buf;
}

static void summary(const struct store_entry *e, char *buf, size_t size)
{
	switch (e->kind) {
	case STORE_ENTRY_SNAPSHOT:
		snprintf(buf, size, "%zu links, %zu addresses, %zu routes, %zu rules",
			 e->snapshot.n_links, e->snapshot.n_addrs, e->snapshot.n_routes,
			 e->snapshot.n_rules);
		return;
	case STORE_ENTRY_GENERATION:
		snprintf(buf, size, "%s, %zu actions%s%.12s%s%s", store_result_name(e->generation.result),
			 e->generation.n_actions, e->generation.commit_id ? ", commit " : "",
			 e->generation.commit_id ? e->generation.commit_id : "",
			 e->generation.error ? ": " : "", e->generation.error ? e->generation.error : "");
		return;
	case STORE_ENTRY_DRIFT:
		snprintf(buf, size, "%zu difference%s", e->drift.count, e->drift.count == 1 ? "" : "s");
		return;
	case STORE_ENTRY__MAX:
		break;
	}
	buf[0] = '\0';
}

static int64_t entry_id(const struct store_entry *e)
{
	switch (e->kind) {
	case STORE_ENTRY_SNAPSHOT: return e->snapshot.id;
	case STORE_ENTRY_GENERATION: return e->generation.id;
	case STORE_ENTRY_DRIFT: return e->drift.id;
	case STORE_ENTRY__MAX: break;
	}
	return 0;
}

static const char *entry_host(const struct store_entry *e)
{
	switch (e->kind) {
	case STORE_ENTRY_SNAPSHOT: return e->snapshot.host;
	case STORE_ENTRY_GENERATION: return e->generation.host;
	case STORE_ENTRY_DRIFT: return e->drift.host;
	case STORE_ENTRY__MAX: break;
	}
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet history [--host H] [--limit N] [--json] [--state PATH]\n"
		   "\nSnapshots, applied generations and drift reports, newest first.\n"
		   "  --host H     only host H (default: every host in the database)\n"
		   "  --limit N    at most N entries (default 20; 0 = all)\n"
		   "  --json       a JSON array, for scripts\n");
}

int cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ 0 },
	};
	static const char *const headers[] = { "TIME", "KIND", "ID", "HOST", "SUMMARY", NULL };
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("history", usage, &so, CMD_OPT_STATE);
	struct store_entry *v = NULL;
	struct store *st = NULL;
	struct table *t = NULL;
	json_t *j = NULL;
	const char *host = NULL;
	size_t n = 0, limit = 20;
	bool json = false;
	char *err = NULL, *end;
	int c, r, rc = CMD_EXIT_ERROR;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'n':
			limit = strtoul(optarg, &end, 10);
			if (!*optarg || *end) {
				cmd_fail("history", "--limit: '%s' is not a number", optarg);
				return CMD_EXIT_ERROR;
			}
			break;
		case 'j': json = true; break;
		default: return p.exit;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	st = cmd_open_state("history", &so, STORE_READONLY);
	if (!st)
		goto out;
	r = store_history(&v, &n, st, host, limit, &err);
	if (r < 0) {
		cmd_fail("history", "%s", err ? err : "cannot read the history");
		goto out;
	}
	t = json ? NULL : table_new(headers);
	j = json ? json_array() : NULL;
	if (!t && !j)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		char when[32], id[24], sum[512];

		fmt_time(v[i].at_ms, when, sizeof(when));
		snprintf(id, sizeof(id), "%lld", (long long)entry_id(&v[i]));
		summary(&v[i], sum, sizeof(sum));
		if (j) {
			json_t *o = json_pack("{s:s,s:s,s:I,s:s?,s:s}", "time", when, "kind",
					      store_entry_kind_name(v[i].kind), "id",
					      (json_int_t)entry_id(&v[i]), "host", entry_host(&v[i]),
					      "summary", sum);
			if (!o || json_array_append_new(j, o) < 0)
				goto oom;
		} else {
			const char *cells[] = { when, store_entry_kind_name(v[i].kind), id,
						entry_host(&v[i]), sum };
			if (table_add(t, cells) < 0)
				goto oom;
		}
	}
	if (j) {
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		table_print(t, stdout);
	}
	rc = CMD_EXIT_OK;
	goto out;
oom:
	cmd_fail("history", "out of memory");
out:
	free(err);
	json_decref(j);
	table_free(t);
	store_entries_free(v, n);
	store_close(st);
	return rc;
}
