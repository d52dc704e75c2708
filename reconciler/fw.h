/* fw: the per-service firewall of a profile as one nftables ruleset.
 *
 * hostnet owns the table `inet hostnet` whole.  Its one base chain, input
 * (hook input, priority filter, policy accept: links hostnet does not own
 * are never filtered), has for each adapter, in name order, rules matching
 * iifname <adapter>:
 *   ct state established,related              accept
 *   ICMP errors and echo request               accept (PMTU discovery, ping)
 *   ICMPv6 errors, echo, RA/NS/NA              accept (PMTU, neighbour discovery, SLAAC)
 *   udp 67 -> 68                               accept (DHCP replies; `dhcp` adapters only)
 *   each service tagged on it: each allowed source x each port (the
 *   catalogue's, then the profile's)          counter <adapter>.<service> accept
 *   everything else                            counter <adapter>.drop drop
 *
 * One rule per source and port, no sets, so that the text is exactly what
 * `nft -s list table inet hostnet` prints back (nft merges and reorders set
 * elements): the desired and the observed ruleset compare as strings, and
 * counter values (stateless listing) never count as a difference.
 *
 * Pure: no I/O. */
#pragma once

#include <stddef.h>

#include "profile.h"

#define FW_FAMILY "inet"
#define FW_TABLE "hostnet"
#define FW_CHAIN "input"
#define FW_DROP_COUNTER "drop"     /* <adapter>.drop */

/* The ruleset text of `p` (malloc'd, the caller frees it) in *out, or NULL
 * when the firewall is off (the table must then not exist).
 * Returns 0 or -ENOMEM. */
int fw_ruleset(char **out, const struct profile *p);

/* Whether `name` can name a counter in the ruleset (nft's identifier
 * syntax: a letter, then letters, digits, '_', '-' and '.'). */
bool fw_name_ok(const char *name);
