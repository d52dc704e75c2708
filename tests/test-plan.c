/* plan.c and want-json.c: a diff as people and programs read it (text,
 * Markdown, JSON), and the desired state as JSON and back.  Pure. */
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <sys/socket.h>

#include <jansson.h>

#include "testutil.h"

#include "diff.h"
#include "kobj.h"
#include "plan.h"
#include "realize.h"
#include "want-json.h"

#define BIT(a) (1u << (a))

/* Every kind of object realize makes: a VLAN-filtering bridge, veth and
 * macvlan adapters (a fixed MAC, one down), a VRF, a table stack with a
 * table past 255, IPv4 and IPv6 everywhere. */
#define FULL_PROFILE								\
	"apiVersion: hostnet/v1\n"						\
	"kind: HostProfile\n"							\
	"host: esx05\n"								\
	"uplinks:\n"								\
	"  - {name: eth1, mtu: 9000}\n"						\
	"  - {name: eth2}\n"							\
	"  - {name: eth5, mtu: 1500, state: up}\n"				\
	"switches:\n"								\
	"  - {name: vs0, mtu: 9000, uplinks: [eth1, eth2]}\n"			\
	"portgroups:\n"								\
	"  - {name: Management, switch: vs0, vlan: 10}\n"			\
	"  - {name: vMotion, switch: vs0}\n"					\
	"  - {name: NFS, switch: vs0, vlan: 31}\n"				\
	"stacks:\n"								\
	"  - name: default\n"							\
	"    gateway: {ipv4: 192.0.2.1, ipv6: \"2001:db8::1\"}\n"		\
	"  - name: vmotion\n"							\
	"    table: 4000000\n"							\
	"    gateway: {ipv4: 198.51.100.1}\n"					\
	"  - name: storage\n"							\
	"    table: 200\n"							\
	"    isolation: vrf\n"							\
	"adapters:\n"								\
	"  - name: vmk0\n"							\
	"    portgroup: Management\n"						\
	"    services: [management]\n"						\
	"    mac: \"02:00:5e:10:00:01\"\n"					\
	"    ipv4: [192.0.2.10/24]\n"						\
	"    ipv6: [\"2001:db8::10/64\"]\n"					\
	"  - name: vmk1\n"							\
	"    portgroup: vMotion\n"						\
	"    services: [vmotion]\n"						\
	"    stack: vmotion\n"							\
	"    mtu: 9000\n"							\
	"    ipv4: [198.51.100.10/24]\n"					\
	"    ipv6: [\"2001:db8:100::10/64\"]\n"					\
	"  - name: vmk2\n"							\
	"    portgroup: NFS\n"							\
	"    services: [nfs]\n"							\
	"    stack: storage\n"							\
	"    mtu: 9000\n"							\
	"    state: down\n"							\
	"    ipv6: [\"2001:db8:21::132/64\"]\n"					\
	"  - name: vmk4\n"							\
	"    backing: macvlan\n"						\
	"    uplink: eth5\n"							\
	"    services: [replication]\n"						\
	"    mac: \"02:00:5e:10:00:04\"\n"					\
	"    ipv4: [203.0.113.66/26]\n"						\
	"routes:\n"								\
	"  - {to: 203.0.113.0/24, via: 192.0.2.254, metric: 100}\n"		\
	"  - {to: \"2001:db8:23::/64\", via: \"2001:db8:21::1\", adapter: vmk2, stack: storage}\n" \
	"  - {to: 203.0.113.128/26, via: 203.0.113.65, adapter: vmk4}\n"

static const struct plan_meta META = {
	.host = "esx01", .source = "main:hosts/esx01.yaml", .commit = NULL,
	.profile_hash = "0123abcd",
};

struct fx {
	struct tu t;
	struct want w;
};

static void fx_realize(struct fx *f, const char *yaml)
{
	tu_run(&f->t, yaml, 1);
	if (f->t.rc)
		tu_print_diags(&f->t.d);
	assert_int_equal(f->t.rc, 0);
	assert_int_equal(realize_profile(&f->w, f->t.p), 0);
}

static void fx_end(struct fx *f)
{
	want_clear(&f->w);
	tu_end(&f->t);
}

static const struct want_link *link_of(const struct want *w, const char *name)
{
	const struct want_link *l = want_link(w, name);

	assert_non_null(l);
	return l;
}

/* The want's route of this table, destination and metric. */
static const struct want_route *route_of(const struct want *w, uint32_t table, const char *dst,
					 uint32_t metric)
{
	struct hn_addr d;

	assert_int_equal(addr_parse_prefix_or_ip(&d, dst), 0);
	for (size_t i = 0; i < w->n_routes; i++)
		if (w->routes[i].r.table == table && addr_cmp(&w->routes[i].r.dst, &d) == 0 &&
		    w->routes[i].r.metric == metric)
			return &w->routes[i];
	fail_msg("no route %s in table %u", dst, table);
	return NULL;
}

/* The description of one action made by hand. */
static const char *describe(enum diff_op op, enum diff_obj obj, const void *to, const void *from)
{
	static char buf[512];
	struct diff d = { 0 };

	assert_non_null(diff_append(&d, op, obj, to, from));
	plan_describe(&d, &d.v[0], buf, sizeof(buf));
	diff_clear(&d);
	return buf;
}

static const char *describe_create(enum diff_obj obj, const void *to)
{
	return describe(DIFF_OP_CREATE, obj, to, NULL);
}

/* What a function printing to a FILE wrote, as a string to free. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *capture_start(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static char *capture_end(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	return c->buf;
}

/* A small diff of each op: a prune, an MTU change, an address to add. */
struct small {
	struct fx f;
	struct diff d;
};

static void small_diff(struct small *s)
{
	struct want_link vmk9 = { .l = { .kind = KOBJ_LINK_KIND_VETH, .name = "vmk9", .mtu = 1500,
					 .group = KOBJ_LINK_GROUP,
					 .alias = "hostnet:adapter services=nfs", .owned = true },
				  .peer = "vmk9p" };
	const struct want_link *vmk1;
	struct want_link vmk1_was;
	struct diff_action *a;

	memset(s, 0, sizeof(*s));
	fx_realize(&s->f, TU_VALID_PROFILE);
	vmk1 = link_of(&s->f.w, "vmk1");
	vmk1_was = *vmk1;
	vmk1_was.l.mtu = 1500;
	assert_non_null(diff_append(&s->d, DIFF_OP_DELETE, DIFF_OBJ_LINK, NULL, &vmk9));
	a = diff_append(&s->d, DIFF_OP_MODIFY, DIFF_OBJ_LINK, vmk1, &vmk1_was);
	assert_non_null(a);
	a->changed = BIT(WANT_ATTR_MTU);
	assert_string_equal(s->f.w.addrs[2].dev, "vmk1");
	assert_non_null(diff_append(&s->d, DIFF_OP_CREATE, DIFF_OBJ_ADDR, &s->f.w.addrs[2], NULL));
	assert_int_equal(s->d.n_create, 1);
	assert_int_equal(s->d.n_modify, 1);
	assert_int_equal(s->d.n_delete, 1);
}

static void small_end(struct small *s)
{
	diff_clear(&s->d);
	fx_end(&s->f);
}

/* --- descriptions ---------------------------------------------------------- */

static void links_are_described_by_name_and_kind(void **state)
{
	struct fx f = { 0 };

	fx_realize(&f, FULL_PROFILE);
	assert_string_equal(describe_create(DIFF_OBJ_LINK, link_of(&f.w, "vs0")), "link vs0 (bridge)");
	assert_string_equal(describe_create(DIFF_OBJ_LINK, link_of(&f.w, "vmk0p")), "link vmk0p (veth)");
	assert_string_equal(describe_create(DIFF_OBJ_LINK, link_of(&f.w, "vmk4")),
			    "link vmk4 (macvlan)");
	assert_string_equal(describe_create(DIFF_OBJ_LINK, link_of(&f.w, "storage")),
			    "link storage (vrf)");
	/* The host's NICs are uplinks, whatever the kernel calls them. */
	assert_string_equal(describe(DIFF_OP_MODIFY, DIFF_OBJ_LINK, link_of(&f.w, "eth1"),
				     link_of(&f.w, "eth1")), "link eth1 (uplink)");
	/* A deletion describes what is there. */
	assert_string_equal(describe(DIFF_OP_DELETE, DIFF_OBJ_LINK, NULL, link_of(&f.w, "vmk1")),
			    "link vmk1 (veth)");
	fx_end(&f);
}

static void addresses_are_described_with_their_device(void **state)
{
	struct fx f = { 0 };

	fx_realize(&f, FULL_PROFILE);
	assert_string_equal(describe_create(DIFF_OBJ_ADDR, &f.w.addrs[0]),
			    "address 192.0.2.10/24 on vmk0");
	assert_string_equal(describe_create(DIFF_OBJ_ADDR, &f.w.addrs[1]),
			    "address 2001:db8::10/64 on vmk0");
	assert_string_equal(describe(DIFF_OP_DELETE, DIFF_OBJ_ADDR, NULL, &f.w.addrs[1]),
			    "address 2001:db8::10/64 on vmk0");
	fx_end(&f);
}

static void routes_are_described_like_ip_route(void **state)
{
	struct fx f = { 0 };

	fx_realize(&f, FULL_PROFILE);
	assert_string_equal(describe_create(DIFF_OBJ_ROUTE, route_of(&f.w, 254, "0.0.0.0/0", 0)), "route default via 192.0.2.1 dev vmk0 table main");
	assert_string_equal(describe_create(DIFF_OBJ_ROUTE, route_of(&f.w, 254, "::/0", 1024)),
			    "route default (ipv6) via 2001:db8::1 dev vmk0 table main metric 1024");
	assert_string_equal(describe_create(DIFF_OBJ_ROUTE, route_of(&f.w, 254, "203.0.113.0/24", 100)),
			    "route 203.0.113.0/24 via 192.0.2.254 dev vmk0 table main metric 100");
	assert_string_equal(describe_create(DIFF_OBJ_ROUTE, route_of(&f.w, 4000000, "198.51.100.0/24", 0)), "route 198.51.100.0/24 dev vmk1 table 4000000");
	assert_string_equal(describe_create(DIFF_OBJ_ROUTE, route_of(&f.w, 4000000, "0.0.0.0/0", UINT32_MAX)),
			    "route unreachable default table 4000000 metric 4294967295");
	assert_string_equal(describe_create(DIFF_OBJ_ROUTE, route_of(&f.w, 4000000, "::/0", UINT32_MAX)),
			    "route unreachable default (ipv6) dev lo table 4000000 metric 4294967295");
	assert_string_equal(describe_create(DIFF_OBJ_ROUTE, route_of(&f.w, 200, "2001:db8:23::/64", 1024)), "route 2001:db8:23::/64 via 2001:db8:21::1 dev vmk2 "
			    "table 200 metric 1024");
	assert_string_equal(describe(DIFF_OP_DELETE, DIFF_OBJ_ROUTE, NULL,
				     route_of(&f.w, 254, "203.0.113.128/26", 0)),
			    "route 203.0.113.128/26 via 203.0.113.65 dev vmk4 table main");
	fx_end(&f);
}

static void rules_are_described_like_ip_rule(void **state)
{
	struct fx f = { 0 };
	struct want_rule r;

	fx_realize(&f, FULL_PROFILE);
	/* ipv4 from, ipv4 oif, ipv6 from, ipv6 oif. */
	assert_int_equal(f.w.n_rules, 4);
	assert_string_equal(describe_create(DIFF_OBJ_RULE, &f.w.rules[0]), "rule from 198.51.100.10/32 lookup 4000000 priority 10000");
	assert_string_equal(describe_create(DIFF_OBJ_RULE, &f.w.rules[1]), "rule oif vmk1 lookup 4000000 priority 10001");
	assert_string_equal(describe_create(DIFF_OBJ_RULE, &f.w.rules[2]),
			    "rule from 2001:db8:100::10/128 lookup 4000000 priority 10000 (ipv6)");
	r = f.w.rules[3];
	assert_string_equal(describe(DIFF_OP_DELETE, DIFF_OBJ_RULE, NULL, &r),
			    "rule oif vmk1 lookup 4000000 priority 10001 (ipv6)");
	r.r.table = 254;
	r.r.src = f.w.rules[2].r.src;
	assert_string_equal(describe(DIFF_OP_DELETE, DIFF_OBJ_RULE, NULL, &r),
			    "rule from 2001:db8:100::10/128 oif vmk1 lookup main priority 10001 (ipv6)");
	fx_end(&f);
}

static void summary_counts_each_op_or_says_no_changes(void **state)
{
	struct diff_action v[4] = { 0 };
	struct diff d = { .v = v, .n = 4, .n_create = 3, .n_modify = 1, .n_delete = 0 };
	struct diff none = { 0 };
	char buf[128];

	plan_summary(&d, buf, sizeof(buf));
	assert_string_equal(buf, "Plan: 3 to add, 1 to change, 0 to destroy.");
	plan_summary(&none, buf, sizeof(buf));
	assert_string_equal(buf, "No changes. The host matches its profile.");
	/* A short buffer gets a terminated prefix. */
	plan_summary(&d, buf, 6);
	assert_string_equal(buf, "Plan:");
}

/* --- text ------------------------------------------------------------------ */

static void text_plan_of_a_bare_host_names_lines_and_changes(void **state)
{
	struct fx f = { 0 };
	struct kobj_set have = { 0 };
	struct diag_list diags = { 0 };
	struct diff d;
	struct capture c;
	struct kobj_link lo = { .ifindex = 1, .name = "lo", .mtu = 65536, .admin_up = true };
	struct kobj_link eth1 = { .ifindex = 2, .name = "eth1", .mtu = 1500 };
	struct kobj_link eth2 = { .ifindex = 3, .name = "eth2", .mtu = 1500 };
	char *s;

	fx_realize(&f, TU_VALID_PROFILE);
	assert_int_equal(kobj_set_add_link(&have, &lo), 0);
	assert_int_equal(kobj_set_add_link(&have, &eth1), 0);
	assert_int_equal(kobj_set_add_link(&have, &eth2), 0);
	assert_int_equal(diff_compute(&d, &f.w, &have, &diags), 0);
	plan_print_text(capture_start(&c), &d, &META, false);
	s = capture_end(&c);
	assert_non_null(strstr(s, "hostnet will make these changes to esx01 (profile "
			       "main:hosts/esx01.yaml):\n\n"));
	assert_non_null(strstr(s, "\n  + link vs0 (bridge)  # t.yaml:8:12\n"
			       "      mtu: 9000\n"
			       "      state: up\n"
			       "      alias: hostnet:switch\n"));
	assert_non_null(strstr(s, "\n  + link vmk0p (veth)  # t.yaml:19:11\n"
			       "      peer: vmk0\n"
			       "      master: vs0\n"
			       "      mtu: 1500\n"
			       "      vlan: 10 (untagged on this port)\n"
			       "      state: up\n"
			       "      alias: hostnet:port adapter=vmk0\n"));
	assert_non_null(strstr(s, "\n  ~ link eth1 (uplink)  # t.yaml:5:12\n"
			       "      mtu: 1500 -> 9000\n"
			       "      master: - -> vs0\n"
			       "      state: down -> up\n"));
	assert_non_null(strstr(s, "\n  + route default via 192.0.2.1 dev vmk0 table main"
			       "  # t.yaml:14:21\n"));
	assert_non_null(strstr(s, "\n\nPlan: 17 to add, 2 to change, 0 to destroy.\n"));
	assert_null(strchr(s, '\033'));
	free(s);
	diff_clear(&d);
	diag_list_clear(&diags);
	kobj_set_clear(&have);
	fx_end(&f);
}

static void text_plan_is_exact(void **state)
{
	struct small s;
	struct capture c;
	char *out;

	small_diff(&s);
	plan_print_text(capture_start(&c), &s.d, &META, false);
	out = capture_end(&c);
	assert_string_equal(out,
			    "hostnet will make these changes to esx01 (profile main:hosts/esx01.yaml):\n"
			    "\n"
			    "  - link vmk9 (veth)  # no longer in the profile\n"
			    "      disturbs: nfs\n"
			    "  ~ link vmk1 (veth)  # t.yaml:25:11\n"
			    "      mtu: 1500 -> 9000\n"
			    "  + address 198.51.100.10/24 on vmk1  # t.yaml:30:12\n"
			    "\n"
			    "Plan: 1 to add, 1 to change, 1 to destroy.\n");
	free(out);
	small_end(&s);
}

static void text_plan_has_colour_only_when_asked(void **state)
{
	struct small s;
	struct capture c;
	struct plan_meta anon = { 0 };
	char *out;

	small_diff(&s);
	plan_print_text(capture_start(&c), &s.d, &anon, true);
	out = capture_end(&c);
	assert_string_equal(out,
			    "hostnet will make these changes to this host:\n"
			    "\n"
			    "  \033[31m- link vmk9 (veth)\033[0m  # no longer in the profile\n"
			    "      disturbs: nfs\n"
			    "  \033[33m~ link vmk1 (veth)\033[0m  # t.yaml:25:11\n"
			    "      mtu: 1500 -> 9000\n"
			    "  \033[32m+ address 198.51.100.10/24 on vmk1\033[0m  # t.yaml:30:12\n"
			    "\n"
			    "\033[1mPlan: 1 to add, 1 to change, 1 to destroy.\033[0m\n");
	free(out);
	small_end(&s);
}

static void text_plan_without_changes_is_one_line(void **state)
{
	struct diff d = { 0 };
	struct capture c;
	char *out;

	plan_print_text(capture_start(&c), &d, &META, false);
	out = capture_end(&c);
	assert_string_equal(out, "No changes. The host matches its profile.\n");
	free(out);
}

static void route_takeover_says_so(void **state)
{
	struct fx f = { 0 };
	struct diff d = { 0 };
	struct want_route from;
	struct capture c;
	char *out;

	fx_realize(&f, TU_VALID_PROFILE);
	from = *route_of(&f.w, 254, "0.0.0.0/0", 0);
	from.r.protocol = RTPROT_BOOT;
	assert_int_equal(addr_parse_ip(&from.r.gateway, "192.0.2.2"), 0);
	snprintf(from.dev, sizeof(from.dev), "eth9");
	assert_non_null(diff_append(&d, DIFF_OP_MODIFY, DIFF_OBJ_ROUTE,
				    route_of(&f.w, 254, "0.0.0.0/0", 0), &from));
	plan_print_text(capture_start(&c), &d, &META, false);
	out = capture_end(&c);
	assert_non_null(strstr(out, "  ~ route default via 192.0.2.1 dev vmk0 table main  # t.yaml:14:21\n"
			       "      via: 192.0.2.2 -> 192.0.2.1\n"
			       "      dev: eth9 -> vmk0\n"
			       "      protocol: boot -> hostnet (hostnet takes the route over)\n"));
	free(out);
	diff_clear(&d);
	fx_end(&f);
}

/* --- markdown -------------------------------------------------------------- */

static void markdown_is_a_section_with_a_diff_block(void **state)
{
	struct small s;
	struct capture c;
	char *out;

	small_diff(&s);
	plan_print_markdown(capture_start(&c), &s.d, &META);
	out = capture_end(&c);
	assert_string_equal(out,
			    "### `esx01`: Plan: 1 to add, 1 to change, 1 to destroy.\n"
			    "\n"
			    "Disturbs: **nfs** (1 action)\n"
			    "\n"
			    "<details><summary>3 actions from <code>main:hosts/esx01.yaml</code>"
			    "</summary>\n"
			    "\n"
			    "```diff\n"
			    "- link vmk9 (veth)  # no longer in the profile\n"
			    "      disturbs: nfs\n"
			    "~ link vmk1 (veth)  # t.yaml:25:11\n"
			    "      mtu: 1500 -> 9000\n"
			    "+ address 198.51.100.10/24 on vmk1  # t.yaml:30:12\n"
			    "```\n"
			    "\n"
			    "</details>\n"
			    "\n");
	free(out);
	small_end(&s);
}

static void markdown_without_changes_is_the_heading_only(void **state)
{
	struct diff d = { 0 };
	struct plan_meta anon = { 0 };
	struct capture c;
	char *out;

	plan_print_markdown(capture_start(&c), &d, &anon);
	out = capture_end(&c);
	assert_string_equal(out, "### `host`: No changes. The host matches its profile.\n\n");
	free(out);
}

/* --- plan JSON ------------------------------------------------------------- */

static void plan_json_has_the_summary_and_each_action(void **state)
{
	struct small s;
	json_t *j, *a, *sum;

	small_diff(&s);
	j = plan_to_json(&s.d, &META);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "host")), "esx01");
	assert_string_equal(json_string_value(json_object_get(j, "source")), "main:hosts/esx01.yaml");
	assert_true(json_is_null(json_object_get(j, "commit")));
	assert_string_equal(json_string_value(json_object_get(j, "profile_hash")), "0123abcd");
	sum = json_object_get(j, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "add")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "change")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "destroy")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "actions")), 3);

	a = json_array_get(json_object_get(j, "actions"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "op")), "delete");
	assert_string_equal(json_string_value(json_object_get(a, "object")), "link");
	assert_string_equal(json_string_value(json_object_get(a, "description")), "link vmk9 (veth)");
	assert_string_equal(json_string_value(json_object_get(a, "at")), "no longer in the profile");
	assert_null(json_object_get(a, "to"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "from"), "name")),
			    "vmk9");

	a = json_array_get(json_object_get(j, "actions"), 1);
	assert_string_equal(json_string_value(json_object_get(a, "op")), "modify");
	assert_string_equal(json_string_value(json_object_get(a, "at")), "t.yaml:25:11");
	assert_int_equal(json_array_size(json_object_get(a, "changes")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "changes"), 0)),
			    "mtu: 1500 -> 9000");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "to"), "mtu")), 9000);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "from"), "mtu")), 1500);

	a = json_array_get(json_object_get(j, "actions"), 2);
	assert_string_equal(json_string_value(json_object_get(a, "op")), "create");
	assert_string_equal(json_string_value(json_object_get(a, "object")), "address");
	assert_string_equal(json_string_value(json_object_get(a, "description")),
			    "address 198.51.100.10/24 on vmk1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "to"), "address")),
			    "198.51.100.10/24");
	assert_null(json_object_get(a, "from"));
	json_decref(j);
	small_end(&s);
}

static void plan_json_of_no_changes_is_zero_counts(void **state)
{
	struct diff d = { 0 };
	struct plan_meta anon = { 0 };
	json_t *j = plan_to_json(&d, &anon);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s, "{\"host\":null,\"source\":null,\"commit\":null,\"profile_hash\":null,"
			    "\"summary\":{\"add\":0,\"change\":0,\"destroy\":0,\"adopt\":0},\"disturbs\":{},\"actions\":[]}");
	free(s);
	json_decref(j);
}

/* plan --format json writes the document as it formats it: the bytes must
 * be those of the whole document, "unmanaged" (more) after the actions. */
static void expect_printed_json_is_the_document(const struct diff *d, const struct plan_meta *m,
						json_t *more)
{
	struct capture c;
	json_t *j = plan_to_json(d, m);
	char *whole, *printed;

	assert_non_null(j);
	if (more)
		assert_int_equal(json_object_update(j, more), 0);
	whole = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	assert_non_null(whole);
	assert_int_equal(plan_print_json(capture_start(&c), d, m, more), 0);
	printed = capture_end(&c);
	assert_string_equal(printed, whole);
	free(printed);
	free(whole);
	json_decref(j);
}

static void printed_plan_json_is_the_document_byte_for_byte(void **state)
{
	struct small s;
	struct diff none = { 0 };
	struct plan_meta anon = { 0 };
	json_t *more = json_pack("{s:{s:[s,s],s:[]}}", "unmanaged", "links", "lo", "eth\n9",
				 "routes");

	(void)state;
	assert_non_null(more);
	small_diff(&s);
	expect_printed_json_is_the_document(&s.d, &META, NULL);
	expect_printed_json_is_the_document(&s.d, &META, more);
	expect_printed_json_is_the_document(&none, &anon, NULL);
	expect_printed_json_is_the_document(&none, &anon, more);
	json_decref(more);
	small_end(&s);
}

/* --- want JSON ------------------------------------------------------------- */

static char *dump(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	assert_non_null(s);
	return s;
}

static void want_json_round_trips_byte_identically(void **state)
{
	struct fx f = { 0 };
	struct want back = { 0 };
	json_t *j, *k;
	char *err = NULL, *x, *y;

	fx_realize(&f, FULL_PROFILE);
	/* The profile has every kind, so the round trip covers them all. */
	assert_non_null(want_link(&f.w, "storage"));
	assert_true(link_of(&f.w, "vs0")->vlan_filtering);
	assert_int_equal(link_of(&f.w, "vmk2p")->pvid, 31);
	assert_true(f.w.needs & BIT(KOBJ_CAP_VRF));
	j = want_to_json(&f.w);
	assert_non_null(j);
	assert_int_equal(want_from_json(&back, j, &err), 0);
	assert_null(err);
	k = want_to_json(&back);
	assert_non_null(k);
	x = dump(j);
	y = dump(k);
	assert_string_equal(x, y);
	/* Not only the text: the values a diff uses. */
	assert_int_equal(back.n_links, f.w.n_links);
	assert_int_equal(back.n_routes, f.w.n_routes);
	for (size_t i = 0; i < back.n_routes; i++) {
		assert_int_equal(want_cmp_route(&back.routes[i], &f.w.routes[i]), 0);
		assert_int_equal(back.routes[i].r.type, f.w.routes[i].r.type);
		assert_int_equal(back.routes[i].r.scope, f.w.routes[i].r.scope);
		assert_true(back.routes[i].r.owned);
	}
	for (size_t i = 0; i < back.n_rules; i++)
		assert_int_equal(want_cmp_rule(&back.rules[i], &f.w.rules[i]), 0);
	for (size_t i = 0; i < back.n_addrs; i++) {
		assert_int_equal(want_cmp_addr(&back.addrs[i], &f.w.addrs[i]), 0);
		assert_int_equal(back.addrs[i].a.proto, KOBJ_RTPROT_HOSTNET);
	}
	assert_int_equal(link_of(&back, "vmk4")->l.kind, KOBJ_LINK_KIND_MACVLAN);
	assert_int_equal(link_of(&back, "eth1")->l.kind, KOBJ_LINK_KIND_DEVICE);
	assert_true(link_of(&back, "eth1")->foreign);
	assert_int_equal(link_of(&back, "vmk0")->manage, link_of(&f.w, "vmk0")->manage);
	assert_false(link_of(&back, "vmk2")->l.admin_up);
	assert_string_equal(link_of(&back, "vs0")->loc.file, "t.yaml");
	assert_int_equal(link_of(&back, "vs0")->loc.line, 9);
	assert_int_equal(link_of(&back, "vs0")->loc.col, 12);
	assert_int_equal(back.needs, f.w.needs);
	assert_int_equal(back.needs_loc[KOBJ_CAP_VRF].line, f.w.needs_loc[KOBJ_CAP_VRF].line);
	assert_true(want_manages_table(&back, 4000000));
	assert_true(want_manages_table(&back, 200));
	assert_true(want_manages_table(&back, 254));
	assert_int_equal(back.tables_n, 3);
	free(x);
	free(y);
	json_decref(j);
	json_decref(k);
	want_clear(&back);
	fx_end(&f);
}

static void want_json_has_fixed_keys_and_canonical_values(void **state)
{
	static const char *const settings[] = {
		"primary", "dhcp4", "bond_mode", "qdisc", "qdisc_handle", "shaping", "is_brport",
		"brport", "n_fdb", "fdb", "has_ra", "accept_ra", "autoconf", "accept_ra_defrtr",
		"arp_ignore", "arp_announce", "rp_filter",
	};
	static const char *const base_manage[] = { "mtu", "mac", "state", "mark" };
	struct fx f = { 0 };
	char keys[512];
	const char *key;
	json_t *j, *v, *m;
	char *s;

	fx_realize(&f, FULL_PROFILE);
	j = want_json_link(link_of(&f.w, "vmk4"));
	/* The keys in their fixed order; the values of the adapter settings
	 * (#7) are realize's, pinned in test-realize.c, so they go before the
	 * text comparison. */
	keys[0] = '\0';
	json_object_foreach(j, key, v)
		snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys), "%s ", key);
	assert_string_equal(keys, "name kind mtu mac up master peer parent alias group owned foreign "
			    "manage pvid vrf_table macvlan_mode vlan_filtering primary dhcp4 bond_mode "
			    "qdisc qdisc_handle shaping is_brport brport n_fdb fdb has_ra accept_ra "
			    "autoconf accept_ra_defrtr arp_ignore arp_announce rp_filter at ");
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		assert_int_equal(json_object_del(j, settings[i]), 0);
	/* What realize manages on top of these follows the profile's settings. */
	m = json_object_get(j, "manage");
	assert_true(json_array_size(m) >= 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(json_string_value(json_array_get(m, i)), base_manage[i]);
	assert_int_equal(json_object_del(j, "manage"), 0);
	s = dump(j);
	assert_string_equal(s, "{\"name\":\"vmk4\",\"kind\":\"macvlan\",\"mtu\":1500,"
			    "\"mac\":\"02:00:5e:10:00:04\",\"up\":true,\"master\":null,\"peer\":null,"
			    "\"parent\":\"eth5\",\"alias\":\"hostnet:adapter services=replication\","
			    "\"group\":1752068980,\"owned\":true,\"foreign\":false,\"pvid\":0,"
			    "\"vrf_table\":0,\"macvlan_mode\":4,\"vlan_filtering\":false,"
			    "\"at\":\"t.yaml:44:11\"}");
	free(s);
	json_decref(j);
	j = want_json_route(route_of(&f.w, 4000000, "::/0", UINT32_MAX));
	s = dump(j);
	assert_string_equal(s, "{\"table\":4000000,\"family\":\"ipv6\",\"to\":\"::/0\",\"via\":null,"
			    "\"dev\":\"lo\",\"metric\":4294967295,\"scope\":0,\"type\":7,"
			    "\"protocol\":77,\"source\":null,\"at\":\"t.yaml:17:11\"}");
	free(s);
	json_decref(j);
	j = want_json_rule(&f.w.rules[0]);
	s = dump(j);
	assert_string_equal(s, "{\"family\":\"ipv4\",\"priority\":10000,\"from\":\"198.51.100.10/32\","
			    "\"to\":null,\"iif\":null,\"oif\":null,\"table\":4000000,\"action\":1,"
			    "\"protocol\":77,\"fwmark\":0,\"fwmask\":0,\"at\":\"t.yaml:35:12\"}");
	free(s);
	json_decref(j);
	fx_end(&f);
}

/* want_from_json on the want's JSON with one change made by `edit`. */
static int read_edited(void (*edit)(json_t *), char **err)
{
	struct fx f = { 0 };
	struct want back = { 0 };
	json_t *j;
	int r;

	fx_realize(&f, TU_VALID_PROFILE);
	j = want_to_json(&f.w);
	assert_non_null(j);
	edit(j);
	r = want_from_json(&back, j, err);
	if (r < 0) {
		/* Nothing is handed out on failure. */
		assert_null(back.links);
		assert_int_equal(back.n_links, 0);
	}
	want_clear(&back);
	json_decref(j);
	fx_end(&f);
	return r;
}

static void drop_link_mtu(json_t *j)
{
	json_object_del(json_array_get(json_object_get(j, "links"), 0), "mtu");
}

static void bad_address(json_t *j)
{
	json_object_set_new(json_array_get(json_object_get(j, "addresses"), 0), "address",
			    json_string("192.0.2.300/24"));
}

static void bad_route_via(json_t *j)
{
	json_object_set_new(json_array_get(json_object_get(j, "routes"), 0), "via",
			    json_string("gateway"));
}

static void links_not_a_list(json_t *j)
{
	json_object_set_new(j, "links", json_string("vs0"));
}

static void extra_rule_key(json_t *j)
{
	json_object_set_new(json_array_get(json_object_get(j, "rules"), 0), "goto", json_integer(3));
}

static void long_link_name(json_t *j)
{
	json_object_set_new(json_array_get(json_object_get(j, "links"), 0), "name",
			    json_string("a-name-of-20-chars-"));
}

static void want_from_json_rejects_malformed_input_with_a_message(void **state)
{
	static const struct {
		void (*edit)(json_t *);
		const char *msg;
	} cases[] = {
		{ drop_link_mtu, "links[0].mtu: missing" },
		{ bad_address, "addresses[0].address: '192.0.2.300/24' is not an address" },
		{ bad_route_via, "routes[0].via: 'gateway' is not an address" },
		{ links_not_a_list, "links: expected a list" },
		{ extra_rule_key, "rules[0]: unknown key 'goto'" },
		{ long_link_name, "links[0].name: 'a-name-of-20-chars-' is 19 bytes long, more than 15" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *err = NULL;

		assert_int_equal(read_edited(cases[i].edit, &err), -EINVAL);
		assert_non_null(err);
		assert_string_equal(err, cases[i].msg);
		free(err);
		/* Without a place for the message, the same refusal. */
		assert_int_equal(read_edited(cases[i].edit, NULL), -EINVAL);
	}
}

static void want_from_json_refuses_a_non_object(void **state)
{
	struct want w = { 0 };
	json_t *j = json_array();
	char *err = NULL;

	assert_int_equal(want_from_json(&w, j, &err), -EINVAL);
	assert_string_equal(err, "expected an object, got a list");
	free(err);
	json_decref(j);
	assert_int_equal(want_from_json(&w, NULL, &err), -EINVAL);
	assert_string_equal(err, "expected an object, got nothing");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(links_are_described_by_name_and_kind),
		cmocka_unit_test(addresses_are_described_with_their_device),
		cmocka_unit_test(routes_are_described_like_ip_route),
		cmocka_unit_test(rules_are_described_like_ip_rule),
		cmocka_unit_test(summary_counts_each_op_or_says_no_changes),
		cmocka_unit_test(text_plan_of_a_bare_host_names_lines_and_changes),
		cmocka_unit_test(text_plan_is_exact),
		cmocka_unit_test(text_plan_has_colour_only_when_asked),
		cmocka_unit_test(text_plan_without_changes_is_one_line),
		cmocka_unit_test(route_takeover_says_so),
		cmocka_unit_test(markdown_is_a_section_with_a_diff_block),
		cmocka_unit_test(markdown_without_changes_is_the_heading_only),
		cmocka_unit_test(plan_json_has_the_summary_and_each_action),
		cmocka_unit_test(plan_json_of_no_changes_is_zero_counts),
		cmocka_unit_test(printed_plan_json_is_the_document_byte_for_byte),
		cmocka_unit_test(want_json_round_trips_byte_identically),
		cmocka_unit_test(want_json_has_fixed_keys_and_canonical_values),
		cmocka_unit_test(want_from_json_rejects_malformed_input_with_a_message),
		cmocka_unit_test(want_from_json_refuses_a_non_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
