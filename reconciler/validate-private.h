/* Shared by validate.c and its siblings (validate-net.c, validate-practice.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "profile.h"
#include "suggest.h"

/* Sorted name -> object index, so references resolve in log time instead of
 * a scan inside every loop (profiles for big hosts have thousands). */
struct vindex_entry {
	const char *name;
	size_t pos;
};

struct vindex {
	struct vindex_entry *v;
	size_t n;
	const char **names;        /* v's names, built for the first hint */
};

struct vctx {
	const struct profile *p;
	struct diag_list *diags;
	bool failed, oom;
	struct vindex uplinks, switches, portgroups, stacks, adapters;
	struct suggest hints;      /* "did you mean" cache and budget */
	bool *stack_dhcp;          /* by position in p->stacks: an adapter there uses DHCP */
};

__attribute__((format(printf, 3, 4)))
void verr(struct vctx *c, const struct hn_loc *loc, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void vwarn(struct vctx *c, const struct hn_loc *loc, const char *fmt, ...);

/* Position of `name` in the index's array, or -1. */
long vindex_find(const struct vindex *ix, const char *name);
/* A near miss among the index's names, for "did you mean", or NULL; cached
 * per (index, name) and bounded by the pass's budget (suggest.h). */
const char *vindex_suggest(struct vctx *c, struct vindex *ix, const char *name);

/* An object's name in a message.  A nameless object (profile.c reported
 * the missing key) still takes part in the other checks, and printf("%s",
 * NULL) is undefined. */
static inline const char *vlabel(const char *name)
{
	return name ? name : "(unnamed)";
}

/* A location, or the fallback when the first is unset (a defaulted key). */
const struct hn_loc *vloc(const struct hn_loc *loc, const struct hn_loc *fallback);
/* "line 5, column 3" when in `here`'s file, else "file:5:3". */
const char *vwhere(const struct hn_loc *at, const struct hn_loc *here, char *buf, size_t size);

void validate_net(struct vctx *c);
void validate_practice(struct vctx *c);
void validate_settings(struct vctx *c);
void validate_firewall(struct vctx *c);   /* fw-validate.c */
/* Whether an adapter on `stack` takes its IPv4 address from DHCP: its subnet
 * is not known before the lease, so gateways and next hops cannot be
 * checked against it. */
bool validate_stack_has_dhcp(const struct profile *p, const char *stack);
/* The same within a pass, answered from marks made once (a scan per
 * gateway and next hop would be quadratic). */
bool vstack_has_dhcp(struct vctx *c, const char *stack);
