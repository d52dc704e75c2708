#include "diag.h"

#include "esc.h"
#include "sort.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const severity_names[DIAG_SEVERITY__MAX] = {
	[DIAG_SEVERITY_ERROR] = "error",
	[DIAG_SEVERITY_WARNING] = "warning",
};

const char *diag_severity_name(enum diag_severity s)
{
	return s < DIAG_SEVERITY__MAX ? severity_names[s] : "?";
}

#define DIAG_DEFAULT_MAX 1000

bool diag_will_record(const struct diag_list *l)
{
	return l->n < (l->max ? l->max : DIAG_DEFAULT_MAX);
}

int diag_addv(struct diag_list *l, enum diag_severity s, const struct hn_loc *loc,
	      const char *fmt, va_list ap)
{
	size_t max = l->max ? l->max : DIAG_DEFAULT_MAX;
	struct diag d = { .severity = s, .seq = l->n };

	if (s == DIAG_SEVERITY_ERROR)
		l->n_errors++;
	else
		l->n_warnings++;
	if (l->n >= max) {
		l->truncated = true;
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct diag *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (vasprintf(&d.msg, fmt, ap) < 0)
		return -ENOMEM;
	if (loc && loc->file) {
		d.file = strdup(loc->file);
		if (!d.file) {
			free(d.msg);
			return -ENOMEM;
		}
	}
	if (loc) {
		d.line = loc->line;
		d.col = loc->col;
	}
	l->v[l->n++] = d;
	return 0;
}

int diag_add(struct diag_list *l, enum diag_severity s, const struct hn_loc *loc,
	     const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = diag_addv(l, s, loc, fmt, ap);
	va_end(ap);
	return r;
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* qsort with the recording order as the last key: stable, and n log n
 * whatever `max` a caller sets. */
void diag_sort(struct diag_list *l)
{
	hn_qsort(l->v, l->n, sizeof(*l->v), diag_cmp);
}

char *diag_format(const struct diag *d)
{
	char *file = d->file ? esc_dup(d->file) : NULL, *msg = esc_dup(d->msg), *s = NULL;
	int r = -1;

	/* The file name (a git path) and the message (which quotes profile
	 * text) come from outside: escaped, so a name cannot move the cursor
	 * or start a line of its own. */
	if (!msg || (d->file && !file))
		goto out;
	if (file && d->line)
		r = asprintf(&s, "%s:%u:%u: %s: %s", file, d->line, d->col,
			     diag_severity_name(d->severity), msg);
	else if (file)
		r = asprintf(&s, "%s: %s: %s", file, diag_severity_name(d->severity), msg);
	else
		r = asprintf(&s, "%s: %s", diag_severity_name(d->severity), msg);
out:
	free(file);
	free(msg);
	return r < 0 ? NULL : s;
}

void diag_list_clear(struct diag_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].file);
		free(l->v[i].msg);
	}
	free(l->v);
	*l = (struct diag_list){ .max = l->max };
}
