/* blast.c: the services each planned action disturbs, per kind of action.
 * Each case is a real diff: a host that has exactly the profile before
 * (diff_observed_from_want) against the profile after.  Pure. */
#include <jansson.h>

#include "testutil.h"

#include "blast.h"
#include "diff.h"
#include "realize.h"

#define BIT(s) (1u << (s))
#define MGMT BIT(PROFILE_SERVICE_MANAGEMENT)
#define VMOTION BIT(PROFILE_SERVICE_VMOTION)
#define ISCSI BIT(PROFILE_SERVICE_ISCSI)

struct side {
	struct tu t;
	struct want w;
};

static void side_realize(struct side *s, const char *yaml)
{
	tu_run(&s->t, yaml, 1);
	if (s->t.rc)
		tu_print_diags(&s->t.d);
	assert_int_equal(s->t.rc, 0);
	assert_int_equal(realize_profile(&s->w, s->t.p), 0);
}

static void side_end(struct side *s)
{
	want_clear(&s->w);
	tu_end(&s->t);
}

/* The union of what the plan from `before` to `after` disturbs, with the
 * number of actions that disturb management and vMotion. */
static uint32_t disturbed(const char *before, const char *after, size_t *n_mgmt, size_t *n_vmotion)
{
	struct side a = { 0 }, b = { 0 };
	struct kobj_set have = { 0 };
	struct diag_list diags = { 0 };
	struct diff d = { 0 };
	size_t counts[PROFILE_SERVICE__MAX];
	struct blast *bl;
	uint32_t s;

	side_realize(&a, before);
	side_realize(&b, after);
	assert_int_equal(diff_observed_from_want(&have, &a.w), 0);
	assert_int_equal(diff_compute(&d, &b.w, &have, &diags), 0);
	bl = blast_new(&d);
	assert_non_null(bl);
	s = blast_diff(bl, counts);
	if (n_mgmt)
		*n_mgmt = counts[PROFILE_SERVICE_MANAGEMENT];
	if (n_vmotion)
		*n_vmotion = counts[PROFILE_SERVICE_VMOTION];
	blast_free(bl);
	diff_clear(&d);
	diag_list_clear(&diags);
	kobj_set_clear(&have);
	side_end(&b);
	side_end(&a);
	return s;
}

static uint32_t edited(const char *from, const char *to)
{
	char *after = tu_replace(TU_VALID_PROFILE, from, to);
	uint32_t s = disturbed(TU_VALID_PROFILE, after, NULL, NULL);

	free(after);
	return s;
}

/* Proxmox-like: management on the switch's own bridge, iSCSI on a NIC;
 * neither link carries an adapter mark. */
#define IN_PLACE_PROFILE \
	"apiVersion: hostnet/v1\nkind: HostProfile\nhost: pve01\n" \
	"uplinks:\n  - {name: eth1}\n  - {name: eth3}\n" \
	"switches:\n  - {name: vmbr0, uplinks: [eth1]}\n" \
	"adapters:\n" \
	"  - name: vmbr0\n    backing: switch\n    services: [management]\n" \
	"    ipv4: [192.0.2.10/24]\n" \
	"  - name: eth3\n    backing: uplink\n    services: [iscsi]\n" \
	"    ipv4: [198.51.100.10/24]\n"

static void in_place_address_change_disturbs_its_services(void **state)
{
	char *mgmt = tu_replace(IN_PLACE_PROFILE, "192.0.2.10/24", "192.0.2.11/24");
	char *iscsi = tu_replace(IN_PLACE_PROFILE, "198.51.100.10/24", "198.51.100.11/24");
	size_t nm = 0;

	(void)state;
	/* The old address on vmbr0 deleted: management's, though vmbr0's
	 * alias says hostnet:switch. */
	assert_int_equal(disturbed(IN_PLACE_PROFILE, mgmt, &nm, NULL), MGMT);
	assert_true(nm >= 1);
	assert_int_equal(disturbed(IN_PLACE_PROFILE, iscsi, NULL, NULL), ISCSI);
	/* Nothing changed: nothing disturbed. */
	assert_int_equal(disturbed(IN_PLACE_PROFILE, IN_PLACE_PROFILE, NULL, NULL), 0);
	free(iscsi);
	free(mgmt);
}

static void in_place_switch_set_down_disturbs_its_adapter(void **state)
{
	char *after = tu_replace(IN_PLACE_PROFILE, "    services: [management]\n",
				 "    services: [management]\n    state: down\n");

	(void)state;
	assert_int_equal(disturbed(IN_PLACE_PROFILE, after, NULL, NULL), MGMT);
	free(after);
}

static void no_change_disturbs_nothing(void **state)
{
	(void)state;
	assert_int_equal(disturbed(TU_VALID_PROFILE, TU_VALID_PROFILE, NULL, NULL), 0);
}

static void a_first_apply_disturbs_nothing(void **state)
{
	struct side a = { 0 };
	struct kobj_set empty = { 0 };
	struct diag_list diags = { 0 };
	struct diff d = { 0 };
	struct blast *bl;

	(void)state;
	side_realize(&a, TU_VALID_PROFILE);
	/* The uplinks exist (foreign), nothing else does. */
	for (size_t i = 0; i < a.w.n_links; i++)
		if (a.w.links[i].foreign) {
			struct kobj_link l = { .ifindex = (int)i + 1, .mtu = 1500,
					       .kind = KOBJ_LINK_KIND_VETH };

			memcpy(l.name, a.w.links[i].l.name, sizeof(l.name));
			assert_int_equal(kobj_set_add_link(&empty, &l), 0);
		}
	assert_int_equal(diff_compute(&d, &a.w, &empty, &diags), 0);
	assert_true(d.n > 0);
	bl = blast_new(&d);
	assert_non_null(bl);
	/* The uplinks change (MTU, master), but no adapter runs over them yet. */
	assert_int_equal(blast_diff(bl, NULL), 0);
	blast_free(bl);
	diff_clear(&d);
	diag_list_clear(&diags);
	kobj_set_clear(&empty);
	side_end(&a);
}

static void mtu_decrease_disturbs_the_adapters_service_only(void **state)
{
	size_t nm = 9, nv = 0;
	char *after = tu_replace(TU_VALID_PROFILE, "    mtu: 9000\n    ipv4: [198.51.100.10/24]",
				 "    mtu: 8000\n    ipv4: [198.51.100.10/24]");

	(void)state;
	assert_int_equal(disturbed(TU_VALID_PROFILE, after, &nm, &nv), VMOTION);
	assert_int_equal(nm, 0);
	assert_true(nv >= 1);
	free(after);
}

static void mtu_increase_disturbs_nothing(void **state)
{
	(void)state;
	assert_int_equal(edited("    services: [management]\n    mtu: 1500",
				"    services: [management]\n    mtu: 9000"), 0);
}

static void state_down_disturbs(void **state)
{
	(void)state;
	assert_int_equal(edited("    services: [management]\n", "    services: [management]\n    state: down\n"),
			 MGMT);
}

static void address_change_disturbs(void **state)
{
	(void)state;
	assert_int_equal(edited("192.0.2.10/24", "192.0.2.11/24"), MGMT);
}

static void a_portgroup_vlan_change_disturbs_its_adapters(void **state)
{
	(void)state;
	/* vmk0's port moves to VLAN 11; eth1 and eth2 now carry 11, tagged. */
	assert_int_equal(edited("switch: vs0, vlan: 10}", "switch: vs0, vlan: 11}"), MGMT);
}

static void new_adapter_disturbs_nothing(void **state)
{
	(void)state;
	assert_int_equal(edited("routes:\n", "  - {name: vmk5, portgroup: Management, services: [nfs], "
				"ipv4: [203.0.113.15/28]}\nroutes:\n"), 0);
}

static void deleted_adapter_disturbs_its_services(void **state)
{
	char *before = tu_replace(TU_VALID_PROFILE, "routes:\n",
				  "  - {name: vmk5, portgroup: Management, services: [nfs], "
				  "ipv4: [203.0.113.15/28]}\nroutes:\n");

	(void)state;
	assert_int_equal(disturbed(before, TU_VALID_PROFILE, NULL, NULL), BIT(PROFILE_SERVICE_NFS));
	free(before);
}

static void a_tag_taken_off_disturbs_that_service(void **state)
{
	char *before = tu_replace(TU_VALID_PROFILE, "services: [vmotion]", "services: [vmotion, ft]");

	(void)state;
	assert_int_equal(disturbed(before, TU_VALID_PROFILE, NULL, NULL), BIT(PROFILE_SERVICE_FT));
	/* ... and adding one disturbs nothing. */
	assert_int_equal(disturbed(TU_VALID_PROFILE, before, NULL, NULL), 0);
	free(before);
}

static void a_stack_change_disturbs(void **state)
{
	(void)state;
	assert_int_equal(edited("    table: 100\n", "    table: 101\n"), VMOTION);
}

static void an_uplink_set_down_disturbs_every_adapter_on_its_switch(void **state)
{
	(void)state;
	/* An uplink set down: every adapter on its switch. */
	char *up = tu_replace(TU_VALID_PROFILE, "  - {name: eth1, mtu: 9000}",
			      "  - {name: eth1, mtu: 9000, state: up}");
	char *down = tu_replace(TU_VALID_PROFILE, "  - {name: eth1, mtu: 9000}",
				"  - {name: eth1, mtu: 9000, state: down}");

	assert_int_equal(disturbed(up, down, NULL, NULL), MGMT | VMOTION);
	free(up);
	free(down);
}

static void a_default_gateway_change_disturbs_the_stack(void **state)
{
	(void)state;
	assert_int_equal(edited("gateway: {ipv4: 198.51.100.1}", "gateway: {ipv4: 198.51.100.2}"), VMOTION);
}

static void iscsi_record_removal_disturbs_iscsi(void **state)
{
	char *before = tu_replace(TU_VALID_PROFILE, "services: [vmotion]", "services: [vmotion, iscsi]");

	(void)state;
	/* The tag and the record go: both disturb iscsi, nothing else. */
	assert_int_equal(disturbed(before, TU_VALID_PROFILE, NULL, NULL), ISCSI);
	free(before);
}

static void text_lists_services_in_catalogue_order(void **state)
{
	char buf[64];

	(void)state;
	blast_text(VMOTION | MGMT | ISCSI, buf, sizeof(buf));
	assert_string_equal(buf, "management, vmotion, iscsi");
	blast_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_change_disturbs_nothing),
		cmocka_unit_test(a_first_apply_disturbs_nothing),
		cmocka_unit_test(mtu_decrease_disturbs_the_adapters_service_only),
		cmocka_unit_test(mtu_increase_disturbs_nothing),
		cmocka_unit_test(state_down_disturbs),
		cmocka_unit_test(address_change_disturbs),
		cmocka_unit_test(a_portgroup_vlan_change_disturbs_its_adapters),
		cmocka_unit_test(new_adapter_disturbs_nothing),
		cmocka_unit_test(deleted_adapter_disturbs_its_services),
		cmocka_unit_test(a_tag_taken_off_disturbs_that_service),
		cmocka_unit_test(a_stack_change_disturbs),
		cmocka_unit_test(an_uplink_set_down_disturbs_every_adapter_on_its_switch),
		cmocka_unit_test(a_default_gateway_change_disturbs_the_stack),
		cmocka_unit_test(iscsi_record_removal_disturbs_iscsi),
		cmocka_unit_test(in_place_address_change_disturbs_its_services),
		cmocka_unit_test(in_place_switch_set_down_disturbs_its_adapter),
		cmocka_unit_test(text_lists_services_in_catalogue_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
