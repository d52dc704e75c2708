#include "fuzz-targets.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "kobj-json.h"
#include "kobj.h"
#include "profile.h"
#include "realize.h"
#include "snapblob.h"
#include "wantblob.h"
#include "validate.h"
#include "want-json.h"
#include "ydoc.h"

/* Smaller than the production limits so a run spends its time on shapes,
 * not on megabyte inputs; every limit is still reached by small inputs
 * (aliases multiply). */
static const struct ydoc_limits fuzz_limits = {
	.max_bytes = 1u << 20,
	.max_nodes = 200000,
	.max_alias_nodes = 20000,
	.max_scalar = YDOC_MAX_SCALAR,
};

/* The message of the broken property; one input at a time. */
static char fuzz_msg[256];

__attribute__((format(printf, 1, 2)))
static const char *fuzz_broke(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fuzz_msg, sizeof(fuzz_msg), fmt, ap);
	va_end(ap);
	return fuzz_msg;
}

/* want -> blob -> want, whose JSON must be `j` (the first want's). */
static const char *want_blob_round_trip(const struct want *w, const json_t *j)
{
	struct want back = { 0 };
	struct snapblob_err e;
	const char *bad = NULL;
	uint8_t *blob = NULL;
	size_t len = 0;
	json_t *j2 = NULL;
	int r = wantblob_encode(&blob, &len, w, &e);

	if (r == -EINVAL)
		return fuzz_broke("wantblob_encode refused a want: %s %zu %s", e.what, e.index, e.field);
	if (r < 0)
		return NULL;
	r = wantblob_decode(&back, blob, len, &e);
	if (r == -EUCLEAN)
		bad = fuzz_broke("wantblob_decode refused what wantblob_encode wrote: %s %zu %s",
				 e.what, e.index, e.field);
	else if (r == 0 && (j2 = want_to_json(&back)) && !json_equal(j, j2))
		bad = fuzz_broke("want changed in a blob round trip");
	json_decref(j2);
	want_clear(&back);
	free(blob);
	return bad;
}

/* want -> JSON -> want -> JSON: what want_to_json writes, want_from_json
 * must read back to the same want (compared as its canonical JSON, which
 * includes the source locations). */
static const char *want_round_trip(const struct want *w)
{
	struct want back = { 0 };
	json_t *j1 = want_to_json(w), *j2 = NULL;
	const char *bad = NULL;
	char *err = NULL;
	int r;

	if (!j1)
		goto out;  /* ENOMEM */
	r = want_from_json(&back, j1, &err);
	if (r == -EINVAL) {
		bad = fuzz_broke("want_from_json refused what want_to_json wrote: %s",
				 err ? err : "?");
		goto out;
	}
	if (r < 0)
		goto out;
	j2 = want_to_json(&back);
	if (j2 && !json_equal(j1, j2)) {
		bad = fuzz_broke("want JSON changed in a round trip");
		goto out;
	}
	bad = want_blob_round_trip(w, j1);
out:
	free(err);
	json_decref(j1);
	json_decref(j2);
	want_clear(&back);
	return bad;
}

const char *fuzz_profile_one(const uint8_t *data, size_t size)
{
	struct diag_list diags = { 0 };
	struct ydoc *doc = NULL;
	struct profile *p = NULL;
	struct want w = { 0 };
	const char *bad = NULL;
	bool in_input;
	int r;

	r = ydoc_parse_limits(&doc, "fuzz.yaml", (const char *)data, size, &fuzz_limits, &diags);
	if (r < 0)
		goto out;
	/* As the commands do: validation runs on a profile with type errors
	 * too (it reports more), realize only on a host without errors. */
	r = profile_from_tree(&p, doc->root, &diags);
	if (!p)
		goto out;
	if (validate_profile(p, &diags) < 0 || r < 0 || diags.n_errors)
		goto out;
	/* A fragment is never realized alone (cmd-desired.c refuses it). */
	if (!p->kind || strcmp(p->kind, PROFILE_KIND_HOST) != 0)
		goto out;
	if (realize_profile(&w, p) < 0)
		goto out;
	bad = want_round_trip(&w);
out:
	/* glibc prints a NULL string as "(null)"; a message showing it (when
	 * the input does not) used a name the profile left out. */
	in_input = size >= 6 && memmem(data, size, "(null)", 6);
	for (size_t i = 0; !bad && !in_input && i < diags.n; i++)
		if (strstr(diags.v[i].msg, "(null)"))
			bad = fuzz_broke("a diagnostic prints a missing name: %s", diags.v[i].msg);
	want_clear(&w);
	profile_free(p);
	ydoc_free(doc);
	diag_list_clear(&diags);
	return bad;
}

/* --- snapshots ---------------------------------------------------------- */

static bool addr_same(const struct hn_addr *a, const struct hn_addr *b)
{
	return a->family == b->family && a->prefixlen == b->prefixlen &&
	       memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

/* The first field that differs, or NULL. */
#define FIELD(a, b, f) \
	do { if ((a)->f != (b)->f) return #f; } while (0)
#define FIELD_STR(a, b, f) \
	do { if (strcmp((a)->f, (b)->f) != 0) return #f; } while (0)
#define FIELD_ADDR(a, b, f) \
	do { if (!addr_same(&(a)->f, &(b)->f)) return #f; } while (0)

static const char *link_diff(const struct kobj_link *a, const struct kobj_link *b)
{
	FIELD(a, b, ifindex);
	FIELD_STR(a, b, name);
	FIELD(a, b, kind);
	FIELD_STR(a, b, kind_name);
	FIELD(a, b, mtu);
	FIELD(a, b, has_mac);
	if (memcmp(a->mac.b, b->mac.b, sizeof(a->mac.b)) != 0)
		return "mac";
	FIELD(a, b, admin_up);
	FIELD(a, b, operstate);
	FIELD(a, b, master);
	FIELD(a, b, link);
	FIELD(a, b, group);
	FIELD_STR(a, b, alias);
	FIELD(a, b, vlan_id);
	FIELD(a, b, vrf_table);
	FIELD(a, b, macvlan_mode);
	FIELD(a, b, owned);
	FIELD(a, b, bond_mode);
	FIELD(a, b, bond_primary);
	FIELD_STR(a, b, qdisc);
	FIELD(a, b, qdisc_handle);
	FIELD(a, b, shaping.rate);
	FIELD(a, b, shaping.peak);
	FIELD(a, b, shaping.burst);
	FIELD(a, b, is_brport);
	FIELD(a, b, brport);
	FIELD(a, b, n_fdb);
	if (memcmp(a->fdb.b, b->fdb.b, sizeof(a->fdb.b)) != 0)
		return "fdb";
	FIELD(a, b, has_ra);
	FIELD(a, b, accept_ra);
	FIELD(a, b, autoconf);
	FIELD(a, b, accept_ra_defrtr);
	return NULL;
}

static const char *addr_diff(const struct kobj_addr *a, const struct kobj_addr *b)
{
	FIELD(a, b, ifindex);
	FIELD_ADDR(a, b, addr);
	FIELD(a, b, scope);
	FIELD(a, b, flags);
	FIELD(a, b, proto);
	FIELD(a, b, owned);
	return NULL;
}

static const char *route_diff(const struct kobj_route *a, const struct kobj_route *b)
{
	FIELD(a, b, family);
	FIELD(a, b, table);
	FIELD_ADDR(a, b, dst);
	FIELD_ADDR(a, b, gateway);
	FIELD_ADDR(a, b, prefsrc);
	FIELD(a, b, oif);
	FIELD(a, b, metric);
	FIELD(a, b, protocol);
	FIELD(a, b, scope);
	FIELD(a, b, type);
	FIELD(a, b, owned);
	return NULL;
}

static const char *rule_diff(const struct kobj_rule *a, const struct kobj_rule *b)
{
	FIELD(a, b, family);
	FIELD(a, b, priority);
	FIELD_ADDR(a, b, src);
	FIELD_ADDR(a, b, dst);
	FIELD_STR(a, b, iif);
	FIELD_STR(a, b, oif);
	FIELD(a, b, table);
	FIELD(a, b, action);
	FIELD(a, b, protocol);
	FIELD(a, b, fwmark);
	FIELD(a, b, fwmask);
	FIELD(a, b, owned);
	return NULL;
}

#define LIST_DIFF(a, b, arr, n, fn, what)					\
	do {									\
		if ((a)->n != (b)->n)						\
			return fuzz_broke("%s: %zu became %zu", what, (a)->n, (b)->n); \
		for (size_t i_ = 0; i_ < (a)->n; i_++) {			\
			const char *f_ = fn(&(a)->arr[i_], &(b)->arr[i_]);	\
			if (f_)							\
				return fuzz_broke("%s %zu: %s changed", what, i_, f_); \
		}								\
	} while (0)

static const char *set_diff(const struct kobj_set *a, const struct kobj_set *b)
{
	if (a->caps != b->caps)
		return fuzz_broke("caps changed");
	LIST_DIFF(a, b, links, n_links, link_diff, "link");
	LIST_DIFF(a, b, addrs, n_addrs, addr_diff, "address");
	LIST_DIFF(a, b, routes, n_routes, route_diff, "route");
	LIST_DIFF(a, b, rules, n_rules, rule_diff, "rule");
	return NULL;
}

/* JSON -> set -> JSON -> set: a snapshot `observe --export` wrote from
 * what the import accepted must import as the same set. */
static const char *set_round_trip(const json_t *j)
{
	struct kobj_set a = { 0 }, b = { 0 };
	const char *bad = NULL;
	json_t *j1 = NULL;
	char *err = NULL;
	int r;

	if (kobj_set_from_json(&a, j, NULL) < 0)
		goto out;
	j1 = kobj_set_to_json(&a);
	if (!j1)
		goto out;
	r = kobj_set_from_json(&b, j1, &err);
	if (r == -EINVAL)
		bad = fuzz_broke("kobj_set_from_json refused what kobj_set_to_json wrote: %s",
				 err ? err : "?");
	else if (r == 0)
		bad = set_diff(&a, &b);
out:
	free(err);
	json_decref(j1);
	kobj_set_clear(&a);
	kobj_set_clear(&b);
	return bad;
}

static const char *want_json_round_trip(const json_t *j)
{
	struct want w = { 0 };
	const char *bad = NULL;

	if (want_from_json(&w, j, NULL) == 0)
		bad = want_round_trip(&w);
	want_clear(&w);
	return bad;
}

const char *fuzz_snapshot_one(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, 0, NULL);
	const char *bad = NULL;

	if (!doc)
		return NULL;
	/* The file `observe --export` writes holds the set under "state"; a
	 * saved plan holds its want under "want". */
	if (!bad)
		bad = set_round_trip(doc);
	if (!bad && json_object_get(doc, "state"))
		bad = set_round_trip(json_object_get(doc, "state"));
	if (!bad)
		bad = want_json_round_trip(doc);
	if (!bad && json_object_get(doc, "want"))
		bad = want_json_round_trip(json_object_get(doc, "want"));
	json_decref(doc);
	return bad;
}

const char *fuzz_snapblob_one(const uint8_t *data, size_t size)
{
	struct kobj_set set = { 0 };
	struct snapblob_err e;
	uint8_t *again = NULL;
	size_t len = 0;
	const char *bad = NULL;
	int r = snapblob_decode(&set, data, size, &e);

	if (r == -EUCLEAN)
		return NULL;
	if (r < 0)
		return NULL;  /* ENOMEM */
	r = snapblob_encode(&again, &len, &set, &e);
	if (r == -EINVAL)
		bad = fuzz_broke("snapblob_encode refused what snapblob_decode accepted: %s %zu %s",
				 e.what, e.index, e.field);
	else if (r == 0 && (len != size || memcmp(again, data, size) != 0))
		bad = fuzz_broke("snapblob_encode(snapblob_decode(x)) != x (%zu bytes, %zu back)",
				 size, len);
	free(again);
	kobj_set_clear(&set);
	return bad;
}

const char *fuzz_wantblob_one(const uint8_t *data, size_t size)
{
	struct want w = { 0 };
	struct snapblob_err e;
	uint8_t *again = NULL;
	size_t len = 0;
	const char *bad = NULL;
	int r = wantblob_decode(&w, data, size, &e);

	if (r < 0)
		return NULL;  /* refused, or ENOMEM */
	r = wantblob_encode(&again, &len, &w, &e);
	if (r == -EINVAL)
		bad = fuzz_broke("wantblob_encode refused what wantblob_decode accepted: %s %zu %s",
				 e.what, e.index, e.field);
	else if (r == 0 && (len != size || memcmp(again, data, size) != 0))
		bad = fuzz_broke("wantblob_encode(wantblob_decode(x)) != x (%zu bytes, %zu back)",
				 size, len);
	free(again);
	want_clear(&w);
	return bad;
}
