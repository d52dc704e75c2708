/* hostnet reconcile: the pull agent.  Fetch the profiles repository into a
 * local mirror, find this host's profile, and apply it when the commit or
 * the host changed; keep the last good commit when a new one is invalid. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "esc.h"
#include "dhcp.h"
#include "diff.h"
#include "source.h"
#include "store.h"

struct agent {
	const char *remote, *branch, *host, *mirror;
	struct cmd_state_opts so;
	bool connectivity;
	bool allow_management;   /* --allow-management-change */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The commit of the host's last applied generation, "" when none. */
static void last_applied(const struct agent *a, char out[41])
{
	struct store_generation g = { 0 };
	struct store *st = NULL;

	out[0] = '\0';
	if (access(cmd_state_path(&a->so), F_OK) != 0)
		return;
	st = cmd_open_state("reconcile", &a->so, STORE_READONLY);
	if (st && store_generation_last_applied(&g, st, a->host, NULL) == 0 && g.commit_id)
		snprintf(out, 41, "%s", g.commit_id);
	store_generation_clear(&g);
	store_close(st);
}

/* 1 when the host already matches `commit`, 0 when not, <0 on error. */
static int up_to_date(const struct agent *a, const char *commit)
{
	struct cmd_desired_opts o = { .repo = a->mirror, .ref = commit, .host = a->host,
				       .defer_hash = true };
	struct cmd_desired d;
	struct kobj_set have = { 0 };
	struct diag_list diags = { 0 };
	struct diff df = { 0 };
	int r = cmd_desired_load("reconcile", &o, &d);

	if (r < 0)
		return r;
	r = cmd_read_kernel("reconcile", &have);
	if (r == 0)
		r = diff_compute(&df, &d.want, &have, &diags);
	if (r == 0)
		r = df.n == 0;
	if (r == 1) {
		/* A DHCP client that died leaves its lease until it expires:
		 * keeping the clients running is the agent's job too. */
		struct dhcp_ctx dc;
		char dir[4096], self[4096];
		const char *dead;

		cmd_dhcp_ctx(&dc, &a->so, dir, sizeof(dir), self, sizeof(self));
		dead = dhcp_missing_client(&dc, &d.want);
		if (dead) {
			esc_line(stdout, "%s: the DHCP client of %s is not running", a->host, dead);
			r = 0;
		}
	}
	diff_clear(&df);
	diag_list_clear(&diags);
	kobj_set_clear(&have);
	cmd_desired_clear(&d);
	return r;
}

/* Applies `commit` as 'hostnet apply --auto-approve' would: the same
 * engine, the same messages. */
static int apply_commit(const struct agent *a, const char *commit)
{
	struct cmd_desired_opts o = { .repo = a->mirror, .ref = commit, .host = a->host };
	struct cmd_transact t = {
		.cmd = "apply", .so = &a->so, .auto_approve = true, .connectivity = a->connectivity,
		.allow_management = a->allow_management,
		.dhcp_ms = CMD_TRANSACT_DHCP_TIMEOUT_MS,
		.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
	};
	struct cmd_desired d;
	int rc = CMD_EXIT_ERROR;

	if (cmd_desired_load("apply", &o, &d) == 0)
		rc = cmd_transact(&t, &d);
	cmd_desired_clear(&d);
	return rc;
}

static int run_once(const struct agent *a)
{
	struct cmd_desired_opts o = { .repo = a->mirror, .host = a->host, .defer_hash = true };
	struct cmd_desired d;
	char commit[41], last[41], *err = NULL;
	const char *target;
	bool invalid = false;
	int r;

	r = source_git_fetch(a->mirror, a->remote, a->branch, commit, &err);
	if (r < 0) {
		cmd_fail("reconcile", "%s", err ? err : strerror(-r));
		free(err);
		return CMD_EXIT_ERROR;
	}
	last_applied(a, last);
	o.ref = commit;
	target = commit;
	if (strcmp(commit, last) != 0) {
		/* A new commit: it must validate before anything happens. */
		r = cmd_desired_load("reconcile", &o, &d);
		cmd_desired_clear(&d);
		if (r < 0) {
			invalid = true;
			if (!last[0]) {
				cmd_fail("reconcile", "commit %.12s of %s does not validate and nothing "
					 "was applied before; the host is left as it is", commit, a->branch);
				return CMD_EXIT_ERROR;
			}
			cmd_fail("reconcile", "commit %.12s of %s does not validate; keeping %.12s",
				 commit, a->branch, last);
			target = last;
		}
	}
	r = up_to_date(a, target);
	if (r < 0)
		return CMD_EXIT_ERROR;
	if (r == 1) {
		esc_line(stdout, "%s is up to date with %.12s; nothing to do", a->host, target);
		return invalid ? CMD_EXIT_ERROR : CMD_EXIT_OK;
	}
	esc_line(stdout, "%s: applying %.12s of %s", a->host, target, a->branch);
	fflush(stdout);
	r = apply_commit(a, target);
	return invalid ? CMD_EXIT_ERROR : r;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostnet reconcile --remote URL [--branch B] [--host H] [--mirror DIR]\n"
		"                         [--interval S] [--connectivity-check]\n"
		"                         [--allow-management-change] [--state PATH]\n"
		"\nFetches the profiles repository (file://, a path or https) into a local\n"
		"mirror, checks nothing out, and applies this host's profile when the branch\n"
		"moved or the host drifted.  A commit that does not validate is reported and\n"
		"the last good commit is kept.  --interval repeats every S seconds (with\n"
		"10%% jitter) until stopped.\n"
		"  --remote URL          the profiles repository (required)\n"
		"  --branch B            the branch to follow (default main)\n"
		"  --host H              the host (default: this host's short name)\n"
		"  --mirror DIR          the local mirror (default: profiles.git beside the\n"
		"                        state database)\n"
		"  --interval S          run again every S seconds until stopped\n"
		"  --connectivity-check  as for 'hostnet apply'\n"
		"  --allow-management-change  apply commits whose plan disturbs the management\n"
		"                        service (refused by default: nobody is there to confirm)\n"
		"Exit status: 0 applied or up to date, 1 error (or the newest commit does\n"
		"not validate).\n");
}

int cmd_reconcile(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "remote", required_argument, NULL, 'u' },
		{ "branch", required_argument, NULL, 'b' },
		{ "host", required_argument, NULL, 'H' },
		{ "mirror", required_argument, NULL, 'm' },
		{ "interval", required_argument, NULL, 'i' },
		{ "connectivity-check", no_argument, NULL, 'c' },
		{ "allow-management-change", no_argument, NULL, 'M' },
		{ 0 },
	};
	struct agent a = { .branch = "main", .so = CMD_STATE_OPTS_INIT };
	struct cmd_parser p = CMD_PARSER_INIT("reconcile", usage, &a.so, CMD_OPT_STATE | CMD_OPT_LOCK);
	char *mirror = NULL, *dir = NULL;
	unsigned interval_ms = 0;
	int c, rc;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'u': a.remote = optarg; break;
		case 'b': a.branch = optarg; break;
		case 'H': a.host = optarg; break;
		case 'm': a.mirror = optarg; break;
		case 'c': a.connectivity = true; break;
		case 'M': a.allow_management = true; break;
		case 'i':
			if (cmd_parse_seconds(optarg, &interval_ms) < 0) {
				cmd_fail("reconcile", "--interval: '%s' is not a number of seconds", optarg);
				return CMD_EXIT_ERROR;
			}
			break;
		default: return p.exit;
		}
	}
	if (a.remote)
		cmd_audit_agent(a.remote, a.branch);
	if (optind != argc || !a.remote) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (!a.host)
		a.host = cmd_default_host();
	if (!a.mirror) {
		dir = strdup(cmd_state_path(&a.so));
		if (!dir || asprintf(&mirror, "%s/profiles.git", dirname(dir)) < 0) {
			free(dir);
			return CMD_EXIT_ERROR;
		}
		a.mirror = mirror;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	srand((unsigned)(time(NULL) ^ getpid()));
	do {
		rc = run_once(&a);
		if (!interval_ms || stop)
			break;
		/* Jitter spreads a fleet's fetches over time. */
		long ms = (long)interval_ms + (rand() % (interval_ms / 5 + 1)) - (long)interval_ms / 10;
		struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

		while (!stop && nanosleep(&t, &t) < 0)
			;
	} while (!stop);
	free(mirror);
	free(dir);
	return rc;
}
