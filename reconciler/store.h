/* store: the state database (SQLite) of snapshots, generations and drift.
 *
 * One file, by default /var/lib/hostnet/state.db (the caller picks the path),
 * records what hostnet observed (snapshots of kernel objects), what it did
 * (generations) and what it found changed behind its back (drift reports).
 *
 * Concurrency: a store opened with STORE_WRITE holds an exclusive lock (flock
 * on PATH.lock) until store_close(), so two hostnet processes that change
 * state never interleave; STORE_READONLY takes no lock and sees committed
 * data only (WAL mode).
 *
 * Errors: every fallible function returns 0 (or a count) on success and a
 * negative errno on failure.  When `errmsg` is not NULL and *errmsg is NULL,
 * a failure stores there a malloc'd, user-facing message (the caller frees
 * it; the first message set wins).  Codes a caller may want to handle:
 *   -ENOENT  no such database, snapshot or generation,
 *   -EBUSY   the write lock is held by another process past the timeout,
 *   -EPROTO  the database has a newer schema than this hostnet,
 *   -EROFS   writing through a read-only store, or migrations pending,
 *   -EINVAL  bad argument, or a file that is not a hostnet database,
 *   -EUCLEAN the database is damaged (integrity or content checks failed),
 *   -EPERM   the database, a file beside it or its directory is owned by
 *            another user or writable by others (store-perm.c),
 *   -ELOOP   the database (or its -wal, -shm, -journal) is a symbolic link.
 *
 * Damage is sticky: once any statement meets SQLITE_CORRUPT or SQLITE_NOTADB,
 * every later call on the store fails with -EUCLEAN and the same message, and
 * nothing more is written to the file.  store_open() runs SQLite's quick
 * check first, so a damaged file is refused before anything is written.
 *
 * No function prints.  Strings returned inside structs are malloc'd and owned
 * by the struct; free them with the matching _clear() function.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kobj.h"

struct want;

struct store;

enum store_open_flags {
	STORE_READONLY = 1u << 0,  /* no lock, no writes; refuses pending migrations */
	STORE_WRITE    = 1u << 1,  /* exclusive lock; creates and migrates */
};

struct store_open_opts {
	/* How long STORE_WRITE waits for the lock; 0 = try once. */
	unsigned lock_timeout_ms;
	/* Disk space kept in PATH.reserve so that an apply can record its
	 * outcome on a disk that filled up while it ran; 0 = none. */
	size_t reserve_bytes;
};
#define STORE_LOCK_TIMEOUT_MS_DEFAULT 5000u
/* Finishing a generation writes a few WAL frames (4 KiB pages each). */
#define STORE_RESERVE_BYTES_DEFAULT (64u * 1024)
#define STORE_OPEN_OPTS_INIT { .lock_timeout_ms = STORE_LOCK_TIMEOUT_MS_DEFAULT, \
			       .reserve_bytes = STORE_RESERVE_BYTES_DEFAULT }

/* Open (STORE_WRITE: create if missing) the database at `path`.
 *
 * STORE_WRITE creates missing parent directories with mode 0700, the database
 * and PATH.lock with mode 0600 (whatever the umask), takes the lock (waiting
 * up to opts->lock_timeout_ms), switches to WAL and runs pending migrations,
 * each in one transaction.  STORE_READONLY fails with -ENOENT for a missing
 * file and -EROFS when migrations are pending.  opts may be NULL (defaults).
 * Exactly one of the two flags must be given.  On success *out is the caller's,
 * to be freed with store_close(). */
int store_open(struct store **out, const char *path, unsigned flags,
	       const struct store_open_opts *opts, char **errmsg);

/* Closes the database and releases the lock.  Accepts NULL.  Returns NULL. */
struct store *store_close(struct store *st);

/* Whether this store met damage (see above). */
bool store_damaged(const struct store *st);
/* The damaged-database message of the first damage any store of this
 * process met, NULL if none: a command that ignored a failed call must
 * still not exit 0 on a damaged database. */
const char *store_damage_seen(void);

/* The path given to store_open() (owned by the store). */
const char *store_path(const struct store *st);
/* Schema version now, and as found at open (0 for a new file); they differ
 * when this open ran migrations. */
unsigned store_schema_version(const struct store *st);
unsigned store_schema_version_found(const struct store *st);
/* The newest schema version this build knows. */
unsigned store_schema_version_latest(void);

/* PRAGMA integrity_check and foreign_key_check.  0 when the database is
 * sound, -EUCLEAN with the first problems in *errmsg otherwise. */
int store_check(struct store *st, char **errmsg);

/* --- snapshots --------------------------------------------------------- */

struct store_snapshot_info {
	int64_t id;
	int64_t taken_at_ms;       /* unix ms */
	char *host;
	uint32_t caps;             /* bits of enum kobj_cap */
	char *kernel_release;      /* NULL = unknown */
	size_t n_links, n_addrs, n_routes, n_rules;
};
/* Frees the strings and zeroes *info.  Accepts NULL. */
void store_snapshot_info_clear(struct store_snapshot_info *info);

/* Record `set` (including set->caps) as a new snapshot of `host`, taken now,
 * in one transaction.  kernel_release may be NULL.  Every address must be
 * canonical (family 0 all zero; AF_INET/AF_INET6 with a valid prefix length
 * and zero unused bytes), so what is saved loads back identically; -EINVAL
 * otherwise, naming the object. */
int store_snapshot_save(int64_t *out_id, struct store *st, const char *host,
			const char *kernel_release, const struct kobj_set *set,
			char **errmsg);

/* Load snapshot `id`, objects in saved order, set->caps included.  On success
 * *out is written (not read or freed first) and the caller frees it with
 * kobj_set_clear(); info may be NULL, otherwise it is written too and the
 * caller clears it.  Neither is touched on failure.  -ENOENT when there is no
 * such snapshot, -EUCLEAN when its rows are out of range or missing. */
int store_snapshot_load(struct kobj_set *out, struct store_snapshot_info *info,
			struct store *st, int64_t id, char **errmsg);

/* The newest snapshot of `host`; -ENOENT when there is none. */
int store_snapshot_latest(int64_t *out_id, struct store *st, const char *host,
			  char **errmsg);

/* Delete the snapshots of `host` except the newest `keep` and those the last
 * applied generation of `host` refers to (its rollback base).  Returns the
 * number deleted. */
int store_snapshot_prune(struct store *st, const char *host, size_t keep, char **errmsg);

/* --- generations ------------------------------------------------------- */

enum store_result {
	STORE_RESULT_PENDING,      /* begun, not finished (or the process died) */
	STORE_RESULT_APPLIED,      /* every action succeeded */
	STORE_RESULT_FAILED,       /* an action failed; no rollback was done */
	STORE_RESULT_ROLLED_BACK,  /* an action failed and the changes were undone */
	STORE_RESULT__MAX,
};
/* "pending", "applied", "failed", "rolled-back". */
const char *store_result_name(enum store_result r);
/* The enum for a name, or -EINVAL. */
int store_result_from_name(const char *name);

struct store_generation {
	int64_t id;
	int64_t started_at_ms;
	int64_t finished_at_ms;    /* 0 while pending */
	char *host;
	char *commit_id;           /* NULL for a directory source */
	char *profile_hash;        /* NULL = unknown */
	char *plan;                /* NULL = none (and NULL in history listings) */
	size_t n_actions;
	enum store_result result;
	int64_t snapshot_before;   /* 0 = none, or pruned */
	int64_t snapshot_after;    /* 0 = none, or pruned */
	char *error;               /* NULL = none */
	char *timings;             /* JSON object text, NULL = none */
};
/* Frees the strings and zeroes *g.  Accepts NULL. */
void store_generation_clear(struct store_generation *g);

/* What is known when a generation starts.  Strings are borrowed. */
struct store_generation_start {
	const char *host;          /* required */
	const char *commit_id;     /* NULL = directory source */
	const char *profile_hash;  /* NULL = unknown */
	const char *plan;          /* NULL = none */
	/* The desired state packed (wantblob.h), written once beside the row
	 * (0006-generation-wants.sql); NULL = none. */
	const struct want *want;
	/* What the desired state was realized from (0008-generation-sources.sql):
	 * a key over the sources and the files' repository paths, one a line;
	 * both or neither; NULL = not recorded (the profile had diagnostics). */
	const char *source_key, *source_files;
	size_t n_actions;
	int64_t snapshot_before;   /* 0 = none; ignored when `before` is set */
	/* The kernel state to roll back to, saved as the generation's snapshot
	 * before in the same transaction as the generation row; NULL = none. */
	const struct kobj_set *before;
	const char *kernel_release;  /* of `before`; NULL = unknown */
	int64_t confirm_by_ms;     /* apply --confirm-timeout deadline (unix ms), 0 = none */
	const struct store_audit *audit;  /* who: in the same transaction; NULL = none */
};

/* How it ended.  Strings are borrowed. */
struct store_generation_end {
	enum store_result result;  /* APPLIED, FAILED or ROLLED_BACK */
	int64_t snapshot_after;    /* 0 = none */
	const char *error;         /* NULL = none */
	const char *timings;       /* JSON object text, NULL = none */
};

/* Insert a pending generation, started now, with its snapshot before and
 * deadline, in one transaction synced to disk before it returns: call it
 * before the first change to the kernel, and change nothing if it fails. */
int store_generation_begin(int64_t *out_id, struct store *st,
			   const struct store_generation_start *g, char **errmsg);
/* The desired state generation `g` was applied with, into *out (the
 * caller's: want_clear()): its packed blob, or for a generation recorded
 * before schema 6 the "want" of its JSON document (g->plan).  -ENOENT when
 * it has none, -EUCLEAN when it is damaged, -ENOMEM; *errmsg says which. */
int store_generation_want(struct want *out, struct store *st, const struct store_generation *g,
			  char **errmsg);
/* The source key and files recorded with generation `id` (malloc'd, the
 * caller frees both): 0, -ENOENT when none were (a generation from before
 * schema 8, or of a profile with diagnostics), another negative errno. */
int store_generation_source(char **key, char **files, struct store *st, int64_t id,
			    char **errmsg);
/* Records (or replaces) them for generation `id`, which must exist. */
int store_generation_source_set(struct store *st, int64_t id, const char *key, const char *files,
				char **errmsg);
/* Finish pending generation `id`: -ENOENT when absent, -EALREADY when it is
 * not pending, -EINVAL for result PENDING. */
int store_generation_finish(struct store *st, int64_t id,
			    const struct store_generation_end *e, char **errmsg);
/* Set the snapshot taken after generation `id` (recorded after its outcome,
 * so that the outcome does not wait for a large snapshot). */
int store_generation_attach_after(struct store *st, int64_t id, int64_t snapshot_after,
				  char **errmsg);
/* Mark every pending generation as failed ("interrupted").  Holding the write
 * lock proves their processes are gone, so call this after store_open() with
 * STORE_WRITE; returns how many there were (the caller may warn that kernel
 * state may be half-applied). */
int store_generation_reap_interrupted(struct store *st, char **errmsg);

/* Generation `id`, or -ENOENT.  The caller clears *out. */
/* apply --confirm-timeout: a pending generation that `hostnet confirm` must
 * finish before `deadline_ms` (unix ms).  Such generations are left alone by
 * store_generation_reap_interrupted(): they need rolling back, not just
 * closing. */
int store_generation_await_confirm(struct store *st, int64_t id, int64_t deadline_ms, char **errmsg);
/* The newest generation awaiting confirmation (of `host`, NULL = any):
 * 0 with its id and deadline, -ENOENT when none. */
int store_generation_awaiting(int64_t *out_id, int64_t *deadline_ms, struct store *st,
			      const char *host, char **errmsg);

int store_generation_get(struct store_generation *out, struct store *st, int64_t id,
			 char **errmsg);
/* The newest applied generation of `host`, or -ENOENT.  The caller clears *out. */
int store_generation_last_applied(struct store_generation *out, struct store *st,
				  const char *host, char **errmsg);
/* The hosts that have an applied generation, sorted: *out is an array of n
 * strings (NULL when none), freed with store_hosts_free(). */
int store_generation_hosts(char ***out, size_t *n, struct store *st, char **errmsg);
void store_hosts_free(char **hosts, size_t n);

/* --- drift reports ----------------------------------------------------- */

struct store_drift {
	int64_t id;
	int64_t taken_at_ms;
	char *host;
	int64_t generation_id;     /* 0 = none */
	int64_t snapshot_id;       /* 0 = none, or pruned */
	size_t count;              /* number of differences */
	char *report;              /* JSON; NULL in history listings */
};
/* Frees the strings and zeroes *d.  Accepts NULL. */
void store_drift_clear(struct store_drift *d);

/* Record a drift report of `host`, taken now.  generation_id and snapshot_id
 * may be 0 (none); report is JSON text (required). */
int store_drift_add(int64_t *out_id, struct store *st, const char *host,
		    int64_t generation_id, int64_t snapshot_id, size_t count,
		    const char *report, char **errmsg);
/* Drift report `id`, or -ENOENT.  The caller clears *out. */
int store_drift_get(struct store_drift *out, struct store *st, int64_t id, char **errmsg);

/* --- history ----------------------------------------------------------- */

enum store_entry_kind {
	STORE_ENTRY_SNAPSHOT,      /* .snapshot is set */
	STORE_ENTRY_GENERATION,    /* .generation is set (plan NULL) */
	STORE_ENTRY_DRIFT,         /* .drift is set (report NULL) */
	STORE_ENTRY__MAX,
};
/* "snapshot", "generation", "drift". */
const char *store_entry_kind_name(enum store_entry_kind k);

struct store_entry {
	enum store_entry_kind kind;
	int64_t at_ms;             /* taken_at, or a generation's started_at */
	union {
		struct store_snapshot_info snapshot;
		struct store_generation generation;
		struct store_drift drift;
	};
};

/* The newest `limit` (0 = all) snapshots, generations and drift reports of
 * `host` (NULL = every host) merged, newest first (by time, then id).  Bulky texts
 * (plans, reports) are left out; use the _get functions.  *out is a malloc'd
 * array (NULL when empty) freed with store_entries_free(). */
int store_history(struct store_entry **out, size_t *n_out, struct store *st,
		  const char *host, size_t limit, char **errmsg);
/* Frees the entries and the array.  Accepts NULL. */
void store_entries_free(struct store_entry *v, size_t n);

/* --- audit trail (0007-audit.sql) -------------------------------------- */

/* Who applied a generation, or rolled it back.  Strings are borrowed when
 * recording and malloc'd when read (store_audit_clear()); NULL = unknown. */
struct store_audit {
	int64_t at_ms;             /* 0 when recording: now */
	int64_t uid;
	char *user, *sudo_user;
	int64_t sudo_uid;          /* -1 = none */
	char *agent_remote, *agent_branch, *commit_author, *reason;
};
enum store_audit_event {
	STORE_AUDIT_APPLY,         /* who started the generation */
	STORE_AUDIT_ROLLBACK,      /* who rolled it back after it was recorded */
	STORE_AUDIT__MAX,
};
/* Records `a` as `ev` of generation `id` (one of each per generation; a
 * second replaces the first).  Inside the caller's transaction if any. */
int store_audit_record(struct store *st, int64_t id, enum store_audit_event ev,
		       const struct store_audit *a, char **errmsg);
/* Reads `ev` of generation `id` into *out: 0, -ENOENT when none was
 * recorded (generations older than schema 7), or another negative errno. */
int store_audit_get(struct store_audit *out, struct store *st, int64_t id,
		    enum store_audit_event ev, char **errmsg);
void store_audit_clear(struct store_audit *a);
