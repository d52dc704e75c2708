/* observe-private: what the observe-*.c siblings share.  Not for other modules. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <netlink/attr.h>

#include "observe.h"

/* Copies a string attribute into dst (size bytes), truncating; "" for NULL. */
void observe_copy_str(char *dst, size_t size, const struct nlattr *a);

/* Fills a from an address attribute of family `family` (4 or 16 bytes
 * expected) with prefix length plen.  -EBADMSG on a length mismatch. */
int observe_get_addr(struct hn_addr *a, int family, const struct nlattr *attr, unsigned plen);

/* Whether an address is hostnet's, given whether its link is (kobj.h). */
bool observe_addr_owned(const struct kobj_addr *a, bool link_owned);
