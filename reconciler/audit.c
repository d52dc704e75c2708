/* audit: who runs hostnet (audit.h). */
#include "audit.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const action_names[AUDIT__MAX] = {
	[AUDIT_APPLY] = "apply",
	[AUDIT_ROLLBACK] = "rollback",
};

const char *audit_action_name(enum audit_action a)
{
	return (unsigned)a < AUDIT__MAX ? action_names[a] : "?";
}

static int64_t env_id(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long long n;

	if (!v || !*v)
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	return errno || *end || n < 0 ? -1 : (int64_t)n;
}

void audit_who_current(struct audit_who *out)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	const char *su = getenv("SUDO_USER");

	*out = (struct audit_who){ .uid = (int64_t)getuid(), .sudo_uid = env_id("SUDO_UID") };
	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(out->user, sizeof(out->user), "%s", res->pw_name);
	if (su)
		snprintf(out->sudo_user, sizeof(out->sudo_user), "%s", su);
}

void audit_strip_credentials(char *out, size_t size, const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host, *end, *at = NULL;

	if (!scheme) {
		snprintf(out, size, "%s", url);
		return;
	}
	host = scheme + 3;
	end = host + strcspn(host, "/?#");
	/* The last '@' of the authority: a password may itself hold an '@'
	 * (percent-encoded or not). */
	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at) {
		snprintf(out, size, "%s", url);
		return;
	}
	snprintf(out, size, "%.*s%s", (int)(host - url), url, at + 1);
}

void audit_who_set_agent(struct audit_who *w, const char *remote, const char *branch)
{
	audit_strip_credentials(w->agent_remote, sizeof(w->agent_remote), remote ? remote : "");
	snprintf(w->agent_branch, sizeof(w->agent_branch), "%s", branch ? branch : "");
}
