/* jread: checked reading of hostnet's JSON files (saved plans, snapshot
 * exports, the plans stored in generations), shared by want-json.c and
 * kobj-json.c.  These files can come from anywhere (a CI job, an old
 * hostnet, an attacker), so every value is checked here once: integers
 * against the range of the kernel type they fill (never truncated or
 * wrapped), booleans and strings by type, strings by length and for NUL
 * bytes, objects for unknown keys.  Each error names its JSON path,
 * "links[3].mtu: 4294967296 is out of range (0..2147483647)"; only the first
 * is kept (later ones are usually consequences). */
#pragma once

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jread {
	char **err;   /* where the message goes (malloc'd); may be NULL */
	int r;        /* 0, or the first failure's negative errno */
	char at[96];  /* JSON path of the object being read: "links[3]" */
	const char *root;  /* path of the object read, "want" in a plan file; NULL = top */
};

/* Kernel types as (min, max) argument pairs for jread_int(). */
#define JREAD_U8       0, UINT8_MAX
#define JREAD_U16      0, UINT16_MAX
#define JREAD_U32      0, UINT32_MAX
#define JREAD_S64      0, INT64_MAX           /* u64 fields written as JSON's signed integers */
#define JREAD_IFINDEX  0, INT32_MAX           /* an ifindex reference, 0 = none */
#define JREAD_MTU      0, UINT32_MAX          /* IFLA_MTU is a u32 */
#define JREAD_VLAN     0, 4094

enum jread_flags {
	JREAD_REQUIRED = 0,
	JREAD_OPTIONAL = 1u << 0,  /* the key may be missing (a field added later) */
	JREAD_NULLABLE = 1u << 1,  /* the value may be null */
};

__attribute__((format(printf, 2, 0)))
void jread_vfail(struct jread *j, const char *fmt, va_list ap);
/* "<at>.<key>: <message>" (key NULL: "<at>: <message>"). */
__attribute__((format(printf, 3, 4)))
void jread_fail(struct jread *j, const char *key, const char *fmt, ...);

/* Sets the path of the object read next: "links[3]" ("want.links[3]" under
 * a root), or `list` alone when i is SIZE_MAX; list NULL: the root itself. */
void jread_at(struct jread *j, const char *list, size_t i);

/* `o` is an object whose keys are all in `keys` (NULL-terminated). */
bool jread_object(struct jread *j, const json_t *o, const char *const keys[]);

/* The member, type-checked; NULL when missing or null and allowed by flags
 * (or after a failure). */
json_int_t jread_int(struct jread *j, const json_t *o, const char *key, json_int_t min,
		     json_int_t max, unsigned flags);
bool jread_bool(struct jread *j, const json_t *o, const char *key, unsigned flags);
/* A string of at most max_len bytes without NUL bytes. */
const char *jread_str(struct jread *j, const json_t *o, const char *key, size_t max_len,
		      unsigned flags);
/* jread_str() copied into dst (size bytes, so at most size - 1 long); left
 * as it is when absent. */
void jread_strcpy(struct jread *j, const json_t *o, const char *key, char *dst, size_t size,
		  unsigned flags);
/* A member of any type (objects, lists, addresses read by the caller);
 * NULL when missing (allowed) or null (allowed). */
const json_t *jread_any(struct jread *j, const json_t *o, const char *key, unsigned flags);

/* Refuses two of the n elements of `base` (read from the list `list`) that
 * `cmp` finds equal: "links[7]: duplicates links[2] (<what>)".  qsort's
 * order of equal elements is unspecified, so the message names the later
 * index of the pair found.  Returns j->r. */
int jread_unique(struct jread *j, const char *list, const void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *), const char *what);

/* A JSON file, refusing duplicate keys (jansson keeps the last one, which
 * would let a second "mtu" hide behind the first).  0, or -EINVAL with
 * "PATH:LINE:COLUMN: message" in *err (malloc'd), or -errno when unreadable. */
int jread_load_file(json_t **out, const char *path, char **err);
/* The same for text kept in the state database. */
int jread_load_text(json_t **out, const char *text, char **err);
/* doc["<key>"] is the format version hostnet writes (`version`). */
int jread_version(const json_t *doc, const char *key, json_int_t version, char **err);
