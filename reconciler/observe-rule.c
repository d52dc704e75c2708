#include "observe-private.h"

#include <errno.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

static struct nla_policy rule_policy[FRA_MAX + 1] = {
	[FRA_PRIORITY] = { .type = NLA_U32 },
	[FRA_IIFNAME] = { .type = NLA_STRING },
	[FRA_OIFNAME] = { .type = NLA_STRING },
	[FRA_TABLE] = { .type = NLA_U32 },
	[FRA_PROTOCOL] = { .type = NLA_U8 },
	[FRA_FWMARK] = { .type = NLA_U32 },
	[FRA_FWMASK] = { .type = NLA_U32 },
};

int observe_parse_rule(struct kobj_rule *out, struct nlmsghdr *h)
{
	struct nlattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *frh;
	struct kobj_rule r = { 0 };

	if (h->nlmsg_type != RTM_NEWRULE)
		return 1;
	if (nlmsg_parse(h, sizeof(*frh), tb, FRA_MAX, rule_policy) < 0)
		return -EBADMSG;
	frh = nlmsg_data(h);
	if (frh->family != AF_INET && frh->family != AF_INET6)
		return 1;
	r.family = frh->family;
	r.action = frh->action;
	r.table = tb[FRA_TABLE] ? nla_get_u32(tb[FRA_TABLE]) : frh->table;
	if (tb[FRA_PRIORITY])
		r.priority = nla_get_u32(tb[FRA_PRIORITY]);
	if ((tb[FRA_SRC] || frh->src_len) &&
	    observe_get_addr(&r.src, r.family, tb[FRA_SRC], frh->src_len) < 0)
		return -EBADMSG;
	if ((tb[FRA_DST] || frh->dst_len) &&
	    observe_get_addr(&r.dst, r.family, tb[FRA_DST], frh->dst_len) < 0)
		return -EBADMSG;
	observe_copy_str(r.iif, sizeof(r.iif), tb[FRA_IIFNAME]);
	observe_copy_str(r.oif, sizeof(r.oif), tb[FRA_OIFNAME]);
	if (tb[FRA_PROTOCOL])
		r.protocol = nla_get_u8(tb[FRA_PROTOCOL]);
	/* The kernel omits the mark without a mark match, and the mask when
	 * it is the default all-ones (fib_nl_fill_rule()). */
	if (tb[FRA_FWMARK]) {
		r.fwmark = nla_get_u32(tb[FRA_FWMARK]);
		r.fwmask = 0xffffffffu;
	}
	if (tb[FRA_FWMASK])
		r.fwmask = nla_get_u32(tb[FRA_FWMASK]);
	r.owned = r.protocol == KOBJ_RTPROT_HOSTNET;
	*out = r;
	return 0;
}
