/* store-generation-source: what a generation's desired state was realized
 * from (0008-generation-sources.sql), so that a plan of the same sources can
 * reuse it without parsing the profile. */
#include "store-private.h"

#include <errno.h>
#include <stdlib.h>

int store_generation_source_insert(struct store *st, int64_t id, const char *key,
				   const char *files, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r = store_prepare(st, &s, "INSERT OR REPLACE INTO generation_sources (generation_id,"
				  " source_key, files) VALUES (?, ?, ?)", errmsg);

	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, key);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, files);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE)
		r = store_fail_sql(st, errmsg, rc, "recording a generation's sources");
	sqlite3_finalize(s);
	return r;
}

int store_generation_source_set(struct store *st, int64_t id, const char *key, const char *files,
				char **errmsg)
{
	int r = store_need_write(st, errmsg);

	return r < 0 ? r : store_generation_source_insert(st, id, key, files, errmsg);
}

int store_generation_source(char **key, char **files, struct store *st, int64_t id,
			    char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	*key = *files = NULL;
	r = store_prepare(st, &s, "SELECT source_key, files FROM generation_sources"
			  " WHERE generation_id = ?", errmsg);
	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc == SQLITE_DONE) {
		r = store_fail(errmsg, -ENOENT, "generation %lld has no recorded sources", (long long)id);
	} else if (rc != SQLITE_ROW) {
		r = store_fail_sql(st, errmsg, rc, "reading a generation's sources");
	} else if (sqlite3_column_type(s, 0) != SQLITE_TEXT || sqlite3_column_type(s, 1) != SQLITE_TEXT) {
		r = store_fail_corrupt(st, errmsg, "generation %lld: its sources are not text",
				       (long long)id);
	} else {
		r = store_column_strdup(key, s, 0);
		if (r == 0)
			r = store_column_strdup(files, s, 1);
		if (r < 0) {
			free(*key);
			*key = NULL;
			r = store_fail(errmsg, r, "out of memory");
		}
	}
	sqlite3_finalize(s);
	return r;
}
