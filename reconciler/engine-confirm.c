/* engine-confirm: changes that stay only if confirmed in time (like
 * `netplan try`): waiting for the confirmation, confirming, and rolling
 * back a generation whose time ran out. */
#include "engine-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nl.h"

int engine_roll_back_generation_with(struct store *st, struct hnl *nl,
				     const struct engine_report *rep, int64_t id, const char *why)
{
	struct store_generation g = { 0 };
	struct store_audit applied = { 0 }, who;
	struct kobj_set before = { 0 };
	struct want want = { 0 };
	char *err = NULL;
	int r = store_generation_get(&g, st, id, &err);

	if (r < 0)
		goto out;
	if (!g.snapshot_before) {
		r = -EINVAL;
		goto out;
	}
	r = store_generation_want(&want, st, &g, &err);
	if (r == 0)
		r = store_snapshot_load(&before, NULL, st, g.snapshot_before, &err);
	if (r == 0)
		r = engine_roll_back_to(nl, rep, &before, &want);
	struct store_generation_end end = {
		.result = r == 0 ? STORE_RESULT_ROLLED_BACK : STORE_RESULT_FAILED,
		.error = why,
	};
	engine_say(rep, ENGINE_EV_ROLLBACK, "generation %lld of %s %s: %s", (long long)id, g.host,
		   r == 0 ? "rolled back" : "COULD NOT BE ROLLED BACK", why);
	/* Unrecorded, the generation would stay pending: say so, so that the
	 * caller does not count it as done. */
	free(err);
	err = NULL;
	if (store_generation_finish(st, id, &end, &err) < 0 && r == 0)
		r = -EIO;
	/* Who rolled it back, beside who applied it; the author is the
	 * applied commit's. */
	store_audit_get(&applied, st, id, STORE_AUDIT_APPLY, NULL);
	engine_audit_who(&who, rep, applied.commit_author, why);
	if (store_audit_record(st, id, STORE_AUDIT_ROLLBACK, &who, NULL) < 0)
		engine_say(rep, ENGINE_EV_ROLLBACK, "cannot record who rolled back generation %lld",
			   (long long)id);
	engine_audit_emit(rep, AUDIT_ROLLBACK, id, g.host, g.commit_id, applied.commit_author,
			  end.result, g.n_actions, why);
out:
	if (r < 0 && err)
		engine_say(rep, ENGINE_EV_ROLLBACK, "rolling back generation %lld: %s", (long long)id, err);
	free(err);
	want_clear(&want);
	kobj_set_clear(&before);
	store_generation_clear(&g);
	store_audit_clear(&applied);
	return r;
}

int engine_roll_back_generation(struct engine *e, int64_t id, const char *why)
{
	return engine_roll_back_generation_with(e->st, e->nl, &e->o.report, id, why);
}

int engine_expire_with(struct store *st, struct hnl *nl, const struct engine_report *rep)
{
	int64_t id, deadline, last = 0;
	int n = 0;

	/* Each rollback finishes its generation; a generation seen twice
	 * means the database would not record that, so stop. */
	while (store_generation_awaiting(&id, &deadline, st, NULL, NULL) == 0 &&
	       deadline <= engine_wall_ms() && id != last) {
		if (engine_roll_back_generation_with(st, nl, rep, id, "not confirmed in time") < 0)
			return -EIO;
		last = id;
		n++;
	}
	return n;
}

int engine_expire(struct engine *e)
{
	return engine_expire_with(e->st, e->nl, &e->o.report);
}

int engine_confirm(struct engine *e, const char *host, int64_t *id)
{
	int64_t deadline;
	char *err = NULL;
	int r = store_generation_awaiting(id, &deadline, e->st, host, &err);

	if (r < 0 && r != -ENOENT)
		engine_say(&e->o.report, ENGINE_EV_FAILURE, "%s", err ? err : strerror(-r));
	if (r < 0)
		goto out;
	if (deadline <= engine_wall_ms()) {
		engine_roll_back_generation(e, *id, "not confirmed in time");
		r = -ETIMEDOUT;
		goto out;
	}
	struct store_generation_end end = { .result = STORE_RESULT_APPLIED };
	r = store_generation_finish(e->st, *id, &end, &err);
	if (r < 0)
		engine_say(&e->o.report, ENGINE_EV_FAILURE, "%s", err ? err : strerror(-r));
out:
	free(err);
	return r;
}

static struct store *open_store(const struct engine *e, unsigned flags)
{
	struct store *st = NULL;
	char *err = NULL;
	int r = store_open(&st, e->o.state_path, flags, &e->o.store, &err);

	if (r < 0)
		engine_say(&e->o.report, ENGINE_EV_FAILURE, "%s", err ? err : strerror(-r));
	free(err);
	return st;
}

/* The deadline was written with the generation, before the first change
 * (so the time counts from the start of the apply), and is not moved: one
 * write fewer after the change, and a killed apply is rolled back by the
 * next hostnet run at the very deadline it was given. */
int engine_await_confirm(struct engine *e, enum engine_confirm_end *end)
{
	struct timespec nap = { 0, 250 * 1000 * 1000 };
	struct store_generation g = { 0 };
	int r = 0;

	e->st = store_close(e->st);
	for (;;) {
		struct store *st;
		bool pending;

		nanosleep(&nap, NULL);
		st = open_store(e, STORE_READONLY);
		if (!st)
			continue;
		pending = store_generation_get(&g, st, e->gen, NULL) == 0 &&
			  g.result == STORE_RESULT_PENDING;
		if (!pending) {
			*end = g.result == STORE_RESULT_APPLIED ? ENGINE_CONFIRMED : ENGINE_UNDONE;
			store_generation_clear(&g);
			store_close(st);
			return 0;
		}
		store_generation_clear(&g);
		store_close(st);
		if (engine_wall_ms() >= e->deadline)
			break;
	}
	e->st = open_store(e, STORE_WRITE);
	if (!e->st)
		return -EIO;
	if (store_generation_get(&g, e->st, e->gen, NULL) == 0 && g.result == STORE_RESULT_PENDING &&
	    engine_roll_back_generation(e, e->gen, "not confirmed in time") < 0)
		r = -EIO;
	store_generation_clear(&g);
	*end = ENGINE_EXPIRED;
	return r;
}
