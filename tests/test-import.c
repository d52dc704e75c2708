/* import.c, import-yaml.c: a host's objects -> a profile's YAML that reads
 * back as the same names, validates, and plans no create or delete against
 * that host.  Pure: hand-built kobj_sets, no netlink. */
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "testutil.h"
#include "testhost.h"

#include "import.h"

static void yaml_scalar_quotes_what_yaml_would_misread(void **state)
{
	static const char *const cases[][2] = {
		{ "eth1", "eth1" },
		{ "vmbr0.20", "vmbr0.20" },
		{ "br-lan_1", "br-lan_1" },
		{ "yes", "\"yes\"" },
		{ "On", "\"On\"" },
		{ "null", "\"null\"" },
		{ "1500", "\"1500\"" },
		{ "0x10", "\"0x10\"" },
		{ "-x", "\"-x\"" },
		{ "a#b", "\"a#b\"" },
		{ "q\"b\\", "\"q\\\"b\\\\\"" },
		{ "tab\there", "\"tab\\x09here\"" },
		{ "", "\"\"" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(import_yaml_scalar(buf, sizeof(buf), cases[i][0]), cases[i][1]);
	assert_null(import_yaml_scalar(buf, 4, "eth1"));
	assert_null(import_yaml_scalar(buf, 5, "yes"));
}

static void add_addr(struct kobj_set *s, const char *dev, const char *a, uint32_t flags, uint8_t proto)
{
	struct kobj_addr k = { .ifindex = index_of(s, dev), .addr = ip(a), .flags = flags,
			       .proto = proto };

	assert_int_equal(kobj_set_add_addr(s, &k), 0);
}

static void add_route(struct kobj_set *s, uint32_t table, const char *dst, const char *via,
		      const char *dev, uint8_t proto)
{
	struct kobj_route r = { .table = table, .dst = ip(dst), .oif = index_of(s, dev),
				.protocol = proto, .type = RTN_UNICAST };

	r.family = r.dst.family;
	if (via)
		r.gateway = ip(via);
	r.scope = via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	assert_int_equal(kobj_set_add_route(s, &r), 0);
}

/* Parses the YAML as hostnet reads a profile; no error allowed. */
static void read_back(struct tu *t, const char *yaml)
{
	tu_run(t, yaml, 1);
	if (t->rc || t->d.n_errors) {
		tu_print_diags(&t->d);
		fprintf(stderr, "%s", yaml);
	}
	assert_int_equal(t->rc, 0);
}

static char *import_text(const struct kobj_set *s, struct import_profile *ip_out)
{
	struct import_opts o = { .host = "pve01" };
	char *text;

	assert_int_equal(import_build(ip_out, s, &o), 0);
	assert_int_equal(import_write_yaml(&text, ip_out), 0);
	return text;
}

static void odd_names_read_back_as_the_same_strings(void **state)
{
	static const char *const names[] = { "on", "q\"b\\", "1500", "No" };
	struct kobj_set s = { 0 };
	struct import_profile p;
	struct tu t;
	char *text, a[32];

	add_lo(&s);
	for (size_t i = 0; i < 4; i++) {
		add_nic(&s, names[i], 2 + (int)i);
		snprintf(a, sizeof(a), "192.0.2.%zu/24", 10 + i * 64);
		add_addr(&s, names[i], a, IFA_F_PERMANENT, 0);
	}
	text = import_text(&s, &p);
	read_back(&t, text);
	assert_int_equal(t.p->n_uplinks, 4);
	assert_int_equal(t.p->n_adapters, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct profile_adapter *ad = profile_find_adapter(t.p, names[i]);

		assert_non_null(ad);
		assert_int_equal(ad->backing, PROFILE_BACKING_UPLINK);
		assert_non_null(profile_find_uplink(t.p, names[i]));
	}
	/* No default route: the first adapter is guessed as management. */
	assert_true(profile_find_adapter(t.p, "on")->services & 1u << PROFILE_SERVICE_MANAGEMENT);
	assert_non_null(strstr(text, "#   - services: [management] on on, the first adapter"));
	tu_end(&t);
	free(text);
	import_profile_clear(&p);
	kobj_set_clear(&s);
}

/* eth3: storage on table 100 by a `from` rule; eth4: management, the main
 * default route and a static route; beside them what import leaves out. */
static void build_host(struct kobj_set *s)
{
	struct kobj_rule from = { .family = AF_INET, .priority = 32765, .src = ip("198.51.100.10/32"),
				  .table = 100, .action = FR_ACT_TO_TBL };
	struct kobj_rule mark = { .family = AF_INET, .priority = 100, .fwmark = 7,
				  .fwmask = 0xffffffff, .table = 200, .action = FR_ACT_TO_TBL };

	memset(s, 0, sizeof(*s));
	add_lo(s);
	add_nic(s, "eth3", 3);
	add_nic(s, "eth4", 4);
	have_link(s, "eth3")->mtu = 9000;
	have_link(s, "eth3")->admin_up = have_link(s, "eth4")->admin_up = true;
	add_addr(s, "eth3", "198.51.100.10/24", IFA_F_PERMANENT, 0);
	add_addr(s, "eth4", "192.0.2.10/24", IFA_F_PERMANENT, 0);
	add_addr(s, "eth4", "2001:db8:4::10/64", IFA_F_PERMANENT, 0);
	add_addr(s, "eth4", "fe80::4/64", IFA_F_PERMANENT, 0);
	add_addr(s, "eth4", "192.0.2.99/24", 0, KOBJ_PROTO_DHCP);
	add_route(s, 254, "192.0.2.0/24", NULL, "eth4", RTPROT_KERNEL);
	add_route(s, 254, "0.0.0.0/0", "192.0.2.1", "eth4", RTPROT_BOOT);
	add_route(s, 254, "203.0.113.0/24", "192.0.2.254", "eth4", RTPROT_STATIC);
	add_route(s, 254, "198.18.0.0/15", "192.0.2.253", "eth4", RTPROT_DHCP);
	add_route(s, 100, "0.0.0.0/0", "198.51.100.1", "eth3", RTPROT_BOOT);
	add_route(s, 100, "198.51.100.0/24", NULL, "eth3", RTPROT_BOOT);
	assert_int_equal(kobj_set_add_rule(s, &from), 0);
	assert_int_equal(kobj_set_add_rule(s, &mark), 0);
}

static void host_becomes_uplinks_stacks_adapters_and_routes(void **state)
{
	struct kobj_set s;
	struct import_profile p;
	const struct profile_adapter *a;
	const struct profile_stack *st;
	struct hn_addr gw;
	struct tu t;
	char *text;

	build_host(&s);
	text = import_text(&s, &p);
	read_back(&t, text);
	assert_int_equal(profile_find_uplink(t.p, "eth3")->mtu, 9000);
	a = profile_find_adapter(t.p, "eth3");
	assert_string_equal(a->stack, "table100");
	assert_int_equal(a->mtu, 9000);
	st = profile_find_stack(t.p, "table100");
	assert_int_equal(st->table, 100);
	gw = ip("198.51.100.1");
	assert_int_equal(addr_cmp(&st->gateway.ipv4, &gw), 0);
	a = profile_find_adapter(t.p, "eth4");
	assert_true(a->services & 1u << PROFILE_SERVICE_MANAGEMENT);
	assert_int_equal(a->ipv4.n, 1);   /* not the DHCP lease */
	assert_int_equal(a->ipv6.n, 1);   /* not the link-local one */
	assert_int_equal(t.p->n_routes, 1);
	assert_int_equal(t.p->routes[0].to.prefixlen, 24);
	assert_non_null(strstr(text, "#   - services: [management] on eth4, which carries the main "
				     "table's default route\n"));
	assert_non_null(strstr(text, "#   - address 192.0.2.99/24 on eth4: dynamic"));
	assert_non_null(strstr(text, "#   - 1 link-local address: the kernel makes them\n"));
	assert_non_null(strstr(text, "#   - 1 route of protocol kernel:"));
	assert_non_null(strstr(text, "#   - route 198.18.0.0/15 table 254: protocol 16 (from DHCP"));
	assert_non_null(strstr(text, "#   - rule priority 100 (table 200): only 'from <address> "
				     "lookup <table>' rules become stacks\n"));
	tu_end(&t);
	free(text);
	import_profile_clear(&p);
	kobj_set_clear(&s);
}

static void imported_profile_plans_no_create_or_delete_of_the_hosts_objects(void **state)
{
	struct kobj_set s;
	struct import_profile p;
	struct diag_list diags = { 0 };
	struct want w;
	struct diff d;
	struct tu t;
	char *text;

	build_host(&s);
	text = import_text(&s, &p);
	read_back(&t, text);
	assert_int_equal(realize_profile(&w, t.p), 0);
	assert_int_equal(diff_compute(&d, &w, &s, &diags), 0);
	assert_int_equal(d.n_delete, 0);
	for (size_t i = 0; i < d.n; i++) {
		const struct diff_action *a = &d.v[i];

		/* What hostnet adds is its own stack plumbing in table 100
		 * (rules, the unreachable walls); the host's links, addresses
		 * and routes are adopted in place, never created again. */
		assert_true(a->obj == DIFF_OBJ_RULE || a->obj == DIFF_OBJ_ROUTE || a->op == DIFF_OP_ADOPT);
		if (a->op == DIFF_OP_CREATE && a->obj == DIFF_OBJ_ROUTE)
			assert_int_equal(diff_action_to_route(&d, a)->r.table, 100);
		if (a->op == DIFF_OP_CREATE && a->obj == DIFF_OBJ_RULE)
			assert_int_equal(diff_action_to_rule(&d, a)->r.table, 100);
	}
	diff_clear(&d);
	want_clear(&w);
	diag_list_clear(&diags);
	tu_end(&t);
	free(text);
	import_profile_clear(&p);
	kobj_set_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(yaml_scalar_quotes_what_yaml_would_misread),
		cmocka_unit_test(odd_names_read_back_as_the_same_strings),
		cmocka_unit_test(host_becomes_uplinks_stacks_adapters_and_routes),
		cmocka_unit_test(imported_profile_plans_no_create_or_delete_of_the_hosts_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
