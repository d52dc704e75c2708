/* source-private: what the source backends (source.c's directory backend and
 * gitsrc.c) share.  Not for users of source.h.
 *
 * A backend embeds struct source as its first member and points it at its
 * ops table.  The public functions in source.c validate paths and sort host
 * names before and after dispatching, so backends see only paths that passed
 * source_path_check() and may return host names in any order.
 */
#pragma once

#include <stddef.h>

#include "source.h"

/* A growing array of host names; on failure the caller frees it with
 * source_names_free(v, n). */
struct source_names {
	char **v;
	size_t n, cap;
};

struct source_ops {
	/* `path` has passed source_path_check(); *out and *len are NULL/0 on
	 * entry and must stay so on failure. */
	int (*read)(struct source *src, const char *path, size_t max, char **out, size_t *len);
	char *(*display_name)(struct source *src, const char *path);
	/* Fill `names` with source_names_add_host(); order does not matter. */
	int (*list_hosts)(struct source *src, struct source_names *names);
	/* NULL when the backend has no commit. */
	const char *(*commit_id)(const struct source *src);
	/* "name <email>" of the commit's author; NULL when none. */
	const char *(*commit_author)(const struct source *src);
	/* source_file_id(): `path` has passed source_path_check(). */
	int (*file_id)(struct source *src, const char *path, const char *known_sig,
		       const char *known_id, char id[41], char *sig, size_t sigsize);
	/* Frees the backend, including the struct source itself. */
	void (*free)(struct source *src);
};

struct source {
	const struct source_ops *ops;
};

/* The directory holding host profiles, and the suffix a profile ends with. */
#define SOURCE_HOSTS_DIR    "hosts"
#define SOURCE_HOST_SUFFIX  ".yaml"

/* 0 if `path` is a clean relative path, -EINVAL otherwise. */
int source_path_check(const char *path);

/* Add the host named by directory entry `entry` ("esx01.yaml" -> "esx01");
 * entries not ending in ".yaml" (or named just ".yaml") are skipped.
 * 0 or -ENOMEM. */
int source_names_add_host(struct source_names *names, const char *entry);
