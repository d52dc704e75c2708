/* store-generation-want: a generation's desired state, packed in
 * generation_wants (0006-generation-wants.sql), or in the JSON document of
 * a generation recorded before it. */
#include "store-private.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "wantblob.h"
#include "want-json.h"

int store_generation_want_insert(struct store *st, int64_t id, const struct want *w,
				 char **errmsg)
{
	struct snapblob_err e;
	uint8_t *blob = NULL;
	size_t len = 0;
	int r = wantblob_encode(&blob, &len, w, &e);

	if (r == -EINVAL)
		return store_fail(errmsg, r, "cannot pack the desired state: %s %zu has a bad %s",
				  e.what, e.index, e.field);
	if (r < 0)
		return store_fail(errmsg, r, "out of memory");
	r = store_insert_blob(st, "INSERT INTO generation_wants (generation_id, want) VALUES (?, ?)",
			      id, blob, len, "recording a generation's desired state", errmsg);
	free(blob);
	return r;
}

/* Before schema 6: {"want": ..., "plan": ...} in generation_plans. */
static int want_from_doc(struct want *out, struct store *st, const struct store_generation *g,
			 char **errmsg)
{
	json_t *doc = json_loads(g->plan, JSON_REJECT_DUPLICATES, NULL);
	char *err = NULL;
	int r = doc ? want_from_json(out, json_object_get(doc, "want"), &err) : -EINVAL;

	if (r == -EINVAL)
		r = store_fail_corrupt(st, errmsg, "generation %lld: its desired state: %s",
				       (long long)g->id, err ? err : "not JSON");
	else if (r < 0)
		r = store_fail(errmsg, r, "out of memory");
	free(err);
	json_decref(doc);
	return r;
}

int store_generation_want(struct want *out, struct store *st, const struct store_generation *g,
			  char **errmsg)
{
	struct snapblob_err e;
	sqlite3_stmt *s = NULL;
	int rc, r;

	r = store_prepare(st, &s, "SELECT want FROM generation_wants WHERE generation_id = ?", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, g->id);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc == SQLITE_DONE) {
		r = g->plan ? want_from_doc(out, st, g, errmsg)
			    : store_fail(errmsg, -ENOENT, "generation %lld has no desired state",
					 (long long)g->id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = store_fail_sql(st, errmsg, rc, "reading a generation's desired state");
		goto out;
	}
	if (sqlite3_column_type(s, 0) != SQLITE_BLOB) {
		r = store_fail_corrupt(st, errmsg, "generation %lld: its desired state is not a blob",
				       (long long)g->id);
		goto out;
	}
	r = wantblob_decode(out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0), &e);
	if (r == -EUCLEAN) {
		if (strcmp(e.what, "blob") == 0)
			r = store_fail_corrupt(st, errmsg, "generation %lld: its desired state has a bad "
					       "%s at byte %zu", (long long)g->id, e.field, e.index);
		else
			r = store_fail_corrupt(st, errmsg, "generation %lld: desired %s %zu has a bad %s",
					       (long long)g->id, e.what, e.index, e.field);
	} else if (r < 0) {
		r = store_fail(errmsg, r, "out of memory");
	}
out:
	sqlite3_finalize(s);
	return r;
}
