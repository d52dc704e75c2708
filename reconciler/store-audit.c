/* store-audit: who applied each generation and who rolled it back
 * (0007-audit.sql), in a table of its own so that the generation row stays
 * small and older generations read as "unknown". */
#include "store-private.h"

#include <errno.h>
#include <stdlib.h>

static const char *const event_names[STORE_AUDIT__MAX] = {
	[STORE_AUDIT_APPLY] = "apply",
	[STORE_AUDIT_ROLLBACK] = "rollback",
};

static int bind_id(sqlite3_stmt *s, int col, int64_t v)
{
	return v >= 0 ? sqlite3_bind_int64(s, col, v) : sqlite3_bind_null(s, col);
}

int store_audit_record(struct store *st, int64_t id, enum store_audit_event ev,
		       const struct store_audit *a, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((unsigned)ev >= STORE_AUDIT__MAX)
		return store_fail(errmsg, -EINVAL, "unknown audit event %d", (int)ev);
	r = store_need_write(st, errmsg);
	if (r >= 0)
		r = store_prepare(st, &s,
				  "INSERT OR REPLACE INTO generation_audit (generation_id, event, at, uid,"
				  " user, sudo_user, sudo_uid, agent_remote, agent_branch, commit_author,"
				  " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, event_names[ev]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, a->at_ms ? a->at_ms : store_now_ms());
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 4, a->uid);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, a->user);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 6, a->sudo_user);
	if (rc == SQLITE_OK)
		rc = bind_id(s, 7, a->sudo_uid);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 8, a->agent_remote);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 9, a->agent_branch);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 10, a->commit_author);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 11, a->reason);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE)
		r = store_fail_sql(st, errmsg, rc, "recording who changed the host");
	sqlite3_finalize(s);
	return r;
}

int store_audit_get(struct store_audit *out, struct store *st, int64_t id,
		    enum store_audit_event ev, char **errmsg)
{
	struct store_audit a = { .sudo_uid = -1 };
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((unsigned)ev >= STORE_AUDIT__MAX)
		return store_fail(errmsg, -EINVAL, "unknown audit event %d", (int)ev);
	r = store_prepare(st, &s,
			  "SELECT at, uid, user, sudo_user, sudo_uid, agent_remote, agent_branch,"
			  " commit_author, reason FROM generation_audit"
			  " WHERE generation_id = ? AND event = ?", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, event_names[ev]);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc == SQLITE_DONE) {
		r = -ENOENT;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = store_fail_sql(st, errmsg, rc, "reading who changed the host");
		goto out;
	}
	a.at_ms = sqlite3_column_int64(s, 0);
	a.uid = sqlite3_column_int64(s, 1);
	if (sqlite3_column_type(s, 4) != SQLITE_NULL)
		a.sudo_uid = sqlite3_column_int64(s, 4);
	r = store_column_strdup(&a.user, s, 2);
	if (r >= 0)
		r = store_column_strdup(&a.sudo_user, s, 3);
	if (r >= 0)
		r = store_column_strdup(&a.agent_remote, s, 5);
	if (r >= 0)
		r = store_column_strdup(&a.agent_branch, s, 6);
	if (r >= 0)
		r = store_column_strdup(&a.commit_author, s, 7);
	if (r >= 0)
		r = store_column_strdup(&a.reason, s, 8);
	if (r < 0) {
		store_audit_clear(&a);
		r = store_fail(errmsg, r, "out of memory");
		goto out;
	}
	*out = a;
	r = 0;
out:
	sqlite3_finalize(s);
	return r;
}

void store_audit_clear(struct store_audit *a)
{
	if (!a)
		return;
	free(a->user);
	free(a->sudo_user);
	free(a->agent_remote);
	free(a->agent_branch);
	free(a->commit_author);
	free(a->reason);
	*a = (struct store_audit){ .sudo_uid = -1 };
}
