#include "observe-private.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

static struct nla_policy addr_policy[IFA_MAX + 1] = {
	[IFA_FLAGS] = { .type = NLA_U32 },
	[IFA_PROTO] = { .type = NLA_U8 },
};

void observe_copy_str(char *dst, size_t size, const struct nlattr *a)
{
	size_t n = 0;

	if (a) {
		n = strnlen(nla_data(a), (size_t)nla_len(a));
		if (n >= size)
			n = size - 1;
		memcpy(dst, nla_data(a), n);
	}
	dst[n] = '\0';
}

int observe_get_addr(struct hn_addr *a, int family, const struct nlattr *attr, unsigned plen)
{
	size_t len = family == AF_INET ? 4 : 16;

	*a = (struct hn_addr){ .family = (uint8_t)family, .prefixlen = (uint8_t)plen };
	if (plen > len * 8)
		return -EBADMSG;
	if (!attr)
		return 0;
	if ((size_t)nla_len(attr) != len)
		return -EBADMSG;
	memcpy(a->bytes, nla_data(attr), len);
	return 0;
}

bool observe_addr_owned(const struct kobj_addr *a, bool link_owned)
{
	return kobj_addr_owned(a, link_owned);
}

int observe_parse_addr(struct kobj_addr *out, struct nlmsghdr *h)
{
	struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	struct kobj_addr a = { 0 };
	const struct nlattr *local;

	if (h->nlmsg_type != RTM_NEWADDR)
		return 1;
	if (nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, addr_policy) < 0)
		return -EBADMSG;
	ifa = nlmsg_data(h);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 1;
	/* IFA_ADDRESS is the peer on a point-to-point link; IFA_LOCAL is ours. */
	local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!local || observe_get_addr(&a.addr, ifa->ifa_family, local, ifa->ifa_prefixlen) < 0)
		return -EBADMSG;
	a.ifindex = (int)ifa->ifa_index;
	a.scope = ifa->ifa_scope;
	a.flags = tb[IFA_FLAGS] ? nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	if (tb[IFA_PROTO])
		a.proto = nla_get_u8(tb[IFA_PROTO]);
	a.owned = observe_addr_owned(&a, false);
	*out = a;
	return 0;
}
