#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int addr_parse_ip(struct hn_addr *out, const char *s)
{
	struct hn_addr a = { 0 };

	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, a.bytes) != 1)
			return -EINVAL;
		a.family = AF_INET6;
		a.prefixlen = 128;
	} else {
		if (inet_pton(AF_INET, s, a.bytes) != 1)
			return -EINVAL;
		a.family = AF_INET;
		a.prefixlen = 32;
	}
	*out = a;
	return 0;
}

int addr_parse_cidr(struct hn_addr *out, const char *s)
{
	char ip[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	struct hn_addr a;
	size_t n;
	unsigned long len = 0;

	if (!slash)
		return -EINVAL;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (addr_parse_ip(&a, ip) < 0)
		return -EINVAL;
	/* Digits only: strtoul would take "+8", " 8" or "0x8". */
	const char *p = slash + 1;
	if (!*p || strlen(p) > 3)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		len = len * 10 + (unsigned long)(*p - '0');
	}
	if (slash[1] == '0' && slash[2])
		return -EINVAL;  /* no leading zeros: "/024" */
	if (len > (unsigned long)addr_len(a.family) * 8)
		return -EINVAL;
	a.prefixlen = (uint8_t)len;
	*out = a;
	return 0;
}

int addr_parse_prefix_or_ip(struct hn_addr *out, const char *s)
{
	if (strchr(s, '/'))
		return addr_parse_cidr(out, s);
	return addr_parse_ip(out, s);
}

struct hn_addr addr_network(const struct hn_addr *a)
{
	struct hn_addr n = *a;
	int bytes = addr_len(a->family);

	for (int i = 0; i < bytes; i++) {
		int bit = i * 8;

		if (bit >= a->prefixlen)
			n.bytes[i] = 0;
		else if (bit + 8 > a->prefixlen)
			n.bytes[i] &= (uint8_t)(0xff << (8 - (a->prefixlen - bit)));
	}
	return n;
}

bool addr_is_network(const struct hn_addr *a)
{
	struct hn_addr n = addr_network(a);

	return memcmp(n.bytes, a->bytes, sizeof(n.bytes)) == 0;
}

bool addr_in_subnet(const struct hn_addr *net, const struct hn_addr *ip)
{
	struct hn_addr a, b;

	if (net->family != ip->family || ip->prefixlen < net->prefixlen)
		return false;
	a = addr_network(net);
	b = *ip;
	b.prefixlen = net->prefixlen;
	b = addr_network(&b);
	return memcmp(a.bytes, b.bytes, sizeof(a.bytes)) == 0;
}

int addr_cmp(const struct hn_addr *a, const struct hn_addr *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->bytes, b->bytes, sizeof(a->bytes));
	if (c)
		return c < 0 ? -1 : 1;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen < b->prefixlen ? -1 : 1;
	return 0;
}

bool addr_equal_ip(const struct hn_addr *a, const struct hn_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

/* Decimal digits of v at p; returns the end. */
static char *put_dec(char *p, unsigned v)
{
	char d[10];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*p++ = d[--n];
	return p;
}

static char *put_ipv4(char *p, const uint8_t *b)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = put_dec(p, b[i]);
	}
	return p;
}

/* The text inet_ntop() gives, byte for byte (glibc's algorithm: the first
 * longest run of two or more zero groups is "::", lowercase hex without
 * leading zeros, "::a.b.c.d" and "::ffff:a.b.c.d" for the embedded IPv4
 * forms), without its eight sprintf() calls: formatting addresses was a
 * tenth of `show routes --json` and of a plan's text at 100,000 routes. */
static char *put_ipv6(char *p, const uint8_t *b)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	for (int i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0)
				cur = i, cur_len = 0;
			cur_len++;
		} else if (cur >= 0) {
			if (best < 0 || cur_len > best_len)
				best = cur, best_len = cur_len;
			cur = -1;
		}
	}
	if (cur >= 0 && (best < 0 || cur_len > best_len))
		best = cur, best_len = cur_len;
	if (best >= 0 && best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return put_ipv4(p, b + 12);
		for (int sh = 12, started = 0; sh >= 0; sh -= 4) {
			unsigned d = (w[i] >> sh) & 0xf;

			if (d || started || sh == 0) {
				*p++ = hex[d];
				started = 1;
			}
		}
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	return p;
}

const char *addr_format(const struct hn_addr *a, bool with_prefix, char *buf, size_t size)
{
	char tmp[INET6_ADDRSTRLEN + 4], *p;
	size_t n;

	if (a->family == AF_INET)
		p = put_ipv4(tmp, a->bytes);
	else if (a->family == AF_INET6)
		p = put_ipv6(tmp, a->bytes);
	else {
		snprintf(buf, size, "?");
		return buf;
	}
	if (with_prefix) {
		*p++ = '/';
		p = put_dec(p, a->prefixlen);
	}
	/* As snprintf: cut to the buffer, always terminated. */
	if (size == 0)
		return buf;
	n = (size_t)(p - tmp) < size ? (size_t)(p - tmp) : size - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int addr_parse_mac(struct hn_mac *out, const char *s)
{
	struct hn_mac m;
	char sep = 0;

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *p = s + i * 3;
		int hi = hexval(p[0]), lo = hexval(p[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		m.b[i] = (uint8_t)(hi << 4 | lo);
		if (i < 5) {
			if (p[2] != ':' && p[2] != '-')
				return -EINVAL;
			if (sep && p[2] != sep)
				return -EINVAL;
			sep = p[2];
		}
	}
	*out = m;
	return 0;
}

static const char *v6_reserved(const uint8_t *b)
{
	static const uint8_t zero[16];

	/* ::/64 holds every special form; 64:ff9b::/96 (NAT64) is beside it. */
	if (memcmp(b, zero, 8) != 0)
		return NULL;
	if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)
		return "an IPv4-mapped IPv6 address (::ffff:0:0/96)";
	if (memcmp(b, zero, 8) == 0 && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0)
		return "an IPv4-translated IPv6 address (::ffff:0:0:0/96)";
	if (memcmp(b, zero, 16) == 0)
		return "the unspecified address (::)";
	if (memcmp(b, zero, 15) == 0 && b[15] == 1)
		return "the loopback address (::1)";
	if (memcmp(b, zero, 12) == 0)
		return "an IPv4-compatible IPv6 address (::/96, deprecated by RFC 4291)";
	return "in ::/64, which is reserved";
}

const char *addr_not_host(const struct hn_addr *a)
{
	const uint8_t *b = a->bytes;

	if (a->family == AF_INET) {
		if (b[0] == 0)
			return "in 0.0.0.0/8 (\"this network\")";
		if (b[0] == 127)
			return "a loopback address (127.0.0.0/8)";
		if (b[0] >= 224 && b[0] <= 239)
			return "a multicast address (224.0.0.0/4)";
		if (b[0] >= 240)
			return "a reserved or broadcast address (240.0.0.0/4)";
	} else if (a->family == AF_INET6) {
		if (b[0] == 0xff)
			return "a multicast address (ff00::/8)";
		return v6_reserved(b);
	}
	return NULL;
}

const char *addr_not_destination(const struct hn_addr *p)
{
	const uint8_t *b = p->bytes;

	if (p->prefixlen < 8 || (p->family == AF_INET6 && p->prefixlen < 64))
		return NULL;
	if (p->family == AF_INET && b[0] == 0)
		return "in 0.0.0.0/8 (\"this network\")";
	if (p->family == AF_INET && b[0] == 127)
		return "in the loopback network (127.0.0.0/8)";
	if (p->family == AF_INET6) {
		static const uint8_t zero[10];

		if (memcmp(b, zero, 8) != 0)
			return NULL;
		if (p->prefixlen >= 96 && memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)
			return "in ::ffff:0:0/96 (IPv4-mapped IPv6 addresses)";
		return "in ::/64 (unspecified, loopback, IPv4-mapped, -compatible and "
		       "-translated addresses)";
	}
	return NULL;
}

bool addr_mac_is_unicast(const struct hn_mac *m)
{
	return !(m->b[0] & 1);
}

bool addr_mac_is_zero(const struct hn_mac *m)
{
	static const struct hn_mac zero;

	return memcmp(m, &zero, sizeof(zero)) == 0;
}

const char *addr_format_mac(const struct hn_mac *m, char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m->b[0], m->b[1], m->b[2], m->b[3], m->b[4], m->b[5]);
	return buf;
}
