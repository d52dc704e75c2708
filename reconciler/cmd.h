/* cmd: the subcommands.  Each cmd_<name>() parses its own options, does its
 * work and is the only place that prints.  Exit codes: 0 success, 1 error;
 * commands that report a difference (plan, drift) use 2 for "changes". */
#pragma once

#include <stdbool.h>

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

struct kobj_set;

int cmd_validate(int argc, char **argv);
int cmd_show(int argc, char **argv);

/* Prints diagnostics to stderr sorted by position, each once (a fragment
 * shared by many hosts reports its problems a single time). */
void cmd_print_diags(struct diag_list *diags);
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
/* Parses a --lock-timeout value in seconds ("2.5"); -EINVAL when bad. */
int cmd_parse_seconds(const char *s, unsigned *ms);
struct store;
/* Opens the state database (STORE_READONLY or STORE_WRITE); prints the
 * failure once and returns NULL. */
struct store *cmd_open_state(const char *cmd, const struct cmd_state_opts *o, unsigned flags);
/* This machine's host name (for --host defaults): a static buffer. */
const char *cmd_default_host(void);

int cmd_observe(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_state(int argc, char **argv);
