#include "jstream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define JSTREAM_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

static int put(struct jstream *s, const char *p, size_t n)
{
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *b;

		while (cap < s->len + n)
			cap *= 2;
		if (!(b = realloc(s->buf, cap)))
			return -1;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

/* A line break, then the indentation of `depth`. */
static int put_break(struct jstream *s, unsigned depth)
{
	static const char spaces[] = "                                ";

	if (put(s, "\n", 1) < 0)
		return -1;
	for (size_t n = 2 * (size_t)depth; n; ) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		if (put(s, spaces, k) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* Appends v, placed `depth` levels down, to the buffer: jansson dumps it
 * into tmp in one call (json_dumpb: a memcpy per token), then each of its
 * lines is copied with the outer indentation after each line break.  (A
 * callback per token, which had to look for line breaks in each, was a
 * fifth of show routes --json at 100,000 routes.) */
static int place(struct jstream *s, const json_t *v, unsigned depth)
{
	const size_t flags = JSTREAM_FLAGS | JSON_ENCODE_ANY;
	size_t n = json_dumpb(v, s->tmp, s->tmp_cap, flags);
	const char *p;

	if (n > s->tmp_cap) {
		size_t cap = s->tmp_cap ? s->tmp_cap : 4096;
		char *b;

		while (cap < n)
			cap *= 2;
		if (!(b = realloc(s->tmp, cap)))
			return -ENOMEM;
		s->tmp = b;
		s->tmp_cap = cap;
		n = json_dumpb(v, s->tmp, s->tmp_cap, flags);
	}
	if (n == 0 || n > s->tmp_cap)   /* jansson failed (no value dumps to nothing) */
		return -ENOMEM;
	for (p = s->tmp; n;) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;

		if (put(s, p, k) < 0 || (nl && put_break(s, depth) < 0))
			return -ENOMEM;
		k += nl ? 1 : 0;
		p += k;
		n -= k;
	}
	return 0;
}

static int flush(struct jstream *s)
{
	int r = s->len && fwrite(s->buf, 1, s->len, s->f) != s->len ? -EIO : 0;

	s->len = 0;
	return r;
}

int jstream_value(FILE *f, const json_t *v, unsigned depth)
{
	struct jstream s = { .f = f };
	int r = v ? place(&s, v, depth) : -ENOMEM;

	if (r == 0)
		r = flush(&s);
	free(s.buf);
	free(s.tmp);
	return r;
}

void jstream_array_begin(struct jstream *s, FILE *f, unsigned depth)
{
	*s = (struct jstream){ .f = f, .depth = depth };
}

void jstream_array_add(struct jstream *s, json_t *v)
{
	if (!v && !s->r)
		s->r = -ENOMEM;
	if (!s->r) {
		/* As jansson: "[" or ",", then a line break at the elements' depth. */
		if (put(s, s->n ? "," : "[", 1) < 0 || put_break(s, s->depth + 1) < 0)
			s->r = -ENOMEM;
		else if (!(s->r = place(s, v, s->depth + 1)))
			s->r = flush(s);
	}
	s->n++;
	json_decref(v);
}

int jstream_array_end(struct jstream *s)
{
	if (!s->r) {
		s->len = 0;
		if (!s->n)
			s->r = put(s, "[]", 2) < 0 ? -ENOMEM : 0;
		else if (put_break(s, s->depth) < 0 || put(s, "]", 1) < 0)
			s->r = -ENOMEM;
		if (!s->r)
			s->r = flush(s);
	}
	free(s->buf);
	free(s->tmp);
	s->buf = s->tmp = NULL;
	s->len = s->cap = s->tmp_cap = 0;
	return s->r;
}
