/* ydoc: a YAML document as a tree of nodes with source positions.
 *
 * The only file that includes <yaml.h>.  libyaml's own document loader keeps
 * no per-node style information we need and accepts duplicate keys, so the
 * tree is built from parser events here, with limits that make hostile input
 * fail fast instead of growing without bound.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct arena;

/* Limits against hostile input.  Exceeding one is an error naming the limit.
 * Big hosts are real (a profile with 100,000 routes is ~5 MB and ~1M nodes),
 * so size and node limits are generous; what makes hostile files cheap to
 * refuse is the separate budget for nodes made by expanding aliases. */
#define YDOC_MAX_BYTES       (16u << 20)  /* 16 MiB per file */
#define YDOC_MAX_DEPTH       64           /* nested collections (fixed) */
#define YDOC_MAX_NODES       4000000      /* nodes, alias copies included */
#define YDOC_MAX_ALIAS_NODES 100000       /* nodes made by expanding aliases */
#define YDOC_MAX_SCALAR      4096         /* bytes in one scalar */

struct ydoc_limits {
	size_t max_bytes;
	size_t max_nodes;
	size_t max_alias_nodes;
	size_t max_scalar;
};
#define YDOC_LIMITS_INIT \
	{ YDOC_MAX_BYTES, YDOC_MAX_NODES, YDOC_MAX_ALIAS_NODES, YDOC_MAX_SCALAR }

enum ydoc_kind {
	YDOC_KIND_SCALAR,   /* a string; see `plain` */
	YDOC_KIND_SEQ,      /* ydoc_item(n, 0..count) */
	YDOC_KIND_MAP,      /* ydoc_key -> ydoc_item; keys are scalars, unique */
	YDOC_KIND__MAX,
};

/* 32 bytes.  A profile of 100,000 routes is half a million nodes, so a node
 * holds only what every node needs, and the children of a collection are one
 * array of nodes (a map's keys and values alternate in it), not an array of
 * pointers to nodes allocated one by one.  `loc`, `kind` and `plain` are
 * public; read the rest through the accessors below. */
struct ydoc_node {
	struct hn_loc loc;        /* start of the node (libyaml's start_mark + 1) */
	union {
		const char *str;  /* scalars: NUL-terminated; NUL bytes inside are rejected */
		struct ydoc_node *kids;  /* maps: key, value, key, ...; sequences: items */
	} u_;
	uint32_t n_;              /* scalars: bytes in str; collections: entries */
	uint8_t kind;             /* enum ydoc_kind */
	bool plain;               /* unquoted plain scalar: may be null/bool/int */
};

/* A scalar's text; NULL for a collection. */
static inline const char *ydoc_str(const struct ydoc_node *n)
{
	return n->kind == YDOC_KIND_SCALAR ? n->u_.str : NULL;
}

/* Bytes in a scalar's text; 0 for a collection. */
static inline size_t ydoc_len(const struct ydoc_node *n)
{
	return n->kind == YDOC_KIND_SCALAR ? n->n_ : 0;
}

/* Entries of a map or sequence; 0 for a scalar. */
static inline size_t ydoc_count(const struct ydoc_node *n)
{
	return n->kind == YDOC_KIND_SCALAR ? 0 : n->n_;
}

/* The i-th key of a map (i < ydoc_count()): a scalar. */
static inline struct ydoc_node *ydoc_key(const struct ydoc_node *map, size_t i)
{
	return &map->u_.kids[2 * i];
}

/* The i-th value of a map or item of a sequence (i < ydoc_count()). */
static inline struct ydoc_node *ydoc_item(const struct ydoc_node *n, size_t i)
{
	return n->kind == YDOC_KIND_MAP ? &n->u_.kids[2 * i + 1] : &n->u_.kids[i];
}

/* A parsed file.  Owns every node and string in it, and the file name that
 * every loc->file in it points at. */
struct ydoc {
	char *file;
	struct ydoc_node *root;   /* NULL for an empty document */
	/* private: allocation arena */
	void *arena;
};

/* Parse `len` bytes named `file` (used in locations; copied).  Exactly one
 * document is accepted; an empty input gives root == NULL.
 * Rejects, each as one error in `diags` with its position:
 *   - syntax errors (libyaml's message and mark), tabs used as indentation,
 *   - duplicate keys in a mapping ("duplicate key 'x' (first defined at line L, column C)"),
 *   - non-scalar mapping keys, NUL bytes, invalid UTF-8,
 *   - input over max_bytes, depth over YDOC_MAX_DEPTH, more than max_nodes
 *     nodes (aliases count once per use) or more than max_alias_nodes made
 *     by expanding aliases (so a "billion laughs" document stops quickly),
 *     scalars over max_scalar,
 *   - aliases to unknown anchors, more than one document.
 * Aliases are expanded (deep copies), merge keys ("<<") are not special.
 * Returns 0 with *out set, or -EINVAL when an error was recorded (*out NULL),
 * or -ENOMEM.  The caller frees *out with ydoc_free(). */
int ydoc_parse(struct ydoc **out, const char *file, const char *buf, size_t len,
	       struct diag_list *diags);
/* The same with explicit limits (NULL = YDOC_LIMITS_INIT). */
int ydoc_parse_limits(struct ydoc **out, const char *file, const char *buf, size_t len,
		      const struct ydoc_limits *limits, struct diag_list *diags);

/* For trees built from parsed ones (merging, header stripping): an empty
 * map or sequence at `loc` in `arena` with room for `cap` entries, and
 * ydoc_append() to fill it.  Entries are shallow copies: they share strings
 * and children with the nodes copied, which must live as long. */
struct ydoc_node *ydoc_collection_new(struct arena *arena, enum ydoc_kind kind,
				      const struct hn_loc *loc, size_t cap);
/* `key` is NULL for a sequence.  At most `cap` appends. */
void ydoc_append(struct ydoc_node *c, const struct ydoc_node *key, const struct ydoc_node *item);

/* Accepts NULL. Returns NULL. */
struct ydoc *ydoc_free(struct ydoc *doc);

/* Map lookup by key; NULL when absent or when `map` is not a map. */
struct ydoc_node *ydoc_map_get(const struct ydoc_node *map, const char *key);

/* Plain scalars `~`, `null`, `Null`, `NULL` and the empty plain scalar. */
bool ydoc_is_null(const struct ydoc_node *n);

const char *ydoc_kind_name(enum ydoc_kind k);   /* "scalar", "sequence", "mapping" */
