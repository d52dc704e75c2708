/* snapblob: a kobj_set as one packed blob; the format is in snapblob.h. */
#include "snapblob.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t magic[4] = { 'H', 'N', 'S', 'B' };

#define BITS_HAS_MAC   1u
#define BITS_ADMIN_UP  2u
#define BITS_OWNED     4u
#define BITS_IS_BRPORT 8u
#define BITS_HAS_RA    16u
#define BITS_ALL       31u

#define TAG_V4   0x40u
#define TAG_V6   0x80u
#define TAG_LEN  0x1fu

/* --- encoding ---------------------------------------------------------- */

struct enc {
	uint8_t *buf;
	size_t len, cap;
	bool nomem;
	struct snapblob_err *err;
	const char *what;
	size_t index;
};

static void enc_bad(struct enc *e, const char *field)
{
	if (e->err->field)
		return;
	e->err->what = e->what;
	e->err->index = e->index;
	e->err->field = field;
}

static uint8_t *enc_room(struct enc *e, size_t n)
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

static void put_bytes(struct enc *e, const void *src, size_t n)
{
	uint8_t *p = enc_room(e, n);

	if (p && n)
		memcpy(p, src, n);
}

static void put_u8(struct enc *e, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put_bytes(e, &b, 1);
}

static void put_uv(struct enc *e, uint64_t v)
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
	put_bytes(e, b, n);
}

/* An int the decoder reads as 0..INT32_MAX. */
static void put_ifindex(struct enc *e, int v, const char *field)
{
	if (v < 0)
		enc_bad(e, field);
	put_uv(e, v < 0 ? 0 : (uint64_t)v);
}

static void put_str(struct enc *e, const char *s, size_t size, const char *field)
{
	size_t n = strnlen(s, size);

	/* Without room for its NUL it could not be loaded back. */
	if (n == size) {
		enc_bad(e, field);
		n = 0;
	}
	put_uv(e, n);
	put_bytes(e, s, n);
}

static size_t ip_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static void put_ip(struct enc *e, const struct hn_addr *a, const char *field)
{
	size_t len = ip_len(a->family), n;
	bool ok = (a->family == 0 || len != 0) && a->prefixlen <= len * 8;

	for (size_t i = len; i < sizeof(a->bytes); i++)
		ok = ok && a->bytes[i] == 0;
	if (!ok) {
		enc_bad(e, field);
		put_u8(e, 0);
		return;
	}
	if (a->family == 0) {
		put_u8(e, 0);
		return;
	}
	for (n = len; n > 0 && a->bytes[n - 1] == 0; n--)
		;
	put_u8(e, (a->family == AF_INET ? TAG_V4 : TAG_V6) | (unsigned)n);
	put_u8(e, a->prefixlen);
	put_bytes(e, a->bytes, n);
}

static void put_link(struct enc *e, const struct kobj_link *l)
{
	unsigned bits = (l->has_mac ? BITS_HAS_MAC : 0) | (l->admin_up ? BITS_ADMIN_UP : 0) |
			(l->owned ? BITS_OWNED : 0) | (l->is_brport ? BITS_IS_BRPORT : 0) |
			(l->has_ra ? BITS_HAS_RA : 0);

	put_ifindex(e, l->ifindex, "ifindex");
	put_str(e, l->name, sizeof(l->name), "name");
	if ((unsigned)l->kind >= KOBJ_LINK_KIND__MAX) {
		enc_bad(e, "kind");
		put_uv(e, 0);
	} else {
		const char *k = kobj_link_kind_name(l->kind);

		put_str(e, k, strlen(k) + 1, "kind");
	}
	put_str(e, l->kind_name, sizeof(l->kind_name), "kind_name");
	put_uv(e, l->mtu);
	put_uv(e, bits);
	/* Without its flag the bytes are meaningless and must be zero. */
	if (l->has_mac)
		put_bytes(e, l->mac.b, sizeof(l->mac.b));
	else if (!addr_mac_is_zero(&l->mac))
		enc_bad(e, "mac");
	put_u8(e, l->operstate);
	put_ifindex(e, l->master, "master");
	put_ifindex(e, l->link, "link");
	put_uv(e, l->group);
	put_str(e, l->alias, sizeof(l->alias), "alias");
	if (l->vlan_id > 4094)
		enc_bad(e, "vlan_id");
	put_uv(e, l->vlan_id);
	put_uv(e, l->vrf_table);
	put_uv(e, l->macvlan_mode);
	put_u8(e, l->bond_mode);
	put_ifindex(e, l->bond_primary, "bond_primary");
	put_str(e, l->qdisc, sizeof(l->qdisc), "qdisc");
	put_uv(e, l->qdisc_handle);
	put_uv(e, l->shaping.rate);
	put_uv(e, l->shaping.peak);
	put_uv(e, l->shaping.burst);
	if (l->brport >> KOBJ_BRPORT__MAX)
		enc_bad(e, "brport");
	put_u8(e, l->brport);
	put_u8(e, l->n_fdb);
	if (l->n_fdb > 0)
		put_bytes(e, l->fdb.b, sizeof(l->fdb.b));
	else if (!addr_mac_is_zero(&l->fdb))
		enc_bad(e, "fdb");
	put_u8(e, l->accept_ra);
	put_u8(e, l->autoconf);
	put_u8(e, l->accept_ra_defrtr);
}

static void put_addr(struct enc *e, const struct kobj_addr *a)
{
	put_ifindex(e, a->ifindex, "ifindex");
	put_ip(e, &a->addr, "addr");
	put_u8(e, a->scope);
	put_uv(e, a->flags);
	put_u8(e, a->proto);
	put_u8(e, a->owned);
}

static void put_route(struct enc *e, const struct kobj_route *rt)
{
	put_u8(e, rt->family);
	put_uv(e, rt->table);
	put_ip(e, &rt->dst, "dst");
	put_ip(e, &rt->gateway, "gateway");
	put_ip(e, &rt->prefsrc, "prefsrc");
	put_ifindex(e, rt->oif, "oif");
	put_uv(e, rt->metric);
	put_u8(e, rt->protocol);
	put_u8(e, rt->scope);
	put_u8(e, rt->type);
	put_u8(e, rt->owned);
}

static void put_rule(struct enc *e, const struct kobj_rule *ru)
{
	put_u8(e, ru->family);
	put_uv(e, ru->priority);
	put_ip(e, &ru->src, "src");
	put_ip(e, &ru->dst, "dst");
	put_str(e, ru->iif, sizeof(ru->iif), "iif");
	put_str(e, ru->oif, sizeof(ru->oif), "oif");
	put_uv(e, ru->table);
	put_u8(e, ru->action);
	put_u8(e, ru->protocol);
	put_uv(e, ru->fwmark);
	put_uv(e, ru->fwmask);
	put_u8(e, ru->owned);
}

int snapblob_encode(uint8_t **out, size_t *out_len, const struct kobj_set *set,
		    struct snapblob_err *err)
{
	struct enc e = { .err = err };

	*err = (struct snapblob_err){ 0 };
	put_bytes(&e, magic, sizeof(magic));
	put_u8(&e, SNAPBLOB_VERSION);
	put_uv(&e, set->n_links);
	put_uv(&e, set->n_addrs);
	put_uv(&e, set->n_routes);
	put_uv(&e, set->n_rules);
	e.what = "link";
	for (e.index = 0; e.index < set->n_links; e.index++)
		put_link(&e, &set->links[e.index]);
	e.what = "address";
	for (e.index = 0; e.index < set->n_addrs; e.index++)
		put_addr(&e, &set->addrs[e.index]);
	e.what = "route";
	for (e.index = 0; e.index < set->n_routes; e.index++)
		put_route(&e, &set->routes[e.index]);
	e.what = "rule";
	for (e.index = 0; e.index < set->n_rules; e.index++)
		put_rule(&e, &set->rules[e.index]);
	if (e.nomem || err->field) {
		free(e.buf);
		return e.nomem ? -ENOMEM : -EINVAL;
	}
	*out = e.buf;
	*out_len = e.len;
	return 0;
}

/* --- decoding ---------------------------------------------------------- */

struct dec {
	const uint8_t *p, *end;
	const char *bad;           /* first field out of range or cut short */
};

static void dec_bad(struct dec *d, const char *field)
{
	if (!d->bad)
		d->bad = field;
	/* Nothing more is read once something is wrong. */
	d->p = d->end;
}

static const uint8_t *get_bytes(struct dec *d, size_t n, const char *field)
{
	const uint8_t *p = d->p;

	if ((size_t)(d->end - d->p) < n) {
		dec_bad(d, field);
		return NULL;
	}
	d->p += n;
	return p;
}

static uint64_t get_u8(struct dec *d, uint64_t max, const char *field)
{
	const uint8_t *p = get_bytes(d, 1, field);

	if (!p)
		return 0;
	if (*p > max) {
		dec_bad(d, field);
		return 0;
	}
	return *p;
}

static uint64_t get_uv(struct dec *d, uint64_t max, const char *field)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 10; i++) {
		const uint8_t *p = get_bytes(d, 1, field);

		if (!p)
			return 0;
		/* The tenth byte holds bit 63 only; a last byte of zero
		 * would be a longer spelling of a shorter number. */
		if ((i == 9 && *p > 1) || (i > 0 && *p == 0)) {
			dec_bad(d, field);
			return 0;
		}
		v |= (uint64_t)(*p & 0x7f) << (7 * i);
		if (!(*p & 0x80)) {
			if (v > max) {
				dec_bad(d, field);
				return 0;
			}
			return v;
		}
	}
	dec_bad(d, field);
	return 0;
}

#define get_u32(d, f)     ((uint32_t)get_uv((d), UINT32_MAX, (f)))
#define get_ifindex(d, f) ((int)get_uv((d), INT32_MAX, (f)))
#define get_bool(d, f)    (get_u8((d), 1, (f)) != 0)
#define get_byte(d, f)    ((uint8_t)get_u8((d), UINT8_MAX, (f)))

static void get_str(struct dec *d, char *dst, size_t size, const char *field)
{
	size_t n = (size_t)get_uv(d, size - 1, field);
	const uint8_t *p = get_bytes(d, n, field);

	dst[0] = '\0';
	if (!p)
		return;
	if (memchr(p, '\0', n)) {
		dec_bad(d, field);
		return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static void get_ip(struct dec *d, struct hn_addr *a, const char *field)
{
	unsigned tag = get_byte(d, field), n = tag & TAG_LEN;
	const uint8_t *p;

	*a = (struct hn_addr){ 0 };
	if (tag == 0)
		return;
	if ((tag & ~(TAG_V4 | TAG_V6 | TAG_LEN)) || (tag & (TAG_V4 | TAG_V6)) == 0 ||
	    (tag & (TAG_V4 | TAG_V6)) == (TAG_V4 | TAG_V6)) {
		dec_bad(d, field);
		return;
	}
	a->family = tag & TAG_V4 ? AF_INET : AF_INET6;
	a->prefixlen = (uint8_t)get_u8(d, ip_len(a->family) * 8, field);
	if (n > ip_len(a->family)) {
		dec_bad(d, field);
		return;
	}
	p = get_bytes(d, n, field);
	if (!p)
		return;
	/* Trailing zero bytes are never written: canonical. */
	if (n > 0 && p[n - 1] == 0) {
		dec_bad(d, field);
		return;
	}
	memcpy(a->bytes, p, n);
}

static void get_mac(struct dec *d, struct hn_mac *m, const char *field)
{
	const uint8_t *p = get_bytes(d, sizeof(m->b), field);

	if (p)
		memcpy(m->b, p, sizeof(m->b));
}

static enum kobj_link_kind get_kind(struct dec *d)
{
	char name[KOBJ_IFNAMSIZ];

	get_str(d, name, sizeof(name), "kind");
	for (int k = 0; k < KOBJ_LINK_KIND__MAX; k++)
		if (strcmp(name, kobj_link_kind_name((enum kobj_link_kind)k)) == 0)
			return (enum kobj_link_kind)k;
	dec_bad(d, "kind");
	return KOBJ_LINK_KIND_OTHER;
}

static int get_link(struct dec *d, struct kobj_set *set)
{
	struct kobj_link l = { 0 };
	unsigned bits;

	l.ifindex = get_ifindex(d, "ifindex");
	get_str(d, l.name, sizeof(l.name), "name");
	l.kind = get_kind(d);
	get_str(d, l.kind_name, sizeof(l.kind_name), "kind_name");
	l.mtu = get_u32(d, "mtu");
	bits = (unsigned)get_uv(d, BITS_ALL, "flags");
	l.has_mac = bits & BITS_HAS_MAC;
	l.admin_up = bits & BITS_ADMIN_UP;
	l.owned = bits & BITS_OWNED;
	l.is_brport = bits & BITS_IS_BRPORT;
	l.has_ra = bits & BITS_HAS_RA;
	if (l.has_mac)
		get_mac(d, &l.mac, "mac");
	l.operstate = get_byte(d, "operstate");
	l.master = get_ifindex(d, "master");
	l.link = get_ifindex(d, "link");
	l.group = get_u32(d, "group");
	get_str(d, l.alias, sizeof(l.alias), "alias");
	l.vlan_id = (uint16_t)get_uv(d, 4094, "vlan_id");
	l.vrf_table = get_u32(d, "vrf_table");
	l.macvlan_mode = get_u32(d, "macvlan_mode");
	l.bond_mode = get_byte(d, "bond_mode");
	l.bond_primary = get_ifindex(d, "bond_primary");
	get_str(d, l.qdisc, sizeof(l.qdisc), "qdisc");
	l.qdisc_handle = get_u32(d, "qdisc_handle");
	l.shaping.rate = get_uv(d, UINT64_MAX, "shaping rate");
	l.shaping.peak = get_uv(d, UINT64_MAX, "shaping peak");
	l.shaping.burst = get_u32(d, "shaping burst");
	l.brport = (uint8_t)get_u8(d, (1u << KOBJ_BRPORT__MAX) - 1, "brport");
	l.n_fdb = get_byte(d, "n_fdb");
	if (l.n_fdb > 0)
		get_mac(d, &l.fdb, "fdb");
	l.accept_ra = get_byte(d, "accept_ra");
	l.autoconf = get_byte(d, "autoconf");
	l.accept_ra_defrtr = get_byte(d, "accept_ra_defrtr");
	return d->bad ? -EUCLEAN : kobj_set_add_link(set, &l);
}

static int get_addr(struct dec *d, struct kobj_set *set)
{
	struct kobj_addr a = { 0 };

	a.ifindex = get_ifindex(d, "ifindex");
	get_ip(d, &a.addr, "addr");
	a.scope = get_byte(d, "scope");
	a.flags = get_u32(d, "flags");
	a.proto = get_byte(d, "proto");
	a.owned = get_bool(d, "owned");
	return d->bad ? -EUCLEAN : kobj_set_add_addr(set, &a);
}

static int get_route(struct dec *d, struct kobj_set *set)
{
	struct kobj_route rt = { 0 };

	rt.family = get_byte(d, "family");
	rt.table = get_u32(d, "table");
	get_ip(d, &rt.dst, "dst");
	get_ip(d, &rt.gateway, "gateway");
	get_ip(d, &rt.prefsrc, "prefsrc");
	rt.oif = get_ifindex(d, "oif");
	rt.metric = get_u32(d, "metric");
	rt.protocol = get_byte(d, "protocol");
	rt.scope = get_byte(d, "scope");
	rt.type = get_byte(d, "type");
	rt.owned = get_bool(d, "owned");
	return d->bad ? -EUCLEAN : kobj_set_add_route(set, &rt);
}

static int get_rule(struct dec *d, struct kobj_set *set)
{
	struct kobj_rule ru = { 0 };

	ru.family = get_byte(d, "family");
	ru.priority = get_u32(d, "priority");
	get_ip(d, &ru.src, "src");
	get_ip(d, &ru.dst, "dst");
	get_str(d, ru.iif, sizeof(ru.iif), "iif");
	get_str(d, ru.oif, sizeof(ru.oif), "oif");
	ru.table = get_u32(d, "table");
	ru.action = get_byte(d, "action");
	ru.protocol = get_byte(d, "protocol");
	ru.fwmark = get_u32(d, "fwmark");
	ru.fwmask = get_u32(d, "fwmask");
	ru.owned = get_bool(d, "owned");
	return d->bad ? -EUCLEAN : kobj_set_add_rule(set, &ru);
}

static const struct {
	const char *what;
	int (*get)(struct dec *d, struct kobj_set *set);
} kinds[] = {
	{ "link", get_link }, { "address", get_addr }, { "route", get_route }, { "rule", get_rule },
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

int snapblob_decode(struct kobj_set *out, const uint8_t *buf, size_t len,
		    struct snapblob_err *err)
{
	struct dec d = { .p = buf, .end = buf + len };
	struct kobj_set set = { 0 };
	uint64_t counts[N_KINDS];
	const uint8_t *p;
	int r = 0;

	*err = (struct snapblob_err){ .what = "blob" };
	p = get_bytes(&d, sizeof(magic), "header");
	if (p && memcmp(p, magic, sizeof(magic)) != 0)
		dec_bad(&d, "header");
	if (get_u8(&d, UINT8_MAX, "header") != SNAPBLOB_VERSION)
		dec_bad(&d, "version");
	/* Every object takes a byte at least: a count above the bytes left
	 * is damage, found before any loop or allocation. */
	for (size_t k = 0; k < N_KINDS; k++)
		counts[k] = get_uv(&d, (uint64_t)(d.end - d.p), "header");
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
