#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "addr.h"

static void cidr_accepts_ipv4_with_host_bits(void **state)
{
	struct hn_addr a;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse_cidr(&a, "192.0.2.10/24"), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.prefixlen, 24);
	assert_false(addr_is_network(&a));
	assert_string_equal(addr_format(&a, true, buf, sizeof(buf)), "192.0.2.10/24");
}

static void cidr_rejects_bad_ipv4(void **state)
{
	static const char *const bad[] = {
		"192.0.2.300/24", "192.0.2.1/33", "192.0.2.1", "192.0.2.1/", "/24",
		"192.0.2.1/024", "192.0.2.1/+8", "192.0.2.1/ 8", "192.0.2/24", "0300.0.2.1/24",
		"192.0.2.1/24/1", "192.0.2.1/0x8",
	};
	struct hn_addr a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (addr_parse_cidr(&a, bad[i]) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
}

static void cidr_accepts_ipv6_and_rejects_long_prefix(void **state)
{
	struct hn_addr a;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse_cidr(&a, "2001:db8::10/64"), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(addr_format(&a, true, buf, sizeof(buf)), "2001:db8::10/64");
	assert_int_equal(addr_parse_cidr(&a, "2001:db8::/128"), 0);
	assert_int_equal(addr_parse_cidr(&a, "2001:db8::/129"), -EINVAL);
	assert_int_equal(addr_parse_cidr(&a, "2001:db8:::1/64"), -EINVAL);
}

static void network_clears_host_bits(void **state)
{
	struct hn_addr a, n;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse_cidr(&a, "198.51.100.77/26"), 0);
	n = addr_network(&a);
	assert_string_equal(addr_format(&n, true, buf, sizeof(buf)), "198.51.100.64/26");
	assert_true(addr_is_network(&n));
	assert_int_equal(addr_parse_cidr(&a, "2001:db8:1:3::5/63"), 0);
	n = addr_network(&a);
	assert_string_equal(addr_format(&n, true, buf, sizeof(buf)), "2001:db8:1:2::/63");
}

static void subnet_membership_respects_prefix_and_family(void **state)
{
	struct hn_addr net, in, out, v6;

	assert_int_equal(addr_parse_cidr(&net, "192.0.2.10/24"), 0);
	assert_int_equal(addr_parse_ip(&in, "192.0.2.254"), 0);
	assert_int_equal(addr_parse_ip(&out, "192.0.3.1"), 0);
	assert_int_equal(addr_parse_ip(&v6, "2001:db8::1"), 0);
	assert_true(addr_in_subnet(&net, &in));
	assert_false(addr_in_subnet(&net, &out));
	assert_false(addr_in_subnet(&net, &v6));
	/* A /0 contains every address of its family. */
	assert_int_equal(addr_parse_cidr(&net, "0.0.0.0/0"), 0);
	assert_true(addr_in_subnet(&net, &out));
}

static void cmp_orders_family_then_bytes_then_prefix(void **state)
{
	struct hn_addr a, b, c;

	assert_int_equal(addr_parse_cidr(&a, "192.0.2.0/24"), 0);
	assert_int_equal(addr_parse_cidr(&b, "192.0.2.0/25"), 0);
	assert_int_equal(addr_parse_cidr(&c, "2001:db8::/32"), 0);
	assert_true(addr_cmp(&a, &b) < 0);
	assert_true(addr_cmp(&b, &c) < 0);
	assert_int_equal(addr_cmp(&a, &a), 0);
	assert_true(addr_equal_ip(&a, &b));
}

static void mac_parses_both_separators_and_classifies(void **state)
{
	struct hn_mac m;
	char buf[ADDR_MAC_STRLEN];

	assert_int_equal(addr_parse_mac(&m, "02:00:5E:10:00:01"), 0);
	assert_string_equal(addr_format_mac(&m, buf, sizeof(buf)), "02:00:5e:10:00:01");
	assert_true(addr_mac_is_unicast(&m));
	assert_int_equal(addr_parse_mac(&m, "01-00-5e-00-00-01"), 0);
	assert_false(addr_mac_is_unicast(&m));
	assert_int_equal(addr_parse_mac(&m, "00:00:00:00:00:00"), 0);
	assert_true(addr_mac_is_zero(&m));
	assert_int_equal(addr_parse_mac(&m, "02:00:5e:10:00"), -EINVAL);
	assert_int_equal(addr_parse_mac(&m, "02:00-5e:10:00:01"), -EINVAL);
	assert_int_equal(addr_parse_mac(&m, "02:00:5e:10:00:0g"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cidr_accepts_ipv4_with_host_bits),
		cmocka_unit_test(cidr_rejects_bad_ipv4),
		cmocka_unit_test(cidr_accepts_ipv6_and_rejects_long_prefix),
		cmocka_unit_test(network_clears_host_bits),
		cmocka_unit_test(subnet_membership_respects_prefix_and_family),
		cmocka_unit_test(cmp_orders_family_then_bytes_then_prefix),
		cmocka_unit_test(mac_parses_both_separators_and_classifies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
