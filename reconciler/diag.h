/* diag: user-facing diagnostics (file:line:column: severity: message).
 *
 * Everything a user can cause is recorded here instead of being printed where
 * it is found; the command layer prints the list once.  A diag_list owns its
 * entries and their strings.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A position in a profile.  `file` is borrowed: it points at a string owned by
 * whoever loaded the document (the ydoc or the profile), which outlives the loc. */
struct hn_loc {
	const char *file;
	unsigned line;  /* 1-based; 0 = unknown */
	unsigned col;   /* 1-based; 0 = unknown */
};

enum diag_severity {
	DIAG_SEVERITY_ERROR,   /* makes the command fail */
	DIAG_SEVERITY_WARNING, /* reported, does not fail */
	DIAG_SEVERITY__MAX,
};

struct diag {
	enum diag_severity severity;
	char *file;     /* owned copy, may be NULL */
	unsigned line, col;
	char *msg;      /* owned */
	size_t seq;     /* order of recording, so sorting is stable */
};

struct diag_list {
	struct diag *v;
	size_t n, cap;
	size_t n_errors, n_warnings;
	size_t max;     /* stop recording after this many (0 = default 1000) */
	bool truncated;
};

const char *diag_severity_name(enum diag_severity s);

/* Record a diagnostic.  loc may be NULL (no position).  Returns -ENOMEM only
 * when memory runs out; recording past `max` silently counts truncation. */
__attribute__((format(printf, 4, 5)))
int diag_add(struct diag_list *l, enum diag_severity s, const struct hn_loc *loc,
	     const char *fmt, ...);
__attribute__((format(printf, 4, 0)))
int diag_addv(struct diag_list *l, enum diag_severity s, const struct hn_loc *loc,
	      const char *fmt, va_list ap);

/* Whether the next diagnostic would be kept (the list is not full): work
 * spent only on a message's text, like a "did you mean" hint, is skipped
 * for diagnostics that are only counted. */
bool diag_will_record(const struct diag_list *l);

#define diag_error(l, loc, ...) diag_add((l), DIAG_SEVERITY_ERROR, (loc), __VA_ARGS__)
#define diag_warn(l, loc, ...)  diag_add((l), DIAG_SEVERITY_WARNING, (loc), __VA_ARGS__)

/* Sort by file, line, column (stable), so output is deterministic. */
void diag_sort(struct diag_list *l);

/* Format one entry as "file:line:col: error: msg" (omitting unknown parts),
 * for text output: file and msg escaped (esc.h).  Returns a malloc'd
 * string the caller frees, or NULL on ENOMEM. */
char *diag_format(const struct diag *d);

/* Frees the entries; the list itself may live on the stack. Accepts NULL. */
void diag_list_clear(struct diag_list *l);
