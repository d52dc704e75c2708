/* gitsrc: a source reading one commit of a git repository through libgit2.
 *
 * The only file that includes <git2.h>: libgit2's codes and messages are
 * translated to negative errno (and *errmsg) here.  Only objects reachable
 * from the commit are read, never the work tree or the index, so what is
 * validated or applied is exactly what was committed.
 *
 * The ref is resolved once, at open.  Reads then go through a small cache of
 * parsed directory trees: libgit2 only caches trees under 4 KiB, so without
 * it every read of hosts/<name>.yaml would inflate and parse a hosts/ tree of
 * 10,000 entries again, and loading every host would cost O(hosts²).
 */
#include "source.h"
#include "source-private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

/* Distinct directories a load touches (hosts/, groups/, ...) are few. */
#define GITSRC_DIR_CACHE 8

struct gitsrc_dir {
	char *path;             /* "hosts", "a/b"; NULL for an empty slot */
	git_tree *tree;
};

struct gitsrc {
	struct source base;     /* first: a struct source * is a struct gitsrc * */
	git_repository *repo;
	git_odb *odb;
	git_tree *root;         /* the commit's tree */
	char *ref;              /* as the user gave it, for display names */
	char id[GIT_OID_HEXSZ + 1];
	char *author;           /* "name <email>" of the commit, for the audit trail */
	struct gitsrc_dir dirs[GITSRC_DIR_CACHE];
	unsigned next_dir;      /* round-robin victim */
	bool initialized;       /* git_libgit2_init() succeeded */
};

static struct gitsrc *gitsrc_of(struct source *src)
{
	return (struct gitsrc *)src;
}

static int gitsrc_errno(int gerr)
{
	const git_error *e = git_error_last();

	switch (gerr) {
	case GIT_ENOTFOUND:
	case GIT_EUNBORNBRANCH:
		return -ENOENT;
	case GIT_EAMBIGUOUS:
	case GIT_EINVALIDSPEC:
		return -EINVAL;
	case GIT_EOWNER:
		return -EACCES;
	default:
		return e && e->klass == GIT_ERROR_NOMEMORY ? -ENOMEM : -EIO;
	}
}

static const char *gitsrc_errstr(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

__attribute__((format(printf, 2, 3)))
static void gitsrc_errmsg(char **errmsg, const char *fmt, ...)
{
	va_list ap;

	if (!errmsg)
		return;
	va_start(ap, fmt);
	if (vasprintf(errmsg, fmt, ap) < 0)
		*errmsg = NULL;
	va_end(ap);
}

/* The tree of directory `dir` (dirlen bytes, no trailing '/'), borrowed
 * from the cache.  -ENOENT absent, -ENOTDIR a file on the way, -EINVAL a
 * symlink or submodule on the way (the directory backend refuses symlinks
 * too). */
static int gitsrc_dir_get(struct gitsrc *g, const char *dir, size_t dirlen, const git_tree **out)
{
	struct gitsrc_dir *slot;
	git_tree *owned = NULL;
	const git_tree *cur = g->root;
	char *copy, *comp, *slash;
	int r = 0;

	if (dirlen == 0) {
		*out = g->root;
		return 0;
	}
	for (size_t i = 0; i < GITSRC_DIR_CACHE; i++) {
		slot = &g->dirs[i];
		if (slot->path && strlen(slot->path) == dirlen && !memcmp(slot->path, dir, dirlen)) {
			*out = slot->tree;
			return 0;
		}
	}
	copy = strndup(dir, dirlen);
	if (!copy)
		return -ENOMEM;
	for (comp = copy; comp; comp = slash ? slash + 1 : NULL) {
		const git_tree_entry *e;
		git_tree *next;

		slash = strchr(comp, '/');
		if (slash)
			*slash = '\0';
		e = git_tree_entry_byname(cur, comp);
		if (slash)
			*slash = '/';   /* copy becomes the cache key */
		if (!e) {
			r = -ENOENT;
			goto out;
		}
		switch (git_tree_entry_filemode(e)) {
		case GIT_FILEMODE_TREE:
			break;
		case GIT_FILEMODE_BLOB:
		case GIT_FILEMODE_BLOB_EXECUTABLE:
			r = -ENOTDIR;
			goto out;
		case GIT_FILEMODE_LINK:
		case GIT_FILEMODE_COMMIT:
		case GIT_FILEMODE_UNREADABLE:
		default:                /* a mode a newer git invents */
			r = -EINVAL;
			goto out;
		}
		r = git_tree_lookup(&next, g->repo, git_tree_entry_id(e));
		if (r < 0) {
			r = gitsrc_errno(r);
			goto out;
		}
		git_tree_free(owned);
		cur = owned = next;
	}
	slot = &g->dirs[g->next_dir];
	g->next_dir = (g->next_dir + 1) % GITSRC_DIR_CACHE;
	free(slot->path);
	git_tree_free(slot->tree);
	slot->path = copy;
	slot->tree = owned;
	*out = owned;
	return 0;
out:
	git_tree_free(owned);
	free(copy);
	return r;
}

/* The tree entry of a regular file at `path`. */
static int gitsrc_entry(struct gitsrc *g, const char *path, const git_tree_entry **out)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const git_tree_entry *e;
	const git_tree *dir;
	int r;

	r = gitsrc_dir_get(g, path, slash ? (size_t)(slash - path) : 0, &dir);
	if (r == -ENOTDIR)      /* "a/b" under a file "a": b is absent */
		r = -ENOENT;
	if (r < 0)
		return r;
	e = git_tree_entry_byname(dir, base);
	if (!e)
		return -ENOENT;
	switch (git_tree_entry_filemode(e)) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		*out = e;
		return 0;
	case GIT_FILEMODE_TREE:
		return -EISDIR;
	case GIT_FILEMODE_LINK:
	case GIT_FILEMODE_COMMIT:
	case GIT_FILEMODE_UNREADABLE:
	default:
		return -EINVAL;
	}
}

/* The commit's tree names the blob: its id is the file's, unread. */
static int gitsrc_file_id(struct source *src, const char *path, const char *known_sig,
			  const char *known_id, char id[41], char *sig, size_t sigsize)
{
	const git_tree_entry *e;
	int r = gitsrc_entry(gitsrc_of(src), path, &e);

	(void)known_sig;
	(void)known_id;
	(void)sig;
	(void)sigsize;
	if (r == 0)
		git_oid_tostr(id, 41, git_tree_entry_id(e));
	return r;
}

static int gitsrc_read(struct source *src, const char *path, size_t max, char **out, size_t *len)
{
	struct gitsrc *g = gitsrc_of(src);
	const git_tree_entry *e;
	git_blob *blob = NULL;
	git_object_t type;
	size_t size;
	char *buf;
	int r;

	r = gitsrc_entry(g, path, &e);
	if (r < 0)
		return r;
	/* The header gives the size without inflating the blob, so an
	 * oversized one is refused before it is read whole. */
	/* The tree names the blob: failing to find it is damage (a lost
	 * object, a truncated pack), not an absent file. */
	r = git_odb_read_header(&size, &type, g->odb, git_tree_entry_id(e));
	if (r < 0)
		return r == GIT_ENOTFOUND ? -EBADMSG : gitsrc_errno(r);
	if (size > max)
		return -EFBIG;
	r = git_blob_lookup(&blob, g->repo, git_tree_entry_id(e));
	if (r < 0)
		return r == GIT_ENOTFOUND ? -EBADMSG : gitsrc_errno(r);
	if (git_blob_rawsize(blob) > max) {
		r = -EFBIG;
		goto out;
	}
	size = (size_t)git_blob_rawsize(blob);
	buf = malloc(size + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	if (size)
		memcpy(buf, git_blob_rawcontent(blob), size);
	buf[size] = '\0';
	*out = buf;
	*len = size;
out:
	git_blob_free(blob);
	return r;
}

static char *gitsrc_display_name(struct source *src, const char *path)
{
	struct gitsrc *g = gitsrc_of(src);
	char *s;

	if (asprintf(&s, "%s:%s", g->ref, path) < 0)
		return NULL;
	return s;
}

static int gitsrc_list_hosts(struct source *src, struct source_names *names)
{
	struct gitsrc *g = gitsrc_of(src);
	const git_tree *hosts;
	size_t n;
	int r;

	r = gitsrc_dir_get(g, SOURCE_HOSTS_DIR, strlen(SOURCE_HOSTS_DIR), &hosts);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	n = git_tree_entrycount(hosts);
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(hosts, i);

		switch (git_tree_entry_filemode(e)) {
		case GIT_FILEMODE_TREE:
		case GIT_FILEMODE_COMMIT:
			continue;
		case GIT_FILEMODE_BLOB:
		case GIT_FILEMODE_BLOB_EXECUTABLE:
		case GIT_FILEMODE_UNREADABLE:
		case GIT_FILEMODE_LINK:
		default:
			/* Symlinks are listed, so reading them fails loudly
			 * instead of a host silently vanishing. */
			break;
		}
		r = source_names_add_host(names, git_tree_entry_name(e));
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *gitsrc_commit_id(const struct source *src)
{
	return ((const struct gitsrc *)src)->id;
}

static const char *gitsrc_commit_author(const struct source *src)
{
	return ((const struct gitsrc *)src)->author;
}

static void gitsrc_free(struct source *src)
{
	struct gitsrc *g = gitsrc_of(src);
	bool initialized = g->initialized;

	for (size_t i = 0; i < GITSRC_DIR_CACHE; i++) {
		free(g->dirs[i].path);
		git_tree_free(g->dirs[i].tree);
	}
	git_tree_free(g->root);
	git_odb_free(g->odb);
	git_repository_free(g->repo);
	free(g->ref);
	free(g->author);
	free(g);
	/* Last: the frees above still need the library. */
	if (initialized)
		git_libgit2_shutdown();
}

static const struct source_ops gitsrc_ops = {
	.read = gitsrc_read,
	.file_id = gitsrc_file_id,
	.display_name = gitsrc_display_name,
	.list_hosts = gitsrc_list_hosts,
	.commit_id = gitsrc_commit_id,
	.commit_author = gitsrc_commit_author,
	.free = gitsrc_free,
};

/* Resolve g->ref to a commit and keep its tree. */
/* Inside a pre-receive hook the pushed objects are not in the repository
 * yet: git keeps them in a quarantine directory it names in the
 * environment, and hooks must read them from there. */
static int gitsrc_add_quarantine(struct gitsrc *g)
{
	const char *q = getenv("GIT_QUARANTINE_PATH");
	git_odb *odb = NULL;
	int r;

	if (!q || !*q)
		return 0;
	r = git_repository_odb(&odb, g->repo);
	if (r == 0)
		r = git_odb_add_disk_alternate(odb, q);
	git_odb_free(odb);
	return r;
}

/* The ref a revision spec starts from ("main" of "main~2"), when it names
 * one, must point at an object the repository can read.  A damaged
 * repository (a truncated pack, a lost object) is said to be one, with
 * libgit2's message, instead of "ref not found"; and checking it here
 * keeps git_revparse_single() off its error path for that case, where
 * libgit2 1.5 leaks the reference it looked up. */
static int gitsrc_check_base(struct gitsrc *g, const char *repo, char **errmsg)
{
	size_t len = strcspn(g->ref, "~^:@");
	git_reference *ref = NULL, *direct = NULL;
	git_object *obj = NULL;
	char *base, oid[GIT_OID_HEXSZ + 1];
	int r;

	if (len == 0)
		return 0;
	base = strndup(g->ref, len);
	if (!base)
		return -ENOMEM;
	r = git_reference_dwim(&ref, g->repo, base);
	if (r < 0) {
		r = 0;   /* not a ref: a commit id or an error revparse reports */
		goto out;
	}
	r = git_reference_resolve(&direct, ref);
	if (r < 0) {
		r = 0;   /* a dangling symbolic ref (an unborn branch): revparse says so */
		goto out;
	}
	r = git_object_lookup(&obj, g->repo, git_reference_target(direct), GIT_OBJECT_ANY);
	if (r < 0) {
		git_oid_tostr(oid, sizeof(oid), git_reference_target(direct));
		gitsrc_errmsg(errmsg, "repository '%s' is damaged: ref '%s' points to %s, which "
			      "cannot be read: %s", repo, base, oid, gitsrc_errstr());
		r = r == GIT_ENOTFOUND ? -EIO : gitsrc_errno(r);
		goto out;
	}
	r = 0;
out:
	git_object_free(obj);
	git_reference_free(direct);
	git_reference_free(ref);
	free(base);
	return r;
}

/* Who wrote the commit, as git log prints it: the audit trail records it. */
static int gitsrc_author(struct gitsrc *g, const git_commit *commit)
{
	const git_signature *a = git_commit_author(commit);

	if (!a)
		return 0;
	if (asprintf(&g->author, "%s <%s>", a->name ? a->name : "", a->email ? a->email : "") < 0) {
		g->author = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int gitsrc_resolve(struct gitsrc *g, const char *repo, char **errmsg)
{
	git_object *obj = NULL, *target = NULL;
	const git_commit *commit;
	git_object_t type;
	int r;

	if (gitsrc_add_quarantine(g) < 0) {
		gitsrc_errmsg(errmsg, "cannot read the pushed objects of repository '%s': %s", repo,
			      gitsrc_errstr());
		return -EIO;
	}
	r = gitsrc_check_base(g, repo, errmsg);
	if (r < 0)
		return r;
	r = git_revparse_single(&obj, g->repo, g->ref);
	if (r == GIT_ENOTFOUND || r == GIT_EUNBORNBRANCH) {
		gitsrc_errmsg(errmsg, "ref '%s' not found in repository '%s'", g->ref, repo);
		return -ENOENT;
	}
	if (r == GIT_EAMBIGUOUS) {
		gitsrc_errmsg(errmsg, "ref '%s' is ambiguous in repository '%s'", g->ref, repo);
		return -EINVAL;
	}
	if (r == GIT_EINVALIDSPEC) {
		gitsrc_errmsg(errmsg, "invalid ref '%s' in repository '%s': %s",
			      g->ref, repo, gitsrc_errstr());
		return -EINVAL;
	}
	if (r < 0) {
		gitsrc_errmsg(errmsg, "cannot resolve ref '%s' in repository '%s': %s",
			      g->ref, repo, gitsrc_errstr());
		return gitsrc_errno(r);
	}
	type = git_object_type(obj);
	if (type == GIT_OBJECT_TAG) {
		r = git_tag_peel(&target, (const git_tag *)obj);
		if (r < 0) {
			gitsrc_errmsg(errmsg, "cannot peel tag '%s' in repository '%s': %s",
				      g->ref, repo, gitsrc_errstr());
			r = gitsrc_errno(r);
			goto out;
		}
		type = git_object_type(target);
	}
	if (type != GIT_OBJECT_COMMIT) {
		gitsrc_errmsg(errmsg, "ref '%s' in repository '%s' names a %s, not a commit",
			      g->ref, repo, git_object_type2string(type));
		r = -EINVAL;
		goto out;
	}
	commit = (const git_commit *)(target ? target : obj);
	r = git_commit_tree(&g->root, commit);
	if (r < 0) {
		gitsrc_errmsg(errmsg, "cannot read the tree of ref '%s' in repository '%s': %s",
			      g->ref, repo, gitsrc_errstr());
		r = gitsrc_errno(r);
		goto out;
	}
	git_oid_tostr(g->id, sizeof(g->id), git_commit_id(commit));
	r = gitsrc_author(g, commit);
out:
	git_object_free(target);
	git_object_free(obj);
	return r;
}

int source_open_git(struct source **out, const char *repo, const char *ref, char **errmsg)
{
	struct gitsrc *g;
	int r;

	*out = NULL;
	if (errmsg)
		*errmsg = NULL;
	if (!repo || !*repo) {
		gitsrc_errmsg(errmsg, "no git repository given");
		return -EINVAL;
	}
	if (!ref || !*ref) {
		gitsrc_errmsg(errmsg, "no ref given for repository '%s'", repo);
		return -EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->base.ops = &gitsrc_ops;
	r = git_libgit2_init();
	if (r < 0) {
		gitsrc_errmsg(errmsg, "cannot initialize libgit2: %s", gitsrc_errstr());
		r = gitsrc_errno(r);
		goto fail;
	}
	g->initialized = true;
	g->ref = strdup(ref);
	if (!g->ref) {
		r = -ENOMEM;
		goto fail;
	}
	/* NO_SEARCH: `repo` must be the repository, not a directory inside
	 * one, or paths would silently be relative to some parent. */
	r = git_repository_open_ext(&g->repo, repo, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (r < 0) {
		gitsrc_errmsg(errmsg, "cannot open git repository '%s': %s", repo, gitsrc_errstr());
		r = gitsrc_errno(r);
		goto fail;
	}
	r = git_repository_odb(&g->odb, g->repo);
	if (r < 0) {
		gitsrc_errmsg(errmsg, "cannot open the object database of '%s': %s",
			      repo, gitsrc_errstr());
		r = gitsrc_errno(r);
		goto fail;
	}
	r = gitsrc_resolve(g, repo, errmsg);
	if (r < 0)
		goto fail;
	*out = &g->base;
	return 0;
fail:
	gitsrc_free(&g->base);
	return r;
}

int source_hash(char out[41], const void *data, size_t len)
{
	git_oid oid;
	int r = git_libgit2_init();

	if (r < 0)
		return -EIO;
	/* As git hashes a blob: the same bytes give the same id anywhere. */
	r = git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB);
	if (r == 0)
		git_oid_tostr(out, 41, &oid);
	git_libgit2_shutdown();
	return r < 0 ? -EIO : 0;
}

/* Fetches `branch` of `url` into the bare mirror at `mirror` (created on
 * first use) and returns the commit it now points at. */
int source_git_fetch(const char *mirror, const char *url, const char *branch, char commit[41],
		     char **errmsg)
{
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	git_fetch_options fo;
	git_reference *ref = NULL;
	char *refspec = NULL, *local = NULL;
	const git_oid *oid;
	int r = git_libgit2_init();

	if (r < 0)
		return -EIO;
	/* The _INIT macro leaves fields implicit, which -Wextra flags. */
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	if (asprintf(&refspec, "+refs/heads/%s:refs/remotes/origin/%s", branch, branch) < 0 ||
	    asprintf(&local, "refs/remotes/origin/%s", branch) < 0) {
		r = -ENOMEM;
		goto out;
	}
	r = git_repository_open_bare(&repo, mirror);
	if (r == GIT_ENOTFOUND)
		r = git_repository_init(&repo, mirror, 1);
	if (r < 0) {
		gitsrc_errmsg(errmsg, "cannot open or create the mirror '%s': %s", mirror, gitsrc_errstr());
		r = -EIO;
		goto out;
	}
	/* The URL may change between runs: an anonymous remote always uses the
	 * one given now.  url.*.insteadOf is skipped because libgit2 1.5 leaks
	 * its regex match data (about 40 KiB) on every lookup, which a
	 * long-running agent would accumulate; the URL given is used as is. */
	git_remote_create_options ro;

	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = repo;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
	r = git_remote_create_with_opts(&remote, url, &ro);
	if (r == 0) {
		char *specs[] = { refspec };
		git_strarray arr = { specs, 1 };

		fo.prune = GIT_FETCH_PRUNE;
		r = git_remote_fetch(remote, &arr, &fo, "hostnet reconcile");
	}
	if (r < 0) {
		gitsrc_errmsg(errmsg, "cannot fetch branch '%s' of '%s': %s", branch, url, gitsrc_errstr());
		r = -EIO;
		goto out;
	}
	r = git_reference_lookup(&ref, repo, local);
	if (r < 0 || !(oid = git_reference_target(ref))) {
		gitsrc_errmsg(errmsg, "branch '%s' not found in '%s'", branch, url);
		r = -ENOENT;
		goto out;
	}
	git_oid_tostr(commit, 41, oid);
	r = 0;
out:
	git_reference_free(ref);
	git_remote_free(remote);
	git_repository_free(repo);
	free(refspec);
	free(local);
	git_libgit2_shutdown();
	return r;
}
