/* conv: typed reading of YAML nodes into profile values, with diagnostics.
 *
 * Each helper checks one node and, on a problem, records an error at the
 * node's position and returns false, so the caller can go on and report
 * further problems in the same run.  The `key` argument names the value in
 * messages ("mtu: 70000 is out of range (68..65535)"). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "diag.h"
#include "ydoc.h"

struct arena;

struct conv {
	struct arena *arena;
	struct diag_list *diags;
	bool failed;      /* an error was recorded */
	bool partial;     /* a fragment: objects may be partial overrides */
	bool oom;         /* memory ran out: results are incomplete */
};

/* How a plain scalar reads under YAML 1.1's core types (what libyaml users and
 * most YAML tools infer), so a `yes` or `12:30` meant as text is caught. */
enum conv_plain_type {
	CONV_PLAIN_TYPE_STR,
	CONV_PLAIN_TYPE_NULL,
	CONV_PLAIN_TYPE_BOOL,
	CONV_PLAIN_TYPE_INT,
	CONV_PLAIN_TYPE_FLOAT,
	CONV_PLAIN_TYPE__MAX,
};
enum conv_plain_type conv_plain_type(const struct ydoc_node *n);

__attribute__((format(printf, 3, 4)))
void conv_error(struct conv *c, const struct ydoc_node *n, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void conv_warn(struct conv *c, const struct ydoc_node *n, const char *fmt, ...);

/* "a mapping", "a sequence", "a string", "an integer", "null"... */
const char *conv_describe(const struct ydoc_node *n);

bool conv_map(struct conv *c, const struct ydoc_node *n, const char *key);
bool conv_seq(struct conv *c, const struct ydoc_node *n, const char *key);

/* Unknown keys of `map` (not in the NULL-terminated `allowed`), each an error
 * with a suggestion.  `what` names the object: "adapter". */
void conv_check_keys(struct conv *c, const struct ydoc_node *map, const char *const *allowed,
		     const char *what);
/* A required key's value, or NULL after recording "what: missing required key". */
const struct ydoc_node *conv_require(struct conv *c, const struct ydoc_node *map, const char *key,
				     const char *what);

/* A string: a quoted scalar, or a plain one that YAML reads as text.
 * The string is copied into the arena. */
bool conv_str(struct conv *c, const struct ydoc_node *n, const char *key, const char **out);
/* A decimal integer in [min, max]. */
bool conv_uint(struct conv *c, const struct ydoc_node *n, const char *key, uint64_t min,
	       uint64_t max, uint64_t *out);
/* One of names[0..n) (NULL entries skipped); *out is the index. */
bool conv_enum(struct conv *c, const struct ydoc_node *n, const char *key,
	       const char *const *names, int count, int *out);
/* A Linux interface name of at most max_len bytes (15, or 14 for adapters
 * whose peer takes a suffix). */
bool conv_ifname(struct conv *c, const struct ydoc_node *n, const char *key, size_t max_len,
		 const char **out);
/* An address with prefix (family 0 = either). */
bool conv_cidr(struct conv *c, const struct ydoc_node *n, const char *key, int family,
	       struct hn_addr *out);
/* An address without prefix (family 0 = either). */
bool conv_ip(struct conv *c, const struct ydoc_node *n, const char *key, int family,
	     struct hn_addr *out);

struct hn_loc conv_loc(const struct ydoc_node *n);
