#include "ydoc.h"

#include "esc.h"

#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "sort.h"

/* libyaml spells "!!str" in its resolved form. */
#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* A child already reported (a non-scalar key, a bad alias): its pair is
 * dropped when the collection ends, and the parse fails anyway. */
#define KIND_DROPPED UINT8_MAX

/* An open collection.  Children collect by value in `kids` (maps alternate
 * key, value) and are copied into one pool array once the collection ends,
 * so a collection's children are contiguous.  `kids` stays allocated for
 * reuse by the next collection at the same depth. */
struct frame {
	struct ydoc_node node;    /* kind and loc; children set when it ends */
	size_t id;                /* which collection, for its anchor */
	const char *anchor;
	struct ydoc_node *kids;
	size_t n, cap;
};

/* Nodes are values here (children move when their collection ends), so an
 * anchor keeps a copy; a finished collection's children no longer move. */
struct anchor {
	const char *name;         /* NULL: empty slot */
	struct ydoc_node node;
	size_t id;                /* the open collection it names */
	bool open;                /* collection not ended yet: aliasing it would recurse */
};

/* Open addressing, so a file with thousands of anchors and aliases stays
 * linear. */
struct anchors {
	struct anchor *v;
	size_t n, cap;            /* cap is 0 or a power of two */
};

/* Child arrays and strings are carved from arena blocks here rather than by
 * arena_alloc(), which aligns every piece to max_align_t: a route is a map
 * of four nodes and four short strings, and rounding each string up to 16
 * bytes would cost a third more.  Blocks grow so a small file stays small. */
struct pool {
	unsigned char *next;
	size_t left;
	size_t block;             /* size of the next block */
};

#define POOL_FIRST_BLOCK (4u << 10)
#define POOL_MAX_BLOCK   (256u << 10)

struct builder {
	struct ydoc *doc;
	struct arena *arena;
	struct pool pool;
	struct diag_list *diags;
	const char *text;         /* the input after any UTF-8 byte order mark */
	size_t text_len;
	struct frame stack[YDOC_MAX_DEPTH];
	size_t depth;
	size_t collections;       /* started so far: frame ids */
	size_t nodes;
	size_t alias_nodes;       /* of `nodes`, made by copying for an alias */
	struct ydoc_limits lim;
	unsigned errors;
	unsigned docs;
	struct anchors anchors;
};

/* `align` is 8 for strings, alignof(struct ydoc_node) for nodes; every
 * piece is zeroed (arena memory is). */
static void *pool_alloc(struct builder *b, size_t size, size_t align)
{
	struct pool *p = &b->pool;
	size_t pad = (size_t)(-(uintptr_t)p->next & (align - 1));
	void *v;

	if (size > POOL_MAX_BLOCK / 4)
		return arena_alloc(b->arena, size);
	if (!p->next || p->left < pad + size) {
		if (p->block < POOL_FIRST_BLOCK)
			p->block = POOL_FIRST_BLOCK;
		while (p->block < size)
			p->block *= 2;
		p->next = arena_alloc(b->arena, p->block);
		if (!p->next)
			return NULL;
		p->left = p->block;
		if (p->block < POOL_MAX_BLOCK)
			p->block *= 2;
		pad = 0;
	}
	v = p->next + pad;
	p->next += pad + size;
	p->left -= pad + size;
	return v;
}

static struct ydoc_node *pool_nodes(struct builder *b, size_t n)
{
	if (n > SIZE_MAX / sizeof(struct ydoc_node))
		return NULL;
	return pool_alloc(b, n * sizeof(struct ydoc_node), alignof(struct ydoc_node));
}

/* 8-aligned: glibc's strcmp, which the profile reader runs on every key,
 * costs measurably more on strings packed at any byte (4 % of validating a
 * 100,000-route profile) for 6 % more tree. */
static char *pool_strndup(struct builder *b, const char *s, size_t len)
{
	char *d = pool_alloc(b, len + 1, 8);

	if (d)
		memcpy(d, s, len);
	return d;
}

static const char *const kind_names[YDOC_KIND__MAX] = {
	[YDOC_KIND_SCALAR] = "scalar",
	[YDOC_KIND_SEQ] = "sequence",
	[YDOC_KIND_MAP] = "mapping",
};

const char *ydoc_kind_name(enum ydoc_kind k)
{
	return k < YDOC_KIND__MAX ? kind_names[k] : "?";
}

__attribute__((format(printf, 3, 0)))
static int vreport(struct builder *b, const struct hn_loc *loc, const char *fmt, va_list ap)
{
	b->errors++;
	return diag_addv(b->diags, DIAG_SEVERITY_ERROR, loc, fmt, ap);
}

/* An error after which the tree is still consistent: parsing goes on so that
 * one run shows every such problem.  Returns 0 or -ENOMEM. */
__attribute__((format(printf, 3, 4)))
static int report(struct builder *b, const struct hn_loc *loc, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vreport(b, loc, fmt, ap);
	va_end(ap);
	return r;
}

/* An error that ends the parse.  Returns -EINVAL or -ENOMEM. */
__attribute__((format(printf, 3, 4)))
static int fail(struct builder *b, const struct hn_loc *loc, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vreport(b, loc, fmt, ap);
	va_end(ap);
	return r < 0 ? r : -EINVAL;
}

/* Quote user text for a message: unsafe characters are escaped and long
 * text is cut (on a character boundary), so one hostile key cannot make a
 * diagnostic unreadable. */
static const char *show(char *dst, size_t size, const char *s, size_t len)
{
	/* 8 bytes of slack: the cut falls where it always has (at most
	 * size - 12 characters before the "..."). */
	return esc_text(dst, size > 8 ? size - 8 : size, s, len);
}

/* Line breaks as libyaml counts them: CR LF, CR, LF, NEL, LS, PS. */
static size_t break_len(const char *s, size_t left)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == '\r')
		return left > 1 && u[1] == '\n' ? 2 : 1;
	if (u[0] == '\n')
		return 1;
	if (left > 1 && u[0] == 0xc2 && u[1] == 0x85)
		return 2;
	if (left > 2 && u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))
		return 3;
	return 0;
}

static struct hn_loc mark_loc(const struct builder *b, yaml_mark_t m)
{
	return (struct hn_loc){ .file = b->doc->file, .line = (unsigned)m.line + 1,
				.col = (unsigned)m.column + 1 };
}

/* libyaml's reader reports byte offsets; marks count characters. */
static struct hn_loc offset_loc(const struct builder *b, size_t off)
{
	struct hn_loc loc = { .file = b->doc->file, .line = 1, .col = 1 };
	size_t i = 0, bl;

	if (off > b->text_len)
		off = b->text_len;
	while (i < off) {
		bl = break_len(b->text + i, b->text_len - i);
		if (bl) {
			loc.line++;
			loc.col = 1;
			i += bl;
			continue;
		}
		if (((unsigned char)b->text[i] & 0xc0) != 0x80)
			loc.col++;
		i++;
	}
	return loc;
}

static size_t line_offset(const struct builder *b, size_t line)
{
	size_t i = 0, bl;

	while (line > 0 && i < b->text_len) {
		bl = break_len(b->text + i, b->text_len - i);
		if (bl)
			line--;
		i += bl ? bl : 1;
	}
	return i;
}

/* libyaml has no message of its own for the most common YAML mistake: a tab
 * in indentation is "found character that cannot start any token".  The
 * problem mark is on the tab in those cases; the messages that do mention
 * tabs get pointed at the first tab of the line's indentation. */
static bool find_tab(const struct builder *b, const yaml_parser_t *p, struct hn_loc *loc)
{
	size_t start = line_offset(b, p->problem_mark.line), i = start;

	for (size_t col = 0; col < p->problem_mark.column && i < b->text_len; col++)
		for (i++; i < b->text_len && ((unsigned char)b->text[i] & 0xc0) == 0x80; i++)
			;
	if (i < b->text_len && b->text[i] == '\t') {
		*loc = mark_loc(b, p->problem_mark);
		return true;
	}
	if (!p->problem || !strstr(p->problem, "tab character"))
		return false;
	*loc = mark_loc(b, p->problem_mark);
	for (i = start; i < b->text_len && (b->text[i] == ' ' || b->text[i] == '\t'); i++) {
		if (b->text[i] == '\t') {
			loc->col = (unsigned)(i - start) + 1;
			break;
		}
	}
	return true;
}

static int reader_error(struct builder *b, const yaml_parser_t *p)
{
	struct hn_loc loc = offset_loc(b, p->problem_offset);
	const char *problem = p->problem ? p->problem : "unknown error";
	int v = p->problem_value;

	if (strcmp(problem, "control characters are not allowed") == 0) {
		if (v == 0)
			return fail(b, &loc, "NUL byte (control characters are not allowed)");
		if (v < 0x20 || (v >= 0x7f && v < 0xa0))
			return fail(b, &loc, "control character U+%04X (control characters are not allowed)",
				    (unsigned)v);
		/* libyaml files U+FFFE and U+FFFF under the same problem. */
		return fail(b, &loc, "character U+%04X is not allowed in YAML", (unsigned)v);
	}
	if (strcmp(problem, "invalid leading UTF-8 octet") == 0)
		return fail(b, &loc, "invalid UTF-8: byte 0x%02X cannot start a character",
			    (unsigned)v);
	if (strcmp(problem, "invalid trailing UTF-8 octet") == 0)
		return fail(b, &loc, "invalid UTF-8: byte 0x%02X cannot continue a character",
			    (unsigned)v);
	if (strcmp(problem, "incomplete UTF-8 octet sequence") == 0)
		return fail(b, &loc, "invalid UTF-8: character cut off at end of file");
	if (strcmp(problem, "invalid length of a UTF-8 sequence") == 0)
		return fail(b, &loc, "invalid UTF-8: overlong encoding");
	if (strcmp(problem, "invalid Unicode character") == 0)
		return fail(b, &loc, "invalid UTF-8: U+%04X is not a Unicode character", (unsigned)v);
	return fail(b, &loc, "cannot read input: %s", problem);
}

static int syntax_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	struct hn_loc loc = mark_loc(b, p->problem_mark);

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return -ENOMEM;
	case YAML_READER_ERROR:
		return reader_error(b, p);
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		if (find_tab(b, p, &loc))
			return fail(b, &loc, "tab character used for indentation (YAML allows spaces only)");
		if (p->context)
			return fail(b, &loc, "%s (%s that starts at line %zu, column %zu)", problem,
				    p->context, p->context_mark.line + 1, p->context_mark.column + 1);
		return fail(b, &loc, "%s", problem);
	case YAML_NO_ERROR:
	case YAML_COMPOSER_ERROR:
	case YAML_WRITER_ERROR:
	case YAML_EMITTER_ERROR:
		break;
	}
	return fail(b, NULL, "YAML parser failed: %s", problem);
}

static size_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037u;  /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

static struct anchor *anchor_slot(struct anchor *v, size_t cap, const char *name)
{
	size_t i = hash_str(name) & (cap - 1);

	while (v[i].name && strcmp(v[i].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return &v[i];
}

static struct anchor *anchor_find(const struct anchors *t, const char *name)
{
	struct anchor *a;

	if (!t->cap)
		return NULL;
	a = anchor_slot(t->v, t->cap, name);
	return a->name ? a : NULL;
}

/* A redefined anchor replaces the old one for the aliases after it. */
static int anchor_set(struct builder *b, const char *name, const struct ydoc_node *node,
		      size_t id, bool open, const char **stored)
{
	struct anchors *t = &b->anchors;
	struct anchor *a;

	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct anchor *v = calloc(cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].name)
				*anchor_slot(v, cap, t->v[i].name) = t->v[i];
		free(t->v);
		t->v = v;
		t->cap = cap;
	}
	a = anchor_slot(t->v, t->cap, name);
	if (!a->name) {
		a->name = arena_strdup(b->arena, name);
		if (!a->name)
			return -ENOMEM;
		t->n++;
	}
	a->node = *node;
	a->id = id;
	a->open = open;
	if (stored)
		*stored = a->name;
	return 0;
}

/* Every node, including each one copied for an alias, is paid for here, so
 * an exponential alias document stops after max_alias_nodes copies. */
static int count_node(struct builder *b, const struct hn_loc *at, bool for_alias)
{
	if (b->nodes >= b->lim.max_nodes)
		return fail(b, at, "too many nodes (aliases count once per use); the limit is %zu",
			    b->lim.max_nodes);
	if (for_alias && b->alias_nodes >= b->lim.max_alias_nodes)
		return fail(b, at, "aliases expand to too many nodes; the limit is %zu",
			    b->lim.max_alias_nodes);
	b->nodes++;
	b->alias_nodes += for_alias;
	return 0;
}

static int too_deep(struct builder *b, const struct hn_loc *at)
{
	return fail(b, at, "nesting is too deep; the limit is %d levels", YDOC_MAX_DEPTH);
}

static size_t kids_of(const struct ydoc_node *n)
{
	return n->kind == YDOC_KIND_MAP ? 2 * (size_t)n->n_ : n->n_;
}

/* `depth` counts the collections around the copy; `alias` is where errors go,
 * since the copied text is fine where it was written. */
static int copy_node(struct builder *b, struct ydoc_node *out, const struct ydoc_node *src,
		     size_t depth, const struct hn_loc *alias)
{
	struct ydoc_node *v;
	size_t n;
	int r;

	if (src->kind != YDOC_KIND_SCALAR && ++depth > YDOC_MAX_DEPTH)
		return too_deep(b, alias);
	r = count_node(b, alias, true);
	if (r < 0)
		return r;
	*out = *src;  /* strings are shared: the arena owns them either way */
	n = src->kind == YDOC_KIND_SCALAR ? 0 : kids_of(src);
	if (n == 0)
		return 0;
	v = pool_nodes(b, n);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r = copy_node(b, &v[i], &src->u_.kids[i], depth, alias);
		if (r < 0)
			return r;
	}
	out->u_.kids = v;
	return 0;
}

/* `node` is copied; NULL stands for a child already reported. */
static int add_child(struct builder *b, const struct ydoc_node *node)
{
	static const struct ydoc_node dropped = { .kind = KIND_DROPPED };
	struct frame *f;

	if (b->depth == 0) {
		if (!node)
			return 0;
		b->doc->root = pool_nodes(b, 1);
		if (!b->doc->root)
			return -ENOMEM;
		*b->doc->root = *node;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (f->node.kind == YDOC_KIND_MAP && f->n % 2 == 0 && node &&
	    node->kind != YDOC_KIND_SCALAR) {
		int r = report(b, &node->loc, "mapping keys must be scalars");

		if (r < 0)
			return r;
		node = NULL;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct ydoc_node *v = realloc(f->kids, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->kids = v;
		f->cap = cap;
	}
	f->kids[f->n++] = node ? *node : dropped;
	return 0;
}

struct key_ref {
	const struct ydoc_node *key;
	size_t i;
};

static int key_ref_cmp(const void *pa, const void *pb)
{
	const struct key_ref *a = pa, *b = pb;
	size_t n = a->key->n_ < b->key->n_ ? a->key->n_ : b->key->n_;
	int c = memcmp(a->key->u_.str, b->key->u_.str, n);

	if (c)
		return c;
	if (a->key->n_ != b->key->n_)
		return a->key->n_ < b->key->n_ ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Sorting keeps a map with tens of thousands of keys from costing a
 * comparison per pair; errors still come out in document order. */
static int check_dups(struct builder *b, const struct ydoc_node *map)
{
	size_t n = map->n_;
	struct key_ref *refs = NULL;
	size_t *first = NULL;
	char shown[100];
	int r = 0;

	if (n < 2)
		return 0;
	refs = malloc(n * sizeof(*refs));
	first = malloc(n * sizeof(*first));
	if (!refs || !first) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		refs[i] = (struct key_ref){ .key = ydoc_key(map, i), .i = i };
		first[i] = i;
	}
	hn_qsort(refs, n, sizeof(*refs), key_ref_cmp);
	for (size_t i = 1; i < n; i++)
		if (refs[i].key->n_ == refs[i - 1].key->n_ &&
		    memcmp(refs[i].key->u_.str, refs[i - 1].key->u_.str, refs[i].key->n_) == 0)
			first[refs[i].i] = first[refs[i - 1].i];
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct ydoc_node *k = ydoc_key(map, i), *f = ydoc_key(map, first[i]);

		if (first[i] != i)
			r = report(b, &k->loc, "duplicate key '%s' (first defined at line %u, column %u)",
				   show(shown, sizeof(shown), k->u_.str, k->n_), f->loc.line,
				   f->loc.col);
	}
out:
	free(refs);
	free(first);
	return r;
}

/* Copies the children out of the frame; pairs with a reported key or value
 * are dropped, and the parse fails anyway. */
static int finish_collection(struct builder *b, struct frame *f)
{
	struct ydoc_node *node = &f->node;
	bool map = node->kind == YDOC_KIND_MAP;
	size_t step = map ? 2 : 1, n = 0;
	struct ydoc_node *v;

	for (size_t i = 0; i + step <= f->n; i += step)
		if (f->kids[i].kind != KIND_DROPPED &&
		    (!map || f->kids[i + 1].kind != KIND_DROPPED))
			n++;
	node->n_ = 0;
	node->u_.kids = NULL;
	if (n == 0)
		return 0;
	v = pool_nodes(b, n * step);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0, j = 0; i + step <= f->n; i += step) {
		if (f->kids[i].kind == KIND_DROPPED || (map && f->kids[i + 1].kind == KIND_DROPPED))
			continue;
		memcpy(&v[j], &f->kids[i], step * sizeof(*v));
		j += step;
	}
	node->u_.kids = v;
	node->n_ = (uint32_t)n;  /* n <= max_nodes */
	return map ? check_dups(b, node) : 0;
}

static const char *show_tag(char *dst, size_t size, const char *tag)
{
	char t[80];

	if (strncmp(tag, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX)) == 0)
		snprintf(dst, size, "!!%s", show(t, sizeof(t), tag + strlen(YAML_TAG_PREFIX),
						 strlen(tag + strlen(YAML_TAG_PREFIX))));
	else if (tag[0] == '!')
		snprintf(dst, size, "%s", show(t, sizeof(t), tag, strlen(tag)));
	else
		snprintf(dst, size, "!<%s>", show(t, sizeof(t), tag, strlen(tag)));
	return dst;
}

/* Only "!!str" has a use (making a value a string without quoting it), and
 * only on scalars. */
static int check_tag(struct builder *b, const struct hn_loc *loc, const yaml_char_t *utag,
		     enum ydoc_kind kind, bool *is_str)
{
	const char *tag = (const char *)utag;
	char shown[100];

	*is_str = false;
	if (!tag)
		return 0;
	if (strcmp(tag, YAML_TAG_PREFIX "str") == 0) {
		if (kind == YDOC_KIND_SCALAR) {
			*is_str = true;
			return 0;
		}
		return report(b, loc, "YAML tags are not supported ('!!str' on a %s)",
			      ydoc_kind_name(kind));
	}
	return report(b, loc, "YAML tags are not supported ('%s')",
		      show_tag(shown, sizeof(shown), tag));
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct hn_loc loc = mark_loc(b, ev->start_mark);
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct ydoc_node n = { .loc = loc, .kind = YDOC_KIND_SCALAR };
	bool is_str;
	int r;

	r = check_tag(b, &loc, ev->data.scalar.tag, YDOC_KIND_SCALAR, &is_str);
	if (r < 0)
		return r;
	if (len > b->lim.max_scalar) {
		r = report(b, &loc, "scalar is %zu bytes; the limit is %zu", len, b->lim.max_scalar);
		if (r < 0)
			return r;
	}
	/* The reader rejects raw NUL bytes, but a "\0" escape still makes one. */
	if (memchr(value, '\0', len)) {
		r = report(b, &loc, "NUL byte in a quoted string (control characters are not allowed)");
		if (r < 0)
			return r;
	}
	r = count_node(b, &loc, false);
	if (r < 0)
		return r;
	n.u_.str = pool_strndup(b, value, len);
	if (!n.u_.str)
		return -ENOMEM;
	n.n_ = (uint32_t)len;  /* len <= max_bytes, checked against UINT32_MAX */
	n.plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !is_str;
	if (ev->data.scalar.anchor) {
		r = anchor_set(b, (const char *)ev->data.scalar.anchor, &n, 0, false, NULL);
		if (r < 0)
			return r;
	}
	return add_child(b, &n);
}

static int on_start(struct builder *b, const yaml_event_t *ev, enum ydoc_kind kind)
{
	struct hn_loc loc = mark_loc(b, ev->start_mark);
	const yaml_char_t *tag, *anchor;
	struct frame *f;
	bool is_str;
	int r;

	if (kind == YDOC_KIND_MAP) {
		tag = ev->data.mapping_start.tag;
		anchor = ev->data.mapping_start.anchor;
	} else {
		tag = ev->data.sequence_start.tag;
		anchor = ev->data.sequence_start.anchor;
	}
	r = check_tag(b, &loc, tag, kind, &is_str);
	if (r < 0)
		return r;
	if (b->depth == YDOC_MAX_DEPTH)
		return too_deep(b, &loc);
	r = count_node(b, &loc, false);
	if (r < 0)
		return r;
	f = &b->stack[b->depth++];
	f->node = (struct ydoc_node){ .loc = loc, .kind = (uint8_t)kind };
	f->id = ++b->collections;
	f->anchor = NULL;
	f->n = 0;
	if (anchor)
		return anchor_set(b, (const char *)anchor, &f->node, f->id, true, &f->anchor);
	return 0;
}

static int on_end(struct builder *b)
{
	struct frame *f = &b->stack[b->depth - 1];
	struct anchor *a;
	int r;

	r = finish_collection(b, f);
	if (r < 0)
		return r;
	b->depth--;
	if (f->anchor) {
		a = anchor_find(&b->anchors, f->anchor);
		if (a && a->open && a->id == f->id) {
			a->node = f->node;
			a->open = false;
		}
	}
	return add_child(b, &f->node);
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	struct hn_loc loc = mark_loc(b, ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *a = anchor_find(&b->anchors, name);
	struct ydoc_node n;
	bool made = false;
	int r;

	if (!a) {
		r = report(b, &loc, "alias '*%s' has no anchor '&%s' before it", name, name);
	} else if (a->open) {
		r = report(b, &loc, "alias '*%s' is inside the node it refers to "
			   "(recursive aliases are not supported)", name);
	} else {
		r = copy_node(b, &n, &a->node, b->depth, &loc);
		n.loc = loc;
		made = true;
	}
	if (r < 0)
		return r;
	return add_child(b, made ? &n : NULL);
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->docs++ > 0) {
			struct hn_loc loc = mark_loc(b, ev->start_mark);

			return fail(b, &loc, "only one YAML document per file");
		}
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, YDOC_KIND_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, YDOC_KIND_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(b);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_NO_EVENT:
	case YAML_STREAM_START_EVENT:
	case YAML_STREAM_END_EVENT:
	case YAML_DOCUMENT_END_EVENT:
		break;
	}
	return 0;
}

static int run(struct builder *b, yaml_parser_t *parser)
{
	yaml_event_t ev;
	bool end;
	int r;

	for (;;) {
		if (!yaml_parser_parse(parser, &ev))
			return syntax_error(b, parser);
		r = on_event(b, &ev);
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (r < 0 || end)
			return r;
	}
}

static int doc_new(struct ydoc **out, const char *file)
{
	struct arena *arena = arena_new();
	struct ydoc *doc;

	if (!arena)
		return -ENOMEM;
	doc = arena_alloc(arena, sizeof(*doc));
	if (!doc || !(doc->file = arena_strdup(arena, file ? file : "<input>"))) {
		arena_free(arena);
		return -ENOMEM;
	}
	doc->arena = arena;
	*out = doc;
	return 0;
}

int ydoc_parse(struct ydoc **out, const char *file, const char *buf, size_t len,
	       struct diag_list *diags)
{
	return ydoc_parse_limits(out, file, buf, len, NULL, diags);
}

int ydoc_parse_limits(struct ydoc **out, const char *file, const char *buf, size_t len,
		      const struct ydoc_limits *limits, struct diag_list *diags)
{
	static const struct ydoc_limits defaults = YDOC_LIMITS_INIT;
	struct builder b = { .diags = diags, .lim = limits ? *limits : defaults };
	yaml_parser_t parser;
	bool have_parser = false;
	int r;

	*out = NULL;
	r = doc_new(&b.doc, file);
	if (r < 0)
		return r;
	b.arena = b.doc->arena;
	if (len > b.lim.max_bytes || len > UINT32_MAX) {
		struct hn_loc loc = { .file = b.doc->file };

		r = fail(&b, &loc, "file is %zu bytes; the limit is %zu", len, b.lim.max_bytes);
		goto out;
	}
	/* libyaml strips a byte order mark only when it guesses the encoding,
	 * and guessing would also let UTF-16 in, whose reader offsets are not
	 * byte offsets into `buf`. */
	b.text = buf ? buf : "";
	b.text_len = len;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		b.text += 3;
		b.text_len -= 3;
	}
	if (!yaml_parser_initialize(&parser)) {
		r = -ENOMEM;
		goto out;
	}
	have_parser = true;
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&parser, (const unsigned char *)b.text, b.text_len);
	r = run(&b, &parser);
	if (r == 0 && b.errors)
		r = -EINVAL;
	if (r < 0)
		goto out;
	/* "---" with nothing after it reads as one empty plain scalar; it is as
	 * empty as a file with only comments. */
	if (b.doc->root && ydoc_is_null(b.doc->root) && ydoc_len(b.doc->root) == 0)
		b.doc->root = NULL;
	*out = b.doc;
	b.doc = NULL;
out:
	if (have_parser)
		yaml_parser_delete(&parser);
	for (size_t i = 0; i < YDOC_MAX_DEPTH; i++)
		free(b.stack[i].kids);
	free(b.anchors.v);
	ydoc_free(b.doc);
	return r;
}

struct ydoc *ydoc_free(struct ydoc *doc)
{
	/* The document lives in its own arena. */
	if (doc)
		arena_free(doc->arena);
	return NULL;
}

struct ydoc_node *ydoc_map_get(const struct ydoc_node *map, const char *key)
{
	if (!map || map->kind != YDOC_KIND_MAP || !key)
		return NULL;
	for (size_t i = 0; i < map->n_; i++)
		if (strcmp(ydoc_key(map, i)->u_.str, key) == 0)
			return ydoc_item(map, i);
	return NULL;
}

bool ydoc_is_null(const struct ydoc_node *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (!n || n->kind != YDOC_KIND_SCALAR || !n->plain)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->u_.str, nulls[i]) == 0)
			return true;
	return false;
}

struct ydoc_node *ydoc_collection_new(struct arena *arena, enum ydoc_kind kind,
				      const struct hn_loc *loc, size_t cap)
{
	struct ydoc_node *n = arena_alloc(arena, sizeof(*n));
	size_t kids = kind == YDOC_KIND_MAP ? 2 * cap : cap;

	if (!n)
		return NULL;
	n->kind = (uint8_t)kind;
	n->loc = *loc;
	if (kids) {
		n->u_.kids = arena_calloc(arena, kids, sizeof(*n->u_.kids));
		if (!n->u_.kids)
			return NULL;
	}
	return n;
}

void ydoc_append(struct ydoc_node *c, const struct ydoc_node *key, const struct ydoc_node *item)
{
	if (c->kind == YDOC_KIND_MAP) {
		c->u_.kids[2 * (size_t)c->n_] = *key;
		c->u_.kids[2 * (size_t)c->n_ + 1] = *item;
	} else {
		c->u_.kids[c->n_] = *item;
	}
	c->n_++;
}
