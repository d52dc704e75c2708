/* Shared by validate.c and its siblings (validate-net.c, validate-practice.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "profile.h"

/* Sorted name -> object index, so references resolve in log time instead of
 * a scan inside every loop (profiles for big hosts have thousands). */
struct vindex_entry {
	const char *name;
	size_t pos;
};

struct vindex {
	struct vindex_entry *v;
	size_t n;
};

struct vctx {
	const struct profile *p;
	struct diag_list *diags;
	bool failed, oom;
	struct vindex uplinks, switches, portgroups, stacks, adapters;
};

__attribute__((format(printf, 3, 4)))
void verr(struct vctx *c, const struct hn_loc *loc, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void vwarn(struct vctx *c, const struct hn_loc *loc, const char *fmt, ...);

/* Position of `name` in the index's array, or -1. */
long vindex_find(const struct vindex *ix, const char *name);
/* A near miss among the index's names, for "did you mean", or NULL. */
const char *vindex_suggest(const struct vindex *ix, const char *name);

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
/* Whether an adapter on `stack` takes its IPv4 address from DHCP: its subnet
 * is not known before the lease, so gateways and next hops cannot be
 * checked against it. */
bool validate_stack_has_dhcp(const struct profile *p, const char *stack);
