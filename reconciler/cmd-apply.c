/* hostnet apply: make the host match its profile, verify, roll back on
 * failure, and record the generation. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "cmd.h"
#include "diff.h"
#include "nl.h"
#include "observe.h"
#include "plan.h"
#include "probe.h"
#include "dhcp.h"
#include "store.h"
#include "want-json.h"

#define APPLY_PLAN_KEEP_MAX 2000

struct apply_cmd {
	struct cmd_desired d;
	struct cmd_state_opts so;
	bool auto_approve, color, connectivity;
	unsigned confirm_ms;       /* --confirm-timeout; 0 = none */
	unsigned dhcp_ms;          /* --dhcp-timeout */
	const char *planfile;
	json_t *saved;             /* a saved plan, when applying one */
	struct store *st;
	struct hnl *nl;
	struct kobj_set before;
	int64_t snap_before, gen;
	struct apply_opts test;
};

#define APPLY_DHCP_TIMEOUT_MS 30000u

static bool same_str(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* Whether the newest applied generation of this host is of this very
 * profile (commit and realized-state hash): then a no-op apply has nothing
 * to record, and skips the snapshots and the generation a change needs. */
static bool already_recorded(struct apply_cmd *a)
{
	struct store_generation g = { 0 };
	bool same;

	if (a->confirm_ms || store_generation_last_applied(&g, a->st, a->d.host, NULL) < 0)
		return false;
	same = g.profile_hash && same_str(g.commit_id, a->d.commit) &&
	       strcmp(g.profile_hash, a->d.hash) == 0;
	store_generation_clear(&g);
	return same;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t env_index(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : 0;
}

static const char *jstr(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

/* The failure a test injects: an errno name the kernel could answer with. */
static int errno_of(const char *name)
{
	static const struct { const char *name; int e; } known[] = {
		{ "EEXIST", EEXIST }, { "ENODEV", ENODEV }, { "EBUSY", EBUSY },
		{ "ENOBUFS", ENOBUFS }, { "EINVAL", EINVAL }, { "EPERM", EPERM },
	};

	for (size_t i = 0; name && i < sizeof(known) / sizeof(*known); i++)
		if (strcmp(name, known[i].name) == 0)
			return known[i].e;
	return 0;
}

/* A file written by `hostnet plan --out`: its desired state and what it was
 * made against.  Returns 1 when `path` is a saved plan, 0 when it is not
 * (a profile), negative on error. */
static int load_saved_plan(struct apply_cmd *a, const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	char *err = NULL;
	int r;

	if (!j || !json_object_get(j, "hostnet_plan")) {
		json_decref(j);
		return 0;
	}
	r = want_from_json(&a->d.want, json_object_get(j, "want"), &err);
	if (r < 0) {
		cmd_fail("apply", "%s is not a usable plan: %s", path, err ? err : strerror(-r));
		free(err);
		json_decref(j);
		return r;
	}
	a->d.host = strdup(jstr(j, "host", ""));
	a->d.source = strdup(jstr(j, "source", path));
	if (json_is_string(json_object_get(j, "commit")))
		a->d.commit = strdup(jstr(j, "commit", ""));
	snprintf(a->d.hash, sizeof(a->d.hash), "%s", jstr(j, "profile_hash", ""));
	if (!a->d.host || !a->d.source) {
		json_decref(j);
		return -ENOMEM;
	}
	a->saved = j;
	return 1;
}

/* The host must be as it was when the plan was made, or the plan is not
 * the one that was reviewed. */
static int check_saved_plan(struct apply_cmd *a, const struct kobj_set *have, const struct diff *df)
{
	struct plan_meta meta = { a->d.host, a->d.source, a->d.commit, a->d.hash };
	const char *want_hash = json_string_value(json_object_get(a->saved, "state_hash"));
	json_t *now = plan_to_json(df, &meta);
	char hash[41];
	bool same;

	if (!now || cmd_state_hash(hash, have, &a->d.want) < 0) {
		json_decref(now);
		cmd_fail("apply", "out of memory");
		return -ENOMEM;
	}
	same = want_hash && strcmp(hash, want_hash) == 0 &&
	       json_equal(json_object_get(now, "actions"),
			  json_object_get(json_object_get(a->saved, "plan"), "actions"));
	json_decref(now);
	if (!same) {
		cmd_fail("apply", "the host changed since %s was made (state %.12s, now %.12s); "
			 "nothing was changed: make a new plan", a->planfile, want_hash ? want_hash : "?", hash);
		return -ESTALE;
	}
	return 0;
}

static bool confirm(const struct apply_cmd *a)
{
	char line[16];

	if (a->auto_approve)
		return true;
	if (!isatty(STDIN_FILENO)) {
		cmd_fail("apply", "not a terminal: review with 'hostnet plan' and pass --auto-approve; "
			 "nothing was changed");
		return false;
	}
	printf("\nDo you want to perform these actions?  Only 'yes' will be accepted: ");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin) || strcmp(line, "yes\n") != 0) {
		printf("Apply cancelled; nothing was changed.\n");
		return false;
	}
	return true;
}

static int observe_now(struct apply_cmd *a, struct kobj_set *out)
{
	int r = observe_all(out, a->nl);

	if (r < 0)
		cmd_fail("apply", "cannot read the kernel's state: %s: %s", strerror(-r),
			 hnl_errmsg(a->nl));
	return r;
}

/* Differences left between `want` and the kernel now: 0 none, >0 how many,
 * <0 error. */
static long remaining_nl(struct hnl *nl, const struct want *want, struct diff *out)
{
	struct kobj_set now = { 0 };
	struct diag_list diags = { 0 };
	int r = observe_all(&now, nl);

	if (r < 0)
		cmd_fail("apply", "cannot read the kernel's state: %s: %s", strerror(-r), hnl_errmsg(nl));
	if (r == 0)
		r = diff_compute(out, want, &now, &diags);
	cmd_print_diags(&diags);
	diag_list_clear(&diags);
	kobj_set_clear(&now);
	return r < 0 ? r : (long)out->n;
}

static long remaining(struct apply_cmd *a, const struct want *want, struct diff *out)
{
	return remaining_nl(a->nl, want, out);
}

/* Undo: make what hostnet manages look as it did in the snapshot taken
 * before, by a fresh diff (whatever the kernel removed along the way). */
int cmd_roll_back(struct hnl *nl, const struct kobj_set *before, const struct want *applied)
{
	struct want back = { 0 };
	struct diff df = { 0 };
	struct apply_result res;
	long left;
	int r = diff_want_from_observed(&back, before, applied);

	if (r < 0)
		return r;
	left = remaining_nl(nl, &back, &df);
	if (left > 0) {
		r = apply_diff(nl, &df, NULL, &res);
		if (r < 0)
			fprintf(stderr, "hostnet: rollback: %s\n", res.msg);
	}
	diff_clear(&df);
	if (left >= 0)
		left = remaining_nl(nl, &back, &df);
	if (left > 0) {
		char desc[512];

		plan_describe(&df.v[0], desc, sizeof(desc));
		fprintf(stderr, "hostnet: rollback left %ld difference%s, first: %s %s\n", left,
			left == 1 ? "" : "s", diff_op_name(df.v[0].op), desc);
		r = -EIO;
	}
	diff_clear(&df);
	want_clear(&back);
	return left < 0 ? (int)left : r;
}

/* The address of `dev` in the want whose subnet holds `ip`, or NULL. */
static const struct hn_addr *source_for(const struct want *w, const char *dev, const struct hn_addr *ip)
{
	for (size_t i = 0; i < w->n_addrs; i++)
		if (strcmp(w->addrs[i].dev, dev) == 0 && addr_in_subnet(&w->addrs[i].a.addr, ip))
			return &w->addrs[i].a.addr;
	return NULL;
}

/* Every gateway must answer from the adapter and address that reach it,
 * through its stack's rules and table: what vMotion or management will do
 * next.  IPv6 addresses may still be in duplicate address detection, during
 * which they cannot be bound: wait for that, a few seconds at most. */
static int check_gateways(const struct apply_cmd *a, char *msg, size_t size)
{
	struct probe_opts po = PROBE_OPTS_INIT;

	for (size_t i = 0; i < a->d.want.n_routes; i++) {
		const struct want_route *r = &a->d.want.routes[i];
		const struct hn_addr *src;
		char gw[ADDR_STRLEN], sa[ADDR_STRLEN];
		unsigned rtt = 0;
		int e = 0;

		if (r->r.dst.prefixlen || !r->r.gateway.family || !r->dev[0] || r->r.type != RTN_UNICAST)
			continue;
		src = source_for(&a->d.want, r->dev, &r->r.gateway);
		if (!src)
			continue;
		for (int wait = 0; wait < 30; wait++) {
			e = probe_ping(r->dev, src, &r->r.gateway, &po, &rtt);
			if (e != -EADDRNOTAVAIL)
				break;
			usleep(100000);
		}
		addr_format(&r->r.gateway, false, gw, sizeof(gw));
		addr_format(src, false, sa, sizeof(sa));
		if (e < 0) {
			snprintf(msg, size, "connectivity check: gateway %s (table %u) does not answer "
				 "from %s (%s): %s", gw, r->r.table, r->dev, sa, strerror(-e));
			return e;
		}
		printf("connectivity check: gateway %s answers from %s (%s) in %.1f ms\n", gw, r->dev,
		       sa, rtt / 1000.0);
	}
	return 0;
}

static char *generation_doc(const struct apply_cmd *a, json_t *plan)
{
	json_t *w = want_to_json(&a->d.want);
	json_t *doc = w ? json_pack("{s:o,s:O}", "want", w, "plan", plan) : NULL;
	char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(doc);
	return s;
}

/* Like `netplan try`: the change stays only if `hostnet confirm` comes in
 * time.  The lock is released while waiting, so confirm can take it; the
 * deadline is in the database, so a killed apply is rolled back by the next
 * hostnet run instead. */
static int await_confirm(struct apply_cmd *a, const struct diff *df)
{
	struct timespec nap = { 0, 250 * 1000 * 1000 };
	struct timespec ts;
	int64_t deadline;
	char *err = NULL;

	clock_gettime(CLOCK_REALTIME, &ts);
	deadline = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + a->confirm_ms;
	if (store_generation_await_confirm(a->st, a->gen, deadline, &err) < 0) {
		cmd_fail("apply", "%s", err ? err : "cannot record the confirmation deadline");
		free(err);
		return CMD_EXIT_ERROR;
	}
	a->st = store_close(a->st);
	printf("\nApplied %zu actions and verified.  Run 'hostnet confirm' within %.0f s to keep "
	       "them; otherwise they are rolled back.\n", df->n, a->confirm_ms / 1000.0);
	fflush(stdout);
	for (;;) {
		struct store_generation g = { 0 };
		struct store *st;
		bool pending;

		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_REALTIME, &ts);
		st = cmd_open_state("apply", &a->so, STORE_READONLY);
		if (!st)
			continue;
		pending = store_generation_get(&g, st, a->gen, NULL) == 0 && g.result == STORE_RESULT_PENDING;
		if (!pending) {
			bool kept = g.result == STORE_RESULT_APPLIED;

			printf("%s\n", kept ? "Confirmed: the change stays." : "The change was rolled back.");
			store_generation_clear(&g);
			store_close(st);
			return kept ? CMD_EXIT_OK : CMD_EXIT_ERROR;
		}
		store_generation_clear(&g);
		store_close(st);
		if ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 < deadline)
			continue;
		a->st = cmd_open_state("apply", &a->so, STORE_WRITE);
		if (!a->st)
			return CMD_EXIT_ERROR;
		if (store_generation_get(&g, a->st, a->gen, NULL) == 0 && g.result == STORE_RESULT_PENDING)
			cmd_roll_back_generation(a->st, a->nl, a->gen, "not confirmed in time");
		store_generation_clear(&g);
		printf("Not confirmed within %.0f s: rolled back.\n", a->confirm_ms / 1000.0);
		return CMD_EXIT_ERROR;
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostnet apply [--repo PATH [--ref REF]] [--host H] [FILE | PLANFILE]\n"
		"                     [--auto-approve] [--state PATH] [--lock-timeout S] [--no-color]\n"
		"\nMakes the host match its profile: plans, asks, takes the state lock,\n"
		"records a snapshot, applies the actions over netlink, verifies the host\n"
		"now matches, and rolls back to the snapshot if anything fails.\n"
		"  --repo PATH     read the profile from this git repository\n"
		"  --ref REF       the commit to read (default HEAD)\n"
		"  --host H        the host (default: this host's short name)\n"
		"  FILE            a profile file instead of --repo\n"
		"  PLANFILE        a plan saved by 'hostnet plan --out': applied exactly,\n"
		"                  and refused if the host changed since it was made\n"
		"  --auto-approve  do not ask (required when stdin is not a terminal)\n"
		"  --no-color      no colour (also when NO_COLOR is set)\n"
		"  --connectivity-check  after applying, ping each stack's gateway from the\n"
		"                  adapter and address that reach it; roll back if one fails\n"
		"  --dhcp-timeout S  how long to wait for the leases of 'ipv4: dhcp' adapters\n"
		"                  (default 30); an adapter without one rolls the apply back\n"
		"  --confirm-timeout S  keep the change only if 'hostnet confirm' runs within\n"
		"                  S seconds; otherwise (even if this process is killed) it is\n"
		"                  rolled back, by this process or the next hostnet run\n"
		"Exit status: 0 applied (or nothing to do), 1 error (rolled back).\n");
}

static int parse(struct apply_cmd *a, struct cmd_desired_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "ref", required_argument, NULL, 'R' },
		{ "host", required_argument, NULL, 'H' },
		{ "auto-approve", no_argument, NULL, 'y' },
		{ "no-color", no_argument, NULL, 'n' },
		{ "connectivity-check", no_argument, NULL, 'c' },
		{ "confirm-timeout", required_argument, NULL, 't' },
		{ "dhcp-timeout", required_argument, NULL, 'D' },
		{ 0 },
	};
	struct cmd_parser p = CMD_PARSER_INIT("apply", usage, &a->so, CMD_OPT_STATE | CMD_OPT_LOCK);
	int c;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'r': o->repo = optarg; break;
		case 'R': o->ref = optarg; break;
		case 'H': o->host = optarg; break;
		case 'y': a->auto_approve = true; break;
		case 'n': a->color = false; break;
		case 'c': a->connectivity = true; break;
		case 't':
			if (cmd_parse_seconds(optarg, &a->confirm_ms) < 0 || !a->confirm_ms) {
				cmd_fail("apply", "--confirm-timeout: '%s' is not a number of seconds", optarg);
				return -EINVAL;
			}
			break;
		case 'D':
			if (cmd_parse_seconds(optarg, &a->dhcp_ms) < 0) {
				cmd_fail("apply", "--dhcp-timeout: '%s' is not a number of seconds", optarg);
				return -EINVAL;
			}
			break;
		default: return p.exit == CMD_EXIT_OK ? 1 : -EINVAL;
		}
	}
	if (optind < argc)
		o->file = argv[optind++];
	if (optind != argc || (o->file && o->repo)) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_cmd a = { .so = CMD_STATE_OPTS_INIT, .dhcp_ms = APPLY_DHCP_TIMEOUT_MS,
			       .color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") };
	struct dhcp_ctx dc;
	char dhcp_dir[4096], self[4096];
	struct cmd_desired_opts o = { 0 };
	struct diag_list diags = { 0 };
	struct diff df = { 0 }, check = { 0 };
	struct apply_result res = { 0 };
	struct utsname uts;
	json_t *pj = NULL;
	char *doc = NULL, *err = NULL, timings[256], sum[128];
	double t0, t_apply = 0, t_verify = 0;
	enum store_result result = STORE_RESULT_FAILED;
	int64_t snap_after = 0;
	long left;
	int r, rc = CMD_EXIT_ERROR;

	r = parse(&a, &o, argc, argv);
	if (r)
		return r > 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR;
	a.test.fail_before = env_index("HOSTNET_TEST_FAIL_BEFORE");
	a.test.kill_before = env_index("HOSTNET_TEST_KILL_BEFORE");
	a.test.fail_errno = errno_of(getenv("HOSTNET_TEST_FAIL_ERRNO"));
	r = o.file ? load_saved_plan(&a, o.file) : 0;
	if (r < 0)
		goto out;
	if (r > 0)
		a.planfile = o.file;
	else if (cmd_desired_load("apply", &o, &a.d) < 0)
		goto out;
	if (cmd_check_kernel("apply", &a.d.want, NULL) < 0)
		goto out;
	cmd_dhcp_ctx(&dc, &a.so, dhcp_dir, sizeof(dhcp_dir), self, sizeof(self));
	for (size_t i = 0; i < a.d.want.n_links && !dc.udhcpc; i++)
		if (a.d.want.links[i].dhcp4) {
			cmd_fail("apply", "%s: ipv4: dhcp needs the udhcpc client (apt-get install "
				 "udhcpc); nothing was changed", a.d.want.links[i].l.name);
			goto out;
		}
	/* Lock before observing: what is planned is what is applied. */
	a.st = cmd_open_state("apply", &a.so, STORE_WRITE);
	if (!a.st)
		goto out;
	store_generation_reap_interrupted(a.st, NULL);
	r = hnl_open(&a.nl);
	if (r < 0) {
		cmd_fail("apply", "cannot open a netlink socket: %s", strerror(-r));
		goto out;
	}
	cmd_expire_confirmations(a.st, a.nl);
	if (observe_now(&a, &a.before) < 0)
		goto out;
	r = diff_compute(&df, &a.d.want, &a.before, &diags);
	cmd_print_diags(&diags);
	if (r < 0) {
		cmd_fail("apply", r == -ENOMEM ? "out of memory"
			 : "the host is in the way of its profile; nothing was changed");
		goto out;
	}
	if (a.saved && check_saved_plan(&a, &a.before, &df) < 0)
		goto out;
	if (df.n == 0 && already_recorded(&a)) {
		/* Nothing to change and nothing new to record: the last
		 * generation already says this profile is applied. */
		if (dhcp_sync(&dc, &a.d.want, a.dhcp_ms, res.msg, sizeof(res.msg)) < 0) {
			cmd_fail("apply", "%s", res.msg);
			goto out;
		}
		printf("No changes. The host matches its profile.\n");
		rc = CMD_EXIT_OK;
		goto out;
	}
	struct plan_meta meta = { a.d.host, a.d.source, a.d.commit, a.d.hash };
	/* The generation keeps the desired state (drift compares with it) and
	 * the plan; a plan of thousands of actions is kept as its summary,
	 * since the snapshot before and the desired state give it back. */
	if (df.n <= APPLY_PLAN_KEEP_MAX) {
		pj = plan_to_json(&df, &meta);
	} else {
		struct diff summary = df;

		summary.n = 0;
		pj = plan_to_json(&summary, &meta);
		if (pj)
			json_object_set_new(pj, "actions_omitted", json_integer((json_int_t)df.n));
	}
	doc = pj ? generation_doc(&a, pj) : NULL;
	if (!doc) {
		cmd_fail("apply", "out of memory");
		goto out;
	}
	if (df.n) {
		plan_print_text(stdout, &df, &meta, a.color);
		if (!confirm(&a))
			goto out;
	}
	r = store_snapshot_save(&a.snap_before, a.st, a.d.host, uname(&uts) == 0 ? uts.release : NULL,
				&a.before, &err);
	if (r == 0) {
		struct store_generation_start g = {
			.host = a.d.host, .commit_id = a.d.commit, .profile_hash = a.d.hash,
			.plan = doc, .n_actions = df.n, .snapshot_before = a.snap_before,
		};
		r = store_generation_begin(&a.gen, a.st, &g, &err);
	}
	if (r < 0) {
		cmd_fail("apply", "%s; nothing was changed", err ? err : strerror(-r));
		goto out;
	}
	t0 = now_ms();
	r = apply_diff(a.nl, &df, &a.test, &res);
	t_apply = now_ms() - t0;
	if (r < 0) {
		fprintf(stderr, "hostnet apply: failed at action %zu of %zu: %s\n", res.failed, df.n, res.msg);
	} else if ((r = dhcp_sync(&dc, &a.d.want, a.dhcp_ms, res.msg, sizeof(res.msg))) < 0) {
		fprintf(stderr, "hostnet apply: %s\n", res.msg);
	} else {
		t0 = now_ms();
		left = remaining(&a, &a.d.want, &check);
		/* The kernel cascades (deleting a device's primary address also
		 * deletes its secondaries): one more pass finishes the job the
		 * plan described; anything still left is a real failure. */
		if (left > 0) {
			struct apply_result more;

			if (apply_diff(a.nl, &check, NULL, &more) == 0) {
				res.requests += more.requests;
				diff_clear(&check);
				left = remaining(&a, &a.d.want, &check);
			}
		}
		t_verify = now_ms() - t0;
		if (left != 0) {
			char desc[512] = "";

			fprintf(stderr, "hostnet apply: verification found %ld difference%s after applying%s\n",
				left, left == 1 ? "" : "s", left > 0 ? ":" : "");
			for (long k = 0; k < left && k < 10; k++) {
				plan_describe(&check.v[k], desc, sizeof(desc));
				fprintf(stderr, "  %s %s\n", diff_op_name(check.v[k].op), desc);
			}
			snprintf(res.msg, sizeof(res.msg), "verification found %ld differences", left);
			r = -EIO;
		}
		if (r == 0 && a.connectivity && (r = check_gateways(&a, res.msg, sizeof(res.msg))) < 0)
			fprintf(stderr, "hostnet apply: %s\n", res.msg);
	}
	if (r < 0) {
		int rb = cmd_roll_back(a.nl, &a.before, &a.d.want);

		dhcp_reap(&dc);

		result = rb == 0 ? STORE_RESULT_ROLLED_BACK : STORE_RESULT_FAILED;
		fprintf(stderr, "hostnet apply: %s\n", rb == 0
			? "rolled back: the host is as it was before this apply"
			: "ROLLBACK INCOMPLETE: check 'hostnet plan' and the messages above");
	} else {
		result = STORE_RESULT_APPLIED;
	}
	{
		struct kobj_set after = { 0 };

		if (observe_all(&after, a.nl) == 0)
			store_snapshot_save(&snap_after, a.st, a.d.host, uts.release, &after, NULL);
		kobj_set_clear(&after);
	}
	if (result == STORE_RESULT_APPLIED && a.confirm_ms && df.n) {
		rc = await_confirm(&a, &df);
		goto out;
	}
	snprintf(timings, sizeof(timings), "{\"apply_ms\":%.1f,\"verify_ms\":%.1f,\"requests\":%zu}",
		 t_apply, t_verify, res.requests);
	struct store_generation_end end = {
		.result = result, .snapshot_after = snap_after,
		.error = result == STORE_RESULT_APPLIED ? NULL : res.msg, .timings = timings,
	};
	free(err);
	err = NULL;
	if (store_generation_finish(a.st, a.gen, &end, &err) < 0)
		cmd_fail("apply", "cannot record the generation: %s", err ? err : "?");
	if (result == STORE_RESULT_APPLIED) {
		plan_summary(&df, sum, sizeof(sum));
		if (df.n)
			printf("\nApply complete: %zu added, %zu changed, %zu destroyed in %.1f ms "
			       "(%zu netlink requests); verified.\n", df.n_create, df.n_modify, df.n_delete,
			       t_apply, res.requests);
		else
			printf("%s\n", sum);
		rc = CMD_EXIT_OK;
	}
out:
	free(err);
	free(doc);
	json_decref(pj);
	json_decref(a.saved);
	diff_clear(&df);
	diff_clear(&check);
	diag_list_clear(&diags);
	kobj_set_clear(&a.before);
	hnl_close(a.nl);
	store_close(a.st);
	cmd_desired_clear(&a.d);
	return rc;
}
