/* diff: desired (want) against observed (kobj_set) -> an ordered list of
 * actions.  Pure; both sides are sorted and walked once.
 *
 * Order (apply executes it as is; rollback runs a fresh diff):
 *   deletions, from the top down: routes, rules, adapters and ports, then
 *   bridges and VRFs;
 *   creations, from the bottom up: bridges and VRFs, uplink changes other
 *   than MTU decreases (a macvlan or VLAN adapter needs its NIC out of a
 *   bridge and up), adapters (a veth pair is one creation), link changes (MTU increases uplink -> bridge -> port ->
 *   adapter, decreases the other way round), addresses, then the removal of
 *   old addresses (a device never left without one), rules, routes
 *   (connected before gateways), then open-iscsi iface records (files, once
 *   their adapters exist).
 * Within a step, by name or key, so the same inputs give the same list.
 *
 * Ownership: only objects carrying hostnet's marks are deleted (pruned);
 * a foreign link is changed only in the attributes the profile names (an
 * uplink); a foreign object in the way of a desired one is a conflict (an
 * error naming the profile line), except a foreign route with the key of a
 * desired route in a table hostnet manages, which the profile takes over.
 *
 * Adoption: a foreign object that already is what the profile asks for (a
 * bridge named like a switch, a veth or macvlan adapter of the right shape,
 * an address, a route or a rule with a desired one's key) is an adoption
 * (DIFF_OP_ADOPT): hostnet's marks are put on it in place, never by
 * deleting and recreating it.  apply refuses a plan with adoptions unless
 * the caller allows them (--adopt). */
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
	DIFF_OP_ADOPT,     /* = a foreign object takes hostnet's marks in place */
	DIFF_OP__MAX,
};

enum diff_obj {
	DIFF_OBJ_LINK,
	DIFF_OBJ_ADDR,
	DIFF_OBJ_ROUTE,
	DIFF_OBJ_RULE,
	DIFF_OBJ_ISCSI,    /* an open-iscsi iface record (iscsi.h); its object is
			    * the adapter's want_link */
	DIFF_OBJ_FIREWALL,   /* table inet hostnet, replaced whole */
	DIFF_OBJ__MAX,
};

const char *diff_op_name(enum diff_op op);     /* "create", "modify", "delete", "adopt" */
const char *diff_obj_name(enum diff_obj obj);  /* "link", "address", "route", "rule", "iscsi-iface" */

/* One action: about 30 bytes.  It names its objects instead of holding
 * them; read them with the diff_action_* accessors below, never through the
 * private fields (their layout may change). */
struct diff_action {
	enum diff_op op;
	enum diff_obj obj;
	unsigned step;              /* position in the order above */
	uint32_t changed;           /* links: bits of enum want_attr that differ */
	bool replace;               /* delete + create of the same object (kind changed) */
	/* private: where the object as it should be (to) and as it is (from)
	 * lives: 0 = none, else 1 + an index into the want's array of this
	 * obj or, with the high bit set, into the diff's own store. */
	uint32_t to_ref, from_ref;
};

/* Ownership and lifetimes:
 *  - v and the own store are the diff's; diff_clear() frees them.
 *  - An action's "to" is, as the differ makes it, the object in the want
 *    given to diff_compute(), referred to, not copied: that want must stay
 *    alive and unchanged until diff_clear().
 *  - Its "from" (an observed object in name form, or one the differ put
 *    together, such as a port whose bridge is replaced) is a copy in the
 *    diff's own store: the kobj_set observed may be freed as soon as
 *    diff_compute() returns.
 *  - Copying a struct diff copies references: the copy is valid while the
 *    original is, and only one of them may be cleared. */
struct diff {
	struct diff_action *v;
	size_t n;
	size_t n_create, n_modify, n_delete, n_adopt;
	/* private */
	const struct want *want;             /* what "to" refers to */
	void *own[DIFF_OBJ__MAX];            /* want_link, _addr, _route, _rule arrays */
	size_t n_own[DIFF_OBJ__MAX], cap_own[DIFF_OBJ__MAX];
	size_t cap;
};

/* Computes the actions that make `have` match `want`.  Conflicts (a missing
 * uplink, a foreign link in the way) are errors in `diags` and make it
 * return -EEXIST / -ENODEV without actions; -ENOMEM.  `want` must outlive
 * the diff (see above); `have` need not. */
int diff_compute(struct diff *out, const struct want *want, const struct kobj_set *have,
		 struct diag_list *diags);
/* Frees what the diff owns (not the want) and zeroes it.  NULL ok. */
void diff_clear(struct diff *d);

/* Appends an action made by hand (a test, a plan read back), with step 0:
 * `to` and `from` (a struct want_link, want_addr, want_route or want_rule as
 * `obj` says; NULL for none) are copied into the diff's own store.  The
 * diff's counts follow.  Returns the action (valid until the next append)
 * or NULL when out of memory. */
struct diff_action *diff_append(struct diff *d, enum diff_op op, enum diff_obj obj,
				const void *to, const void *from);

/* The objects of an action: the one it makes or keeps (to: create, modify)
 * and the one it finds (from: modify, delete).  NULL when the action has
 * none, or is about another kind of object.  Valid until diff_clear(). */
const struct want_link *diff_action_to_link(const struct diff *d, const struct diff_action *a);
const struct want_link *diff_action_from_link(const struct diff *d, const struct diff_action *a);
const struct want_addr *diff_action_to_addr(const struct diff *d, const struct diff_action *a);
const struct want_addr *diff_action_from_addr(const struct diff *d, const struct diff_action *a);
const struct want_route *diff_action_to_route(const struct diff *d, const struct diff_action *a);
const struct want_route *diff_action_from_route(const struct diff *d, const struct diff_action *a);
const struct want_rule *diff_action_to_rule(const struct diff *d, const struct diff_action *a);
const struct want_rule *diff_action_from_rule(const struct diff *d, const struct diff_action *a);
const struct want_fw *diff_action_to_fw(const struct diff *d, const struct diff_action *a);
/* The object an action is about: "to", or "from" for a deletion. */
const struct want_link *diff_action_link(const struct diff *d, const struct diff_action *a);
const struct want_addr *diff_action_addr(const struct diff *d, const struct diff_action *a);
const struct want_route *diff_action_route(const struct diff *d, const struct diff_action *a);
const struct want_rule *diff_action_rule(const struct diff *d, const struct diff_action *a);
/* An iSCSI iface record's adapter (as the want has it, or, for a removal,
 * a want_link with just its name). */
const struct want_link *diff_action_iscsi(const struct diff *d, const struct diff_action *a);
/* The desired state the actions refer to (NULL for a diff made by hand). */
const struct want *diff_want(const struct diff *d);
/* The profile line behind an action (its "to"'s), NULL for none (a prune,
 * a rollback's restoration). */
const struct hn_loc *diff_action_loc(const struct diff *d, const struct diff_action *a);

/* The observed owned objects as a want: what a rollback restores (plus the
 * managed attributes of the foreign links named in `like`). */
int diff_want_from_observed(struct want *out, const struct kobj_set *have, const struct want *like);
/* The other way round: a host that has exactly `w` (for comparing the
 * desired states of two commits without any host). */
int diff_observed_from_want(struct kobj_set *out, const struct want *w);
