/* snapblob-private: the encoding primitives of snapblob.c (varints, raw
 * addresses, bounded strings, the kernel objects), shared with the other
 * packed formats built on them (wantblob.c), so that one encoding of a
 * route or an address exists.  The rules of snapblob.h hold for each: the
 * encoder flags a value it could not decode back (the first one, in
 * err->field), the decoder range-checks everything and, on the first bad
 * field, records it in d->bad and reads nothing more. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kobj.h"
#include "snapblob.h"

struct snapblob_enc {
	uint8_t *buf;              /* malloc'd; the caller frees it */
	size_t len, cap;
	bool nomem;
	struct snapblob_err *err;  /* required; zeroed by the caller */
	const char *what;          /* the object being written, for err */
	size_t index;
};

void snapblob_enc_bad(struct snapblob_enc *e, const char *field);
void snapblob_put_bytes(struct snapblob_enc *e, const void *src, size_t n);
void snapblob_put_u8(struct snapblob_enc *e, unsigned v);
void snapblob_put_uv(struct snapblob_enc *e, uint64_t v);
/* An int the decoder reads as 0..INT32_MAX. */
void snapblob_put_ifindex(struct snapblob_enc *e, int v, const char *field);
/* A string of a char[size] field: it must hold its NUL. */
void snapblob_put_str(struct snapblob_enc *e, const char *s, size_t size, const char *field);
void snapblob_put_ip(struct snapblob_enc *e, const struct hn_addr *a, const char *field);
/* A text of any length (the firewall's ruleset): uv:length (> 0) bytes, no NUL. */
void snapblob_put_text(struct snapblob_enc *e, const char *s, const char *field);
void snapblob_put_link(struct snapblob_enc *e, const struct kobj_link *l);
void snapblob_put_addr(struct snapblob_enc *e, const struct kobj_addr *a);
void snapblob_put_route(struct snapblob_enc *e, const struct kobj_route *rt);
void snapblob_put_rule(struct snapblob_enc *e, const struct kobj_rule *ru);

struct snapblob_dec {
	const uint8_t *p, *end;
	const char *bad;           /* first field out of range or cut short */
};

void snapblob_dec_bad(struct snapblob_dec *d, const char *field);
/* n bytes, or NULL (and d->bad) when fewer are left. */
const uint8_t *snapblob_get_bytes(struct snapblob_dec *d, size_t n, const char *field);
uint64_t snapblob_get_u8(struct snapblob_dec *d, uint64_t max, const char *field);
/* A minimal varint no greater than max. */
uint64_t snapblob_get_uv(struct snapblob_dec *d, uint64_t max, const char *field);
/* A string into char[size] (no NUL inside, shorter than size). */
void snapblob_get_str(struct snapblob_dec *d, char *dst, size_t size, const char *field);
void snapblob_get_ip(struct snapblob_dec *d, struct hn_addr *a, const char *field);
/* The same, malloc'd into *out; false when out of memory (d->bad is set). */
bool snapblob_get_text(struct snapblob_dec *d, char **out, const char *field);

/* Version 2's tail (snapblob.h): flags, the ruleset, each link's ARP
 * settings.  `links` (n, spaced `stride` bytes apart) are the kobj_links
 * of the set or of a want's links. */
#define SNAPBLOB_TAIL_FW  1u
#define SNAPBLOB_TAIL_ARP 2u
unsigned snapblob_tail_flags(const char *fw, const void *links, size_t n, size_t stride);
void snapblob_put_tail(struct snapblob_enc *e, unsigned flags, const char *fw, const void *links,
		       size_t n, size_t stride);
/* false when out of memory; d->bad for damage. */
bool snapblob_get_tail(struct snapblob_dec *d, char **fw, void *links, size_t n, size_t stride);
/* One object each; check d->bad before using it. */
void snapblob_get_link(struct snapblob_dec *d, struct kobj_link *out);
void snapblob_get_addr(struct snapblob_dec *d, struct kobj_addr *out);
void snapblob_get_route(struct snapblob_dec *d, struct kobj_route *out);
void snapblob_get_rule(struct snapblob_dec *d, struct kobj_rule *out);

#define snapblob_get_u32(d, f)     ((uint32_t)snapblob_get_uv((d), UINT32_MAX, (f)))
#define snapblob_get_ifindex(d, f) ((int)snapblob_get_uv((d), INT32_MAX, (f)))
#define snapblob_get_bool(d, f)    (snapblob_get_u8((d), 1, (f)) != 0)
#define snapblob_get_byte(d, f)    ((uint8_t)snapblob_get_u8((d), UINT8_MAX, (f)))
