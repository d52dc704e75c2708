/* cmd: the subcommands.  Each cmd_<name>() parses its own options, does its
 * work and is the only place that prints.  Exit codes: 0 success, 1 error;
 * commands that report a difference (plan, drift) use 2 for "changes". */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "diag.h"

#define CMD_EXIT_OK 0
#define CMD_EXIT_ERROR 1
#define CMD_EXIT_CHANGES 2

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;    /* one line: arguments */
	const char *summary;  /* one line: what it does */
};

#include "realize.h"

struct kobj_set;
struct loader;
struct source;

int cmd_validate(int argc, char **argv);
int cmd_show(int argc, char **argv);
/* show services (cmd-services.c): cmd_show() hands it the whole command line. */
int cmd_show_services(int argc, char **argv);
/* `show firewall`: table inet hostnet's counters (cmd-show-fw.c). */
int cmd_show_firewall(bool json);

/* Prints diagnostics to stderr sorted by position, each once (a fragment
 * shared by many hosts reports its problems a single time). */
void cmd_print_diags(struct diag_list *diags);
/* A profile named as a file: inside a hosts/ directory it is a host profile
 * (its name must match; extends resolve against the directory above
 * hosts/); elsewhere extends resolve against the file's own directory. */
struct cmd_file_source {
	struct source *src;
	char *path;      /* repository path of the file: "hosts/esx01.yaml" */
	char *prefix;    /* what the user typed before it, for messages */
	char *host;      /* expected host, NULL outside hosts/ */
};
int cmd_open_file_source(const char *file, struct cmd_file_source *out);
void cmd_file_source_clear(struct cmd_file_source *fs);

/* Observes this network namespace into *out; prints the failure. */
int cmd_read_kernel(const char *cmd, struct kobj_set *out);
/* "hostnet validate: message" on stderr. */
__attribute__((format(printf, 2, 3)))
void cmd_fail(const char *cmd, const char *fmt, ...);

/* Where the state database is and how long to wait for its lock: --state,
 * else $HOSTNET_STATE, else CMD_STATE_DEFAULT. */
#define CMD_STATE_DEFAULT "/var/lib/hostnet/state.db"
struct cmd_state_opts {
	const char *path;            /* NULL = environment or default */
	unsigned lock_timeout_ms;
};
#define CMD_STATE_OPTS_INIT { NULL, 5000 }
const char *cmd_state_path(const struct cmd_state_opts *o);
/* The DHCP clients' context (dhcp.h): their directory beside the state
 * database (<dir>/dhcp), udhcpc, and this program as their script; dir and
 * self are the caller's buffers. */
struct dhcp_ctx;
void cmd_dhcp_ctx(struct dhcp_ctx *c, const struct cmd_state_opts *so, char *dir, size_t dsize,
		  char *self, size_t ssize);
/* Parses a --lock-timeout value in seconds ("2.5"); -EINVAL when bad. */
int cmd_parse_seconds(const char *s, unsigned *ms);
struct store;
/* Opens the state database (STORE_READONLY or STORE_WRITE); prints the
 * failure once and returns NULL. */
struct store *cmd_open_state(const char *cmd, const struct cmd_state_opts *o, unsigned flags);
/* This machine's host name (for --host defaults): a static buffer. */
const char *cmd_default_host(void);
/* --host's default for a command that compares with the last applied
 * generation: `given` when set; else the one host this database has applied
 * generations of; else (none) this machine's short name, whose lookup then
 * fails with the usual "no applied generation" message.  With several hosts
 * it prints which and returns -EINVAL.  *out is the caller's to free. */
int cmd_generation_host(const char *cmd, struct store *st, const char *given, char **out);
struct store_generation;
/* The desired state a generation applied (store_generation_want()); prints
 * the failure.  The caller clears *out. */
int cmd_generation_want(const char *cmd, struct store *st, const struct store_generation *g,
			struct want *out);

/* The desired state of the last applied generation of this host (the
 * database's one host, else this machine's name), for what only it knows
 * (the services of adapters in place, realize.h).  Quiet: no database, no
 * generation or a damaged one leave *out empty.  0, or -ENOMEM. */
int cmd_applied_want(const struct cmd_state_opts *o, struct want *out);

/* One option grammar for every command.  A command lists only its own
 * options; cmd_getopt() adds the common ones, handles them and reports a bad
 * option once ("hostnet drift: unrecognized option '--x'"):
 *   --help, -h        its usage, then the common options; exit 0
 *   --version         "hostnet VERSION"; exit 0
 *   --state PATH      every command (so a script can pass it to all)
 *   --lock-timeout S  commands that take the state lock (CMD_OPT_LOCK)
 * Options may come anywhere after the command (GNU getopt permutes). */
enum cmd_opt_flags {
	CMD_OPT_STATE = 1u << 0,  /* the command opens the state database */
	CMD_OPT_LOCK = 1u << 1,   /* ... and may wait for its lock */
};
#define CMD_GETOPT_EXIT (-2)      /* cmd_getopt(): return parser.exit now */
#define CMD_GETOPT_MAX 32
struct cmd_parser {
	const char *cmd;               /* "drift" */
	void (*usage)(FILE *f);        /* the command's own part of --help */
	struct cmd_state_opts *so;     /* receives --state and --lock-timeout */
	unsigned flags;                /* enum cmd_opt_flags */
	int exit;                      /* the exit status after CMD_GETOPT_EXIT */
	/* private: the merged tables, built on the first call */
	struct option all[CMD_GETOPT_MAX];
	char shortopts[64];
	char prog[48];
};
#define CMD_PARSER_INIT(cmd, usage, so, flags) { (cmd), (usage), (so), (flags), 0, { { 0 } }, "", "" }
/* Like getopt_long() over argv (argv[0] is the command): returns the
 * command's own options, -1 at the end (optind is the first operand), or
 * CMD_GETOPT_EXIT once --help, --version or an error has been handled. */
int cmd_getopt(struct cmd_parser *p, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);

int cmd_observe(int argc, char **argv);
/* hostnet import: a host profile from what the kernel has (import.h). */
int cmd_import(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_state(int argc, char **argv);

/* Where a host's desired state comes from: a git repository (--repo, --ref,
 * --host) or a profile file. */
struct cmd_desired_opts {
	const char *repo, *ref, *host;
	const char *file;
	bool defer_hash;   /* no hash yet: cmd_desired_hash() when it is needed */
};

struct cmd_desired {
	struct want want;
	char *host;
	char *source;       /* "main:hosts/esx01.yaml" or the file as given */
	char *commit;       /* NULL for a file */
	char hash[41];      /* of the realized want: what the profile means; "" until
			     * cmd_desired_hash() when loaded with defer_hash */
	struct loader *loader;
	struct source *src;
	/* The files the profile was merged from, host file first, one a line
	 * (cmd_desired_files()); NULL when loading it said anything at all
	 * (a warning), so that a reused desired state never hides one. */
	char *files;
};

/* Loads, validates and realizes; prints problems.  0, -EINVAL (invalid
 * profile or source, reported), -ENOMEM. */
int cmd_desired_load(const char *cmd, const struct cmd_desired_opts *o, struct cmd_desired *d);
void cmd_desired_clear(struct cmd_desired *d);
/* A no-op plan without parsing (cmd-cached.c).  The source key: a text of
 * hostnet's version, a format number, the host, the kernel's capabilities
 * and, for each file of `files` (lines of a repository path, or of
 * "SIG<tab>PATH" as recorded), the id of its bytes and its path
 * (source_file_id(); a file whose SIG still holds takes its id from
 * `known_key`, the key recorded with SIG, unread).  *files_out: the lines to
 * record with it.  0, or the errno of reading a file; both the caller's. */
int cmd_source_key(char **key, char **files_out, struct source *src, const char *host,
		   const char *files, uint32_t caps, const char *known_key);
/* The source key to record with an apply of *d (cmd_source_key() of
 * d->files, taking the signatures of the last applied generation of the
 * host when it was keyed from the same files); -ENOENT when the profile
 * had diagnostics (d->files NULL). */
int cmd_desired_source_key(const struct cmd_desired *d, const struct cmd_state_opts *so,
			   uint32_t caps, char **key, char **files);
/* The `files` text of a host file and its fragments; -EINVAL for a path
 * that cannot be one line after a tab. */
int cmd_desired_files(char **out, const char *host_path, const char *const *frags, size_t n);
/* Fills *d (want, host, source, commit, hash; no loader) with the desired
 * state of the last applied generation of the host when its recorded source
 * key is the key of the same files now, and *gen with that generation.
 * Otherwise a negative errno and in *why a reason (for HOSTNET_DEBUG); it
 * prints nothing, so that the caller falls back to cmd_desired_load(). */
int cmd_desired_cached(const struct cmd_desired_opts *o, const struct cmd_state_opts *so,
		       struct cmd_desired *d, int64_t *gen, const char **why);
/* Fills d->hash if it is not yet: 0 or -ENOMEM. */
int cmd_desired_hash(struct cmd_desired *d);
/* The content hash of a want's canonical JSON. */
int cmd_want_hash(char out[41], const struct want *w);

/* A hash of what hostnet manages on the host now (owned objects and the
 * managed attributes of the links the want names): a saved plan holds it,
 * and apply refuses the plan when the host no longer matches it. */
int cmd_state_hash(char out[41], const struct kobj_set *have, const struct want *w);
/* Refuses (prints, -EOPNOTSUPP) a want this kernel cannot realize.  `so`
 * names the state directory that caches the probe (NULL: the default). */
int cmd_check_kernel(const char *cmd, const struct cmd_state_opts *so, const struct want *w,
		     uint32_t *caps);
/* What the kernel supports, probed once per boot and cached beside the state
 * database of `so` (NULL: the default one). */
int cmd_kernel_caps(const struct cmd_state_opts *so, uint32_t *caps);

struct diff;
struct engine_event;
struct engine_opts;
struct store_open_opts;
/* The store options of --state / --lock-timeout (and the test hooks). */
void cmd_store_opts(const struct cmd_state_opts *o, struct store_open_opts *out);
/* Prints an engine event (engine.h); ctx is the command's name ("apply"):
 * failures as "hostnet apply: ...", a rollback's news as "hostnet: ...". */
void cmd_engine_report(void *ctx, const struct engine_event *ev);
/* Who runs this process (audit.h), read on first use; the engine's reports
 * carry it into the audit trail. */
struct audit_who;
const struct audit_who *cmd_audit_who(void);
/* hostnet reconcile: records the runs as the pull agent's. */
void cmd_audit_agent(const char *remote, const char *branch);
/* The engine options every command starts from: the state database, its
 * lock and the report that prints as `cmd` (a string that must outlive
 * them). */
void cmd_engine_opts(struct engine_opts *o, const char *cmd, const struct cmd_state_opts *so);

/* Applying a desired state through the engine, and printing it: what apply
 * and reconcile share (cmd-transact.c). */
struct cmd_transact {
	const char *cmd;                /* names the messages: "apply" */
	const struct cmd_state_opts *so;
	bool auto_approve, color, connectivity;
	bool adopt;                   /* --adopt: foreign objects may be taken over */
	/* A plan that disturbs management (blast.h) is refused unless it runs
	 * under confirm_ms or this is set: the operator may lose the host. */
	bool allow_management;
	unsigned confirm_ms, dhcp_ms;
	/* apply PLANFILE: refuses (prints, <0) a host that changed since the
	 * plan was made; NULL for none. */
	int (*check)(void *ctx, const struct kobj_set *before, const struct diff *df);
	void *ctx;
	/* apply PLANFILE: the file, so that the plan it holds (printed when it
	 * was made) is named rather than printed again; NULL otherwise. */
	const char *planfile;
};
#define CMD_TRANSACT_DHCP_TIMEOUT_MS 30000u
/* Plans, asks (unless auto_approve), applies, and prints the outcome; the
 * exit status. */
int cmd_transact(const struct cmd_transact *t, struct cmd_desired *d);

int cmd_confirm(int argc, char **argv);
int cmd_reconcile(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_dhcp_hook(const char *event);
int cmd_plan(int argc, char **argv);
/* plan --base/--head: the desired states of two commits compared, per host. */
int cmd_plan_compare(const char *repo, const char *base_ref, const char *head_ref,
		     char **hosts, size_t n_hosts, bool markdown, bool detailed);
int cmd_apply(int argc, char **argv);
int cmd_drift(int argc, char **argv);
