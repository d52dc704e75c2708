/* store-generation: the record of each attempt to apply a profile.
 *
 * A generation is inserted pending, with the snapshot to roll back to and
 * any confirmation deadline, in one synced transaction before the first
 * kernel change, and finished after the last, so that a crash in between
 * leaves a pending row (store_generation_reap_interrupted() turns those into
 * failures; those with a deadline are rolled back when it passes). */
#include "store-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const result_names[STORE_RESULT__MAX] = {
	[STORE_RESULT_PENDING] = "pending",
	[STORE_RESULT_APPLIED] = "applied",
	[STORE_RESULT_FAILED] = "failed",
	[STORE_RESULT_ROLLED_BACK] = "rolled-back",
};

const char *store_result_name(enum store_result r)
{
	return (unsigned)r < STORE_RESULT__MAX ? result_names[r] : "?";
}

int store_result_from_name(const char *name)
{
	for (int i = 0; i < STORE_RESULT__MAX; i++)
		if (strcmp(name, result_names[i]) == 0)
			return i;
	return -EINVAL;
}

void store_generation_clear(struct store_generation *g)
{
	if (!g)
		return;
	free(g->host);
	free(g->commit_id);
	free(g->profile_hash);
	free(g->plan);
	free(g->error);
	free(g->timings);
	*g = (struct store_generation){ 0 };
}

int store_generation_from_row(struct store_generation *out, sqlite3_stmt *s)
{
	struct store_generation g = { 0 };
	const char *result;
	int r;

	g.id = sqlite3_column_int64(s, 0);
	g.started_at_ms = sqlite3_column_int64(s, 1);
	g.finished_at_ms = sqlite3_column_int64(s, 2);
	r = store_column_strdup(&g.host, s, 3);
	if (r >= 0)
		r = store_column_strdup(&g.commit_id, s, 4);
	if (r >= 0)
		r = store_column_strdup(&g.profile_hash, s, 5);
	if (r >= 0)
		r = store_column_strdup(&g.plan, s, 6);
	g.n_actions = (size_t)sqlite3_column_int64(s, 7);
	result = (const char *)sqlite3_column_text(s, 8);
	if (r >= 0) {
		r = result ? store_result_from_name(result) : -EINVAL;
		if (r >= 0)
			g.result = (enum store_result)r;
		else
			r = -EUCLEAN;
	}
	g.snapshot_before = sqlite3_column_int64(s, 9);
	g.snapshot_after = sqlite3_column_int64(s, 10);
	if (r >= 0)
		r = store_column_strdup(&g.error, s, 11);
	if (r >= 0)
		r = store_column_strdup(&g.timings, s, 12);
	if (r < 0) {
		store_generation_clear(&g);
		return r;
	}
	*out = g;
	return 0;
}

int store_generation_begin(int64_t *out_id, struct store *st,
			   const struct store_generation_start *g, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int64_t before = g->snapshot_before;
	int rc, r;

	if (!g->host || !*g->host)
		return store_fail(errmsg, -EINVAL, "cannot record a generation without a host name");
	r = store_need_write(st, errmsg);
	if (r >= 0)
		r = store_reserve_ensure(st, errmsg);
	if (r < 0)
		return r;
	/* One transaction: the snapshot to roll back to, the desired state and
	 * the deadline are there together, or none of them is. */
	r = store_tx_begin(st, errmsg);
	if (r < 0)
		return r;
	if (g->before)
		r = store_snapshot_insert(&before, st, g->host, g->kernel_release, g->before, errmsg);
	if (r < 0)
		goto out;
	r = store_prepare(st, &s,
			  "INSERT INTO generations (started_at, host, commit_id, profile_hash,"
			  " n_actions, result, snapshot_before, confirm_by)"
			  " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)", errmsg);
	if (r < 0)
		goto out;
	rc = sqlite3_bind_int64(s, 1, store_now_ms());
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, g->host);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, g->commit_id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, g->profile_hash);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, (int64_t)g->n_actions);
	if (rc == SQLITE_OK)
		rc = store_bind_ref(s, 6, before);
	if (rc == SQLITE_OK)
		rc = g->confirm_by_ms ? sqlite3_bind_int64(s, 7, g->confirm_by_ms)
				      : sqlite3_bind_null(s, 7);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE) {
		r = store_fail_sql(st, errmsg, rc, "recording a generation");
		goto out;
	}
	*out_id = sqlite3_last_insert_rowid(st->db);
	if (g->plan) {
		sqlite3_finalize(s);
		r = store_prepare(st, &s, "INSERT INTO generation_plans (generation_id, plan) VALUES (?, ?)",
				  errmsg);
		if (r < 0)
			goto out;
		rc = sqlite3_bind_int64(s, 1, *out_id);
		if (rc == SQLITE_OK)
			rc = store_bind_text(s, 2, g->plan);
		if (rc == SQLITE_OK)
			rc = store_step(st, s);
		if (rc != SQLITE_DONE) {
			r = store_fail_sql(st, errmsg, rc, "recording a generation's plan");
			goto out;
		}
	}
	if (g->want)
		r = store_generation_want_insert(st, *out_id, g->want, errmsg);
	if (r == 0 && g->source_key && g->source_files)
		r = store_generation_source_insert(st, *out_id, g->source_key, g->source_files, errmsg);
	if (r < 0)
		goto out;
	if (g->audit && (r = store_audit_record(st, *out_id, STORE_AUDIT_APPLY, g->audit, errmsg)) < 0)
		goto out;
	/* synchronous = FULL: the commit returns once the WAL is on disk. */
	r = store_tx_commit(st, errmsg);
out:
	sqlite3_finalize(s);
	if (r < 0)
		store_tx_rollback(st);
	return r;
}

int store_generation_attach_after(struct store *st, int64_t id, int64_t snapshot_after,
				  char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r = store_need_write(st, errmsg);

	if (r < 0)
		return r;
	r = store_prepare(st, &s, "UPDATE generations SET snapshot_after = ? WHERE id = ?", errmsg);
	if (r < 0)
		return r;
	rc = store_bind_ref(s, 1, snapshot_after);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, id);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE)
		r = store_fail_sql(st, errmsg, rc, "recording the snapshot after a generation");
	sqlite3_finalize(s);
	return r;
}

int store_generation_finish(struct store *st, int64_t id,
			    const struct store_generation_end *e, char **errmsg)
{
	struct store_generation g = { 0 };
	sqlite3_stmt *s = NULL;
	int rc, r;

	if ((unsigned)e->result >= STORE_RESULT__MAX || e->result == STORE_RESULT_PENDING)
		return store_fail(errmsg, -EINVAL, "generation %lld cannot finish as %s",
				  (long long)id, store_result_name(e->result));
	r = store_need_write(st, errmsg);
	if (r < 0)
		return r;
	r = store_prepare(st, &s,
			  "UPDATE generations SET finished_at = ?, result = ?, snapshot_after = ?,"
			  " error = ?, timings = ? WHERE id = ? AND result = 'pending'", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, store_now_ms());
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, store_result_name(e->result));
	if (rc == SQLITE_OK)
		rc = store_bind_ref(s, 3, e->snapshot_after);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, e->error);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, e->timings);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 6, id);
	if (rc == SQLITE_OK)
		rc = store_step_reserved(st, s);
	if (rc != SQLITE_DONE) {
		r = store_fail_sql(st, errmsg, rc, "finishing a generation");
		goto out;
	}
	if (sqlite3_changes(st->db) == 1)
		goto out;
	/* Nothing updated: say why.  We hold the write lock, so the row cannot
	 * have changed since. */
	r = store_generation_get(&g, st, id, errmsg);
	if (r >= 0)
		r = store_fail(errmsg, -EALREADY, "generation %lld is already finished (%s)",
			       (long long)id, store_result_name(g.result));
out:
	sqlite3_finalize(s);
	store_generation_clear(&g);
	return r;
}

int store_generation_reap_interrupted(struct store *st, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	r = store_need_write(st, errmsg);
	if (r < 0)
		return r;
	r = store_prepare(st, &s,
			  "UPDATE generations SET result = 'failed', finished_at = ?,"
			  " error = 'interrupted: hostnet stopped before recording the outcome'"
			  " WHERE result = 'pending' AND confirm_by IS NULL", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, store_now_ms());
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE)
		r = store_fail_sql(st, errmsg, rc, "closing interrupted generations");
	else
		r = sqlite3_changes(st->db);
	sqlite3_finalize(s);
	return r;
}

/* One generation by a query whose single parameter is text or an id. */
static int get_one(struct store_generation *out, struct store *st, const char *sql,
		   const char *text, int64_t id, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	r = store_prepare(st, &s, sql, errmsg);
	if (r < 0)
		return r;
	rc = text ? store_bind_text(s, 1, text) : sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc == SQLITE_DONE) {
		r = -ENOENT;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = store_fail_sql(st, errmsg, rc, "reading a generation");
		goto out;
	}
	r = store_generation_from_row(out, s);
	if (r == -EUCLEAN)
		r = store_fail_corrupt(st, errmsg, "generation %lld has result '%s'",
				       (long long)sqlite3_column_int64(s, 0),
			       (const char *)sqlite3_column_text(s, 8));
out:
	sqlite3_finalize(s);
	return r;
}

int store_generation_get(struct store_generation *out, struct store *st, int64_t id,
			 char **errmsg)
{
	int r = get_one(out, st, "SELECT " STORE_GENERATION_COLS(STORE_GENERATION_PLAN)
			" FROM generations WHERE id = ?", NULL, id, errmsg);

	if (r == -ENOENT)
		store_fail(errmsg, r, "no generation %lld in %s", (long long)id, st->path);
	return r;
}

int store_generation_last_applied(struct store_generation *out, struct store *st,
				  const char *host, char **errmsg)
{
	int r;

	if (!host)
		return store_fail(errmsg, -EINVAL, "no host name given");
	r = get_one(out, st, "SELECT " STORE_GENERATION_COLS(STORE_GENERATION_PLAN)
		    " FROM generations WHERE host = ? AND result = 'applied'"
		    " ORDER BY id DESC LIMIT 1", host, 0, errmsg);
	if (r == -ENOENT)
		store_fail(errmsg, r, "no applied generation of host %s in %s", host, st->path);
	return r;
}

int store_generation_hosts(char ***out, size_t *n, struct store *st, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	char **v = NULL;
	size_t len = 0, cap = 0;
	int rc, r;

	r = store_prepare(st, &s, "SELECT DISTINCT host FROM generations WHERE result = 'applied'"
			  " ORDER BY host", errmsg);
	if (r < 0)
		return r;
	while ((rc = store_step(st, s)) == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(s, 0);

		if (len == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 4) * sizeof(*v));

			if (!nv)
				goto oom;
			v = nv;
		}
		if (!(v[len] = strdup(h ? h : "")))
			goto oom;
		len++;
	}
	if (rc != SQLITE_DONE) {
		r = store_fail_sql(st, errmsg, rc, "listing the hosts");
		goto fail;
	}
	sqlite3_finalize(s);
	*out = v;
	*n = len;
	return 0;
oom:
	r = store_fail(errmsg, -ENOMEM, "out of memory");
fail:
	sqlite3_finalize(s);
	store_hosts_free(v, len);
	return r;
}

void store_hosts_free(char **hosts, size_t n)
{
	for (size_t i = 0; hosts && i < n; i++)
		free(hosts[i]);
	free(hosts);
}
