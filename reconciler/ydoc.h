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
	YDOC_KIND_SEQ,      /* items[0..n) */
	YDOC_KIND_MAP,      /* keys[0..n) -> items[0..n); keys are scalars, unique */
	YDOC_KIND__MAX,
};

/* 56 bytes: a profile of 100,000 routes is about a million nodes, so every
 * field is as narrow as the limits allow (a scalar is at most max_scalar
 * bytes, a collection at most max_nodes items). */
struct ydoc_node {
	struct hn_loc loc;        /* start of the node (libyaml's start_mark + 1) */
	/* scalars */
	const char *str;          /* NUL-terminated; NUL bytes inside are rejected */
	/* collections */
	struct ydoc_node **keys;  /* maps only: each a scalar node */
	struct ydoc_node **items;
	uint32_t len;             /* scalars: bytes in str */
	uint32_t n;               /* collections: entries */
	enum ydoc_kind kind;
	bool plain;               /* unquoted plain scalar: may be null/bool/int */
};

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

/* Accepts NULL. Returns NULL. */
struct ydoc *ydoc_free(struct ydoc *doc);

/* Map lookup by key; NULL when absent or when `map` is not a map. */
struct ydoc_node *ydoc_map_get(const struct ydoc_node *map, const char *key);

/* Plain scalars `~`, `null`, `Null`, `NULL` and the empty plain scalar. */
bool ydoc_is_null(const struct ydoc_node *n);

const char *ydoc_kind_name(enum ydoc_kind k);   /* "scalar", "sequence", "mapping" */
