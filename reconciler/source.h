/* source: where profile bytes come from, files or a git commit.
 *
 * Paths are repository-relative with '/' separators ("hosts/esx01.yaml").
 * A source never follows a path out of its root: absolute paths, ".." and
 * (for the file source) symlinks that leave the root are refused.
 */
#pragma once

#include <stddef.h>

struct source;

/* A file-system directory as the repository root. */
int source_open_dir(struct source **out, const char *root);

/* A commit of a git repository (bare or not; the work tree is never read).
 * `ref` is anything git rev-parse accepts ("HEAD", "main", a sha, "v1^").
 * Errors: -ENOENT for a missing repository or ref, with a message in *errmsg
 * (malloc'd, caller frees), e.g. "ref 'nope' not found in /srv/profiles". */
int source_open_git(struct source **out, const char *repo, const char *ref, char **errmsg);

/* Accepts NULL. Returns NULL. */
struct source *source_free(struct source *src);

/* Read a whole file.  *out is malloc'd and NUL-terminated (the NUL is not
 * counted in *len); the caller frees it.  Files over `max` bytes are refused
 * with -EFBIG before being read whole.  -ENOENT when absent, -EINVAL for a
 * path that escapes the root (absolute, "..", a symlink leaving the root),
 * -EISDIR for a directory. */
int source_read(struct source *src, const char *path, size_t max, char **out, size_t *len);

/* The name used in diagnostics for a path: "hosts/x.yaml" for a directory
 * source, "REF:hosts/x.yaml" for git (REF as the user gave it).  Malloc'd. */
char *source_display_name(struct source *src, const char *path);

/* Host names from hosts/<name>.yaml (not subdirectories), sorted.  *out is a
 * malloc'd array of malloc'd strings; free with source_names_free(). */
int source_list_hosts(struct source *src, char ***out, size_t *n);
void source_names_free(char **names, size_t n);

/* The commit id (40 hex) for a git source, NULL for a directory source. */
const char *source_commit_id(const struct source *src);
