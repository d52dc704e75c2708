/* engine-audit: who applied a generation or rolled it back, recorded in
 * the state database and told to the caller, which logs it to the journal
 * (the engine never prints or logs). */
#include "engine-private.h"

void engine_audit_who(struct store_audit *out, const struct engine_report *rep,
		      const char *author, const char *reason)
{
	const struct audit_who *w = rep->who;

	*out = (struct store_audit){ .uid = -1, .sudo_uid = -1,
				     .commit_author = (char *)author, .reason = (char *)reason };
	if (!w)
		return;
	/* Borrowed, never freed through this struct: the casts only drop the
	 * const that the read side's malloc'd strings cannot have. */
	out->uid = w->uid;
	out->user = w->user[0] ? (char *)w->user : NULL;
	out->sudo_user = w->sudo_user[0] ? (char *)w->sudo_user : NULL;
	out->sudo_uid = w->sudo_uid;
	out->agent_remote = w->agent_remote[0] ? (char *)w->agent_remote : NULL;
	out->agent_branch = w->agent_remote[0] ? (char *)w->agent_branch : NULL;
}

void engine_audit_emit(const struct engine_report *rep, enum audit_action action, int64_t id,
		       const char *host, const char *commit, const char *author,
		       enum store_result result, size_t actions, const char *why)
{
	struct audit_event a = {
		.action = action, .generation = id, .host = host, .commit = commit,
		.author = author, .result = store_result_name(result), .actions = actions,
		.why = why, .who = rep->who,
	};
	struct engine_event ev = { .kind = ENGINE_EV_AUDIT, .audit = &a };

	if (rep->fn)
		rep->fn(rep->ctx, &ev);
}
