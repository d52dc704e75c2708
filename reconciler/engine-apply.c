/* engine-apply: the transaction on a plan — record intent, apply, settle,
 * verify, check, record the outcome, or roll back and record that. */
#include "engine-private.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "apply.h"
#include "nl.h"
#include "plan.h"

/* The generation's plan document: its summary (counts).  The actions are
 * not kept: the snapshot before and the desired state (kept packed beside
 * it) give them back, and building them was a third of a large apply. */
static char *generation_doc(const struct engine *e)
{
	struct plan_meta meta = { e->d.host, e->d.source, e->d.commit, e->d.hash };
	struct diff summary = e->df;
	json_t *doc;
	char *s;

	summary.n = 0;
	doc = json_pack("{s:o}", "plan", plan_to_json(&summary, &meta));
	/* Not an empty list: the actions are not kept, not none. */
	if (doc)
		json_object_del(json_object_get(doc, "plan"), "actions");
	s = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	return s;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Settle, verify, check: 0 when the host is as the profile says and works. */
static int verify(struct engine *e, struct engine_result *res, struct apply_result *ar,
		  struct kobj_set *seen)
{
	const struct engine_report *rep = &e->o.report;
	struct diff check = { 0 };
	double t0;
	long left;
	int r = 0;

	for (size_t i = 0; r == 0 && i < engine_n_kinds; i++)
		if (engine_kinds[i].settle && (r = engine_kinds[i].settle(e, ar->msg, sizeof(ar->msg))) < 0)
			engine_say(rep, ENGINE_EV_FAILURE, "%s", ar->msg);
	if (r < 0)
		return r;
	t0 = mono_ms();
	left = engine_remaining(e->nl, rep, e->d.want, &check, seen);
	/* The kernel cascades (deleting a device's primary address also
	 * deletes its secondaries): one more pass finishes the job the plan
	 * described; anything still left is a real failure. */
	if (left > 0) {
		struct apply_result more;

		if (apply_diff(e->nl, &check, NULL, &more) == 0) {
			ar->requests += more.requests;
			diff_clear(&check);
			left = engine_remaining(e->nl, rep, e->d.want, &check, seen);
		}
	}
	res->verify_ms = mono_ms() - t0;
	if (left != 0) {
		char desc[512] = "";

		engine_say(rep, ENGINE_EV_FAILURE, "verification found %ld difference%s after applying%s",
			   left, left == 1 ? "" : "s", left > 0 ? ":" : "");
		for (long k = 0; k < left && k < 10; k++) {
			plan_describe(&check, &check.v[k], desc, sizeof(desc));
			engine_say(rep, ENGINE_EV_DETAIL, "%s %s", diff_op_name(check.v[k].op), desc);
		}
		snprintf(ar->msg, sizeof(ar->msg), "verification found %ld differences", left);
		r = -EIO;
	}
	diff_clear(&check);
	for (size_t i = 0; r == 0 && i < engine_n_kinds; i++)
		if (engine_kinds[i].check_after &&
		    (r = engine_kinds[i].check_after(e, ar->msg, sizeof(ar->msg))) < 0)
			engine_say(rep, ENGINE_EV_FAILURE, "%s", ar->msg);
	return r;
}

/* After a failure past the first change: back to the snapshot, recorded. */
static void roll_back(struct engine *e, const char *why, const char *timings, int64_t deadline)
{
	const struct engine_report *rep = &e->o.report;
	int rb = engine_roll_back_to(e->nl, rep, &e->before, e->d.want);
	char *err = NULL;

	for (size_t i = 0; i < engine_n_kinds; i++)
		if (engine_kinds[i].undo)
			engine_kinds[i].undo(e);
	engine_say(rep, ENGINE_EV_FAILURE, "%s", rb == 0
		   ? "rolled back: the host is as it was before this apply"
		   : "ROLLBACK INCOMPLETE: check 'hostnet plan' and the messages above");
	struct store_generation_end end = {
		.result = rb == 0 ? STORE_RESULT_ROLLED_BACK : STORE_RESULT_FAILED,
		.error = why, .timings = timings,
	};
	if (store_generation_finish(e->st, e->gen, &end, &err) < 0)
		engine_say(rep, ENGINE_EV_FAILURE, "cannot record the rollback (%s): generation %lld "
			   "stays pending until the next hostnet run closes it%s", err ? err : "?",
			   (long long)e->gen, deadline ? " after its deadline" : "");
	engine_audit_emit(rep, AUDIT_APPLY, e->gen, e->d.host, e->d.commit, e->d.author, end.result,
			  e->df.n, why);
	free(err);
}

int engine_apply(struct engine *e, struct engine_result *res)
{
	const struct engine_report *rep = &e->o.report;
	struct apply_result ar = { 0 };
	struct kobj_set after = { 0 };
	struct store_audit who;
	struct utsname uts;
	char *doc = NULL, *err = NULL, timings[256];
	int64_t snap_after = 0;
	double t0;
	int r;

	*res = (struct engine_result){ 0 };
	if (!e->planned)
		return -EINVAL;
	if (e->recorded) {
		/* Nothing to change and nothing new to record: the last
		 * generation already says this profile is applied. */
		for (size_t i = 0; i < engine_n_kinds; i++) {
			if (!engine_kinds[i].settle || !engine_kinds[i].also_unchanged)
				continue;
			r = engine_kinds[i].settle(e, ar.msg, sizeof(ar.msg));
			if (r < 0) {
				engine_say(rep, ENGINE_EV_FAILURE, "%s", ar.msg);
				return r;
			}
		}
		engine_publish_services(rep, e->d.want);
		/* The generation applied this very want (same commit and
		 * hash): these sources realize it too, so the next plan may
		 * reuse it (a generation from before schema 8, or a profile
		 * whose comments changed).  Best effort: only a cache. */
		if (e->d.source_key && e->d.source_files)
			store_generation_source_set(e->st, e->recorded_gen, e->d.source_key,
						    e->d.source_files, NULL);
		res->outcome = ENGINE_UNCHANGED;
		return 0;
	}
	doc = generation_doc(e);
	if (!doc) {
		engine_say(rep, ENGINE_EV_FAILURE, "out of memory");
		return -ENOMEM;
	}
	/* Everything a rollback needs (the snapshot before, the desired state,
	 * the deadline) is on disk before the first change, or nothing is
	 * changed. */
	engine_audit_who(&who, rep, e->d.author, NULL);
	struct store_generation_start g = {
		.host = e->d.host, .commit_id = e->d.commit, .profile_hash = e->d.hash,
		.plan = doc, .want = e->d.want, .n_actions = e->df.n, .before = &e->before,
		.source_key = e->d.source_key, .source_files = e->d.source_files,
		.kernel_release = uname(&uts) == 0 ? uts.release : NULL,
		.confirm_by_ms = e->o.confirm_ms && e->df.n ? engine_wall_ms() + e->o.confirm_ms : 0,
		.audit = &who,
	};
	r = store_generation_begin(&e->gen, e->st, &g, &err);
	free(doc);
	if (r < 0) {
		engine_say(rep, ENGINE_EV_FAILURE, "cannot record the generation before changing "
			   "anything: %s; nothing was changed", err ? err : strerror(-r));
		goto out;
	}
	res->generation = e->gen;
	res->deadline_ms = e->deadline = g.confirm_by_ms;
	t0 = mono_ms();
	r = apply_diff(e->nl, &e->df, &e->o.test, &ar);
	res->apply_ms = mono_ms() - t0;
	if (r < 0)
		engine_say(rep, ENGINE_EV_FAILURE, "failed at action %zu of %zu: %s", ar.failed, e->df.n,
			   ar.msg);
	else
		r = verify(e, res, &ar, &after);
	res->requests = ar.requests;
	snprintf(timings, sizeof(timings), "{\"apply_ms\":%.1f,\"verify_ms\":%.1f,\"requests\":%zu}",
		 res->apply_ms, res->verify_ms, ar.requests);
	/* The outcome is part of the change: an apply whose record cannot be
	 * written is undone like any other failure after the first change, so
	 * the last applied generation always describes the host. */
	if (r == 0 && !res->deadline_ms) {
		struct store_generation_end end = { .result = STORE_RESULT_APPLIED, .timings = timings };

		r = store_generation_finish(e->st, e->gen, &end, &err);
		if (r < 0) {
			snprintf(ar.msg, sizeof(ar.msg), "cannot record the outcome: %s",
				 err ? err : strerror(-r));
			engine_say(rep, ENGINE_EV_FAILURE, "%s", ar.msg);
		}
	}
	if (r < 0) {
		roll_back(e, ar.msg, timings, res->deadline_ms);
		goto out;
	}
	/* For history only, so after the outcome and allowed to fail.  The
	 * kernel as verification last read it (no difference left): the host
	 * this generation made, without a second dump. */
	if (after.n_links &&
	    store_snapshot_save(&snap_after, e->st, e->d.host, g.kernel_release, &after, NULL) == 0)
		store_generation_attach_after(e->st, e->gen, snap_after, NULL);
	res->outcome = ENGINE_APPLIED;
	engine_publish_services(rep, e->d.want);
	engine_audit_emit(rep, AUDIT_APPLY, e->gen, e->d.host, e->d.commit, e->d.author,
			  res->deadline_ms ? STORE_RESULT_PENDING : STORE_RESULT_APPLIED, e->df.n, NULL);
	if (res->deadline_ms) {
		/* The lock is released while waiting, so confirm can take it. */
		e->st = store_close(e->st);
		res->outcome = ENGINE_PENDING;
	}
out:
	kobj_set_clear(&after);
	free(err);
	return r;
}
