/* fw: the ruleset of table inet hostnet built from a profile, the service
 * catalogue, and the firewall key's checks. */
#include "testutil.h"

#include "fw.h"
#include "svccat.h"

#define FW_ON								\
	"firewall:\n"							\
	"  enabled: true\n"						\
	"  services:\n"							\
	"    management: {allow: [192.0.2.0/25, \"2001:db8::/48\", 203.0.113.7], ports: [tcp/8006]}\n" \
	"    vmotion: {allow: [198.51.100.0/24]}\n"

static char *ruleset_of(const char *extra)
{
	char *yaml = malloc(strlen(TU_VALID_PROFILE) + strlen(extra) + 1);
	struct tu t;
	char *rs = NULL;

	assert_non_null(yaml);
	strcpy(yaml, TU_VALID_PROFILE);
	strcat(yaml, extra);
	tu_run(&t, yaml, 1);
	if (t.rc)
		tu_print_diags(&t.d);
	assert_int_equal(t.rc, 0);
	assert_int_equal(fw_ruleset(&rs, t.p), 0);
	tu_end(&t);
	free(yaml);
	return rs;
}

static void off_by_default_means_no_table(void **state)
{
	char *rs = (char *)1;

	(void)state;
	rs = ruleset_of("");
	assert_null(rs);
	rs = ruleset_of("firewall: {enabled: false, services: {vmotion: {allow: [198.51.100.0/24]}}}\n");
	assert_null(rs);
}

static void whole_ruleset_is_nft_listing(void **state)
{
	static const char want[] =
		"table inet hostnet {\n"
		"\tcounter vmk0.management {\n\t}\n\n"
		"\tcounter vmk0.drop {\n\t}\n\n"
		"\tcounter vmk1.vmotion {\n\t}\n\n"
		"\tcounter vmk1.drop {\n\t}\n\n"
		"\tchain input {\n"
		"\t\ttype filter hook input priority filter; policy accept;\n"
		"\t\tiifname \"vmk0\" ct state established,related accept\n"
		"\t\tiifname \"vmk0\" icmp type { destination-unreachable, echo-request, time-exceeded, parameter-problem } accept\n"
		"\t\tiifname \"vmk0\" icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept\n"
		"\t\tiifname \"vmk0\" ip saddr 192.0.2.0/25 tcp dport 22 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" ip saddr 192.0.2.0/25 tcp dport 8006 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" ip saddr 192.0.2.0/25 tcp dport 16514 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" ip saddr 203.0.113.7 tcp dport 22 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" ip saddr 203.0.113.7 tcp dport 8006 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" ip saddr 203.0.113.7 tcp dport 16514 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" ip6 saddr 2001:db8::/48 tcp dport 22 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" ip6 saddr 2001:db8::/48 tcp dport 8006 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" ip6 saddr 2001:db8::/48 tcp dport 16514 counter name \"vmk0.management\" accept\n"
		"\t\tiifname \"vmk0\" counter name \"vmk0.drop\" drop\n"
		"\t\tiifname \"vmk1\" ct state established,related accept\n"
		"\t\tiifname \"vmk1\" icmp type { destination-unreachable, echo-request, time-exceeded, parameter-problem } accept\n"
		"\t\tiifname \"vmk1\" icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept\n"
		"\t\tiifname \"vmk1\" ip saddr 198.51.100.0/24 tcp dport 16509 counter name \"vmk1.vmotion\" accept\n"
		"\t\tiifname \"vmk1\" ip saddr 198.51.100.0/24 tcp dport 16514 counter name \"vmk1.vmotion\" accept\n"
		"\t\tiifname \"vmk1\" ip saddr 198.51.100.0/24 tcp dport 49152-49215 counter name \"vmk1.vmotion\" accept\n"
		"\t\tiifname \"vmk1\" counter name \"vmk1.drop\" drop\n"
		"\t}\n"
		"}\n";
	char *rs = ruleset_of(FW_ON);

	(void)state;
	if (strcmp(rs, want) != 0)
		fprintf(stderr, "# got:\n%s", rs);
	assert_string_equal(rs, want);
	free(rs);
}

/* No `allow`: any source; a catalogue port the profile repeats is one rule. */
static void no_allow_means_any_source_and_ports_once(void **state)
{
	char *rs = ruleset_of("firewall: {enabled: true, services: {vmotion: {ports: [tcp/16509, udp/4789]}}}\n");

	(void)state;
	assert_non_null(strstr(rs, "\t\tiifname \"vmk1\" tcp dport 16509 counter name \"vmk1.vmotion\" accept\n"
				   "\t\tiifname \"vmk1\" tcp dport 16514 counter"));
	assert_non_null(strstr(rs, "\t\tiifname \"vmk1\" udp dport 4789 counter name \"vmk1.vmotion\" accept\n"
				   "\t\tiifname \"vmk1\" counter name \"vmk1.drop\" drop\n"));
	/* Everything else arriving on vmk0 is dropped: management from any source. */
	assert_non_null(strstr(rs, "iifname \"vmk0\" tcp dport 22 counter name \"vmk0.management\" accept\n"));
	free(rs);
}

/* DHCP replies only on a `dhcp` adapter; a client-only service opens nothing. */
static void dhcp_replies_and_client_only_services(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "    ipv4: [192.0.2.10/24]\n", "    ipv4: dhcp\n");
	char *y2 = tu_replace(y, "services: [vmotion]", "services: [iscsi]");
	char *rs;
	struct tu t;

	(void)state;
	y = realloc(y, strlen(y2) + 40);
	strcpy(y, y2);
	strcat(y, "firewall: {enabled: true}\n");
	tu_run(&t, y, 1);
	assert_int_equal(fw_ruleset(&rs, t.p), 0);
	assert_non_null(strstr(rs, "iifname \"vmk0\" udp sport 67 udp dport 68 accept\n"));
	assert_null(strstr(rs, "iifname \"vmk1\" udp sport 67"));
	assert_null(strstr(rs, "vmk1.iscsi"));
	assert_non_null(strstr(rs, "iifname \"vmk1\" counter name \"vmk1.drop\" drop\n"));
	free(rs);
	tu_end(&t);
	free(y);
	free(y2);
}

static void catalogue_ports(void **state)
{
	size_t n;
	const struct svccat_port *p;

	(void)state;
	p = svccat_ports(PROFILE_SERVICE_VSAN, &n);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].lo, 3300);
	assert_int_equal(p[2].lo, 6800);
	assert_int_equal(p[2].hi, 7300);
	p = svccat_ports(PROFILE_SERVICE_REPLICATION, &n);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].lo, 7788);
	assert_int_equal(p[0].hi, 7799);
	svccat_ports(PROFILE_SERVICE_ISCSI, &n);
	assert_int_equal(n, 0);
	svccat_ports(PROFILE_SERVICE_NFS, &n);
	assert_int_equal(n, 0);
	/* Sorted, as fw.c and the README rely on. */
	for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
		p = svccat_ports((enum profile_service)s, &n);
		for (size_t i = 1; i < n; i++)
			assert_true(svccat_port_cmp(&p[i - 1], &p[i]) < 0);
	}
}

static void bad_values_have_their_line(void **state)
{
	(void)state;
	tu_expect_error(TU_VALID_PROFILE "firewall: {enabled: yes}\n",
			"t.yaml:33:21: error: enabled: expected true or false, found 'yes'", 1);
	tu_expect_error(TU_VALID_PROFILE "firewall:\n  services:\n    vmotoin: {}\n",
			"t.yaml:35:5: error: firewall.services: 'vmotoin' is not one of: management, vmotion, provisioning, ft, iscsi, nfs, vsan, vsan-witness, replication, replication-nfc (did you mean 'vmotion'?)", 1);
	tu_expect_error(TU_VALID_PROFILE "firewall:\n  services:\n    vmotion: {ports: [tcp/70000]}\n",
			"t.yaml:35:23: error: ports: 'tcp/70000': a port is a number 1..65535 without leading zeros", 1);
	tu_expect_error(TU_VALID_PROFILE "firewall:\n  services:\n    vmotion: {ports: [sctp/1]}\n",
			"t.yaml:35:23: error: ports: 'sctp/1': the protocol must be tcp or udp", 1);
	tu_expect_error(TU_VALID_PROFILE "firewall:\n  services:\n    vmotion: {ports: [tcp/20-10]}\n",
			"t.yaml:35:23: error: ports: 'tcp/20-10': a range's first port must not be above its last", 1);
	tu_expect_error(TU_VALID_PROFILE "firewall:\n  services:\n    vmotion: {allow: [198.51.100.1/24]}\n",
			"t.yaml:35:23: error: allow: '198.51.100.1/24' has host bits set; the network is 198.51.100.0/24", 1);
	tu_expect_error(TU_VALID_PROFILE "firewall:\n  services:\n    vmotion: {allow: [0.0.0.0/0]}\n",
			"t.yaml:35:23: error: allow: '0.0.0.0/0' is every address; leave 'allow' out to allow any source", 1);
	tu_expect_error(TU_VALID_PROFILE "firewall:\n  services:\n    vmotion: {allow: [nope]}\n",
			"t.yaml:35:23: error: allow: 'nope' is not a network (e.g. 192.0.2.0/25, 2001:db8::/48) or an address", 1);
	tu_expect_error(TU_VALID_PROFILE "firewall:\n  enable: true\n",
			"t.yaml:34:3: error: unknown key 'enable' in firewall (did you mean 'enabled'?)", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(off_by_default_means_no_table),
		cmocka_unit_test(whole_ruleset_is_nft_listing),
		cmocka_unit_test(no_allow_means_any_source_and_ports_once),
		cmocka_unit_test(dhcp_replies_and_client_only_services),
		cmocka_unit_test(catalogue_ports),
		cmocka_unit_test(bad_values_have_their_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
