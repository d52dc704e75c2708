/* realize.c: what Linux objects a validated profile turns into.
 *
 * Each test realizes a profile written as YAML (tests/testutil.h) and pins
 * exact values: names, kinds, marks, tables, priorities, metrics, the order
 * of the arrays.  Pure: no netlink. */
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <sys/socket.h>

#include <jansson.h>

#include "testutil.h"
#include "testhost.h"

#include "kobj.h"
#include "realize.h"
#include "want-json.h"

#define BIT(a) (1u << (a))
#define MANAGE_OWNED (BIT(WANT_ATTR_MTU) | BIT(WANT_ATTR_STATE) | BIT(WANT_ATTR_MARK))
/* Every adapter also has its qdisc and router advertisements managed, every
 * bridge port its flags and static FDB entries (issue #7); every adapter
 * with IPv4 and every switch its ARP flux settings (issue #14). */
#define MANAGE_ADAPTER (MANAGE_OWNED | BIT(WANT_ATTR_SHAPING) | BIT(WANT_ATTR_RA) | BIT(WANT_ATTR_ARP))
#define MANAGE_PORT (MANAGE_OWNED | BIT(WANT_ATTR_MASTER) | BIT(WANT_ATTR_BRPORT) | BIT(WANT_ATTR_FDB))


/* The route of key (table, dst, metric, dev for IPv6), or a failure. */
static const struct want_route *route_of(const struct want *w, uint32_t table, const char *dst,
					 uint32_t metric, const char *dev)
{
	struct hn_addr d = ip(dst);

	for (size_t i = 0; i < w->n_routes; i++) {
		const struct want_route *r = &w->routes[i];

		if (r->r.table == table && addr_cmp(&r->r.dst, &d) == 0 && r->r.metric == metric &&
		    strcmp(r->dev, dev) == 0)
			return r;
	}
	fail_msg("no route %s metric %u dev '%s' in table %u", dst, metric, dev, table);
	return NULL;
}

static size_t routes_in(const struct want *w, uint32_t table)
{
	size_t n = 0;

	for (size_t i = 0; i < w->n_routes; i++)
		n += w->routes[i].r.table == table;
	return n;
}

static void assert_addr(const struct hn_addr *a, const char *s)
{
	char buf[ADDR_STRLEN];

	if (!s) {
		assert_int_equal(a->family, 0);
		return;
	}
	assert_string_equal(addr_format(a, strchr(s, '/') != NULL, buf, sizeof(buf)), s);
}

static char *want_text(const struct want *w)
{
	json_t *j = want_to_json(w);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(s);
	return s;
}

/* --- links -------------------------------------------------------------- */

static void switch_becomes_a_marked_bridge_with_its_mtu(void **state)
{
	struct tu t;
	struct want w;
	const struct want_link *l;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	assert_int_equal(w.n_links, 7);
	l = link_of(&w, "vs0");
	assert_int_equal(l->l.kind, KOBJ_LINK_KIND_BRIDGE);
	assert_string_equal(l->l.kind_name, "bridge");
	assert_int_equal(l->l.mtu, 9000);
	assert_int_equal(l->l.group, KOBJ_LINK_GROUP);
	assert_string_equal(l->l.alias, "hostnet:switch");
	assert_true(l->l.owned);
	assert_true(l->l.admin_up);
	assert_false(l->foreign);
	assert_string_equal(l->master, "");
	/* A switch has no address of its own: no router advertisements. */
	assert_int_equal(l->manage, MANAGE_OWNED | BIT(WANT_ATTR_RA) | BIT(WANT_ATTR_ARP));
	assert_true(l->l.has_arp);
	assert_int_equal(l->l.arp_ignore, 1);
	assert_int_equal(l->l.arp_announce, 2);
	assert_int_equal(l->l.rp_filter, 2);
	assert_true(l->l.has_ra);
	assert_int_equal(l->l.accept_ra + l->l.autoconf + l->l.accept_ra_defrtr, 0);
	/* Management is tagged (vlan 10): the bridge filters VLANs. */
	assert_true(l->vlan_filtering);
	assert_loc(&l->loc, "t.yaml:8:12");
	want_clear(&w);
	tu_end(&t);
}

static void switch_without_vlan_portgroups_does_not_filter_vlans(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, ", vlan: 10}", "}");
	struct tu t;
	struct want w;

	realize_yaml(&t, &w, y);
	assert_false(link_of(&w, "vs0")->vlan_filtering);
	assert_int_equal(link_of(&w, "vmk0p")->pvid, 0);
	assert_false(w.needs & BIT(KOBJ_CAP_BRIDGE_VLAN_FILTERING));
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void uplinks_are_foreign_with_master_mtu_and_state_managed(void **state)
{
	struct tu t;
	struct want w;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	for (int i = 0; i < 2; i++) {
		const struct want_link *l = link_of(&w, i ? "eth2" : "eth1");

		assert_true(l->foreign);
		assert_false(l->l.owned);
		assert_int_equal(l->l.kind, KOBJ_LINK_KIND_DEVICE);
		assert_string_equal(l->l.kind_name, "");
		assert_int_equal(l->l.group, 0);
		assert_string_equal(l->l.alias, "");
		assert_string_equal(l->master, "vs0");
		assert_int_equal(l->l.mtu, 9000);
		assert_true(l->l.admin_up);
		assert_int_equal(l->manage, BIT(WANT_ATTR_MTU) | BIT(WANT_ATTR_STATE) |
				 BIT(WANT_ATTR_MASTER) | BIT(WANT_ATTR_BRVLAN));
		/* The switch's portgroup VLAN, tagged; untagged traffic on
		 * the bridge's default VLAN 1. */
		assert_true(l->l.has_brvlan);
		assert_int_equal(l->l.brvlan.pvid, 1);
		assert_int_equal(l->l.brvlan.n, 1);
		assert_int_equal(l->l.brvlan.vids[0], 10);
	}
	assert_loc(&link_of(&w, "eth2")->loc, "t.yaml:6:12");
	want_clear(&w);
	tu_end(&t);
}

static void uplink_mtu_defaults_to_its_switch_mtu(void **state)
{
	struct tu t;
	struct want w;
	const struct want_link *l;

	realize_yaml(&t, &w, TU_VRF_PROFILE);
	/* eth2 names no MTU: it gets vs1's. */
	l = link_of(&w, "eth2");
	assert_int_equal(l->l.mtu, 9000);
	assert_true(l->manage & BIT(WANT_ATTR_MTU));
	/* eth5 is in no switch: only what the profile names is managed, and
	 * as the macvlan vmk4 sits on it, that it is in no bridge (EBUSY). */
	l = link_of(&w, "eth5");
	assert_true(l->foreign);
	assert_int_equal(l->l.mtu, 1500);
	assert_string_equal(l->master, "");
	assert_true(l->l.admin_up);
	assert_int_equal(l->manage, BIT(WANT_ATTR_MTU) | BIT(WANT_ATTR_STATE) | BIT(WANT_ATTR_MASTER));
	want_clear(&w);
	tu_end(&t);
}

static void uplink_outside_switches_without_mtu_or_state_is_not_managed(void **state)
{
	char *y = tu_replace(TU_VRF_PROFILE, "  - {name: eth5, mtu: 1500, state: up}\n",
			     "  - {name: eth5, mtu: 1500, state: up}\n  - {name: eth6}\n");
	struct tu t;
	struct want w;
	const struct want_link *l;

	realize_yaml(&t, &w, y);
	l = link_of(&w, "eth6");
	assert_true(l->foreign);
	assert_int_equal(l->l.mtu, 0);
	assert_int_equal(l->manage, 0);
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void uplink_state_down_is_managed_down(void **state)
{
	char *y = tu_replace(TU_VRF_PROFILE, "mtu: 1500, state: up}", "mtu: 1500, state: down}");
	struct tu t;
	struct want w;

	realize_yaml(&t, &w, y);
	assert_false(link_of(&w, "eth5")->l.admin_up);
	assert_true(link_of(&w, "eth5")->manage & BIT(WANT_ATTR_STATE));
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void veth_adapter_is_two_marked_links_with_the_port_on_the_bridge(void **state)
{
	struct tu t;
	struct want w;
	const struct want_link *a, *p;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	a = link_of(&w, "vmk1");
	assert_int_equal(a->l.kind, KOBJ_LINK_KIND_VETH);
	assert_string_equal(a->l.kind_name, "veth");
	assert_string_equal(a->peer, "vmk1p");
	assert_string_equal(a->master, "");
	assert_string_equal(a->parent, "");
	assert_int_equal(a->l.mtu, 9000);
	assert_int_equal(a->l.group, KOBJ_LINK_GROUP);
	assert_string_equal(a->l.alias, "hostnet:adapter services=vmotion stack=vmotion");
	assert_true(a->l.owned);
	assert_true(a->l.admin_up);
	assert_false(a->l.has_mac);
	assert_int_equal(a->manage, MANAGE_ADAPTER);
	assert_int_equal(a->pvid, 0);
	assert_loc(&a->loc, "t.yaml:25:11");

	p = link_of(&w, "vmk1p");
	assert_int_equal(p->l.kind, KOBJ_LINK_KIND_VETH);
	assert_string_equal(p->peer, "vmk1");
	assert_string_equal(p->master, "vs0");
	assert_int_equal(p->l.mtu, 9000);
	assert_int_equal(p->l.group, KOBJ_LINK_GROUP);
	assert_string_equal(p->l.alias, "hostnet:port adapter=vmk1");
	assert_int_equal(p->manage, MANAGE_PORT);
	assert_int_equal(p->pvid, 0);
	assert_loc(&p->loc, "t.yaml:25:11");

	/* A default-stack adapter names no stack; a VLAN portgroup sets the
	 * port's untagged VLAN. */
	assert_string_equal(link_of(&w, "vmk0")->l.alias, "hostnet:adapter services=management");
	assert_int_equal(link_of(&w, "vmk0p")->pvid, 10);
	assert_int_equal(link_of(&w, "vmk0p")->l.mtu, 1500);
	want_clear(&w);
	tu_end(&t);
}

static void adapter_services_are_listed_in_enum_order(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "services: [vmotion]", "services: [provisioning, vmotion]");
	struct tu t;
	struct want w;

	realize_yaml(&t, &w, y);
	assert_string_equal(link_of(&w, "vmk1")->l.alias,
			    "hostnet:adapter services=vmotion,provisioning stack=vmotion");
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void adapter_state_down_and_fixed_mac_are_managed(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "    mtu: 9000\n",
			     "    mtu: 9000\n    state: down\n    mac: \"02:00:5e:10:00:09\"\n");
	struct tu t;
	struct want w;
	const struct want_link *a;
	char mac[ADDR_MAC_STRLEN];

	realize_yaml(&t, &w, y);
	a = link_of(&w, "vmk1");
	assert_false(a->l.admin_up);
	assert_true(a->l.has_mac);
	assert_string_equal(addr_format_mac(&a->l.mac, mac, sizeof(mac)), "02:00:5e:10:00:09");
	assert_int_equal(a->manage, MANAGE_ADAPTER | BIT(WANT_ATTR_MAC));
	/* The bridge side stays up, and has the kernel's MAC. */
	assert_true(link_of(&w, "vmk1p")->l.admin_up);
	assert_false(link_of(&w, "vmk1p")->l.has_mac);
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void macvlan_adapter_is_bridge_mode_on_its_uplink(void **state)
{
	struct tu t;
	struct want w;
	const struct want_link *a;

	realize_yaml(&t, &w, TU_VRF_PROFILE);
	a = link_of(&w, "vmk4");
	assert_int_equal(a->l.kind, KOBJ_LINK_KIND_MACVLAN);
	assert_string_equal(a->l.kind_name, "macvlan");
	assert_string_equal(a->parent, "eth5");
	assert_int_equal(a->l.macvlan_mode, MACVLAN_MODE_BRIDGE);
	assert_string_equal(a->peer, "");
	assert_string_equal(a->master, "");
	assert_int_equal(a->l.mtu, 1500);
	assert_string_equal(a->l.alias, "hostnet:adapter services=replication");
	assert_int_equal(a->manage, MANAGE_ADAPTER | BIT(WANT_ATTR_MAC));
	/* No peer port for a macvlan. */
	assert_null(want_link(&w, "vmk4p"));
	assert_true(w.needs & BIT(KOBJ_CAP_MACVLAN));
	assert_loc(&w.needs_loc[KOBJ_CAP_MACVLAN], "t.yaml:31:14");
	want_clear(&w);
	tu_end(&t);
}

static void vrf_stack_is_a_vrf_link_bound_to_its_table(void **state)
{
	struct tu t;
	struct want w;
	const struct want_link *v, *a;

	realize_yaml(&t, &w, TU_VRF_PROFILE);
	/* eth1 eth2 eth5 storage vmk0 vmk0p vmk2 vmk2p vmk4 vs1 */
	assert_int_equal(w.n_links, 10);
	v = link_of(&w, "storage");
	assert_int_equal(v->l.kind, KOBJ_LINK_KIND_VRF);
	assert_string_equal(v->l.kind_name, "vrf");
	assert_int_equal(v->l.vrf_table, 200);
	assert_int_equal(v->l.group, KOBJ_LINK_GROUP);
	assert_string_equal(v->l.alias, "hostnet:vrf stack=storage");
	/* A VRF's MTU is not the profile's business. */
	assert_int_equal(v->manage, BIT(WANT_ATTR_STATE) | BIT(WANT_ATTR_MARK));
	assert_true(v->l.admin_up);
	assert_loc(&v->loc, "t.yaml:16:11");
	assert_true(w.needs & BIT(KOBJ_CAP_VRF));
	assert_loc(&w.needs_loc[KOBJ_CAP_VRF], "t.yaml:18:16");

	a = link_of(&w, "vmk2");
	assert_string_equal(a->master, "storage");
	/* IPv6 only: no ARP, so no ARP flux settings. */
	assert_int_equal(a->manage, (MANAGE_ADAPTER & ~BIT(WANT_ATTR_ARP)) | BIT(WANT_ATTR_MASTER));
	assert_false(a->l.has_arp);
	assert_string_equal(a->l.alias, "hostnet:adapter services=nfs stack=storage");
	assert_string_equal(link_of(&w, "vmk2p")->master, "vs1");
	assert_int_equal(link_of(&w, "vmk2p")->pvid, 31);
	want_clear(&w);
	tu_end(&t);
}

/* --- addresses, routes, rules -------------------------------------------- */

/* --- adapters in place (issue #15) ------------------------------------- */

static void switch_backed_adapter_puts_its_address_on_the_bridge(void **state)
{
	struct tu t;
	struct want w;
	const struct want_link *l;

	realize_yaml(&t, &w, TU_INPLACE_PROFILE);
	/* eth1, eth2, eth3, vmbr0 and the VLAN device: no veth, no port. */
	assert_int_equal(w.n_links, 5);
	l = link_of(&w, "vmbr0");
	assert_int_equal(l->l.kind, KOBJ_LINK_KIND_BRIDGE);
	/* The bridge keeps the switch's mark; services live in the profile. */
	assert_string_equal(l->l.alias, "hostnet:switch");
	assert_true(l->l.owned);
	assert_int_equal(l->l.mtu, 9000);
	assert_true(l->l.admin_up);
	/* ARP flux settings too: the bridge carries an IPv4 address. */
	assert_int_equal(l->manage, MANAGE_OWNED | BIT(WANT_ATTR_RA) | BIT(WANT_ATTR_ARP));
	assert_loc(&l->loc, "t.yaml:9:12");
	assert_string_equal(w.addrs[1].dev, "vmbr0");
	assert_addr(&w.addrs[1].a.addr, "192.0.2.10/24");
	assert_int_equal(w.addrs[1].a.proto, KOBJ_RTPROT_HOSTNET);
	assert_loc(&w.addrs[1].loc, "t.yaml:20:12");
	assert_string_equal(route_of(&w, PROFILE_MAIN_TABLE, "0.0.0.0/0", 0, "vmbr0")->dev, "vmbr0");
	want_clear(&w);
	tu_end(&t);
}

static void uplink_backed_adapter_marks_nothing_on_the_nic(void **state)
{
	struct tu t;
	struct want w;
	const struct want_link *l;

	realize_yaml(&t, &w, TU_INPLACE_PROFILE);
	l = link_of(&w, "eth3");
	assert_true(l->foreign);
	assert_false(l->l.owned);
	assert_string_equal(l->l.alias, "");
	assert_int_equal(l->l.group, 0);
	/* The uplink's MTU and the adapter's state; no marks, RAs or qdisc. */
	assert_int_equal(l->manage, BIT(WANT_ATTR_MTU) | BIT(WANT_ATTR_STATE));
	assert_true(l->l.admin_up);
	assert_string_equal(w.addrs[0].dev, "eth3");
	assert_int_equal(w.addrs[0].a.proto, KOBJ_RTPROT_HOSTNET);
	assert_true(w.addrs[0].a.owned);
	/* Its stack's table reaches it, and its traffic uses the table. */
	route_of(&w, 100, "198.51.100.0/24", 0, "eth3");
	route_of(&w, 100, "0.0.0.0/0", 0, "eth3");
	assert_string_equal(w.rules[1].r.oif, "eth3");
	want_clear(&w);
	tu_end(&t);
}

static void in_place_settings_land_on_the_interface(void **state)
{
	char *y = tu_replace(TU_INPLACE_PROFILE, "    services: [nfs]\n",
			     "    services: [nfs]\n    mac: \"02:00:00:00:00:33\"\n    state: down\n"
			     "    ipv6: [auto]\n");
	struct tu t;
	struct want w;
	const struct want_link *l;

	realize_yaml(&t, &w, y);
	l = link_of(&w, "eth3");
	assert_int_equal(l->manage, BIT(WANT_ATTR_MTU) | BIT(WANT_ATTR_STATE) | BIT(WANT_ATTR_MAC) |
				    BIT(WANT_ATTR_RA) | BIT(WANT_ATTR_ARP));
	assert_false(l->l.admin_up);
	assert_int_equal(l->l.accept_ra, 2);
	assert_int_equal(l->l.autoconf, 1);
	/* Not the default stack: no default route from an RA. */
	assert_int_equal(l->l.accept_ra_defrtr, 0);
	want_clear(&w);
	tu_end(&t);
	free(y);
	/* Shaping on the switch's bridge is a tbf root qdisc on the bridge. */
	y = tu_replace(TU_INPLACE_PROFILE, "    services: [management]\n",
		       "    services: [management]\n    shaping: {average: 1gbit, burst: 100kb}\n");
	realize_yaml(&t, &w, y);
	l = link_of(&w, "vmbr0");
	assert_int_equal(l->manage, MANAGE_OWNED | BIT(WANT_ATTR_RA) | BIT(WANT_ATTR_SHAPING) |
				    BIT(WANT_ATTR_ARP));
	assert_string_equal(l->l.qdisc, "tbf");
	assert_int_equal(l->l.shaping.rate, 125000000);
	assert_string_equal(l->l.alias, "hostnet:switch");
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void vlan_adapter_is_a_marked_8021q_link_over_its_switch(void **state)
{
	struct tu t;
	struct want w;
	const struct want_link *l;
	char *text;

	realize_yaml(&t, &w, TU_INPLACE_PROFILE);
	l = link_of(&w, "vmbr0.20");
	assert_int_equal(l->l.kind, KOBJ_LINK_KIND_VLAN);
	assert_string_equal(l->l.kind_name, "vlan");
	assert_string_equal(l->parent, "vmbr0");
	assert_int_equal(l->l.vlan_id, 20);
	assert_string_equal(l->l.alias, "hostnet:adapter");
	assert_true(l->l.owned);
	/* IPv6 only: no ARP, so no ARP flux settings. */
	assert_int_equal(l->manage, MANAGE_ADAPTER & ~BIT(WANT_ATTR_ARP));
	assert_true(w.needs & BIT(KOBJ_CAP_VLAN));
	assert_loc(&w.needs_loc[KOBJ_CAP_VLAN], "t.yaml:27:14");
	/* The id survives the want's JSON (saved plans, generations). */
	text = want_text(&w);
	assert_non_null(strstr(text, "\"vlan_id\":20"));
	free(text);
	want_clear(&w);
	tu_end(&t);
}

/* Over a VLAN-filtering bridge the bridge itself and its uplinks must be in
 * the VLAN adapter's VLAN, tagged. */
static void vlan_adapter_over_a_filtering_switch_is_in_its_bridges_vlans(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "adapters:\n",
			     "adapters:\n  - name: vs0.70\n    backing: vlan\n    switch: vs0\n"
			     "    vlan: 70\n    ipv4: [203.0.113.70/24]\n");
	struct tu t;
	struct want w;
	const struct want_link *l;

	realize_yaml(&t, &w, y);
	l = link_of(&w, "vs0");
	assert_true(l->vlan_filtering);
	assert_true(l->l.has_brvlan);
	assert_true(l->manage & BIT(WANT_ATTR_BRVLAN));
	assert_int_equal(l->l.brvlan.pvid, 1);
	assert_int_equal(l->l.brvlan.n, 1);
	assert_int_equal(l->l.brvlan.vids[0], 70);
	l = link_of(&w, "eth1");
	assert_int_equal(l->l.brvlan.n, 2);
	assert_int_equal(l->l.brvlan.vids[0], 10);
	assert_int_equal(l->l.brvlan.vids[1], 70);
	/* The VLANs survive the want's JSON (saved plans). */
	{
		char *text = want_text(&w);

		assert_non_null(strstr(text, "\"brvlan\""));
		assert_non_null(strstr(text, "[10,70]"));
		free(text);
	}
	want_clear(&w);
	tu_end(&t);
	free(y);
	/* Without a tagged portgroup the bridge does not filter: nothing. */
	y = tu_replace(TU_VALID_PROFILE, ", vlan: 10}", "}");
	realize_yaml(&t, &w, y);
	assert_false(link_of(&w, "vs0")->l.has_brvlan);
	assert_false(link_of(&w, "eth1")->l.has_brvlan);
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void addresses_carry_the_hostnet_protocol(void **state)
{
	struct tu t;
	struct want w;
	static const char *const expect[][2] = {
		{ "vmk0", "192.0.2.10/24" }, { "vmk0", "2001:db8::10/64" },
		{ "vmk1", "198.51.100.10/24" },
	};

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	assert_int_equal(w.n_addrs, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(w.addrs[i].dev, expect[i][0]);
		assert_addr(&w.addrs[i].a.addr, expect[i][1]);
		assert_int_equal(w.addrs[i].a.proto, KOBJ_RTPROT_HOSTNET);
		assert_true(w.addrs[i].a.owned);
	}
	assert_loc(&w.addrs[1].loc, "t.yaml:24:12");
	want_clear(&w);
	tu_end(&t);
}

static void table_stack_gets_connected_routes_in_its_table(void **state)
{
	struct tu t;
	struct want w;
	const struct want_route *r;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	r = route_of(&w, 100, "198.51.100.0/24", 0, "vmk1");
	assert_int_equal(r->r.family, AF_INET);
	assert_int_equal(r->r.scope, RT_SCOPE_LINK);
	assert_int_equal(r->r.type, RTN_UNICAST);
	assert_int_equal(r->r.protocol, KOBJ_RTPROT_HOSTNET);
	assert_true(r->r.owned);
	assert_addr(&r->r.gateway, NULL);
	/* No preferred source: the "from" rule pins it. */
	assert_addr(&r->r.prefsrc, NULL);
	assert_loc(&r->loc, "t.yaml:30:12");
	/* Four in table 100: connected, gateway, and the two unreachables. */
	assert_int_equal(routes_in(&w, 100), 4);
	want_clear(&w);
	tu_end(&t);
}

static void table_stack_ipv6_connected_route_is_global_with_metric_1024(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "    ipv4: [198.51.100.10/24]\n",
			     "    ipv4: [198.51.100.10/24]\n    ipv6: [\"2001:db8:100::10/64\"]\n");
	struct tu t;
	struct want w;
	const struct want_route *r;

	realize_yaml(&t, &w, y);
	r = route_of(&w, 100, "2001:db8:100::/64", 1024, "vmk1");
	assert_int_equal(r->r.family, AF_INET6);
	assert_int_equal(r->r.scope, RT_SCOPE_UNIVERSE);
	assert_addr(&r->r.prefsrc, NULL);
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void table_stack_rules_select_its_table_by_source_and_oif(void **state)
{
	struct tu t;
	struct want w;
	const struct want_rule *r;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	assert_int_equal(w.n_rules, 2);
	/* Sorted by family, then priority. */
	r = &w.rules[0];
	assert_int_equal(r->r.family, AF_INET);
	assert_int_equal(r->r.priority, REALIZE_RULE_PRIO_FROM);
	assert_int_equal(r->r.priority, 10000);
	assert_addr(&r->r.src, "198.51.100.10/32");
	assert_addr(&r->r.dst, NULL);
	assert_string_equal(r->r.oif, "");
	assert_string_equal(r->r.iif, "");
	assert_int_equal(r->r.table, 100);
	assert_int_equal(r->r.action, FR_ACT_TO_TBL);
	assert_int_equal(r->r.protocol, KOBJ_RTPROT_HOSTNET);
	assert_true(r->r.owned);
	assert_loc(&r->loc, "t.yaml:30:12");
	r = &w.rules[1];
	assert_int_equal(r->r.family, AF_INET);
	assert_int_equal(r->r.priority, 10001);
	assert_addr(&r->r.src, NULL);
	assert_string_equal(r->r.oif, "vmk1");
	assert_int_equal(r->r.table, 100);
	assert_int_equal(r->r.action, FR_ACT_TO_TBL);
	assert_loc(&r->loc, "t.yaml:25:11");
	want_clear(&w);
	tu_end(&t);
}

static void table_stack_ipv6_rules_are_ipv6_and_per_family(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "    ipv4: [198.51.100.10/24]\n",
			     "    ipv4: [198.51.100.10/24]\n    ipv6: [\"2001:db8:100::10/64\"]\n");
	struct tu t;
	struct want w;

	realize_yaml(&t, &w, y);
	assert_int_equal(w.n_rules, 4);
	/* AF_INET (2) sorts before AF_INET6 (10). */
	assert_int_equal(w.rules[2].r.family, AF_INET6);
	assert_int_equal(w.rules[2].r.priority, 10000);
	assert_addr(&w.rules[2].r.src, "2001:db8:100::10/128");
	assert_int_equal(w.rules[3].r.family, AF_INET6);
	assert_int_equal(w.rules[3].r.priority, 10001);
	assert_string_equal(w.rules[3].r.oif, "vmk1");
	assert_int_equal(w.rules[3].r.table, 100);
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void ipv6_only_adapter_on_a_table_stack_gets_no_ipv4_oif_rule(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE,
			     "    ipv4: [198.51.100.10/24]\n",
			     "    ipv6: [\"2001:db8:100::10/64\"]\n");
	char *y2 = tu_replace(y, "gateway: {ipv4: 198.51.100.1}", "gateway: {ipv6: \"2001:db8:100::1\"}");
	struct tu t;
	struct want w;

	realize_yaml(&t, &w, y2);
	assert_int_equal(w.n_rules, 2);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(w.rules[i].r.family, AF_INET6);
	assert_int_equal(w.rules[1].r.priority, 10001);
	want_clear(&w);
	tu_end(&t);
	free(y2);
	free(y);
}

static void table_stack_gateway_route_leaves_by_the_adapter_holding_it(void **state)
{
	struct tu t;
	struct want w;
	const struct want_route *r;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	r = route_of(&w, 100, "0.0.0.0/0", 0, "vmk1");
	assert_addr(&r->r.gateway, "198.51.100.1");
	assert_int_equal(r->r.scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(r->r.type, RTN_UNICAST);
	assert_int_equal(r->r.protocol, KOBJ_RTPROT_HOSTNET);
	assert_loc(&r->loc, "t.yaml:17:21");
	want_clear(&w);
	tu_end(&t);
}

static void table_stack_ends_in_unreachable_defaults_at_the_last_metric(void **state)
{
	struct tu t;
	struct want w;
	const struct want_route *r;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	r = route_of(&w, 100, "0.0.0.0/0", UINT32_MAX, "");
	assert_int_equal(r->r.type, RTN_UNREACHABLE);
	assert_int_equal(r->r.family, AF_INET);
	assert_addr(&r->r.gateway, NULL);
	assert_int_equal(r->r.protocol, KOBJ_RTPROT_HOSTNET);
	assert_loc(&r->loc, "t.yaml:15:11");
	/* The kernel binds IPv6 unreachables to lo. */
	r = route_of(&w, 100, "::/0", UINT32_MAX, "lo");
	assert_int_equal(r->r.type, RTN_UNREACHABLE);
	assert_int_equal(r->r.family, AF_INET6);
	want_clear(&w);
	tu_end(&t);
}

static void default_stack_gateway_goes_in_the_main_table(void **state)
{
	struct tu t;
	struct want w;
	const struct want_route *r;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	r = route_of(&w, 254, "0.0.0.0/0", 0, "vmk0");
	assert_addr(&r->r.gateway, "192.0.2.1");
	assert_int_equal(r->r.type, RTN_UNICAST);
	/* IPv6 routes without a metric get the kernel's 1024. */
	r = route_of(&w, 254, "::/0", 1024, "vmk0");
	assert_addr(&r->r.gateway, "2001:db8::1");
	/* No connected routes and no unreachable in main: the kernel's own. */
	assert_int_equal(routes_in(&w, 254), 3);
	assert_int_equal(w.n_routes, 7);
	assert_int_equal(w.tables_n, 2);
	assert_int_equal(w.tables[0], 100);
	assert_int_equal(w.tables[1], 254);
	assert_true(want_manages_table(&w, 100));
	assert_true(want_manages_table(&w, 254));
	assert_false(want_manages_table(&w, 200));
	want_clear(&w);
	tu_end(&t);
}

static void profile_routes_land_in_their_stack_table(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "metric: 100}\n",
			     "metric: 100}\n"
			     "  - {to: 203.0.113.128/25, via: 198.51.100.254, stack: vmotion}\n"
			     "  - {to: 203.0.113.0/25, adapter: vmk1, stack: vmotion}\n");
	struct tu t;
	struct want w;
	const struct want_route *r;

	realize_yaml(&t, &w, y);
	r = route_of(&w, 254, "203.0.113.0/24", 100, "vmk0");
	assert_addr(&r->r.gateway, "192.0.2.254");
	assert_int_equal(r->r.scope, RT_SCOPE_UNIVERSE);
	assert_loc(&r->loc, "t.yaml:32:5");
	r = route_of(&w, 100, "203.0.113.128/25", 0, "vmk1");
	assert_addr(&r->r.gateway, "198.51.100.254");
	/* A route without a gateway is on the adapter's link. */
	r = route_of(&w, 100, "203.0.113.0/25", 0, "vmk1");
	assert_addr(&r->r.gateway, NULL);
	assert_int_equal(r->r.scope, RT_SCOPE_LINK);
	assert_int_equal(routes_in(&w, 100), 6);
	want_clear(&w);
	tu_end(&t);
	free(y);
}

static void vrf_stack_gets_its_routes_but_no_rules_and_no_connected_routes(void **state)
{
	struct tu t;
	struct want w;
	const struct want_route *r;

	realize_yaml(&t, &w, TU_VRF_PROFILE);
	assert_int_equal(w.n_rules, 0);
	/* The profile's route and the VRF table's unreachable defaults (the
	 * kernel's VRF documentation asks for them: no fall-through). */
	assert_int_equal(routes_in(&w, 200), 3);
	r = route_of(&w, 200, "0.0.0.0/0", UINT32_MAX, "");
	assert_int_equal(r->r.type, RTN_UNREACHABLE);
	r = route_of(&w, 200, "2001:db8:23::/64", 1024, "vmk2");
	assert_addr(&r->r.gateway, "2001:db8:21::1");
	assert_int_equal(r->r.scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(w.tables_n, 2);
	assert_int_equal(w.tables[0], 200);
	assert_int_equal(w.tables[1], 254);
	want_clear(&w);
	tu_end(&t);
}

/* --- kernel capabilities ------------------------------------------------- */

static void needs_record_what_the_kernel_must_do_and_where(void **state)
{
	struct tu t;
	struct want w;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	assert_int_equal(w.needs, BIT(KOBJ_CAP_VETH) | BIT(KOBJ_CAP_BRIDGE) |
			 BIT(KOBJ_CAP_BRIDGE_VLAN_FILTERING));
	assert_loc(&w.needs_loc[KOBJ_CAP_BRIDGE_VLAN_FILTERING], "t.yaml:10:43");
	assert_loc(&w.needs_loc[KOBJ_CAP_BRIDGE], "t.yaml:8:12");
	assert_loc(&w.needs_loc[KOBJ_CAP_VETH], "t.yaml:19:11");
	want_clear(&w);
	tu_end(&t);
}

static void missing_vlan_filtering_is_one_error_at_the_vlan_line(void **state)
{
	struct tu t;
	struct want w;
	struct diag_list d = { 0 };
	uint32_t all = BIT(KOBJ_CAP__MAX) - 1;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	assert_int_equal(realize_check_caps(&w, all, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(realize_check_caps(&w, all & ~BIT(KOBJ_CAP_BRIDGE_VLAN_FILTERING), &d),
			 -EOPNOTSUPP);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.n_errors, 1);
	assert_true(tu_has_diag(&d, "t.yaml:10:43: error: a portgroup VLAN needs bridge VLAN "
				"filtering (bridge-vlan-filtering), which this kernel lacks; "
				"nothing was changed"));
	diag_list_clear(&d);
	want_clear(&w);
	tu_end(&t);
}

static void each_missing_capability_is_one_error(void **state)
{
	struct tu t;
	struct want w;
	struct diag_list d = { 0 };

	realize_yaml(&t, &w, TU_VRF_PROFILE);
	/* A kernel with nothing: veth, bridge, macvlan, vrf, vlan filtering. */
	assert_int_equal(realize_check_caps(&w, 0, &d), -EOPNOTSUPP);
	assert_int_equal(d.n_errors, 5);
	assert_true(tu_has_diag(&d, "t.yaml:18:16: error: isolation: vrf needs VRF support (vrf), "
				"which this kernel lacks; nothing was changed"));
	assert_true(tu_has_diag(&d, "t.yaml:31:14: error: a macvlan adapter needs macvlan "
				"(macvlan), which this kernel lacks; nothing was changed"));
	assert_true(tu_has_diag(&d, "t.yaml:12:36: error: a portgroup VLAN needs bridge VLAN "
				"filtering (bridge-vlan-filtering), which this kernel lacks; "
				"nothing was changed"));
	assert_true(tu_has_diag(&d, "t.yaml:9:12: error: a switch needs Linux bridges (bridge), "
				"which this kernel lacks; nothing was changed"));
	assert_true(tu_has_diag(&d, "t.yaml:20:11: error: a veth adapter needs veth pairs (veth), "
				"which this kernel lacks; nothing was changed"));
	diag_list_clear(&d);
	want_clear(&w);
	tu_end(&t);
}

/* --- canonical order ----------------------------------------------------- */

static void reverse(void *v, size_t n, size_t size)
{
	char tmp[1024], *p = v;

	assert_true(size <= sizeof(tmp));
	for (size_t i = 0; n && i < n / 2; i++) {
		memcpy(tmp, p + i * size, size);
		memcpy(p + i * size, p + (n - 1 - i) * size, size);
		memcpy(p + (n - 1 - i) * size, tmp, size);
	}
}

static void reverse_addrv(struct profile_addrv *v)
{
	reverse(v->v, v->n, sizeof(*v->v));
	reverse(v->loc, v->n, sizeof(*v->loc));
}

/* Every list of the profile in the other order; locations stay with their
 * entries, so only the order differs. */
static void reverse_profile(struct profile *p)
{
	reverse(p->uplinks, p->n_uplinks, sizeof(*p->uplinks));
	reverse(p->switches, p->n_switches, sizeof(*p->switches));
	for (size_t i = 0; i < p->n_switches; i++) {
		reverse(p->switches[i].uplinks.v, p->switches[i].uplinks.n, sizeof(char *));
		reverse(p->switches[i].uplinks.loc, p->switches[i].uplinks.n, sizeof(struct hn_loc));
	}
	reverse(p->portgroups, p->n_portgroups, sizeof(*p->portgroups));
	reverse(p->stacks, p->n_stacks, sizeof(*p->stacks));
	reverse(p->adapters, p->n_adapters, sizeof(*p->adapters));
	for (size_t i = 0; i < p->n_adapters; i++) {
		reverse_addrv(&p->adapters[i].ipv4);
		reverse_addrv(&p->adapters[i].ipv6);
	}
	reverse(p->routes, p->n_routes, sizeof(*p->routes));
}

/* The want as text, without the locations of its needs: a need names the
 * first entry in profile order that needs it (the first veth adapter...),
 * so it follows the order of the lists, as it should. */
static char *want_text_but_needs_at(const struct want *w)
{
	json_t *j = want_to_json(w), *v;
	size_t i;
	char *s;

	assert_non_null(j);
	json_array_foreach(json_object_get(j, "needs"), i, v)
		assert_int_equal(json_object_del(v, "at"), 0);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(s);
	return s;
}

static void check_reversed_is_identical(const char *yaml)
{
	struct tu t;
	struct want a, b;
	char *x, *y;

	realize_yaml(&t, &a, yaml);
	x = want_text_but_needs_at(&a);
	reverse_profile(t.p);
	assert_int_equal(realize_profile(&b, t.p), 0);
	y = want_text_but_needs_at(&b);
	assert_string_equal(x, y);
	assert_int_equal(a.needs, b.needs);
	/* The arrays themselves, not just their text: strictly sorted. */
	assert_int_equal(a.n_links, b.n_links);
	for (size_t i = 0; i < a.n_links; i++)
		assert_string_equal(a.links[i].l.name, b.links[i].l.name);
	for (size_t i = 0; i + 1 < a.n_links; i++)
		assert_true(strcmp(a.links[i].l.name, a.links[i + 1].l.name) < 0);
	for (size_t i = 0; i + 1 < a.n_routes; i++)
		assert_true(want_cmp_route(&a.routes[i], &a.routes[i + 1]) < 0);
	for (size_t i = 0; i + 1 < a.n_rules; i++)
		assert_true(want_cmp_rule(&a.rules[i], &a.rules[i + 1]) < 0);
	for (size_t i = 0; i + 1 < a.n_addrs; i++)
		assert_true(want_cmp_addr(&a.addrs[i], &a.addrs[i + 1]) < 0);
	free(x);
	free(y);
	want_clear(&a);
	want_clear(&b);
	tu_end(&t);
}

/* Every list with two entries or more: a second address of each family per
 * adapter (in other subnets), a second stack route. */
static void arrays_come_out_in_canonical_order_whatever_the_profile_order(void **state)
{
	char *y1 = tu_replace(TU_VALID_PROFILE, "ipv4: [192.0.2.10/24]",
			      "ipv4: [192.0.2.10/24, 192.0.2.11/24]");
	char *y2 = tu_replace(y1, "ipv6: [\"2001:db8::10/64\"]",
			      "ipv6: [\"2001:db8::10/64\", \"2001:db8::11/64\"]");
	char *y3 = tu_replace(y2, "    ipv4: [198.51.100.10/24]\n",
			      "    ipv4: [198.51.100.10/24, 198.51.101.10/24]\n"
			      "    ipv6: [\"2001:db8:100::10/64\"]\n");
	char *y4 = tu_replace(y3, "metric: 100}\n", "metric: 100}\n"
			      "  - {to: 203.0.113.128/25, via: 198.51.100.254, stack: vmotion}\n");

	check_reversed_is_identical(y4);
	check_reversed_is_identical(TU_VRF_PROFILE);
	free(y4);
	free(y3);
	free(y2);
	free(y1);
}

static void a_need_names_the_first_entry_that_needs_it(void **state)
{
	struct tu t;
	struct want w;

	realize_yaml(&t, &w, TU_VALID_PROFILE);
	assert_loc(&w.needs_loc[KOBJ_CAP_VETH], "t.yaml:19:11");
	want_clear(&w);
	reverse_profile(t.p);
	assert_int_equal(realize_profile(&w, t.p), 0);
	assert_loc(&w.needs_loc[KOBJ_CAP_VETH], "t.yaml:25:11");
	want_clear(&w);
	tu_end(&t);
}

static void addresses_in_one_subnet_share_one_connected_route(void **state)
{
	char *y = tu_replace(TU_VALID_PROFILE, "    ipv4: [198.51.100.10/24]\n",
			     "    ipv4: [198.51.100.10/24, 198.51.100.11/24]\n"
			     "    ipv6: [\"2001:db8:100::10/64\", \"2001:db8:100::11/64\"]\n");
	struct tu t;
	struct want w;
	size_t connected = 0;

	realize_yaml(&t, &w, y);
	for (size_t i = 0; i < w.n_routes; i++) {
		const struct want_route *r = &w.routes[i];

		if (r->r.table == 100 && r->r.dst.prefixlen && !r->r.gateway.family)
			connected++;
	}
	/* One per subnet: a second of the same key is refused (EEXIST). */
	assert_int_equal(connected, 2);
	assert_loc(&route_of(&w, 100, "198.51.100.0/24", 0, "vmk1")->loc, "t.yaml:30:12");
	assert_loc(&route_of(&w, 100, "2001:db8:100::/64", 1024, "vmk1")->loc, "t.yaml:31:12");
	for (size_t i = 0; i + 1 < w.n_routes; i++)
		assert_true(want_cmp_route(&w.routes[i], &w.routes[i + 1]) < 0);
	/* Each address still has its "from" rule, each family one oif rule. */
	assert_int_equal(w.n_rules, 6);
	assert_addr(&w.rules[0].r.src, "198.51.100.10/32");
	assert_addr(&w.rules[1].r.src, "198.51.100.11/32");
	want_clear(&w);
	tu_end(&t);
	free(y);
}

/* Drops every "at" member: lines move when the YAML is reordered. */
static void strip_locations(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_del(j, "at");
		json_object_foreach(j, k, v)
			strip_locations(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			strip_locations(v);
	}
}

static char *want_text_without_locations(const char *yaml)
{
	struct tu t;
	struct want w;
	json_t *j;
	char *s;

	realize_yaml(&t, &w, yaml);
	j = want_to_json(&w);
	assert_non_null(j);
	strip_locations(j);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(s);
	json_decref(j);
	want_clear(&w);
	tu_end(&t);
	return s;
}

static void reordered_yaml_realizes_to_the_same_objects(void **state)
{
	static const char *const reordered =
		"apiVersion: hostnet/v1\n"
		"kind: HostProfile\n"
		"host: esx01\n"
		"routes:\n"
		"  - {to: 203.0.113.0/24, via: 192.0.2.254, metric: 100}\n"
		"adapters:\n"
		"  - name: vmk1\n"
		"    mtu: 9000\n"
		"    stack: vmotion\n"
		"    ipv4: [198.51.100.10/24]\n"
		"    services: [vmotion]\n"
		"    portgroup: vMotion\n"
		"  - name: vmk0\n"
		"    ipv6: [\"2001:db8::10/64\"]\n"
		"    ipv4: [192.0.2.10/24]\n"
		"    mtu: 1500\n"
		"    services: [management]\n"
		"    portgroup: Management\n"
		"stacks:\n"
		"  - name: vmotion\n"
		"    gateway: {ipv4: 198.51.100.1}\n"
		"    table: 100\n"
		"  - name: default\n"
		"    gateway: {ipv6: \"2001:db8::1\", ipv4: 192.0.2.1}\n"
		"portgroups:\n"
		"  - {name: vMotion, switch: vs0}\n"
		"  - {vlan: 10, switch: vs0, name: Management}\n"
		"switches:\n"
		"  - {uplinks: [eth2, eth1], name: vs0, mtu: 9000}\n"
		"uplinks:\n"
		"  - {name: eth2, mtu: 9000}\n"
		"  - {name: eth1, mtu: 9000}\n";
	char *a = want_text_without_locations(TU_VALID_PROFILE);
	char *b = want_text_without_locations(reordered);

	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void realizing_twice_gives_the_same_want(void **state)
{
	struct tu t;
	struct want a, b;
	char *x, *y;

	realize_yaml(&t, &a, TU_VRF_PROFILE);
	assert_int_equal(realize_profile(&b, t.p), 0);
	x = want_text(&a);
	y = want_text(&b);
	assert_string_equal(x, y);
	free(x);
	free(y);
	want_clear(&a);
	want_clear(&b);
	/* want_clear leaves an empty want and takes NULL. */
	assert_int_equal(a.n_links, 0);
	assert_null(a.links);
	want_clear(NULL);
	tu_end(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(switch_becomes_a_marked_bridge_with_its_mtu),
		cmocka_unit_test(switch_without_vlan_portgroups_does_not_filter_vlans),
		cmocka_unit_test(uplinks_are_foreign_with_master_mtu_and_state_managed),
		cmocka_unit_test(uplink_mtu_defaults_to_its_switch_mtu),
		cmocka_unit_test(uplink_outside_switches_without_mtu_or_state_is_not_managed),
		cmocka_unit_test(uplink_state_down_is_managed_down),
		cmocka_unit_test(veth_adapter_is_two_marked_links_with_the_port_on_the_bridge),
		cmocka_unit_test(adapter_services_are_listed_in_enum_order),
		cmocka_unit_test(adapter_state_down_and_fixed_mac_are_managed),
		cmocka_unit_test(macvlan_adapter_is_bridge_mode_on_its_uplink),
		cmocka_unit_test(vrf_stack_is_a_vrf_link_bound_to_its_table),
		cmocka_unit_test(addresses_carry_the_hostnet_protocol),
		cmocka_unit_test(table_stack_gets_connected_routes_in_its_table),
		cmocka_unit_test(table_stack_ipv6_connected_route_is_global_with_metric_1024),
		cmocka_unit_test(table_stack_rules_select_its_table_by_source_and_oif),
		cmocka_unit_test(table_stack_ipv6_rules_are_ipv6_and_per_family),
		cmocka_unit_test(ipv6_only_adapter_on_a_table_stack_gets_no_ipv4_oif_rule),
		cmocka_unit_test(table_stack_gateway_route_leaves_by_the_adapter_holding_it),
		cmocka_unit_test(table_stack_ends_in_unreachable_defaults_at_the_last_metric),
		cmocka_unit_test(default_stack_gateway_goes_in_the_main_table),
		cmocka_unit_test(profile_routes_land_in_their_stack_table),
		cmocka_unit_test(vrf_stack_gets_its_routes_but_no_rules_and_no_connected_routes),
		cmocka_unit_test(needs_record_what_the_kernel_must_do_and_where),
		cmocka_unit_test(missing_vlan_filtering_is_one_error_at_the_vlan_line),
		cmocka_unit_test(each_missing_capability_is_one_error),
		cmocka_unit_test(addresses_in_one_subnet_share_one_connected_route),
		cmocka_unit_test(arrays_come_out_in_canonical_order_whatever_the_profile_order),
		cmocka_unit_test(a_need_names_the_first_entry_that_needs_it),
		cmocka_unit_test(reordered_yaml_realizes_to_the_same_objects),
		cmocka_unit_test(realizing_twice_gives_the_same_want),
		cmocka_unit_test(switch_backed_adapter_puts_its_address_on_the_bridge),
		cmocka_unit_test(uplink_backed_adapter_marks_nothing_on_the_nic),
		cmocka_unit_test(in_place_settings_land_on_the_interface),
		cmocka_unit_test(vlan_adapter_is_a_marked_8021q_link_over_its_switch),
		cmocka_unit_test(vlan_adapter_over_a_filtering_switch_is_in_its_bridges_vlans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
