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

	return v && v->kind == YDOC_KIND_SCALAR ? ydoc_str(v) : NULL;
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
	return ydoc_collection_new(a, like->kind, &like->loc, cap);
}

/* Shared by maps (names = keys) and named lists (names = item names):
 * base order first, each merged with its namesake in `over`, then the names
 * only `over` has. */
static struct ydoc_node *merge_by_name(struct arena *a, struct ydoc_node *base,
				       struct ydoc_node *over, const char **bnames,
				       const char **onames)
{
	struct ydoc_node *r = new_node(a, over, ydoc_count(base) + ydoc_count(over));
	struct merge_pair *oidx = index_names(a, onames, ydoc_count(over));
	bool *merged = arena_calloc(a, ydoc_count(over) + 1, sizeof(*merged));
	bool is_map = base->kind == YDOC_KIND_MAP;

	if (!r || !merged || (ydoc_count(over) && !oidx))
		return NULL;
	/* Each name of `over` merges once, into the first base item of that
	 * name; a name repeated on either side stays repeated, so validation
	 * still sees (and reports) the duplicate. */
	for (size_t i = 0; i < ydoc_count(base); i++) {
		size_t j = index_find(oidx, ydoc_count(over), bnames[i]);
		struct ydoc_node *v = ydoc_item(base, i);

		if (j != (size_t)-1 && !merged[j]) {
			merged[j] = true;
			v = merge_trees(a, v, ydoc_item(over, j));
			if (!v)
				return NULL;
		}
		ydoc_append(r, is_map ? ydoc_key(base, i) : NULL, v);
	}
	for (size_t j = 0; j < ydoc_count(over); j++) {
		if (merged[j])
			continue;
		ydoc_append(r, is_map ? ydoc_key(over, j) : NULL, ydoc_item(over, j));
	}
	return r;
}

static const char **names_of(struct arena *a, const struct ydoc_node *n, bool keys)
{
	const char **v = arena_calloc(a, ydoc_count(n) ? ydoc_count(n) : 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < ydoc_count(n); i++)
		v[i] = keys ? ydoc_str(ydoc_key(n, i)) : item_name(ydoc_item(n, i));
	return v;
}

static bool all_maps(const struct ydoc_node *seq, bool named)
{
	for (size_t i = 0; i < ydoc_count(seq); i++) {
		if (ydoc_item(seq, i)->kind != YDOC_KIND_MAP)
			return false;
		if (named && !item_name(ydoc_item(seq, i)))
			return false;
	}
	return true;
}

static struct ydoc_node *concat(struct arena *a, struct ydoc_node *base, struct ydoc_node *over)
{
	struct ydoc_node *r = new_node(a, over, ydoc_count(base) + ydoc_count(over));

	if (!r)
		return NULL;
	for (size_t i = 0; i < ydoc_count(base); i++)
		ydoc_append(r, NULL, ydoc_item(base, i));
	for (size_t i = 0; i < ydoc_count(over); i++)
		ydoc_append(r, NULL, ydoc_item(over, i));
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
