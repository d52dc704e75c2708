/* hostnet drift: how the host differs now from the last applied generation
 * (not from the repository's HEAD), as text, JSON or Markdown, optionally a
 * Prometheus textfile; every report is stored. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "engine.h"
#include "esc.h"
#include "diff.h"
#include "fw.h"
#include "nft.h"
#include "nl.h"
#include "plan.h"
#include "stats.h"
#include "view.h"
#include "store.h"
#include "want-json.h"

enum drift_format { DRIFT_FORMAT_TEXT, DRIFT_FORMAT_JSON, DRIFT_FORMAT_MARKDOWN, DRIFT_FORMAT__MAX };

/* What a difference means when the reference is what was applied. */
static const char *drift_kind(const struct diff_action *a)
{
	switch (a->op) {
	case DIFF_OP_CREATE: return "missing";     /* applied, now gone */
	case DIFF_OP_MODIFY: return "changed";
	case DIFF_OP_DELETE: return "unexpected";  /* hostnet's mark, not in the profile */
	case DIFF_OP_ADOPT: return "unmarked";     /* there, but hostnet's marks are gone */
	case DIFF_OP__MAX: break;
	}
	return "?";
}

static const char *iso_time(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "?");
	return buf;
}

static bool same_item(const json_t *it, const char *kind, const char *desc)
{
	const char *k = json_string_value(json_object_get(it, "drift"));
	const char *d = json_string_value(json_object_get(it, "description"));

	return k && d && strcmp(k, kind) == 0 && strcmp(d, desc) == 0;
}

/* Since when each difference has been seen: walking the stored reports of
 * this generation from the newest back, a difference is as old as the
 * oldest report in the unbroken run that has it (now, if the last one did
 * not).  *since[i] is unix ms. */
static void find_since(struct store *st, const struct store_generation *g, const struct diff *df,
		       int64_t *since, int64_t now)
{
	struct store_entry *v = NULL;
	bool *open = calloc(df->n + 1, sizeof(*open));
	size_t n = 0;

	for (size_t i = 0; i < df->n; i++) {
		since[i] = now;
		if (open)
			open[i] = true;
	}
	if (!open || store_history(&v, &n, st, g->host, 200, NULL) < 0)
		goto out;
	for (size_t e = 0; e < n; e++) {
		struct store_drift rep = { 0 };
		json_t *doc, *items;
		bool any = false;

		if (v[e].kind != STORE_ENTRY_DRIFT)
			continue;
		if (v[e].drift.generation_id != g->id ||
		    store_drift_get(&rep, st, v[e].drift.id, NULL) < 0)
			break;
		doc = rep.report ? json_loads(rep.report, 0, NULL) : NULL;
		items = json_object_get(doc, "differences");
		for (size_t i = 0; i < df->n; i++) {
			char desc[512];
			bool seen = false;
			size_t k;
			const json_t *it;

			if (!open[i])
				continue;
			plan_describe(df, &df->v[i], desc, sizeof(desc));
			json_array_foreach(items, k, it)
				seen |= same_item(it, drift_kind(&df->v[i]), desc);
			if (seen)
				since[i] = rep.taken_at_ms;
			else
				open[i] = false;
			any |= open[i];
		}
		json_decref(doc);
		store_drift_clear(&rep);
		if (!any)
			break;
	}
out:
	store_entries_free(v, n);
	free(open);
}

static json_t *report_json(const struct diff *df, const struct store_generation *g, json_t *plan,
			   const int64_t *since)
{
	json_t *items = json_array();

	for (size_t i = 0; items && i < df->n; i++) {
		const struct diff_action *a = &df->v[i];
		json_t *act = json_array_get(json_object_get(plan, "actions"), i);
		char desc[512], when[32];

		plan_describe(df, a, desc, sizeof(desc));
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:O*,s:O*,s:s}", "drift", drift_kind(a),
						       "object", diff_obj_name(a->obj), "description", desc,
						       "at", json_object_get(act, "at"), "changes",
						       json_object_get(act, "changes"), "since",
						       iso_time(since[i], when, sizeof(when))));
	}
	return json_pack("{s:s,s:I,s:s?,s:s?,s:I,s:o}", "host", g->host, "generation", (json_int_t)g->id,
			 "commit", g->commit_id, "profile_hash", g->profile_hash, "count",
			 (json_int_t)df->n, "differences", items);
}

static void print_text(const struct diff *df, const struct store_generation *g, json_t *plan,
		       const int64_t *since)
{
	char desc[512], when[32];

	if (!df->n) {
		esc_line(stdout, "No drift: %s matches generation %lld%s%.12s%s.", g->host, (long long)g->id,
		       g->commit_id ? " (commit " : "", g->commit_id ? g->commit_id : "",
		       g->commit_id ? ")" : "");
		return;
	}
	/* Host, commit, names and paths come from the state database and
	 * the kernel: each line is written escaped (esc.h). */
	esc_line(stdout, "%s has drifted from generation %lld%s%.12s%s: %zu difference%s (changes read now -> applied)", g->host,
	       (long long)g->id, g->commit_id ? " (commit " : "", g->commit_id ? g->commit_id : "",
	       g->commit_id ? ")" : "", df->n, df->n == 1 ? "" : "s");
	putchar('\n');
	for (size_t i = 0; i < df->n; i++) {
		json_t *act = json_array_get(json_object_get(plan, "actions"), i);
		const char *at = json_string_value(json_object_get(act, "at"));
		size_t k;
		json_t *c;

		plan_describe(df, &df->v[i], desc, sizeof(desc));
		esc_line(stdout, "  %-10s %s%s%s", drift_kind(&df->v[i]), desc, at && *at ? "  # " : "",
		       at ? at : "");
		printf("             since %s\n", iso_time(since[i], when, sizeof(when)));
		json_array_foreach(json_object_get(act, "changes"), k, c)
			esc_line(stdout, "             %s", json_string_value(c));
	}
	printf("\n'hostnet apply' heals it.\n");
}

static void print_markdown(const struct diff *df, const struct store_generation *g)
{
	char desc[512];

	esc_line(stdout, "### `%s`: %s", g->host, df->n ? "drift" : "no drift");
	putchar('\n');
	if (!df->n)
		return;
	printf("| drift | object |\n|---|---|\n");
	for (size_t i = 0; i < df->n; i++) {
		plan_describe(df, &df->v[i], desc, sizeof(desc));
		esc_line(stdout, "| %s | `%s` |", drift_kind(&df->v[i]), desc);
	}
	printf("\n");
}

/* Each adapter's traffic counters, labelled with its services (an adapter
 * in place on a bridge or NIC: those the applied generation gives it).
 * Best effort: counters that cannot be read leave the drift metrics as
 * they are. */
static void write_adapter_stats(FILE *f, const char *host, const struct kobj_set *have,
				const struct want *want)
{
	struct stats_set st = { 0 };
	struct view v = { 0 };
	char msg[256];

	if (view_build_want(&v, have, want) == 0 && stats_read(&st, msg, sizeof(msg)) == 0)
		stats_write_prom(f, host, &v, &st);
	stats_set_clear(&st);
	view_clear(&v);
}

/* What the service firewall dropped per adapter (its <adapter>.drop
 * counters); nothing when the host has no firewall. */
static void fw_metrics(FILE *f, const char *host)
{
	struct hnft_counter *v = NULL;
	char err[256];
	size_t n = 0, len = strlen("." FW_DROP_COUNTER);
	bool head = false;

	if (hnft_counters(&v, &n, err, sizeof(err)) < 0)
		return;
	for (int bytes = 0; bytes < 2; bytes++, head = false) {
		for (size_t i = 0; i < n; i++) {
			size_t nl = strlen(v[i].name);

			if (nl <= len || strcmp(v[i].name + nl - len, "." FW_DROP_COUNTER) != 0)
				continue;
			if (!head)
				fprintf(f, "# HELP hostnet_firewall_dropped_%s What the firewall dropped "
					   "arriving on the adapter.\n# TYPE hostnet_firewall_dropped_%s "
					   "counter\n", bytes ? "bytes" : "packets", bytes ? "bytes" : "packets");
			head = true;
			fprintf(f, "hostnet_firewall_dropped_%s{host=\"%s\",adapter=\"%.*s\"} %llu\n",
				bytes ? "bytes" : "packets", host, (int)(nl - len), v[i].name,
				(unsigned long long)(bytes ? v[i].bytes : v[i].packets));
		}
	}
	free(v);
}

/* Prometheus textfile collector: written whole and renamed, so the
 * exporter never reads half a file. */
static int write_metrics(const char *path, const struct diff *df, const struct store_generation *g,
			 const struct kobj_set *have, const struct want *want)
{
	size_t by_obj[DIFF_OBJ__MAX] = { 0 };
	char *tmp = NULL;
	FILE *f;
	int r = 0;

	for (size_t i = 0; i < df->n; i++)
		by_obj[df->v[i].obj]++;
	if (asprintf(&tmp, "%s.%d.tmp", path, (int)getpid()) < 0)
		return -ENOMEM;
	f = fopen(tmp, "w");
	if (!f) {
		r = -errno;
		free(tmp);
		return r;
	}
	fprintf(f, "# HELP hostnet_drift_objects Objects that differ from the last applied profile.\n"
		   "# TYPE hostnet_drift_objects gauge\n");
	for (int o = 0; o < DIFF_OBJ__MAX; o++)
		fprintf(f, "hostnet_drift_objects{host=\"%s\",kind=\"%s\"} %zu\n", g->host,
			diff_obj_name((enum diff_obj)o), by_obj[o]);
	fprintf(f, "# HELP hostnet_drift_last_check_timestamp_seconds When drift was last checked.\n"
		   "# TYPE hostnet_drift_last_check_timestamp_seconds gauge\n"
		   "hostnet_drift_last_check_timestamp_seconds{host=\"%s\"} %lld\n"
		   "# HELP hostnet_last_apply_timestamp_seconds When the applied generation finished.\n"
		   "# TYPE hostnet_last_apply_timestamp_seconds gauge\n"
		   "hostnet_last_apply_timestamp_seconds{host=\"%s\"} %lld\n"
		   "# HELP hostnet_applied_info The generation and commit the host was last applied from.\n"
		   "# TYPE hostnet_applied_info gauge\n"
		   "hostnet_applied_info{host=\"%s\",generation=\"%lld\",commit=\"%s\"} 1\n",
		g->host, (long long)time(NULL), g->host, (long long)(g->finished_at_ms / 1000), g->host,
		(long long)g->id, g->commit_id ? g->commit_id : "");
	write_adapter_stats(f, g->host, have, want);
	fw_metrics(f, g->host);
	if (fclose(f) != 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	free(tmp);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostnet drift [--host H] [--format text|json|markdown] [--exit-code]\n"
		"                     [--metrics FILE] [--state PATH] [--lock-timeout S]\n"
		"\nCompares the host with the last generation 'hostnet apply' applied (not\n"
		"with the repository): missing, changed and unexpected objects, each with\n"
		"its profile line.  Foreign objects are not drift unless they are in the\n"
		"profile's way.  The report is stored; 'hostnet history' lists it.\n"
		"  --host H        the host (default: the one host with applied generations in\n"
		"                  the state database; with several, --host picks one)\n"
		"  --format F      text (default), json or markdown\n"
		"  --exit-code     0 no drift, 2 drift, 1 error (default: 0 unless an error)\n"
		"  --metrics FILE  also write a Prometheus textfile-collector file\n");
}

int cmd_drift(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "exit-code", no_argument, NULL, 'e' },
		{ "metrics", required_argument, NULL, 'm' },
		{ 0 },
	};
	static const char *const formats[DRIFT_FORMAT__MAX] = { "text", "json", "markdown" };
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("drift", usage, &so, CMD_OPT_STATE | CMD_OPT_LOCK);
	struct store_generation g = { 0 };
	struct diag_list diags = { 0 };
	struct kobj_set have = { 0 };
	struct want want = { 0 };
	struct diff df = { 0 };
	struct store *st = NULL;
	enum drift_format fmt = DRIFT_FORMAT_TEXT;
	const char *host = NULL, *metrics = NULL;
	bool exit_code = false;
	json_t *plan = NULL, *rep = NULL;
	char *err = NULL, *text = NULL, *host_buf = NULL;
	int64_t id, *since = NULL;
	int c, r, rc = CMD_EXIT_ERROR;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'f':
			for (fmt = 0; fmt < DRIFT_FORMAT__MAX && strcmp(optarg, formats[fmt]); fmt++)
				;
			if (fmt == DRIFT_FORMAT__MAX) {
				cmd_fail("drift", "--format: '%s' is not text, json or markdown", optarg);
				return CMD_EXIT_ERROR;
			}
			break;
		case 'e': exit_code = true; break;
		case 'm': metrics = optarg; break;
		default: return p.exit;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	st = cmd_open_state("drift", &so, STORE_WRITE);
	if (!st || cmd_generation_host("drift", st, host, &host_buf) < 0)
		goto out;
	host = host_buf;
	{
		struct hnl *nl = NULL;

		struct engine_report er = { cmd_engine_report, (void *)"drift", cmd_audit_who() };

		if (hnl_open(&nl) == 0)
			engine_expire_with(st, nl, &er);
		hnl_close(nl);
	}
	r = store_generation_last_applied(&g, st, host, &err);
	if (r < 0) {
		cmd_fail("drift", "%s: nothing to compare with until 'hostnet apply' has run",
			 err ? err : strerror(-r));
		goto out;
	}
	free(err);
	err = NULL;
	if (cmd_generation_want("drift", st, &g, &want) < 0)
		goto out;
	if (cmd_read_kernel("drift", &have) < 0)
		goto out;
	r = diff_compute(&df, &want, &have, &diags);
	cmd_print_diags(&diags);
	if (r < 0 && r != -ENOMEM) {
		/* The host is in the way of the profile: that is drift too, and
		 * the messages above say where; count it as one difference. */
		df.n = 0;
	} else if (r < 0) {
		cmd_fail("drift", "out of memory");
		goto out;
	}
	struct plan_meta meta = { g.host, NULL, g.commit_id, g.profile_hash };
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	since = calloc(df.n + 1, sizeof(*since));
	if (since)
		find_since(st, &g, &df, since, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	plan = since ? plan_to_json(&df, &meta) : NULL;
	rep = plan ? report_json(&df, &g, plan, since) : NULL;
	text = rep ? json_dumps(rep, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!text) {
		cmd_fail("drift", "out of memory");
		goto out;
	}
	size_t count = r < 0 ? diags.n_errors : df.n;
	free(err);
	err = NULL;
	if (store_drift_add(&id, st, g.host, g.id, 0, count, text, &err) < 0)
		cmd_fail("drift", "cannot store the report: %s", err ? err : "?");
	switch (fmt) {
	case DRIFT_FORMAT_TEXT:
		print_text(&df, &g, plan, since);
		break;
	case DRIFT_FORMAT_JSON:
		json_dumpf(rep, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		break;
	case DRIFT_FORMAT_MARKDOWN:
		print_markdown(&df, &g);
		break;
	case DRIFT_FORMAT__MAX:
		break;
	}
	if (metrics && (r = write_metrics(metrics, &df, &g, &have, &want)) < 0) {
		cmd_fail("drift", "cannot write %s: %s", metrics, strerror(-r));
		goto out;
	}
	rc = exit_code && count ? CMD_EXIT_CHANGES : CMD_EXIT_OK;
out:
	free(since);
	free(err);
	free(text);
	json_decref(rep);
	json_decref(plan);
	free(host_buf);
	diff_clear(&df);
	want_clear(&want);
	kobj_set_clear(&have);
	diag_list_clear(&diags);
	store_generation_clear(&g);
	store_close(st);
	return rc;
}
