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

/* jansson's output, each line break followed by the outer indentation. */
static int place_chunk(const char *p, size_t size, void *data)
{
	struct jstream *s = data;

	while (size) {
		const char *nl = memchr(p, '\n', size);
		size_t n = nl ? (size_t)(nl - p) : size;

		if (put(s, p, n) < 0 || (nl && put_break(s, s->buf_depth) < 0))
			return -1;
		n += nl ? 1 : 0;
		p += n;
		size -= n;
	}
	return 0;
}

/* Appends v, placed `depth` levels down, to the buffer. */
static int place(struct jstream *s, const json_t *v, unsigned depth)
{
	s->buf_depth = depth;
	return json_dump_callback(v, place_chunk, s, JSTREAM_FLAGS | JSON_ENCODE_ANY) < 0 ? -ENOMEM
											    : 0;
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
	s->buf = NULL;
	s->len = s->cap = 0;
	return s->r;
}
