/* The engine without the commands: it reports through its callback and
 * never prints, refuses what cannot be applied before opening anything,
 * and (in a private network namespace) applies a profile, rolls an
 * injected failure back to the host as it was, and finds nothing left to
 * do once the profile is recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine.h"
#include "netns.h"
#include "testhost.h"

struct events {
	size_t n[ENGINE_EV_AUDIT + 1];
	char text[8192];
};

static void collect(void *ctx, const struct engine_event *ev)
{
	struct events *c = ctx;
	size_t len = strlen(c->text);

	c->n[ev->kind]++;
	if (ev->text)
		snprintf(c->text + len, sizeof(c->text) - len, "%d:%s\n", ev->kind, ev->text);
}

static void opts_for(struct engine_opts *o, struct events *c, const char *path)
{
	*o = (struct engine_opts){ .state_path = path, .store = STORE_OPEN_OPTS_INIT };
	o->store.reserve_bytes = 0;
	o->report = (struct engine_report){ collect, c, NULL };
}

static void test_check_refuses_dhcp_without_a_client_through_the_report(void **state)
{
	struct events c = { 0 };
	struct engine_opts o;
	struct want w = { 0 };
	struct want_link l = { .l = { .name = "vmk0" }, .dhcp4 = true };

	(void)state;
	opts_for(&o, &c, "/nonexistent/state.db");
	w.links = &l;
	w.n_links = 1;
	assert_int_equal(engine_check(&o, &w), -EINVAL);
	assert_int_equal(c.n[ENGINE_EV_FAILURE], 1);
	assert_non_null(strstr(c.text, "vmk0: ipv4: dhcp needs the udhcpc client"));
	l.dhcp4 = false;
	memset(&c, 0, sizeof(c));
	assert_int_equal(engine_check(&o, &w), 0);
	assert_int_equal(c.n[ENGINE_EV_FAILURE], 0);
}

static void test_open_reports_a_state_it_cannot_create(void **state)
{
	struct events c = { 0 };
	struct engine_opts o;
	struct engine *e = NULL;

	(void)state;
	opts_for(&o, &c, "/proc/hostnet-no-such-dir/state.db");
	assert_true(engine_open(&e, &o) < 0);
	assert_null(e);
	assert_int_equal(c.n[ENGINE_EV_FAILURE], 1);
}

static size_t plan_size(const char *path, const struct engine_desired *d, struct events *c)
{
	struct engine_opts o;
	struct engine *e = NULL;
	const struct diff *df = NULL;
	size_t n;

	opts_for(&o, c, path);
	assert_int_equal(engine_open(&e, &o), 0);
	assert_int_equal(engine_plan(e, d, &df), 0);
	n = df->n;
	engine_close(e);
	return n;
}

static void test_ns_apply_rolls_back_a_failure_then_applies_and_records(void **state)
{
	char dir[] = "/tmp/hostnet-test-engine-XXXXXX", path[64], cmd[128];
	struct events c = { 0 };
	struct engine_opts o;
	struct engine_result res;
	struct engine *e = NULL;
	const struct diff *df = NULL;
	struct tu t;
	struct want w = { 0 };
	struct engine_desired d = { &w, "esx01", "t.yaml", NULL, "0123456789abcdef", NULL, NULL, NULL };
	size_t first;
	char *yaml;

	(void)state;
	TN_NEED_NETNS();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.db", dir);
	assert_int_equal(system("ip link add eth1 type veth peer name eth1p && "
				"ip link add eth2 type veth peer name eth2p"), 0);
	/* No VLAN portgroup: not every kernel filters VLANs on bridges. */
	yaml = tu_replace(TU_VALID_PROFILE, "Management, switch: vs0, vlan: 10", "Management, switch: vs0");
	realize_yaml(&t, &w, yaml);

	/* An injected failure at the third action: rolled back, recorded,
	 * and the host is as before (the same plan again). */
	first = plan_size(path, &d, &c);
	assert_true(first > 3);
	opts_for(&o, &c, path);
	o.test.fail_before = 3;
	assert_int_equal(engine_open(&e, &o), 0);
	assert_int_equal(engine_plan(e, &d, &df), 0);
	assert_true(engine_apply(e, &res) < 0);
	engine_close(e);
	if (!strstr(c.text, "failed at action 3 of"))
		fail_msg("events:\n%s", c.text);
	assert_non_null(strstr(c.text, "rolled back: the host is as it was before this apply"));
	assert_null(strstr(c.text, "ROLLBACK INCOMPLETE"));
	/* The journal hears of it once: the apply, rolled back. */
	assert_int_equal(c.n[ENGINE_EV_AUDIT], 1);
	assert_int_equal(plan_size(path, &d, &c), first);

	/* Applied and verified, then nothing to do and nothing to record. */
	memset(&c, 0, sizeof(c));
	opts_for(&o, &c, path);
	assert_int_equal(engine_open(&e, &o), 0);
	assert_int_equal(engine_plan(e, &d, &df), 0);
	assert_int_equal(df->n, first);
	assert_int_equal(engine_apply(e, &res), 0);
	assert_int_equal(res.outcome, ENGINE_APPLIED);
	assert_true(res.generation > 0);
	assert_true(res.requests > 0);
	engine_close(e);
	assert_int_equal(c.n[ENGINE_EV_FAILURE], 0);
	assert_int_equal(c.n[ENGINE_EV_ROLLBACK], 0);
	assert_int_equal(c.n[ENGINE_EV_AUDIT], 1);
	assert_int_equal(engine_open(&e, &o), 0);
	assert_int_equal(engine_plan(e, &d, &df), 0);
	assert_int_equal(df->n, 0);
	assert_int_equal(engine_apply(e, &res), 0);
	assert_int_equal(res.outcome, ENGINE_UNCHANGED);
	engine_close(e);

	want_clear(&w);
	tu_end(&t);
	free(yaml);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_refuses_dhcp_without_a_client_through_the_report),
		cmocka_unit_test(test_open_reports_a_state_it_cannot_create),
		cmocka_unit_test(test_ns_apply_rolls_back_a_failure_then_applies_and_records),
	};

	tn_enter("test-engine");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
