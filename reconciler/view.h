/* view: the observed kernel state seen the way an ESXi operator sees a host:
 * VMkernel adapters (with their switch, stack and services) and TCP/IP stacks
 * (with their table and gateways), recovered from hostnet's ownership marks.
 * Pure: takes a kobj_set, builds arrays that point into it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kobj.h"
#include "mark.h"

struct view_adapter {
	const struct kobj_link *link;
	struct mark mark;
	const struct kobj_link *port;      /* bridge-side veth peer, NULL for macvlan */
	const struct kobj_link *sw;        /* the bridge (switch), NULL if none */
	const struct kobj_link *uplink;    /* macvlan parent, NULL otherwise */
	const char *stack;                 /* "default" or the marker's stack */
	uint32_t table;                    /* 0 = unknown (no rule found yet) */
};

struct view_stack {
	const char *name;
	uint32_t table;                    /* 0 = unknown */
	const struct kobj_route *gw4, *gw6; /* default routes in the table, if any */
	size_t n_adapters;
};

struct view {
	const struct kobj_set *set;
	struct view_adapter *adapters;
	size_t n_adapters;
	struct view_stack *stacks;         /* "default" first, then by name */
	size_t n_stacks;
	const struct kobj_link **by_index; /* private: links sorted by ifindex */
};

struct want;

/* Builds the view; `set` must outlive it.  0 or -ENOMEM. */
int view_build(struct view *out, const struct kobj_set *set);
/* The same, and the adapters in place that desired state `w` (NULL = none)
 * puts on a switch's bridge or a NIC of `set`: no mark on the link says
 * them (realize.h), so without `w` they are not adapters.  Such an
 * adapter's `mark` is made from `w`; `w` need not outlive the view. */
int view_build_want(struct view *out, const struct kobj_set *set, const struct want *w);
void view_clear(struct view *v);

/* The link with this ifindex, or NULL (binary search). */
const struct kobj_link *view_link(const struct view *v, int ifindex);
