/* hostnet validate: check host profiles from files or a git commit. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "load.h"
#include "profile-json.h"
#include "profile.h"
#include "source.h"
#include "validate.h"

struct validate_opts {
	const char *repo, *ref;
	char **hosts;
	size_t n_hosts;
	bool print, quiet;
};

struct validate_run {
	struct diag_list diags;
	json_t *printed;          /* host -> model, with --print */
	size_t n_profiles;
	int oom;
};

/* Loads and validates one profile; adds its model to `printed`. */
static void check_one(struct validate_run *run, struct loader *l, const char *path,
		      const char *host, bool print)
{
	struct profile *p = NULL;
	size_t before = run->diags.n_errors;
	int r = loader_load(l, path, host, &p, &run->diags);

	run->n_profiles++;
	if (r == -ENOMEM)
		run->oom = 1;
	if (p && validate_profile(p, &run->diags) == -ENOMEM)
		run->oom = 1;
	if (p && print && run->diags.n_errors == before) {
		json_t *j = profile_to_json(p);

		if (!j || json_object_set_new(run->printed, p->host ? p->host : path, j) < 0)
			run->oom = 1;
	}
	profile_free(p);
}

static int validate_repo(struct validate_run *run, const struct validate_opts *o)
{
	struct source *src = NULL;
	struct loader *l = NULL;
	char **names = NULL, *err = NULL;
	size_t n = 0;
	int r;

	r = source_open_git(&src, o->repo, o->ref ? o->ref : "HEAD", &err);
	if (r < 0) {
		cmd_fail("validate", "%s", err ? err : strerror(-r));
		goto out;
	}
	r = loader_new(&l, src, NULL);
	if (r < 0)
		goto out;
	if (o->n_hosts == 0) {
		r = source_list_hosts(src, &names, &n);
		if (r < 0) {
			cmd_fail("validate", "cannot list hosts/ in %s: %s", o->repo, strerror(-r));
			goto out;
		}
		if (n == 0)
			diag_error(&run->diags, NULL, "no host profiles (hosts/*.yaml) at %s in %s",
				   o->ref ? o->ref : "HEAD", o->repo);
	}
	for (size_t i = 0; i < (o->n_hosts ? o->n_hosts : n) && !run->oom; i++) {
		const char *host = o->n_hosts ? o->hosts[i] : names[i];
		char *path;

		if (asprintf(&path, "hosts/%s.yaml", host) < 0) {
			run->oom = 1;
			break;
		}
		check_one(run, l, path, host, o->print);
		free(path);
	}
	r = 0;
out:
	source_names_free(names, n);
	loader_free(l);
	source_free(src);
	free(err);
	return r;
}

static int validate_file(struct validate_run *run, const char *file, bool print)
{
	struct cmd_file_source fs;
	struct loader *l = NULL;
	int r = cmd_open_file_source(file, &fs);

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		diag_error(&run->diags, NULL, "%s: %s", file, strerror(-r));
		return 0;
	}
	r = loader_new(&l, fs.src, fs.prefix);
	if (r == 0)
		check_one(run, l, fs.path, fs.host, print);
	loader_free(l);
	cmd_file_source_clear(&fs);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostnet validate [options] FILE...\n"
		"       hostnet validate --repo PATH [--ref REF] [--host HOST]...\n"
		"\n"
		"Check host profiles and report every problem as FILE:LINE:COLUMN.\n"
		"  --repo PATH   read profiles from a git repository (bare or not), at a commit,\n"
		"                without a checkout\n"
		"  --ref REF     the commit to read (default HEAD)\n"
		"  --host HOST   only hosts/HOST.yaml (repeatable; default: every host)\n"
		"  --print       print the merged model of each valid profile as JSON\n"
		"  -q, --quiet   no summary line\n"
		"Exit status: 0 valid (warnings allowed), 1 errors.\n");
}

int cmd_validate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "ref", required_argument, NULL, 'R' },
		{ "host", required_argument, NULL, 'H' },
		{ "print", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("validate", usage, &so, 0);
	struct validate_opts o = { 0 };
	struct validate_run run = { 0 };
	int c, r = 0, rc = CMD_EXIT_ERROR;

	o.hosts = calloc((size_t)argc, sizeof(*o.hosts));
	if (!o.hosts)
		return CMD_EXIT_ERROR;
	while ((c = cmd_getopt(&p, argc, argv, "q", longopts)) != -1) {
		switch (c) {
		case 'r': o.repo = optarg; break;
		case 'R': o.ref = optarg; break;
		case 'H': o.hosts[o.n_hosts++] = optarg; break;
		case 'p': o.print = true; break;
		case 'q': o.quiet = true; break;
		default: rc = p.exit; goto out;
		}
	}
	if (!o.repo && (o.ref || o.n_hosts)) {
		cmd_fail("validate", "--ref and --host need --repo");
		goto out;
	}
	if (o.repo && optind < argc) {
		cmd_fail("validate", "give either --repo or files, not both");
		goto out;
	}
	if (!o.repo && optind >= argc) {
		usage(stderr);
		goto out;
	}
	run.printed = json_object();
	if (!run.printed)
		goto out;
	if (o.repo)
		r = validate_repo(&run, &o);
	else
		for (int i = optind; i < argc && r == 0 && !run.oom; i++)
			r = validate_file(&run, argv[i], o.print);
	if (r == -ENOMEM || run.oom) {
		cmd_fail("validate", "out of memory");
		goto out;
	}
	cmd_print_diags(&run.diags);
	if (r < 0)
		goto out;
	if (o.print && run.diags.n_errors == 0)
		json_dumpf(run.printed, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER),
			fputc('\n', stdout);
	if (!o.quiet)
		fprintf(stderr, "%zu profile%s checked: %zu error%s, %zu warning%s\n",
			run.n_profiles, run.n_profiles == 1 ? "" : "s",
			run.diags.n_errors, run.diags.n_errors == 1 ? "" : "s",
			run.diags.n_warnings, run.diags.n_warnings == 1 ? "" : "s");
	rc = run.diags.n_errors ? CMD_EXIT_ERROR : CMD_EXIT_OK;
out:
	json_decref(run.printed);
	diag_list_clear(&run.diags);
	free(o.hosts);
	return rc;
}
