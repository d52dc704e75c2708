/* hostnet confirm: keep a change applied with --confirm-timeout, or roll
 * back the changes nobody confirmed in time (like `netplan try`).  The
 * decisions are the engine's (engine-confirm.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet confirm [--host H] [--expire] [--state PATH]\n"
		   "\nKeeps the change that 'hostnet apply --confirm-timeout S' made, if it is\n"
		   "still within its time.  With --expire, rolls back instead every change\n"
		   "whose time ran out (for a timer: it also covers an apply that was killed).\n"
		   "  --host H    the change of host H (default: the newest of any host)\n"
		   "  --expire    roll back every change whose time ran out instead\n"
		   "Exit status: 0 confirmed (or expired ones rolled back), 1 nothing waiting,\n"
		   "too late (rolled back) or error.\n");
}

int cmd_confirm(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "expire", no_argument, NULL, 'e' },
		{ 0 },
	};
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("confirm", usage, &so, CMD_OPT_STATE | CMD_OPT_LOCK);
	const char *host = NULL;
	bool expire = false;
	struct engine_opts eo;
	struct engine *e = NULL;
	int64_t id;
	int c, r, rc = CMD_EXIT_ERROR;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'e': expire = true; break;
		default: return p.exit;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	cmd_engine_opts(&eo, "confirm", &so);
	if (engine_open(&e, &eo) < 0)
		goto out;
	if (expire) {
		r = engine_expire(e);
		if (r < 0) {
			cmd_fail("confirm", "a change whose time ran out could not be rolled back "
				 "and recorded (see above); it stays pending for the next run");
			goto out;
		}
		printf("%d change%s rolled back\n", r, r == 1 ? "" : "s");
		rc = CMD_EXIT_OK;
		goto out;
	}
	r = engine_confirm(e, host, &id);
	if (r == -ENOENT) {
		cmd_fail("confirm", "no change is waiting for confirmation");
		goto out;
	}
	if (r == -ETIMEDOUT) {
		cmd_fail("confirm", "too late: generation %lld was not confirmed in time and has been "
			 "rolled back", (long long)id);
		goto out;
	}
	if (r < 0)
		goto out;
	printf("confirmed generation %lld: the change stays\n", (long long)id);
	rc = CMD_EXIT_OK;
out:
	engine_close(e);
	return rc;
}
