/* services.c: the service table from a desired state, its JSON and the
 * EnvironmentFile text each service's .env holds.  Pure. */
#include <jansson.h>

#include "testutil.h"

#include "realize.h"
#include "services.h"

struct fx {
	struct tu t;
	struct want w;
	struct services_list l;
};

static void fx_load(struct fx *f, const char *yaml)
{
	tu_run(&f->t, yaml, 1);
	if (f->t.rc)
		tu_print_diags(&f->t.d);
	assert_int_equal(f->t.rc, 0);
	assert_int_equal(realize_profile(&f->w, f->t.p), 0);
	assert_int_equal(services_from_want(&f->l, &f->w), 0);
}

static void fx_end(struct fx *f)
{
	services_list_clear(&f->l);
	want_clear(&f->w);
	tu_end(&f->t);
}

static void each_tag_is_one_entry_with_its_adapter_stack_and_gateway(void **state)
{
	struct fx f = { 0 };
	char buf[ADDR_STRLEN];

	(void)state;
	fx_load(&f, TU_VALID_PROFILE);
	assert_int_equal(f.l.n, 2);
	assert_int_equal(f.l.v[0].service, PROFILE_SERVICE_MANAGEMENT);
	assert_string_equal(f.l.v[0].adapter, "vmk0");
	assert_string_equal(f.l.v[0].stack, "default");
	assert_int_equal(f.l.v[0].table, 254);
	assert_int_equal(f.l.v[0].mtu, 1500);
	assert_string_equal(addr_format(&f.l.v[0].addr4, true, buf, sizeof(buf)), "192.0.2.10/24");
	assert_string_equal(addr_format(&f.l.v[0].addr6, true, buf, sizeof(buf)), "2001:db8::10/64");
	assert_string_equal(addr_format(&f.l.v[0].gw4, false, buf, sizeof(buf)), "192.0.2.1");
	assert_string_equal(addr_format(&f.l.v[0].gw6, false, buf, sizeof(buf)), "2001:db8::1");

	assert_int_equal(f.l.v[1].service, PROFILE_SERVICE_VMOTION);
	assert_string_equal(f.l.v[1].adapter, "vmk1");
	assert_string_equal(f.l.v[1].stack, "vmotion");
	assert_int_equal(f.l.v[1].table, 100);
	assert_int_equal(f.l.v[1].mtu, 9000);
	assert_string_equal(addr_format(&f.l.v[1].gw4, false, buf, sizeof(buf)), "198.51.100.1");
	assert_int_equal(f.l.v[1].addr6.family, 0);
	assert_int_equal(f.l.v[1].gw6.family, 0);
	fx_end(&f);
}

static void a_service_on_two_adapters_is_two_entries_in_name_order(void **state)
{
	char *yaml = tu_replace(TU_VALID_PROFILE, "services: [vmotion]", "services: [vmotion, management]");
	struct fx f = { 0 };

	(void)state;
	fx_load(&f, yaml);
	assert_int_equal(f.l.n, 3);
	assert_int_equal(f.l.v[0].service, PROFILE_SERVICE_MANAGEMENT);
	assert_string_equal(f.l.v[0].adapter, "vmk0");
	assert_int_equal(f.l.v[1].service, PROFILE_SERVICE_MANAGEMENT);
	assert_string_equal(f.l.v[1].adapter, "vmk1");
	assert_ptr_equal(services_find(&f.l, PROFILE_SERVICE_MANAGEMENT), &f.l.v[0]);
	assert_null(services_find(&f.l, PROFILE_SERVICE_NFS));
	fx_end(&f);
	free(yaml);
}

static void env_text_is_exact(void **state)
{
	char *yaml = tu_replace(TU_VALID_PROFILE, "services: [vmotion]", "services: [vmotion, management]");
	struct fx f = { 0 };
	char buf[1024];
	int n;

	(void)state;
	fx_load(&f, yaml);
	n = services_env_text(buf, sizeof(buf), &f.l, PROFILE_SERVICE_MANAGEMENT);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf,
			    "# Written by hostnet after each apply; do not edit.\n"
			    "HOSTNET_SERVICE=management\n"
			    "HOSTNET_ADAPTER=vmk0\n"
			    "HOSTNET_ADAPTERS=\"vmk0 vmk1\"\n"
			    "HOSTNET_ADDRESS4=192.0.2.10\n"
			    "HOSTNET_PREFIX4=24\n"
			    "HOSTNET_ADDRESS6=2001:db8::10\n"
			    "HOSTNET_PREFIX6=64\n"
			    "HOSTNET_DHCP4=no\n"
			    "HOSTNET_STACK=default\n"
			    "HOSTNET_TABLE=254\n"
			    "HOSTNET_GATEWAY4=192.0.2.1\n"
			    "HOSTNET_GATEWAY6=2001:db8::1\n"
			    "HOSTNET_MTU=1500\n");
	assert_int_equal(services_env_text(buf, sizeof(buf), &f.l, PROFILE_SERVICE_VMOTION) > 0, 1);
	assert_non_null(strstr(buf, "\nHOSTNET_ADDRESS6=\nHOSTNET_PREFIX6=\n"));
	assert_non_null(strstr(buf, "\nHOSTNET_STACK=vmotion\nHOSTNET_TABLE=100\n"));
	assert_int_equal(services_env_text(buf, sizeof(buf), &f.l, PROFILE_SERVICE_NFS), -ENOENT);
	fx_end(&f);
	free(yaml);
}

static void dhcp_adapter_has_no_address_but_says_dhcp(void **state)
{
	char *yaml = tu_replace(TU_VALID_PROFILE, "    ipv4: [192.0.2.10/24]\n", "    ipv4: dhcp\n");
	struct fx f = { 0 };

	(void)state;
	fx_load(&f, yaml);
	assert_string_equal(f.l.v[0].adapter, "vmk0");
	assert_true(f.l.v[0].dhcp4);
	assert_int_equal(f.l.v[0].addr4.family, 0);
	fx_end(&f);
	free(yaml);
}

static void json_has_fixed_keys_and_typed_values(void **state)
{
	struct fx f = { 0 };
	json_t *j;
	char *s;

	(void)state;
	fx_load(&f, TU_VALID_PROFILE);
	j = services_json(&f.l);
	assert_non_null(j);
	s = json_dumps(json_array_get(j, 1), JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s, "{\"service\":\"vmotion\",\"adapter\":\"vmk1\",\"address4\":\"198.51.100.10/24\","
			       "\"address6\":null,\"dhcp4\":false,\"stack\":\"vmotion\",\"table\":100,"
			       "\"gateway4\":\"198.51.100.1\",\"gateway6\":null,\"mtu\":9000}");
	free(s);
	json_decref(j);
	fx_end(&f);
}

static void vrf_stack_gives_its_table(void **state)
{
	struct fx f = { 0 };

	(void)state;
	fx_load(&f, TU_VRF_PROFILE);
	for (size_t i = 0; i < f.l.n; i++)
		assert_true(f.l.v[i].table != 0);
	fx_end(&f);
}

/* vmbr0 (the switch's bridge, alias hostnet:switch) and eth3 (a NIC, no
 * alias) carry adapters in place: only the desired state says their tags. */
static void adapters_in_place_are_listed_from_the_desired_state(void **state)
{
	static const char yaml[] =
		"apiVersion: hostnet/v1\nkind: HostProfile\nhost: pve01\n"
		"uplinks:\n  - {name: eth1}\n  - {name: eth3}\n"
		"switches:\n  - {name: vmbr0, uplinks: [eth1]}\n"
		"stacks:\n  - name: default\n    gateway: {ipv4: 192.0.2.1}\n"
		"  - name: storage\n    table: 100\n    gateway: {ipv4: 198.51.100.1}\n"
		"adapters:\n"
		"  - name: vmbr0\n    backing: switch\n    services: [management]\n"
		"    ipv4: [192.0.2.10/24]\n"
		"  - name: eth3\n    backing: uplink\n    services: [iscsi]\n    stack: storage\n"
		"    ipv4: [198.51.100.10/24]\n";
	struct fx f = { 0 };
	char buf[ADDR_STRLEN];

	(void)state;
	fx_load(&f, yaml);
	assert_int_equal(f.l.n, 2);
	assert_int_equal(f.l.v[0].service, PROFILE_SERVICE_MANAGEMENT);
	assert_string_equal(f.l.v[0].adapter, "vmbr0");
	assert_string_equal(f.l.v[0].stack, "default");
	assert_int_equal(f.l.v[0].table, 254);
	assert_string_equal(addr_format(&f.l.v[0].addr4, true, buf, sizeof(buf)), "192.0.2.10/24");
	assert_string_equal(addr_format(&f.l.v[0].gw4, false, buf, sizeof(buf)), "192.0.2.1");
	assert_int_equal(f.l.v[1].service, PROFILE_SERVICE_ISCSI);
	assert_string_equal(f.l.v[1].adapter, "eth3");
	assert_string_equal(f.l.v[1].stack, "storage");
	assert_int_equal(f.l.v[1].table, 100);
	assert_string_equal(addr_format(&f.l.v[1].addr4, true, buf, sizeof(buf)), "198.51.100.10/24");
	assert_string_equal(addr_format(&f.l.v[1].gw4, false, buf, sizeof(buf)), "198.51.100.1");
	fx_end(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_tag_is_one_entry_with_its_adapter_stack_and_gateway),
		cmocka_unit_test(a_service_on_two_adapters_is_two_entries_in_name_order),
		cmocka_unit_test(env_text_is_exact),
		cmocka_unit_test(dhcp_adapter_has_no_address_but_says_dhcp),
		cmocka_unit_test(json_has_fixed_keys_and_typed_values),
		cmocka_unit_test(vrf_stack_gives_its_table),
		cmocka_unit_test(adapters_in_place_are_listed_from_the_desired_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
