/* diff.c, diff-net.c, diff-observed.c: the actions that make the kernel's
 * objects (a hand-built kobj_set, as observe would report it) match a
 * realized profile, in the order apply runs them.  Pure: no netlink. */
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <sys/socket.h>

#include <jansson.h>

#include "testutil.h"
#include "testhost.h"

#include "diff-private.h"
#include "diff.h"
#include "kobj.h"
#include "realize.h"
#include "want-json.h"

#define BIT(a) (1u << (a))

/* What the kernel has besides hostnet's objects: a NIC outside the
 * profile, a link-local address, kernel and DHCP routes, the default rules. */
static void add_foreign_extras(struct kobj_set *s)
{
	struct kobj_addr ll = { .ifindex = index_of(s, "vmk0"), .addr = ip("fe80::1/64"),
				.scope = RT_SCOPE_LINK, .proto = 0, .owned = false };
	struct kobj_route kernel = { .family = AF_INET, .table = 254, .dst = ip("192.0.2.0/24"),
				     .oif = index_of(s, "vmk0"), .protocol = RTPROT_KERNEL,
				     .scope = RT_SCOPE_LINK, .type = RTN_UNICAST };
	struct kobj_route local = { .family = AF_INET, .table = 255, .dst = ip("192.0.2.10/32"),
				    .oif = index_of(s, "vmk0"), .protocol = RTPROT_KERNEL,
				    .scope = RT_SCOPE_HOST, .type = RTN_LOCAL };
	struct kobj_route other = { .family = AF_INET, .table = 254, .dst = ip("10.0.0.0/8"),
				    .gateway = ip("192.0.2.250"), .oif = index_of(s, "vmk0"),
				    .protocol = RTPROT_BOOT, .type = RTN_UNICAST };
	struct kobj_rule main_rule = { .family = AF_INET, .priority = 32766, .table = 254,
				       .action = FR_ACT_TO_TBL, .protocol = RTPROT_KERNEL };

	add_nic(s, "eth7", 7);
	assert_int_equal(kobj_set_add_addr(s, &ll), 0);
	assert_int_equal(kobj_set_add_route(s, &kernel), 0);
	assert_int_equal(kobj_set_add_route(s, &local), 0);
	assert_int_equal(kobj_set_add_route(s, &other), 0);
	assert_int_equal(kobj_set_add_rule(s, &main_rule), 0);
}

/* One line per action, enough to tell every action of these tests apart. */
static const char *act_str(const struct diff *d, const struct diff_action *a, char *buf, size_t size)
{
	const char *op = diff_op_name(a->op);
	char x[ADDR_STRLEN], y[ADDR_STRLEN];

	switch (a->obj) {
	case DIFF_OBJ_LINK: {
		const struct want_link *l = diff_action_link(d, a);

		snprintf(buf, size, "%s link %s", op, l->l.name);
		break;
	}
	case DIFF_OBJ_ADDR: {
		const struct want_addr *l = diff_action_addr(d, a);

		snprintf(buf, size, "%s address %s on %s", op,
			 addr_format(&l->a.addr, true, x, sizeof(x)), l->dev);
		break;
	}
	case DIFF_OBJ_ROUTE: {
		const struct want_route *r = diff_action_route(d, a);

		snprintf(buf, size, "%s route %s%s%s%s table %u metric %u dev %s", op,
			 r->r.type == RTN_UNREACHABLE ? "unreachable " : "",
			 addr_format(&r->r.dst, true, x, sizeof(x)), r->r.gateway.family ? " via " : "",
			 r->r.gateway.family ? addr_format(&r->r.gateway, false, y, sizeof(y)) : "",
			 r->r.table, r->r.metric, r->dev[0] ? r->dev : "-");
		break;
	}
	case DIFF_OBJ_RULE: {
		const struct want_rule *r = diff_action_rule(d, a);

		snprintf(buf, size, "%s rule %s %u %s%s lookup %u", op,
			 r->r.family == AF_INET6 ? "ipv6" : "ipv4", r->r.priority,
			 r->r.src.family ? addr_format(&r->r.src, true, x, sizeof(x)) : "oif ",
			 r->r.src.family ? "" : r->r.oif, r->r.table);
		break;
	}
	case DIFF_OBJ_ISCSI:
		snprintf(buf, size, "%s iscsi-iface %s", op, diff_action_iscsi(d, a)->l.name);
		break;
	case DIFF_OBJ_FIREWALL:
		snprintf(buf, size, "%s firewall", op);
		break;
	case DIFF_OBJ__MAX:
		snprintf(buf, size, "?");
		break;
	}
	return buf;
}

static void print_actions(const struct diff *d)
{
	char buf[256];

	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "#   [%zu] step %u: %s\n", i, d->v[i].step,
			act_str(d, &d->v[i], buf, sizeof(buf)));
}

static void assert_actions(const struct diff *d, const char *const *expect, size_t n)
{
	char buf[256];

	if (d->n != n)
		print_actions(d);
	assert_int_equal(d->n, n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(act_str(d, &d->v[i], buf, sizeof(buf)), expect[i]) != 0)
			print_actions(d);
		assert_string_equal(act_str(d, &d->v[i], buf, sizeof(buf)), expect[i]);
	}
	/* The steps never go back. */
	for (size_t i = 1; i < d->n; i++)
		assert_true(d->v[i - 1].step <= d->v[i].step);
}

#define ASSERT_ACTIONS(d, ...) do {						\
		static const char *const e_[] = { __VA_ARGS__ };		\
		assert_actions((d), e_, sizeof(e_) / sizeof(*e_));		\
	} while (0)

/* The link actions alone. */
static size_t link_actions(const struct diff *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].obj == DIFF_OBJ_LINK;
	return n;
}

static const struct diff_action *find_action(const struct diff *d, const char *what)
{
	char buf[256];

	for (size_t i = 0; i < d->n; i++)
		if (strcmp(act_str(d, &d->v[i], buf, sizeof(buf)), what) == 0)
			return &d->v[i];
	print_actions(d);
	fail_msg("no action '%s'", what);
	return NULL;
}

/* --- creation order ------------------------------------------------------ */

static void names_of_ops_and_objects(void **state)
{
	assert_string_equal(diff_op_name(DIFF_OP_CREATE), "create");
	assert_string_equal(diff_op_name(DIFF_OP_MODIFY), "modify");
	assert_string_equal(diff_op_name(DIFF_OP_DELETE), "delete");
	assert_string_equal(diff_op_name(DIFF_OP__MAX), "?");
	assert_string_equal(diff_obj_name(DIFF_OBJ_LINK), "link");
	assert_string_equal(diff_obj_name(DIFF_OBJ_ADDR), "address");
	assert_string_equal(diff_obj_name(DIFF_OBJ_ROUTE), "route");
	assert_string_equal(diff_obj_name(DIFF_OBJ_RULE), "rule");
	assert_string_equal(diff_obj_name(DIFF_OBJ__MAX), "?");
}

static void bare_host_gets_creations_in_dependency_order(void **state)
{
	struct fx f;

	fx_realize(&f, TU_VALID_PROFILE);
	add_lo(&f.have);
	add_nic(&f.have, "eth1", 2);
	add_nic(&f.have, "eth2", 3);
	assert_int_equal(compute(&f), 0);
	assert_int_equal(f.diags.n, 0);
	ASSERT_ACTIONS(&f.d,
		       "create link vs0",
		       /* The uplinks join the new bridge, with its MTU, before
			* any adapter (one on a NIC needs it ready). */
		       "modify link eth1",
		       "modify link eth2",
		       /* Ports before adapters: the pair is made once, from the
			* port, whose master exists by then. */
		       "create link vmk0p",
		       "create link vmk1p",
		       "create link vmk0",
		       "create link vmk1",
		       "create address 192.0.2.10/24 on vmk0",
		       "create address 2001:db8::10/64 on vmk0",
		       "create address 198.51.100.10/24 on vmk1",
		       "create rule ipv4 10000 198.51.100.10/32 lookup 100",
		       "create rule ipv4 10001 oif vmk1 lookup 100",
		       /* Connected (scope link) first: the gateway must be
			* reachable in its table. */
		       "create route 198.51.100.0/24 table 100 metric 0 dev vmk1",
		       "create route 0.0.0.0/0 via 198.51.100.1 table 100 metric 0 dev vmk1",
		       "create route unreachable 0.0.0.0/0 table 100 metric 4294967295 dev -",
		       "create route unreachable ::/0 table 100 metric 4294967295 dev lo",
		       "create route 0.0.0.0/0 via 192.0.2.1 table 254 metric 0 dev vmk0",
		       "create route 203.0.113.0/24 via 192.0.2.254 table 254 metric 100 dev vmk0",
		       "create route ::/0 via 2001:db8::1 table 254 metric 1024 dev vmk0");
	assert_int_equal(f.d.n_create, 17);
	assert_int_equal(f.d.n_modify, 2);
	assert_int_equal(f.d.n_delete, 0);
	assert_int_equal(f.d.v[0].step, DIFF_STEP_NEW_BRIDGE);
	assert_int_equal(f.d.v[1].step, DIFF_STEP_MOD_UPLINK);
	assert_int_equal(f.d.v[3].step, DIFF_STEP_NEW_ADAPTER);
	assert_int_equal(f.d.v[7].step, DIFF_STEP_NEW_ADDR);
	assert_int_equal(f.d.v[10].step, DIFF_STEP_NEW_RULE);
	assert_int_equal(f.d.v[12].step, DIFF_STEP_NEW_ROUTE);
	/* Creations carry the object and the line it comes from. */
	assert_false(f.d.v[0].replace);
	assert_string_equal(diff_action_to_link(&f.d, &f.d.v[0])->l.alias, "hostnet:switch");
	assert_string_equal(diff_action_loc(&f.d, &f.d.v[0])->file, "t.yaml");
	assert_int_equal(diff_action_loc(&f.d, &f.d.v[0])->line, 8);
	assert_int_equal(diff_action_loc(&f.d, &f.d.v[0])->col, 12);
	assert_int_equal(diff_action_loc(&f.d, &f.d.v[7])->line, 23);
	assert_int_equal(diff_action_loc(&f.d, &f.d.v[12])->line, 30);
	/* An uplink: only what the profile manages, not its own alias. */
	assert_int_equal(f.d.v[1].changed, BIT(WANT_ATTR_MTU) | BIT(WANT_ATTR_STATE) |
			 BIT(WANT_ATTR_MASTER) | BIT(WANT_ATTR_BRVLAN));
	assert_int_equal(diff_action_from_link(&f.d, &f.d.v[1])->l.mtu, 1500);
	assert_int_equal(diff_action_to_link(&f.d, &f.d.v[1])->l.mtu, 9000);
	assert_string_equal(diff_action_to_link(&f.d, &f.d.v[1])->master, "vs0");
	fx_end(&f);
}

static void bare_host_with_ready_uplinks_gets_creations_only(void **state)
{
	struct fx f;

	fx_realize(&f, TU_VRF_PROFILE);
	add_lo(&f.have);
	add_nic(&f.have, "eth1", 2);
	add_nic(&f.have, "eth2", 3);
	add_nic(&f.have, "eth5", 4);
	/* Whatever the uplinks' state, a bridge that does not exist yet
	 * cannot be their master: make them masterless in the profile. */
	for (size_t i = 0; i < f.w.n_links; i++)
		if (f.w.links[i].foreign) {
			f.w.links[i].manage &= ~BIT(WANT_ATTR_MASTER);
			have_link(&f.have, f.w.links[i].l.name)->mtu = f.w.links[i].l.mtu;
			have_link(&f.have, f.w.links[i].l.name)->admin_up = true;
			have_link(&f.have, f.w.links[i].l.name)->has_brvlan = f.w.links[i].l.has_brvlan;
			have_link(&f.have, f.w.links[i].l.name)->brvlan = f.w.links[i].l.brvlan;
		}
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d,
		       "create link storage",
		       "create link vs1",
		       "create link vmk0p",
		       "create link vmk2p",
		       "create link vmk0",
		       "create link vmk2",
		       "create link vmk4",
		       "create address 192.0.2.10/24 on vmk0",
		       "create address 2001:db8:21::132/64 on vmk2",
		       "create address 203.0.113.66/26 on vmk4",
		       "create route unreachable 0.0.0.0/0 table 200 metric 4294967295 dev -",
		       "create route unreachable ::/0 table 200 metric 4294967295 dev lo",
		       "create route 2001:db8:23::/64 via 2001:db8:21::1 table 200 metric 1024 dev vmk2",
		       "create route 0.0.0.0/0 via 192.0.2.1 table 254 metric 0 dev vmk0");
	for (size_t i = 0; i < f.d.n; i++)
		assert_int_equal(f.d.v[i].op, DIFF_OP_CREATE);
	/* The VRF is made with the bridges, before the adapters it holds. */
	assert_int_equal(f.d.v[0].step, DIFF_STEP_NEW_BRIDGE);
	assert_int_equal(diff_action_to_link(&f.d, &f.d.v[0])->l.vrf_table, 200);
	assert_int_equal(f.d.n_create, 14);
	fx_end(&f);
}

/* --- idempotency, ownership ---------------------------------------------- */

static void applied_profile_diffs_to_nothing(void **state)
{
	const char *const profiles[] = { TU_VALID_PROFILE, TU_VRF_PROFILE };

	for (size_t i = 0; i < 2; i++) {
		struct fx f;

		fx_realize(&f, profiles[i]);
		observe_want(&f.have, &f.w);
		assert_int_equal(compute(&f), 0);
		if (f.d.n)
			print_actions(&f.d);
		assert_int_equal(f.d.n, 0);
		assert_int_equal(f.d.n_create + f.d.n_modify + f.d.n_delete, 0);
		assert_int_equal(f.diags.n, 0);
		fx_end(&f);
	}
}

static void foreign_objects_outside_the_profile_are_left_alone(void **state)
{
	struct fx f;
	struct kobj_rule foreign_rule = { .family = AF_INET, .priority = 10000, .table = 100,
					  .src = ip("198.51.100.99/32"), .action = FR_ACT_TO_TBL,
					  .protocol = RTPROT_BOOT };
	struct kobj_addr foreign_addr = { .addr = ip("198.51.100.99/24"), .owned = false };

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	add_foreign_extras(&f.have);
	/* An admin's rule and address next to hostnet's, and the uplink's own
	 * alias: none of them hostnet's business. */
	assert_int_equal(kobj_set_add_rule(&f.have, &foreign_rule), 0);
	foreign_addr.ifindex = index_of(&f.have, "vmk1");
	assert_int_equal(kobj_set_add_addr(&f.have, &foreign_addr), 0);
	snprintf(have_link(&f.have, "eth1")->alias, KOBJ_ALIASSIZ, "to tor1 port 12");
	have_link(&f.have, "eth1")->group = 7;
	assert_int_equal(compute(&f), 0);
	if (f.d.n)
		print_actions(&f.d);
	assert_int_equal(f.d.n, 0);
	fx_end(&f);
}

static void owned_link_not_wanted_is_pruned_foreign_is_ignored(void **state)
{
	struct fx f;
	struct kobj_link vmk9 = { .ifindex = 90, .name = "vmk9", .kind = KOBJ_LINK_KIND_VETH,
				  .group = KOBJ_LINK_GROUP, .alias = "hostnet:adapter services=nfs",
				  .owned = true, .link = 91 };
	struct kobj_link vmk9p = { .ifindex = 91, .name = "vmk9p", .kind = KOBJ_LINK_KIND_VETH,
				   .group = KOBJ_LINK_GROUP, .alias = "hostnet:port adapter=vmk9",
				   .owned = true, .link = 90 };
	struct kobj_link vs9 = { .ifindex = 92, .name = "vs9", .kind = KOBJ_LINK_KIND_BRIDGE,
				 .group = KOBJ_LINK_GROUP, .alias = "hostnet:switch", .owned = true };
	/* hostnet's group without its alias, or the other way round: not
	 * hostnet's (observe decides `owned`; the differ trusts it). */
	struct kobj_link half = { .ifindex = 93, .name = "vmk8", .kind = KOBJ_LINK_KIND_VETH,
				  .group = KOBJ_LINK_GROUP, .owned = false };
	struct kobj_link br = { .ifindex = 94, .name = "docker0", .kind = KOBJ_LINK_KIND_BRIDGE };

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	vmk9p.master = vs9.ifindex;
	assert_int_equal(kobj_set_add_link(&f.have, &vmk9), 0);
	assert_int_equal(kobj_set_add_link(&f.have, &vmk9p), 0);
	assert_int_equal(kobj_set_add_link(&f.have, &vs9), 0);
	assert_int_equal(kobj_set_add_link(&f.have, &half), 0);
	assert_int_equal(kobj_set_add_link(&f.have, &br), 0);
	add_foreign_extras(&f.have);
	assert_int_equal(compute(&f), 0);
	/* Adapters and ports first, then the bridge they were on. */
	ASSERT_ACTIONS(&f.d, "delete link vmk9", "delete link vmk9p", "delete link vs9");
	assert_int_equal(f.d.v[0].step, DIFF_STEP_DEL_ADAPTER);
	assert_int_equal(f.d.v[1].step, DIFF_STEP_DEL_ADAPTER);
	assert_int_equal(f.d.v[2].step, DIFF_STEP_DEL_BRIDGE);
	/* A prune comes from no profile line. */
	assert_null(diff_action_loc(&f.d, &f.d.v[0]));
	assert_string_equal(diff_action_from_link(&f.d, &f.d.v[1])->peer, "vmk9");
	assert_string_equal(diff_action_from_link(&f.d, &f.d.v[1])->master, "vs9");
	assert_int_equal(f.d.n_delete, 3);
	fx_end(&f);
}

static void foreign_link_of_another_kind_with_an_adapter_name_is_a_conflict(void **state)
{
	struct fx f;
	struct kobj_link *l;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk0");
	l->owned = false;
	l->group = 0;
	l->alias[0] = '\0';
	l->kind = KOBJ_LINK_KIND_DUMMY;
	assert_int_equal(compute(&f), -EEXIST);
	assert_int_equal(f.d.n, 0);
	assert_null(f.d.v);
	assert_int_equal(f.diags.n_errors, 1);
	assert_true(tu_has_diag(&f.diags, "t.yaml:19:11: error: interface 'vmk0' exists, is not "
				"hostnet's (it has no hostnet marks) and cannot be adopted: it is a "
				"dummy, not a veth; rename or remove it"));
	fx_end(&f);
}

/* A foreign veth of the profile's shape (its peer a port of the right
 * bridge) is adopted in place: marks only, its addresses with it. */
static void foreign_link_of_the_profiles_shape_is_adopted(void **state)
{
	struct fx f;
	struct kobj_link *l;
	const struct diff_action *a;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk0");
	l->owned = false;
	l->group = 0;
	l->alias[0] = '\0';
	for (size_t i = 0; i < f.have.n_addrs; i++)
		if (f.have.addrs[i].ifindex == l->ifindex) {
			f.have.addrs[i].owned = false;
			f.have.addrs[i].proto = 0;
		}
	assert_int_equal(compute(&f), 0);
	assert_true(f.d.n >= 2);
	a = &f.d.v[0];
	assert_int_equal(a->op, DIFF_OP_ADOPT);
	assert_int_equal(a->obj, DIFF_OBJ_LINK);
	assert_string_equal(diff_action_to_link(&f.d, a)->l.name, "vmk0");
	assert_int_equal(a->changed, 1u << WANT_ATTR_MARK);
	for (size_t i = 1; i < f.d.n; i++) {
		assert_int_equal(f.d.v[i].op, DIFF_OP_ADOPT);
		assert_int_equal(f.d.v[i].obj, DIFF_OBJ_ADDR);
	}
	assert_int_equal(f.d.n_adopt, f.d.n);
	assert_int_equal(f.d.n_create + f.d.n_modify + f.d.n_delete, 0);
	fx_end(&f);
}

/* Another manager's link is refused, to change or to adopt, naming the
 * manager, the link and the profile line. */
static void links_of_another_manager_are_refused_even_to_adopt(void **state)
{
	struct fx f;
	struct kobj_link *l;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk0");
	l->owned = false;
	l->group = 0;
	l->alias[0] = '\0';
	l->manager = KOBJ_MANAGER_NETWORKD;
	assert_int_equal(compute(&f), -EBUSY);
	assert_int_equal(f.d.n, 0);
	assert_int_equal(f.diags.n_errors, 1);
	assert_true(tu_has_diag(&f.diags, "t.yaml:19:11: error: interface 'vmk0' is managed by "
				"systemd-networkd; hostnet will not change it (to adopt it, not even "
				"with --adopt): first take it out of systemd-networkd's configuration"));
	fx_end(&f);
	/* Unchanged, it is no concern of hostnet's. */
	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	have_link(&f.have, "eth1")->manager = KOBJ_MANAGER_IFUPDOWN2;
	assert_int_equal(compute(&f), 0);
	assert_int_equal(f.d.n, 0);
	fx_end(&f);
}

/* The addresses of a link it adopts become hostnet's, so the plan shows
 * the ones the profile does not list going, except what a DHCP client or
 * the kernel holds there (an address with a lifetime, a link-local). */
static void adopting_a_link_shows_its_unlisted_addresses_going(void **state)
{
	struct fx f;
	struct kobj_link *l;
	struct kobj_addr extra = { .addr = ip("192.0.2.77/24"), .flags = IFA_F_PERMANENT };
	struct kobj_addr lease = { .addr = ip("192.0.2.99/24") };
	struct kobj_addr ll = { .addr = ip("fe80::7/64"), .flags = IFA_F_PERMANENT };
	size_t dels = 0;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk0");
	l->owned = false;
	l->group = 0;
	l->alias[0] = '\0';
	extra.ifindex = lease.ifindex = ll.ifindex = l->ifindex;
	assert_int_equal(kobj_set_add_addr(&f.have, &extra), 0);
	assert_int_equal(kobj_set_add_addr(&f.have, &lease), 0);
	assert_int_equal(kobj_set_add_addr(&f.have, &ll), 0);
	assert_int_equal(compute(&f), 0);
	for (size_t i = 0; i < f.d.n; i++)
		if (f.d.v[i].op == DIFF_OP_DELETE) {
			dels++;
			assert_int_equal(f.d.v[i].obj, DIFF_OBJ_ADDR);
			assert_string_equal(diff_action_from_addr(&f.d, &f.d.v[i])->dev, "vmk0");
			assert_int_equal(addr_cmp(&diff_action_from_addr(&f.d, &f.d.v[i])->a.addr,
						  &extra.addr), 0);
		}
	assert_int_equal(dels, 1);
	fx_end(&f);
}

/* Its peer a port of another bridge: adopting would rewire it. */
static void foreign_veth_whose_peer_is_elsewhere_is_a_conflict(void **state)
{
	struct fx f;
	struct kobj_link *l;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk0");
	l->owned = false;
	l->group = 0;
	l->alias[0] = '\0';
	have_link(&f.have, "vmk0p")->master = 0;
	assert_int_equal(compute(&f), -EEXIST);
	assert_int_equal(f.diags.n_errors, 1);
	assert_true(tu_has_diag(&f.diags, "t.yaml:19:11: error: interface 'vmk0' exists, is not "
				"hostnet's (it has no hostnet marks) and cannot be adopted: its peer "
				"'vmk0p' is not a port of 'vs0'; rename or remove it"));
	fx_end(&f);
}

static void missing_uplink_is_enodev_at_its_line(void **state)
{
	struct fx f;

	fx_realize(&f, TU_VALID_PROFILE);
	add_lo(&f.have);
	add_nic(&f.have, "eth1", 2);
	assert_int_equal(compute(&f), -ENODEV);
	assert_int_equal(f.d.n, 0);
	assert_int_equal(f.diags.n_errors, 1);
	assert_true(tu_has_diag(&f.diags, "t.yaml:6:12: error: uplink 'eth2' does not exist on "
				"this host"));
	fx_end(&f);
}

/* --- link changes -------------------------------------------------------- */

static void mtu_increase_goes_uplink_bridge_port_adapter(void **state)
{
	struct fx f;
	static const char *const names[] = { "eth1", "eth2", "vs0", "vmk1p", "vmk1" };

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	for (size_t i = 0; i < 5; i++)
		have_link(&f.have, names[i])->mtu = 1500;
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "modify link eth1", "modify link eth2", "modify link vs0",
		       "modify link vmk1p", "modify link vmk1");
	for (size_t i = 0; i < f.d.n; i++) {
		assert_int_equal(f.d.v[i].step, i < 2 ? DIFF_STEP_MOD_UPLINK : DIFF_STEP_MOD_LINK);
		assert_int_equal(f.d.v[i].changed, BIT(WANT_ATTR_MTU));
		assert_int_equal(diff_action_from_link(&f.d, &f.d.v[i])->l.mtu, 1500);
		assert_int_equal(diff_action_to_link(&f.d, &f.d.v[i])->l.mtu, 9000);
	}
	assert_int_equal(f.d.n_modify, 5);
	fx_end(&f);
}

static size_t action_at(const struct diff *d, const char *what)
{
	char buf[256];

	for (size_t i = 0; i < d->n; i++)
		if (strcmp(act_str(d, &d->v[i], buf, sizeof(buf)), what) == 0)
			return i;
	print_actions(d);
	fail_msg("no action \"%s\"", what);
	abort();
}

/* esx03 -> esx04 on a real kernel: a macvlan on a NIC that is still in a
 * bridge is EBUSY, on a NIC that is down ENETDOWN.  The NIC's change goes
 * first. */
static void uplink_changes_go_before_the_adapters_on_it(void **state)
{
	struct fx f;
	struct kobj_link *eth5;

	fx_realize(&f, TU_VRF_PROFILE);
	observe_want(&f.have, &f.w);
	eth5 = have_link(&f.have, "eth5");
	eth5->admin_up = false;
	eth5->master = index_of(&f.have, "vs1");
	/* vmk4, the macvlan on eth5, is not there yet. */
	snprintf(have_link(&f.have, "vmk4")->name, KOBJ_IFNAMSIZ, "old4");
	assert_int_equal(compute(&f), 0);
	size_t mod = action_at(&f.d, "modify link eth5"), add = action_at(&f.d, "create link vmk4");
	assert_true(mod < add);
	assert_int_equal(f.d.v[mod].step, DIFF_STEP_MOD_UPLINK);
	assert_int_equal(f.d.v[mod].changed, BIT(WANT_ATTR_STATE) | BIT(WANT_ATTR_MASTER));
	fx_end(&f);
}

static void mtu_decrease_goes_adapter_port_bridge_uplink(void **state)
{
	struct fx f;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	for (size_t i = 0; i < f.have.n_links; i++)
		if (strcmp(f.have.links[i].name, "lo") != 0)
			f.have.links[i].mtu = 9216;
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "modify link vmk0", "modify link vmk1", "modify link vmk0p",
		       "modify link vmk1p", "modify link vs0", "modify link eth1", "modify link eth2");
	for (size_t i = 0; i < f.d.n; i++) {
		assert_int_equal(f.d.v[i].step, DIFF_STEP_MOD_LINK_SHRINK);
		assert_int_equal(f.d.v[i].changed, BIT(WANT_ATTR_MTU));
	}
	fx_end(&f);
}

static void changed_attributes_are_flagged_one_by_one(void **state)
{
	struct fx f;
	struct kobj_link *l;
	const struct diff_action *a;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk1");
	l->admin_up = false;
	snprintf(l->alias, KOBJ_ALIASSIZ, "hostnet:adapter services=vmotion");
	l = have_link(&f.have, "vmk0p");
	l->master = 0;
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "modify link vmk0p", "modify link vmk1");
	a = find_action(&f.d, "modify link vmk0p");
	assert_int_equal(a->changed, BIT(WANT_ATTR_MASTER));
	assert_string_equal(diff_action_from_link(&f.d, a)->master, "");
	assert_string_equal(diff_action_to_link(&f.d, a)->master, "vs0");
	a = find_action(&f.d, "modify link vmk1");
	assert_int_equal(a->changed, BIT(WANT_ATTR_STATE) | BIT(WANT_ATTR_MARK));
	assert_int_equal(diff_action_loc(&f.d, a)->line, 25);
	fx_end(&f);
}

static void kind_change_is_a_delete_and_a_create_with_replace(void **state)
{
	struct fx f;
	struct kobj_link *l;
	char buf[256];

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk1");
	l->kind = KOBJ_LINK_KIND_MACVLAN;
	snprintf(l->kind_name, sizeof(l->kind_name), "macvlan");
	l->link = index_of(&f.have, "eth1");
	assert_int_equal(compute(&f), 0);
	assert_int_equal(link_actions(&f.d), 2);
	assert_string_equal(act_str(&f.d, &f.d.v[0], buf, sizeof(buf)), "delete link vmk1");
	assert_string_equal(act_str(&f.d, &f.d.v[1], buf, sizeof(buf)), "create link vmk1");
	assert_int_equal(f.d.v[0].step, DIFF_STEP_DEL_ADAPTER);
	assert_int_equal(diff_action_from_link(&f.d, &f.d.v[0])->l.kind, KOBJ_LINK_KIND_MACVLAN);
	assert_string_equal(diff_action_from_link(&f.d, &f.d.v[0])->parent, "eth1");
	assert_int_equal(f.d.v[1].step, DIFF_STEP_NEW_ADAPTER);
	assert_int_equal(diff_action_to_link(&f.d, &f.d.v[1])->l.kind, KOBJ_LINK_KIND_VETH);
	assert_true(f.d.v[1].replace);
	assert_false(f.d.v[0].replace);

	/* The kind alone (nothing else to compare on a bridge). */
	kobj_set_clear(&f.have);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vs0");
	l->kind = KOBJ_LINK_KIND_VRF;
	snprintf(l->kind_name, sizeof(l->kind_name), "vrf");
	assert_int_equal(compute(&f), 0);
	/* The bridge and its four ports, which it lets go of when it goes. */
	assert_int_equal(link_actions(&f.d), 6);
	assert_string_equal(act_str(&f.d, &f.d.v[0], buf, sizeof(buf)), "delete link vs0");
	assert_string_equal(act_str(&f.d, &f.d.v[1], buf, sizeof(buf)), "create link vs0");
	assert_int_equal(f.d.v[0].step, DIFF_STEP_DEL_BRIDGE);
	assert_int_equal(f.d.v[1].step, DIFF_STEP_NEW_BRIDGE);
	assert_true(f.d.v[1].replace);
	fx_end(&f);
}

/* What goes with a replaced link comes back in the plan itself: its
 * addresses and routes, and the ports of a replaced bridge. */
static void replaced_link_brings_back_what_went_with_it(void **state)
{
	static const char *const ports[] = { "eth1", "eth2", "vmk0p", "vmk1p" };
	struct fx f;
	struct kobj_link *l;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vs0");
	l->kind = KOBJ_LINK_KIND_VRF;
	assert_int_equal(compute(&f), 0);
	for (size_t i = 0; i < 4; i++) {
		char what[64];
		const struct diff_action *a;

		snprintf(what, sizeof(what), "modify link %s", ports[i]);
		a = find_action(&f.d, what);
		assert_int_equal(a->changed, 1u << WANT_ATTR_MASTER);
		assert_string_equal(diff_action_to_link(&f.d, a)->master, "vs0");
		assert_string_equal(diff_action_from_link(&f.d, a)->master, "");
	}
	kobj_set_clear(&f.have);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk0");
	l->kind = KOBJ_LINK_KIND_MACVLAN;
	assert_int_equal(compute(&f), 0);
	find_action(&f.d, "create link vmk0");
	find_action(&f.d, "create address 192.0.2.10/24 on vmk0");
	find_action(&f.d, "create address 2001:db8::10/64 on vmk0");
	find_action(&f.d, "create route 0.0.0.0/0 via 192.0.2.1 table 254 metric 0 dev vmk0");
	fx_end(&f);
}

static void veth_with_another_peer_is_replaced(void **state)
{
	struct fx f;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	/* vmk1's other end is in another namespace: no name for it. */
	have_link(&f.have, "vmk1")->link = 999;
	assert_int_equal(compute(&f), 0);
	/* Its address and the routes through it go with it, and come back. */
	ASSERT_ACTIONS(&f.d, "delete link vmk1", "create link vmk1",
		       "create address 198.51.100.10/24 on vmk1",
		       "create route 198.51.100.0/24 table 100 metric 0 dev vmk1",
		       "create route 0.0.0.0/0 via 198.51.100.1 table 100 metric 0 dev vmk1");
	assert_true(f.d.v[1].replace);
	fx_end(&f);
}

static void vrf_bound_to_another_table_is_replaced(void **state)
{
	struct fx f;

	fx_realize(&f, TU_VRF_PROFILE);
	observe_want(&f.have, &f.w);
	have_link(&f.have, "storage")->vrf_table = 201;
	assert_int_equal(compute(&f), 0);
	/* The adapter it held is enslaved again. */
	ASSERT_ACTIONS(&f.d, "delete link storage", "create link storage", "modify link vmk2");
	assert_int_equal(f.d.v[2].changed, BIT(WANT_ATTR_MASTER));
	assert_int_equal(diff_action_from_link(&f.d, &f.d.v[0])->l.vrf_table, 201);
	assert_int_equal(diff_action_to_link(&f.d, &f.d.v[1])->l.vrf_table, 200);
	assert_true(f.d.v[1].replace);
	fx_end(&f);
}

/* --- addresses, routes, rules -------------------------------------------- */

static void foreign_route_with_a_desired_key_is_taken_over(void **state)
{
	struct fx f;
	struct kobj_route *r = NULL;
	struct hn_addr def = ip("0.0.0.0/0");
	const struct diff_action *a;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	add_foreign_extras(&f.have);
	/* The installer's default route, where the profile wants its own. */
	for (size_t i = 0; i < f.have.n_routes; i++)
		if (f.have.routes[i].table == 254 && addr_cmp(&f.have.routes[i].dst, &def) == 0)
			r = &f.have.routes[i];
	assert_non_null(r);
	r->protocol = RTPROT_BOOT;
	r->owned = false;
	/* Another gateway: a change, as before adoption existed. */
	r->gateway = ip("192.0.2.2/32");
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "modify route 0.0.0.0/0 via 192.0.2.1 table 254 metric 0 dev vmk0");
	a = &f.d.v[0];
	assert_int_equal(a->step, DIFF_STEP_NEW_ROUTE);
	assert_int_equal(diff_action_from_route(&f.d, a)->r.protocol, RTPROT_BOOT);
	assert_int_equal(diff_action_to_route(&f.d, a)->r.protocol, KOBJ_RTPROT_HOSTNET);
	assert_int_equal(diff_action_loc(&f.d, a)->line, 14);
	assert_int_equal(f.d.n_modify, 1);
	diff_clear(&f.d);
	diag_list_clear(&f.diags);
	/* The very route but for its protocol: an adoption. */
	r->gateway = ip("192.0.2.1/32");
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "adopt route 0.0.0.0/0 via 192.0.2.1 table 254 metric 0 dev vmk0");
	assert_int_equal(f.d.n_adopt, 1);
	assert_int_equal(f.d.n_modify, 0);
	fx_end(&f);
}

/* The connected route the kernel itself puts in a VRF's table for an
 * adapter's address (proto kernel, no gateway) is nobody's: taken over as
 * a change, not an adoption that would need --adopt. */
static void kernel_connected_route_in_a_stack_table_is_a_change(void **state)
{
	struct fx f;
	struct kobj_route *r = NULL;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	for (size_t i = 0; i < f.have.n_routes && !r; i++)
		if (f.have.routes[i].table != 254 && !f.have.routes[i].gateway.family &&
		    f.have.routes[i].dst.prefixlen && f.have.routes[i].type == RTN_UNICAST)
			r = &f.have.routes[i];
	assert_non_null(r);
	r->protocol = RTPROT_KERNEL;
	r->owned = false;
	assert_int_equal(compute(&f), 0);
	assert_int_equal(f.d.n, 1);
	assert_int_equal(f.d.v[0].op, DIFF_OP_MODIFY);
	assert_int_equal(f.d.n_adopt, 0);
	diff_clear(&f.d);
	diag_list_clear(&f.diags);
	/* The same route made by someone (proto boot): an adoption. */
	r->protocol = RTPROT_BOOT;
	assert_int_equal(compute(&f), 0);
	assert_int_equal(f.d.n_adopt, 1);
	fx_end(&f);
}

static void owned_route_with_another_gateway_is_modified(void **state)
{
	struct fx f;
	struct hn_addr def = ip("0.0.0.0/0");

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	for (size_t i = 0; i < f.have.n_routes; i++)
		if (f.have.routes[i].table == 100 && f.have.routes[i].metric == 0 &&
		    addr_cmp(&f.have.routes[i].dst, &def) == 0)
			f.have.routes[i].gateway = ip("198.51.100.2");
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "modify route 0.0.0.0/0 via 198.51.100.1 table 100 metric 0 dev vmk1");
	assert_int_equal(diff_action_from_route(&f.d, &f.d.v[0])->r.gateway.bytes[3], 2);
	fx_end(&f);
}

static void owned_objects_not_wanted_are_deleted(void **state)
{
	struct fx f;
	struct kobj_addr old = { .addr = ip("198.51.100.99/24"), .proto = KOBJ_RTPROT_HOSTNET,
				 .owned = true };
	struct kobj_route stale = { .family = AF_INET, .table = 100, .dst = ip("203.0.113.0/25"),
				    .gateway = ip("198.51.100.254"), .protocol = KOBJ_RTPROT_HOSTNET,
				    .type = RTN_UNICAST, .owned = true };
	struct kobj_route stale_table = { .family = AF_INET, .table = 110, .dst = ip("0.0.0.0/0"),
					  .protocol = KOBJ_RTPROT_HOSTNET, .type = RTN_UNREACHABLE,
					  .metric = UINT32_MAX, .owned = true };
	struct kobj_rule rule = { .family = AF_INET, .priority = 10000, .table = 110,
				  .src = ip("198.51.100.10/32"), .action = FR_ACT_TO_TBL,
				  .protocol = KOBJ_RTPROT_HOSTNET, .owned = true };

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	old.ifindex = index_of(&f.have, "vmk1");
	stale.oif = index_of(&f.have, "vmk1");
	assert_int_equal(kobj_set_add_addr(&f.have, &old), 0);
	assert_int_equal(kobj_set_add_route(&f.have, &stale), 0);
	assert_int_equal(kobj_set_add_route(&f.have, &stale_table), 0);
	assert_int_equal(kobj_set_add_rule(&f.have, &rule), 0);
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d,
		       "delete route 203.0.113.0/25 via 198.51.100.254 table 100 metric 0 dev vmk1",
		       "delete route unreachable 0.0.0.0/0 table 110 metric 4294967295 dev -",
		       "delete rule ipv4 10000 198.51.100.10/32 lookup 110",
		       "delete address 198.51.100.99/24 on vmk1");
	assert_int_equal(f.d.v[0].step, DIFF_STEP_DEL_ROUTE);
	assert_int_equal(f.d.v[2].step, DIFF_STEP_DEL_RULE);
	assert_int_equal(f.d.v[3].step, DIFF_STEP_DEL_ADDR);
	assert_int_equal(f.d.n_delete, 4);
	fx_end(&f);
}

static void new_address_goes_in_before_the_old_one_goes(void **state)
{
	struct fx f;
	struct kobj_addr *a = NULL;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	for (size_t i = 0; i < f.have.n_addrs; i++)
		if (f.have.addrs[i].ifindex == index_of(&f.have, "vmk1"))
			a = &f.have.addrs[i];
	assert_non_null(a);
	a->addr = ip("198.51.100.11/24");
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "create address 198.51.100.10/24 on vmk1",
		       "delete address 198.51.100.11/24 on vmk1");
	assert_int_equal(f.d.v[0].step, DIFF_STEP_NEW_ADDR);
	assert_int_equal(f.d.v[1].step, DIFF_STEP_DEL_ADDR);
	fx_end(&f);
}

/* Two IPv6 routes, same table, prefix and metric, on vmk0 and vmk1. */
static void add_v6_twins(struct want *w)
{
	struct want_route *v = realloc(w->routes, (w->n_routes + 2) * sizeof(*v));

	assert_non_null(v);
	w->routes = v;
	for (int i = 0; i < 2; i++) {
		struct want_route *r = &w->routes[w->n_routes++];

		*r = (struct want_route){ .r = { .family = AF_INET6, .table = 100,
						 .dst = ip("2001:db8:5::/64"), .metric = 1024,
						 .protocol = KOBJ_RTPROT_HOSTNET,
						 .type = RTN_UNICAST, .owned = true } };
		snprintf(r->dev, sizeof(r->dev), "%s", i ? "vmk0" : "vmk1");
	}
}

static void ipv6_routes_on_two_devices_are_two_keys(void **state)
{
	struct fx f;
	struct kobj_route r = { .family = AF_INET6, .table = 100, .dst = ip("2001:db8:5::/64"),
				.metric = 1024, .protocol = KOBJ_RTPROT_HOSTNET,
				.type = RTN_UNICAST, .owned = true };

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	add_v6_twins(&f.w);
	assert_int_equal(compute(&f), 0);
	/* Neither replaces the other. */
	ASSERT_ACTIONS(&f.d, "create route 2001:db8:5::/64 table 100 metric 1024 dev vmk0",
		       "create route 2001:db8:5::/64 table 100 metric 1024 dev vmk1");
	/* One of them there already: only the other is made, nothing goes. */
	r.oif = index_of(&f.have, "vmk0");
	assert_int_equal(kobj_set_add_route(&f.have, &r), 0);
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "create route 2001:db8:5::/64 table 100 metric 1024 dev vmk1");
	fx_end(&f);
}

static void ipv4_route_on_another_device_is_one_key_replaced(void **state)
{
	struct fx f;
	struct hn_addr net = ip("198.51.100.0/24");

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	for (size_t i = 0; i < f.have.n_routes; i++)
		if (addr_cmp(&f.have.routes[i].dst, &net) == 0)
			f.have.routes[i].oif = index_of(&f.have, "vmk0");
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "modify route 198.51.100.0/24 table 100 metric 0 dev vmk1");
	assert_string_equal(diff_action_from_route(&f.d, &f.d.v[0])->dev, "vmk0");
	fx_end(&f);
}

static void extra_ipv4_routes_of_a_key_go_only_when_owned(void **state)
{
	struct fx f;
	struct kobj_route extra = { .family = AF_INET, .table = 100, .dst = ip("198.51.100.0/24"),
				    .protocol = RTPROT_STATIC, .scope = RT_SCOPE_LINK,
				    .type = RTN_UNICAST };

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	/* Appended next to hostnet's (ip route append): same key. */
	extra.oif = index_of(&f.have, "vmk0");
	assert_int_equal(kobj_set_add_route(&f.have, &extra), 0);
	assert_int_equal(compute(&f), 0);
	assert_int_equal(f.d.n, 0);
	/* The same, hostnet's: the one that matches stays, the other goes. */
	f.have.routes[f.have.n_routes - 1].protocol = KOBJ_RTPROT_HOSTNET;
	f.have.routes[f.have.n_routes - 1].owned = true;
	assert_int_equal(compute(&f), 0);
	ASSERT_ACTIONS(&f.d, "delete route 198.51.100.0/24 table 100 metric 0 dev vmk0");
	fx_end(&f);
}

/* --- determinism --------------------------------------------------------- */

/* An object of an action, or a zeroed one where it has none. */
#define OR_ZERO(p) ((p) ? (p) : &(const __typeof__(*(p))){ 0 })

/* An action as text, every field that apply or plan reads. */
static char *action_text(const struct diff *d, const struct diff_action *a)
{
	json_t *to = NULL, *from = NULL, *j;
	char *s;

	switch (a->obj) {
	case DIFF_OBJ_LINK:
		to = want_json_link(OR_ZERO(diff_action_to_link(d, a)));
		from = want_json_link(OR_ZERO(diff_action_from_link(d, a)));
		break;
	case DIFF_OBJ_ADDR:
		to = want_json_addr(OR_ZERO(diff_action_to_addr(d, a)));
		from = want_json_addr(OR_ZERO(diff_action_from_addr(d, a)));
		break;
	case DIFF_OBJ_ROUTE:
		to = want_json_route(OR_ZERO(diff_action_to_route(d, a)));
		from = want_json_route(OR_ZERO(diff_action_from_route(d, a)));
		break;
	case DIFF_OBJ_RULE:
		to = want_json_rule(OR_ZERO(diff_action_to_rule(d, a)));
		from = want_json_rule(OR_ZERO(diff_action_from_rule(d, a)));
		break;
	case DIFF_OBJ_ISCSI:
		to = want_json_link(OR_ZERO(diff_action_iscsi(d, a)));
		from = json_null();
		break;
	case DIFF_OBJ_FIREWALL: {
		const struct want_fw *f = diff_action_to_fw(d, a);

		to = json_pack("{s:s?}", "ruleset", f ? f->text : NULL);
		from = json_object();
		break;
	}
	case DIFF_OBJ__MAX:
		break;
	}
	j = json_pack("{s:i,s:i,s:i,s:I,s:b,s:i,s:o,s:o}", "op", a->op, "obj", a->obj, "step",
		      (int)a->step, "changed", (json_int_t)a->changed, "replace", a->replace, "line",
		      diff_action_loc(d, a) ? (int)diff_action_loc(d, a)->line : 0, "to", to, "from", from);
	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	assert_non_null(s);
	return s;
}

static void assert_same_diff(const struct diff *x, const struct diff *y)
{
	assert_int_equal(x->n, y->n);
	assert_int_equal(x->n_create, y->n_create);
	assert_int_equal(x->n_modify, y->n_modify);
	assert_int_equal(x->n_delete, y->n_delete);
	for (size_t i = 0; i < x->n; i++) {
		char *a = action_text(x, &x->v[i]), *b = action_text(y, &y->v[i]);

		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

/* A fixed permutation (an LCG's Fisher-Yates), so a failure reproduces. */
static void shuffle(void *v, size_t n, size_t size, uint32_t seed)
{
	char tmp[1024], *p = v;

	assert_true(size <= sizeof(tmp));
	for (size_t i = n; i > 1; i--) {
		size_t j;

		seed = seed * 1103515245u + 12345u;
		j = (seed >> 8) % i;
		memcpy(tmp, p + (i - 1) * size, size);
		memcpy(p + (i - 1) * size, p + j * size, size);
		memcpy(p + j * size, tmp, size);
	}
}

static void same_inputs_give_the_same_actions_in_any_observed_order(void **state)
{
	struct fx f;
	struct diff again = { 0 };
	struct kobj_link vmk9 = { .ifindex = 90, .name = "vmk9", .kind = KOBJ_LINK_KIND_VETH,
				  .group = KOBJ_LINK_GROUP, .alias = "hostnet:adapter services=nfs",
				  .owned = true };
	struct kobj_addr old = { .addr = ip("198.51.100.99/24"), .proto = KOBJ_RTPROT_HOSTNET,
				 .owned = true };
	struct kobj_rule rule = { .family = AF_INET6, .priority = 10001, .table = 110,
				  .oif = "vmk9", .action = FR_ACT_TO_TBL,
				  .protocol = KOBJ_RTPROT_HOSTNET, .owned = true };

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	f.have.n_addrs--;    /* the last wanted address is missing */
	add_foreign_extras(&f.have);
	/* Something of every kind of action. */
	assert_int_equal(kobj_set_add_link(&f.have, &vmk9), 0);
	old.ifindex = index_of(&f.have, "vmk0");
	assert_int_equal(kobj_set_add_addr(&f.have, &old), 0);
	assert_int_equal(kobj_set_add_rule(&f.have, &rule), 0);
	have_link(&f.have, "vmk1")->mtu = 1500;
	have_link(&f.have, "vmk0")->mtu = 9000;
	for (size_t i = 0; i < f.have.n_routes; i++)
		if (f.have.routes[i].table == 100)
			f.have.routes[i].owned = false, f.have.routes[i].protocol = RTPROT_STATIC;
	assert_int_equal(compute(&f), 0);
	assert_true(f.d.n_create > 0 && f.d.n_modify > 0 && f.d.n_delete > 0);

	assert_int_equal(diff_compute(&again, &f.w, &f.have, &f.diags), 0);
	assert_same_diff(&f.d, &again);
	diff_clear(&again);
	for (uint32_t seed = 1; seed <= 5; seed++) {
		shuffle(f.have.links, f.have.n_links, sizeof(*f.have.links), seed);
		shuffle(f.have.addrs, f.have.n_addrs, sizeof(*f.have.addrs), seed + 10);
		shuffle(f.have.routes, f.have.n_routes, sizeof(*f.have.routes), seed + 20);
		shuffle(f.have.rules, f.have.n_rules, sizeof(*f.have.rules), seed + 30);
		assert_int_equal(diff_compute(&again, &f.w, &f.have, &f.diags), 0);
		assert_same_diff(&f.d, &again);
		diff_clear(&again);
	}
	fx_end(&f);
}

/* --- rollback ------------------------------------------------------------ */

static void want_from_observed_keeps_owned_objects_and_named_uplinks(void **state)
{
	struct fx f;
	struct want back;
	struct diff d;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	add_foreign_extras(&f.have);
	assert_int_equal(diff_want_from_observed(&back, &f.have, &f.w), 0);
	/* lo and eth7 are nobody's business; eth1 and eth2 are named. */
	assert_int_equal(back.n_links, 7);
	assert_null(want_link(&back, "lo"));
	assert_null(want_link(&back, "eth7"));
	for (size_t i = 0; i < back.n_links; i++)
		assert_string_equal(back.links[i].l.name, f.w.links[i].l.name);
	/* An uplink as the profile manages it, with the values it has now. */
	assert_true(want_link(&back, "eth1")->foreign);
	assert_int_equal(want_link(&back, "eth1")->manage, want_link(&f.w, "eth1")->manage);
	assert_string_equal(want_link(&back, "eth1")->master, "vs0");
	/* An owned link: everything hostnet sets, its MAC included. */
	assert_int_equal(want_link(&back, "vmk1")->manage,
			 BIT(WANT_ATTR_MTU) | BIT(WANT_ATTR_STATE) | BIT(WANT_ATTR_MARK) |
			 BIT(WANT_ATTR_MASTER) | BIT(WANT_ATTR_MAC) | BIT(WANT_ATTR_SHAPING) |
			 BIT(WANT_ATTR_RA) | BIT(WANT_ATTR_ARP));
	assert_string_equal(want_link(&back, "vmk1")->peer, "vmk1p");
	/* Owned addresses, routes and rules only. */
	assert_int_equal(back.n_addrs, f.w.n_addrs);
	assert_int_equal(back.n_routes, f.w.n_routes);
	assert_int_equal(back.n_rules, f.w.n_rules);
	for (size_t i = 0; i < back.n_routes; i++) {
		assert_int_equal(want_cmp_route(&back.routes[i], &f.w.routes[i]), 0);
		assert_string_equal(back.routes[i].dev, f.w.routes[i].dev);
	}
	for (size_t i = 0; i < back.n_rules; i++)
		assert_int_equal(want_cmp_rule(&back.rules[i], &f.w.rules[i]), 0);
	for (size_t i = 0; i < back.n_addrs; i++)
		assert_int_equal(want_cmp_addr(&back.addrs[i], &f.w.addrs[i]), 0);
	assert_int_equal(back.tables_n, 2);
	assert_int_equal(back.tables[0], 100);
	assert_int_equal(back.tables[1], 254);
	/* What it describes is what is there: a rollback to it is a no-op. */
	assert_int_equal(diff_compute(&d, &back, &f.have, &f.diags), 0);
	if (d.n)
		print_actions(&d);
	assert_int_equal(d.n, 0);
	diff_clear(&d);
	want_clear(&back);
	fx_end(&f);
}

static void want_from_observed_without_a_profile_has_no_foreign_links(void **state)
{
	struct fx f;
	struct want back;

	fx_realize(&f, TU_VRF_PROFILE);
	observe_want(&f.have, &f.w);
	assert_int_equal(diff_want_from_observed(&back, &f.have, NULL), 0);
	for (size_t i = 0; i < back.n_links; i++)
		assert_false(back.links[i].foreign);
	/* storage vmk0 vmk0p vmk2 vmk2p vmk4 vs1 */
	assert_int_equal(back.n_links, 7);
	assert_string_equal(want_link(&back, "vmk4")->parent, "eth5");
	assert_string_equal(want_link(&back, "vmk2")->master, "storage");
	assert_int_equal(want_link(&back, "storage")->l.vrf_table, 200);
	assert_int_equal(back.tables_n, 2);
	assert_int_equal(back.tables[0], 200);
	assert_int_equal(back.tables[1], 254);
	want_clear(&back);
	fx_end(&f);
}

static void want_from_observed_gives_an_adopted_link_back_its_marks(void **state)
{
	struct fx f;
	struct want back;
	struct kobj_link *l;
	const struct want_link *b;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	/* Someone else's vmk0, which the profile adopts: rolling back keeps
	 * it, as someone else's, with the marks it had. */
	l = have_link(&f.have, "vmk0");
	l->owned = false;
	l->group = 0;
	snprintf(l->alias, sizeof(l->alias), "theirs");
	assert_int_equal(diff_want_from_observed(&back, &f.have, &f.w), 0);
	b = want_link(&back, "vmk0");
	assert_non_null(b);
	assert_true(b->foreign);
	assert_true(b->manage & 1u << WANT_ATTR_MARK);
	assert_string_equal(b->l.alias, "theirs");
	assert_int_equal(b->l.group, 0);
	assert_non_null(want_link(&back, "vmk0p"));
	assert_non_null(want_link(&back, "eth1"));
	assert_int_equal(back.n_links, 7);
	want_clear(&back);
	fx_end(&f);
}

/* A foreign link the profile does not name stays out of a rollback. */
static void want_from_observed_leaves_out_foreign_links_not_named(void **state)
{
	struct fx f;
	struct want back;
	struct kobj_link *l;

	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	l = have_link(&f.have, "vmk0");
	l->owned = false;
	assert_int_equal(diff_want_from_observed(&back, &f.have, NULL), 0);
	assert_null(want_link(&back, "vmk0"));
	want_clear(&back);
	fx_end(&f);
}

/* --- compact actions ----------------------------------------------------- */

/* An action names its objects: it must not grow back to copies of them (it
 * was about 1 KB, two unions of want_*, 105 MB for 100,000 routes). */
static void actions_are_tens_of_bytes(void **state)
{
	(void)state;
	assert_true(sizeof(struct diff_action) <= 32);
}

/* The objects an action is about: the want's own for "to" (not a copy),
 * and for "from" a copy that survives the observation, which the caller
 * may free (and reuse) as soon as the diff is made. */
static void actions_refer_to_the_want_and_outlive_the_observation(void **state)
{
	struct fx f;
	struct kobj_link vmk9 = { .ifindex = 90, .name = "vmk9", .kind = KOBJ_LINK_KIND_VETH,
				  .mtu = 1500, .group = KOBJ_LINK_GROUP,
				  .alias = "hostnet:adapter services=nfs", .owned = true };
	struct kobj_route extra = { .family = AF_INET, .table = 254, .protocol = KOBJ_RTPROT_HOSTNET,
				    .scope = RT_SCOPE_UNIVERSE, .type = RTN_UNICAST, .owned = true };
	const struct diff_action *a;
	char b[ADDR_STRLEN];

	(void)state;
	fx_realize(&f, TU_VALID_PROFILE);
	observe_want(&f.have, &f.w);
	have_link(&f.have, "vmk1")->mtu = 1500;
	assert_int_equal(kobj_set_add_link(&f.have, &vmk9), 0);
	assert_int_equal(addr_parse_cidr(&extra.dst, "203.0.113.0/24"), 0);
	extra.oif = have_link(&f.have, "vmk0")->ifindex;
	assert_int_equal(kobj_set_add_route(&f.have, &extra), 0);
	assert_int_equal(compute(&f), 0);
	/* What was observed is gone, and its memory says something else. */
	memset(f.have.links, 0xa5, f.have.n_links * sizeof(*f.have.links));
	memset(f.have.routes, 0xa5, f.have.n_routes * sizeof(*f.have.routes));
	kobj_set_clear(&f.have);
	ASSERT_ACTIONS(&f.d, "delete route 203.0.113.0/24 table 254 metric 0 dev vmk0",
		       "delete link vmk9", "modify link vmk1");
	assert_string_equal(addr_format(&diff_action_from_route(&f.d, &f.d.v[0])->r.dst, true, b,
					sizeof(b)), "203.0.113.0/24");
	assert_null(diff_action_to_route(&f.d, &f.d.v[0]));
	assert_string_equal(diff_action_from_link(&f.d, &f.d.v[1])->l.alias,
			    "hostnet:adapter services=nfs");
	a = find_action(&f.d, "modify link vmk1");
	assert_int_equal(diff_action_from_link(&f.d, a)->l.mtu, 1500);
	assert_ptr_equal(diff_action_to_link(&f.d, a), want_link(&f.w, "vmk1"));
	assert_ptr_equal(diff_action_loc(&f.d, a), &want_link(&f.w, "vmk1")->loc);
	/* Asked for another kind of object: none. */
	assert_null(diff_action_to_route(&f.d, a));
	assert_null(diff_action_from_addr(&f.d, a));
	fx_end(&f);
}

/* A diff made by hand keeps copies of what it was given, and counts. */
static void appended_actions_are_copies_and_counted(void **state)
{
	struct diff d = { 0 };
	struct want_route r = { .dev = "vmk0", .r = { .family = AF_INET, .table = 254 } };
	struct diff_action *a;

	(void)state;
	a = diff_append(&d, DIFF_OP_CREATE, DIFF_OBJ_ROUTE, &r, NULL);
	assert_non_null(a);
	assert_non_null(diff_append(&d, DIFF_OP_DELETE, DIFF_OBJ_ROUTE, NULL, &r));
	r.dev[0] = '\0';
	assert_string_equal(diff_action_to_route(&d, &d.v[0])->dev, "vmk0");
	assert_string_equal(diff_action_route(&d, &d.v[1])->dev, "vmk0");
	assert_null(diff_action_loc(&d, &d.v[0]));
	assert_int_equal(d.n, 2);
	assert_int_equal(d.n_create, 1);
	assert_int_equal(d.n_delete, 1);
	diff_clear(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.v);
}

/* An adapter in place tagged iscsi (on a NIC: no mark on it) gets its
 * open-iscsi record like any adapter; untagged, the record goes. */
static void in_place_iscsi_adapter_gets_its_record(void **state)
{
	static const char yaml[] =
		"apiVersion: hostnet/v1\nkind: HostProfile\nhost: pve01\n"
		"uplinks:\n  - {name: eth3}\n"
		"adapters:\n"
		"  - name: eth3\n    backing: uplink\n    services: [management, iscsi]\n"
		"    ipv4: [198.51.100.10/24]\n";
	struct fx f;
	struct kobj_set set = { 0 };

	(void)state;
	fx_realize(&f, yaml);
	/* The host as the profile has it: the record is there. */
	assert_int_equal(diff_observed_from_want(&set, &f.w), 0);
	assert_int_equal(set.n_iscsi, 1);
	assert_string_equal(set.iscsi[0].adapter, "eth3");
	kobj_set_clear(&set);
	/* A host with the NIC and its address but no record: one to write. */
	add_lo(&f.have);
	add_nic(&f.have, "eth3", 2);
	f.have.iscsi_managed = true;
	assert_int_equal(compute(&f), 0);
	find_action(&f.d, "create iscsi-iface eth3");
	fx_end(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_of_ops_and_objects),
		cmocka_unit_test(actions_are_tens_of_bytes),
		cmocka_unit_test(actions_refer_to_the_want_and_outlive_the_observation),
		cmocka_unit_test(appended_actions_are_copies_and_counted),
		cmocka_unit_test(bare_host_gets_creations_in_dependency_order),
		cmocka_unit_test(bare_host_with_ready_uplinks_gets_creations_only),
		cmocka_unit_test(applied_profile_diffs_to_nothing),
		cmocka_unit_test(foreign_objects_outside_the_profile_are_left_alone),
		cmocka_unit_test(owned_link_not_wanted_is_pruned_foreign_is_ignored),
		cmocka_unit_test(foreign_link_of_another_kind_with_an_adapter_name_is_a_conflict),
		cmocka_unit_test(foreign_link_of_the_profiles_shape_is_adopted),
		cmocka_unit_test(kernel_connected_route_in_a_stack_table_is_a_change),
		cmocka_unit_test(foreign_veth_whose_peer_is_elsewhere_is_a_conflict),
		cmocka_unit_test(adopting_a_link_shows_its_unlisted_addresses_going),
		cmocka_unit_test(links_of_another_manager_are_refused_even_to_adopt),
		cmocka_unit_test(missing_uplink_is_enodev_at_its_line),
		cmocka_unit_test(mtu_increase_goes_uplink_bridge_port_adapter),
		cmocka_unit_test(uplink_changes_go_before_the_adapters_on_it),
		cmocka_unit_test(mtu_decrease_goes_adapter_port_bridge_uplink),
		cmocka_unit_test(changed_attributes_are_flagged_one_by_one),
		cmocka_unit_test(kind_change_is_a_delete_and_a_create_with_replace),
		cmocka_unit_test(replaced_link_brings_back_what_went_with_it),
		cmocka_unit_test(veth_with_another_peer_is_replaced),
		cmocka_unit_test(vrf_bound_to_another_table_is_replaced),
		cmocka_unit_test(foreign_route_with_a_desired_key_is_taken_over),
		cmocka_unit_test(owned_route_with_another_gateway_is_modified),
		cmocka_unit_test(owned_objects_not_wanted_are_deleted),
		cmocka_unit_test(new_address_goes_in_before_the_old_one_goes),
		cmocka_unit_test(ipv6_routes_on_two_devices_are_two_keys),
		cmocka_unit_test(ipv4_route_on_another_device_is_one_key_replaced),
		cmocka_unit_test(extra_ipv4_routes_of_a_key_go_only_when_owned),
		cmocka_unit_test(same_inputs_give_the_same_actions_in_any_observed_order),
		cmocka_unit_test(want_from_observed_keeps_owned_objects_and_named_uplinks),
		cmocka_unit_test(want_from_observed_without_a_profile_has_no_foreign_links),
		cmocka_unit_test(want_from_observed_gives_an_adopted_link_back_its_marks),
		cmocka_unit_test(want_from_observed_leaves_out_foreign_links_not_named),
		cmocka_unit_test(in_place_iscsi_adapter_gets_its_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
