/* audit: who runs hostnet, for the audit trail of each generation (the
 * state database, store_audit_*) and the systemd journal (journal.h).
 *
 * Fixed-size buffers, no allocation: the command layer fills one at start
 * and the engine copies from it, so nobody frees anything. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct audit_who {
	int64_t uid;              /* real uid of this process */
	char user[64];            /* its name from the passwd database, "" when none */
	char sudo_user[64];       /* SUDO_USER, "" when not run through sudo */
	int64_t sudo_uid;         /* SUDO_UID, -1 when unset or not a number */
	char agent_remote[1024];  /* hostnet reconcile: the remote, credentials stripped */
	char agent_branch[256];   /* "" unless agent_remote */
};

/* The process as it runs now: uid, its name, SUDO_USER and SUDO_UID. */
void audit_who_current(struct audit_who *out);
/* Marks `w` as the pull agent following `branch` of `remote`. */
void audit_who_set_agent(struct audit_who *w, const char *remote, const char *branch);
/* Copies `url` to out without the user:password@ of its authority
 * ("https://tok:x@h/r.git" -> "https://h/r.git"), which must never reach a
 * database or a log.  Truncates to size. */
void audit_strip_credentials(char *out, size_t size, const char *url);

/* What a journal entry and the audit record say about one event. */
enum audit_action {
	AUDIT_APPLY,              /* an apply finished (or is waiting to be confirmed) */
	AUDIT_ROLLBACK,           /* a generation was rolled back later (deadline, expiry) */
	AUDIT__MAX,
};
/* "apply", "rollback". */
const char *audit_action_name(enum audit_action a);

struct audit_event {
	enum audit_action action;
	int64_t generation;
	const char *host, *commit, *author;   /* commit and author NULL for a file */
	const char *result;                   /* store_result_name() */
	size_t actions;
	const char *why;                      /* NULL, or why it failed or was rolled back */
	const struct audit_who *who;
};
