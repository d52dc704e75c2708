#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

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

/* addr_format writes what inet_ntop writes (it used to call it): every
 * zero-run shape of an IPv6 address (each group zero or not, 256 patterns
 * times a few fillers, the embedded IPv4 forms among them), random ones, and
 * IPv4; with and without the prefix, and cut short like snprintf. */
static void format_matches_inet_ntop(void **state)
{
	static const unsigned fill[] = { 0x1, 0xffff, 0xdb8, 0x10, 0xabc0 };
	char got[ADDR_STRLEN], ip[INET6_ADDRSTRLEN], want[ADDR_STRLEN + 8];
	struct hn_addr a = { 0 };
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 256 * 5 + 20000; round++) {
		memset(&a, 0, sizeof(a));
		if (round < 256 * 5) {
			a.family = AF_INET6;
			for (int g = 0; g < 8; g++) {
				unsigned v = (round & (1u << g)) ? fill[(round / 256 + g) % 5] : 0;

				a.bytes[2 * g] = (uint8_t)(v >> 8);
				a.bytes[2 * g + 1] = (uint8_t)v;
			}
		} else {
			a.family = round % 3 ? AF_INET6 : AF_INET;
			for (int k = 0; k < (a.family == AF_INET ? 4 : 16); k++) {
				seed = seed * 1103515245u + 12345u;
				/* Many zero bytes, so that zero groups are common. */
				a.bytes[k] = (seed >> 16) % 3 ? 0 : (uint8_t)(seed >> 8);
			}
		}
		a.prefixlen = (uint8_t)(round % 129);
		assert_non_null(inet_ntop(a.family, a.bytes, ip, sizeof(ip)));
		assert_string_equal(addr_format(&a, false, got, sizeof(got)), ip);
		snprintf(want, sizeof(want), "%s/%u", ip, a.prefixlen);
		assert_string_equal(addr_format(&a, true, got, sizeof(got)), want);
		for (size_t n = 0; n < 8; n++) {
			char cut[8] = "zzzzzzz", wcut[8] = "zzzzzzz";

			addr_format(&a, true, cut, n);
			if (n) {   /* snprintf's cut: at most n - 1 bytes and the NUL */
				size_t k = strlen(want) < n - 1 ? strlen(want) : n - 1;

				memcpy(wcut, want, k);
				wcut[k] = '\0';
			}
			assert_memory_equal(cut, wcut, sizeof(cut));
		}
	}
	a.family = 0;
	assert_string_equal(addr_format(&a, true, got, sizeof(got)), "?");
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
		cmocka_unit_test(format_matches_inet_ntop),
		cmocka_unit_test(mac_parses_both_separators_and_classifies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
