/* hostnet state check|info: look after the state database itself. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "store.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet state check|info [--state PATH]\n"
		   "\n  check   run SQLite's integrity check and hostnet's own consistency checks\n"
		   "  info    print the database's path and schema version\n"
		   "Desired state lives in git: a database that fails the check can be moved\n"
		   "away and rebuilt by the next run, losing only history.\n");
}

int cmd_state(int argc, char **argv)
{
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("state", usage, &so, CMD_OPT_STATE);
	struct store *st = NULL;
	char *err = NULL;
	int rc = CMD_EXIT_ERROR;

	/* No options of its own: one call takes the common ones. */
	if (cmd_getopt(&p, argc, argv, "", NULL) != -1)
		return p.exit;
	if (optind + 1 != argc || (strcmp(argv[optind], "check") && strcmp(argv[optind], "info"))) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	st = cmd_open_state("state", &so, STORE_READONLY);
	if (!st)
		goto out;
	if (strcmp(argv[optind], "info") == 0) {
		printf("path: %s\nschema version: %u (this hostnet knows up to %u)\n", store_path(st),
		       store_schema_version(st), store_schema_version_latest());
		rc = CMD_EXIT_OK;
		goto out;
	}
	if (store_check(st, &err) < 0) {
		cmd_fail("state", "%s", err ? err : "check failed");
		goto out;
	}
	printf("%s: ok\n", store_path(st));
	rc = CMD_EXIT_OK;
out:
	free(err);
	store_close(st);
	return rc;
}
