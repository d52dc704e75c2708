#include "jstream.h"

#include <errno.h>
#include <string.h>

#define JSTREAM_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

struct place {
	FILE *f;
	unsigned depth;
};

static int put_indent(FILE *f, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		if (fputs("  ", f) == EOF)
			return -1;
	return 0;
}

/* jansson's output, each line break followed by the outer indentation. */
static int place_chunk(const char *buf, size_t size, void *data)
{
	const struct place *p = data;

	while (size) {
		const char *nl = memchr(buf, '\n', size);
		size_t n = nl ? (size_t)(nl - buf) + 1 : size;

		if (fwrite(buf, 1, n, p->f) != n || (nl && put_indent(p->f, p->depth) < 0))
			return -1;
		buf += n;
		size -= n;
	}
	return 0;
}

int jstream_value(FILE *f, const json_t *v, unsigned depth)
{
	struct place p = { f, depth };

	if (!v)
		return -ENOMEM;
	return json_dump_callback(v, place_chunk, &p, JSTREAM_FLAGS | JSON_ENCODE_ANY) < 0 ? -EIO
											     : 0;
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
		if (fputs(s->n ? ",\n" : "[\n", s->f) == EOF || put_indent(s->f, s->depth + 1) < 0)
			s->r = -EIO;
		else
			s->r = jstream_value(s->f, v, s->depth + 1);
	}
	s->n++;
	json_decref(v);
}

int jstream_array_end(struct jstream *s)
{
	if (!s->r) {
		if (!s->n)
			s->r = fputs("[]", s->f) == EOF ? -EIO : 0;
		else if (fputc('\n', s->f) == EOF || put_indent(s->f, s->depth) < 0 ||
			 fputc(']', s->f) == EOF)
			s->r = -EIO;
	}
	return s->r;
}
