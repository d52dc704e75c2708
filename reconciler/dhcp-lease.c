/* dhcp: udhcpc's environment -> a lease (pure). */
#include "dhcp.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* A dotted netmask ("255.255.255.0") as a prefix length; -EINVAL when its
 * ones are not contiguous. */
static int mask_len(const char *s, uint8_t *out)
{
	struct hn_addr m;
	uint32_t v;
	uint8_t n = 0;

	if (addr_parse_ip(&m, s) < 0 || m.family != AF_INET)
		return -EINVAL;
	v = (uint32_t)m.bytes[0] << 24 | (uint32_t)m.bytes[1] << 16 | (uint32_t)m.bytes[2] << 8 | m.bytes[3];
	while (v & 0x80000000u) {
		n++;
		v <<= 1;
	}
	if (v)
		return -EINVAL;
	*out = n;
	return 0;
}

int dhcp_lease_from_env(struct dhcp_lease *out, struct dhcp_route_opts *ro,
			const char *(*get)(const char *name))
{
	struct dhcp_lease l = { 0 };
	struct dhcp_route_opts o = { .table = RT_TABLE_MAIN };
	const char *ifname = get("interface"), *ip = get("ip"), *mask = get("mask");
	const char *subnet = get("subnet"), *router = get("router"), *lease = get("lease");
	const char *v;
	uint32_t u;

	if (!ifname || !*ifname || strlen(ifname) >= sizeof(l.ifname) || strchr(ifname, '/'))
		return -EINVAL;
	snprintf(l.ifname, sizeof(l.ifname), "%s", ifname);
	if (ip && *ip) {
		if (addr_parse_ip(&l.addr, ip) < 0 || l.addr.family != AF_INET)
			return -EINVAL;
		/* busybox exports the prefix length as "mask"; older ones only
		 * the dotted "subnet". */
		if (mask && *mask) {
			if (parse_u32(mask, &u) < 0 || u > 32)
				return -EINVAL;
			l.addr.prefixlen = (uint8_t)u;
		} else if (subnet && *subnet) {
			if (mask_len(subnet, &l.addr.prefixlen) < 0)
				return -EINVAL;
		} else {
			l.addr.prefixlen = 32;
		}
	}
	if (router && *router) {
		char first[64];

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(router, " "), router);
		if (addr_parse_ip(&l.router, first) < 0 || l.router.family != AF_INET)
			return -EINVAL;
	}
	if (lease && *lease && parse_u32(lease, &l.lease_s) < 0)
		return -EINVAL;
	v = get("HOSTNET_DHCP_TABLE");
	if (v && *v && parse_u32(v, &o.table) < 0)
		return -EINVAL;
	v = get("HOSTNET_DHCP_RULES");
	o.rules = v && strcmp(v, "1") == 0;
	v = get("HOSTNET_DHCP_GATEWAY");
	o.gateway = !v || strcmp(v, "0") != 0;
	*out = l;
	*ro = o;
	return 0;
}
