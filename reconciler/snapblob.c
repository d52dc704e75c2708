/* snapblob: a kobj_set as one packed blob; the format is in snapblob.h. */
#include "snapblob.h"
#include "snapblob-private.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

static const uint8_t magic[4] = { 'H', 'N', 'S', 'B' };

#define BITS_HAS_MAC   1u
#define BITS_ADMIN_UP  2u
#define BITS_OWNED     4u
#define BITS_IS_BRPORT 8u
#define BITS_HAS_RA    16u
/* A bond's failure detection follows the link's other fields.  A flag, not
 * a new version: blobs without it (every one written before) read as they
 * always did. */
#define BITS_BOND_MON  32u
/* A bridge port's VLANs, after the bond's detection; a flag for the same
 * reason. */
#define BITS_BRVLAN    64u
#define BITS_ALL       127u

#define TAG_V4   0x40u
#define TAG_V6   0x80u
#define TAG_LEN  0x1fu

/* --- encoding ---------------------------------------------------------- */

void snapblob_enc_bad(struct snapblob_enc *e, const char *field)
{
	if (e->err->field)
		return;
	e->err->what = e->what;
	e->err->index = e->index;
	e->err->field = field;
}

static uint8_t *snapblob_enc_room(struct snapblob_enc *e, size_t n)
{
	if (e->nomem)
		return NULL;
	if (e->cap - e->len < n) {
		size_t cap = e->cap ? e->cap : 4096;
		uint8_t *p;

		while (cap - e->len < n)
			cap *= 2;
		p = realloc(e->buf, cap);
		if (!p) {
			e->nomem = true;
			return NULL;
		}
		e->buf = p;
		e->cap = cap;
	}
	e->len += n;
	return e->buf + e->len - n;
}

void snapblob_put_bytes(struct snapblob_enc *e, const void *src, size_t n)
{
	uint8_t *p = snapblob_enc_room(e, n);

	if (p && n)
		memcpy(p, src, n);
}

void snapblob_put_u8(struct snapblob_enc *e, unsigned v)
{
	uint8_t b = (uint8_t)v;

	snapblob_put_bytes(e, &b, 1);
}

void snapblob_put_uv(struct snapblob_enc *e, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;

	do {
		b[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	snapblob_put_bytes(e, b, n);
}

/* An int the decoder reads as 0..INT32_MAX. */
void snapblob_put_ifindex(struct snapblob_enc *e, int v, const char *field)
{
	if (v < 0)
		snapblob_enc_bad(e, field);
	snapblob_put_uv(e, v < 0 ? 0 : (uint64_t)v);
}

void snapblob_put_str(struct snapblob_enc *e, const char *s, size_t size, const char *field)
{
	size_t n = strnlen(s, size);

	/* Without room for its NUL it could not be loaded back. */
	if (n == size) {
		snapblob_enc_bad(e, field);
		n = 0;
	}
	snapblob_put_uv(e, n);
	snapblob_put_bytes(e, s, n);
}

static size_t ip_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

void snapblob_put_ip(struct snapblob_enc *e, const struct hn_addr *a, const char *field)
{
	size_t len = ip_len(a->family), n;
	bool ok = (a->family == 0 || len != 0) && a->prefixlen <= len * 8;

	for (size_t i = len; i < sizeof(a->bytes); i++)
		ok = ok && a->bytes[i] == 0;
	if (!ok) {
		snapblob_enc_bad(e, field);
		snapblob_put_u8(e, 0);
		return;
	}
	if (a->family == 0) {
		snapblob_put_u8(e, 0);
		return;
	}
	for (n = len; n > 0 && a->bytes[n - 1] == 0; n--)
		;
	snapblob_put_u8(e, (a->family == AF_INET ? TAG_V4 : TAG_V6) | (unsigned)n);
	snapblob_put_u8(e, a->prefixlen);
	snapblob_put_bytes(e, a->bytes, n);
}

void snapblob_put_link(struct snapblob_enc *e, const struct kobj_link *l)
{
	unsigned bits = (l->has_mac ? BITS_HAS_MAC : 0) | (l->admin_up ? BITS_ADMIN_UP : 0) |
			(l->owned ? BITS_OWNED : 0) | (l->is_brport ? BITS_IS_BRPORT : 0) |
			(l->has_ra ? BITS_HAS_RA : 0) |
			(kobj_bond_mon_is_zero(&l->bond_mon) ? 0 : BITS_BOND_MON) |
			(l->has_brvlan ? BITS_BRVLAN : 0);

	snapblob_put_ifindex(e, l->ifindex, "ifindex");
	snapblob_put_str(e, l->name, sizeof(l->name), "name");
	if ((unsigned)l->kind >= KOBJ_LINK_KIND__MAX) {
		snapblob_enc_bad(e, "kind");
		snapblob_put_uv(e, 0);
	} else {
		const char *k = kobj_link_kind_name(l->kind);

		snapblob_put_str(e, k, strlen(k) + 1, "kind");
	}
	snapblob_put_str(e, l->kind_name, sizeof(l->kind_name), "kind_name");
	snapblob_put_uv(e, l->mtu);
	snapblob_put_uv(e, bits);
	/* Without its flag the bytes are meaningless and must be zero. */
	if (l->has_mac)
		snapblob_put_bytes(e, l->mac.b, sizeof(l->mac.b));
	else if (!addr_mac_is_zero(&l->mac))
		snapblob_enc_bad(e, "mac");
	snapblob_put_u8(e, l->operstate);
	snapblob_put_ifindex(e, l->master, "master");
	snapblob_put_ifindex(e, l->link, "link");
	snapblob_put_uv(e, l->group);
	snapblob_put_str(e, l->alias, sizeof(l->alias), "alias");
	if (l->vlan_id > 4094)
		snapblob_enc_bad(e, "vlan_id");
	snapblob_put_uv(e, l->vlan_id);
	snapblob_put_uv(e, l->vrf_table);
	snapblob_put_uv(e, l->macvlan_mode);
	snapblob_put_u8(e, l->bond_mode);
	snapblob_put_ifindex(e, l->bond_primary, "bond_primary");
	snapblob_put_str(e, l->qdisc, sizeof(l->qdisc), "qdisc");
	snapblob_put_uv(e, l->qdisc_handle);
	snapblob_put_uv(e, l->shaping.rate);
	snapblob_put_uv(e, l->shaping.peak);
	snapblob_put_uv(e, l->shaping.burst);
	if (l->brport >> KOBJ_BRPORT__MAX)
		snapblob_enc_bad(e, "brport");
	snapblob_put_u8(e, l->brport);
	snapblob_put_u8(e, l->n_fdb);
	if (l->n_fdb > 0)
		snapblob_put_bytes(e, l->fdb.b, sizeof(l->fdb.b));
	else if (!addr_mac_is_zero(&l->fdb))
		snapblob_enc_bad(e, "fdb");
	snapblob_put_u8(e, l->accept_ra);
	snapblob_put_u8(e, l->autoconf);
	snapblob_put_u8(e, l->accept_ra_defrtr);
	if (!kobj_bond_mon_is_zero(&l->bond_mon)) {
		snapblob_put_uv(e, l->bond_mon.miimon);
		snapblob_put_uv(e, l->bond_mon.arp_interval);
		snapblob_put_uv(e, l->bond_mon.arp_validate);
		if (l->bond_mon.n_targets > KOBJ_BOND_ARP_TARGETS)
			snapblob_enc_bad(e, "bond_mon");
		snapblob_put_u8(e, l->bond_mon.n_targets);
		for (size_t i = 0; i < l->bond_mon.n_targets && i < KOBJ_BOND_ARP_TARGETS; i++)
			snapblob_put_bytes(e, &l->bond_mon.targets[i], 4);
	}
	if (l->has_brvlan) {
		if (l->brvlan.pvid > 4094 || l->brvlan.n > KOBJ_BRVLAN_MAX)
			snapblob_enc_bad(e, "brvlan");
		snapblob_put_uv(e, l->brvlan.pvid);
		snapblob_put_u8(e, l->brvlan.n);
		for (size_t i = 0; i < l->brvlan.n && i < KOBJ_BRVLAN_MAX; i++) {
			if (l->brvlan.vids[i] == 0 || l->brvlan.vids[i] > 4094 ||
			    l->brvlan.vids[i] == l->brvlan.pvid ||
			    (i > 0 && l->brvlan.vids[i] <= l->brvlan.vids[i - 1]))
				snapblob_enc_bad(e, "brvlan");
			snapblob_put_uv(e, l->brvlan.vids[i]);
		}
	} else if (l->brvlan.pvid || l->brvlan.n) {
		snapblob_enc_bad(e, "brvlan");
	}
}

void snapblob_put_addr(struct snapblob_enc *e, const struct kobj_addr *a)
{
	snapblob_put_ifindex(e, a->ifindex, "ifindex");
	snapblob_put_ip(e, &a->addr, "addr");
	snapblob_put_u8(e, a->scope);
	snapblob_put_uv(e, a->flags);
	snapblob_put_u8(e, a->proto);
	snapblob_put_u8(e, a->owned);
}

void snapblob_put_route(struct snapblob_enc *e, const struct kobj_route *rt)
{
	snapblob_put_u8(e, rt->family);
	snapblob_put_uv(e, rt->table);
	snapblob_put_ip(e, &rt->dst, "dst");
	snapblob_put_ip(e, &rt->gateway, "gateway");
	snapblob_put_ip(e, &rt->prefsrc, "prefsrc");
	snapblob_put_ifindex(e, rt->oif, "oif");
	snapblob_put_uv(e, rt->metric);
	snapblob_put_u8(e, rt->protocol);
	snapblob_put_u8(e, rt->scope);
	snapblob_put_u8(e, rt->type);
	snapblob_put_u8(e, rt->owned);
}

void snapblob_put_rule(struct snapblob_enc *e, const struct kobj_rule *ru)
{
	snapblob_put_u8(e, ru->family);
	snapblob_put_uv(e, ru->priority);
	snapblob_put_ip(e, &ru->src, "src");
	snapblob_put_ip(e, &ru->dst, "dst");
	snapblob_put_str(e, ru->iif, sizeof(ru->iif), "iif");
	snapblob_put_str(e, ru->oif, sizeof(ru->oif), "oif");
	snapblob_put_uv(e, ru->table);
	snapblob_put_u8(e, ru->action);
	snapblob_put_u8(e, ru->protocol);
	snapblob_put_uv(e, ru->fwmark);
	snapblob_put_uv(e, ru->fwmask);
	snapblob_put_u8(e, ru->owned);
}

int snapblob_encode(uint8_t **out, size_t *out_len, const struct kobj_set *set,
		    struct snapblob_err *err)
{
	struct snapblob_enc e = { .err = err };
	unsigned tail;

	*err = (struct snapblob_err){ 0 };
	snapblob_put_bytes(&e, magic, sizeof(magic));
	tail = snapblob_tail_flags(set->fw, set->links, set->n_links, sizeof(*set->links));
	snapblob_put_u8(&e, tail ? SNAPBLOB_VERSION_FW : SNAPBLOB_VERSION);
	snapblob_put_uv(&e, set->n_links);
	snapblob_put_uv(&e, set->n_addrs);
	snapblob_put_uv(&e, set->n_routes);
	snapblob_put_uv(&e, set->n_rules);
	e.what = "link";
	for (e.index = 0; e.index < set->n_links; e.index++)
		snapblob_put_link(&e, &set->links[e.index]);
	e.what = "address";
	for (e.index = 0; e.index < set->n_addrs; e.index++)
		snapblob_put_addr(&e, &set->addrs[e.index]);
	e.what = "route";
	for (e.index = 0; e.index < set->n_routes; e.index++)
		snapblob_put_route(&e, &set->routes[e.index]);
	e.what = "rule";
	for (e.index = 0; e.index < set->n_rules; e.index++)
		snapblob_put_rule(&e, &set->rules[e.index]);
	e.what = "tail";
	if (tail)
		snapblob_put_tail(&e, tail, set->fw, set->links, set->n_links, sizeof(*set->links));
	if (e.nomem || err->field) {
		free(e.buf);
		return e.nomem ? -ENOMEM : -EINVAL;
	}
	*out = e.buf;
	*out_len = e.len;
	return 0;
}

/* --- decoding ---------------------------------------------------------- */

void snapblob_dec_bad(struct snapblob_dec *d, const char *field)
{
	if (!d->bad)
		d->bad = field;
	/* Nothing more is read once something is wrong. */
	d->p = d->end;
}

const uint8_t *snapblob_get_bytes(struct snapblob_dec *d, size_t n, const char *field)
{
	const uint8_t *p = d->p;

	if ((size_t)(d->end - d->p) < n) {
		snapblob_dec_bad(d, field);
		return NULL;
	}
	d->p += n;
	return p;
}

uint64_t snapblob_get_u8(struct snapblob_dec *d, uint64_t max, const char *field)
{
	const uint8_t *p = snapblob_get_bytes(d, 1, field);

	if (!p)
		return 0;
	if (*p > max) {
		snapblob_dec_bad(d, field);
		return 0;
	}
	return *p;
}

uint64_t snapblob_get_uv(struct snapblob_dec *d, uint64_t max, const char *field)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 10; i++) {
		const uint8_t *p = snapblob_get_bytes(d, 1, field);

		if (!p)
			return 0;
		/* The tenth byte holds bit 63 only; a last byte of zero
		 * would be a longer spelling of a shorter number. */
		if ((i == 9 && *p > 1) || (i > 0 && *p == 0)) {
			snapblob_dec_bad(d, field);
			return 0;
		}
		v |= (uint64_t)(*p & 0x7f) << (7 * i);
		if (!(*p & 0x80)) {
			if (v > max) {
				snapblob_dec_bad(d, field);
				return 0;
			}
			return v;
		}
	}
	snapblob_dec_bad(d, field);
	return 0;
}

void snapblob_get_str(struct snapblob_dec *d, char *dst, size_t size, const char *field)
{
	size_t n = (size_t)snapblob_get_uv(d, size - 1, field);
	const uint8_t *p = snapblob_get_bytes(d, n, field);

	dst[0] = '\0';
	if (!p)
		return;
	if (memchr(p, '\0', n)) {
		snapblob_dec_bad(d, field);
		return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
}

void snapblob_put_text(struct snapblob_enc *e, const char *s, const char *field)
{
	size_t n = strlen(s);

	if (n == 0)
		snapblob_enc_bad(e, field);
	snapblob_put_uv(e, n);
	snapblob_put_bytes(e, s, n);
}

bool snapblob_get_text(struct snapblob_dec *d, char **out, const char *field)
{
	size_t n = (size_t)snapblob_get_uv(d, (uint64_t)(d->end - d->p), field);
	const uint8_t *p = snapblob_get_bytes(d, n, field);

	*out = NULL;
	if (!p)
		return true;
	if (n == 0 || memchr(p, '\0', n)) {
		snapblob_dec_bad(d, field);
		return true;
	}
	*out = malloc(n + 1);
	if (!*out) {
		snapblob_dec_bad(d, field);
		return false;
	}
	memcpy(*out, p, n);
	(*out)[n] = '\0';
	return true;
}

static struct kobj_link *link_at(const void *links, size_t i, size_t stride)
{
	return (struct kobj_link *)((uintptr_t)links + i * stride);
}

unsigned snapblob_tail_flags(const char *fw, const void *links, size_t n, size_t stride)
{
	unsigned flags = fw ? SNAPBLOB_TAIL_FW : 0;

	for (size_t i = 0; i < n; i++)
		if (link_at(links, i, stride)->has_arp)
			flags |= SNAPBLOB_TAIL_ARP;
	return flags;
}

void snapblob_put_tail(struct snapblob_enc *e, unsigned flags, const char *fw, const void *links,
		       size_t n, size_t stride)
{
	snapblob_put_u8(e, flags);
	if (flags & SNAPBLOB_TAIL_FW)
		snapblob_put_text(e, fw, "ruleset");
	if (!(flags & SNAPBLOB_TAIL_ARP))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct kobj_link *l = link_at(links, i, stride);

		snapblob_put_u8(e, l->has_arp);
		if (!l->has_arp)
			continue;
		snapblob_put_u8(e, l->arp_ignore);
		snapblob_put_u8(e, l->arp_announce);
		snapblob_put_u8(e, l->rp_filter);
	}
}

bool snapblob_get_tail(struct snapblob_dec *d, char **fw, void *links, size_t n, size_t stride)
{
	unsigned flags = (unsigned)snapblob_get_u8(d, SNAPBLOB_TAIL_FW | SNAPBLOB_TAIL_ARP, "tail");
	bool any = false;

	if (!d->bad && !flags)
		snapblob_dec_bad(d, "tail");   /* that is version 1 */
	if (!d->bad && (flags & SNAPBLOB_TAIL_FW) && !snapblob_get_text(d, fw, "ruleset"))
		return false;
	if (d->bad || !(flags & SNAPBLOB_TAIL_ARP))
		return true;
	for (size_t i = 0; i < n && !d->bad; i++) {
		struct kobj_link *l = link_at(links, i, stride);

		l->has_arp = snapblob_get_u8(d, 1, "has_arp");
		if (!l->has_arp)
			continue;
		any = true;
		l->arp_ignore = (uint8_t)snapblob_get_u8(d, UINT8_MAX, "arp_ignore");
		l->arp_announce = (uint8_t)snapblob_get_u8(d, UINT8_MAX, "arp_announce");
		l->rp_filter = (uint8_t)snapblob_get_u8(d, UINT8_MAX, "rp_filter");
	}
	if (!d->bad && !any)
		snapblob_dec_bad(d, "tail");   /* canonical: the flag means some */
	return true;
}

void snapblob_get_ip(struct snapblob_dec *d, struct hn_addr *a, const char *field)
{
	unsigned tag = snapblob_get_byte(d, field), n = tag & TAG_LEN;
	const uint8_t *p;

	*a = (struct hn_addr){ 0 };
	if (tag == 0)
		return;
	if ((tag & ~(TAG_V4 | TAG_V6 | TAG_LEN)) || (tag & (TAG_V4 | TAG_V6)) == 0 ||
	    (tag & (TAG_V4 | TAG_V6)) == (TAG_V4 | TAG_V6)) {
		snapblob_dec_bad(d, field);
		return;
	}
	a->family = tag & TAG_V4 ? AF_INET : AF_INET6;
	a->prefixlen = (uint8_t)snapblob_get_u8(d, ip_len(a->family) * 8, field);
	if (n > ip_len(a->family)) {
		snapblob_dec_bad(d, field);
		return;
	}
	p = snapblob_get_bytes(d, n, field);
	if (!p)
		return;
	/* Trailing zero bytes are never written: canonical. */
	if (n > 0 && p[n - 1] == 0) {
		snapblob_dec_bad(d, field);
		return;
	}
	memcpy(a->bytes, p, n);
}

static void snapblob_get_mac(struct snapblob_dec *d, struct hn_mac *m, const char *field)
{
	const uint8_t *p = snapblob_get_bytes(d, sizeof(m->b), field);

	if (p)
		memcpy(m->b, p, sizeof(m->b));
}

static enum kobj_link_kind snapblob_get_kind(struct snapblob_dec *d)
{
	char name[KOBJ_IFNAMSIZ];

	snapblob_get_str(d, name, sizeof(name), "kind");
	for (int k = 0; k < KOBJ_LINK_KIND__MAX; k++)
		if (strcmp(name, kobj_link_kind_name((enum kobj_link_kind)k)) == 0)
			return (enum kobj_link_kind)k;
	snapblob_dec_bad(d, "kind");
	return KOBJ_LINK_KIND_OTHER;
}

void snapblob_get_link(struct snapblob_dec *d, struct kobj_link *out)
{
	unsigned bits;

	*out = (struct kobj_link){ 0 };
	out->ifindex = snapblob_get_ifindex(d, "ifindex");
	snapblob_get_str(d, out->name, sizeof(out->name), "name");
	out->kind = snapblob_get_kind(d);
	snapblob_get_str(d, out->kind_name, sizeof(out->kind_name), "kind_name");
	out->mtu = snapblob_get_u32(d, "mtu");
	bits = (unsigned)snapblob_get_uv(d, BITS_ALL, "flags");
	out->has_mac = bits & BITS_HAS_MAC;
	out->admin_up = bits & BITS_ADMIN_UP;
	out->owned = bits & BITS_OWNED;
	out->is_brport = bits & BITS_IS_BRPORT;
	out->has_ra = bits & BITS_HAS_RA;
	if (out->has_mac)
		snapblob_get_mac(d, &out->mac, "mac");
	out->operstate = snapblob_get_byte(d, "operstate");
	out->master = snapblob_get_ifindex(d, "master");
	out->link = snapblob_get_ifindex(d, "link");
	out->group = snapblob_get_u32(d, "group");
	snapblob_get_str(d, out->alias, sizeof(out->alias), "alias");
	out->vlan_id = (uint16_t)snapblob_get_uv(d, 4094, "vlan_id");
	out->vrf_table = snapblob_get_u32(d, "vrf_table");
	out->macvlan_mode = snapblob_get_u32(d, "macvlan_mode");
	out->bond_mode = snapblob_get_byte(d, "bond_mode");
	out->bond_primary = snapblob_get_ifindex(d, "bond_primary");
	snapblob_get_str(d, out->qdisc, sizeof(out->qdisc), "qdisc");
	out->qdisc_handle = snapblob_get_u32(d, "qdisc_handle");
	out->shaping.rate = snapblob_get_uv(d, UINT64_MAX, "shaping rate");
	out->shaping.peak = snapblob_get_uv(d, UINT64_MAX, "shaping peak");
	out->shaping.burst = snapblob_get_u32(d, "shaping burst");
	out->brport = (uint8_t)snapblob_get_u8(d, (1u << KOBJ_BRPORT__MAX) - 1, "brport");
	out->n_fdb = snapblob_get_byte(d, "n_fdb");
	if (out->n_fdb > 0)
		snapblob_get_mac(d, &out->fdb, "fdb");
	out->accept_ra = snapblob_get_byte(d, "accept_ra");
	out->autoconf = snapblob_get_byte(d, "autoconf");
	out->accept_ra_defrtr = snapblob_get_byte(d, "accept_ra_defrtr");
	if (bits & BITS_BOND_MON) {
		struct kobj_bond_mon *m = &out->bond_mon;

		m->miimon = snapblob_get_u32(d, "miimon");
		m->arp_interval = snapblob_get_u32(d, "arp_interval");
		m->arp_validate = snapblob_get_u32(d, "arp_validate");
		m->n_targets = (uint8_t)snapblob_get_u8(d, KOBJ_BOND_ARP_TARGETS, "arp_targets");
		for (size_t i = 0; i < m->n_targets; i++) {
			const uint8_t *p = snapblob_get_bytes(d, 4, "arp_targets");

			if (p)
				memcpy(&m->targets[i], p, 4);
			/* Written ascending, without duplicates: anything else
			 * would not encode back to the same bytes. */
			if (i > 0 && ntohl(m->targets[i]) <= ntohl(m->targets[i - 1]))
				snapblob_dec_bad(d, "arp_targets");
		}
		if (kobj_bond_mon_is_zero(m))
			snapblob_dec_bad(d, "bond_mon");
	}
	out->has_brvlan = bits & BITS_BRVLAN;
	if (out->has_brvlan) {
		struct kobj_brvlan *v = &out->brvlan;

		v->pvid = (uint16_t)snapblob_get_uv(d, 4094, "brvlan");
		v->n = (uint8_t)snapblob_get_u8(d, KOBJ_BRVLAN_MAX, "brvlan");
		for (size_t i = 0; i < v->n; i++) {
			v->vids[i] = (uint16_t)snapblob_get_uv(d, 4094, "brvlan");
			/* Ascending, neither 0 nor the PVID: the only encoding. */
			if (v->vids[i] == 0 || v->vids[i] == v->pvid ||
			    (i > 0 && v->vids[i] <= v->vids[i - 1]))
				snapblob_dec_bad(d, "brvlan");
		}
	}
}

void snapblob_get_addr(struct snapblob_dec *d, struct kobj_addr *out)
{
	*out = (struct kobj_addr){ 0 };

	out->ifindex = snapblob_get_ifindex(d, "ifindex");
	snapblob_get_ip(d, &out->addr, "addr");
	out->scope = snapblob_get_byte(d, "scope");
	out->flags = snapblob_get_u32(d, "flags");
	out->proto = snapblob_get_byte(d, "proto");
	out->owned = snapblob_get_bool(d, "owned");
}

void snapblob_get_route(struct snapblob_dec *d, struct kobj_route *out)
{
	*out = (struct kobj_route){ 0 };

	out->family = snapblob_get_byte(d, "family");
	out->table = snapblob_get_u32(d, "table");
	snapblob_get_ip(d, &out->dst, "dst");
	snapblob_get_ip(d, &out->gateway, "gateway");
	snapblob_get_ip(d, &out->prefsrc, "prefsrc");
	out->oif = snapblob_get_ifindex(d, "oif");
	out->metric = snapblob_get_u32(d, "metric");
	out->protocol = snapblob_get_byte(d, "protocol");
	out->scope = snapblob_get_byte(d, "scope");
	out->type = snapblob_get_byte(d, "type");
	out->owned = snapblob_get_bool(d, "owned");
}

void snapblob_get_rule(struct snapblob_dec *d, struct kobj_rule *out)
{
	*out = (struct kobj_rule){ 0 };

	out->family = snapblob_get_byte(d, "family");
	out->priority = snapblob_get_u32(d, "priority");
	snapblob_get_ip(d, &out->src, "src");
	snapblob_get_ip(d, &out->dst, "dst");
	snapblob_get_str(d, out->iif, sizeof(out->iif), "iif");
	snapblob_get_str(d, out->oif, sizeof(out->oif), "oif");
	out->table = snapblob_get_u32(d, "table");
	out->action = snapblob_get_byte(d, "action");
	out->protocol = snapblob_get_byte(d, "protocol");
	out->fwmark = snapblob_get_u32(d, "fwmark");
	out->fwmask = snapblob_get_u32(d, "fwmask");
	out->owned = snapblob_get_bool(d, "owned");
}

#define SNAPBLOB_ADDER(kind, type)						\
	static int add_##kind(struct snapblob_dec *d, struct kobj_set *set)	\
	{									\
		struct type o;							\
										\
		snapblob_get_##kind(d, &o);					\
		return d->bad ? -EUCLEAN : kobj_set_add_##kind(set, &o);	\
	}
SNAPBLOB_ADDER(link, kobj_link)
SNAPBLOB_ADDER(addr, kobj_addr)
SNAPBLOB_ADDER(route, kobj_route)
SNAPBLOB_ADDER(rule, kobj_rule)

static const struct {
	const char *what;
	int (*get)(struct snapblob_dec *d, struct kobj_set *set);
} kinds[] = {
	{ "link", add_link }, { "address", add_addr }, { "route", add_route }, { "rule", add_rule },
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

int snapblob_decode(struct kobj_set *out, const uint8_t *buf, size_t len,
		    struct snapblob_err *err)
{
	struct snapblob_dec d = { .p = buf, .end = buf + len };
	struct kobj_set set = { 0 };
	uint64_t counts[N_KINDS];
	const uint8_t *p;
	unsigned version;
	int r = 0;

	*err = (struct snapblob_err){ .what = "blob" };
	p = snapblob_get_bytes(&d, sizeof(magic), "header");
	if (p && memcmp(p, magic, sizeof(magic)) != 0)
		snapblob_dec_bad(&d, "header");
	version = (unsigned)snapblob_get_u8(&d, UINT8_MAX, "header");
	if (version != SNAPBLOB_VERSION && version != SNAPBLOB_VERSION_FW)
		snapblob_dec_bad(&d, "version");
	/* Every object takes a byte at least: a count above the bytes left
	 * is damage, found before any loop or allocation. */
	for (size_t k = 0; k < N_KINDS; k++)
		counts[k] = snapblob_get_uv(&d, (uint64_t)(d.end - d.p), "header");
	if (d.bad) {
		err->field = d.bad;
		return -EUCLEAN;
	}
	for (size_t k = 0; k < N_KINDS && r >= 0; k++) {
		for (uint64_t i = 0; i < counts[k] && r >= 0; i++) {
			r = kinds[k].get(&d, &set);
			if (r == -EUCLEAN)
				*err = (struct snapblob_err){ kinds[k].what, (size_t)i, d.bad };
		}
	}
	if (r >= 0 && version == SNAPBLOB_VERSION_FW) {
		if (!snapblob_get_tail(&d, &set.fw, set.links, set.n_links, sizeof(*set.links)))
			r = -ENOMEM;
		else if (d.bad) {
			*err = (struct snapblob_err){ "tail", 0, d.bad };
			r = -EUCLEAN;
		}
	}
	if (r >= 0 && d.p != d.end) {
		*err = (struct snapblob_err){ "blob", len - (size_t)(d.end - d.p), "end" };
		r = -EUCLEAN;
	}
	if (r < 0) {
		kobj_set_clear(&set);
		return r;
	}
	*out = set;
	return 0;
}
