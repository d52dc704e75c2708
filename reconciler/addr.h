/* addr: IP addresses, prefixes and MAC addresses as values.
 *
 * Parsing is strict (inet_pton underneath: no octal, no shorthand) and never
 * allocates. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hn_addr {
	uint8_t family;      /* AF_INET or AF_INET6; 0 = none */
	uint8_t prefixlen;   /* 32/128 for a plain address */
	uint8_t bytes[16];   /* network order; unused bytes zero */
};

/* "192.0.2.10/24", "2001:db8::1/64".  Host bits may be set (an interface
 * address).  Returns 0 or -EINVAL. */
int addr_parse_cidr(struct hn_addr *out, const char *s);
/* "192.0.2.1", "2001:db8::1" (no prefix) -> prefixlen 32/128. */
int addr_parse_ip(struct hn_addr *out, const char *s);
/* Either of the two, plus "default" (0.0.0.0/0 for family AF_INET, ::/0 for
 * AF_INET6; family 0 means both are accepted -> -EINVAL, callers pass one). */
int addr_parse_prefix_or_ip(struct hn_addr *out, const char *s);

/* True when host bits below prefixlen are zero. */
bool addr_is_network(const struct hn_addr *a);
/* The network of a (host bits cleared). */
struct hn_addr addr_network(const struct hn_addr *a);
/* True when `ip` (any prefixlen) lies in net/prefixlen; families must match. */
bool addr_in_subnet(const struct hn_addr *net, const struct hn_addr *ip);
/* Compares family, bytes, then prefixlen; a total order for sorting. */
int addr_cmp(const struct hn_addr *a, const struct hn_addr *b);
bool addr_equal_ip(const struct hn_addr *a, const struct hn_addr *b); /* ignores prefixlen */

/* Why `a` cannot be an address of a host's interface or a next hop, as a
 * phrase ("an IPv4-mapped IPv6 address (::ffff:0:0/96)"), or NULL when it
 * can.  Refused: IPv4 0.0.0.0/8, 127.0.0.0/8, multicast and 240.0.0.0/4
 * (with the broadcast address); IPv6 ::/64 (unspecified, loopback,
 * IPv4-mapped, -compatible and -translated addresses: the kernel applies a
 * mapped address as an IPv6 address that duplicates an IPv4 one) and
 * multicast.  The NAT64 prefix 64:ff9b::/96 is an ordinary address. */
const char *addr_not_host(const struct hn_addr *a);
/* Why the prefix `p` cannot be a route's destination, or NULL: one inside
 * 127.0.0.0/8, 0.0.0.0/8 or ::/64 (shorter prefixes such as the default
 * route ::/0 are fine). */
const char *addr_not_destination(const struct hn_addr *p);

/* Formats as "a.b.c.d/len" (with_prefix) or "a.b.c.d".  buf of ADDR_STRLEN. */
#define ADDR_STRLEN 64
const char *addr_format(const struct hn_addr *a, bool with_prefix, char *buf, size_t size);

struct hn_mac {
	uint8_t b[6];
};

/* "02:00:5e:10:00:01" (':' or '-' separators, either case). -EINVAL otherwise. */
int addr_parse_mac(struct hn_mac *out, const char *s);
bool addr_mac_is_unicast(const struct hn_mac *m);
bool addr_mac_is_zero(const struct hn_mac *m);
#define ADDR_MAC_STRLEN 18
const char *addr_format_mac(const struct hn_mac *m, char *buf, size_t size);
