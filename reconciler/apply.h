/* apply: execute a diff over netlink, in its order.
 *
 * Links are changed one request at a time (each waits for its ACK: later
 * steps need the ifindex); addresses, rules and routes go in batches (many
 * requests per sendmsg, errors still reported per request).  Links to delete
 * are first moved to a doomed group and then removed with one RTM_DELLINK,
 * which costs one RCU grace period instead of one per link.  A deletion of
 * something already gone (removed with its link) counts as done.
 *
 * Stops at the first failure; the caller rolls back (see cmd-apply.c), since
 * a fresh diff against the snapshot taken before undoes exactly what was
 * done, whatever the kernel removed along the way. */
#pragma once

#include <stddef.h>

#include "diff.h"

struct hnl;

struct apply_opts {
	/* Tests: fail with -EIO ("injected failure") before this action (1-based;
	 * 0 = never), or kill the process with SIGKILL before it. */
	size_t fail_before;
	size_t kill_before;
	int fail_errno;           /* the injected failure's errno (default EIO) */
};

struct apply_result {
	size_t done;          /* actions completed (a failed batch: those before the failure) */
	size_t failed;        /* 1-based index of the action that failed, 0 = none */
	int error;            /* its negative errno */
	char msg[512];        /* "route ... : Network is unreachable (kernel: Nexthop has invalid gateway)" */
	size_t requests;      /* netlink requests sent */
};

/* Returns 0, or the failure's negative errno with `res` saying where. */
int apply_diff(struct hnl *nl, const struct diff *d, const struct apply_opts *opts,
	       struct apply_result *res);
