/* test-jread: hostile values in the JSON hostnet reads back (snapshot
 * exports, saved plans), table-driven: every integer field against the range
 * of its kernel type, booleans and strings by type and length, unknown keys,
 * duplicate keys and objects, unknown format versions.  Each must be refused
 * with the JSON path of the problem, never truncated, wrapped or accepted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "jread.h"
#include "kobj-json.h"
#include "kobj.h"
#include "realize.h"
#include "want-json.h"

/* A valid export: two of everything, so duplicates can be made. */
static const char snapshot_text[] =
	"{\"hostnet_snapshot\": 1, \"host\": \"esx01\", \"taken_at\": 1700000000, \"state\": {"
	"\"caps\": [\"veth\", \"bridge\"],"
	"\"links\": ["
	"{\"ifindex\": 2, \"name\": \"vmk0\", \"kind\": \"veth\", \"kind_name\": \"veth\", \"mtu\": 1500,"
	" \"mac\": \"02:00:5e:10:00:01\", \"up\": true, \"operstate\": 6, \"master\": 0, \"link\": 3,"
	" \"group\": 1752068980, \"alias\": \"hostnet:adapter\", \"vlan_id\": 0, \"vrf_table\": 0,"
	" \"macvlan_mode\": 0, \"owned\": true, \"bond_mode\": 0, \"bond_primary\": 0, \"qdisc\": \"\","
	" \"qdisc_handle\": 0, \"shaping\": {\"rate\": 0, \"peak\": 0, \"burst\": 0}, \"is_brport\": false,"
	" \"brport\": [], \"n_fdb\": 0, \"fdb\": null, \"has_ra\": true, \"accept_ra\": 0, \"autoconf\": 0,"
	" \"accept_ra_defrtr\": 0},"
	"{\"ifindex\": 3, \"name\": \"vmk0p\", \"kind\": \"veth\", \"kind_name\": \"veth\", \"mtu\": 1500,"
	" \"mac\": null, \"up\": true, \"operstate\": 6, \"master\": 0, \"link\": 2, \"group\": 0,"
	" \"alias\": \"\", \"vlan_id\": 0, \"vrf_table\": 0, \"macvlan_mode\": 0, \"owned\": false}],"
	"\"addresses\": ["
	"{\"ifindex\": 2, \"address\": \"192.0.2.10/24\", \"scope\": 0, \"flags\": 128, \"proto\": 77, \"owned\": true},"
	"{\"ifindex\": 2, \"address\": \"2001:db8::10/64\", \"scope\": 0, \"flags\": 128, \"proto\": 77, \"owned\": true}],"
	"\"routes\": ["
	"{\"family\": 2, \"table\": 100, \"dst\": \"203.0.113.0/24\", \"gateway\": \"192.0.2.1/32\", \"prefsrc\": null,"
	" \"oif\": 2, \"metric\": 0, \"protocol\": 77, \"scope\": 0, \"type\": 1, \"owned\": true},"
	"{\"family\": 2, \"table\": 100, \"dst\": \"198.51.100.0/24\", \"gateway\": \"192.0.2.1/32\", \"prefsrc\": null,"
	" \"oif\": 2, \"metric\": 0, \"protocol\": 77, \"scope\": 0, \"type\": 1, \"owned\": true}],"
	"\"rules\": ["
	"{\"family\": 2, \"priority\": 10000, \"src\": \"192.0.2.10/32\", \"dst\": null, \"iif\": \"\", \"oif\": \"\","
	" \"table\": 100, \"action\": 1, \"protocol\": 77, \"fwmark\": 0, \"fwmask\": 0, \"owned\": true},"
	"{\"family\": 2, \"priority\": 10001, \"src\": null, \"dst\": null, \"iif\": \"\", \"oif\": \"vmk0\","
	" \"table\": 100, \"action\": 1, \"protocol\": 77, \"fwmark\": 0, \"fwmask\": 0, \"owned\": true}]}}";

/* A valid saved plan, likewise. */
static const char plan_text[] =
	"{\"hostnet_plan\": 1, \"host\": \"esx01\", \"source\": \"hosts/esx01.yaml\", \"commit\": null,"
	" \"profile_hash\": \"0123456789abcdef0123456789abcdef01234567\","
	" \"state_hash\": \"0123456789abcdef0123456789abcdef01234567\", \"plan\": {}, \"want\": {"
	"\"links\": ["
	"{\"name\": \"vmk0\", \"kind\": \"veth\", \"mtu\": 9000, \"mac\": null, \"up\": true, \"master\": null,"
	" \"peer\": \"vmk0p\", \"parent\": null, \"alias\": \"hostnet:adapter\", \"group\": 1752068980,"
	" \"owned\": true, \"foreign\": false, \"manage\": [\"mtu\"], \"pvid\": 0, \"vrf_table\": 0,"
	" \"macvlan_mode\": 0, \"vlan_filtering\": false, \"primary\": null, \"dhcp4\": false,"
	" \"bond_mode\": 0, \"qdisc\": null, \"qdisc_handle\": 0,"
	" \"shaping\": {\"rate\": 0, \"peak\": 0, \"burst\": 0}, \"is_brport\": false, \"brport\": [],"
	" \"n_fdb\": 0, \"fdb\": null, \"has_ra\": true, \"accept_ra\": 0, \"autoconf\": 0,"
	" \"accept_ra_defrtr\": 0, \"at\": \"hosts/esx01.yaml:3:5\"},"
	"{\"name\": \"vs0\", \"kind\": \"bridge\", \"mtu\": 9000, \"mac\": null, \"up\": true, \"master\": null,"
	" \"peer\": null, \"parent\": null, \"alias\": \"hostnet:switch\", \"group\": 1752068980,"
	" \"owned\": true, \"foreign\": false, \"manage\": null, \"pvid\": 0, \"vrf_table\": 0,"
	" \"macvlan_mode\": 0, \"vlan_filtering\": false, \"at\": null}],"
	"\"addresses\": ["
	"{\"dev\": \"vmk0\", \"address\": \"192.0.2.10/24\", \"at\": null},"
	"{\"dev\": \"vmk0\", \"address\": \"2001:db8::10/64\", \"at\": null}],"
	"\"routes\": ["
	"{\"table\": 100, \"family\": \"ipv4\", \"to\": \"0.0.0.0/0\", \"via\": \"192.0.2.1\", \"dev\": \"vmk0\","
	" \"metric\": 0, \"scope\": 0, \"type\": 1, \"protocol\": 77, \"source\": null, \"at\": null},"
	"{\"table\": 100, \"family\": \"ipv4\", \"to\": \"203.0.113.0/24\", \"via\": \"192.0.2.254\", \"dev\": null,"
	" \"metric\": 100, \"scope\": 0, \"type\": 1, \"protocol\": 77, \"source\": null, \"at\": null}],"
	"\"rules\": ["
	"{\"family\": \"ipv4\", \"priority\": 10000, \"from\": \"192.0.2.10/32\", \"to\": null, \"iif\": null,"
	" \"oif\": null, \"table\": 100, \"action\": 1, \"protocol\": 77, \"fwmark\": 0, \"fwmask\": 0, \"at\": null},"
	"{\"family\": \"ipv4\", \"priority\": 10001, \"from\": null, \"to\": null, \"iif\": null,"
	" \"oif\": \"vmk0\", \"table\": 100, \"action\": 1, \"protocol\": 77, \"fwmark\": 0, \"fwmask\": 0, \"at\": null}],"
	"\"tables\": [100], \"needs\": [{\"capability\": \"veth\", \"at\": null}]}}";

/* Hostile values of each kind of field, with what the message must say
 * after "<path>: ". */
struct hostile {
	const char *value, *msg;
};
#define END { NULL, NULL }

static const struct hostile u8[] = {
	{ "-1", "-1 is out of range (0..255)" },
	{ "256", "256 is out of range (0..255)" },
	{ "4294967297", "4294967297 is out of range (0..255)" },
	{ "1.5", "expected an integer, got a real number" },
	{ "\"1\"", "expected an integer, got a string" },
	{ "true", "expected an integer, got true" },
	{ "null", "must not be null" },
	{ "[1]", "expected an integer, got a list" },
	END,
};
static const struct hostile u32[] = {
	{ "-1", "-1 is out of range (0..4294967295)" },
	{ "4294967296", "4294967296 is out of range (0..4294967295)" },
	/* 2^32 + 9000 must not be read as 9000. */
	{ "4294976296", "4294976296 is out of range (0..4294967295)" },
	{ "-9223372036854775808", "-9223372036854775808 is out of range (0..4294967295)" },
	{ "9000.0", "expected an integer, got a real number" },
	{ "\"9000\"", "expected an integer, got a string" },
	{ "{}", "expected an integer, got an object" },
	END,
};
static const struct hostile ifindex_ref[] = {
	{ "-1", "-1 is out of range (0..2147483647)" },
	{ "2147483648", "2147483648 is out of range (0..2147483647)" },
	{ "4294967298", "4294967298 is out of range (0..2147483647)" },
	{ "false", "expected an integer, got false" },
	END,
};
static const struct hostile ifindex_own[] = {
	{ "0", "0 is out of range (1..2147483647)" },
	{ "-2", "-2 is out of range (1..2147483647)" },
	{ "4294967298", "4294967298 is out of range (1..2147483647)" },
	END,
};
static const struct hostile kobj_mtu[] = {
	/* -1 must not show as 4294967295, nor 2^32 + 9000 as 9000. */
	{ "-1", "-1 is out of range (0..4294967295)" },
	{ "4294967296", "4294967296 is out of range (0..4294967295)" },
	{ "4294976296", "4294976296 is out of range (0..4294967295)" },
	END,
};
static const struct hostile want_mtu[] = {
	{ "-1", "-1 is out of range (0..65535)" },
	{ "65536", "65536 is out of range (0..65535)" },
	{ "4294976296", "4294976296 is out of range (0..65535)" },
	END,
};
static const struct hostile vlan[] = {
	{ "4095", "4095 is out of range (0..4094)" },
	{ "-1", "-1 is out of range (0..4094)" },
	{ "65536", "65536 is out of range (0..4094)" },
	END,
};
static const struct hostile boolean[] = {
	{ "1", "expected true or false, got an integer" },
	{ "0", "expected true or false, got an integer" },
	{ "\"true\"", "expected true or false, got a string" },
	{ "null", "must not be null" },
	END,
};
static const struct hostile ifname[] = {
	{ "\"sixteen-bytes-xx\"", "'sixteen-bytes-xx' is 16 bytes long, more than 15" },
	{ "\"a\\u0000b\"", "contains a NUL byte" },
	{ "5", "expected a string, got an integer" },
	END,
};
static const struct hostile s64[] = {
	{ "-1", "-1 is out of range (0..9223372036854775807)" },
	{ "\"1gbit\"", "expected an integer, got a string" },
	END,
};

struct field {
	const char *list, *key;
	const struct hostile *values;
};

/* A shaping rate, put in place of the whole shaping object's "rate". */
static const struct field shaping_fields[] = {
	{ "links", "rate", s64 }, { "links", "peak", s64 }, { "links", "burst", u32 },
};

static const struct field snapshot_fields[] = {
	{ "links", "ifindex", ifindex_own }, { "links", "name", ifname },
	{ "links", "kind_name", ifname }, { "links", "mtu", kobj_mtu },
	{ "links", "up", boolean }, { "links", "operstate", u8 }, { "links", "master", ifindex_ref },
	{ "links", "link", ifindex_ref }, { "links", "group", u32 }, { "links", "vlan_id", vlan },
	{ "links", "vrf_table", u32 }, { "links", "macvlan_mode", u32 }, { "links", "owned", boolean },
	{ "links", "bond_mode", u8 }, { "links", "bond_primary", ifindex_ref },
	{ "links", "qdisc", ifname }, { "links", "qdisc_handle", u32 }, { "links", "is_brport", boolean },
	{ "links", "n_fdb", u8 }, { "links", "has_ra", boolean }, { "links", "accept_ra", u8 },
	{ "links", "autoconf", u8 }, { "links", "accept_ra_defrtr", u8 },
	{ "addresses", "ifindex", ifindex_own }, { "addresses", "scope", u8 },
	{ "addresses", "flags", u32 }, { "addresses", "proto", u8 }, { "addresses", "owned", boolean },
	{ "routes", "table", u32 }, { "routes", "oif", ifindex_ref }, { "routes", "metric", u32 },
	{ "routes", "protocol", u8 }, { "routes", "scope", u8 }, { "routes", "type", u8 },
	{ "routes", "owned", boolean },
	{ "rules", "priority", u32 }, { "rules", "iif", ifname }, { "rules", "oif", ifname },
	{ "rules", "table", u32 }, { "rules", "action", u8 }, { "rules", "protocol", u8 },
	{ "rules", "fwmark", u32 }, { "rules", "fwmask", u32 }, { "rules", "owned", boolean },
};

static const struct field plan_fields[] = {
	{ "links", "name", ifname }, { "links", "mtu", want_mtu }, { "links", "up", boolean },
	{ "links", "master", ifname }, { "links", "peer", ifname }, { "links", "parent", ifname },
	{ "links", "group", u32 }, { "links", "owned", boolean }, { "links", "foreign", boolean },
	{ "links", "pvid", vlan }, { "links", "vrf_table", u32 }, { "links", "macvlan_mode", u32 },
	{ "links", "vlan_filtering", boolean }, { "links", "primary", ifname },
	{ "links", "dhcp4", boolean }, { "links", "bond_mode", u8 }, { "links", "qdisc", ifname },
	{ "links", "qdisc_handle", u32 }, { "links", "is_brport", boolean }, { "links", "n_fdb", u8 },
	{ "links", "has_ra", boolean }, { "links", "accept_ra", u8 }, { "links", "autoconf", u8 },
	{ "links", "accept_ra_defrtr", u8 },
	{ "addresses", "dev", ifname },
	{ "routes", "table", u32 }, { "routes", "dev", ifname }, { "routes", "metric", u32 },
	{ "routes", "scope", u8 }, { "routes", "type", u8 }, { "routes", "protocol", u8 },
	{ "rules", "priority", u32 }, { "rules", "iif", ifname }, { "rules", "oif", ifname },
	{ "rules", "table", u32 }, { "rules", "action", u8 }, { "rules", "protocol", u8 },
	{ "rules", "fwmark", u32 }, { "rules", "fwmask", u32 },
};

static json_t *parse(const char *text)
{
	json_t *doc = NULL;
	char *err = NULL;

	if (jread_load_text(&doc, text, &err) < 0)
		fail_msg("test document does not parse: %s", err);
	return doc;
}

/* Reads the document (a snapshot or a plan); 0 or -EINVAL with *err. */
static int read_doc(json_t *doc, bool plan, char **err)
{
	struct kobj_set s = { 0 };
	struct want w = { 0 };
	int r;

	if (plan) {
		r = want_plan_doc_read(&w, doc, err);
		want_clear(&w);
	} else {
		r = kobj_snapshot_doc_read(&s, doc, err);
		kobj_set_clear(&s);
	}
	return r;
}

static void expect_refused(json_t *doc, bool plan, const char *want, const char *what)
{
	char *err = NULL;
	int r = read_doc(doc, plan, &err);

	if (r != -EINVAL || !err || strcmp(err, want) != 0)
		fail_msg("%s: got %d '%s', want '%s'", what, r, err ? err : "(no message)", want);
	free(err);
	/* Without a place for the message, the same refusal. */
	assert_int_equal(read_doc(doc, plan, NULL), -EINVAL);
}

static json_t *member_of(json_t *doc, bool plan, const char *list, size_t i)
{
	return json_array_get(json_object_get(json_object_get(doc, plan ? "want" : "state"), list), i);
}

static void run_fields(const char *text, bool plan, const struct field *fields, size_t n)
{
	const char *root = plan ? "want" : "state";
	size_t cases = 0;

	for (size_t f = 0; f < n; f++)
		for (const struct hostile *h = fields[f].values; h->value; h++) {
			json_t *doc = parse(text);
			json_t *v = json_loads(h->value, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
			char want[512], what[256];

			assert_non_null(v);
			assert_int_equal(json_object_set_new(member_of(doc, plan, fields[f].list, 0),
							     fields[f].key, v), 0);
			snprintf(want, sizeof(want), "%s.%s[0].%s: %s", root, fields[f].list,
				 fields[f].key, h->msg);
			snprintf(what, sizeof(what), "%s[0].%s = %s", fields[f].list, fields[f].key,
				 h->value);
			expect_refused(doc, plan, want, what);
			json_decref(doc);
			cases++;
		}
	print_message("%zu hostile values refused\n", cases);
}

static void the_base_documents_are_valid(void **state)
{
	struct kobj_set s = { 0 };
	struct want w = { 0 };
	json_t *doc = parse(snapshot_text);
	char *err = NULL;

	if (kobj_snapshot_doc_read(&s, doc, &err) < 0)
		fail_msg("snapshot: %s", err);
	assert_int_equal(s.n_links, 2);
	assert_int_equal(s.links[0].mtu, 1500);
	assert_int_equal(s.n_rules, 2);
	kobj_set_clear(&s);
	json_decref(doc);
	doc = parse(plan_text);
	if (want_plan_doc_read(&w, doc, &err) < 0)
		fail_msg("plan: %s", err);
	assert_int_equal(w.n_links, 2);
	assert_int_equal(w.n_routes, 2);
	assert_int_equal(w.tables_n, 1);
	want_clear(&w);
	json_decref(doc);
}

static void every_snapshot_field_is_checked_for_its_kernel_type(void **state)
{
	run_fields(snapshot_text, false, snapshot_fields,
		   sizeof(snapshot_fields) / sizeof(*snapshot_fields));
}

static void shaping_rates_are_checked_inside_their_object(void **state)
{
	for (int plan = 0; plan < 2; plan++)
		for (size_t f = 0; f < sizeof(shaping_fields) / sizeof(*shaping_fields); f++)
			for (const struct hostile *h = shaping_fields[f].values; h->value; h++) {
				json_t *doc = parse(plan ? plan_text : snapshot_text);
				json_t *sh = json_object_get(member_of(doc, plan, "links", 0), "shaping");
				char want[256];

				json_object_set_new(sh, shaping_fields[f].key,
						    json_loads(h->value, JSON_DECODE_ANY, NULL));
				snprintf(want, sizeof(want), "%s.links[0].shaping.%s: %s",
					 plan ? "want" : "state", shaping_fields[f].key, h->msg);
				expect_refused(doc, plan, want, want);
				json_decref(doc);
			}
}

static void every_plan_field_is_checked_for_its_kernel_type(void **state)
{
	run_fields(plan_text, true, plan_fields, sizeof(plan_fields) / sizeof(*plan_fields));
}

/* One edit of a whole document: list (NULL = the top level), index, key,
 * value (NULL = delete the key). */
struct edit {
	const char *list;
	size_t i;
	const char *key, *value, *want;
};

static void run_edits(const char *text, bool plan, const struct edit *e, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		json_t *doc = parse(text);
		json_t *o = e[k].list ? member_of(doc, plan, e[k].list, e[k].i) : doc;

		assert_non_null(o);
		if (e[k].value)
			assert_int_equal(json_object_set_new(o, e[k].key,
							     json_loads(e[k].value, JSON_DECODE_ANY, NULL)), 0);
		else
			assert_int_equal(json_object_del(o, e[k].key), 0);
		expect_refused(doc, plan, e[k].want, e[k].key);
		json_decref(doc);
	}
}

static void snapshot_structure_duplicates_and_versions_are_refused(void **state)
{
	static const struct edit edits[] = {
		{ NULL, 0, "hostnet_snapshot", "2",
		  "hostnet_snapshot: format version 2 is not one this hostnet reads (it reads 1)" },
		{ NULL, 0, "hostnet_snapshot", "\"1\"",
		  "hostnet_snapshot: expected the integer 1, got a string" },
		{ NULL, 0, "hostnet_snapshot", "1.0", "hostnet_snapshot: expected the integer 1, got a real number" },
		{ NULL, 0, "extra", "1", "unknown key 'extra'" },
		{ NULL, 0, "host", "7", "host: expected a string, got an integer" },
		{ NULL, 0, "taken_at", "-1", "taken_at: -1 is out of range (0..9223372036854775807)" },
		{ NULL, 0, "state", NULL, "state: missing" },
		{ "links", 0, "mtux", "9000", "state.links[0]: unknown key 'mtux'" },
		{ "links", 0, "mtu", NULL, "state.links[0].mtu: missing" },
		{ "links", 0, "name", "\"\"", "state.links[0].name: is empty" },
		{ "links", 0, "mac", "\"02:00:5e:zz:00:01\"",
		  "state.links[0].mac: '02:00:5e:zz:00:01' is not a MAC address" },
		{ "links", 0, "alias", "\"" "0123456789012345678901234567890123456789012345678901234567890123"
		  "0123456789012345678901234567890123456789012345678901234567890123"
		  "0123456789012345678901234567890123456789012345678901234567890123"
		  "0123456789012345678901234567890123456789012345678901234567890123\"",
		  "state.links[0].alias: '01234567890123456789012345678901...' is 256 bytes long, more than 255" },
		{ "links", 0, "shaping", "{\"rate\": 1, \"peak\": 1, \"burst\": 1, \"cell\": 1}",
		  "state.links[0].shaping: unknown key 'cell'" },
		{ "links", 1, "name", "\"vmk0\"", "state.links[1]: duplicates links[0] (the same name)" },
		{ "links", 1, "ifindex", "2", "state.links[1]: duplicates links[0] (the same ifindex)" },
		{ "addresses", 1, "address", "\"192.0.2.10/24\"",
		  "state.addresses[1]: duplicates addresses[0] (the same address on the same link)" },
		{ "addresses", 0, "address", "null", "state.addresses[0].address: must not be null" },
		{ "addresses", 0, "address", "\"192.0.2.300/24\"",
		  "state.addresses[0].address: '192.0.2.300/24' is not an address with a prefix length" },
		{ "routes", 1, "dst", "\"203.0.113.0/24\"",
		  "state.routes[1]: duplicates routes[0] (the same route)" },
		{ "routes", 0, "family", "3", "state.routes[0].family: 3 is neither IPv4 (2) nor IPv6 (10)" },
		{ "routes", 0, "family", "258", "state.routes[0].family: 258 is out of range (0..255)" },
		{ "routes", 0, "dst", "\"2001:db8::/32\"", "state.routes[0].dst: is not in the IPv4 family" },
		{ "rules", 0, "family", "10", "state.rules[0].src: is not in the IPv6 family" },
		{ "rules", 0, "family", "7", "state.rules[0].family: 7 is neither IPv4 (2) nor IPv6 (10)" },
	};

	run_edits(snapshot_text, false, edits, sizeof(edits) / sizeof(*edits));
	/* Duplicate rules need several fields changed: done by hand. */
	{
		json_t *doc = parse(snapshot_text);
		json_t *r1 = member_of(doc, false, "rules", 1);

		json_object_set_new(r1, "priority", json_integer(10000));
		json_object_set_new(r1, "src", json_string("192.0.2.10/32"));
		json_object_set_new(r1, "oif", json_string(""));
		expect_refused(doc, false, "state.rules[1]: duplicates rules[0] (the same rule)", "rule");
		json_decref(doc);
	}
	{
		json_t *doc = parse(snapshot_text);

		json_object_set_new(json_object_get(doc, "state"), "caps", json_pack("[i]", 1));
		expect_refused(doc, false, "state.caps[0]: expected a capability name", "caps");
		json_decref(doc);
	}
}

static void plan_structure_duplicates_and_versions_are_refused(void **state)
{
	static const struct edit edits[] = {
		{ NULL, 0, "hostnet_plan", "0",
		  "hostnet_plan: format version 0 is not one this hostnet reads (it reads 1)" },
		{ NULL, 0, "hostnet_plan", NULL, "hostnet_plan: missing" },
		{ NULL, 0, "profile_hash", "\"0123456789abcdef0123456789abcdef012345678\"",
		  "profile_hash: '0123456789abcdef0123456789abcdef...' is 41 bytes long, more than 40" },
		{ NULL, 0, "extra", "1", "unknown key 'extra'" },
		{ "links", 0, "kind", "3", "want.links[0].kind: expected a string, got an integer" },
		{ "links", 0, "manage", "[\"mtu\", \"bogus\"]",
		  "want.links[0].manage: item 1 is not a managed attribute" },
		{ "links", 0, "manage", "\"mtu\"", "want.links[0].manage: expected a list of managed attributes" },
		{ "links", 0, "brport", "[\"flood\", 3]", "want.links[0].brport: item 1 is not a bridge port flag" },
		{ "links", 0, "at", "5", "want.links[0].at: expected a string, got an integer" },
		{ "links", 1, "name", "\"vmk0\"", "want.links[1]: duplicates links[0] (the same name)" },
		{ "addresses", 1, "address", "\"192.0.2.10/24\"",
		  "want.addresses[1]: duplicates addresses[0] (the same address on the same link)" },
		{ "routes", 0, "family", "\"ipv5\"", "want.routes[0].family: 'ipv5' is neither ipv4 nor ipv6" },
		{ "routes", 0, "to", "null", "want.routes[0].to: must not be null" },
		{ "routes", 0, "to", "\"2001:db8::/32\"", "want.routes[0].to: is not in the IPv4 family" },
		{ "rules", 0, "from", "\"2001:db8::1/128\"", "want.rules[0].from: is not in the IPv4 family" },
	};

	run_edits(plan_text, true, edits, sizeof(edits) / sizeof(*edits));
	/* A route with the key of another (table, destination, metric). */
	{
		json_t *doc = parse(plan_text);
		json_t *r1 = member_of(doc, true, "routes", 1);

		json_object_set_new(r1, "to", json_string("0.0.0.0/0"));
		json_object_set_new(r1, "metric", json_integer(0));
		expect_refused(doc, true,
			       "want.routes[1]: duplicates routes[0] (the same route key: table, destination, metric)",
			       "route");
		json_decref(doc);
	}
	{
		json_t *doc = parse(plan_text);
		json_t *r1 = member_of(doc, true, "rules", 1);

		json_object_set_new(r1, "priority", json_integer(10000));
		json_object_set_new(r1, "from", json_string("192.0.2.10/32"));
		json_object_set_new(r1, "oif", json_null());
		expect_refused(doc, true, "want.rules[1]: duplicates rules[0] (the same rule)", "rule");
		json_decref(doc);
	}
	{
		static const struct {
			const char *tables, *needs, *want;
		} t[] = {
			{ "[0]", NULL, "want.tables[0]: expected a table id (1..4294967295)" },
			{ "[4294967296]", NULL, "want.tables[0]: expected a table id (1..4294967295)" },
			{ "[100, 100]", NULL, "want.tables: table 100 is listed twice" },
			{ "\"100\"", NULL, "want.tables: expected a list of table ids" },
			{ NULL, "[{\"capability\": \"teleport\", \"at\": null}]",
			  "want.needs[0].capability: 'teleport' is not a capability this hostnet knows" },
			{ NULL, "[{\"capability\": \"veth\", \"at\": null}, {\"capability\": \"veth\", \"at\": null}]",
			  "want.needs[1].capability: 'veth' is listed twice" },
		};

		for (size_t k = 0; k < sizeof(t) / sizeof(*t); k++) {
			json_t *doc = parse(plan_text), *w = json_object_get(doc, "want");

			if (t[k].tables)
				json_object_set_new(w, "tables", json_loads(t[k].tables, JSON_DECODE_ANY, NULL));
			if (t[k].needs)
				json_object_set_new(w, "needs", json_loads(t[k].needs, 0, NULL));
			expect_refused(doc, true, t[k].want, t[k].want);
			json_decref(doc);
		}
	}
}

static void duplicate_keys_are_refused_where_the_file_is_read(void **state)
{
	static const char *const texts[] = {
		"{\"hostnet_snapshot\": 1, \"hostnet_snapshot\": 2}",
		"{\"state\": {\"links\": [{\"mtu\": 1500, \"mtu\": 9000}]}}",
	};
	json_t *doc = NULL;

	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		char *err = NULL;

		assert_int_equal(jread_load_text(&doc, texts[i], &err), -EINVAL);
		assert_null(doc);
		assert_non_null(err);
		assert_non_null(strstr(err, "duplicate object key"));
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_base_documents_are_valid),
		cmocka_unit_test(every_snapshot_field_is_checked_for_its_kernel_type),
		cmocka_unit_test(every_plan_field_is_checked_for_its_kernel_type),
		cmocka_unit_test(shaping_rates_are_checked_inside_their_object),
		cmocka_unit_test(snapshot_structure_duplicates_and_versions_are_refused),
		cmocka_unit_test(plan_structure_duplicates_and_versions_are_refused),
		cmocka_unit_test(duplicate_keys_are_refused_where_the_file_is_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
