/* observe-managers.c: links another network manager manages, read from the
 * state files of systemd-networkd, NetworkManager, ifupdown and ifupdown2,
 * and networkd's foreign-route settings.  The paths come from the
 * HOSTNET_* variables, pointed at a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kobj.h"
#include "observe.h"

static char dir[64];

static void put_n(const char *rel, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put(const char *rel, const char *text)
{
	put_n(rel, text, strlen(text));
}

static void sub(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void env(const char *var, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(setenv(var, path, 1), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hostnet-managers.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	unsetenv("HOSTNET_NETWORKD_DIR");
	unsetenv("HOSTNET_NM_DIR");
	unsetenv("HOSTNET_IFUPDOWN_STATE");
	unsetenv("HOSTNET_IFUPDOWN2_STATE");
	unsetenv("HOSTNET_NETWORKD_CONF");
	return 0;
}

static void add(struct kobj_set *s, int ifindex, const char *name)
{
	struct kobj_link l = { .ifindex = ifindex };

	snprintf(l.name, sizeof(l.name), "%s", name);
	assert_int_equal(kobj_set_add_link(s, &l), 0);
}

static void each_managers_state_file_marks_its_links(void **state)
{
	struct kobj_set s = { 0 };
	/* Two interfaces as ifupdown2 3.0 pickles them (abridged). */
	static const char pickle[] =
		"\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x0eifupdown.iface\x94}\x94(\x8c\x04name\x94"
		"\x8c\x05vmbr0\x94\x8c\x0b" "addr_method\x94\x8c\x06static\x94u.\x80\x05\x95\x10\x00\x00"
		"\x00\x00\x00\x00\x00}\x94(\x8c\x04name\x94\x8c\x02lo\x94u.";

	(void)state;
	for (int i = 1; i <= 8; i++) {
		static const char *const names[] = { "lo", "eth1", "eth2", "eth3", "eth4", "eth5",
						     "vmbr0", "eth6" };

		add(&s, i, names[i - 1]);
	}
	sub("netif");
	sub("netif/links");
	put("netif/links/2", "# This is private data. Do not parse.\nADMIN_STATE=configured\nOPER_STATE=routable\n");
	put("netif/links/3", "ADMIN_STATE=unmanaged\n");
	put("netif/links/8", "ADMIN_STATE=configuring\nNETWORK_FILE=/etc/systemd/network/x.network\n");
	sub("nm");
	sub("nm/devices");
	put("nm/devices/4", "[device]\nmanaged=true\nperm-hw-addr-fake=02:00:00:00:00:01\n");
	put("nm/devices/5", "[device]\nmanaged=false\n");
	put("ifstate", "lo=lo\neth5=eth5\n");
	put_n("ifstatenew", pickle, sizeof(pickle) - 1);
	env("HOSTNET_NETWORKD_DIR", "netif");
	env("HOSTNET_NM_DIR", "nm");
	env("HOSTNET_IFUPDOWN_STATE", "ifstate");
	env("HOSTNET_IFUPDOWN2_STATE", "ifstatenew");
	observe_managers(&s);
	assert_int_equal(s.links[0].manager, KOBJ_MANAGER_NONE);           /* lo: never */
	assert_int_equal(s.links[1].manager, KOBJ_MANAGER_NETWORKD);
	assert_int_equal(s.links[2].manager, KOBJ_MANAGER_NONE);           /* unmanaged */
	assert_int_equal(s.links[3].manager, KOBJ_MANAGER_NETWORKMANAGER);
	assert_int_equal(s.links[4].manager, KOBJ_MANAGER_NONE);           /* managed=false */
	assert_int_equal(s.links[5].manager, KOBJ_MANAGER_IFUPDOWN);
	assert_int_equal(s.links[6].manager, KOBJ_MANAGER_IFUPDOWN2);
	assert_int_equal(s.links[7].manager, KOBJ_MANAGER_NETWORKD);
	assert_string_equal(kobj_manager_name(KOBJ_MANAGER_IFUPDOWN2), "ifupdown2");
	kobj_set_clear(&s);
}

static void missing_state_files_mean_nothing_is_managed(void **state)
{
	struct kobj_set s = { 0 };

	(void)state;
	add(&s, 2, "eth1");
	env("HOSTNET_NETWORKD_DIR", "none");
	env("HOSTNET_NM_DIR", "none");
	env("HOSTNET_IFUPDOWN_STATE", "none");
	env("HOSTNET_IFUPDOWN2_STATE", "none");
	observe_managers(&s);
	assert_int_equal(s.links[0].manager, KOBJ_MANAGER_NONE);
	kobj_set_clear(&s);
}

static void networkd_foreign_management_is_on_by_default(void **state)
{
	struct observe_networkd nd;

	(void)state;
	env("HOSTNET_NETWORKD_DIR", "netif");
	env("HOSTNET_NETWORKD_CONF", "networkd.conf");
	observe_networkd(&nd);           /* no file at all: systemd's defaults */
	assert_true(nd.running);
	assert_true(nd.foreign_routes);
	assert_true(nd.foreign_rules);
	put("networkd.conf", "[Network]\n#ManageForeignRoutes=no\nSpeedMeter=no\n");
	observe_networkd(&nd);           /* commented out */
	assert_true(nd.foreign_routes);
}

static void networkd_drop_ins_turn_it_off_in_order(void **state)
{
	struct observe_networkd nd;

	(void)state;
	env("HOSTNET_NETWORKD_DIR", "netif");
	env("HOSTNET_NETWORKD_CONF", "networkd.conf");
	put("networkd.conf", "[Network]\nManageForeignRoutes=no\n[DHCPv4]\nManageForeignRoutingPolicyRules=no\n");
	observe_networkd(&nd);           /* the second key is in another section */
	assert_false(nd.foreign_routes);
	assert_true(nd.foreign_rules);
	sub("networkd.conf.d");
	put("networkd.conf.d/50-hostnet.conf", "[Network]\nManageForeignRoutingPolicyRules = false\n");
	put("networkd.conf.d/90-later.conf", "[Network]\nManageForeignRoutes=yes\n");
	observe_networkd(&nd);           /* later drop-ins win */
	assert_true(nd.foreign_routes);
	assert_false(nd.foreign_rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_managers_state_file_marks_its_links, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_state_files_mean_nothing_is_managed, setup, teardown),
		cmocka_unit_test_setup_teardown(networkd_foreign_management_is_on_by_default, setup, teardown),
		cmocka_unit_test_setup_teardown(networkd_drop_ins_turn_it_off_in_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
