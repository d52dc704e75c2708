/* validate.c: rules across objects, and the best-practice warnings. */
#include "testutil.h"
#include "suggest.h"

static void valid_profile_has_no_diagnostics(void **state)
{
	struct tu t;

	tu_run(&t, TU_VALID_PROFILE, 1);
	tu_print_diags(&t.d);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.d.n, 0);
	tu_end(&t);
}

/* Replace `from` with `to` in the in-place profile, expect one error `line`. */
static void inplace_error(const char *from, const char *to, const char *line)
{
	char *y = tu_replace(TU_INPLACE_PROFILE, from, to);

	tu_expect_error(y, line, 1);
	free(y);
}

static void in_place_profile_has_no_diagnostics(void **state)
{
	struct tu t;

	tu_run(&t, TU_INPLACE_PROFILE, 1);
	tu_print_diags(&t.d);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.d.n, 0);
	tu_end(&t);
}

static void in_place_adapters_name_their_switch_or_uplink(void **state)
{
	inplace_error("  - name: vmbr0\n    backing: switch\n", "  - name: vmbr1\n    backing: switch\n",
		      "t.yaml:17:11: error: name: switch 'vmbr1' is not defined (did you mean "
		      "'vmbr0'?)");
	inplace_error("  - name: eth3\n    backing: uplink\n", "  - name: eth4\n    backing: uplink\n",
		      "t.yaml:21:11: error: name: uplink 'eth4' is not defined (did you mean 'eth1'?)");
	inplace_error("  - name: eth3\n    backing: uplink\n", "  - name: eth1\n    backing: uplink\n",
		      "t.yaml:21:11: error: name: uplink 'eth1' is a port of switch 'vmbr0'; an address "
		      "belongs on the switch (backing: switch, name: vmbr0), not on its port");
	/* One interface, one adapter. */
	inplace_error("  - name: eth3\n    backing: uplink\n", "  - name: vmbr0\n    backing: switch\n",
		      "t.yaml:21:11: error: adapter name 'vmbr0' is already used by the adapter at "
		      "line 17, column 11");
	/* A veth adapter may not take a switch's name. */
	inplace_error("  - name: vmbr0.20\n    backing: vlan\n    switch: vmbr0\n    vlan: 20\n",
		      "  - name: eth2\n    backing: vlan\n    switch: vmbr0\n    vlan: 20\n",
		      "t.yaml:26:11: error: interface name 'eth2' is already used by the uplink at "
		      "line 6, column 12");
}

static void vlan_adapters_sit_on_a_switch_or_a_free_uplink(void **state)
{
	inplace_error("    switch: vmbr0\n", "    switch: vmbr9\n",
		      "t.yaml:28:13: error: switch: switch 'vmbr9' is not defined (did you mean "
		      "'vmbr0'?)");
	inplace_error("    switch: vmbr0\n", "    uplink: eth2\n",
		      "t.yaml:28:13: error: uplink: 'eth2' is a port of switch 'vmbr0'; a vlan adapter "
		      "needs an uplink that is not in a switch (name the switch instead)");
	inplace_error("    vlan: 20\n", "    vlan: 20\n    mtu: 9001\n",
		      "t.yaml:30:10: error: mtu: adapter 'vmbr0.20' MTU 9001 is larger than switch "
		      "'vmbr0' MTU 9000");
}

static void in_place_mtu_is_set_in_one_place(void **state)
{
	inplace_error("    backing: switch\n", "    backing: switch\n    mtu: 1500\n",
		      "t.yaml:19:10: error: mtu: adapter 'vmbr0' is switch 'vmbr0' itself, whose MTU "
		      "is 9000; set the MTU on the switch and remove it here");
	inplace_error("    backing: uplink\n", "    backing: uplink\n    mtu: 1500\n",
		      "t.yaml:23:10: error: mtu: adapter 'eth3' is uplink 'eth3' itself, whose MTU is "
		      "9000; set it in one place");
}

static void interface_names_are_unique_across_kinds(void **state)
{
	tu_variant_error("  - name: vmk1\n", "  - name: vs0\n",
			 "t.yaml:25:11: error: interface name 'vs0' is already used by the switch "
			 "at line 8, column 12");
	/* The veth peer of vmk0 is vmk0p. */
	tu_variant_error("  - {name: eth2, mtu: 9000}\n", "  - {name: eth2, mtu: 9000}\n  - {name: vmk0p}\n",
			 "t.yaml:20:11: error: interface name 'vmk0p' is already used by the uplink "
			 "at line 7, column 12");
}

static void portgroup_and_stack_names_are_unique(void **state)
{
	tu_variant_error("{name: vMotion, switch: vs0}\n", "{name: vMotion, switch: vs0}\n"
			 "  - {name: Management, switch: vs0}\n",
			 "t.yaml:12:12: error: portgroup name 'Management' is already used by the "
			 "portgroup at line 10, column 12");
	tu_variant_error("adapters:\n", "  - name: storage\n    table: 200\n"
			 "  - name: storage\n    table: 201\nadapters:\n",
			 "t.yaml:20:11: error: stack name 'storage' is already used by the stack at "
			 "line 18, column 11");
}

static void tables_are_unique_per_stack(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "adapters:\n",
			     "  - {name: storage, table: 100}\nadapters:\n");

	tu_expect_error(y, "t.yaml:18:28: error: table: 100 is already the table of stack "
			"'vmotion' at line 16, column 12", 1);
	free(y);
}

static void references_must_exist_with_a_suggestion(void **state)
{
	tu_variant_error("    portgroup: vMotion\n", "    portgroup: vMotoin\n",
			 "t.yaml:26:16: error: portgroup: portgroup 'vMotoin' is not defined (did "
			 "you mean 'vMotion'?)");
	tu_variant_error("{name: vMotion, switch: vs0}", "{name: vMotion, switch: vs9}",
			 "t.yaml:11:29: error: switch: switch 'vs9' is not defined (did you mean "
			 "'vs0'?)");
	tu_variant_error("uplinks: [eth1, eth2]", "uplinks: [eth1, eth3]",
			 "t.yaml:8:44: error: uplinks: uplink 'eth3' is not defined (did you mean "
			 "'eth1'?)");
	tu_variant_error("metric: 100}", "metric: 100, adapter: vmk7}",
			 "t.yaml:32:66: error: adapter: adapter 'vmk7' is not defined (did you "
			 "mean 'vmk0'?)");
}

static void unknown_stack_is_an_error(void **state)
{
	/* The gateway of stack vmotion then has no adapter: a second error. */
	char *y = tu_replace(TU_VALID_PROFILE, "    stack: vmotion\n", "    stack: storage\n");

	tu_expect_error(y, "t.yaml:28:12: error: stack: stack 'storage' is not defined", 2);
	free(y);
}

static void an_uplink_belongs_to_one_switch(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "portgroups:\n",
			     "  - {name: vs1, mtu: 9000, uplinks: [eth2]}\nportgroups:\n");

	tu_expect_error(y, "t.yaml:9:38: error: uplinks: 'eth2' is already a port of switch "
			"'vs0'", 1);
	free(y);
}

static void macvlan_needs_an_uplink_outside_switches(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "    portgroup: vMotion\n",
			     "    backing: macvlan\n    uplink: eth1\n");

	tu_expect_error(y, "t.yaml:27:13: error: uplink: 'eth1' is a port of switch 'vs0'; a "
			"macvlan adapter needs an uplink that is not in a switch", 1);
	free(y);
}

static void an_address_is_used_once(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "ipv4: [198.51.100.10/24]",
			     "ipv4: [198.51.100.10/24, 192.0.2.10/25]");

	/* The same IP with another prefix length is still the same address. */
	tu_expect_error(y, "t.yaml:30:30: error: address 192.0.2.10 is already used by adapter "
			"'vmk0' at line 23, column 12", 1);
	free(y);
}

static void an_isolated_stack_reaches_a_subnet_through_one_adapter(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "routes:\n",
			     "  - {name: vmk2, portgroup: vMotion, services: [vmotion], stack: vmotion, "
			     "mtu: 9000, ipv4: [198.51.100.11/24]}\nroutes:\n");

	tu_expect_error(y, "t.yaml:31:93: error: subnet 198.51.100.0/24 is already on adapter 'vmk1' "
			"at line 30, column 12; stack 'vmotion' reaches a subnet through one adapter", 1);
	free(y);
}

static void gateway_must_be_on_an_adapter_subnet_of_its_stack(void **state)
{
	tu_variant_error("gateway: {ipv4: 198.51.100.1}", "gateway: {ipv4: 192.0.2.1}",
			 "t.yaml:17:21: error: gateway.ipv4: 192.0.2.1 is not in the subnet of any "
			 "adapter on stack 'vmotion'");
	tu_variant_error("gateway: {ipv4: 198.51.100.1}", "gateway: {ipv4: 198.51.100.10}",
			 "t.yaml:17:21: error: gateway.ipv4: 198.51.100.10 is this host's own "
			 "address on stack 'vmotion'");
	tu_variant_error("ipv6: \"2001:db8::1\"", "ipv6: \"2001:db9::1\"",
			 "t.yaml:14:38: error: gateway.ipv6: 2001:db9::1 is not in the subnet of any "
			 "adapter on stack 'default'");
}

static void route_via_must_be_reachable_on_its_stack(void **state)
{
	tu_variant_error("via: 192.0.2.254,", "via: 198.51.100.254,",
			 "t.yaml:32:31: error: via: 198.51.100.254 is not reachable on stack "
			 "'default' (no adapter there has it in its subnet)");
	tu_variant_error("via: 192.0.2.254,", "via: 192.0.2.10,",
			 "t.yaml:32:31: error: via: 192.0.2.10 is this host's own address");
	tu_variant_error("metric: 100}", "metric: 100, stack: vmotion}",
			 "t.yaml:32:31: error: via: 192.0.2.254 is not reachable on stack 'vmotion' "
			 "(no adapter there has it in its subnet)");
}

static void route_via_must_be_on_the_named_adapter(void **state)
{
	char *a = tu_replace(TU_VALID_PROFILE, "routes:\n",
			     "  - {name: vmk2, portgroup: Management, services: [provisioning], "
			     "ipv4: [203.0.113.10/24]}\nroutes:\n");
	char *y = tu_replace(a, "metric: 100}", "metric: 100, adapter: vmk2}");

	/* Both adapters are on the default stack; via is in vmk0's subnet. */
	tu_expect_error(y, "t.yaml:33:31: error: via: 192.0.2.254 is on adapter 'vmk0', not on "
			"'vmk2'", 1);
	free(a);
	free(y);
}

static void route_adapter_must_be_on_the_route_stack(void **state)
{
	tu_variant_error("{to: 203.0.113.0/24, via: 192.0.2.254, metric: 100}",
			 "{to: 203.0.113.0/24, adapter: vmk1, metric: 100}",
			 "t.yaml:32:35: error: adapter: 'vmk1' is on stack 'vmotion', but the route is "
			 "on stack 'default'");
}

static void default_route_with_metric_0_collides_with_the_gateway(void **state)
{
	tu_variant_error("{to: 203.0.113.0/24, via: 192.0.2.254, metric: 100}",
			 "{to: default, via: 192.0.2.254}",
			 "t.yaml:32:10: error: to: the default route of stack 'default' with metric 0 "
			 "is its gateway (line 14, column 21); give this route a metric or drop it");
}

static void duplicate_routes_are_refused(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "metric: 100}\n",
			     "metric: 100}\n  - {to: 203.0.113.0/24, via: 192.0.2.253, metric: 100}\n");

	tu_expect_error(y, "t.yaml:33:10: error: route to 203.0.113.0/24 on stack 'default' with "
			"metric 100 is already defined at line 32, column 10", 1);
	free(y);
}

static void mtu_order_is_uplink_switch_adapter(void **state)
{
	tu_variant_error("{name: vs0, mtu: 9000,", "{name: vs0, mtu: 1500,",
			 "t.yaml:29:10: error: mtu: adapter 'vmk1' MTU 9000 is larger than switch "
			 "'vs0' MTU 1500 (portgroup 'vMotion')");
	tu_variant_error("{name: eth2, mtu: 9000}", "{name: eth2, mtu: 1500}",
			 "t.yaml:8:22: error: mtu: switch 'vs0' MTU 9000 is larger than its uplink "
			 "'eth2' MTU 1500");
}

static void ipv6_needs_mtu_1280(void **state)
{
	tu_variant_error("    mtu: 1500\n", "    mtu: 1200\n",
			 "t.yaml:22:10: error: mtu: 1200 is below 1280, the minimum for IPv6 "
			 "(adapter 'vmk0' has IPv6 addresses)");
}

static void a_host_needs_a_management_adapter(void **state)
{
	tu_variant_error("services: [management]", "services: [provisioning]",
			 "t.yaml:3:7: error: no adapter carries the 'management' service; a host "
			 "needs one to stay manageable");
}

static void mixed_services_warn(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "services: [management]",
			     "services: [management, provisioning]");

	tu_expect_warning(y, "t.yaml:21:15: warning: adapter 'vmk0' mixes services (management, "
			  "provisioning); VMware recommends one service per VMkernel adapter");
	free(y);
}

static void vmotion_on_default_stack_warns_when_a_vmotion_stack_exists(void **state)
{
	char *a = tu_replace(TU_VALID_PROFILE, "    stack: vmotion\n    mtu: 9000\n    ipv4: [198.51.100.10/24]\n",
			     "    mtu: 9000\n    ipv4: [192.0.2.11/24]\n");
	char *y = tu_replace(a, "    gateway: {ipv4: 198.51.100.1}\n", "");

	free(a);
	tu_expect_warning(y, "t.yaml:26:16: warning: adapter 'vmk1' carries vmotion on the default "
			  "stack although a 'vmotion' stack exists; put it there to keep vMotion in "
			  "its own routing table");
	free(y);
}

static void vmotion_below_jumbo_mtu_warns(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "    mtu: 9000\n", "    mtu: 1500\n");

	tu_expect_warning(y, "t.yaml:29:10: warning: adapter 'vmk1' carries vmotion with MTU "
			  "1500; use 9000 (jumbo frames) end to end");
	free(y);
}

static void switch_without_redundant_uplink_warns(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "uplinks: [eth1, eth2]", "uplinks: [eth1]");

	tu_expect_warning(y, "t.yaml:8:12: warning: switch 'vs0' has 1 uplink; add a second for "
			  "redundancy");
	free(y);
}

static void fragment_is_checked_for_names_only(void **state)
{
	struct tu t;

	tu_run(&t, "apiVersion: hostnet/v1\nkind: ProfileFragment\n"
		   "switches:\n  - {name: vs0, uplinks: [eth9]}\n  - {name: vs0}\n", 1);
	assert_int_equal(t.d.n_errors, 1);
	assert_true(tu_has_diag(&t.d, "t.yaml:5:12: error: interface name 'vs0' is already used by "
				"the switch at line 4, column 12"));
	tu_end(&t);
}

/* A big host: names, addresses and next hops are checked through sorted
 * indexes, so this stays fast; correctness is what is asserted here. */
static void large_profile_validates_clean(void **state)
{
	size_t cap = 4u << 20, len = 0;
	char *y = malloc(cap);
	struct tu t;

	assert_non_null(y);
	len += (size_t)snprintf(y + len, cap - len,
		"apiVersion: hostnet/v1\nkind: HostProfile\nhost: big\n"
		"uplinks: [{name: eth1}, {name: eth2}]\n"
		"switches: [{name: vs0, uplinks: [eth1, eth2]}]\n"
		"portgroups: [{name: pg, switch: vs0}]\n"
		"adapters:\n");
	for (int i = 0; i < 1000; i++)
		len += (size_t)snprintf(y + len, cap - len,
			"  - {name: vmk%d, portgroup: pg, services: [%s], ipv4: [10.%d.%d.1/24]}\n",
			i, i ? "provisioning" : "management", i / 250, i % 250);
	len += (size_t)snprintf(y + len, cap - len, "routes:\n");
	for (int i = 0; i < 20000; i++)
		len += (size_t)snprintf(y + len, cap - len,
			"  - {to: 172.%d.%d.0/24, via: 10.%d.%d.254}\n",
			16 + i / 256, i % 256, (i % 1000) / 250, (i % 1000) % 250);
	tu_run(&t, y, 1);
	if (t.d.n_errors)
		tu_print_diags(&t.d);
	assert_int_equal(t.d.n_errors, 0);
	assert_int_equal(t.p->n_adapters, 1000);
	assert_int_equal(t.p->n_routes, 20000);
	tu_end(&t);
	free(y);
}

/* A host with `n_pg` portgroups pgNNNNNN and `n_ad` adapters, adapter i
 * referring to portgroup `ref(i)`. */
static char *hostile_refs(size_t n_pg, size_t n_ad, int same_word)
{
	size_t cap = (n_pg + n_ad) * 96 + 512, len = 0;
	char *y = malloc(cap);

	assert_non_null(y);
	len += (size_t)snprintf(y + len, cap - len,
		"apiVersion: hostnet/v1\nkind: HostProfile\nhost: big\n"
		"uplinks: [{name: eth1}, {name: eth2}]\n"
		"switches: [{name: vs0, uplinks: [eth1, eth2]}]\nportgroups:\n");
	for (size_t i = 0; i < n_pg; i++)
		len += (size_t)snprintf(y + len, cap - len, "  - {name: pg%06zu, switch: vs0}\n", i);
	len += (size_t)snprintf(y + len, cap - len, "adapters:\n");
	for (size_t i = 0; i < n_ad; i++)
		len += (size_t)snprintf(y + len, cap - len,
			"  - {name: v%zu, portgroup: pg%06zux, services: [management]}\n",
			i, same_word ? (size_t)7 : i);
	return y;
}

/* Hints are computed only for printed errors (1,000), once per word, and
 * within a budget: 30,000 undefined references cost a bounded number of
 * edit distances however many candidates there are (it was one per
 * candidate per reference: 30,000 x 30,000). */
static void did_you_mean_work_is_bounded(void **state)
{
	struct tu t;
	char *y;
	unsigned long before;

	(void)state;
	/* Few candidates: at most one comparison each per printed error. */
	y = hostile_refs(3, 30000, 0);
	before = suggest_distance_count;
	tu_run(&t, y, 1);
	assert_int_equal(t.d.n_errors, 30000);
	assert_true(t.d.truncated);
	assert_true(suggest_distance_count - before <= 1000 * 3);
	/* The hint is still there for a printed one. */
	assert_true(tu_has_diag(&t.d, "t.yaml:11:27: error: portgroup: portgroup 'pg000000x' "
				"is not defined (did you mean 'pg000000'?)"));
	tu_end(&t);
	free(y);
	/* One unknown word repeated: computed once. */
	y = hostile_refs(100, 30000, 1);
	before = suggest_distance_count;
	tu_run(&t, y, 1);
	assert_int_equal(t.d.n_errors, 30000);
	assert_true(suggest_distance_count - before <= 100);
	tu_end(&t);
	free(y);
	/* Many candidates and many distinct words: the budget. */
	y = hostile_refs(30000, 30000, 0);
	before = suggest_distance_count;
	tu_run(&t, y, 1);
	assert_int_equal(t.d.n_errors, 30000);
	assert_true(suggest_distance_count - before <= SUGGEST_BUDGET);
	tu_end(&t);
	free(y);
}

/* The duplicate checks pair each repeat with the first of its run, once:
 * 30,000 stacks on one table are 30,000 errors against the first. */
static void many_duplicates_are_each_reported_against_the_first(void **state)
{
	size_t cap = 30000 * 64 + 4096, len = 0;
	const char *ad = strstr(TU_VALID_PROFILE, "adapters:\n");
	char *y = malloc(cap);
	struct tu t;

	(void)state;
	assert_non_null(y);
	len += (size_t)snprintf(y + len, cap - len, "%.*s", (int)(ad - TU_VALID_PROFILE),
				TU_VALID_PROFILE);
	for (int i = 0; i < 30000; i++)
		len += (size_t)snprintf(y + len, cap - len, "  - {name: s%d, table: 100}\n", i);
	len += (size_t)snprintf(y + len, cap - len, "%s", ad);
	tu_run(&t, y, 1);
	assert_int_equal(t.d.n_errors, 30000);
	assert_true(tu_has_diag(&t.d, "t.yaml:18:23: error: table: 100 is already the table of "
				"stack 'vmotion' at line 16, column 12"));
	tu_end(&t);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_profile_has_no_diagnostics),
		cmocka_unit_test(interface_names_are_unique_across_kinds),
		cmocka_unit_test(portgroup_and_stack_names_are_unique),
		cmocka_unit_test(tables_are_unique_per_stack),
		cmocka_unit_test(references_must_exist_with_a_suggestion),
		cmocka_unit_test(unknown_stack_is_an_error),
		cmocka_unit_test(an_uplink_belongs_to_one_switch),
		cmocka_unit_test(macvlan_needs_an_uplink_outside_switches),
		cmocka_unit_test(an_address_is_used_once),
		cmocka_unit_test(an_isolated_stack_reaches_a_subnet_through_one_adapter),
		cmocka_unit_test(gateway_must_be_on_an_adapter_subnet_of_its_stack),
		cmocka_unit_test(route_via_must_be_reachable_on_its_stack),
		cmocka_unit_test(route_via_must_be_on_the_named_adapter),
		cmocka_unit_test(route_adapter_must_be_on_the_route_stack),
		cmocka_unit_test(default_route_with_metric_0_collides_with_the_gateway),
		cmocka_unit_test(duplicate_routes_are_refused),
		cmocka_unit_test(mtu_order_is_uplink_switch_adapter),
		cmocka_unit_test(ipv6_needs_mtu_1280),
		cmocka_unit_test(a_host_needs_a_management_adapter),
		cmocka_unit_test(mixed_services_warn),
		cmocka_unit_test(vmotion_on_default_stack_warns_when_a_vmotion_stack_exists),
		cmocka_unit_test(vmotion_below_jumbo_mtu_warns),
		cmocka_unit_test(switch_without_redundant_uplink_warns),
		cmocka_unit_test(fragment_is_checked_for_names_only),
		cmocka_unit_test(in_place_profile_has_no_diagnostics),
		cmocka_unit_test(in_place_adapters_name_their_switch_or_uplink),
		cmocka_unit_test(vlan_adapters_sit_on_a_switch_or_a_free_uplink),
		cmocka_unit_test(in_place_mtu_is_set_in_one_place),
		cmocka_unit_test(large_profile_validates_clean),
		cmocka_unit_test(did_you_mean_work_is_bounded),
		cmocka_unit_test(many_duplicates_are_each_reported_against_the_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
