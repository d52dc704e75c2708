/* wantblob: a want as one packed blob; the format is in wantblob.h. */
#include "wantblob.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "profile.h"
#include "snapblob-private.h"

static const uint8_t magic[4] = { 'H', 'N', 'W', 'B' };

#define WBITS_DHCP4          1u
#define WBITS_VLAN_FILTERING 2u
#define WBITS_FOREIGN        4u
#define WBITS_ALL            7u

/* The file names met so far, in order; pointers into the want's strings
 * (encoding) or its arena (decoding). */
struct files {
	const char *v[WANTBLOB_FILES_MAX];
	size_t n;
};

/* --- encoding ---------------------------------------------------------- */

static void put_loc(struct snapblob_enc *e, struct files *f, const struct hn_loc *loc)
{
	size_t k = 0, len;

	if (loc->file) {
		/* Most objects share the file of the one before: look there first. */
		for (k = f->n; k > 0 && f->v[k - 1] != loc->file && strcmp(f->v[k - 1], loc->file); k--)
			;
		len = strlen(loc->file);
		if (k == 0 && (f->n == WANTBLOB_FILES_MAX || len > WANTBLOB_FILE_MAX)) {
			snapblob_enc_bad(e, "at");
		} else if (k == 0) {
			f->v[f->n++] = loc->file;
			k = f->n;
			snapblob_put_uv(e, k);
			snapblob_put_uv(e, len);
			snapblob_put_bytes(e, loc->file, len);
			goto pos;
		}
	}
	snapblob_put_uv(e, k);
pos:
	snapblob_put_uv(e, loc->line);
	snapblob_put_uv(e, loc->col);
}

static void put_name(struct snapblob_enc *e, const char *s, const char *field)
{
	snapblob_put_str(e, s, KOBJ_IFNAMSIZ, field);
}

int wantblob_encode(uint8_t **out, size_t *out_len, const struct want *w,
		    struct snapblob_err *err)
{
	struct snapblob_enc e = { .err = err };
	struct files *f = calloc(1, sizeof(*f));
	unsigned tail;
	size_t n_in_place = 0;

	*err = (struct snapblob_err){ 0 };
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < w->n_links; i++)
		n_in_place += w->links[i].in_place_services != 0;
	snapblob_put_bytes(&e, magic, sizeof(magic));
	tail = snapblob_tail_flags(w->fw.text, w->links, w->n_links, sizeof(*w->links));
	snapblob_put_u8(&e, n_in_place ? WANTBLOB_VERSION_IN_PLACE : tail ? WANTBLOB_VERSION_FW
									 : WANTBLOB_VERSION);
	snapblob_put_uv(&e, w->n_links);
	snapblob_put_uv(&e, w->n_addrs);
	snapblob_put_uv(&e, w->n_routes);
	snapblob_put_uv(&e, w->n_rules);
	snapblob_put_uv(&e, w->tables_n);
	e.what = "want";
	if (w->needs >> KOBJ_CAP__MAX)
		snapblob_enc_bad(&e, "needs");
	snapblob_put_uv(&e, w->needs);
	for (uint32_t i = 0; i < w->tables_n; i++) {
		if (i > 0 && w->tables[i] <= w->tables[i - 1])
			snapblob_enc_bad(&e, "tables");
		snapblob_put_uv(&e, w->tables[i]);
	}
	for (int c = 0; c < KOBJ_CAP__MAX; c++)
		if (w->needs & (1u << c))
			put_loc(&e, f, &w->needs_loc[c]);
	e.what = "link";
	for (e.index = 0; e.index < w->n_links; e.index++) {
		const struct want_link *l = &w->links[e.index];

		if (e.index > 0 && strcmp(l[-1].l.name, l->l.name) >= 0)
			snapblob_enc_bad(&e, "name");
		snapblob_put_link(&e, &l->l);
		put_name(&e, l->master, "master");
		put_name(&e, l->peer, "peer");
		put_name(&e, l->parent, "parent");
		put_name(&e, l->primary, "primary");
		snapblob_put_uv(&e, (l->dhcp4 ? WBITS_DHCP4 : 0) |
				(l->vlan_filtering ? WBITS_VLAN_FILTERING : 0) |
				(l->foreign ? WBITS_FOREIGN : 0));
		if (l->pvid > 4094)
			snapblob_enc_bad(&e, "pvid");
		snapblob_put_uv(&e, l->pvid);
		if (l->manage >> WANT_ATTR__MAX)
			snapblob_enc_bad(&e, "manage");
		snapblob_put_uv(&e, l->manage);
		put_loc(&e, f, &l->loc);
	}
	e.what = "address";
	for (e.index = 0; e.index < w->n_addrs; e.index++) {
		const struct want_addr *a = &w->addrs[e.index];

		put_name(&e, a->dev, "dev");
		snapblob_put_addr(&e, &a->a);
		put_loc(&e, f, &a->loc);
	}
	e.what = "route";
	for (e.index = 0; e.index < w->n_routes; e.index++) {
		const struct want_route *rt = &w->routes[e.index];

		put_name(&e, rt->dev, "dev");
		snapblob_put_route(&e, &rt->r);
		put_loc(&e, f, &rt->loc);
	}
	e.what = "rule";
	for (e.index = 0; e.index < w->n_rules; e.index++) {
		const struct want_rule *ru = &w->rules[e.index];

		snapblob_put_rule(&e, &ru->r);
		put_loc(&e, f, &ru->loc);
	}
	if (n_in_place)
		snapblob_put_u8(&e, tail != 0);
	if (tail) {
		e.what = "tail";
		snapblob_put_tail(&e, tail, w->fw.text, w->links, w->n_links, sizeof(*w->links));
		if (w->fw.text)
			put_loc(&e, f, &w->fw.loc);
	}
	if (n_in_place) {
		e.what = "in place";
		snapblob_put_uv(&e, n_in_place);
		for (e.index = 0; e.index < w->n_links; e.index++) {
			const struct want_link *l = &w->links[e.index];

			if (!l->in_place_services)
				continue;
			if (l->in_place_services >> PROFILE_SERVICE__MAX)
				snapblob_enc_bad(&e, "services");
			snapblob_put_uv(&e, e.index);
			snapblob_put_uv(&e, l->in_place_services);
			put_name(&e, l->in_place_stack, "stack");
		}
	}
	free(f);
	if (e.nomem || err->field) {
		free(e.buf);
		return e.nomem ? -ENOMEM : -EINVAL;
	}
	*out = e.buf;
	*out_len = e.len;
	return 0;
}

/* --- decoding ---------------------------------------------------------- */

struct wdec {
	struct snapblob_dec d;
	struct files files;
	struct want *w;
	bool nomem;
};

static void get_loc(struct wdec *c, struct hn_loc *loc)
{
	struct snapblob_dec *d = &c->d;
	size_t k = (size_t)snapblob_get_uv(d, c->files.n + 1, "at");

	*loc = (struct hn_loc){ 0 };
	if (k == c->files.n + 1) {
		size_t len = (size_t)snapblob_get_uv(d, WANTBLOB_FILE_MAX, "at");
		const uint8_t *p = snapblob_get_bytes(d, len, "at");
		char *s;

		if (!p)
			return;
		if (c->files.n == WANTBLOB_FILES_MAX || memchr(p, '\0', len)) {
			snapblob_dec_bad(d, "at");
			return;
		}
		/* A name met before is referred to by its number: canonical. */
		for (size_t i = 0; i < c->files.n; i++)
			if (strlen(c->files.v[i]) == len && memcmp(c->files.v[i], p, len) == 0) {
				snapblob_dec_bad(d, "at");
				return;
			}
		if ((!c->w->arena && !(c->w->arena = arena_new())) ||
		    !(s = arena_strndup(c->w->arena, (const char *)p, len))) {
			c->nomem = true;
			snapblob_dec_bad(d, "at");
			return;
		}
		c->files.v[c->files.n++] = s;
	}
	if (k > 0 && !d->bad)
		loc->file = c->files.v[k - 1];
	loc->line = (unsigned)snapblob_get_uv(d, UINT32_MAX, "at");
	loc->col = (unsigned)snapblob_get_uv(d, UINT32_MAX, "at");
}

static void get_name(struct snapblob_dec *d, char dst[KOBJ_IFNAMSIZ], const char *field)
{
	snapblob_get_str(d, dst, KOBJ_IFNAMSIZ, field);
}

static void get_link(struct wdec *c, size_t i)
{
	struct want_link *l = &c->w->links[i];
	struct snapblob_dec *d = &c->d;
	unsigned bits;

	snapblob_get_link(d, &l->l);
	get_name(d, l->master, "master");
	get_name(d, l->peer, "peer");
	get_name(d, l->parent, "parent");
	get_name(d, l->primary, "primary");
	bits = (unsigned)snapblob_get_uv(d, WBITS_ALL, "flags");
	l->dhcp4 = bits & WBITS_DHCP4;
	l->vlan_filtering = bits & WBITS_VLAN_FILTERING;
	l->foreign = bits & WBITS_FOREIGN;
	l->pvid = (uint16_t)snapblob_get_uv(d, 4094, "pvid");
	l->manage = (uint32_t)snapblob_get_uv(d, (1u << WANT_ATTR__MAX) - 1, "manage");
	get_loc(c, &l->loc);
	if (!d->bad && (!l->l.name[0] || (i > 0 && strcmp(l[-1].l.name, l->l.name) >= 0)))
		snapblob_dec_bad(d, "name");
}

/* Version 3's adapters in place: at least one, links in ascending order. */
static void get_in_place(struct wdec *c, struct snapblob_err *err)
{
	struct snapblob_dec *d = &c->d;
	size_t n = c->w->n_links;
	uint64_t count;
	uint64_t next = 0;

	err->what = "in place";
	count = snapblob_get_uv(d, n, "count");
	if (!d->bad && !count)
		snapblob_dec_bad(d, "count");   /* canonical: that is version 1 or 2 */
	for (uint64_t k = 0; k < count && !d->bad; k++) {
		uint64_t i = snapblob_get_uv(d, n ? n - 1 : 0, "link");
		struct want_link *l;

		if (d->bad || i < next) {
			snapblob_dec_bad(d, "link");
			break;
		}
		next = i + 1;
		l = &c->w->links[i];
		err->index = (size_t)i;
		l->in_place_services = (uint32_t)snapblob_get_uv(d, (1u << PROFILE_SERVICE__MAX) - 1,
								 "services");
		if (!d->bad && !l->in_place_services)
			snapblob_dec_bad(d, "services");
		get_name(d, l->in_place_stack, "stack");
	}
}

static void get_addr(struct wdec *c, size_t i)
{
	struct want_addr *a = &c->w->addrs[i];

	get_name(&c->d, a->dev, "dev");
	snapblob_get_addr(&c->d, &a->a);
	get_loc(c, &a->loc);
	if (!c->d.bad && !a->dev[0])
		snapblob_dec_bad(&c->d, "dev");
}

static void get_route(struct wdec *c, size_t i)
{
	struct want_route *rt = &c->w->routes[i];

	get_name(&c->d, rt->dev, "dev");
	snapblob_get_route(&c->d, &rt->r);
	get_loc(c, &rt->loc);
}

static void get_rule(struct wdec *c, size_t i)
{
	struct want_rule *ru = &c->w->rules[i];

	snapblob_get_rule(&c->d, &ru->r);
	get_loc(c, &ru->loc);
}

/* Every object takes a byte at least, so a count above the bytes left is
 * damage, found before the allocation it would size. */
static void *get_array(struct wdec *c, uint64_t n, size_t size)
{
	void *p;

	if (c->d.bad || n > (uint64_t)(c->d.end - c->d.p)) {
		snapblob_dec_bad(&c->d, "header");
		return NULL;
	}
	p = calloc((size_t)n + 1, size);
	if (!p) {
		c->nomem = true;
		snapblob_dec_bad(&c->d, "header");
	}
	return p;
}

int wantblob_decode(struct want *out, const uint8_t *buf, size_t len,
		    struct snapblob_err *err)
{
	struct want w = { 0 };
	struct wdec *c = calloc(1, sizeof(*c));
	struct snapblob_dec *d;
	uint64_t n[5];
	const uint8_t *p;
	unsigned version;
	int r = 0;

	*err = (struct snapblob_err){ .what = "blob" };
	if (!c)
		return -ENOMEM;
	c->d = (struct snapblob_dec){ .p = buf, .end = buf + len };
	c->w = &w;
	d = &c->d;
	p = snapblob_get_bytes(d, sizeof(magic), "header");
	if (p && memcmp(p, magic, sizeof(magic)) != 0)
		snapblob_dec_bad(d, "header");
	version = (unsigned)snapblob_get_u8(d, UINT8_MAX, "header");
	if (version != WANTBLOB_VERSION && version != WANTBLOB_VERSION_FW &&
	    version != WANTBLOB_VERSION_IN_PLACE)
		snapblob_dec_bad(d, "version");
	for (size_t k = 0; k < 5; k++)
		n[k] = snapblob_get_uv(d, (uint64_t)(d->end - d->p), "header");
	w.needs = (uint32_t)snapblob_get_uv(d, (1u << KOBJ_CAP__MAX) - 1, "needs");
	w.links = get_array(c, n[0], sizeof(*w.links));
	w.addrs = get_array(c, n[1], sizeof(*w.addrs));
	w.routes = get_array(c, n[2], sizeof(*w.routes));
	w.rules = get_array(c, n[3], sizeof(*w.rules));
	w.tables = get_array(c, n[4], sizeof(*w.tables));
	err->what = "want";
	for (uint64_t i = 0; i < n[4] && !d->bad; i++) {
		w.tables[i] = (uint32_t)snapblob_get_uv(d, UINT32_MAX, "tables");
		if (i > 0 && w.tables[i] <= w.tables[i - 1])
			snapblob_dec_bad(d, "tables");
		w.tables_n = (uint32_t)i + 1;
	}
	for (int k = 0; k < KOBJ_CAP__MAX && !d->bad; k++)
		if (w.needs & (1u << k))
			get_loc(c, &w.needs_loc[k]);
#define WB_LIST(what_, arr, cnt, count, fn)					\
	for (uint64_t i = 0; i < (count) && !d->bad; i++) {			\
		err->what = (what_);						\
		err->index = (size_t)i;						\
		fn(c, (size_t)i);						\
		w.cnt = (size_t)i + 1;						\
	}
	WB_LIST("link", links, n_links, n[0], get_link);
	WB_LIST("address", addrs, n_addrs, n[1], get_addr);
	WB_LIST("route", routes, n_routes, n[2], get_route);
	WB_LIST("rule", rules, n_rules, n[3], get_rule);
#undef WB_LIST
	if (!d->bad && (version == WANTBLOB_VERSION_FW ||
			(version == WANTBLOB_VERSION_IN_PLACE && snapblob_get_u8(d, 1, "tail")))) {
		err->what = "tail";
		if (!snapblob_get_tail(d, &w.fw.text, w.links, w.n_links, sizeof(*w.links)))
			c->nomem = true;
		else if (!d->bad && w.fw.text)
			get_loc(c, &w.fw.loc);
	}
	if (!d->bad && version == WANTBLOB_VERSION_IN_PLACE)
		get_in_place(c, err);
	if (!d->bad && d->p != d->end) {
		*err = (struct snapblob_err){ "blob", len - (size_t)(d->end - d->p), "end" };
		r = -EUCLEAN;
	} else if (d->bad) {
		err->field = d->bad;
		r = c->nomem ? -ENOMEM : -EUCLEAN;
	}
	free(c);
	if (r < 0) {
		want_clear(&w);
		return r;
	}
	*out = w;
	return 0;
}
