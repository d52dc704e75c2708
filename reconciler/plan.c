#include "plan.h"
#include "plan-private.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blast.h"
#include "esc.h"
#include "iscsi.h"
#include "jstream.h"
#include "kobj-fmt.h"
#include "want-json.h"

static const char *op_sign(const struct diff_action *a)
{
	switch (a->op) {
	case DIFF_OP_CREATE: return "+";
	case DIFF_OP_MODIFY: return "~";
	case DIFF_OP_DELETE: return "-";
	case DIFF_OP_ADOPT: return "=";
	case DIFF_OP__MAX: break;
	}
	return "?";
}

static const char *op_color(const struct diff_action *a)
{
	switch (a->op) {
	case DIFF_OP_CREATE: return "\033[32m";
	case DIFF_OP_MODIFY: return "\033[33m";
	case DIFF_OP_DELETE: return "\033[31m";
	case DIFF_OP_ADOPT: return "\033[36m";
	case DIFF_OP__MAX: break;
	}
	return "";
}

static const char *link_kind(const struct want_link *l)
{
	return l->foreign ? "uplink" : kobj_link_kind_name(l->l.kind);
}

static void describe_route(const struct want_route *r, char *buf, size_t size)
{
	char dst[ADDR_STRLEN], gw[ADDR_STRLEN], table[KOBJ_FMT_LEN];
	int n;

	char type[KOBJ_FMT_LEN];

	n = snprintf(buf, size, "route %s%s%s",
		     r->r.type && r->r.type != RTN_UNICAST ? kobj_fmt_route_type(r->r.type, type) : "",
		     r->r.type && r->r.type != RTN_UNICAST ? " " : "",
		     r->r.dst.prefixlen ? addr_format(&r->r.dst, true, dst, sizeof(dst))
		     : r->r.family == AF_INET6 ? "default (ipv6)" : "default");
	if (r->r.gateway.family && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " via %s",
			      addr_format(&r->r.gateway, false, gw, sizeof(gw)));
	if (r->dev[0] && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " dev %s", r->dev);
	if (n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " table %s",
			      kobj_fmt_table(r->r.table, table));
	if (r->r.metric && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " metric %u", r->r.metric);
}

static void describe_rule(const struct want_rule *r, char *buf, size_t size)
{
	char src[ADDR_STRLEN], table[KOBJ_FMT_LEN], sel[160] = "";

	if (r->r.src.family)
		snprintf(sel, sizeof(sel), " from %s", addr_format(&r->r.src, true, src, sizeof(src)));
	if (r->r.oif[0])
		snprintf(sel + strlen(sel), sizeof(sel) - strlen(sel), " oif %s", r->r.oif);
	snprintf(buf, size, "rule%s lookup %s priority %u%s", sel, kobj_fmt_table(r->r.table, table),
		 r->r.priority, r->r.family == AF_INET6 ? " (ipv6)" : "");
}

void plan_describe(const struct diff *d, const struct diff_action *a, char *buf, size_t size)
{
	char addr[ADDR_STRLEN];
	const struct want_link *l;
	const struct want_addr *x;
	const struct want_route *r;
	const struct want_rule *u;

	switch (a->obj) {
	case DIFF_OBJ_LINK:
		if ((l = diff_action_link(d, a))) {
			snprintf(buf, size, "link %s (%s)", l->l.name, link_kind(l));
			return;
		}
		break;
	case DIFF_OBJ_ADDR:
		if ((x = diff_action_addr(d, a))) {
			snprintf(buf, size, "address %s on %s",
				 addr_format(&x->a.addr, true, addr, sizeof(addr)), x->dev);
			return;
		}
		break;
	case DIFF_OBJ_ROUTE:
		if ((r = diff_action_route(d, a))) {
			describe_route(r, buf, size);
			return;
		}
		break;
	case DIFF_OBJ_RULE:
		if ((u = diff_action_rule(d, a))) {
			describe_rule(u, buf, size);
			return;
		}
		break;
	case DIFF_OBJ_ISCSI:
		if ((l = diff_action_iscsi(d, a))) {
			snprintf(buf, size, "iscsi-iface " ISCSI_IFACE_PREFIX "%s", l->l.name);
			return;
		}
		break;
	case DIFF_OBJ_FIREWALL: {
		const struct want_fw *f = diff_action_to_fw(d, a);
		size_t rules = 0;

		/* A rule is a line of the chain that matches an adapter. */
		for (const char *p = f && f->text ? f->text : ""; (p = strstr(p, "\t\tiifname ")); p++)
			rules++;
		if (a->op == DIFF_OP_DELETE)
			snprintf(buf, size, "firewall table inet hostnet");
		else
			snprintf(buf, size, "firewall table inet hostnet (%zu rules)", rules);
		return;
	}
	case DIFF_OBJ__MAX:
		break;
	}
	snprintf(buf, size, "?");
}

static void where(const struct diff *d, const struct diff_action *a, char *buf, size_t size)
{
	const struct hn_loc *loc = diff_action_loc(d, a);

	if (loc)
		snprintf(buf, size, "%s:%u:%u", loc->file, loc->line, loc->col);
	else if (a->op == DIFF_OP_DELETE)
		snprintf(buf, size, "no longer in the profile");
	else
		buf[0] = '\0';
}

/* The attribute lines under an action: "mtu: 1500 -> 9000" for changes,
 * "mtu: 9000" for creations.  `emit` receives each line. */
static void link_details(const struct diff *d, const struct diff_action *a,
			 void (*emit)(void *, const char *), void *arg)
{
	const struct want_link *to = diff_action_to_link(d, a), *from = diff_action_from_link(d, a);
	char line[600], m1[ADDR_MAC_STRLEN], m2[ADDR_MAC_STRLEN];

	if (!to)
		return;

	if (a->op == DIFF_OP_CREATE) {
		if (to->peer[0]) {
			snprintf(line, sizeof(line), "peer: %s", to->peer);
			emit(arg, line);
		}
		if (to->parent[0]) {
			snprintf(line, sizeof(line), "on: %s (bridge mode)", to->parent);
			emit(arg, line);
		}
		if (to->master[0]) {
			snprintf(line, sizeof(line), "master: %s", to->master);
			emit(arg, line);
		}
		if (to->l.mtu) {
			snprintf(line, sizeof(line), "mtu: %u", to->l.mtu);
			emit(arg, line);
		}
		if (to->l.has_mac) {
			snprintf(line, sizeof(line), "mac: %s", addr_format_mac(&to->l.mac, m1, sizeof(m1)));
			emit(arg, line);
		}
		if (to->pvid) {
			snprintf(line, sizeof(line), "vlan: %u (untagged on this port)", to->pvid);
			emit(arg, line);
		}
		snprintf(line, sizeof(line), "state: %s", to->l.admin_up ? "up" : "down");
		emit(arg, line);
		if (to->l.alias[0]) {
			snprintf(line, sizeof(line), "alias: %s", to->l.alias);
			emit(arg, line);
		}
		return;
	}
	if ((a->op != DIFF_OP_MODIFY && a->op != DIFF_OP_ADOPT) || !from)
		return;
	if (a->changed & 1u << WANT_ATTR_MTU) {
		snprintf(line, sizeof(line), "mtu: %u -> %u", from->l.mtu, to->l.mtu);
		emit(arg, line);
	}
	if (a->changed & 1u << WANT_ATTR_MAC) {
		snprintf(line, sizeof(line), "mac: %s -> %s",
			 from->l.has_mac ? addr_format_mac(&from->l.mac, m1, sizeof(m1)) : "-",
			 addr_format_mac(&to->l.mac, m2, sizeof(m2)));
		emit(arg, line);
	}
	if (a->changed & 1u << WANT_ATTR_MASTER) {
		snprintf(line, sizeof(line), "master: %s -> %s", from->master[0] ? from->master : "-",
			 to->master[0] ? to->master : "-");
		emit(arg, line);
	}
	if (a->changed & 1u << WANT_ATTR_STATE) {
		snprintf(line, sizeof(line), "state: %s -> %s", from->l.admin_up ? "up" : "down",
			 to->l.admin_up ? "up" : "down");
		emit(arg, line);
	}
	if (a->changed & 1u << WANT_ATTR_MARK) {
		snprintf(line, sizeof(line), "alias: %s -> %s", from->l.alias[0] ? from->l.alias : "-",
			 to->l.alias);
		emit(arg, line);
	}
}

static void route_details(const struct diff *d, const struct diff_action *a,
			  void (*emit)(void *, const char *), void *arg)
{
	char line[512], x[ADDR_STRLEN], y[ADDR_STRLEN], p1[KOBJ_FMT_LEN], p2[KOBJ_FMT_LEN];
	const struct want_route *to = diff_action_to_route(d, a), *from = diff_action_from_route(d, a);

	if ((a->op != DIFF_OP_MODIFY && a->op != DIFF_OP_ADOPT) || !to || !from)
		return;
	if (addr_cmp(&to->r.gateway, &from->r.gateway)) {
		snprintf(line, sizeof(line), "via: %s -> %s",
			 from->r.gateway.family ? addr_format(&from->r.gateway, false, x, sizeof(x)) : "-",
			 to->r.gateway.family ? addr_format(&to->r.gateway, false, y, sizeof(y)) : "-");
		emit(arg, line);
	}
	if (to->dev[0] && strcmp(to->dev, from->dev)) {
		snprintf(line, sizeof(line), "dev: %s -> %s", from->dev[0] ? from->dev : "-", to->dev);
		emit(arg, line);
	}
	if (to->r.protocol != from->r.protocol) {
		snprintf(line, sizeof(line), "protocol: %s -> %s (hostnet takes the route over)",
			 kobj_fmt_protocol(from->r.protocol, p1), kobj_fmt_protocol(to->r.protocol, p2));
		emit(arg, line);
	}
}

/* An address or a rule changing hands: its protocol. */
static void mark_details(const struct diff *d, const struct diff_action *a,
			 void (*emit)(void *, const char *), void *arg)
{
	char line[128], p1[KOBJ_FMT_LEN], p2[KOBJ_FMT_LEN];
	unsigned was, now;

	if (a->op != DIFF_OP_MODIFY && a->op != DIFF_OP_ADOPT)
		return;
	if (a->obj == DIFF_OBJ_RULE) {
		const struct want_rule *to = diff_action_to_rule(d, a), *from = diff_action_from_rule(d, a);

		if (!to || !from)
			return;
		was = from->r.protocol;
		now = to->r.protocol;
	} else {
		const struct want_addr *to = diff_action_to_addr(d, a), *from = diff_action_from_addr(d, a);

		if (!to || !from)
			return;
		was = from->a.proto;
		now = to->a.proto;
	}
	snprintf(line, sizeof(line), "protocol: %s -> %s", kobj_fmt_protocol((uint8_t)was, p1),
		 kobj_fmt_protocol((uint8_t)now, p2));
	emit(arg, line);
}

static void details(const struct diff *d, const struct diff_action *a,
		    void (*emit)(void *, const char *), void *arg)
{
	if (a->obj == DIFF_OBJ_LINK) {
		link_details(d, a, emit, arg);
		plan_settings_details(d, a, emit, arg);
	}
	else if (a->obj == DIFF_OBJ_ROUTE)
		route_details(d, a, emit, arg);
	else if (a->obj == DIFF_OBJ_RULE || a->obj == DIFF_OBJ_ADDR)
		mark_details(d, a, emit, arg);
	else if (a->obj == DIFF_OBJ_ISCSI && a->op == DIFF_OP_MODIFY)
		emit(arg, "not as hostnet wrote it: rewritten");
}

/* An iSCSI iface record as JSON: its name and the adapter it binds. */
static json_t *json_of_iscsi(const struct want_link *l)
{
	char name[64];

	if (!l)
		return NULL;
	snprintf(name, sizeof(name), ISCSI_IFACE_PREFIX "%s", l->l.name);
	return json_pack("{s:s,s:s}", "record", name, "adapter", l->l.name);
}

void plan_summary(const struct diff *d, char *buf, size_t size)
{
	if (d->n == 0)
		snprintf(buf, size, "No changes. The host matches its profile.");
	else if (d->n_adopt)
		snprintf(buf, size, "Plan: %zu to adopt, %zu to add, %zu to change, %zu to destroy.",
			 d->n_adopt, d->n_create, d->n_modify, d->n_delete);
	else
		snprintf(buf, size, "Plan: %zu to add, %zu to change, %zu to destroy.", d->n_create,
			 d->n_modify, d->n_delete);
}

struct text_out {
	FILE *f;
	const char *indent;
};

static void emit_text(void *arg, const char *line)
{
	struct text_out *t = arg;

	fputs(t->indent, t->f);
	esc_line(t->f, "%s", line);
}

/* The services an action disturbs, as a detail line ("disturbs: management"). */
static void disturbs(const struct blast *b, const struct diff_action *a,
		     void (*emit)(void *, const char *), void *arg)
{
	char list[256], line[300];
	uint32_t s = b ? blast_action(b, a) : 0;

	if (!s)
		return;
	blast_text(s, list, sizeof(list));
	snprintf(line, sizeof(line), "disturbs: %s", list);
	emit(arg, line);
}

void plan_print_text(FILE *f, const struct diff *d, const struct plan_meta *m, bool color)
{
	char desc[512], at[1100], sum[128];
	struct text_out t = { f, "      " };
	struct blast *b = blast_new(d);

	if (d->n) {
		/* Names, aliases and paths come from git and the kernel: every
		 * piece of them is written escaped (esc.h). */
		fputs("hostnet will make these changes to ", f);
		esc_fputs(m->host ? m->host : "this host", f);
		if (m->source) {
			fputs(" (profile ", f);
			esc_fputs(m->source, f);
			fputc(')', f);
		}
		fprintf(f, ":\n\n");
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_action *a = &d->v[i];

		plan_describe(d, a, desc, sizeof(desc));
		where(d, a, at, sizeof(at));
		fprintf(f, "  %s%s %s", color ? op_color(a) : "", op_sign(a),
			a->op == DIFF_OP_ADOPT ? "adopt " : "");
		esc_fputs(desc, f);
		fputs(color ? "\033[0m" : "", f);
		if (at[0]) {
			fputs("  # ", f);
			esc_fputs(at, f);
		}
		fputc('\n', f);
		details(d, a, emit_text, &t);
		disturbs(b, a, emit_text, &t);
	}
	plan_summary(d, sum, sizeof(sum));
	fprintf(f, "%s%s%s%s\n", d->n ? "\n" : "", color ? "\033[1m" : "", sum, color ? "\033[0m" : "");
	if (d->n_adopt)
		fprintf(f, "Adoptions (=) take over, in place, objects hostnet did not make: "
			"'hostnet apply --adopt' does them.\n");
	blast_free(b);
}

static void emit_json(void *arg, const char *line)
{
	json_array_append_new(arg, json_string(line));
}

/* An action's object as JSON, NULL (no member) when it has none. */
static json_t *json_of_link(const struct want_link *l)
{
	return l ? want_json_link(l) : NULL;
}

static json_t *json_of_addr(const struct want_addr *x)
{
	return x ? want_json_addr(x) : NULL;
}

static json_t *json_of_route(const struct want_route *r)
{
	return r ? want_json_route(r) : NULL;
}

static json_t *json_of_rule(const struct want_rule *r)
{
	return r ? want_json_rule(r) : NULL;
}

/* One action: what it does, where the profile asks for it, and its objects. */
static json_t *action_json(const struct diff *d, const struct blast *b, const struct diff_action *a)
{
	char desc[512], at[1100];
	json_t *changes = json_array(), *to = NULL, *from = NULL, *dist = json_array();
	uint32_t hit = b ? blast_action(b, a) : 0;

	plan_describe(d, a, desc, sizeof(desc));
	where(d, a, at, sizeof(at));
	details(d, a, emit_json, changes);
	switch (a->obj) {
	case DIFF_OBJ_LINK:
		to = json_of_link(a->op != DIFF_OP_DELETE ? diff_action_to_link(d, a) : NULL);
		from = json_of_link(a->op != DIFF_OP_CREATE ? diff_action_from_link(d, a) : NULL);
		break;
	case DIFF_OBJ_ADDR:
		to = json_of_addr(a->op != DIFF_OP_DELETE ? diff_action_to_addr(d, a) : NULL);
		from = json_of_addr(a->op != DIFF_OP_CREATE ? diff_action_from_addr(d, a) : NULL);
		break;
	case DIFF_OBJ_ROUTE:
		to = json_of_route(a->op != DIFF_OP_DELETE ? diff_action_to_route(d, a) : NULL);
		from = json_of_route(a->op != DIFF_OP_CREATE ? diff_action_from_route(d, a) : NULL);
		break;
	case DIFF_OBJ_RULE:
		to = json_of_rule(a->op != DIFF_OP_DELETE ? diff_action_to_rule(d, a) : NULL);
		from = json_of_rule(a->op != DIFF_OP_CREATE ? diff_action_from_rule(d, a) : NULL);
		break;
	case DIFF_OBJ_ISCSI:
		to = json_of_iscsi(a->op != DIFF_OP_DELETE ? diff_action_iscsi(d, a) : NULL);
		/* The record found has the same name; only its text differs. */
		from = json_of_iscsi(a->op != DIFF_OP_CREATE ? diff_action_iscsi(d, a) : NULL);
		break;
	case DIFF_OBJ_FIREWALL:
		if (a->op != DIFF_OP_DELETE && diff_action_to_fw(d, a))
			to = json_pack("{s:s?}", "ruleset", diff_action_to_fw(d, a)->text);
		break;
	case DIFF_OBJ__MAX:
		break;
	}
	for (int s = 0; dist && s < PROFILE_SERVICE__MAX; s++)
		if (hit & 1u << s)
			json_array_append_new(dist, json_string(profile_service_name((enum profile_service)s)));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o*,s:o*}", "op", diff_op_name(a->op), "object",
			 diff_obj_name(a->obj), "description", desc, "at", at, "changes", changes,
			 "disturbs", dist, "to", to, "from", from);
}

/* Everything before the actions; "disturbs" counts the actions that
 * disturb each service (only the services some action disturbs). */
static json_t *head_json(const struct diff *d, const struct blast *b, const struct plan_meta *m)
{
	size_t counts[PROFILE_SERVICE__MAX];
	json_t *dist = json_object();
	uint32_t all = b ? blast_diff(b, counts) : 0;

	for (int s = 0; dist && s < PROFILE_SERVICE__MAX; s++)
		if (all & 1u << s)
			json_object_set_new(dist, profile_service_name((enum profile_service)s),
					    json_integer((json_int_t)counts[s]));
	return json_pack("{s:s?,s:s?,s:s?,s:s?,s:{s:I,s:I,s:I,s:I},s:o}", "host", m->host, "source",
			 m->source, "commit", m->commit, "profile_hash", m->profile_hash,
			 "summary", "add", (json_int_t)d->n_create, "change",
			 (json_int_t)d->n_modify, "destroy", (json_int_t)d->n_delete,
			 "adopt", (json_int_t)d->n_adopt, "disturbs", dist);
}

json_t *plan_to_json(const struct diff *d, const struct plan_meta *m)
{
	struct blast *b = blast_new(d);
	json_t *o = b ? head_json(d, b, m) : NULL, *actions = json_array();

	if (!o || json_object_set_new(o, "actions", actions) < 0)
		goto oom;
	for (size_t i = 0; i < d->n; i++)
		if (json_array_append_new(actions, action_json(d, b, &d->v[i])) < 0)
			goto oom;
	blast_free(b);
	return o;
oom:
	blast_free(b);
	json_decref(o);
	return NULL;
}

int plan_print_json(FILE *f, const struct diff *d, const struct plan_meta *m, const json_t *more)
{
	struct blast *b = blast_new(d);
	json_t *head = b ? head_json(d, b, m) : NULL;
	char *text = head ? json_dumps(head, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	size_t len = text ? strlen(text) : 0;
	struct jstream js;
	const char *key;
	json_t *v;
	int r = -ENOMEM;

	/* The head without its closing "\n}": the document goes on. */
	if (len < 2)
		goto out;
	r = -EIO;
	if (fwrite(text, 1, len - 2, f) != len - 2 || fputs(",\n  \"actions\": ", f) == EOF)
		goto out;
	jstream_array_begin(&js, f, 1);
	for (size_t i = 0; i < d->n; i++)
		jstream_array_add(&js, action_json(d, b, &d->v[i]));
	if ((r = jstream_array_end(&js)) < 0)
		goto out;
	json_object_foreach((json_t *)more, key, v) {
		json_t *k = json_string(key);

		r = fputs(",\n  ", f) == EOF ? -EIO : jstream_value(f, k, 1);
		json_decref(k);
		if (r < 0 || (r = fputs(": ", f) == EOF ? -EIO : jstream_value(f, v, 1)) < 0)
			goto out;
	}
	r = fputs("\n}", f) == EOF ? -EIO : 0;
out:
	blast_free(b);
	free(text);
	json_decref(head);
	return r;
}

struct md_out {
	FILE *f;
};

static void emit_md(void *arg, const char *line)
{
	fputs("      ", ((struct md_out *)arg)->f);
	esc_line(((struct md_out *)arg)->f, "%s", line);
}

void plan_print_markdown(FILE *f, const struct diff *d, const struct plan_meta *m)
{
	struct md_out o = { f };
	char desc[512], at[1100], sum[128];
	size_t counts[PROFILE_SERVICE__MAX];
	struct blast *b;
	uint32_t all;

	plan_summary(d, sum, sizeof(sum));
	esc_line(f, "### `%s`: %s", m->host ? m->host : "host", sum);
	fputc('\n', f);
	if (!d->n)
		return;
	b = blast_new(d);
	all = b ? blast_diff(b, counts) : 0;
	if (all) {
		fputs("Disturbs:", f);
		for (int s = 0, k = 0; s < PROFILE_SERVICE__MAX; s++)
			if (all & 1u << s)
				fprintf(f, "%s **%s** (%zu action%s)", k++ ? "," : "",
					profile_service_name((enum profile_service)s), counts[s],
					counts[s] == 1 ? "" : "s");
		fputs("\n\n", f);
	}
	fprintf(f, "<details><summary>%zu action%s", d->n, d->n == 1 ? "" : "s");
	if (m->source) {
		fputs(" from <code>", f);
		esc_fputs(m->source, f);
		fputs("</code>", f);
	}
	fprintf(f, "</summary>\n\n```diff\n");
	for (size_t i = 0; i < d->n; i++) {
		plan_describe(d, &d->v[i], desc, sizeof(desc));
		where(d, &d->v[i], at, sizeof(at));
		esc_line(f, "%s %s%s%s%s", op_sign(&d->v[i]), d->v[i].op == DIFF_OP_ADOPT ? "adopt " : "",
			 desc, at[0] ? "  # " : "", at);
		details(d, &d->v[i], emit_md, &o);
		disturbs(b, &d->v[i], emit_md, &o);
	}
	fprintf(f, "```\n\n</details>\n\n");
	blast_free(b);
}
