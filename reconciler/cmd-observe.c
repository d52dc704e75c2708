/* hostnet observe: record the kernel's state as a snapshot in the state DB. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd.h"
#include "kobj.h"
#include "observe.h"
#include "store.h"
#include "kobj-json.h"
#include <errno.h>
#include <time.h>

static int export_snapshot(const char *path, const char *host, const struct kobj_set *set)
{
	json_t *state = kobj_set_to_json(set);
	json_t *doc = state ? json_pack("{s:i,s:s,s:I,s:o}", "hostnet_snapshot", 1, "host", host,
					"taken_at", (json_int_t)time(NULL), "state", state) : NULL;
	int r = doc ? json_dump_file(doc, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : -ENOMEM;

	json_decref(doc);
	return r == -ENOMEM ? r : r < 0 ? -EIO : 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet observe [--host H] [-q] [--export FILE] [--state PATH]\n"
		   "                       [--lock-timeout S]\n"
		   "\nReads links, addresses, routes, rules and kernel capabilities, records\n"
		   "them as a snapshot in the state database and prints the snapshot's id.\n"
		   "  --host H          record under host H (default: this host's short name)\n"
		   "  -q, --quiet       print only the id\n"
		   "  --export FILE     also write the snapshot as JSON, for\n"
		   "                    'hostnet plan --against-snapshot FILE' elsewhere\n");
}

int cmd_observe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "export", required_argument, NULL, 'x' },
		{ 0 },
	};
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("observe", usage, &so, CMD_OPT_STATE | CMD_OPT_LOCK);
	const char *host = NULL;
	struct kobj_set set = { 0 };
	struct store *st = NULL;
	struct utsname uts;
	bool quiet = false;
	const char *export = NULL;
	char *err = NULL;
	int64_t id;
	int c, r, rc = CMD_EXIT_ERROR;

	while ((c = cmd_getopt(&p, argc, argv, "q", longopts)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'q': quiet = true; break;
		case 'x': export = optarg; break;
		default: return p.exit;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (!host)
		host = cmd_default_host();
	/* Take the lock first: a snapshot is one consistent view, and a second
	 * writer must wait rather than interleave. */
	st = cmd_open_state("observe", &so, STORE_WRITE);
	if (!st)
		goto out;
	if (cmd_read_kernel("observe", &set) < 0)
		goto out;
	r = observe_caps(&set.caps);
	if (r < 0) {
		cmd_fail("observe", "cannot probe the kernel's capabilities: %s", strerror(-r));
		goto out;
	}
	r = store_snapshot_save(&id, st, host, uname(&uts) == 0 ? uts.release : NULL, &set, &err);
	if (r < 0) {
		cmd_fail("observe", "%s", err ? err : strerror(-r));
		goto out;
	}
	if (export && (r = export_snapshot(export, host, &set)) < 0) {
		cmd_fail("observe", "cannot write %s: %s", export, strerror(-r));
		goto out;
	}
	if (quiet)
		printf("%lld\n", (long long)id);
	else
		printf("recorded snapshot %lld of %s: %zu links, %zu addresses, %zu routes, %zu rules\n",
		       (long long)id, host, set.n_links, set.n_addrs, set.n_routes, set.n_rules);
	rc = CMD_EXIT_OK;
out:
	free(err);
	store_close(st);
	kobj_set_clear(&set);
	return rc;
}
