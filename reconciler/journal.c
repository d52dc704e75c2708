/* journal: audit entries in the systemd journal (journal.h). */
#include "journal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

/* syslog priorities, as journald reads PRIORITY=. */
#define JOURNAL_PRIO_ERR     3
#define JOURNAL_PRIO_WARNING 4
#define JOURNAL_PRIO_INFO    6

#define JOURNAL_MAX_FIELDS 20

struct fields {
	struct iovec v[JOURNAL_MAX_FIELDS];
	char *owned[JOURNAL_MAX_FIELDS];
	int n;
};

/* KEY=value, skipped when value is NULL or empty: an absent field says
 * "unknown" better than an empty one.  -ENOMEM or 0. */
__attribute__((format(printf, 3, 4)))
static int add(struct fields *f, const char *key, const char *fmt, ...)
{
	char *s = NULL, *val = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (!*val || f->n == JOURNAL_MAX_FIELDS) {
		free(val);
		return 0;
	}
	r = asprintf(&s, "%s=%s", key, val);
	free(val);
	if (r < 0)
		return -ENOMEM;
	f->owned[f->n] = s;
	f->v[f->n++] = (struct iovec){ .iov_base = s, .iov_len = (size_t)r };
	return 0;
}

static int priority(const struct audit_event *ev)
{
	if (strcmp(ev->result, "failed") == 0)
		return JOURNAL_PRIO_ERR;
	if (ev->action == AUDIT_ROLLBACK || strcmp(ev->result, "rolled-back") == 0)
		return JOURNAL_PRIO_WARNING;
	return JOURNAL_PRIO_INFO;
}

static int fill(struct fields *f, const struct audit_event *ev)
{
	const struct audit_who *w = ev->who;
	const char *by = w && w->sudo_user[0] ? w->sudo_user : w && w->user[0] ? w->user : "?";
	int r;

	r = add(f, "MESSAGE", "hostnet %s of %s, generation %lld: %s (%zu actions, commit %.12s, by %s%s%s)%s%s",
		audit_action_name(ev->action), ev->host, (long long)ev->generation, ev->result,
		ev->actions, ev->commit ? ev->commit : "none", by,
		w && w->agent_remote[0] ? ", agent of " : "", w ? w->agent_remote : "",
		ev->why ? ": " : "", ev->why ? ev->why : "");
	r = r < 0 ? r : add(f, "MESSAGE_ID", "%s", JOURNAL_AUDIT_MESSAGE_ID);
	r = r < 0 ? r : add(f, "PRIORITY", "%d", priority(ev));
	r = r < 0 ? r : add(f, "SYSLOG_IDENTIFIER", "%s", "hostnet");
	r = r < 0 ? r : add(f, "HOSTNET_EVENT", "%s", audit_action_name(ev->action));
	r = r < 0 ? r : add(f, "HOSTNET_GENERATION", "%lld", (long long)ev->generation);
	r = r < 0 ? r : add(f, "HOSTNET_HOST", "%s", ev->host);
	r = r < 0 ? r : add(f, "HOSTNET_COMMIT", "%s", ev->commit ? ev->commit : "");
	r = r < 0 ? r : add(f, "HOSTNET_AUTHOR", "%s", ev->author ? ev->author : "");
	r = r < 0 ? r : add(f, "HOSTNET_RESULT", "%s", ev->result);
	r = r < 0 ? r : add(f, "HOSTNET_ACTIONS", "%zu", ev->actions);
	r = r < 0 ? r : add(f, "HOSTNET_REASON", "%s", ev->why ? ev->why : "");
	if (!w)
		return r;
	r = r < 0 ? r : add(f, "HOSTNET_UID", "%lld", (long long)w->uid);
	r = r < 0 ? r : add(f, "HOSTNET_USER", "%s", w->user);
	r = r < 0 ? r : add(f, "HOSTNET_SUDO_USER", "%s", w->sudo_user);
	if (w->sudo_uid >= 0)
		r = r < 0 ? r : add(f, "HOSTNET_SUDO_UID", "%lld", (long long)w->sudo_uid);
	r = r < 0 ? r : add(f, "HOSTNET_REMOTE", "%s", w->agent_remote);
	r = r < 0 ? r : add(f, "HOSTNET_BRANCH", "%s", w->agent_branch);
	return r;
}

int journal_audit(const struct audit_event *ev)
{
	struct fields f = { .n = 0 };
	int r = fill(&f, ev);

	/* Without journald (no /run/systemd/journal/socket) this fails with
	 * -ENOENT or -ECONNREFUSED; the caller ignores it. */
	if (r == 0)
		r = sd_journal_sendv(f.v, f.n);
	for (int i = 0; i < f.n; i++)
		free(f.owned[i]);
	return r;
}
