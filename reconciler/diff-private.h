/* Shared by diff.c, diff-net.c and diff-observed.c. */
#pragma once

#include "diff.h"

/* Execution steps, in order (see diff.h). */
enum diff_step {
	DIFF_STEP_DEL_ROUTE,
	DIFF_STEP_DEL_RULE,
	DIFF_STEP_DEL_ADAPTER,
	DIFF_STEP_DEL_BRIDGE,
	DIFF_STEP_NEW_BRIDGE,
	/* Uplinks (but MTU decreases) before the adapters: a macvlan or VLAN
	 * on a NIC needs it out of its old bridge (EBUSY) and up (ENETDOWN). */
	DIFF_STEP_MOD_UPLINK,
	DIFF_STEP_NEW_ADAPTER,
	DIFF_STEP_MOD_LINK_SHRINK,   /* MTU decreases: adapters first */
	DIFF_STEP_MOD_LINK,          /* everything else: uplinks first */
	DIFF_STEP_NEW_ADDR,
	/* Old addresses go after the new ones are in: a device left without
	 * an IPv4 address has every route through it flushed by the kernel. */
	DIFF_STEP_DEL_ADDR,
	DIFF_STEP_NEW_RULE,
	DIFF_STEP_NEW_ROUTE,
	DIFF_STEP_ISCSI,             /* iface records: files, after the adapters */
	/* Last: the ruleset names adapters by iifname only, and a table
	 * replaced last is never left half-way by an earlier failure. */
	DIFF_STEP_FIREWALL,
	DIFF_STEP__MAX,
};

/* The observed side in name form, each array sorted for the walk. */
struct dobs {
	struct want_link *links;   size_t n_links;    /* by name */
	struct want_addr *addrs;   size_t n_addrs;    /* by dev, address */
	struct want_route *routes; size_t n_routes;   /* by key */
	struct want_rule *rules;   size_t n_rules;    /* by key */
};

/* Sort key beyond the step, kept beside each action while building. */
struct dorder {
	int order;
	size_t seq;
};

struct dctx {
	struct diff *d;
	struct dorder *orders;       /* parallel to d->v */
	size_t cap;                  /* of orders */
	size_t seq;
	struct diag_list *diags;
	char (*replaced)[KOBJ_IFNAMSIZ];  /* links deleted and created again */
	size_t n_replaced;
	char (*adopted)[KOBJ_IFNAMSIZ];   /* foreign links taken over in place */
	size_t n_adopted;
	int err;                     /* first conflict's code */
	bool oom;
};

int dobs_build(struct dobs *out, const struct kobj_set *have);
void dobs_clear(struct dobs *o);

/* Appends an action about `to` (an object of d->want, referred to; any
 * other object is copied) and `from` (copied), either NULL; NULL when out
 * of memory.  Counts are left to the caller. */
struct diff_action *diff_push(struct diff *d, enum diff_op op, enum diff_obj obj, unsigned step,
			      const void *to, const void *from);

/* Appends an action of the differ; `order` sorts within its step.  Out of
 * memory sets c->oom and returns NULL. */
struct diff_action *dctx_add(struct dctx *c, enum diff_op op, enum diff_obj obj,
			     enum diff_step step, int order, const void *to, const void *from);


/* Whether the diff adopts the link of that name. */
bool dctx_adopted(const struct dctx *c, const char *name);

void diff_addrs(struct dctx *c, const struct want *w, const struct dobs *o);
void diff_routes(struct dctx *c, const struct want *w, const struct dobs *o);
void diff_rules(struct dctx *c, const struct want *w, const struct dobs *o);
/* diff-iscsi.c: the iface records of the adapters tagged iscsi. */
void diff_iscsi(struct dctx *c, const struct want *w, const struct kobj_set *have);
void diff_firewall(struct dctx *c, const struct want *w, const struct kobj_set *have);
