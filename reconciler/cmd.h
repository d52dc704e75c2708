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
