/* hostnet plan: what apply would change, without changing anything. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "esc.h"
#include "diff.h"
#include "plan.h"
#include "want-json.h"
#include "kobj-json.h"
#include "jread.h"
#include "observe.h"

enum plan_format { PLAN_FORMAT_TEXT, PLAN_FORMAT_JSON, PLAN_FORMAT_MARKDOWN, PLAN_FORMAT__MAX };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostnet plan [--repo PATH [--ref REF]] [--host H] [FILE]\n"
		"                    [--format text|json|markdown] [--out PLANFILE]\n"
		"                    [--detailed-exitcode] [--no-color]\n"
		"       hostnet plan --repo PATH --base REF [--head REF] [--host H | --all]\n"
		"                    [--format text|markdown]\n"
		"\nCompares the host's profile with what the kernel has and prints the\n"
		"actions apply would take, in order.  Nothing is changed.\n"
		"  --repo PATH         read the profile from this git repository\n"
		"  --ref REF           the commit to read (default HEAD)\n"
		"  --host H            the host (default: this host's short name)\n"
		"  FILE                a profile file instead of --repo\n"
		"  --format F          text (default), json or markdown\n"
		"  --out PLANFILE      also save the plan for 'hostnet apply PLANFILE'\n"
		"  --detailed-exitcode 0 no changes, 2 changes, 1 error (as terraform)\n"
		"  --no-color          no colour (also when NO_COLOR is set)\n"
		"  --show-unmanaged    also list what is not hostnet's and is left alone\n"
		"  --against-snapshot FILE  plan against a host's state exported with\n"
		"                      'hostnet observe --export FILE' instead of this kernel\n"
		"  --base/--head       compare the desired state at two commits, per changed\n"
		"                      host, without any host (a pull-request comment)\n"
		"  --all               with --base: every host (the default without --host)\n");
}

/* systemd-networkd, by default, deletes the routes and rules it did not
 * make whenever it reconfigures a link: hostnet's stacks would go with
 * them.  Said on standard error, so the plan itself stays as it is. */
static void warn_networkd(const struct want *w)
{
	struct observe_networkd nd;

	if (!w->n_routes && !w->n_rules)
		return;
	observe_networkd(&nd);
	if (!nd.running || (!nd.foreign_routes && !nd.foreign_rules))
		return;
	esc_line(stderr, "hostnet plan: warning: systemd-networkd runs here with %s%s%s on: it "
		 "deletes the routes and rules it did not make, hostnet's too, whenever it "
		 "reconfigures a link; copy hostnet's examples/networkd.conf.d/hostnet.conf to "
		 "/etc/systemd/networkd.conf.d/ and restart systemd-networkd",
		 nd.foreign_routes ? "ManageForeignRoutes" : "",
		 nd.foreign_routes && nd.foreign_rules ? " and " : "",
		 nd.foreign_rules ? "ManageForeignRoutingPolicyRules" : "");
}

/* A saved plan: what it was made from, the host state it was made
 * against, and the desired state to apply. */
static int save_plan(const char *path, const struct cmd_desired *d, const char *state_hash,
		     json_t *plan)
{
	json_t *want = want_to_json(&d->want), *doc;
	char *tmp = NULL;
	int r = -ENOMEM;
	FILE *f;

	doc = want ? json_pack("{s:i,s:s?,s:s?,s:s?,s:s,s:s,s:o,s:O}", "hostnet_plan", 1, "host",
			       d->host, "source", d->source, "commit", d->commit, "profile_hash",
			       d->hash, "state_hash", state_hash, "want", want, "plan", plan)
		   : NULL;
	if (!doc || asprintf(&tmp, "%s.tmp", path) < 0)
		goto out;
	f = fopen(tmp, "w");
	if (!f) {
		r = -errno;
		goto out;
	}
	r = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
out:
	json_decref(doc);
	free(tmp);
	return r;
}

/* A host's state exported by `hostnet observe --export`, instead of this
 * kernel: what the kernel could do there comes with it. */
static int load_snapshot(const char *path, const struct want *w, struct kobj_set *out)
{
	struct diag_list diags = { 0 };
	json_t *doc = NULL;
	char *err = NULL;
	int r;

	r = jread_load_file(&doc, path, &err);
	if (r < 0)
		cmd_fail("plan", "%s (not a snapshot from 'hostnet observe --export')",
			 err ? err : strerror(-r));
	else if (!json_object_get(doc, "hostnet_snapshot"))
		cmd_fail("plan", "%s: not a snapshot from 'hostnet observe --export'", path);
	else if ((r = kobj_snapshot_doc_read(out, doc, &err)) < 0)
		cmd_fail("plan", "%s: %s", path, err ? err : strerror(-r));
	if (r == 0 && !json_object_get(doc, "hostnet_snapshot"))
		r = -EINVAL;
	free(err);
	json_decref(doc);
	if (r == 0 && out->caps) {
		r = realize_check_caps(w, out->caps, &diags);
		cmd_print_diags(&diags);
	}
	diag_list_clear(&diags);
	return r;
}

/* What is not hostnet's and not named by the profile: listed on request,
 * never touched.  The kernel's own routes (protocol kernel, table local)
 * and default rules are left out as noise. */
static json_t *unmanaged_json(const struct kobj_set *have, const struct want *w)
{
	json_t *links = json_array(), *addrs = json_array(), *routes = json_array(), *rules = json_array();
	char buf[ADDR_STRLEN], gw[ADDR_STRLEN];

	for (size_t i = 0; links && i < have->n_links; i++) {
		const struct kobj_link *l = &have->links[i];

		if (!l->owned && !want_link(w, l->name))
			json_array_append_new(links, json_string(l->name));
	}
	for (size_t i = 0; addrs && i < have->n_addrs; i++) {
		const struct kobj_addr *a = &have->addrs[i];
		const struct kobj_link *l = kobj_set_link_by_index(have, a->ifindex);

		if (!a->owned && l && !l->owned && a->scope != RT_SCOPE_HOST && a->scope != RT_SCOPE_LINK)
			json_array_append_new(addrs, json_sprintf("%s on %s",
				addr_format(&a->addr, true, buf, sizeof(buf)), l->name));
	}
	for (size_t i = 0; routes && i < have->n_routes; i++) {
		const struct kobj_route *r = &have->routes[i];

		if (r->owned || r->protocol == RTPROT_KERNEL || r->table == RT_TABLE_LOCAL)
			continue;
		json_array_append_new(routes, json_sprintf("%s%s%s table %u",
			r->dst.prefixlen ? addr_format(&r->dst, true, buf, sizeof(buf)) : "default",
			r->gateway.family ? " via " : "",
			r->gateway.family ? addr_format(&r->gateway, false, gw, sizeof(gw)) : "", r->table));
	}
	for (size_t i = 0; rules && i < have->n_rules; i++) {
		const struct kobj_rule *r = &have->rules[i];

		if (r->owned || r->priority == 0 || r->priority == 32766 || r->priority == 32767)
			continue;
		json_array_append_new(rules, json_sprintf("priority %u lookup %u", r->priority, r->table));
	}
	return json_pack("{s:o,s:o,s:o,s:o}", "links", links, "addresses", addrs, "routes", routes,
			 "rules", rules);
}

static void print_unmanaged(json_t *u)
{
	static const char *const keys[] = { "links", "addresses", "routes", "rules" };

	printf("\nUnmanaged (not hostnet's, left alone):\n");
	for (size_t k = 0; k < 4; k++) {
		json_t *arr = json_object_get(u, keys[k]), *v;
		size_t i;

		printf("  %s: %zu\n", keys[k], json_array_size(arr));
		json_array_foreach(arr, i, v)
			esc_line(stdout, "    %s", json_string_value(v));
	}
}

int cmd_plan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "ref", required_argument, NULL, 'R' },
		{ "host", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "detailed-exitcode", no_argument, NULL, 'd' },
		{ "no-color", no_argument, NULL, 'n' },
		{ "show-unmanaged", no_argument, NULL, 'u' },
		{ "base", required_argument, NULL, 'b' },
		{ "against-snapshot", required_argument, NULL, 'S' },
		{ "head", required_argument, NULL, 'B' },
		{ "all", no_argument, NULL, 'a' },
		{ 0 },
	};
	static const char *const formats[PLAN_FORMAT__MAX] = { "text", "json", "markdown" };
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("plan", usage, &so, CMD_OPT_STATE);
	struct cmd_desired_opts o = { 0 };
	struct cmd_desired d = { 0 };
	struct diag_list diags = { 0 };
	struct kobj_set have = { 0 };
	struct diff df = { 0 };
	enum plan_format fmt = PLAN_FORMAT_TEXT;
	const char *out = NULL;
	const char *base = NULL, *head = NULL, *snapshot = NULL;
	bool all = false, cached = false, observed = false;
	const char *dbg = getenv("HOSTNET_DEBUG");
	bool debug = dbg && *dbg;
	bool detailed = false, unmanaged = false, color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	char state_hash[41];
	json_t *pj = NULL, *um = NULL;
	int c, r, rc = CMD_EXIT_ERROR;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'r': o.repo = optarg; break;
		case 'R': o.ref = optarg; break;
		case 'H': o.host = optarg; break;
		case 'f':
			for (fmt = 0; fmt < PLAN_FORMAT__MAX && strcmp(optarg, formats[fmt]); fmt++)
				;
			if (fmt == PLAN_FORMAT__MAX) {
				cmd_fail("plan", "--format: '%s' is not text, json or markdown", optarg);
				return CMD_EXIT_ERROR;
			}
			break;
		case 'o': out = optarg; break;
		case 'd': detailed = true; break;
		case 'n': color = false; break;
		case 'u': unmanaged = true; break;
		case 'b': base = optarg; break;
		case 'S': snapshot = optarg; break;
		case 'B': head = optarg; break;
		case 'a': all = true; break;
		default: return p.exit;
		}
	}
	if (optind < argc)
		o.file = argv[optind++];
	if (optind != argc || (o.file && o.repo)) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (base || head) {
		char *one[1] = { (char *)o.host };

		if (!o.repo || !base || fmt == PLAN_FORMAT_JSON || out) {
			cmd_fail("plan", "--base needs --repo (and --head, default HEAD); "
				 "formats text and markdown");
			return CMD_EXIT_ERROR;
		}
		return cmd_plan_compare(o.repo, base, head ? head : "HEAD", one, o.host && !all ? 1 : 0,
					fmt == PLAN_FORMAT_MARKDOWN, detailed);
	}
	o.defer_hash = true;
	/* A no-op plan of the profile last applied, unchanged: that
	 * generation's desired state instead of parsing it (cmd-cached.c).
	 * Anything else (a change to print, a warning, any failure) takes the
	 * full path, whose actions carry their profile lines. */
	if (!snapshot && !out) {
		const char *why = NULL;
		int64_t gen = 0;

		if (cmd_desired_cached(&o, &so, &d, &gen, &why) == 0) {
			if (cmd_read_kernel("plan", &have) < 0)
				goto done;
			observed = true;
			r = diff_compute(&df, &d.want, &have, &diags);
			cached = r == 0 && df.n == 0 && diags.n == 0;
			if (!cached) {
				why = "the host differs from its desired state";
				diff_clear(&df);
				diag_list_clear(&diags);
				cmd_desired_clear(&d);
			}
		}
		if (debug && cached)
			fprintf(stderr, "hostnet plan: debug: reused the desired state of generation "
				"%lld (its sources are unchanged)\n", (long long)gen);
		else if (debug)
			fprintf(stderr, "hostnet plan: debug: full path: %s\n", why);
	} else if (debug) {
		fprintf(stderr, "hostnet plan: debug: full path: --out and --against-snapshot take it\n");
	}
	if (!cached) {
		if (cmd_desired_load("plan", &o, &d) < 0)
			goto done;
		/* The kernel as observed just now, when the cached path did. */
		if (snapshot ? load_snapshot(snapshot, &d.want, &have) < 0
			     : cmd_check_kernel("plan", NULL, &d.want, NULL) < 0 ||
			       (!observed && cmd_read_kernel("plan", &have) < 0))
			goto done;
		r = diff_compute(&df, &d.want, &have, &diags);
	}
	cmd_print_diags(&diags);
	if (r < 0) {
		if (r == -ENOMEM)
			cmd_fail("plan", "out of memory");
		else
			cmd_fail("plan", "the host is in the way of its profile; nothing was changed");
		goto done;
	}
	if (!snapshot)
		warn_networkd(&d.want);
	/* The hashes only where they are shown or saved: at 100,000 routes the
	 * state hash alone was a quarter of a plan. */
	if ((fmt == PLAN_FORMAT_JSON || out) && cmd_desired_hash(&d) < 0) {
		cmd_fail("plan", "out of memory");
		goto done;
	}
	struct plan_meta meta = { d.host, d.source, d.commit, d.hash[0] ? d.hash : NULL };
	if (unmanaged && !(um = unmanaged_json(&have, &d.want))) {
		cmd_fail("plan", "out of memory");
		goto done;
	}
	switch (fmt) {
	case PLAN_FORMAT_TEXT:
		plan_print_text(stdout, &df, &meta, color);
		if (um)
			print_unmanaged(um);
		break;
	case PLAN_FORMAT_JSON: {
		/* Written as it is made; the unmanaged objects after the actions. */
		json_t *more = um ? json_pack("{s:O}", "unmanaged", um) : NULL;

		r = um && !more ? -ENOMEM : plan_print_json(stdout, &df, &meta, more);
		json_decref(more);
		if (r < 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
			if (r == -ENOMEM)
				cmd_fail("plan", "out of memory");
			else
				cmd_fail("plan", "cannot write the plan: %s", strerror(errno));
			goto done;
		}
		break;
	}
	case PLAN_FORMAT_MARKDOWN:
		plan_print_markdown(stdout, &df, &meta);
		break;
	case PLAN_FORMAT__MAX:
		break;
	}
	if (out) {
		pj = plan_to_json(&df, &meta);
		if (!pj || (um && json_object_set(pj, "unmanaged", um) < 0) ||
		    cmd_state_hash(state_hash, &have, &d.want) < 0) {
			cmd_fail("plan", "out of memory");
			goto done;
		}
		r = save_plan(out, &d, state_hash, pj);
		if (r < 0) {
			cmd_fail("plan", "cannot write %s: %s", out, strerror(-r));
			goto done;
		}
		if (fmt == PLAN_FORMAT_TEXT)
			printf("\nSaved the plan to %s: 'hostnet apply %s' applies exactly it.\n", out, out);
	}
	rc = detailed && df.n ? CMD_EXIT_CHANGES : CMD_EXIT_OK;
done:
	json_decref(um);
	json_decref(pj);
	diff_clear(&df);
	kobj_set_clear(&have);
	diag_list_clear(&diags);
	cmd_desired_clear(&d);
	return rc;
}
