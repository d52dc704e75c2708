#include "table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "esc.h"

struct table {
	size_t ncols;
	size_t *width;
	const char **cells;   /* row-major, header row first */
	size_t nrows, cap;
	struct arena *arena;  /* the cell strings */
};

static int add_row(struct table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		const char **v = realloc(t->cells, cap * t->ncols * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->cells = v;
		t->cap = cap;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		/* Cells hold kernel names and aliases, commits and messages
		 * from the state database: stored escaped, so the widths are
		 * those of what is printed. */
		char *esc = esc_dup(cells[c] ? cells[c] : "-");
		char *copy = esc ? arena_strdup(t->arena, esc) : NULL;
		size_t w = copy ? strlen(copy) : 0;

		free(esc);
		if (!copy)
			return -ENOMEM;
		t->cells[t->nrows * t->ncols + c] = copy;
		if (w > t->width[c])
			t->width[c] = w;
	}
	t->nrows++;
	return 0;
}

struct table *table_new(const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	while (headers[t->ncols])
		t->ncols++;
	t->width = calloc(t->ncols, sizeof(*t->width));
	t->arena = arena_new();
	if (!t->width || !t->arena || add_row(t, headers) < 0)
		return table_free(t);
	return t;
}

struct table *table_free(struct table *t)
{
	if (!t)
		return NULL;
	free(t->width);
	free(t->cells);
	arena_free(t->arena);
	free(t);
	return NULL;
}

int table_add(struct table *t, const char *const *cells)
{
	return add_row(t, cells);
}

void table_print(const struct table *t, FILE *f)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			/* No padding after the last column: no trailing blanks. */
			if (c + 1 == t->ncols)
				fprintf(f, "%s\n", s);
			else
				fprintf(f, "%-*s  ", (int)t->width[c], s);
		}
	}
}
