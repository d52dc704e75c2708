/* engine: opening the transaction (lock, netlink), planning it (observe,
 * diff), and the two steps every path shares: what is left to do, and the
 * rollback to a snapshot.  See engine.h for what the transaction
 * guarantees. */
#include "engine-private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "nl.h"
#include "observe.h"
#include "plan.h"

void engine_say(const struct engine_report *rep, enum engine_event_kind kind, const char *fmt, ...)
{
	struct engine_event ev = { .kind = kind };
	char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	ev.text = text ? text : "out of memory formatting a message";
	if (rep && rep->fn)
		rep->fn(rep->ctx, &ev);
	free(text);
}

static void report_diags(const struct engine_report *rep, struct diag_list *diags)
{
	struct engine_event ev = { .kind = ENGINE_EV_DIAGS, .diags = diags };

	if (rep && rep->fn && (diags->n || diags->truncated))
		rep->fn(rep->ctx, &ev);
}

int64_t engine_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int engine_check(const struct engine_opts *o, const struct want *want)
{
	for (size_t i = 0; i < engine_n_kinds; i++) {
		int r = engine_kinds[i].check ? engine_kinds[i].check(o, want) : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

int engine_open(struct engine **out, const struct engine_opts *o)
{
	struct engine *e = calloc(1, sizeof(*e));
	char *err = NULL;
	int r;

	if (!e) {
		engine_say(&o->report, ENGINE_EV_FAILURE, "out of memory");
		return -ENOMEM;
	}
	e->o = *o;
	/* Lock before observing: what is planned is what is applied. */
	r = store_open(&e->st, o->state_path, STORE_WRITE, &o->store, &err);
	if (r < 0) {
		engine_say(&o->report, ENGINE_EV_FAILURE, "%s", err ? err : strerror(-r));
		goto out;
	}
	r = hnl_open(&e->nl);
	if (r < 0)
		engine_say(&o->report, ENGINE_EV_FAILURE, "cannot open a netlink socket: %s", strerror(-r));
out:
	free(err);
	if (r < 0) {
		engine_close(e);
		return r;
	}
	*out = e;
	return 0;
}

void engine_close(struct engine *e)
{
	if (!e)
		return;
	diff_clear(&e->df);
	kobj_set_clear(&e->before);
	hnl_close(e->nl);
	store_close(e->st);
	free(e);
}

const struct kobj_set *engine_before(const struct engine *e)
{
	return &e->before;
}

static bool same_str(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* Whether the newest applied generation of this host is of this very
 * profile (commit and realized-state hash): then a no-op apply has nothing
 * to record, and skips the snapshots and the generation a change needs. */
static bool already_recorded(struct engine *e)
{
	struct store_generation g = { 0 };
	bool same;

	if (e->o.confirm_ms || store_generation_last_applied(&g, e->st, e->d.host, NULL) < 0)
		return false;
	same = g.profile_hash && e->d.hash && same_str(g.commit_id, e->d.commit) &&
	       strcmp(g.profile_hash, e->d.hash) == 0;
	e->recorded_gen = same ? g.id : 0;
	store_generation_clear(&g);
	return same;
}

/* Taking over what another tool made is a decision the user states: the
 * objects, and the flag that allows it. */
static void refuse_adoption(struct engine *e)
{
	char desc[512];
	size_t shown = 0;

	engine_say(&e->o.report, ENGINE_EV_FAILURE, "the plan adopts %zu object%s that %s not "
		   "hostnet's (no hostnet marks); pass --adopt to take %s over in place; nothing "
		   "was changed:", e->df.n_adopt, e->df.n_adopt == 1 ? "" : "s",
		   e->df.n_adopt == 1 ? "is" : "are", e->df.n_adopt == 1 ? "it" : "them");
	for (size_t i = 0; i < e->df.n && shown < 20; i++) {
		if (e->df.v[i].op != DIFF_OP_ADOPT)
			continue;
		plan_describe(&e->df, &e->df.v[i], desc, sizeof(desc));
		engine_say(&e->o.report, ENGINE_EV_DETAIL, "adopt %s", desc);
		shown++;
	}
	if (shown < e->df.n_adopt)
		engine_say(&e->o.report, ENGINE_EV_DETAIL, "and %zu more", e->df.n_adopt - shown);
}

int engine_plan(struct engine *e, const struct engine_desired *d, const struct diff **df)
{
	struct diag_list diags = { 0 };
	int r;

	e->d = *d;
	store_generation_reap_interrupted(e->st, NULL);
	engine_expire(e);
	r = observe_all(&e->before, e->nl);
	if (r < 0) {
		engine_say(&e->o.report, ENGINE_EV_FAILURE, "cannot read the kernel's state: %s: %s",
			   strerror(-r), hnl_errmsg(e->nl));
		return r;
	}
	r = diff_compute(&e->df, d->want, &e->before, &diags);
	report_diags(&e->o.report, &diags);
	diag_list_clear(&diags);
	if (r < 0) {
		engine_say(&e->o.report, ENGINE_EV_FAILURE, "%s", r == -ENOMEM ? "out of memory"
			   : "the host is in the way of its profile; nothing was changed");
		return r;
	}
	if (e->df.n_adopt && !e->o.adopt) {
		refuse_adoption(e);
		return -EPERM;
	}
	e->planned = true;
	e->recorded = e->df.n == 0 && already_recorded(e);
	*df = &e->df;
	return 0;
}

long engine_remaining(struct hnl *nl, const struct engine_report *rep, const struct want *want,
		      struct diff *out, struct kobj_set *seen)
{
	struct kobj_set now = { 0 };
	struct diag_list diags = { 0 };
	int r = observe_all(&now, nl);

	if (r < 0)
		engine_say(rep, ENGINE_EV_FAILURE, "cannot read the kernel's state: %s: %s", strerror(-r),
			   hnl_errmsg(nl));
	if (r == 0)
		r = diff_compute(out, want, &now, &diags);
	report_diags(rep, &diags);
	diag_list_clear(&diags);
	if (seen && r == 0) {
		kobj_set_clear(seen);
		*seen = now;
	} else {
		kobj_set_clear(&now);
	}
	return r < 0 ? r : (long)out->n;
}

/* A fresh diff rather than the plan reversed: whatever the kernel removed
 * along the way (a device's addresses and routes) comes back too. */
int engine_roll_back_to(struct hnl *nl, const struct engine_report *rep,
			const struct kobj_set *before, const struct want *applied)
{
	struct want back = { 0 };
	struct diff df = { 0 };
	struct apply_result res;
	long left;
	int r = diff_want_from_observed(&back, before, applied);

	if (r < 0)
		return r;
	left = engine_remaining(nl, rep, &back, &df, NULL);
	if (left > 0) {
		r = apply_diff(nl, &df, NULL, &res);
		if (r < 0)
			engine_say(rep, ENGINE_EV_ROLLBACK, "rollback: %s", res.msg);
	}
	diff_clear(&df);
	if (left >= 0)
		left = engine_remaining(nl, rep, &back, &df, NULL);
	if (left > 0) {
		char desc[512];

		plan_describe(&df, &df.v[0], desc, sizeof(desc));
		engine_say(rep, ENGINE_EV_ROLLBACK, "rollback left %ld difference%s, first: %s %s", left,
			   left == 1 ? "" : "s", diff_op_name(df.v[0].op), desc);
		r = -EIO;
	}
	/* What the host had before and has again (a rollback that left
	 * differences has said so above). */
	engine_publish_services(rep, &back);
	diff_clear(&df);
	want_clear(&back);
	return left < 0 ? (int)left : r;
}
