#include "load.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <search.h>

#include "arena.h"
#include "esc.h"
#include "merge.h"
#include "profile.h"
#include "source.h"
#include "ydoc.h"

/* A parsed fragment, cached for the loader's life.  A fragment that failed
 * to load is cached too (doc NULL), so its errors are reported once. */
struct load_doc {
	char *path;
	struct ydoc *doc;
	int err;
};

/* Fragments are found by path in search trees (tsearch), not by a scan:
 * a hostile host file names tens of thousands of fragments. */
struct loader {
	struct source *src;
	char *display_prefix;
	struct arena *names;        /* interned display names, for locations */
	struct load_doc **docs;     /* owned, in load order */
	size_t n_docs, cap_docs;
	void *doc_tree;             /* the docs by path */
	const char **used;          /* fragments of the last load, merge order */
	size_t n_used, cap_used;
	void *used_tree;            /* the same paths, for membership */
};

/* One load: the stack of files being resolved, for cycle detection. */
struct load_run {
	struct loader *l;
	struct arena *arena;        /* merged nodes, dropped after the load */
	struct diag_list *diags;
	const char *stack[LOADER_MAX_EXTENDS_DEPTH + 2];
	size_t depth;
	bool failed, oom, too_many;
};

int loader_new(struct loader **out, struct source *src, const char *display_prefix)
{
	struct loader *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->src = src;
	l->names = arena_new();
	if (!l->names || (display_prefix && !(l->display_prefix = strdup(display_prefix)))) {
		loader_free(l);
		return -ENOMEM;
	}
	*out = l;
	return 0;
}

static void noop_free(void *p)
{
	(void)p;   /* the tree borrows its keys */
}

static int cmp_doc(const void *a, const void *b)
{
	return strcmp(((const struct load_doc *)a)->path, ((const struct load_doc *)b)->path);
}

struct loader *loader_free(struct loader *l)
{
	if (!l)
		return NULL;
	tdestroy(l->doc_tree, noop_free);
	tdestroy(l->used_tree, noop_free);
	for (size_t i = 0; i < l->n_docs; i++) {
		free(l->docs[i]->path);
		ydoc_free(l->docs[i]->doc);
		free(l->docs[i]);
	}
	free(l->docs);
	free(l->used);
	free(l->display_prefix);
	arena_free(l->names);
	free(l);
	return NULL;
}

const char *const *loader_last_fragments(const struct loader *l, size_t *n)
{
	*n = l->n_used;
	return l->used;
}

static const char *display_name(struct loader *l, const char *path)
{
	char *s = NULL;
	const char *r;

	if (l->display_prefix) {
		if (asprintf(&s, "%s%s", l->display_prefix, path) < 0)
			return NULL;
	} else {
		s = source_display_name(l->src, path);
	}
	if (!s)
		return NULL;
	r = arena_strdup(l->names, s);
	free(s);
	return r;
}

/* Point every location at the loader's copy of the name, so profiles built
 * from the tree stay valid after the document itself is freed. */
static void set_file(struct ydoc_node *n, const char *file)
{
	if (!n)
		return;
	n->loc.file = file;
	for (size_t i = 0; i < ydoc_count(n); i++) {
		if (n->kind == YDOC_KIND_MAP)
			set_file(ydoc_key(n, i), file);
		set_file(ydoc_item(n, i), file);
	}
}

/* Reads and parses `path`.  `at` is where the reference to it stands (an
 * extends entry), NULL for the host file itself. */
static int parse_file(struct load_run *run, const char *path, const struct hn_loc *at,
		      struct ydoc **out)
{
	struct loader *l = run->l;
	const char *name = display_name(l, path);
	char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if (!name)
		return -ENOMEM;
	r = source_read(l->src, path, YDOC_MAX_BYTES, &buf, &len);
	switch (r) {
	case 0:
		break;
	case -ENOENT:
		if (at)
			diag_error(run->diags, at, "extends: '%s' does not exist", path);
		else
			diag_error(run->diags, NULL, "%s: no such profile", name);
		goto out;
	case -EFBIG:
		diag_error(run->diags, &(struct hn_loc){ .file = name },
			   "file is larger than the limit of %u bytes", YDOC_MAX_BYTES);
		goto out;
	case -EISDIR:
		diag_error(run->diags, at ? at : &(struct hn_loc){ .file = name },
			   "%s is a directory, not a profile", name);
		goto out;
	case -EINVAL:
		diag_error(run->diags, at ? at : &(struct hn_loc){ .file = name },
			   "%s: not a regular file inside the repository (a symlink or "
			   "submodule, or a path leaving it)", path);
		goto out;
	case -EBADMSG:
		diag_error(run->diags, at ? at : &(struct hn_loc){ .file = name },
			   "cannot read %s: the repository is damaged (the object that holds it "
			   "is missing or unreadable)", name);
		goto out;
	default:
		diag_error(run->diags, at ? at : &(struct hn_loc){ .file = name },
			   "cannot read %s: %s", name, strerror(-r));
		goto out;
	}
	r = ydoc_parse(out, name, buf, len, run->diags);
	if (r == 0 && !(*out)->root) {
		diag_error(run->diags, &(struct hn_loc){ .file = name }, "the profile is empty");
		*out = ydoc_free(*out);
		r = -EINVAL;
	}
	if (r == 0)
		set_file((*out)->root, name);
out:
	free(buf);
	if (r == -ENOMEM)
		run->oom = true;
	else if (r < 0)
		run->failed = true;
	return r;
}

static struct load_doc *cached_fragment(struct load_run *run, const char *path,
					const struct hn_loc *at)
{
	struct loader *l = run->l;
	struct load_doc key = { .path = (char *)path }, *d, **found;

	found = tfind(&key, &l->doc_tree, cmp_doc);
	if (found) {
		if ((*found)->err)
			run->failed = true;
		return *found;
	}
	if (l->n_docs == l->cap_docs) {
		size_t cap = l->cap_docs ? l->cap_docs * 2 : 16;
		struct load_doc **v = realloc(l->docs, cap * sizeof(*v));

		if (!v) {
			run->oom = true;
			return NULL;
		}
		l->docs = v;
		l->cap_docs = cap;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !(d->path = strdup(path)) || !tsearch(d, &l->doc_tree, cmp_doc)) {
		if (d)
			free(d->path);
		free(d);
		run->oom = true;
		return NULL;
	}
	l->docs[l->n_docs++] = d;
	d->err = parse_file(run, path, at, &d->doc);
	return d;
}

static const struct hn_loc *node_loc(const struct ydoc_node *n)
{
	return &n->loc;
}

/* Extends paths are repository-relative and may not leave the repository. */
static bool check_extends_path(struct load_run *run, const struct ydoc_node *n)
{
	const char *s = ydoc_str(n);
	uint32_t bad;

	if (!*s) {
		diag_error(run->diags, node_loc(n), "extends: empty path");
		return false;
	}
	/* A path is shown in every message about the fragment: no controls
	 * or invisible formatting characters (esc.h), as in portgroup names. */
	if (esc_find_unsafe(s, &bad) >= 0) {
		diag_error(run->diags, node_loc(n), "extends: '%s' holds U+%04X (a control or "
			   "invisible formatting character)", s, (unsigned)bad);
		return false;
	}
	if (s[0] == '/') {
		diag_error(run->diags, node_loc(n), "extends: '%s' is an absolute path; extends "
			   "paths are relative to the repository root", s);
		return false;
	}
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, "/");

		if ((len == 2 && p[0] == '.' && p[1] == '.') || len == 0 || (len == 1 && p[0] == '.')) {
			diag_error(run->diags, node_loc(n), "extends: '%s' %s", s,
				   len == 2 ? "leaves the repository ('..' is not allowed)"
				   : len == 1 ? "has a '.' component; write it from the repository root"
					      : "has an empty path component");
			return false;
		}
		p += len;
		if (*p)
			p++;
	}
	return true;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool already_used(const struct load_run *run, const char *path)
{
	return tfind(path, &run->l->used_tree, cmp_path) != NULL;
}

static void note_used(struct load_run *run, const char *path)
{
	struct loader *l = run->l;

	if (already_used(run, path))
		return;
	if (l->n_used == l->cap_used) {
		size_t cap = l->cap_used ? l->cap_used * 2 : 8;
		const char **v = realloc(l->used, cap * sizeof(*v));

		if (!v) {
			run->oom = true;
			return;
		}
		l->used = v;
		l->cap_used = cap;
	}
	if (!tsearch(path, &l->used_tree, cmp_path)) {
		run->oom = true;
		return;
	}
	l->used[l->n_used++] = path;
}

/* A fragment's own header: it must say what it is, and may not name a host. */
static void check_fragment_header(struct load_run *run, const struct ydoc_node *root)
{
	const struct ydoc_node *k = ydoc_map_get(root, "kind"), *v = ydoc_map_get(root, "apiVersion");
	const struct ydoc_node *h = ydoc_map_get(root, "host");

	if (!v)
		diag_error(run->diags, node_loc(root), "profile: missing required key 'apiVersion'");
	else if (v->kind != YDOC_KIND_SCALAR || strcmp(ydoc_str(v), PROFILE_API_VERSION) != 0)
		diag_error(run->diags, node_loc(v), "apiVersion: this hostnet reads '%s'",
			   PROFILE_API_VERSION);
	if (!k)
		diag_error(run->diags, node_loc(root), "profile: missing required key 'kind'");
	else if (k->kind != YDOC_KIND_SCALAR || strcmp(ydoc_str(k), PROFILE_KIND_FRAGMENT) != 0)
		diag_error(run->diags, node_loc(k), "kind: a file named in extends must be kind "
			   "'%s'", PROFILE_KIND_FRAGMENT);
	/* A host file named in extends gets the kind error alone: its `host`
	 * is right for what it is. */
	if (h && k && ydoc_str(k) && strcmp(ydoc_str(k), PROFILE_KIND_FRAGMENT) == 0)
		diag_error(run->diags, node_loc(h), "host: a %s is shared by hosts and names "
			   "none; remove 'host'", PROFILE_KIND_FRAGMENT);
	if (!v || !k || h || v->kind != YDOC_KIND_SCALAR || k->kind != YDOC_KIND_SCALAR ||
	    strcmp(ydoc_str(v), PROFILE_API_VERSION) != 0 ||
	    strcmp(ydoc_str(k), PROFILE_KIND_FRAGMENT) != 0)
		run->failed = true;
}

/* A copy of a fragment's top level without the keys that describe the file
 * itself, so only the host file's header reaches the merged profile. */
static struct ydoc_node *strip_header(struct load_run *run, struct ydoc_node *root)
{
	static const char *const header[] = { "apiVersion", "kind", "host", "extends" };
	struct ydoc_node *r = ydoc_collection_new(run->arena, root->kind, &root->loc,
						  ydoc_count(root));

	if (!r)
		goto oom;
	for (size_t i = 0; i < ydoc_count(root); i++) {
		bool skip = false;

		for (size_t j = 0; j < sizeof(header) / sizeof(*header); j++)
			skip |= strcmp(ydoc_str(ydoc_key(root, i)), header[j]) == 0;
		if (skip)
			continue;
		ydoc_append(r, ydoc_key(root, i), ydoc_item(root, i));
	}
	return r;
oom:
	run->oom = true;
	return NULL;
}

static struct ydoc_node *resolve(struct load_run *run, const char *path, struct ydoc_node *root,
				 bool fragment);

/* Merges the fragments named by `ext` (a scalar or a list), in order. */
static struct ydoc_node *resolve_extends(struct load_run *run, const struct ydoc_node *ext)
{
	struct ydoc_node *acc = NULL;
	size_t n = 1;

	if (ext->kind == YDOC_KIND_SEQ) {
		n = ydoc_count(ext);
	} else if (ext->kind != YDOC_KIND_SCALAR || ydoc_is_null(ext)) {
		return NULL;  /* profile.c reports the type */
	}
	for (size_t i = 0; i < n && !run->oom; i++) {
		const struct ydoc_node *e = ext->kind == YDOC_KIND_SEQ ? ydoc_item(ext, i) : ext;
		struct load_doc *d;
		struct ydoc_node *sub;

		if (e->kind != YDOC_KIND_SCALAR || ydoc_is_null(e) || !check_extends_path(run, e)) {
			run->failed = true;
			continue;
		}
		for (size_t k = 0; k < run->depth; k++) {
			if (strcmp(run->stack[k], ydoc_str(e)) != 0)
				continue;
			char chain[1024] = "";
			for (size_t m = k; m < run->depth; m++) {
				strncat(chain, run->stack[m], sizeof(chain) - strlen(chain) - 1);
				strncat(chain, " -> ", sizeof(chain) - strlen(chain) - 1);
			}
			strncat(chain, ydoc_str(e), sizeof(chain) - strlen(chain) - 1);
			diag_error(run->diags, node_loc(e), "extends: cycle: %s", chain);
			run->failed = true;
			goto next;
		}
		/* Merging a fragment twice would repeat its routes (lists of
		 * unnamed objects are concatenated): include each one once. */
		if (already_used(run, ydoc_str(e))) {
			diag_error(run->diags, node_loc(e), "extends: '%s' is already merged into "
				   "this profile; include each fragment once", ydoc_str(e));
			run->failed = true;
			continue;
		}
		if (run->l->n_used >= LOADER_MAX_FRAGMENTS) {
			if (!run->too_many)
				diag_error(run->diags, node_loc(e), "extends: more than %d fragments "
					   "in one profile", LOADER_MAX_FRAGMENTS);
			run->too_many = run->failed = true;
			continue;
		}
		if (run->depth > LOADER_MAX_EXTENDS_DEPTH) {
			diag_error(run->diags, node_loc(e), "extends: nested more than %d deep",
				   LOADER_MAX_EXTENDS_DEPTH);
			run->failed = true;
			continue;
		}
		d = cached_fragment(run, ydoc_str(e), node_loc(e));
		if (!d || !d->doc)
			continue;
		note_used(run, d->path);
		sub = resolve(run, d->path, d->doc->root, true);
		if (sub)
			acc = merge_trees(run->arena, acc, sub);
		if (sub && !acc)
			run->oom = true;
next:;
	}
	return acc;
}

/* The tree of `path` with everything it extends merged underneath. */
static struct ydoc_node *resolve(struct load_run *run, const char *path, struct ydoc_node *root,
				 bool fragment)
{
	const struct ydoc_node *ext;
	struct ydoc_node *base = NULL, *self = root, *r;

	if (root->kind != YDOC_KIND_MAP) {
		diag_error(run->diags, node_loc(root), "profile: expected a mapping, got a %s",
			   ydoc_kind_name(root->kind));
		run->failed = true;
		return NULL;
	}
	if (fragment)
		check_fragment_header(run, root);
	ext = ydoc_map_get(root, "extends");
	if (ext) {
		run->stack[run->depth++] = path;
		base = resolve_extends(run, ext);
		run->depth--;
	}
	if (fragment && !(self = strip_header(run, root)))
		return NULL;
	r = merge_trees(run->arena, base, self);
	if (!r)
		run->oom = true;
	return r;
}

int loader_load(struct loader *l, const char *path, const char *expect_host,
		struct profile **out, struct diag_list *diags)
{
	struct load_run run = { .l = l, .diags = diags };
	struct ydoc *doc = NULL;
	struct ydoc_node *tree;
	struct profile *p = NULL;
	int r;

	*out = NULL;
	l->n_used = 0;
	tdestroy(l->used_tree, noop_free);
	l->used_tree = NULL;
	run.arena = arena_new();
	if (!run.arena)
		return -ENOMEM;
	r = parse_file(&run, path, NULL, &doc);
	if (r < 0)
		goto out;
	tree = resolve(&run, path, doc->root, false);
	if (run.oom) {
		r = -ENOMEM;
		goto out;
	}
	if (!tree) {
		r = -EINVAL;
		goto out;
	}
	r = profile_from_tree(&p, tree, diags);
	if (r == -ENOMEM)
		goto out;
	if (expect_host && p->host && strcmp(p->host, expect_host) != 0) {
		diag_error(diags, &p->host_loc, "host: '%s' does not match the file name "
			   "(hosts/%s.yaml holds host '%s')", p->host, expect_host, expect_host);
		run.failed = true;
	}
	if (expect_host && p->kind && strcmp(p->kind, PROFILE_KIND_HOST) != 0) {
		diag_error(diags, &p->loc, "kind: '%s' is not a host profile; hosts/*.yaml must be "
			   "kind '%s'", p->kind, PROFILE_KIND_HOST);
		run.failed = true;
	}
	*out = p;
	p = NULL;
	r = run.failed || r < 0 ? -EINVAL : 0;
out:
	profile_free(p);
	ydoc_free(doc);
	arena_free(run.arena);
	return r;
}
