#include "kobj-fmt.h"

#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>

#include "kobj.h"

static const char *number(unsigned long v, char buf[KOBJ_FMT_LEN])
{
	snprintf(buf, KOBJ_FMT_LEN, "%lu", v);
	return buf;
}

const char *kobj_fmt_protocol(uint8_t proto, char buf[KOBJ_FMT_LEN])
{
	switch (proto) {
	case RTPROT_UNSPEC: return "unspec";
	case RTPROT_REDIRECT: return "redirect";
	case RTPROT_KERNEL: return "kernel";
	case RTPROT_BOOT: return "boot";
	case RTPROT_STATIC: return "static";
	case RTPROT_RA: return "ra";
	case RTPROT_DHCP: return "dhcp";
	case KOBJ_RTPROT_HOSTNET: return "hostnet";
	}
	return number(proto, buf);
}

const char *kobj_fmt_scope(uint8_t scope, char buf[KOBJ_FMT_LEN])
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE: return "global";
	case RT_SCOPE_SITE: return "site";
	case RT_SCOPE_LINK: return "link";
	case RT_SCOPE_HOST: return "host";
	case RT_SCOPE_NOWHERE: return "nowhere";
	}
	return number(scope, buf);
}

const char *kobj_fmt_route_type(uint8_t type, char buf[KOBJ_FMT_LEN])
{
	switch (type) {
	case RTN_UNICAST: return "unicast";
	case RTN_LOCAL: return "local";
	case RTN_BROADCAST: return "broadcast";
	case RTN_ANYCAST: return "anycast";
	case RTN_MULTICAST: return "multicast";
	case RTN_BLACKHOLE: return "blackhole";
	case RTN_UNREACHABLE: return "unreachable";
	case RTN_PROHIBIT: return "prohibit";
	case RTN_THROW: return "throw";
	case RTN_NAT: return "nat";
	}
	return number(type, buf);
}

const char *kobj_fmt_table(uint32_t table, char buf[KOBJ_FMT_LEN])
{
	switch (table) {
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_LOCAL: return "local";
	case RT_TABLE_DEFAULT: return "default";
	}
	return number(table, buf);
}

const char *kobj_fmt_operstate(uint8_t state)
{
	static const char *const names[] = {
		[IF_OPER_UNKNOWN] = "unknown",
		[IF_OPER_NOTPRESENT] = "notpresent",
		[IF_OPER_DOWN] = "down",
		[IF_OPER_LOWERLAYERDOWN] = "lowerlayerdown",
		[IF_OPER_TESTING] = "testing",
		[IF_OPER_DORMANT] = "dormant",
		[IF_OPER_UP] = "up",
	};

	return state < sizeof(names) / sizeof(*names) ? names[state] : "?";
}
