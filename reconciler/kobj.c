#include "kobj.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char *const link_kind_names[KOBJ_LINK_KIND__MAX] = {
	[KOBJ_LINK_KIND_DEVICE] = "device",
	[KOBJ_LINK_KIND_VETH] = "veth",
	[KOBJ_LINK_KIND_BRIDGE] = "bridge",
	[KOBJ_LINK_KIND_MACVLAN] = "macvlan",
	[KOBJ_LINK_KIND_VXLAN] = "vxlan",
	[KOBJ_LINK_KIND_VLAN] = "vlan",
	[KOBJ_LINK_KIND_VRF] = "vrf",
	[KOBJ_LINK_KIND_BOND] = "bond",
	[KOBJ_LINK_KIND_TUN] = "tun",
	[KOBJ_LINK_KIND_DUMMY] = "dummy",
	[KOBJ_LINK_KIND_OTHER] = "other",
};

static const char *const cap_names[KOBJ_CAP__MAX] = {
	[KOBJ_CAP_VETH] = "veth",
	[KOBJ_CAP_BRIDGE] = "bridge",
	[KOBJ_CAP_MACVLAN] = "macvlan",
	[KOBJ_CAP_VXLAN] = "vxlan",
	[KOBJ_CAP_VLAN] = "vlan",
	[KOBJ_CAP_VRF] = "vrf",
	[KOBJ_CAP_BOND] = "bond",
	[KOBJ_CAP_BRIDGE_VLAN_FILTERING] = "bridge-vlan-filtering",
	[KOBJ_CAP_DUMMY] = "dummy",
	[KOBJ_CAP_RULE_PROTOCOL] = "rule-protocol",
	[KOBJ_CAP_TBF] = "tbf",
	[KOBJ_CAP_BRPORT_LOCKED] = "bridge-port-locked",
};

const char *kobj_link_kind_name(enum kobj_link_kind k)
{
	return k < KOBJ_LINK_KIND__MAX ? link_kind_names[k] : "?";
}

int kobj_link_kind_from_name(const char *name)
{
	/* "device" and "other" are ours, not kernel kinds. */
	for (int k = KOBJ_LINK_KIND_VETH; k < KOBJ_LINK_KIND_OTHER; k++)
		if (strcmp(name, link_kind_names[k]) == 0)
			return k;
	return KOBJ_LINK_KIND_OTHER;
}

const char *kobj_cap_name(enum kobj_cap c)
{
	return c < KOBJ_CAP__MAX ? cap_names[c] : "?";
}

static bool ipv6_link_local(const struct hn_addr *a)
{
	return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

bool kobj_addr_owned(const struct kobj_addr *a, bool link_owned)
{
	if (a->proto == KOBJ_RTPROT_HOSTNET)
		return true;
	if (!link_owned)
		return false;
	switch (a->proto) {
	case IFAPROT_KERNEL_LO:
	case IFAPROT_KERNEL_RA:
	case IFAPROT_KERNEL_LL:
		return false;
	}
	/* hostnet adds permanent addresses only: one with a lifetime is a
	 * DHCP client's or the kernel's (autoconf; kernels before IFA_PROTO,
	 * 6.1, mark nothing), except the lease of hostnet's own client. */
	if (ipv6_link_local(&a->addr))
		return false;
	return (a->flags & IFA_F_PERMANENT) || a->proto == KOBJ_PROTO_DHCP;
}

const char *kobj_manager_name(enum kobj_manager m)
{
	static const char *const names[KOBJ_MANAGER__MAX] = {
		[KOBJ_MANAGER_NONE] = "",
		[KOBJ_MANAGER_NETWORKD] = "systemd-networkd",
		[KOBJ_MANAGER_NETWORKMANAGER] = "NetworkManager",
		[KOBJ_MANAGER_IFUPDOWN] = "ifupdown",
		[KOBJ_MANAGER_IFUPDOWN2] = "ifupdown2",
	};

	return m < KOBJ_MANAGER__MAX ? names[m] : "?";
}

void kobj_set_clear(struct kobj_set *s)
{
	if (!s)
		return;
	free(s->links);
	free(s->addrs);
	free(s->routes);
	free(s->rules);
	free(s->iscsi);
	free(s->fw);
	*s = (struct kobj_set){ 0 };
}

/* Capacity is 8, then the next power of two, so it need not be stored. */
static int grow(void **v, size_t n, size_t size)
{
	size_t cap;
	void *p;

	if (n == 0)
		cap = 8;
	else if (n >= 8 && (n & (n - 1)) == 0)
		cap = n * 2;
	else
		return 0;
	p = realloc(*v, cap * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	return 0;
}

#define KOBJ_APPEND(arr, n, obj) do {					\
		int r_ = grow((void **)&(arr), (n), sizeof(*(arr)));	\
		if (r_ < 0)						\
			return r_;					\
		(arr)[(n)++] = *(obj);					\
		return 0;						\
	} while (0)

int kobj_set_add_link(struct kobj_set *s, const struct kobj_link *l)
{
	KOBJ_APPEND(s->links, s->n_links, l);
}

int kobj_set_add_addr(struct kobj_set *s, const struct kobj_addr *a)
{
	KOBJ_APPEND(s->addrs, s->n_addrs, a);
}

int kobj_set_add_route(struct kobj_set *s, const struct kobj_route *r)
{
	KOBJ_APPEND(s->routes, s->n_routes, r);
}

int kobj_set_add_rule(struct kobj_set *s, const struct kobj_rule *r)
{
	KOBJ_APPEND(s->rules, s->n_rules, r);
}

int kobj_set_add_iscsi(struct kobj_set *s, const struct kobj_iscsi *r)
{
	KOBJ_APPEND(s->iscsi, s->n_iscsi, r);
}

const struct kobj_link *kobj_set_link_by_index(const struct kobj_set *s, int ifindex)
{
	for (size_t i = 0; i < s->n_links; i++)
		if (s->links[i].ifindex == ifindex)
			return &s->links[i];
	return NULL;
}

const struct kobj_link *kobj_set_link_by_name(const struct kobj_set *s, const char *name)
{
	for (size_t i = 0; i < s->n_links; i++)
		if (strcmp(s->links[i].name, name) == 0)
			return &s->links[i];
	return NULL;
}

static const char *const brport_names[KOBJ_BRPORT__MAX] = {
	[KOBJ_BRPORT_LEARNING] = "learning",
	[KOBJ_BRPORT_FLOOD] = "flood",
	[KOBJ_BRPORT_LOCKED] = "locked",
};

const char *kobj_brport_flag_name(enum kobj_brport_flag f)
{
	return f < KOBJ_BRPORT__MAX ? brport_names[f] : "?";
}

int kobj_brport_flag_from_name(const char *name)
{
	for (int f = 0; name && f < KOBJ_BRPORT__MAX; f++)
		if (strcmp(name, brport_names[f]) == 0)
			return f;
	return -EINVAL;
}

const char *kobj_bond_mode_name(uint8_t mode)
{
	switch (mode) {
	case KOBJ_BOND_ACTIVE_BACKUP:
		return "active-backup";
	case KOBJ_BOND_XOR:
		return "balance-xor";
	}
	return NULL;
}
