/* test-json: the link settings of #7 (shaping, bridge port, RA, bonds, DHCP)
 * through the two JSON formats, the snapshot export (kobj-json.c) and the
 * want of a saved plan (want-json.c): exact round trips, files written
 * before the settings existed, strict types, and the canonical hash text. */
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

#include "addr.h"
#include "kobj-json.h"
#include "kobj.h"
#include "realize.h"
#include "want-json.h"

static struct hn_mac mac(const char *s)
{
	struct hn_mac m;

	if (addr_parse_mac(&m, s) < 0)
		fail_msg("bad test MAC %s", s);
	return m;
}

/* A JSON file from the source tree (SRCDIR, as make check sets it). */
static json_t *load_src(const char *rel)
{
	const char *src = getenv("SRCDIR");
	char path[1024];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", src && *src ? src : ".", rel);
	j = json_load_file(path, 0, &e);
	if (!j)
		fail_msg("%s: %s", path, e.text);
	return j;
}

/* Serialized and parsed again: what a file on disk gives back. */
static json_t *through_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_t *back;

	assert_non_null(s);
	back = json_loads(s, 0, NULL);
	assert_non_null(back);
	free(s);
	json_decref(j);
	return back;
}

/* --- snapshots (kobj-json.c) ------------------------------------------- */

static void build_set(struct kobj_set *s)
{
	struct kobj_link l;

	*s = (struct kobj_set){ .caps = 1u << KOBJ_CAP_TBF | 1u << KOBJ_CAP_BRPORT_LOCKED };
	/* Every setting at its widest. */
	l = (struct kobj_link){
		.ifindex = 9, .name = "bond0", .kind = KOBJ_LINK_KIND_BOND, .kind_name = "bond",
		.mtu = 1500, .bond_mode = 255, .bond_primary = 2147483647,
		.qdisc = "fq_codel_longer", .qdisc_handle = UINT32_MAX,
		.shaping = { .rate = INT64_MAX, .peak = 125000000000ull, .burst = UINT32_MAX },
		.is_brport = true, .brport = 1u << KOBJ_BRPORT_LEARNING | 1u << KOBJ_BRPORT_LOCKED,
		.n_fdb = 255, .fdb = mac("02:00:5e:10:00:99"),
		.has_ra = true, .accept_ra = 2, .autoconf = 255, .accept_ra_defrtr = 0,
		.bond_mon = { .miimon = UINT32_MAX, .arp_interval = UINT32_MAX, .arp_validate = 6,
			      .n_targets = KOBJ_BOND_ARP_TARGETS,
			      .targets = { 0x010200c0, 0x020200c0, 0x030200c0, 0x040200c0, 0x050200c0,
					   0x060200c0, 0x070200c0, 0x080200c0, 0x090200c0, 0x0a0200c0,
					   0x0b0200c0, 0x0c0200c0, 0x0d0200c0, 0x0e0200c0, 0x0f0200c0,
					   0x100200c0 } },
	};
	assert_int_equal(kobj_set_add_link(s, &l), 0);
	l = (struct kobj_link){
		.ifindex = 10, .name = "vmk1p", .kind = KOBJ_LINK_KIND_VETH, .kind_name = "veth",
		.mtu = 9000, .qdisc = "tbf", .qdisc_handle = KOBJ_QDISC_HANDLE,
		.shaping = { .rate = 12500000, .burst = 102400 }, .is_brport = true,
		.brport = 1u << KOBJ_BRPORT_FLOOD, .n_fdb = 1, .fdb = mac("ff:ff:ff:ff:ff:fe"),
		.has_ra = true, .accept_ra = 0, .autoconf = 1, .accept_ra_defrtr = 1,
	};
	assert_int_equal(kobj_set_add_link(s, &l), 0);
	/* None of them. */
	l = (struct kobj_link){ .ifindex = 1, .name = "lo", .mtu = 65536 };
	assert_int_equal(kobj_set_add_link(s, &l), 0);
}

static void assert_settings_equal(const struct kobj_link *x, const struct kobj_link *y)
{
	assert_int_equal(x->bond_mode, y->bond_mode);
	assert_int_equal(x->bond_primary, y->bond_primary);
	assert_string_equal(x->qdisc, y->qdisc);
	assert_int_equal(x->qdisc_handle, y->qdisc_handle);
	assert_true(x->shaping.rate == y->shaping.rate);
	assert_true(x->shaping.peak == y->shaping.peak);
	assert_int_equal(x->shaping.burst, y->shaping.burst);
	assert_int_equal(x->is_brport, y->is_brport);
	assert_int_equal(x->brport, y->brport);
	assert_int_equal(x->n_fdb, y->n_fdb);
	assert_memory_equal(x->fdb.b, y->fdb.b, sizeof(x->fdb.b));
	assert_int_equal(x->has_ra, y->has_ra);
	assert_int_equal(x->accept_ra, y->accept_ra);
	assert_int_equal(x->autoconf, y->autoconf);
	assert_int_equal(x->accept_ra_defrtr, y->accept_ra_defrtr);
	assert_true(kobj_bond_mon_equal(&x->bond_mon, &y->bond_mon));
	assert_int_equal(x->bond_mon.n_targets, y->bond_mon.n_targets);
}

static void assert_no_settings(const struct kobj_link *l)
{
	static const struct kobj_link none = { 0 };

	assert_settings_equal(l, &none);
}

static void snapshot_round_trips_every_adapter_setting(void **state)
{
	struct kobj_set set, got = { 0 };
	json_t *j, *l0;
	char *err = NULL;

	build_set(&set);
	j = through_text(kobj_set_to_json(&set));
	/* Flags by name, shaping as one object, the FDB MAC as text. */
	l0 = json_array_get(json_object_get(j, "links"), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(l0, "brport"), 0)),
			    "learning");
	assert_string_equal(json_string_value(json_array_get(json_object_get(l0, "brport"), 1)),
			    "locked");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(l0, "shaping"), "rate")),
			 INT64_MAX);
	assert_string_equal(json_string_value(json_object_get(l0, "fdb")), "02:00:5e:10:00:99");
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "links"), 2), "fdb")));

	assert_int_equal(kobj_set_from_json(&got, j, &err), 0);
	assert_null(err);
	assert_int_equal(got.n_links, set.n_links);
	for (size_t i = 0; i < set.n_links; i++) {
		assert_string_equal(got.links[i].name, set.links[i].name);
		assert_settings_equal(&got.links[i], &set.links[i]);
	}
	json_decref(j);
	kobj_set_clear(&got);
	kobj_set_clear(&set);
}

/* What `observe --export` wrote before #7: the settings read as absent. */
static void export_without_adapter_settings_imports_them_as_absent(void **state)
{
	json_t *doc = load_src("tests/fuzz/seeds/snapshot/snapshot-esx01.json");
	json_t *l0 = json_array_get(json_object_get(json_object_get(doc, "state"), "links"), 0);
	struct kobj_set got = { 0 };
	char *err = NULL;

	/* It really is an old file. */
	assert_non_null(l0);
	assert_null(json_object_get(l0, "shaping"));
	assert_null(json_object_get(l0, "has_ra"));
	assert_int_equal(kobj_set_from_json(&got, json_object_get(doc, "state"), &err), 0);
	assert_null(err);
	assert_true(got.n_links > 3);
	for (size_t i = 0; i < got.n_links; i++)
		assert_no_settings(&got.links[i]);
	assert_string_equal(got.links[0].name, "lo");
	assert_int_equal(got.links[0].mtu, 65536);
	kobj_set_clear(&got);
	json_decref(doc);
}

/* The export format with the settings, as a file: later versions must keep
 * reading it (the fuzz corpus replays it too). */
static void export_with_adapter_settings_imports_them(void **state)
{
	json_t *doc = load_src("tests/fuzz/seeds/snapshot/snapshot-settings.json");
	struct kobj_set got = { 0 };
	const struct kobj_link *l;
	char *err = NULL;

	assert_int_equal(kobj_set_from_json(&got, json_object_get(doc, "state"), &err), 0);
	assert_null(err);
	assert_int_equal(got.n_links, 3);
	assert_true(got.caps & 1u << KOBJ_CAP_TBF);
	assert_true(got.caps & 1u << KOBJ_CAP_BRPORT_LOCKED);
	l = &got.links[1];
	assert_int_equal(l->kind, KOBJ_LINK_KIND_BOND);
	assert_int_equal(l->bond_mode, KOBJ_BOND_ACTIVE_BACKUP);
	assert_int_equal(l->bond_primary, 2);
	assert_true(l->is_brport);
	assert_int_equal(l->brport, 1u << KOBJ_BRPORT_LEARNING | 1u << KOBJ_BRPORT_FLOOD);
	assert_false(l->has_ra);
	l = &got.links[2];
	assert_string_equal(l->qdisc, "tbf");
	assert_int_equal(l->qdisc_handle, KOBJ_QDISC_HANDLE);
	assert_true(l->shaping.rate == 12500000 && l->shaping.peak == 25000000);
	assert_int_equal(l->shaping.burst, 102400);
	assert_int_equal(l->brport, 1u << KOBJ_BRPORT_LOCKED);
	assert_int_equal(l->n_fdb, 1);
	assert_memory_equal(l->fdb.b, mac("02:00:5e:10:00:01").b, sizeof(l->fdb.b));
	assert_true(l->has_ra);
	assert_int_equal(l->accept_ra, 0);
	assert_string_equal(got.links[0].qdisc, "mq");
	assert_int_equal(got.links[0].accept_ra_defrtr, 1);
	kobj_set_clear(&got);
	json_decref(doc);
}

/* One key of link 1 replaced by a JSON text; the import must refuse it
 * with this message. */
static void check_refused(const char *key, const char *value, const char *want)
{
	struct kobj_set set, got = { 0 };
	json_t *j, *l1;
	char *err = NULL;

	build_set(&set);
	j = kobj_set_to_json(&set);
	l1 = json_array_get(json_object_get(j, "links"), 1);
	assert_int_equal(json_object_set_new(l1, key, json_loads(value, JSON_DECODE_ANY, NULL)), 0);
	assert_int_equal(kobj_set_from_json(&got, j, &err), -EINVAL);
	if (!err || !strstr(err, want))
		fail_msg("%s: %s: got '%s', want '%s'", key, value, err ? err : "(none)", want);
	assert_null(got.links);
	free(err);
	json_decref(j);
	kobj_set_clear(&set);
}

static void export_import_checks_present_settings_strictly(void **state)
{
	check_refused("shaping", "\"fast\"", "links[1].shaping: expected an object, got a string");
	check_refused("shaping", "{\"rate\": 1, \"peak\": 0}", "links[1].shaping.burst: missing");
	check_refused("shaping", "{\"rate\": -1, \"peak\": 0, \"burst\": 1}",
		      "links[1].shaping.rate: -1 is out of range (0..9223372036854775807)");
	check_refused("accept_ra", "256", "links[1].accept_ra: 256 is out of range (0..255)");
	check_refused("accept_ra", "true", "links[1].accept_ra: expected an integer, got true");
	check_refused("has_ra", "1", "links[1].has_ra: expected true or false, got an integer");
	check_refused("brport", "[\"learning\", \"bogus\"]", "links[1].brport: item 1 is not a bridge port flag");
	check_refused("brport", "\"learning\"", "links[1].brport: expected a list of bridge port flags");
	check_refused("qdisc", "\"a-qdisc-kind-too-long\"", "links[1].qdisc: 'a-qdisc-kind-too-long' is 21 bytes long, more than 15");
	check_refused("fdb", "\"02:00:5e:zz:00:01\"", "links[1].fdb: '02:00:5e:zz:00:01' is not a MAC address");
	check_refused("fdb", "null", "links[1].fdb: must be a MAC exactly when n_fdb is not 0");
	check_refused("n_fdb", "0", "links[1].fdb: must be a MAC exactly when n_fdb is not 0");
	/* A misspelt key is not an absent setting. */
	check_refused("acept_ra", "0", "links[1]: unknown key 'acept_ra'");
}

/* --- wants (want-json.c) ----------------------------------------------- */

static void build_want(struct want *w)
{
	*w = (struct want){ 0 };
	w->links = calloc(2, sizeof(*w->links));
	assert_non_null(w->links);
	w->n_links = 2;
	w->links[0] = (struct want_link){
		.l = { .name = "bond0", .kind = KOBJ_LINK_KIND_BOND, .kind_name = "bond", .mtu = 1500,
		       .bond_mode = KOBJ_BOND_ACTIVE_BACKUP },
		.primary = "eth1", .manage = 1u << WANT_ATTR_BOND | 1u << WANT_ATTR_MTU,
	};
	w->links[1] = (struct want_link){
		.l = { .name = "vmk1", .kind = KOBJ_LINK_KIND_VETH, .kind_name = "veth", .mtu = 9000,
		       .qdisc = "tbf", .qdisc_handle = KOBJ_QDISC_HANDLE,
		       .shaping = { .rate = INT64_MAX, .peak = 25000000, .burst = UINT32_MAX },
		       .is_brport = true, .brport = 1u << KOBJ_BRPORT_LOCKED, .n_fdb = 1,
		       .fdb = mac("02:00:5e:10:00:01"), .has_ra = true, .accept_ra = 0,
		       .autoconf = 2, .accept_ra_defrtr = 255 },
		.peer = "vmk1p", .dhcp4 = true,
		.manage = 1u << WANT_ATTR_SHAPING | 1u << WANT_ATTR_BRPORT | 1u << WANT_ATTR_FDB |
			  1u << WANT_ATTR_RA | 1u << WANT_ATTR_DHCP,
	};
}

static void want_round_trips_every_adapter_setting(void **state)
{
	struct want w, got = { 0 };
	json_t *j, *m;
	char *err = NULL;

	build_want(&w);
	w.links[0].l.has_brvlan = true;
	w.links[0].l.brvlan = (struct kobj_brvlan){ .pvid = 1, .n = 2, .vids = { 10, 4094 } };
	j = through_text(want_to_json(&w));
	m = json_object_get(json_array_get(json_object_get(j, "links"), 1), "manage");
	assert_int_equal(json_array_size(m), 5);
	assert_string_equal(json_string_value(json_array_get(m, 0)), "shaping");
	assert_string_equal(json_string_value(json_array_get(m, 1)), "brport");
	assert_string_equal(json_string_value(json_array_get(m, 2)), "fdb");
	assert_string_equal(json_string_value(json_array_get(m, 3)), "ra");
	assert_string_equal(json_string_value(json_array_get(m, 4)), "dhcp");
	m = json_object_get(json_array_get(json_object_get(j, "links"), 0), "manage");
	assert_string_equal(json_string_value(json_array_get(m, 1)), "bond");

	assert_int_equal(want_from_json(&got, j, &err), 0);
	assert_null(err);
	assert_int_equal(got.n_links, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(got.links[i].l.name, w.links[i].l.name);
		assert_string_equal(got.links[i].primary, w.links[i].primary);
		assert_int_equal(got.links[i].dhcp4, w.links[i].dhcp4);
		assert_int_equal(got.links[i].manage, w.links[i].manage);
		assert_settings_equal(&got.links[i].l, &w.links[i].l);
		assert_int_equal(got.links[i].l.has_brvlan, w.links[i].l.has_brvlan);
		assert_true(kobj_brvlan_equal(&got.links[i].l.brvlan, &w.links[i].l.brvlan));
	}
	json_decref(j);
	want_clear(&got);
	want_clear(&w);
}

/* A plan saved before #7 (`plan --out`, then `apply PLANFILE`). */
static void plan_without_adapter_settings_reads_them_as_absent(void **state)
{
	json_t *doc = load_src("tests/fuzz/seeds/snapshot/plan-esx01.json");
	json_t *l0 = json_array_get(json_object_get(json_object_get(doc, "want"), "links"), 0);
	struct want got = { 0 };
	char *err = NULL;

	assert_non_null(l0);
	assert_null(json_object_get(l0, "dhcp4"));
	assert_int_equal(want_from_json(&got, json_object_get(doc, "want"), &err), 0);
	assert_null(err);
	assert_true(got.n_links > 2);
	for (size_t i = 0; i < got.n_links; i++) {
		assert_no_settings(&got.links[i].l);
		assert_string_equal(got.links[i].primary, "");
		assert_false(got.links[i].dhcp4);
	}
	want_clear(&got);
	json_decref(doc);
}

static void want_read_checks_present_settings_strictly(void **state)
{
	static const struct {
		const char *key, *value, *msg;
	} bad[] = {
		{ "dhcp4", "1", "links[1].dhcp4: expected true or false, got an integer" },
		{ "shaping", "{\"rate\": 1}", "links[1].shaping.peak: missing" },
		{ "accept_ra", "300", "links[1].accept_ra: 300 is out of range (0..255)" },
		{ "brport", "[\"flood\", 3]", "links[1].brport: item 1 is not a bridge port flag" },
		{ "fdb", "\"00:00:00:00:00:00\"", "links[1].fdb: '00:00:00:00:00:00' is not a MAC address" },
		{ "primary", "\"an-interface-name-too-long\"", "links[1].primary: 'an-interface-name-too-long' is 26 bytes long, more than 15" },
		{ "dhcp", "true", "links[1]: unknown key 'dhcp'" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct want w, got = { 0 };
		json_t *j, *l1;
		char *err = NULL;

		build_want(&w);
		j = want_to_json(&w);
		l1 = json_array_get(json_object_get(j, "links"), 1);
		assert_int_equal(json_object_set_new(l1, bad[i].key,
						     json_loads(bad[i].value, JSON_DECODE_ANY, NULL)), 0);
		assert_int_equal(want_from_json(&got, j, &err), -EINVAL);
		if (!err || !strstr(err, bad[i].msg))
			fail_msg("%s: %s: got '%s', want '%s'", bad[i].key, bad[i].value,
				 err ? err : "(none)", bad[i].msg);
		free(err);
		json_decref(j);
		want_clear(&w);
	}
}

static char *canonical(const struct want *w)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(want_write_canonical(f, w), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Each setting is part of the hash; a link without any keeps the line (and
 * so the hash) it had before the settings existed. */
static void canonical_text_changes_with_each_adapter_setting(void **state)
{
	struct want w;
	struct want_link *l;
	char *base, *now;

	build_want(&w);
	l = &w.links[1];
	base = canonical(&w);
#define CHANGES(stmt)								\
	do {									\
		struct want_link keep_ = *l;					\
		stmt;								\
		now = canonical(&w);						\
		if (strcmp(now, base) == 0)					\
			fail_msg("the canonical text ignores: %s", #stmt);	\
		free(now);							\
		*l = keep_;							\
	} while (0)
	CHANGES(strcpy(l->primary, "eth2"));
	CHANGES(l->dhcp4 = false);
	CHANGES(l->l.bond_mode = KOBJ_BOND_XOR);
	CHANGES(strcpy(l->l.qdisc, "fq_codel"));
	CHANGES(l->l.qdisc_handle = 0);
	CHANGES(l->l.shaping.rate--);
	CHANGES(l->l.shaping.peak++);
	CHANGES(l->l.shaping.burst--);
	CHANGES(l->l.is_brport = false);
	CHANGES(l->l.brport = 1u << KOBJ_BRPORT_LEARNING);
	CHANGES(l->l.n_fdb = 2);
	CHANGES(l->l.fdb.b[5] = 2);
	CHANGES(l->l.has_ra = false);
	CHANGES(l->l.accept_ra = 1);
	CHANGES(l->l.autoconf = 1);
	CHANGES(l->l.accept_ra_defrtr = 1);
	CHANGES(l->l.bond_mon.miimon = 100);
	CHANGES(l->l.bond_mon.arp_interval = 1000);
	CHANGES(l->manage |= 1u << WANT_ATTR_BOND);
	CHANGES(l->l.has_brvlan = true);
	CHANGES((l->l.has_brvlan = true, l->l.brvlan.pvid = 10));
#undef CHANGES
	free(base);

	/* Without settings: exactly the line hostnet wrote before them. */
	*l = (struct want_link){ .l = { .name = "vmk1", .kind = KOBJ_LINK_KIND_VETH, .mtu = 9000,
					.admin_up = true, .alias = "hostnet:vmk1 x" },
				 .peer = "vmk1p", .manage = 3 };
	w.n_links = 1;
	w.links[0] = *l;
	now = canonical(&w);
	assert_string_equal(now, "L vmk1 veth 9000 - 1 - vmk1p - 0 0 0 3 0 0 0 0 0|hostnet:vmk1 x\nN 0\n");
	free(now);
	want_clear(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot_round_trips_every_adapter_setting),
		cmocka_unit_test(export_without_adapter_settings_imports_them_as_absent),
		cmocka_unit_test(export_with_adapter_settings_imports_them),
		cmocka_unit_test(export_import_checks_present_settings_strictly),
		cmocka_unit_test(want_round_trips_every_adapter_setting),
		cmocka_unit_test(plan_without_adapter_settings_reads_them_as_absent),
		cmocka_unit_test(want_read_checks_present_settings_strictly),
		cmocka_unit_test(canonical_text_changes_with_each_adapter_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
