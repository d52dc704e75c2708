/* hostnet import: write a host profile from what the kernel has. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "import.h"
#include "kobj.h"
#include "profile.h"
#include "validate.h"
#include "ydoc.h"

#define IMPORT_MAX_UPLINKS 256

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet import [--host H] [--out FILE] [--uplinks NAME,...]\n"
		   "\nReads the kernel's links, addresses, routes and rules and writes a host\n"
		   "profile for them: NICs as uplinks, bridges as switches, addresses as\n"
		   "adapters in place, 'from' rules as stacks, static routes.  Comments at its\n"
		   "top say what was guessed and what was left out, and why.  Nothing on the\n"
		   "host is changed.\n"
		   "  --host H          the profile's host (default: this host's short name)\n"
		   "  --out FILE        write it to FILE (default: standard output)\n"
		   "  --uplinks LIST    exactly these links are the NICs (default: every link\n"
		   "                    without a kind, and veths)\n"
		   "Exit status: 0, or 1 when the host cannot be read or the profile written\n"
		   "does not validate as it is (its problems are printed).\n");
}

/* Splits "eth1,eth2" in place into v. */
static int split_uplinks(char *list, const char **v, size_t *n)
{
	*n = 0;
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (*n == IMPORT_MAX_UPLINKS)
			return -E2BIG;
		v[(*n)++] = t;
	}
	return *n ? 0 : -EINVAL;
}

/* The written profile read back as hostnet reads it: its problems, if any,
 * are the user's to fix before applying it. */
static int check_written(const char *name, const char *text)
{
	struct diag_list diags = { 0 };
	struct ydoc *doc = NULL;
	struct profile *p = NULL;
	int r = ydoc_parse(&doc, name, text, strlen(text), &diags);

	if (r == 0)
		r = profile_from_tree(&p, doc->root, &diags);
	if (r == 0)
		r = validate_profile(p, &diags);
	cmd_print_diags(&diags);
	profile_free(p);
	ydoc_free(doc);
	diag_list_clear(&diags);
	return r;
}

static int write_file(const char *path, const char *text)
{
	char *tmp = NULL;
	FILE *f;
	int r = 0;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	f = fopen(tmp, "w");
	if (!f) {
		r = -errno;
		goto out;
	}
	if (fputs(text, f) < 0)
		r = -EIO;
	if (fclose(f) != 0 && !r)
		r = -errno;
	/* Renamed into place whole: a reader never sees half a profile. */
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
out:
	free(tmp);
	return r;
}

int cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "out", required_argument, NULL, 'o' },
		{ "uplinks", required_argument, NULL, 'u' },
		{ 0 },
	};
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("import", usage, &so, 0);
	const char *uplinks[IMPORT_MAX_UPLINKS];
	struct import_opts o = { 0 };
	struct import_profile ip = { 0 };
	struct kobj_set set = { 0 };
	const char *out = NULL;
	char *text = NULL;
	int c, r, rc = CMD_EXIT_ERROR;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'H': o.host = optarg; break;
		case 'o': out = optarg; break;
		case 'u':
			r = split_uplinks(optarg, uplinks, &o.n_uplinks);
			if (r < 0) {
				cmd_fail("import", "--uplinks: %s", r == -E2BIG
					 ? "more than 256 names" : "expected a list like eth1,eth2");
				return CMD_EXIT_ERROR;
			}
			o.uplinks = uplinks;
			break;
		default: return p.exit;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (!o.host)
		o.host = cmd_default_host();
	if (cmd_read_kernel("import", &set) < 0)
		goto out;
	r = import_build(&ip, &set, &o);
	if (r == 0)
		r = import_write_yaml(&text, &ip);
	if (r < 0) {
		cmd_fail("import", "%s", strerror(-r));
		goto out;
	}
	if (out && (r = write_file(out, text)) < 0) {
		cmd_fail("import", "cannot write %s: %s", out, strerror(-r));
		goto out;
	}
	if (!out)
		fputs(text, stdout);
	r = check_written(out ? out : "(imported profile)", text);
	if (r == -EINVAL)
		cmd_fail("import", "the imported profile does not validate as it is: fix the "
			 "problems above, then 'hostnet validate' it");
	else if (r < 0)
		cmd_fail("import", "%s", strerror(-r));
	else
		rc = CMD_EXIT_OK;
out:
	free(text);
	import_profile_clear(&ip);
	kobj_set_clear(&set);
	return rc;
}
