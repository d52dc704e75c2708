#include "merge.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "sort.h"

/* Names sorted with their positions, so large hostile inputs merge in
 * n log n rather than n squared. */
struct merge_pair {
	const char *name;
	size_t pos;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct merge_pair *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const char *item_name(const struct ydoc_node *n)
{
	const struct ydoc_node *v = ydoc_map_get(n, "name");

	return v && v->kind == YDOC_KIND_SCALAR ? v->str : NULL;
}

/* Sorted (name, position) pairs; NULL with *n = 0 for an empty input. */
static struct merge_pair *index_names(struct arena *a, const char **names, size_t n)
{
	struct merge_pair *v;

	if (!n)
		return NULL;
	v = arena_calloc(a, n, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct merge_pair){ names[i], i };
	hn_qsort(v, n, sizeof(*v), cmp_pair);
	return v;
}

/* Position of the first entry named `name`, or (size_t)-1. */
static size_t index_find(const struct merge_pair *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(v[lo].name, name) == 0 ? v[lo].pos : (size_t)-1;
}

static struct ydoc_node *new_node(struct arena *a, const struct ydoc_node *like, size_t cap)
{
	struct ydoc_node *n = arena_alloc(a, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = like->kind;
	n->loc = like->loc;
	n->items = arena_calloc(a, cap ? cap : 1, sizeof(*n->items));
	if (like->kind == YDOC_KIND_MAP)
		n->keys = arena_calloc(a, cap ? cap : 1, sizeof(*n->keys));
	if (!n->items || (like->kind == YDOC_KIND_MAP && !n->keys))
		return NULL;
	return n;
}

/* Shared by maps (names = keys) and named lists (names = item names):
 * base order first, each merged with its namesake in `over`, then the names
 * only `over` has. */
static struct ydoc_node *merge_by_name(struct arena *a, struct ydoc_node *base,
				       struct ydoc_node *over, const char **bnames,
				       const char **onames)
{
	struct ydoc_node *r = new_node(a, over, base->n + over->n);
	struct merge_pair *oidx = index_names(a, onames, over->n);
	bool *merged = arena_calloc(a, over->n + 1, sizeof(*merged));
	bool is_map = base->kind == YDOC_KIND_MAP;

	if (!r || !merged || (over->n && !oidx))
		return NULL;
	/* Each name of `over` merges once, into the first base item of that
	 * name; a name repeated on either side stays repeated, so validation
	 * still sees (and reports) the duplicate. */
	for (size_t i = 0; i < base->n; i++) {
		size_t j = index_find(oidx, over->n, bnames[i]);
		struct ydoc_node *v = base->items[i];

		if (j != (size_t)-1 && !merged[j]) {
			merged[j] = true;
			v = merge_trees(a, v, over->items[j]);
			if (!v)
				return NULL;
		}
		if (is_map)
			r->keys[r->n] = base->keys[i];
		r->items[r->n++] = v;
	}
	for (size_t j = 0; j < over->n; j++) {
		if (merged[j])
			continue;
		if (is_map)
			r->keys[r->n] = over->keys[j];
		r->items[r->n++] = over->items[j];
	}
	return r;
}

static const char **names_of(struct arena *a, const struct ydoc_node *n, bool keys)
{
	const char **v = arena_calloc(a, n->n ? n->n : 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n->n; i++)
		v[i] = keys ? n->keys[i]->str : item_name(n->items[i]);
	return v;
}

static bool all_maps(const struct ydoc_node *seq, bool named)
{
	for (size_t i = 0; i < seq->n; i++) {
		if (seq->items[i]->kind != YDOC_KIND_MAP)
			return false;
		if (named && !item_name(seq->items[i]))
			return false;
	}
	return true;
}

static struct ydoc_node *concat(struct arena *a, struct ydoc_node *base, struct ydoc_node *over)
{
	struct ydoc_node *r = new_node(a, over, base->n + over->n);

	if (!r)
		return NULL;
	for (size_t i = 0; i < base->n; i++)
		r->items[r->n++] = base->items[i];
	for (size_t i = 0; i < over->n; i++)
		r->items[r->n++] = over->items[i];
	return r;
}

struct ydoc_node *merge_trees(struct arena *a, struct ydoc_node *base, struct ydoc_node *over)
{
	if (!base)
		return over;
	if (!over)
		return base;
	if (base->kind == YDOC_KIND_MAP && over->kind == YDOC_KIND_MAP) {
		const char **bn = names_of(a, base, true), **on = names_of(a, over, true);

		return bn && on ? merge_by_name(a, base, over, bn, on) : NULL;
	}
	if (base->kind == YDOC_KIND_SEQ && over->kind == YDOC_KIND_SEQ) {
		if (all_maps(base, true) && all_maps(over, true)) {
			const char **bn = names_of(a, base, false), **on = names_of(a, over, false);

			return bn && on ? merge_by_name(a, base, over, bn, on) : NULL;
		}
		if (all_maps(base, false) && all_maps(over, false))
			return concat(a, base, over);
	}
	return over;
}
