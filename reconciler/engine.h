/* engine: the apply transaction, one module for apply, reconcile and confirm.
 *
 *   lock -> observe -> diff -> record intent -> apply -> verify -> settle
 *   -> (roll back) -> record outcome
 *
 * What it guarantees:
 * - Records before the first change.  The generation (the snapshot before,
 *   the desired state, the plan, any confirmation deadline) is on disk
 *   before the first netlink request; if it cannot be written, nothing is
 *   changed.
 * - Rollback on any failure after it.  A failed action, a DHCP adapter
 *   without a lease, a difference left after verifying, a gateway that does
 *   not answer, or an outcome that cannot be recorded: the host is made as
 *   it was in the snapshot before, by a fresh diff, and that is recorded.
 *   A change under a confirmation deadline is rolled back at the deadline
 *   unless confirmed, by this process or the next hostnet run.
 * - Success only with the record.  engine_apply() returns 0 only when the
 *   generation's outcome is written (or, under a deadline, the generation
 *   is pending and written as such): the last applied generation always
 *   describes the host.
 *
 * The engine decides and never prints: everything a user should see is an
 * event given to the caller's report function, which prints it.
 *
 * Object kinds: links, addresses, routes and rules go through observe,
 * diff and apply.c.  What a kind needs around that (a client to start, a
 * check after applying, cleanup after a rollback) is a hook in the table
 * of engine-kinds.c, which new kinds extend. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apply.h"
#include "diag.h"
#include "store.h"

struct audit_event;
struct audit_who;
struct diff;
struct dhcp_ctx;
struct engine;
struct hnl;
struct kobj_set;
struct want;

enum engine_event_kind {
	ENGINE_EV_DIAGS,      /* ev->diags: the differ's findings, by position */
	ENGINE_EV_PROGRESS,   /* a line for standard output */
	ENGINE_EV_FAILURE,    /* why the operation failed: standard error, named by the command */
	ENGINE_EV_DETAIL,     /* a line under the failure before it (indented) */
	ENGINE_EV_ROLLBACK,   /* a rollback's own news: standard error, named "hostnet" */
	ENGINE_EV_AUDIT,      /* ev->audit: an apply or rollback recorded, for the journal */
	ENGINE_EV_WARNING,    /* something after the change failed and changes nothing
			       * (the service endpoints not published): standard error */
};

struct engine_event {
	enum engine_event_kind kind;
	const char *text;           /* one line, no newline; NULL for ENGINE_EV_DIAGS */
	struct diag_list *diags;
	const struct audit_event *audit;  /* ENGINE_EV_AUDIT only */
};

struct engine_report {
	void (*fn)(void *ctx, const struct engine_event *ev);
	void *ctx;
	/* Who runs this (audit.h), recorded with each generation and rollback;
	 * NULL = unknown. */
	const struct audit_who *who;
};

struct engine_opts {
	const char *state_path;
	struct store_open_opts store;
	struct engine_report report;
	const struct dhcp_ctx *dhcp;  /* NULL: no DHCP clients (confirm) */
	unsigned dhcp_ms;             /* how long to wait for the leases */
	unsigned confirm_ms;          /* 0: no confirmation deadline */
	bool connectivity;            /* ping each stack's gateway after applying */
	bool adopt;                   /* foreign objects the plan adopts may be taken over */
	struct apply_opts test;       /* injected failures */
};

/* What is applied and where it came from (the generation records it). */
struct engine_desired {
	const struct want *want;      /* must outlive the engine's plan */
	const char *host, *source, *commit, *hash;
	const char *author;           /* the commit's "name <email>"; NULL for a file */
	/* What the want was realized from (store.h, generation_sources); NULL
	 * when the profile had diagnostics or came from a saved plan. */
	const char *source_key, *source_files;
};

enum engine_outcome {
	ENGINE_UNCHANGED,     /* nothing to change and already recorded */
	ENGINE_APPLIED,       /* applied, verified and recorded */
	ENGINE_PENDING,       /* applied, verified, waiting for 'hostnet confirm' */
};

struct engine_result {
	enum engine_outcome outcome;
	int64_t generation;
	int64_t deadline_ms;          /* ENGINE_PENDING: wall-clock ms */
	double apply_ms, verify_ms;
	size_t requests;              /* netlink requests sent */
};

enum engine_confirm_end {
	ENGINE_CONFIRMED,     /* someone ran 'hostnet confirm' in time */
	ENGINE_UNDONE,        /* it was rolled back by another run */
	ENGINE_EXPIRED,       /* the deadline passed: rolled back here */
};

/* Checks what the kinds need before anything is opened (a DHCP client
 * binary, its capabilities); reports and returns -EINVAL when not met. */
int engine_check(const struct engine_opts *o, const struct want *want);
/* Takes the state lock (creating the database) and a netlink socket. */
int engine_open(struct engine **out, const struct engine_opts *o);
void engine_close(struct engine *e);

/* Closes what interrupted runs left, rolls back changes whose confirmation
 * time ran out, observes the host and diffs it with `d`.  *df is the
 * engine's until engine_close(); engine_before() is the observation. */
int engine_plan(struct engine *e, const struct engine_desired *d, const struct diff **df);
const struct kobj_set *engine_before(const struct engine *e);
/* The transaction proper, on the plan of engine_plan().  0 with *res, or a
 * negative errno once the failure and the rollback have been reported.
 * ENGINE_PENDING leaves the lock released for 'hostnet confirm'. */
int engine_apply(struct engine *e, struct engine_result *res);
/* After ENGINE_PENDING: waits for the confirmation or the deadline. */
int engine_await_confirm(struct engine *e, enum engine_confirm_end *end);

/* Confirms the newest change waiting for it (of `host`, NULL: any): 0,
 * -ENOENT (none waiting), -ETIMEDOUT (too late: rolled back now), or
 * another negative errno (reported). */
int engine_confirm(struct engine *e, const char *host, int64_t *id);
/* Rolls generation `id` back to its snapshot before and records why. */
int engine_roll_back_generation(struct engine *e, int64_t id, const char *why);
/* Rolls back every generation whose deadline passed; how many, or -EIO. */
int engine_expire(struct engine *e);
/* The same on a database and socket the caller holds (drift). */
int engine_expire_with(struct store *st, struct hnl *nl, const struct engine_report *rep);
