/* source: where profile bytes come from, files or a git commit.
 *
 * Paths are repository-relative with '/' separators ("hosts/esx01.yaml").
 * A source never follows a path out of its root: absolute paths, empty, "."
 * and ".." components and backslashes are refused with -EINVAL.  Symlinks
 * are refused (-EINVAL) wherever they sit in the path, in both backends,
 * even one that stays inside the root: git cannot follow a symlink entry, so
 * refusing them on disk too makes a checkout read the same as its commit.
 * Likewise a path through a regular file ("top.yaml/x") is -ENOENT in both.
 *
 * A source is not safe to use from several threads at once (the git backend
 * caches directory trees as it reads).
 */
#pragma once

#include <stddef.h>

struct source;

/* A file-system directory as the repository root (the root itself may be a
 * symlink).  -ENOENT, -ENOTDIR, -EACCES as open(2) reports them. */
int source_open_dir(struct source **out, const char *root);

/* A commit of a git repository (bare or not; the work tree and the index
 * are never read).  `repo` is the work tree, the .git directory or the bare
 * repository itself; a directory inside a repository is not searched upward.
 * `ref` is anything git rev-parse accepts ("HEAD", "main", a sha, "v1^"); it
 * is resolved once, here.
 * Errors, each with a message in *errmsg (malloc'd, caller frees; NULL on
 * success or -ENOMEM; `errmsg` may be NULL when no message is wanted):
 *   -ENOENT  missing repository: "cannot open git repository '/x': <libgit2>"
 *            missing ref:        "ref 'nope' not found in repository '/x'"
 *   -EINVAL  a ref naming no commit:
 *            "ref 'HEAD^{tree}' in repository '/x' names a tree, not a commit",
 *            an ambiguous or malformed ref, an empty repo or ref
 *   -EACCES  repository owned by another user (libgit2's safe.directory check)
 *   -EIO     anything else libgit2 reports (corrupt repository...) */
int source_open_git(struct source **out, const char *repo, const char *ref, char **errmsg);

/* Accepts NULL. Returns NULL. */
struct source *source_free(struct source *src);

/* Read a whole file.  *out is malloc'd and NUL-terminated (the NUL is not
 * counted in *len; len may be NULL); the caller frees it.  On failure *out
 * is NULL and *len 0.  Files over `max` bytes are refused with -EFBIG before
 * being read whole.  -ENOENT when absent, -EISDIR for a directory, -EINVAL
 * for a path that escapes the root (absolute, "..", any symlink), a submodule
 * or a special file (FIFO, device), -EBADMSG when a git tree names an object
 * the repository cannot read (it is damaged).  Otherwise -ENOMEM, -EIO (git) or the
 * errno of a failing system call. */
int source_read(struct source *src, const char *path, size_t max, char **out, size_t *len);

/* What a file holds, without reading it where that can be known: `id` the
 * id git gives its bytes (source_hash()), and `sig` (at most sigsize bytes)
 * a signature of the file that changes whenever its bytes may have.  A git
 * commit names its blobs: the id from the tree, sig "".  A directory: sig is
 * "dev ino size mtime ctime" (ns), as git's index trusts a work tree file,
 * and "" while the file is too new to be told apart from a write in the
 * same clock tick; when it equals `known_sig` (not "") the file is not read
 * and `known_id` is the id, otherwise the file is read and hashed.  Errors
 * as source_read(). */
int source_file_id(struct source *src, const char *path, const char *known_sig,
		   const char *known_id, char id[41], char *sig, size_t sigsize);

/* The name used in diagnostics for a path: "hosts/x.yaml" for a directory
 * source, "REF:hosts/x.yaml" for git (REF as the user gave it).  Malloc'd;
 * NULL on ENOMEM. */
char *source_display_name(struct source *src, const char *path);

/* Host names from hosts/<name>.yaml (not subdirectories or submodules),
 * sorted by strcmp.  Symlinks are listed, so reading them fails loudly rather
 * than the host silently vanishing.  *out is a malloc'd array of malloc'd
 * strings (NULL when there are none); free with source_names_free().  No
 * hosts/ gives 0 names; hosts/ as a file -ENOTDIR, as a symlink -EINVAL. */
int source_list_hosts(struct source *src, char ***out, size_t *n);
void source_names_free(char **names, size_t n);

/* The commit id (40 hex) for a git source, NULL for a directory source. */
const char *source_commit_id(const struct source *src);
/* The commit's author as "name <email>" (libgit2's signature), NULL for a
 * directory source.  Owned by the source. */
const char *source_commit_author(const struct source *src);

/* The id git would give `data` as a blob (40 hex + NUL): a content hash for
 * realized profiles and plan fingerprints.  0 or -EIO. */
int source_hash(char out[41], const void *data, size_t len);

/* Fetches `branch` of the repository at `url` (file://, a local path, or
 * https) into the bare mirror `mirror`, creating it on first use, and
 * writes the branch's commit id.  0, -ENOENT (no such branch), -EIO (with
 * a message in *errmsg, malloc'd), -ENOMEM. */
int source_git_fetch(const char *mirror, const char *url, const char *branch, char commit[41],
		     char **errmsg);
