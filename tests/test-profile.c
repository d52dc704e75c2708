/* profile.c: structure, types and values of a single profile. */
#include "testutil.h"

#include <sys/socket.h>

static void valid_profile_converts_with_defaults(void **state)
{
	struct tu t;
	const struct profile_adapter *a;
	const struct profile_stack *st;

	tu_run(&t, TU_VALID_PROFILE, 1);
	tu_print_diags(&t.d);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.d.n, 0);
	assert_string_equal(t.p->host, "esx01");
	assert_int_equal(t.p->n_adapters, 2);
	a = profile_find_adapter(t.p, "vmk1");
	assert_non_null(a);
	assert_int_equal(a->mtu, 9000);
	assert_true(a->mac_auto);
	assert_int_equal(a->state, PROFILE_STATE_UP);
	assert_int_equal(a->backing, PROFILE_BACKING_VETH);
	assert_int_equal(a->services, 1u << PROFILE_SERVICE_VMOTION);
	assert_int_equal(a->mtu_loc.line, 29);
	assert_int_equal(a->mtu_loc.col, 10);
	st = profile_find_stack(t.p, "vmotion");
	assert_int_equal(st->table, 100);
	assert_int_equal(st->isolation, PROFILE_ISOLATION_TABLE);
	st = profile_find_stack(t.p, "default");
	assert_int_equal(st->table, PROFILE_MAIN_TABLE);
	assert_false(st->implicit);
	assert_int_equal(t.p->routes[0].metric, 100);
	assert_int_equal(t.p->routes[0].to.prefixlen, 24);
	tu_end(&t);
}

static void default_stack_is_implicit_when_not_declared(void **state)
{
	struct tu t;
	char *y = tu_replace(TU_VALID_PROFILE,
			     "  - name: default\n    gateway: {ipv4: 192.0.2.1, ipv6: \"2001:db8::1\"}\n",
			     "");

	tu_run(&t, y, 1);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.p->n_stacks, 2);
	assert_true(profile_find_stack(t.p, "default")->implicit);
	tu_end(&t);
	free(y);
}

static void unknown_key_suggests_the_near_miss(void **state)
{
	tu_variant_error("    mtu: 9000\n", "    mtux: 9000\n",
			 "t.yaml:29:5: error: unknown key 'mtux' in adapter (did you mean 'mtu'?)");
	tu_variant_error("host: esx01\n", "host: esx01\nrouting: {}\n",
			 "t.yaml:4:1: error: unknown key 'routing' in profile");
}

static void bad_cidr_is_reported_at_the_value(void **state)
{
	tu_variant_error("ipv6: [\"2001:db8::10/64\"]", "ipv6: [\"2001:db8::10::1/64\"]",
			 "t.yaml:24:12: error: ipv6: '2001:db8::10::1/64' is not an IPv6 address "
			 "with a prefix length (like 2001:db8::10/64)");
	tu_variant_error("routes:\n  - {to: 203.0.113.0/24,", "routes:\n  - {to: 192.0.2.300/24,",
			 "t.yaml:32:10: error: to: '192.0.2.300/24' is not an IP address with a "
			 "prefix length (like 192.0.2.10/24)");
	tu_variant_error("ipv6: [\"2001:db8::10/64\"]", "ipv6: [\"2001:db8::10\"]",
			 "t.yaml:24:12: error: ipv6: '2001:db8::10' has no prefix length "
			 "(like 2001:db8::10/64)");
}

static void address_of_the_wrong_family_is_named(void **state)
{
	tu_variant_error("ipv6: [\"2001:db8::10/64\"]", "ipv6: [192.0.2.11/24]",
			 "t.yaml:24:12: error: ipv6: '192.0.2.11/24' is an IPv4 address, "
			 "expected IPv6");
}

static void mtu_range_and_type_are_checked(void **state)
{
	tu_variant_error("    mtu: 1500\n", "    mtu: 67\n",
			 "t.yaml:22:10: error: mtu: 67 is out of range (68..65535)");
	tu_variant_error("    mtu: 1500\n", "    mtu: 65536\n",
			 "t.yaml:22:10: error: mtu: 65536 is out of range (68..65535)");
	tu_variant_error("    mtu: 1500\n", "    mtu: \"1500\"\n",
			 "t.yaml:22:10: error: mtu: expected an integer, got a quoted string (\"1500\")");
	tu_variant_error("    mtu: 1500\n", "    mtu: 0x5dc\n",
			 "t.yaml:22:10: error: mtu: '0x5dc' is not a plain decimal integer");
	tu_variant_error("    mtu: 1500\n", "    mtu: [1500]\n",
			 "t.yaml:22:10: error: mtu: expected an integer, got a sequence");
	tu_variant_error("    mtu: 1500\n", "    mtu: -1\n",
			 "t.yaml:22:10: error: mtu: -1 is out of range (68..65535)");
}

static void mac_must_be_unicast(void **state)
{
	tu_variant_error("    mtu: 1500\n", "    mtu: 1500\n    mac: 01:00:5e:00:00:01\n",
			 "t.yaml:23:10: error: mac: 01:00:5e:00:00:01 is a multicast address; an "
			 "interface needs a unicast MAC");
	tu_variant_error("    mtu: 1500\n", "    mtu: 1500\n    mac: \"00:00:00:00:00:00\"\n",
			 "t.yaml:23:10: error: mac: 00:00:00:00:00:00 is a zero address; an "
			 "interface needs a unicast MAC");
	tu_variant_error("    mtu: 1500\n", "    mtu: 1500\n    mac: nope\n",
			 "t.yaml:23:10: error: mac: 'nope' is not a MAC address (like "
			 "02:00:00:00:00:01) or 'auto'");
}

/* YAML 1.1 reads 12:34:56:12:34:56 as a base-60 integer. */
static void unquoted_mac_read_as_a_number_is_caught(void **state)
{
	tu_variant_error("    mtu: 1500\n", "    mtu: 1500\n    mac: 12:34:56:12:34:56\n",
			 "t.yaml:23:10: error: mac: expected a string, got an integer "
			 "('12:34:56:12:34:56'); quote it if it is text");
}

static void quoted_mac_is_accepted(void **state)
{
	struct tu t;
	char *y = tu_replace(TU_VALID_PROFILE, "    mtu: 1500\n",
			     "    mtu: 1500\n    mac: \"12:34:56:12:34:56\"\n");

	tu_run(&t, y, 1);
	assert_int_equal(t.rc, 0);
	assert_false(t.p->adapters[0].mac_auto);
	assert_int_equal(t.p->adapters[0].mac.b[0], 0x12);
	tu_end(&t);
	free(y);
}

static void vlan_range_is_checked(void **state)
{
	tu_variant_error("vlan: 10}", "vlan: 4095}",
			 "t.yaml:10:43: error: vlan: 4095 is out of range (0..4094)");
}

static void reserved_tables_are_refused(void **state)
{
	tu_variant_error("    table: 100\n", "    table: 254\n",
			 "t.yaml:16:12: error: table: 254 is reserved by the kernel (main); choose "
			 "1..252 or 256..4294967295");
	tu_variant_error("    table: 100\n", "    table: 0\n",
			 "t.yaml:16:12: error: table: 0 is out of range (1..4294967295)");
	tu_variant_error("    table: 100\n", "",
			 "t.yaml:15:5: error: stack: missing required key 'table'");
	tu_variant_error("  - name: default\n", "  - name: default\n    table: 5\n",
			 "t.yaml:14:12: error: table: the default stack always uses the main table "
			 "(254); remove 'table'");
}

static void required_keys_are_named(void **state)
{
	tu_variant_error("    portgroup: vMotion\n", "",
			 "t.yaml:25:5: error: adapter: missing required key 'portgroup'");
	tu_variant_error("apiVersion: hostnet/v1\n", "",
			 "t.yaml:1:1: error: profile: missing required key 'apiVersion'");
	tu_variant_error("host: esx01\n", "",
			 "t.yaml:1:1: error: profile: missing required key 'host'");
}

static void header_values_are_checked(void **state)
{
	tu_variant_error("apiVersion: hostnet/v1\n", "apiVersion: hostnet/v2\n",
			 "t.yaml:1:13: error: apiVersion: 'hostnet/v2' is not supported; this "
			 "hostnet reads 'hostnet/v1'");
	tu_variant_error("kind: HostProfile\n", "kind: Host\n",
			 "t.yaml:2:7: error: kind: 'Host' is not one of: HostProfile, "
			 "ProfileFragment");
}

static void interface_names_follow_linux_rules(void **state)
{
	tu_variant_error("  - name: vmk1\n", "  - name: vmk1-very-long-nm\n",
			 "t.yaml:25:11: error: name: 'vmk1-very-long-nm' is 17 bytes; adapter names "
			 "are 1..14 bytes (its peer port adds a 'p' to a 15-byte Linux name)");
	tu_variant_error("{name: vs0,", "{name: vs0/a,",
			 "t.yaml:8:12: error: name: 'vs0/a' is not a valid Linux interface name "
			 "(no '/', ':', '%' or whitespace; not '.' or '..')");
}

static void yaml_booleans_are_not_strings(void **state)
{
	/* Portgroup "yes": YAML 1.1 reads it as true. */
	char *y = tu_replace(TU_VALID_PROFILE, "{name: vMotion,", "{name: yes,");

	tu_expect_error(y, "t.yaml:11:12: error: name: expected a string, got a boolean "
			"('yes'); quote it if it is text", 1);
	free(y);
}

static void services_are_known_and_unique(void **state)
{
	tu_variant_error("services: [vmotion]", "services: [vmotoin]",
			 "t.yaml:27:16: error: services: 'vmotoin' is not one of: management, "
			 "vmotion, provisioning, ft, iscsi, nfs, vsan, vsan-witness, replication, "
			 "replication-nfc (did you mean 'vmotion'?)");
	tu_variant_error("services: [vmotion]", "services: [vmotion, vmotion]",
			 "t.yaml:27:25: error: services: 'vmotion' is listed twice");
}

static void route_values_are_checked(void **state)
{
	tu_variant_error("{to: 203.0.113.0/24,", "{to: 203.0.113.5/24,",
			 "t.yaml:32:10: error: to: '203.0.113.5/24' has host bits set; the network "
			 "is 203.0.113.0/24");
	tu_variant_error("via: 192.0.2.254,", "via: \"2001:db8::fe\",",
			 "t.yaml:32:31: error: via: IPv6 gateway for an IPv4 destination");
	tu_variant_error(" via: 192.0.2.254,", "",
			 "t.yaml:32:5: error: route: needs 'via' (a gateway) or 'adapter' (a "
			 "directly connected route), or both");
	tu_variant_error("{to: 203.0.113.0/24, via: 192.0.2.254,", "{to: default, adapter: vmk0,",
			 "t.yaml:32:10: error: to: 'default' needs 'via' to tell IPv4 from IPv6; "
			 "write 0.0.0.0/0 or ::/0");
}

static void default_route_takes_the_family_of_via(void **state)
{
	struct tu t;
	char *y = tu_replace(TU_VALID_PROFILE, "{to: 203.0.113.0/24,", "{to: default,");

	tu_run(&t, y, 1);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.p->routes[0].to.family, AF_INET);
	assert_int_equal(t.p->routes[0].to.prefixlen, 0);
	tu_end(&t);
	free(y);
}

static void structure_types_are_checked(void **state)
{
	tu_variant_error("portgroups:\n  - {name: Management, switch: vs0, vlan: 10}\n"
			 "  - {name: vMotion, switch: vs0}\n",
			 "portgroups: {}\n",
			 "t.yaml:9:13: error: portgroups: expected a list, got a mapping");
	tu_expect_error("- a\n- b\n", "t.yaml:1:1: error: profile: expected a mapping, got a "
			"sequence", 1);
}

static void list_items_must_be_mappings(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "uplinks:\n  - {name: eth1, mtu: 9000}\n",
			     "uplinks:\n  - eth1\n");

	tu_expect_error(y, "t.yaml:5:5: error: uplinks: expected a mapping, got a string", 1);
	free(y);
}

static void macvlan_backing_takes_an_uplink_not_a_portgroup(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "    portgroup: vMotion\n",
			     "    portgroup: vMotion\n    backing: macvlan\n");

	tu_expect_error(y, "t.yaml:26:16: error: portgroup: a macvlan adapter sits on an uplink, "
			"not on a portgroup", 2);
	tu_expect_error(y, "t.yaml:25:5: error: adapter: missing required key 'uplink' "
			"(backing: macvlan)", 2);
	free(y);
	tu_variant_error("    portgroup: vMotion\n", "    portgroup: vMotion\n    uplink: eth2\n",
			 "t.yaml:27:13: error: uplink: only a macvlan or vlan adapter names an uplink; this "
			 "adapter is on portgroup backing (veth)");
}

static void in_place_and_vlan_backings_convert(void **state)
{
	struct tu t;
	const struct profile_adapter *a;

	tu_run(&t, TU_INPLACE_PROFILE, 1);
	tu_print_diags(&t.d);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.d.n, 0);
	a = profile_find_adapter(t.p, "vmbr0");
	assert_int_equal(a->backing, PROFILE_BACKING_SWITCH);
	assert_true(profile_backing_in_place(a->backing));
	/* The bridge's MTU is the switch's. */
	assert_int_equal(a->mtu, 9000);
	a = profile_find_adapter(t.p, "eth3");
	assert_int_equal(a->backing, PROFILE_BACKING_UPLINK);
	assert_int_equal(a->mtu, 9000);
	a = profile_find_adapter(t.p, "vmbr0.20");
	assert_int_equal(a->backing, PROFILE_BACKING_VLAN);
	assert_false(profile_backing_in_place(a->backing));
	assert_string_equal(a->switch_name, "vmbr0");
	assert_null(a->uplink);
	assert_int_equal(a->vlan, 20);
	assert_int_equal(a->mtu, 1500);
	assert_string_equal(profile_backing_name(PROFILE_BACKING_VLAN), "vlan");
	tu_end(&t);
}

static void backing_keys_fit_the_backing(void **state)
{
	struct tu t;
	char *y;

	y = tu_replace(TU_INPLACE_PROFILE, "    switch: vmbr0\n", "    switch: vmbr0\n    uplink: eth3\n");
	tu_expect_error(y, "t.yaml:29:13: error: uplink: a vlan adapter sits on either a switch or an "
			"uplink, not both", 1);
	free(y);
	y = tu_replace(TU_INPLACE_PROFILE, "    switch: vmbr0\n", "");
	tu_expect_error(y, "t.yaml:26:5: error: adapter: missing required key 'switch' or 'uplink' "
			"(backing: vlan)", 1);
	free(y);
	y = tu_replace(TU_INPLACE_PROFILE, "    vlan: 20\n", "    vlan: 4095\n");
	tu_expect_error(y, "t.yaml:29:11: error: vlan: 4095 is out of range (1..4094)", 1);
	free(y);
	y = tu_replace(TU_INPLACE_PROFILE, "    vlan: 20\n", "");
	tu_expect_error(y, "t.yaml:26:5: error: adapter: missing required key 'vlan' (backing: vlan)", 1);
	free(y);
	y = tu_replace(TU_INPLACE_PROFILE, "    backing: switch\n", "    backing: switch\n    portgroup: Mgmt\n");
	tu_expect_error(y, "t.yaml:19:16: error: portgroup: an adapter with backing: switch or uplink "
			"is that interface itself, named by 'name'; remove this key", 1);
	free(y);
	y = tu_replace(TU_INPLACE_PROFILE, "    backing: uplink\n", "    backing: uplink\n    vlan: 7\n");
	tu_expect_error(y, "t.yaml:23:11: error: vlan: only a vlan adapter has a VLAN id; use backing: "
			"vlan for a VLAN device over this interface", 1);
	free(y);
	tu_variant_error("    portgroup: vMotion\n", "    portgroup: vMotion\n    vlan: 5\n",
			 "t.yaml:27:11: error: vlan: only a vlan adapter has a VLAN id; a veth adapter "
			 "is tagged by its portgroup's vlan");
	/* Only a veth adapter's name is limited to 14 (its peer adds 'p'). */
	y = tu_replace(TU_INPLACE_PROFILE, "  - name: vmbr0.20\n", "  - name: vmbr0.20-15char\n");
	tu_run(&t, y, 0);
	assert_int_equal(t.rc, 0);
	tu_end(&t);
	free(y);
	tu_variant_error("  - name: vmk1\n", "  - name: vmk1-15-chars-x\n",
			 "t.yaml:25:11: error: name: 'vmk1-15-chars-x' is 15 bytes; adapter names are "
			 "1..14 bytes (its peer port adds a 'p' to a 15-byte Linux name)");
}

static void stack_values_are_checked(void **state)
{
	tu_variant_error("  - name: vmotion\n", "  - name: vMotion\n",
			 "t.yaml:15:11: error: name: stack name 'vMotion' must be 1..15 of a-z, "
			 "0-9, '_' and '-'");
	tu_variant_error("    table: 100\n", "    table: 100\n    isolation: vfr\n",
			 "t.yaml:17:16: error: isolation: 'vfr' is not one of: table, vrf (did you "
			 "mean 'vrf'?)");
	tu_variant_error("    gateway: {ipv4: 198.51.100.1}\n", "    gateway: 198.51.100.1\n",
			 "t.yaml:17:14: error: gateway: expected a mapping, got a string");
}

static void every_problem_is_reported_in_one_run(void **state)
{
	char *a = tu_replace(TU_VALID_PROFILE, "    mtu: 1500\n", "    mtu: 67\n");
	char *b = tu_replace(a, "vlan: 10}", "vlan: 4095}");
	char *c = tu_replace(b, "    table: 100\n", "    table: 255\n");
	struct tu t;

	tu_run(&t, c, 1);
	assert_int_equal(t.d.n_errors, 3);
	assert_true(tu_has_diag(&t.d, "t.yaml:22:10: error: mtu: 67 is out of range (68..65535)"));
	assert_true(tu_has_diag(&t.d, "t.yaml:10:43: error: vlan: 4095 is out of range (0..4094)"));
	assert_true(tu_has_diag(&t.d, "t.yaml:16:12: error: table: 255 is reserved by the kernel "
				"(local); choose 1..252 or 256..4294967295"));
	tu_end(&t);
	free(a);
	free(b);
	free(c);
}

static void fragment_may_not_name_a_host(void **state)
{
	tu_expect_error("apiVersion: hostnet/v1\nkind: ProfileFragment\nhost: x\n",
			"t.yaml:3:7: error: host: a ProfileFragment is shared by hosts and names "
			"none; remove 'host'", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_profile_converts_with_defaults),
		cmocka_unit_test(default_stack_is_implicit_when_not_declared),
		cmocka_unit_test(unknown_key_suggests_the_near_miss),
		cmocka_unit_test(bad_cidr_is_reported_at_the_value),
		cmocka_unit_test(address_of_the_wrong_family_is_named),
		cmocka_unit_test(mtu_range_and_type_are_checked),
		cmocka_unit_test(mac_must_be_unicast),
		cmocka_unit_test(unquoted_mac_read_as_a_number_is_caught),
		cmocka_unit_test(quoted_mac_is_accepted),
		cmocka_unit_test(vlan_range_is_checked),
		cmocka_unit_test(reserved_tables_are_refused),
		cmocka_unit_test(required_keys_are_named),
		cmocka_unit_test(header_values_are_checked),
		cmocka_unit_test(interface_names_follow_linux_rules),
		cmocka_unit_test(yaml_booleans_are_not_strings),
		cmocka_unit_test(services_are_known_and_unique),
		cmocka_unit_test(route_values_are_checked),
		cmocka_unit_test(default_route_takes_the_family_of_via),
		cmocka_unit_test(structure_types_are_checked),
		cmocka_unit_test(list_items_must_be_mappings),
		cmocka_unit_test(macvlan_backing_takes_an_uplink_not_a_portgroup),
		cmocka_unit_test(in_place_and_vlan_backings_convert),
		cmocka_unit_test(backing_keys_fit_the_backing),
		cmocka_unit_test(stack_values_are_checked),
		cmocka_unit_test(every_problem_is_reported_in_one_run),
		cmocka_unit_test(fragment_may_not_name_a_host),
	};

	tu_validate = 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
