/* diff: desired (want) against observed (kobj_set) -> an ordered list of
 * actions.  Pure; both sides are sorted and walked once.
 *
 * Order (apply executes it as is; rollback runs a fresh diff):
 *   deletions, from the top down: routes, rules, adapters and ports, then
 *   bridges and VRFs;
 *   creations, from the bottom up: bridges and VRFs, adapters (a veth pair
 *   is one creation), link changes (MTU increases uplink -> bridge -> port ->
 *   adapter, decreases the other way round), addresses, then the removal of
 *   old addresses (a device never left without one), rules, routes
 *   (connected before gateways).
 * Within a step, by name or key, so the same inputs give the same list.
 *
 * Ownership: only objects carrying hostnet's marks are deleted (pruned);
 * a foreign link is changed only in the attributes the profile names (an
 * uplink); a foreign object in the way of a desired one is a conflict (an
 * error naming the profile line), except a foreign route with the key of a
 * desired route in a table hostnet manages, which the profile takes over. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "kobj.h"
#include "realize.h"

enum diff_op {
	DIFF_OP_CREATE,    /* + */
	DIFF_OP_MODIFY,    /* ~ in place (links: attributes; routes: replace) */
	DIFF_OP_DELETE,    /* - */
	DIFF_OP__MAX,
};

enum diff_obj {
	DIFF_OBJ_LINK,
	DIFF_OBJ_ADDR,
	DIFF_OBJ_ROUTE,
	DIFF_OBJ_RULE,
	DIFF_OBJ__MAX,
};

const char *diff_op_name(enum diff_op op);     /* "create", "modify", "delete" */
const char *diff_obj_name(enum diff_obj obj);  /* "link", "address", "route", "rule" */

struct diff_action {
	enum diff_op op;
	enum diff_obj obj;
	unsigned step;              /* position in the order above */
	/* The object as it should be (create, modify) and as it is (modify,
	 * delete), in name form: links by name, never by ifindex. */
	union {
		struct want_link link;
		struct want_addr addr;
		struct want_route route;
		struct want_rule rule;
	} to, from;
	uint32_t changed;           /* links: bits of enum want_attr that differ */
	bool replace;               /* delete + create of the same object (kind changed) */
	struct hn_loc loc;          /* the profile line behind it (none for a prune) */
};

struct diff {
	struct diff_action *v;
	size_t n;
	size_t n_create, n_modify, n_delete;
};

/* Computes the actions that make `have` match `want`.  Conflicts (a missing
 * uplink, a foreign link in the way) are errors in `diags` and make it
 * return -EEXIST / -ENODEV without actions; -ENOMEM. */
int diff_compute(struct diff *out, const struct want *want, const struct kobj_set *have,
		 struct diag_list *diags);
void diff_clear(struct diff *d);

/* The observed owned objects as a want: what a rollback restores (plus the
 * managed attributes of the foreign links named in `like`). */
int diff_want_from_observed(struct want *out, const struct kobj_set *have, const struct want *like);
/* The other way round: a host that has exactly `w` (for comparing the
 * desired states of two commits without any host). */
int diff_observed_from_want(struct kobj_set *out, const struct want *w);
