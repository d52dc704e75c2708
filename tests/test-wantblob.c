/* test-wantblob: a generation's desired state as a packed blob comes back
 * whole, encodes canonically, and damaged or reordered blobs are refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "addr.h"
#include "profile.h"
#include "want-json.h"
#include "wantblob.h"

static const char *const file_a = "hosts/esx01.yaml", *const file_b = "common/base.yaml";

/* Two links, addresses, routes and a rule from two files, tables and needs:
 * every part of the format once. */
static void build_want(struct want *w, size_t n_routes)
{
	char buf[64];

	*w = (struct want){ 0 };
	w->n_links = 2;
	assert_non_null(w->links = calloc(2, sizeof(*w->links)));
	snprintf(w->links[0].l.name, KOBJ_IFNAMSIZ, "br-prod");
	w->links[0].l.kind = KOBJ_LINK_KIND_BRIDGE;
	snprintf(w->links[0].l.kind_name, KOBJ_IFNAMSIZ, "bridge");
	w->links[0].l.mtu = 9000;
	w->links[0].l.admin_up = true;
	w->links[0].l.owned = true;
	w->links[0].vlan_filtering = true;
	w->links[0].manage = 0x1f;
	w->links[0].loc = (struct hn_loc){ file_b, 3, 5 };
	snprintf(w->links[1].l.name, KOBJ_IFNAMSIZ, "web01");
	w->links[1].l.kind = KOBJ_LINK_KIND_VETH;
	snprintf(w->links[1].l.kind_name, KOBJ_IFNAMSIZ, "veth");
	w->links[1].l.has_mac = true;
	w->links[1].l.mac = (struct hn_mac){ { 0x02, 0, 0, 0, 0, 0x01 } };
	snprintf(w->links[1].peer, KOBJ_IFNAMSIZ, "web01p");
	snprintf(w->links[1].master, KOBJ_IFNAMSIZ, "br-prod");
	w->links[1].pvid = 20;
	w->links[1].dhcp4 = true;
	w->links[1].loc = (struct hn_loc){ file_a, 12, 7 };
	w->n_addrs = 1;
	assert_non_null(w->addrs = calloc(1, sizeof(*w->addrs)));
	snprintf(w->addrs[0].dev, KOBJ_IFNAMSIZ, "web01");
	assert_int_equal(addr_parse_cidr(&w->addrs[0].a.addr, "192.0.2.10/24"), 0);
	w->addrs[0].a.proto = KOBJ_RTPROT_HOSTNET;
	w->addrs[0].a.owned = true;
	w->addrs[0].loc = (struct hn_loc){ file_a, 14, 9 };
	w->n_routes = n_routes;
	assert_non_null(w->routes = calloc(n_routes + 1, sizeof(*w->routes)));
	for (size_t i = 0; i < n_routes; i++) {
		struct want_route *rt = &w->routes[i];

		snprintf(rt->dev, KOBJ_IFNAMSIZ, "web01");
		rt->r.family = AF_INET;
		rt->r.table = 100;
		snprintf(buf, sizeof(buf), "10.%zu.%zu.0/24", i / 256, i % 256);
		assert_int_equal(addr_parse_cidr(&rt->r.dst, buf), 0);
		assert_int_equal(addr_parse_ip(&rt->r.gateway, "192.0.2.1"), 0);
		rt->r.protocol = KOBJ_RTPROT_HOSTNET;
		rt->r.owned = true;
		rt->loc = (struct hn_loc){ file_a, 20 + (unsigned)i, 3 };
	}
	w->n_rules = 1;
	assert_non_null(w->rules = calloc(1, sizeof(*w->rules)));
	w->rules[0].r.family = AF_INET;
	w->rules[0].r.priority = 10000;
	assert_int_equal(addr_parse_cidr(&w->rules[0].r.src, "192.0.2.10/32"), 0);
	w->rules[0].r.table = 100;
	w->rules[0].r.protocol = KOBJ_RTPROT_HOSTNET;
	w->rules[0].loc = (struct hn_loc){ NULL, 0, 0 };
	w->tables_n = 2;
	assert_non_null(w->tables = calloc(2, sizeof(*w->tables)));
	w->tables[0] = 100;
	w->tables[1] = 200;
	w->needs = 1u << 0;
	w->needs_loc[0] = (struct hn_loc){ file_b, 1, 1 };
}

static char *json_text(const struct want *w)
{
	json_t *j = want_to_json(w);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(s);
	return s;
}

static void test_want_survives_a_round_trip_byte_for_byte(void **state)
{
	struct want w, back = { 0 };
	struct snapblob_err e;
	uint8_t *blob, *again;
	size_t len, len2;
	char *j1, *j2;

	(void)state;
	build_want(&w, 300);
	assert_int_equal(wantblob_encode(&blob, &len, &w, &e), 0);
	assert_int_equal(wantblob_decode(&back, blob, len, &e), 0);
	j1 = json_text(&w);
	j2 = json_text(&back);
	assert_string_equal(j1, j2);
	assert_string_equal(back.routes[299].loc.file, file_a);
	assert_null(back.rules[0].loc.file);
	assert_int_equal(back.links[1].pvid, 20);
	assert_true(back.links[1].dhcp4);
	/* 300 routes from one file: its 16-byte name is written once (about
	 * 30 bytes a route). */
	assert_true(len < 300 * 32);
	assert_int_equal(wantblob_encode(&again, &len2, &back, &e), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(again, blob, len);
	free(j1);
	free(j2);
	free(blob);
	free(again);
	want_clear(&w);
	want_clear(&back);
}

static void test_every_truncation_and_a_trailing_byte_are_refused(void **state)
{
	struct want w, back = { 0 };
	struct snapblob_err e;
	uint8_t *blob, *longer;
	size_t len;

	(void)state;
	build_want(&w, 3);
	assert_int_equal(wantblob_encode(&blob, &len, &w, &e), 0);
	for (size_t n = 0; n < len; n++)
		assert_int_equal(wantblob_decode(&back, blob, n, &e), -EUCLEAN);
	assert_non_null(longer = calloc(1, len + 1));
	memcpy(longer, blob, len);
	assert_int_equal(wantblob_decode(&back, longer, len + 1, &e), -EUCLEAN);
	assert_string_equal(e.field, "end");
	free(longer);
	free(blob);
	want_clear(&w);
}

/* Version 2: the firewall's ruleset and the links' ARP settings (#14) in
 * the tail; a want without them stays version 1. */
static void test_firewall_and_arp_ride_in_version_2(void **state)
{
	struct want w, back = { 0 };
	struct snapblob_err e;
	uint8_t *blob, *again;
	size_t len, len2;
	char *j1, *j2;

	(void)state;
	build_want(&w, 3);
	assert_int_equal(wantblob_encode(&blob, &len, &w, &e), 0);
	assert_int_equal(blob[4], WANTBLOB_VERSION);
	free(blob);
	assert_non_null(w.fw.text = strdup("table inet hostnet {\n}\n"));
	w.fw.loc = (struct hn_loc){ file_b, 40, 1 };
	w.links[1].l.has_arp = true;
	w.links[1].l.arp_ignore = 1;
	w.links[1].l.arp_announce = 2;
	w.links[1].l.rp_filter = 2;
	assert_int_equal(wantblob_encode(&blob, &len, &w, &e), 0);
	assert_int_equal(blob[4], WANTBLOB_VERSION_FW);
	assert_int_equal(wantblob_decode(&back, blob, len, &e), 0);
	assert_string_equal(back.fw.text, w.fw.text);
	assert_string_equal(back.fw.loc.file, file_b);
	assert_int_equal(back.fw.loc.line, 40);
	assert_false(back.links[0].l.has_arp);
	assert_true(back.links[1].l.has_arp);
	assert_int_equal(back.links[1].l.arp_ignore, 1);
	assert_int_equal(back.links[1].l.arp_announce, 2);
	assert_int_equal(back.links[1].l.rp_filter, 2);
	j1 = json_text(&w);
	j2 = json_text(&back);
	assert_string_equal(j1, j2);
	assert_int_equal(wantblob_encode(&again, &len2, &back, &e), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(again, blob, len);
	for (size_t n = 0; n < len; n++)
		assert_int_equal(wantblob_decode(&(struct want){ 0 }, blob, n, &e), -EUCLEAN);
	/* Read as version 1, the tail is bytes after the end. */
	blob[4] = WANTBLOB_VERSION;
	assert_int_equal(wantblob_decode(&(struct want){ 0 }, blob, len, &e), -EUCLEAN);
	free(j1);
	free(j2);
	free(blob);
	free(again);
	want_clear(&w);
	want_clear(&back);
}

/* The same tail in a snapshot (snapblob): an observed ruleset and the
 * links' ARP settings survive, and a set without them stays version 1. */
static void test_snapshot_keeps_ruleset_and_arp(void **state)
{
	struct kobj_set set = { 0 }, back = { 0 };
	struct kobj_link l = { .ifindex = 1, .kind = KOBJ_LINK_KIND_DEVICE, .mtu = 1500 };
	struct snapblob_err e;
	uint8_t *blob;
	size_t len;

	(void)state;
	snprintf(l.name, sizeof(l.name), "lo");
	snprintf(l.kind_name, sizeof(l.kind_name), "device");
	assert_int_equal(kobj_set_add_link(&set, &l), 0);
	assert_int_equal(snapblob_encode(&blob, &len, &set, &e), 0);
	assert_int_equal(blob[4], SNAPBLOB_VERSION);
	free(blob);
	set.links[0].has_arp = true;
	set.links[0].rp_filter = 2;
	assert_non_null(set.fw = strdup("table inet hostnet {\n}\n"));
	assert_int_equal(snapblob_encode(&blob, &len, &set, &e), 0);
	assert_int_equal(blob[4], SNAPBLOB_VERSION_FW);
	assert_int_equal(snapblob_decode(&back, blob, len, &e), 0);
	assert_string_equal(back.fw, set.fw);
	assert_true(back.links[0].has_arp);
	assert_int_equal(back.links[0].rp_filter, 2);
	free(blob);
	kobj_set_clear(&set);
	kobj_set_clear(&back);
}

/* Routes keep the want's order (a saved plan's, unsorted, included: the
 * differ sorts them); links must be by name, since want_link() searches. */
static void test_route_order_is_kept_and_links_out_of_order_are_refused(void **state)
{
	struct want w, back = { 0 };
	struct want_route tmp;
	struct want_link ltmp;
	struct snapblob_err e;
	uint8_t *blob = NULL;
	size_t len;

	(void)state;
	build_want(&w, 2);
	tmp = w.routes[0];
	w.routes[0] = w.routes[1];
	w.routes[1] = tmp;
	assert_int_equal(wantblob_encode(&blob, &len, &w, &e), 0);
	assert_int_equal(wantblob_decode(&back, blob, len, &e), 0);
	assert_int_equal(back.routes[1].r.dst.bytes[2], 0);
	assert_int_equal(back.routes[0].r.dst.bytes[3], 0);
	assert_int_equal(back.routes[0].r.dst.bytes[2], 1);
	want_clear(&back);
	/* The header claiming one more route than the bytes hold. */
	blob[7] = 3;
	assert_int_equal(wantblob_decode(&back, blob, len, &e), -EUCLEAN);
	free(blob);
	ltmp = w.links[0];
	w.links[0] = w.links[1];
	w.links[1] = ltmp;
	assert_int_equal(wantblob_encode(&blob, &len, &w, &e), -EINVAL);
	assert_string_equal(e.what, "link");
	assert_string_equal(e.field, "name");
	want_clear(&w);
}

static void test_a_file_name_repeated_is_refused(void **state)
{
	static const uint8_t head[] = { 'H', 'N', 'W', 'B', WANTBLOB_VERSION, 0, 0, 0, 0, 0, 3 };
	uint8_t blob[64];
	struct want back = { 0 };
	struct snapblob_err e;
	size_t n = sizeof(head);

	(void)state;
	/* needs = 3: two capabilities, each at "a.yaml":1:1. */
	memcpy(blob, head, n);
	blob[n++] = 1; blob[n++] = 6; memcpy(blob + n, "a.yaml", 6); n += 6;
	blob[n++] = 1; blob[n++] = 1;
	blob[n++] = 1; blob[n++] = 1; blob[n++] = 1;   /* file 1 again: fine */
	assert_int_equal(wantblob_decode(&back, blob, n, &e), 0);
	assert_string_equal(back.needs_loc[1].file, "a.yaml");
	want_clear(&back);
	n -= 3;
	blob[n++] = 2; blob[n++] = 6; memcpy(blob + n, "a.yaml", 6); n += 6;  /* as new */
	blob[n++] = 1; blob[n++] = 1;
	assert_int_equal(wantblob_decode(&back, blob, n, &e), -EUCLEAN);
	assert_string_equal(e.field, "at");
}

/* An adapter in place (realize.h) rides in version 3, with or without the
 * version 2 tail, and comes back whole through the blob and the JSON. */
static void test_adapters_in_place_ride_in_version_3(void **state)
{
	struct want w, back = { 0 };
	struct snapblob_err e;
	uint8_t *blob, *again;
	size_t len, len2;
	char *j1, *j2;

	(void)state;
	for (int fw = 0; fw < 2; fw++) {
		build_want(&w, 2);
		w.links[0].in_place_services = 1u << PROFILE_SERVICE_MANAGEMENT | 1u << PROFILE_SERVICE_ISCSI;
		snprintf(w.links[0].in_place_stack, KOBJ_IFNAMSIZ, "storage");
		if (fw)
			assert_non_null(w.fw.text = strdup("table inet hostnet {\n}\n"));
		assert_int_equal(wantblob_encode(&blob, &len, &w, &e), 0);
		assert_int_equal(blob[4], WANTBLOB_VERSION_IN_PLACE);
		assert_int_equal(wantblob_decode(&back, blob, len, &e), 0);
		assert_int_equal(back.links[0].in_place_services, w.links[0].in_place_services);
		assert_string_equal(back.links[0].in_place_stack, "storage");
		assert_int_equal(back.links[1].in_place_services, 0);
		assert_true(!fw || (back.fw.text && strcmp(back.fw.text, w.fw.text) == 0));
		j1 = json_text(&w);
		j2 = json_text(&back);
		assert_string_equal(j1, j2);
		assert_non_null(strstr(j1, "\"in_place_services\":[\"management\",\"iscsi\"]"));
		assert_int_equal(wantblob_encode(&again, &len2, &back, &e), 0);
		assert_int_equal(len2, len);
		assert_memory_equal(again, blob, len);
		/* Services 0 is version 1 or 2, not 3: refused. */
		want_clear(&back);
		blob[len - 1 - 1 - strlen("storage")] = 0;
		assert_int_equal(wantblob_decode(&back, blob, len, &e), -EUCLEAN);
		assert_string_equal(e.what, "in place");
		free(j1);
		free(j2);
		free(blob);
		free(again);
		want_clear(&w);
		want_clear(&back);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_want_survives_a_round_trip_byte_for_byte),
		cmocka_unit_test(test_every_truncation_and_a_trailing_byte_are_refused),
		cmocka_unit_test(test_route_order_is_kept_and_links_out_of_order_are_refused),
		cmocka_unit_test(test_a_file_name_repeated_is_refused),
		cmocka_unit_test(test_firewall_and_arp_ride_in_version_2),
		cmocka_unit_test(test_adapters_in_place_ride_in_version_3),
		cmocka_unit_test(test_snapshot_keeps_ruleset_and_arp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
