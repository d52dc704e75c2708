/* sysctl: per-interface settings that rtnetlink cannot set.
 *
 * IPv6 router advertisement handling (accept_ra, autoconf,
 * accept_ra_defrtr) is read over rtnetlink (IFLA_INET6_CONF, observe) but
 * only written through /proc/sys/net/ipv6/conf/IFNAME/.  /proc/sys/net
 * shows the network namespace of the process that opens the file, so these
 * act on the caller's namespace, like the netlink requests.  Nothing here
 * prints.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The /proc/sys directory of the running system. */
#define SYSCTL_ROOT "/proc/sys"

/* Writes accept_ra (0, 1, or 2: even when forwarding), autoconf (0 or 1)
 * and accept_ra_defrtr (0 or 1) of ifname, in that order.  Not atomic: on
 * a failure the earlier values stay written.  Returns 0 or a negative
 * errno: -EINVAL for a value out of range or a name that is no interface
 * name ("", longer than 15 bytes, with '/', "." or "..", and "all" and
 * "default", which would change other interfaces), -ENOENT when the link
 * does not exist or has no IPv6, -EACCES/-EPERM without CAP_NET_ADMIN. */
int sysctl_ipv6_ra_set(const char *ifname, uint8_t accept_ra, uint8_t autoconf,
		       uint8_t accept_ra_defrtr);
/* The same under another root than SYSCTL_ROOT (a test's directory). */
int sysctl_ipv6_ra_set_at(const char *root, const char *ifname, uint8_t accept_ra,
			  uint8_t autoconf, uint8_t accept_ra_defrtr);

/* ARP flux: writes arp_ignore (0..8), arp_announce (0..2) and rp_filter
 * (0..2) of ifname under ROOT/net/ipv4/conf, in that order; the errors of
 * sysctl_ipv6_ra_set(), -ENOENT for a link without IPv4. */
int sysctl_ipv4_arp_set(const char *ifname, uint8_t arp_ignore, uint8_t arp_announce,
			uint8_t rp_filter);
int sysctl_ipv4_arp_set_at(const char *root, const char *ifname, uint8_t arp_ignore,
			   uint8_t arp_announce, uint8_t rp_filter);

/* Formats ROOT/net/ipv6/conf/IFNAME/KEY into buf.  Returns 0, -EINVAL for
 * a bad interface name (as above), or -ENAMETOOLONG when it does not fit. */
int sysctl_ipv6_conf_path(char *buf, size_t size, const char *root, const char *ifname,
			  const char *key);
