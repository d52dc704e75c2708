/* cmd-transact: the printing side of the engine, shared by apply and
 * reconcile (commands never call each other): plan text, the question,
 * the engine's events, and the outcome. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blast.h"
#include "cmd.h"
#include "dhcp.h"
#include "engine.h"
#include "esc.h"
#include "journal.h"
#include "plan.h"
#include "source.h"

/* Who runs this process, for the audit trail: read once, lives as long as
 * the process (the engine borrows it). */
static struct audit_who cmd_who;
static bool cmd_who_read;

const struct audit_who *cmd_audit_who(void)
{
	if (!cmd_who_read)
		audit_who_current(&cmd_who);
	cmd_who_read = true;
	return &cmd_who;
}

void cmd_audit_agent(const char *remote, const char *branch)
{
	cmd_audit_who();
	audit_who_set_agent(&cmd_who, remote, branch);
}

void cmd_engine_report(void *ctx, const struct engine_event *ev)
{
	const char *cmd = ctx;

	switch (ev->kind) {
	case ENGINE_EV_DIAGS:
		cmd_print_diags(ev->diags);
		break;
	case ENGINE_EV_PROGRESS:
		esc_line(stdout, "%s", ev->text);
		break;
	case ENGINE_EV_FAILURE:
		cmd_fail(cmd, "%s", ev->text);
		break;
	case ENGINE_EV_DETAIL:
		esc_line(stderr, "  %s", ev->text);
		break;
	case ENGINE_EV_ROLLBACK:
		esc_line(stderr, "hostnet: %s", ev->text);
		break;
	case ENGINE_EV_AUDIT:
		/* Best effort by design: no journald (a container) is no
		 * reason to fail or undo a change already recorded. */
		journal_audit(ev->audit);
		break;
	case ENGINE_EV_WARNING:
		esc_line(stderr, "hostnet %s: warning: %s", cmd, ev->text);
		break;
	}
}

void cmd_engine_opts(struct engine_opts *o, const char *cmd, const struct cmd_state_opts *so)
{
	*o = (struct engine_opts){ .state_path = cmd_state_path(so) };
	cmd_store_opts(so, &o->store);
	o->report = (struct engine_report){ cmd_engine_report, (void *)cmd, cmd_audit_who() };
}

static size_t env_index(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : 0;
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

/* Never lock the operator out by accident: a change that can cut the
 * management adapter off needs a way back (a confirmation deadline that
 * rolls it back) or an explicit yes.  Refuses (prints, false) otherwise. */
static bool management_ok(const struct cmd_transact *t, const struct diff *df)
{
	size_t counts[PROFILE_SERVICE__MAX];
	struct blast *b;
	uint32_t all;
	bool ok;

	if (t->confirm_ms || t->allow_management || !df->n)
		return true;
	b = blast_new(df);
	if (!b) {
		cmd_fail(t->cmd, "out of memory");
		return false;
	}
	all = blast_diff(b, counts);
	blast_free(b);
	ok = !(all & 1u << PROFILE_SERVICE_MANAGEMENT);
	if (!ok)
		cmd_fail(t->cmd, "this plan disturbs management (%zu action%s): it could cut this host off "
			 "from its operators; apply it with --confirm-timeout S (rolled back unless "
			 "'hostnet confirm' comes in time) or --allow-management-change; nothing was "
			 "changed", counts[PROFILE_SERVICE_MANAGEMENT],
			 counts[PROFILE_SERVICE_MANAGEMENT] == 1 ? "" : "s");
	return ok;
}

static bool approved(const struct cmd_transact *t)
{
	char line[16];

	if (t->auto_approve)
		return true;
	if (!isatty(STDIN_FILENO)) {
		cmd_fail(t->cmd, "not a terminal: review with 'hostnet plan' and pass --auto-approve; "
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

/* Like `netplan try`: the change stays only if `hostnet confirm` comes in
 * time; the engine waits, this says what happened. */
static int await_confirm(const struct cmd_transact *t, struct engine *e, const struct diff *df,
			 const struct engine_result *res)
{
	struct timespec now;
	enum engine_confirm_end end = ENGINE_EXPIRED;
	int64_t left;

	clock_gettime(CLOCK_REALTIME, &now);
	left = res->deadline_ms - ((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	printf("\nApplied %zu actions and verified.  Run 'hostnet confirm' within %.1f s to keep "
	       "them; otherwise they are rolled back.\n", df->n, left > 0 ? left / 1000.0 : 0.0);
	fflush(stdout);
	if (engine_await_confirm(e, &end) < 0)
		return CMD_EXIT_ERROR;
	switch (end) {
	case ENGINE_CONFIRMED:
		printf("Confirmed: the change stays.\n");
		return CMD_EXIT_OK;
	case ENGINE_UNDONE:
		printf("The change was rolled back.\n");
		return CMD_EXIT_ERROR;
	case ENGINE_EXPIRED:
		break;
	}
	printf("Not confirmed within %.0f s: rolled back.\n", t->confirm_ms / 1000.0);
	return CMD_EXIT_ERROR;
}

static const char *adopted(const struct diff *df, char *buf, size_t size)
{
	buf[0] = '\0';
	if (df->n_adopt)
		snprintf(buf, size, "%zu adopted, ", df->n_adopt);
	return buf;
}

int cmd_transact(const struct cmd_transact *t, struct cmd_desired *d)
{
	struct engine_opts o;
	struct engine_desired ed = { &d->want, d->host, d->source, d->commit, d->hash,
				     d->src ? source_commit_author(d->src) : NULL, NULL, NULL };
	struct engine_result res;
	struct engine *e = NULL;
	struct dhcp_ctx dc;
	const struct diff *df = NULL;
	struct plan_meta meta = { d->host, d->source, d->commit, d->hash };
	char dhcp_dir[4096], self[4096], sum[128], *key = NULL, *files = NULL;
	uint32_t caps;
	int rc = CMD_EXIT_ERROR;

	if (cmd_check_kernel(t->cmd, t->so, &d->want, &caps) < 0)
		return CMD_EXIT_ERROR;
	/* Without a key the next plan parses the profile: nothing is lost. */
	if (cmd_desired_source_key(d, t->so, caps, &key, &files) == 0) {
		ed.source_key = key;
		ed.source_files = files;
	}
	cmd_engine_opts(&o, t->cmd, t->so);
	cmd_dhcp_ctx(&dc, t->so, dhcp_dir, sizeof(dhcp_dir), self, sizeof(self));
	o.dhcp = &dc;
	o.dhcp_ms = t->dhcp_ms;
	o.confirm_ms = t->confirm_ms;
	o.connectivity = t->connectivity;
	o.adopt = t->adopt;
	o.test.fail_before = env_index("HOSTNET_TEST_FAIL_BEFORE");
	o.test.kill_before = env_index("HOSTNET_TEST_KILL_BEFORE");
	o.test.fail_errno = errno_of(getenv("HOSTNET_TEST_FAIL_ERRNO"));
	if (engine_check(&o, &d->want) < 0 || engine_open(&e, &o) < 0)
		goto out;
	if (engine_plan(e, &ed, &df) < 0)
		goto out;
	if (t->check && t->check(t->ctx, engine_before(e), df) < 0)
		goto out;
	if (df->n) {
		/* A saved plan was printed when it was made and is applied exactly
		 * (t->check): as terraform, say which, not all of it again. */
		if (t->planfile) {
			plan_summary(df, sum, sizeof(sum));
			esc_line(stdout, "Applying the saved plan %s for %s.  %s", t->planfile, d->host, sum);
		} else {
			plan_print_text(stdout, df, &meta, t->color);
		}
		fflush(stdout);
		if (!management_ok(t, df) || !approved(t))
			goto out;
	}
	if (engine_apply(e, &res) < 0)
		goto out;
	switch (res.outcome) {
	case ENGINE_UNCHANGED:
		printf("No changes. The host matches its profile.\n");
		break;
	case ENGINE_PENDING:
		rc = await_confirm(t, e, df, &res);
		goto out;
	case ENGINE_APPLIED:
		plan_summary(df, sum, sizeof(sum));
		if (df->n)
			printf("\nApply complete: %s%zu added, %zu changed, %zu destroyed in %.1f ms "
			       "(%zu netlink requests); verified.\n", adopted(df, sum, sizeof(sum)),
			       df->n_create, df->n_modify, df->n_delete, res.apply_ms, res.requests);
		else
			printf("%s\n", sum);
		break;
	}
	rc = CMD_EXIT_OK;
out:
	engine_close(e);
	free(key);
	free(files);
	return rc;
}
