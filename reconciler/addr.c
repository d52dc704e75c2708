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

const char *addr_format(const struct hn_addr *a, bool with_prefix, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (!a->family || !inet_ntop(a->family, a->bytes, ip, sizeof(ip))) {
		snprintf(buf, size, "?");
		return buf;
	}
	if (with_prefix)
		snprintf(buf, size, "%s/%u", ip, a->prefixlen);
	else
		snprintf(buf, size, "%s", ip);
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
