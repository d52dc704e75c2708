/* store-history: drift reports, and the merged newest-first listing of
 * snapshots, generations and drift reports that `hostnet history` prints. */
#include "store-private.h"
#include "sort.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --- drift reports ----------------------------------------------------- */

void store_drift_clear(struct store_drift *d)
{
	if (!d)
		return;
	free(d->host);
	free(d->report);
	*d = (struct store_drift){ 0 };
}

int store_drift_from_row(struct store_drift *out, sqlite3_stmt *s)
{
	struct store_drift d = { 0 };
	int r;

	d.id = sqlite3_column_int64(s, 0);
	d.taken_at_ms = sqlite3_column_int64(s, 1);
	r = store_column_strdup(&d.host, s, 2);
	d.generation_id = sqlite3_column_int64(s, 3);
	d.snapshot_id = sqlite3_column_int64(s, 4);
	d.count = (size_t)sqlite3_column_int64(s, 5);
	if (r >= 0)
		r = store_column_strdup(&d.report, s, 6);
	if (r < 0) {
		store_drift_clear(&d);
		return r;
	}
	*out = d;
	return 0;
}

int store_drift_add(int64_t *out_id, struct store *st, const char *host,
		    int64_t generation_id, int64_t snapshot_id, size_t count,
		    const char *report, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	if (!host || !*host || !report)
		return store_fail(errmsg, -EINVAL, "a drift report needs a host name and a report");
	r = store_need_write(st, errmsg);
	if (r < 0)
		return r;
	r = store_prepare(st, &s,
			  "INSERT INTO drift_reports (taken_at, host, generation_id, snapshot_id,"
			  " count, report) VALUES (?, ?, ?, ?, ?, ?)", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, store_now_ms());
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, host);
	if (rc == SQLITE_OK)
		rc = store_bind_ref(s, 3, generation_id);
	if (rc == SQLITE_OK)
		rc = store_bind_ref(s, 4, snapshot_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, (int64_t)count);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 6, report);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE) {
		r = store_fail_sql(st, errmsg, rc, "recording a drift report");
		goto out;
	}
	*out_id = sqlite3_last_insert_rowid(st->db);
out:
	sqlite3_finalize(s);
	return r;
}

int store_drift_get(struct store_drift *out, struct store *st, int64_t id, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	r = store_prepare(st, &s, "SELECT " STORE_DRIFT_COLS("report")
			  " FROM drift_reports WHERE id = ?", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc == SQLITE_DONE)
		r = store_fail(errmsg, -ENOENT, "no drift report %lld in %s", (long long)id, st->path);
	else if (rc != SQLITE_ROW)
		r = store_fail_sql(st, errmsg, rc, "reading a drift report");
	else
		r = store_drift_from_row(out, s);
	sqlite3_finalize(s);
	return r;
}

/* --- history ----------------------------------------------------------- */

static const char *const entry_kind_names[STORE_ENTRY__MAX] = {
	[STORE_ENTRY_SNAPSHOT] = "snapshot",
	[STORE_ENTRY_GENERATION] = "generation",
	[STORE_ENTRY_DRIFT] = "drift",
};

const char *store_entry_kind_name(enum store_entry_kind k)
{
	return (unsigned)k < STORE_ENTRY__MAX ? entry_kind_names[k] : "?";
}

static void entry_clear(struct store_entry *e)
{
	switch (e->kind) {
	case STORE_ENTRY_SNAPSHOT:
		store_snapshot_info_clear(&e->snapshot);
		break;
	case STORE_ENTRY_GENERATION:
		store_generation_clear(&e->generation);
		break;
	case STORE_ENTRY_DRIFT:
		store_drift_clear(&e->drift);
		break;
	case STORE_ENTRY__MAX:
		break;
	}
}

void store_entries_free(struct store_entry *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		entry_clear(&v[i]);
	free(v);
}

/* Per kind: the newest rows by id (ids only grow), bulky text left out. */
static const struct {
	const char *all, *by_host;
} history_sql[STORE_ENTRY__MAX] = {
	[STORE_ENTRY_SNAPSHOT] = {
		"SELECT " STORE_SNAPSHOT_INFO_COLS " FROM snapshots ORDER BY id DESC LIMIT ?2",
		"SELECT " STORE_SNAPSHOT_INFO_COLS " FROM snapshots WHERE host = ?1"
		" ORDER BY id DESC LIMIT ?2",
	},
	[STORE_ENTRY_GENERATION] = {
		"SELECT " STORE_GENERATION_COLS("NULL") " FROM generations ORDER BY id DESC LIMIT ?2",
		"SELECT " STORE_GENERATION_COLS("NULL") " FROM generations WHERE host = ?1"
		" ORDER BY id DESC LIMIT ?2",
	},
	[STORE_ENTRY_DRIFT] = {
		"SELECT " STORE_DRIFT_COLS("NULL") " FROM drift_reports ORDER BY id DESC LIMIT ?2",
		"SELECT " STORE_DRIFT_COLS("NULL") " FROM drift_reports WHERE host = ?1"
		" ORDER BY id DESC LIMIT ?2",
	},
};

struct entries {
	struct store_entry *v;
	size_t n, cap;
};

static int entries_push(struct entries *l, struct store_entry *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct store_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

static int entry_from_row(struct store_entry *e, enum store_entry_kind kind, sqlite3_stmt *s)
{
	int r = 0;

	*e = (struct store_entry){ .kind = kind, .at_ms = sqlite3_column_int64(s, 1) };
	switch (kind) {
	case STORE_ENTRY_SNAPSHOT:
		r = store_snapshot_info_from_row(&e->snapshot, s);
		break;
	case STORE_ENTRY_GENERATION:
		r = store_generation_from_row(&e->generation, s);
		break;
	case STORE_ENTRY_DRIFT:
		r = store_drift_from_row(&e->drift, s);
		break;
	case STORE_ENTRY__MAX:
		r = -EINVAL;
		break;
	}
	return r;
}

static int collect(struct entries *l, struct store *st, enum store_entry_kind kind,
		   const char *host, int64_t limit, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	r = store_prepare(st, &s, host ? history_sql[kind].by_host : history_sql[kind].all, errmsg);
	if (r < 0)
		return r;
	rc = host ? store_bind_text(s, 1, host) : SQLITE_OK;
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, limit);
	while (rc == SQLITE_OK && (rc = store_step(st, s)) == SQLITE_ROW) {
		struct store_entry e;

		r = entry_from_row(&e, kind, s);
		if (r >= 0) {
			r = entries_push(l, &e);
			if (r < 0)
				entry_clear(&e);
		}
		if (r == -EUCLEAN)
			r = store_fail_corrupt(st, errmsg, "%s %lld has a bad row",
					       store_entry_kind_name(kind),
				       (long long)sqlite3_column_int64(s, 0));
		if (r < 0)
			goto out;
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		r = store_fail_sql(st, errmsg, rc, "reading the history");
out:
	sqlite3_finalize(s);
	return r;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct store_entry *a = pa, *b = pb;
	int64_t ida, idb;

	if (a->at_ms != b->at_ms)
		return a->at_ms > b->at_ms ? -1 : 1;
	/* Same millisecond: the order they are written in, newest first (a
	 * snapshot, then the generation or drift report made from it; a
	 * generation and its snapshot before share one transaction); within a
	 * kind the higher id is newer. */
	if (a->kind != b->kind)
		return a->kind > b->kind ? -1 : 1;
	ida = a->kind == STORE_ENTRY_SNAPSHOT ? a->snapshot.id
	    : a->kind == STORE_ENTRY_GENERATION ? a->generation.id : a->drift.id;
	idb = b->kind == STORE_ENTRY_SNAPSHOT ? b->snapshot.id
	    : b->kind == STORE_ENTRY_GENERATION ? b->generation.id : b->drift.id;
	return ida > idb ? -1 : ida < idb ? 1 : 0;
}

int store_history(struct store_entry **out, size_t *n_out, struct store *st,
		  const char *host, size_t limit, char **errmsg)
{
	struct entries l = { 0 };
	/* SQLite reads a negative LIMIT as "no limit". */
	int64_t lim = limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit;
	int r;

	/* One read transaction, so the three kinds come from one state. */
	r = store_exec(st, "BEGIN", "starting a transaction", errmsg);
	if (r < 0)
		return r;
	for (int k = 0; k < STORE_ENTRY__MAX; k++) {
		r = collect(&l, st, (enum store_entry_kind)k, host, lim, errmsg);
		if (r < 0)
			goto out;
	}
	if (l.n)
		hn_qsort(l.v, l.n, sizeof(*l.v), entry_cmp);
	if (lim >= 0) {
		for (size_t i = (size_t)lim; i < l.n; i++)
			entry_clear(&l.v[i]);
		if (l.n > (size_t)lim)
			l.n = (size_t)lim;
	}
	*out = l.v;
	*n_out = l.n;
	l = (struct entries){ 0 };
	r = 0;
out:
	store_tx_rollback(st);
	store_entries_free(l.v, l.n);
	return r;
}
