/* hostnet confirm: keep a change applied with --confirm-timeout; and the
 * rollback of changes nobody confirmed in time (like `netplan try`). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "nl.h"
#include "store.h"
#include "want-json.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cmd_roll_back_generation(struct store *st, struct hnl *nl, int64_t id, const char *why)
{
	struct store_generation g = { 0 };
	struct kobj_set before = { 0 };
	struct want want = { 0 };
	json_t *doc = NULL;
	char *err = NULL;
	int r = store_generation_get(&g, st, id, &err);

	if (r < 0)
		goto out;
	doc = g.plan ? json_loads(g.plan, 0, NULL) : NULL;
	if (!doc || !g.snapshot_before) {
		r = -EINVAL;
		goto out;
	}
	r = want_from_json(&want, json_object_get(doc, "want"), &err);
	if (r == 0)
		r = store_snapshot_load(&before, NULL, st, g.snapshot_before, &err);
	if (r == 0)
		r = cmd_roll_back(nl, &before, &want);
	struct store_generation_end end = {
		.result = r == 0 ? STORE_RESULT_ROLLED_BACK : STORE_RESULT_FAILED,
		.error = why,
	};
	store_generation_finish(st, id, &end, NULL);
	fprintf(stderr, "hostnet: generation %lld of %s %s: %s\n", (long long)id, g.host,
		r == 0 ? "rolled back" : "COULD NOT BE ROLLED BACK", why);
out:
	if (r < 0 && err)
		fprintf(stderr, "hostnet: rolling back generation %lld: %s\n", (long long)id, err);
	free(err);
	json_decref(doc);
	want_clear(&want);
	kobj_set_clear(&before);
	store_generation_clear(&g);
	return r;
}

int cmd_expire_confirmations(struct store *st, struct hnl *nl)
{
	int64_t id, deadline, last = 0;
	int n = 0;

	/* Each rollback finishes its generation; a generation seen twice
	 * means the database would not record that, so stop. */
	while (store_generation_awaiting(&id, &deadline, st, NULL, NULL) == 0 &&
	       deadline <= now_ms() && id != last) {
		cmd_roll_back_generation(st, nl, id, "not confirmed in time");
		last = id;
		n++;
	}
	return n;
}

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
	struct store *st = NULL;
	struct hnl *nl = NULL;
	int64_t id, deadline;
	char *err = NULL;
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
	st = cmd_open_state("confirm", &so, STORE_WRITE);
	if (!st)
		goto out;
	r = hnl_open(&nl);
	if (r < 0) {
		cmd_fail("confirm", "cannot open a netlink socket: %s", strerror(-r));
		goto out;
	}
	if (expire) {
		r = cmd_expire_confirmations(st, nl);
		printf("%d change%s rolled back\n", r, r == 1 ? "" : "s");
		rc = CMD_EXIT_OK;
		goto out;
	}
	r = store_generation_awaiting(&id, &deadline, st, host, &err);
	if (r == -ENOENT) {
		cmd_fail("confirm", "no change is waiting for confirmation");
		goto out;
	}
	if (r < 0) {
		cmd_fail("confirm", "%s", err ? err : strerror(-r));
		goto out;
	}
	if (deadline <= now_ms()) {
		cmd_roll_back_generation(st, nl, id, "not confirmed in time");
		cmd_fail("confirm", "too late: generation %lld was not confirmed in time and has been "
			 "rolled back", (long long)id);
		goto out;
	}
	struct store_generation_end end = { .result = STORE_RESULT_APPLIED };
	r = store_generation_finish(st, id, &end, &err);
	if (r < 0) {
		cmd_fail("confirm", "%s", err ? err : strerror(-r));
		goto out;
	}
	printf("confirmed generation %lld: the change stays\n", (long long)id);
	rc = CMD_EXIT_OK;
out:
	free(err);
	hnl_close(nl);
	store_close(st);
	return rc;
}
