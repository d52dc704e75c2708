/* hostnet apply: make the host match its profile, verify, roll back on
 * failure, and record the generation.  This file parses the options and
 * reads a saved plan; the transaction is the engine's (engine.h), printed
 * by cmd-transact.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "diff.h"
#include "plan.h"
#include "want-json.h"

struct apply_cmd {
	struct cmd_desired d;
	struct cmd_state_opts so;
	struct cmd_transact t;
	const char *planfile;
	json_t *saved;             /* a saved plan, when applying one */
};

static const char *jstr(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Whether `path` is meant as a saved plan rather than a profile: its name
 * ends in ".plan", or it is JSON (its first byte other than white space is
 * '{') without a YAML name.  A profile may be written in YAML's flow style
 * and so start with '{' too, hence the name decides first.  Deciding before
 * parsing lets a damaged plan be reported as a plan. */
static bool looks_like_plan(const char *path)
{
	FILE *f;
	int c;

	if (ends_with(path, ".plan"))
		return true;
	if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	do
		c = getc(f);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	fclose(f);
	return c == '{';
}

/* A file written by `hostnet plan --out`: its desired state and what it was
 * made against.  Returns 1 when `path` is a saved plan, 0 when it is not
 * (a profile), negative on error (reported). */
static int load_saved_plan(struct apply_cmd *a, const char *path)
{
	json_error_t e;
	json_t *j;
	char *err = NULL;
	int r;

	if (!looks_like_plan(path))
		return 0;
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!j && e.line < 1) {   /* not read at all */
		cmd_fail("apply", "%s: %s; nothing was changed", path, e.text);
		return -EINVAL;
	}
	if (!j) {
		cmd_fail("apply", "%s:%d:%d: not a valid plan: %s; nothing was changed", path, e.line,
			 e.column, e.text);
		return -EINVAL;
	}
	if (!json_is_object(j) || !json_object_get(j, "hostnet_plan")) {
		cmd_fail("apply", "%s: not a hostnet plan (no 'hostnet_plan' key; make one with "
			 "'hostnet plan --out'); nothing was changed", path);
		json_decref(j);
		return -EINVAL;
	}
	r = want_plan_doc_read(&a->d.want, j, &err);
	if (r < 0) {
		cmd_fail("apply", "%s is not a usable plan: %s; nothing was changed", path,
			 err ? err : strerror(-r));
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
static int check_saved_plan(void *ctx, const struct kobj_set *have, const struct diff *df)
{
	struct apply_cmd *a = ctx;
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

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostnet apply [--repo PATH [--ref REF]] [--host H] [FILE | PLANFILE]\n"
		"                     [--auto-approve] [--adopt] [--state PATH] [--lock-timeout S]\n"
		"                     [--no-color]\n"
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
		"  --adopt         take over, in place, the objects another tool made that\n"
		"                  the plan shows as adoptions (= adopt); without it such a\n"
		"                  plan is refused\n"
		"  --connectivity-check  after applying, ping each stack's gateway from the\n"
		"                  adapter and address that reach it; roll back if one fails\n"
		"  --dhcp-timeout S  how long to wait for the leases of 'ipv4: dhcp' adapters\n"
		"                  (default 30); an adapter without one rolls the apply back\n"
		"  --confirm-timeout S  keep the change only if 'hostnet confirm' runs within\n"
		"                  S seconds; otherwise (even if this process is killed) it is\n"
		"                  rolled back, by this process or the next hostnet run\n"
		"  --allow-management-change  apply a plan that disturbs the management\n"
		"                  service without --confirm-timeout (refused otherwise)\n"
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
		{ "adopt", no_argument, NULL, 'a' },
		{ "confirm-timeout", required_argument, NULL, 't' },
		{ "dhcp-timeout", required_argument, NULL, 'D' },
		{ "allow-management-change", no_argument, NULL, 'M' },
		{ 0 },
	};
	struct cmd_parser p = CMD_PARSER_INIT("apply", usage, &a->so, CMD_OPT_STATE | CMD_OPT_LOCK);
	int c;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'r': o->repo = optarg; break;
		case 'R': o->ref = optarg; break;
		case 'H': o->host = optarg; break;
		case 'y': a->t.auto_approve = true; break;
		case 'n': a->t.color = false; break;
		case 'c': a->t.connectivity = true; break;
		case 'a': a->t.adopt = true; break;
		case 'M': a->t.allow_management = true; break;
		case 't':
			if (cmd_parse_seconds(optarg, &a->t.confirm_ms) < 0 || !a->t.confirm_ms) {
				cmd_fail("apply", "--confirm-timeout: '%s' is not a number of seconds", optarg);
				return -EINVAL;
			}
			break;
		case 'D':
			if (cmd_parse_seconds(optarg, &a->t.dhcp_ms) < 0) {
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
	struct apply_cmd a = { .so = CMD_STATE_OPTS_INIT };
	struct cmd_desired_opts o = { 0 };
	int r, rc = CMD_EXIT_ERROR;

	a.t = (struct cmd_transact){
		.cmd = "apply", .so = &a.so, .dhcp_ms = CMD_TRANSACT_DHCP_TIMEOUT_MS,
		.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
	};
	r = parse(&a, &o, argc, argv);
	if (r)
		return r > 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR;
	r = o.file ? load_saved_plan(&a, o.file) : 0;
	if (r < 0)
		goto out;
	if (r > 0) {
		a.planfile = o.file;
		a.t.check = check_saved_plan;
		a.t.ctx = &a;
		a.t.planfile = o.file;
	} else if (cmd_desired_load("apply", &o, &a.d) < 0) {
		goto out;
	}
	rc = cmd_transact(&a.t, &a.d);
out:
	json_decref(a.saved);
	cmd_desired_clear(&a.d);
	return rc;
}
