/* store: generations waiting for `hostnet confirm` (apply --confirm-timeout). */
#include "store-private.h"

#include <errno.h>

int store_generation_await_confirm(struct store *st, int64_t id, int64_t deadline_ms, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r = store_need_write(st, errmsg);

	if (r < 0)
		return r;
	r = store_prepare(st, &s, "UPDATE generations SET confirm_by = ? WHERE id = ? AND result = 'pending'",
			  errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, deadline_ms);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, id);
	if (rc == SQLITE_OK)
		rc = store_step_reserved(st, s);
	if (rc != SQLITE_DONE)
		r = store_fail_sql(st, errmsg, rc, "setting a confirmation deadline");
	else if (sqlite3_changes(st->db) != 1)
		r = store_fail(errmsg, -ENOENT, "generation %lld is not pending", (long long)id);
	sqlite3_finalize(s);
	return r;
}

int store_generation_awaiting(int64_t *out_id, int64_t *deadline_ms, struct store *st,
			      const char *host, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	r = store_prepare(st, &s, "SELECT id, confirm_by FROM generations"
			  " WHERE result = 'pending' AND confirm_by IS NOT NULL"
			  " AND (?1 IS NULL OR host = ?1) ORDER BY id DESC LIMIT 1", errmsg);
	if (r < 0)
		return r;
	rc = host ? store_bind_text(s, 1, host) : sqlite3_bind_null(s, 1);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc == SQLITE_ROW) {
		*out_id = sqlite3_column_int64(s, 0);
		*deadline_ms = sqlite3_column_int64(s, 1);
		r = 0;
	} else if (rc == SQLITE_DONE) {
		r = -ENOENT;
	} else {
		r = store_fail_sql(st, errmsg, rc, "looking for a generation awaiting confirmation");
	}
	sqlite3_finalize(s);
	return r;
}
