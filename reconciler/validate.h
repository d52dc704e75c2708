/* validate: the meaning of a host profile, across objects.
 *
 * profile.c has already checked each value on its own; this checks what
 * spans objects: unique names, references, addresses used once, gateways and
 * next hops reachable on their stack, the MTU order uplink >= switch >=
 * adapter, and the seed's best practices (warnings).  No I/O. */
#pragma once

#include "diag.h"

struct profile;

/* Records every problem in `diags`.  A ProfileFragment (a file shared by
 * hosts) is checked only for what it can know alone: unique names.
 * Returns -EINVAL when an error was recorded, -ENOMEM, or 0 (warnings allowed). */
int validate_profile(const struct profile *p, struct diag_list *diags);
