/* hostnet show: the observed host, in the views esxcli gives an ESXi admin
 * (network ip interface list, ipv4 get, route ipv4 list, netstack list). */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd.h"
#include "kobj-fmt.h"
#include "kobj-json.h"
#include "jstream.h"
#include "kobj.h"
#include "profile.h"
#include "stats.h"
#include "store.h"
#include "table.h"
#include "units.h"
#include "view.h"

struct show_out {
	struct table *t;   /* text */
	bool j;            /* --json: an array of objects, each written when made */
	struct jstream js;
	bool failed;
};

static const char *link_name(const struct view *v, int ifindex)
{
	const struct kobj_link *l = ifindex ? view_link(v, ifindex) : NULL;

	return l ? l->name : NULL;
}

static const char *fmt_addr(const struct hn_addr *a, bool prefix, char *buf)
{
	return a->family ? addr_format(a, prefix, buf, ADDR_STRLEN) : NULL;
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Adds one record: text cells, and the same values as a JSON object whose
 * keys are the lower-case headers. */
static void emit(struct show_out *o, const char *const *keys, const char *const *cells,
		 json_t *extra)
{
	if (o->j) {
		json_t *obj = json_object();

		/* Columns in table order as strings, then typed values (numbers,
		 * booleans) replace theirs in place. */
		for (size_t i = 0; obj && keys[i]; i++)
			if (json_object_set_new(obj, keys[i], jstr(cells[i])) < 0)
				o->failed = true;
		if (extra && obj && json_object_update(obj, extra) < 0)
			o->failed = true;
		json_decref(extra);
		jstream_array_add(&o->js, obj);
		return;
	}
	json_decref(extra);
	if (table_add(o->t, cells) < 0)
		o->failed = true;
}

static void services_text(uint32_t services, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
		if (!(services & (1u << s)))
			continue;
		if (buf[0])
			strncat(buf, ",", size - strlen(buf) - 1);
		strncat(buf, profile_service_name((enum profile_service)s), size - strlen(buf) - 1);
	}
}

static void show_adapters(struct show_out *o, const struct view *v)
{
	static const char *const keys[] = {
		"name", "enabled", "oper", "mtu", "mac", "switch", "stack", "services", NULL,
	};

	for (size_t i = 0; i < v->n_adapters; i++) {
		const struct view_adapter *a = &v->adapters[i];
		char mac[ADDR_MAC_STRLEN], mtu[16], svc[256];
		json_t *extra = NULL;

		snprintf(mtu, sizeof(mtu), "%u", a->link->mtu);
		services_text(a->mark.services, svc, sizeof(svc));
		const char *cells[] = {
			a->link->name, a->link->admin_up ? "true" : "false",
			kobj_fmt_operstate(a->link->operstate), mtu,
			a->link->has_mac ? addr_format_mac(&a->link->mac, mac, sizeof(mac)) : NULL,
			a->sw ? a->sw->name : a->uplink ? a->uplink->name : NULL, a->stack, svc,
		};
		if (o->j) {
			json_t *sv = json_array();

			extra = json_pack("{s:b,s:I,s:o*}", "enabled", a->link->admin_up, "mtu",
					  (json_int_t)a->link->mtu, "table",
					  a->table ? json_integer(a->table) : NULL);
			for (int s = 0; sv && s < PROFILE_SERVICE__MAX; s++)
				if (a->mark.services & (1u << s))
					json_array_append_new(sv, json_string(profile_service_name(s)));
			if (!extra || !sv || json_object_set_new(extra, "services", sv) < 0)
				o->failed = true;
		}
		emit(o, keys, cells, extra);
	}
}

/* show adapters --stats: each adapter's counters, labelled with its services. */
static const char *const stats_headers[] = {
	"NAME", "SERVICES", "RX_BYTES", "RX_PACKETS", "RX_ERRORS", "RX_DROPPED",
	"TX_BYTES", "TX_PACKETS", "TX_ERRORS", "TX_DROPPED", NULL,
};

static void show_adapter_stats(struct show_out *o, const struct view *v, const struct stats_set *st)
{
	static const char *const keys[] = { "name", "services", NULL };

	for (size_t i = 0; i < v->n_adapters; i++) {
		const struct view_adapter *a = &v->adapters[i];
		const struct stats_link *sl = stats_find(st, a->link->ifindex, a->link->name);
		char svc[256], num[STATS__MAX][24];
		const char *cells[2 + STATS__MAX] = { a->link->name, svc };
		json_t *extra = NULL, *counters = json_object(), *sv = json_array();

		services_text(a->mark.services, svc, sizeof(svc));
		for (int c = 0; c < STATS__MAX; c++) {
			snprintf(num[c], sizeof(num[c]), "%llu", sl ? (unsigned long long)sl->v[c] : 0ull);
			cells[2 + c] = sl ? num[c] : NULL;
			if (counters && sl)
				json_object_set_new(counters, stats_counter_name((enum stats_counter)c),
						    json_integer((json_int_t)sl->v[c]));
		}
		for (int k = 0; sv && k < PROFILE_SERVICE__MAX; k++)
			if (a->mark.services & (1u << k))
				json_array_append_new(sv, json_string(profile_service_name(k)));
		if (o->j) {
			extra = json_pack("{s:o,s:o}", "services", sv, "stats", sl ? counters : json_null());
			if (!sl)
				json_decref(counters);
			if (!extra)
				o->failed = true;
		} else {
			json_decref(sv);
			json_decref(counters);
		}
		emit(o, keys, cells, extra);
	}
}

static void add_word(char *buf, size_t size, const char *word)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n ? " " : "", word);
}

/* The SETTINGS cell: what hostnet manages beyond the basic columns, only
 * where it says something: tbf shaping, a bond's mode and primary, a
 * bridge port's flags and static FDB entry, and RA settings that differ
 * from the kernel's default (1).  --json has every value. */
static void settings_text(const struct view *v, const struct kobj_link *l, char *buf, size_t size)
{
	char w[128], r1[32], r2[32], b[32];

	buf[0] = '\0';
	if (strcmp(l->qdisc, "tbf") == 0) {
		/* Written as the profile writes them: "1gbit", "100mb". */
		units_format_rate(l->shaping.rate * 8, r1, sizeof(r1));
		units_format_rate(l->shaping.peak * 8, r2, sizeof(r2));
		units_format_size(l->shaping.burst, b, sizeof(b));
		snprintf(w, sizeof(w), "shape=%s%s%s,burst=%s", r1, l->shaping.peak ? "/" : "",
			 l->shaping.peak ? r2 : "", b);
		add_word(buf, size, w);
	}
	if (l->kind == KOBJ_LINK_KIND_BOND) {
		const char *mode = kobj_bond_mode_name(l->bond_mode);
		const char *primary = link_name(v, l->bond_primary);

		if (mode)
			snprintf(w, sizeof(w), "bond=%s", mode);
		else
			snprintf(w, sizeof(w), "bond=mode%u", l->bond_mode);
		add_word(buf, size, w);
		if (primary) {
			snprintf(w, sizeof(w), "primary=%s", primary);
			add_word(buf, size, w);
		}
	}
	if (l->is_brport) {
		snprintf(w, sizeof(w), "port=");
		for (int f = 0; f < KOBJ_BRPORT__MAX; f++)
			if (l->brport & (1u << f))
				snprintf(w + strlen(w), sizeof(w) - strlen(w), "%s%s",
					 w[5] ? "," : "", kobj_brport_flag_name((enum kobj_brport_flag)f));
		if (!w[5])
			snprintf(w + 5, sizeof(w) - 5, "none");
		add_word(buf, size, w);
	}
	if (l->n_fdb) {
		char mac[ADDR_MAC_STRLEN];

		snprintf(w, sizeof(w), "fdb=%s", addr_format_mac(&l->fdb, mac, sizeof(mac)));
		if (l->n_fdb > 1)
			snprintf(w + strlen(w), sizeof(w) - strlen(w), "+%u", l->n_fdb - 1u);
		add_word(buf, size, w);
	}
	if (l->has_ra) {
		static const char *const names[] = { "accept_ra", "autoconf", "accept_ra_defrtr" };
		const uint8_t vals[] = { l->accept_ra, l->autoconf, l->accept_ra_defrtr };

		for (size_t k = 0; k < sizeof(vals); k++)
			if (vals[k] != 1) {
				snprintf(w, sizeof(w), "%s=%u", names[k], vals[k]);
				add_word(buf, size, w);
			}
	}
}

/* Every setting, typed; null for what the link does not have. */
static json_t *settings_json(const struct view *v, const struct kobj_link *l)
{
	char mac[ADDR_MAC_STRLEN];
	json_t *flags = kobj_json_brport(l->brport), *o;
	o = json_pack("{s:o,s:I,s:o,s:o,s:o,s:o}",
		      "qdisc", jstr(l->qdisc[0] ? l->qdisc : NULL),
		      "qdisc_handle", (json_int_t)l->qdisc_handle,
		      "shaping", strcmp(l->qdisc, "tbf") != 0 ? json_null()
			: json_pack("{s:I,s:I,s:I}", "rate", (json_int_t)l->shaping.rate,
				    "peak", (json_int_t)l->shaping.peak,
				    "burst", (json_int_t)l->shaping.burst),
		      "bond", l->kind != KOBJ_LINK_KIND_BOND ? json_null()
			: json_pack("{s:i,s:o,s:o}", "mode_number", l->bond_mode,
				    "mode", jstr(kobj_bond_mode_name(l->bond_mode)),
				    "primary", jstr(link_name(v, l->bond_primary))),
		      "bridge_port", !l->is_brport ? json_null()
			: json_pack("{s:O,s:i,s:o}", "flags", flags, "n_fdb", l->n_fdb,
				    "fdb", jstr(l->n_fdb ? addr_format_mac(&l->fdb, mac, sizeof(mac)) : NULL)),
		      "ipv6_ra", !l->has_ra ? json_null()
			: json_pack("{s:i,s:i,s:i}", "accept_ra", l->accept_ra,
				    "autoconf", l->autoconf, "accept_ra_defrtr", l->accept_ra_defrtr));
	json_decref(flags);
	return o;
}

static void show_interfaces(struct show_out *o, const struct view *v)
{
	static const char *const keys[] = {
		"name", "index", "kind", "enabled", "oper", "mtu", "mac", "master", "owned", "settings",
		"alias", NULL,
	};

	for (size_t i = 0; i < v->set->n_links; i++) {
		const struct kobj_link *l = v->by_index[i];
		char idx[16], mtu[16], mac[ADDR_MAC_STRLEN], settings[512];
		json_t *extra = NULL;

		/* Before the cells: whether it is empty decides its cell. */
		settings_text(v, l, settings, sizeof(settings));
		const char *cells[] = {
			l->name, idx, l->kind == KOBJ_LINK_KIND_OTHER ? l->kind_name
								       : kobj_link_kind_name(l->kind),
			l->admin_up ? "true" : "false", kobj_fmt_operstate(l->operstate), mtu,
			l->has_mac ? addr_format_mac(&l->mac, mac, sizeof(mac)) : NULL,
			link_name(v, l->master), l->owned ? "yes" : "no", settings[0] ? settings : NULL,
			l->alias[0] ? l->alias : NULL,
		};

		snprintf(idx, sizeof(idx), "%d", l->ifindex);
		snprintf(mtu, sizeof(mtu), "%u", l->mtu);
		if (o->j) {
			json_t *set = settings_json(v, l);

			extra = json_pack("{s:i,s:b,s:I,s:b,s:I}", "index", l->ifindex, "enabled",
					  l->admin_up, "mtu", (json_int_t)l->mtu, "owned", l->owned,
					  "group", (json_int_t)l->group);
			if (!extra || !set || json_object_update(extra, set) < 0)
				o->failed = true;
			json_decref(set);
		}
		emit(o, keys, cells, extra);
	}
}

static void show_addresses(struct show_out *o, const struct view *v)
{
	static const char *const keys[] = { "interface", "family", "address", "scope", "owned", NULL };

	for (size_t i = 0; i < v->set->n_addrs; i++) {
		const struct kobj_addr *a = &v->set->addrs[i];
		char buf[ADDR_STRLEN], scope[KOBJ_FMT_LEN];
		json_t *extra = NULL;
		const char *cells[] = {
			link_name(v, a->ifindex), a->addr.family == AF_INET6 ? "ipv6" : "ipv4",
			addr_format(&a->addr, true, buf, sizeof(buf)), kobj_fmt_scope(a->scope, scope),
			a->owned ? "yes" : "no",
		};

		if (o->j)
			extra = json_pack("{s:b}", "owned", a->owned);
		emit(o, keys, cells, extra);
	}
}

static void show_routes(struct show_out *o, const struct view *v)
{
	static const char *const keys[] = {
		"table", "destination", "gateway", "interface", "metric", "protocol", "scope",
		"type", "source", "owned", NULL,
	};

	for (size_t i = 0; i < v->set->n_routes; i++) {
		const struct kobj_route *r = &v->set->routes[i];
		char table[KOBJ_FMT_LEN], dst[ADDR_STRLEN], gw[ADDR_STRLEN], src[ADDR_STRLEN];
		char metric[16], proto[KOBJ_FMT_LEN], scope[KOBJ_FMT_LEN], type[KOBJ_FMT_LEN];
		json_t *extra = NULL;
		const char *cells[] = {
			kobj_fmt_table(r->table, table),
			r->dst.prefixlen ? addr_format(&r->dst, true, dst, sizeof(dst)) : "default",
			fmt_addr(&r->gateway, false, gw), link_name(v, r->oif), metric,
			kobj_fmt_protocol(r->protocol, proto), kobj_fmt_scope(r->scope, scope),
			kobj_fmt_route_type(r->type, type), fmt_addr(&r->prefsrc, false, src),
			r->owned ? "yes" : "no",
		};

		snprintf(metric, sizeof(metric), "%u", r->metric);
		if (o->j) {
			extra = json_pack("{s:I,s:I,s:b,s:s}", "table", (json_int_t)r->table, "metric",
					  (json_int_t)r->metric, "owned", r->owned, "family",
					  r->family == AF_INET6 ? "ipv6" : "ipv4");
			if (extra && !r->dst.prefixlen)
				json_object_set_new(extra, "destination",
						    json_string(addr_format(&r->dst, true, dst, sizeof(dst))));
		}
		emit(o, keys, cells, extra);
	}
}

static void show_stacks(struct show_out *o, const struct view *v)
{
	static const char *const keys[] = { "stack", "table", "adapters", "gateway4", "gateway6", NULL };

	for (size_t i = 0; i < v->n_stacks; i++) {
		const struct view_stack *s = &v->stacks[i];
		char table[KOBJ_FMT_LEN], n[16], g4[ADDR_STRLEN], g6[ADDR_STRLEN];
		json_t *extra = NULL;
		const char *cells[] = {
			s->name, s->table ? kobj_fmt_table(s->table, table) : NULL, n,
			s->gw4 ? fmt_addr(&s->gw4->gateway, false, g4) : NULL,
			s->gw6 ? fmt_addr(&s->gw6->gateway, false, g6) : NULL,
		};

		snprintf(n, sizeof(n), "%zu", s->n_adapters);
		if (o->j)
			extra = json_pack("{s:o*,s:I}", "table", s->table ? json_integer(s->table) : NULL,
					  "adapters", (json_int_t)s->n_adapters);
		emit(o, keys, cells, extra);
	}
}

static const struct {
	const char *name;
	void (*fn)(struct show_out *o, const struct view *v);
	const char *const *headers;
} views[] = {
	{ "adapters", show_adapters,
	  (const char *const[]){ "NAME", "ENABLED", "OPER", "MTU", "MAC", "SWITCH", "STACK", "SERVICES", NULL } },
	{ "interfaces", show_interfaces,
	  (const char *const[]){ "NAME", "INDEX", "KIND", "ENABLED", "OPER", "MTU", "MAC", "MASTER", "OWNED", "SETTINGS", "ALIAS", NULL } },
	{ "addresses", show_addresses,
	  (const char *const[]){ "INTERFACE", "FAMILY", "ADDRESS", "SCOPE", "OWNED", NULL } },
	{ "routes", show_routes,
	  (const char *const[]){ "TABLE", "DESTINATION", "GATEWAY", "INTERFACE", "METRIC", "PROTOCOL", "SCOPE", "TYPE", "SOURCE", "OWNED", NULL } },
	{ "stacks", show_stacks,
	  (const char *const[]){ "STACK", "TABLE", "ADAPTERS", "GATEWAY4", "GATEWAY6", NULL } },
};

/* A recorded snapshot instead of the kernel: what the host had then. */
static int load_snapshot(struct kobj_set *out, const struct cmd_state_opts *so, const char *arg)
{
	struct store *st;
	char *end, *err = NULL;
	long long id = strtoll(arg, &end, 10);
	int r;

	if (!*arg || *end || id <= 0) {
		cmd_fail("show", "--snapshot: '%s' is not a snapshot id", arg);
		return -EINVAL;
	}
	st = cmd_open_state("show", so, STORE_READONLY);
	if (!st)
		return -EIO;
	r = store_snapshot_load(out, NULL, st, id, &err);
	if (r < 0)
		cmd_fail("show", "%s", err ? err : strerror(-r));
	free(err);
	store_close(st);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet show adapters|interfaces|addresses|routes|stacks|services|firewall\n"
		   "                    [--json] [--stats] [--snapshot ID] [--repo PATH [--ref REF]]\n"
		   "                    [--host H] [--state PATH]\n"
		   "\nThe host as the kernel has it now (nothing is changed):\n"
		   "  adapters    VMkernel adapters hostnet manages, with switch, stack, services\n"
		   "  interfaces  every link; OWNED marks hostnet's, SETTINGS shows shaping,\n"
		   "              bonds, bridge port flags and static FDB entries, and IPv6 RA\n"
		   "              settings that differ from the kernel's default\n"
		   "  addresses   IPv4 and IPv6 addresses\n"
		   "  routes      routes of every table, IPv4 and IPv6\n"
		   "  stacks      TCP/IP stacks: table, adapters, default gateways\n"
		   "  services    each service's adapter, addresses, stack, gateways, MTU, from\n"
		   "              the last applied generation, or --repo and --ref, or a profile\n"
		   "              FILE ('hostnet show services --help')\n"
		   "  firewall    the service firewall's counters: accepted per adapter and\n"
		   "              service, dropped per adapter (table inet hostnet)\n"
		   "  --json      one JSON array of objects, for scripts\n"
		   "  --stats     with adapters: rx/tx bytes, packets, errors and drops of each\n"
		   "              adapter (the kernel's 64-bit counters), with its services\n"
		   "  --snapshot ID  show a snapshot recorded by 'hostnet observe' instead\n"
		   "                 (read from the state database)\n"
		   "  --repo PATH, --ref REF, --host H  services: read the profile from git\n");
}

/* The view named on the command line (the first operand), before parsing:
 * "services" reads the desired state and has options of its own. */
static const char *view_operand(int argc, char **argv)
{
	static const char *const with_arg[] = { "--state", "--lock-timeout", "--snapshot", "--repo",
						"--ref", "--host", NULL };

	for (int i = 1; i < argc; i++) {
		bool takes = false;

		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (argv[i][0] != '-')
			return argv[i];
		for (size_t k = 0; with_arg[k]; k++)
			takes |= strcmp(argv[i], with_arg[k]) == 0;
		i += takes;
	}
	return NULL;
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "snapshot", required_argument, NULL, 'S' },
		{ "stats", no_argument, NULL, 's' },
		{ 0 },
	};
	struct kobj_set set = { 0 };
	struct view v = { 0 };
	struct want want = { 0 };
	struct show_out o = { 0 };
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("show", usage, &so, CMD_OPT_STATE);
	const char *snapshot = NULL;
	struct stats_set st = { 0 };
	char msg[256];
	bool json = false, stats = false;
	int c, r, which = -1, rc = CMD_EXIT_ERROR;
	const char *view = view_operand(argc, argv);

	if (view && strcmp(view, "services") == 0)
		return cmd_show_services(argc, argv);
	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'S': snapshot = optarg; break;
		case 's': stats = true; break;
		default: return p.exit;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (strcmp(argv[optind], "firewall") == 0) {
		if (!snapshot)
			return cmd_show_firewall(json);
		cmd_fail("show", "firewall: the counters are the kernel's now; a snapshot has none");
		return CMD_EXIT_ERROR;
	}
	for (size_t i = 0; i < sizeof(views) / sizeof(*views); i++)
		if (strcmp(argv[optind], views[i].name) == 0)
			which = (int)i;
	if (which < 0) {
		cmd_fail("show", "unknown view '%s' (adapters, interfaces, addresses, routes, stacks, "
			 "services, firewall)", argv[optind]);
		return CMD_EXIT_ERROR;
	}
	if (stats && (strcmp(views[which].name, "adapters") != 0 || snapshot)) {
		cmd_fail("show", "--stats: only 'show adapters', from the kernel (a snapshot has no "
			 "counters)");
		return CMD_EXIT_ERROR;
	}
	if (snapshot ? load_snapshot(&set, &so, snapshot) < 0 : cmd_read_kernel("show", &set) < 0)
		goto out;
	if (stats && stats_read(&st, msg, sizeof(msg)) < 0) {
		cmd_fail("show", "%s", msg);
		goto out;
	}
	/* The kernel now, and what only the applied generation knows: the
	 * services of adapters in place (a snapshot is read as it was). */
	if ((!snapshot && cmd_applied_want(&so, &want) < 0) || view_build_want(&v, &set, &want) < 0)
		goto oom;
	if (json) {
		o.j = true;
		jstream_array_begin(&o.js, stdout, 0);
	} else if (!(o.t = table_new(stats ? stats_headers : views[which].headers))) {
		goto oom;
	}
	if (stats)
		show_adapter_stats(&o, &v, &st);
	else
		views[which].fn(&o, &v);
	if (o.j) {
		/* Streamed: what was written stays, but the exit status tells. */
		r = jstream_array_end(&o.js);
		if (r == -ENOMEM || (r == 0 && o.failed))
			goto oom;
		if (r < 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
			cmd_fail("show", "cannot write the output: %s", strerror(errno));
		else
			rc = CMD_EXIT_OK;
		goto out;
	}
	if (o.failed)
		goto oom;
	table_print(o.t, stdout);
	rc = CMD_EXIT_OK;
	goto out;
oom:
	cmd_fail("show", "out of memory");
out:
	table_free(o.t);
	stats_set_clear(&st);
	view_clear(&v);
	want_clear(&want);
	kobj_set_clear(&set);
	return rc;
}
