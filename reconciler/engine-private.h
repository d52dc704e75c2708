/* engine-private: what the engine-*.c files share. */
#pragma once

#include "audit.h"
#include "engine.h"
#include "diff.h"
#include "kobj.h"

struct engine {
	struct engine_opts o;
	struct store *st;             /* NULL while waiting for a confirmation */
	struct hnl *nl;
	struct engine_desired d;
	struct kobj_set before;
	struct diff df;
	bool planned, recorded;       /* recorded: df is empty and the last generation says so */
	int64_t recorded_gen;         /* that generation when recorded */
	int64_t gen;
	int64_t deadline;             /* wall-clock ms; 0 = none */
};

/* One event to the caller; printf-style text. */
__attribute__((format(printf, 3, 4)))
void engine_say(const struct engine_report *rep, enum engine_event_kind kind, const char *fmt, ...);

/* Differences left between `want` and the kernel now: 0 none, >0 how many
 * (in *out), <0 error (reported).  With `seen`, the kernel as observed is
 * left there (cleared first; the caller clears it), so that a snapshot of
 * the verified state needs no second dump. */
long engine_remaining(struct hnl *nl, const struct engine_report *rep, const struct want *want,
		      struct diff *out, struct kobj_set *seen);
/* Makes what hostnet manages as it was in `before` (owned objects, and the
 * managed attributes of the foreign links `applied` names), verifies, and
 * returns 0, or a negative errno after reporting what is left. */
int engine_roll_back_to(struct hnl *nl, const struct engine_report *rep,
			const struct kobj_set *before, const struct want *applied);
int engine_roll_back_generation_with(struct store *st, struct hnl *nl,
				     const struct engine_report *rep, int64_t id, const char *why);
int64_t engine_wall_ms(void);

/* The audit trail (engine-audit.c): the record of who runs this, for a
 * generation's start (strings borrowed from `rep` and `author`). */
void engine_audit_who(struct store_audit *out, const struct engine_report *rep,
		      const char *author, const char *reason);
/* Tells the caller (ENGINE_EV_AUDIT: the journal) that generation `id`
 * ended as `result`. */
void engine_audit_emit(const struct engine_report *rep, enum audit_action action, int64_t id,
		       const char *host, const char *commit, const char *author,
		       enum store_result result, size_t actions, const char *why);

/* What an object kind needs around observe, diff and apply (engine-kinds.c).
 * Each hook may be NULL; msg receives the failure. */
struct engine_kind {
	const char *name;
	/* Before anything is opened: can this kind be applied here at all? */
	int (*check)(const struct engine_opts *o, const struct want *w);
	/* After the actions and before verifying (or on a no-op apply when
	 * also_unchanged): bring up what the kernel objects need. */
	int (*settle)(struct engine *e, char *msg, size_t size);
	bool also_unchanged;
	/* After verifying: does the change work? */
	int (*check_after)(struct engine *e, char *msg, size_t size);
	/* After a rollback: stop what belonged to the objects undone. */
	void (*undo)(struct engine *e);
};
extern const struct engine_kind engine_kinds[];
/* After an apply, a no-op apply or a rollback: the service endpoints of
 * what is now on the host (`w`), published (services-publish.h); a failure
 * is a warning, as the host itself is right. */
void engine_publish_services(const struct engine_report *rep, const struct want *w);
extern const size_t engine_n_kinds;
