/* hostnet: declarative VMkernel-style host networking for Linux. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dhcp.h"
#include "store.h"

static const struct cmd cmd_table[] = {
	{ "validate", cmd_validate, "[--repo PATH [--ref REF] [--host H]...] [FILE...]",
	  "check host profiles; errors as FILE:LINE:COLUMN" },
	{ "show", cmd_show, "adapters|interfaces|addresses|routes|stacks|firewall [--json]",
	  "the host as the kernel has it now" },
	{ "plan", cmd_plan, "[--repo R [--ref REF]] [--host H] [FILE] [--format F] [--out PLANFILE]",
	  "show what apply would change (changes nothing)" },
	{ "apply", cmd_apply, "[--repo R [--ref REF]] [--host H] [FILE|PLANFILE] [--auto-approve]",
	  "make the host match its profile; verify; roll back on failure" },
	{ "confirm", cmd_confirm, "[--host H] [--expire]",
	  "keep a change made with apply --confirm-timeout" },
	{ "drift", cmd_drift, "[--format F] [--exit-code] [--metrics FILE]",
	  "how the host differs from the last applied generation" },
	{ "reconcile", cmd_reconcile, "--remote URL [--branch B] [--interval S]",
	  "pull the profiles repository and apply this host's profile" },
	{ "ping", cmd_ping, "[-I ADAPTER | -S STACK] [-d] [-s SIZE] DEST",
	  "vmkping: ICMP echo from an adapter through its stack" },
	{ "check", cmd_check, "mtu", "jumbo-frame path check of every adapter to its gateway" },
	{ "import", cmd_import, "[--host H] [--out FILE] [--uplinks LIST]",
	  "write a host profile from what the kernel has (changes nothing)" },
	{ "observe", cmd_observe, "[--host H] [--state PATH]",
	  "record the kernel's state as a snapshot; print its id" },
	{ "history", cmd_history, "[--host H] [--limit N] [--json]",
	  "list snapshots, applied generations and drift reports" },
	{ "state", cmd_state, "check|info [--state PATH]",
	  "check the state database" },
};
static const unsigned cmd_table_len = sizeof(cmd_table) / sizeof(cmd_table[0]);

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet COMMAND [options]\n\ncommands:\n");
	for (unsigned i = 0; i < cmd_table_len; i++)
		fprintf(f, "  %-10s %s\n", cmd_table[i].name, cmd_table[i].summary);
	fprintf(f, "\n'hostnet COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
	/* udhcpc runs hostnet as its script (dhcp.h). */
	if (argc == 2 && getenv(DHCP_HOOK_ENV))
		return cmd_dhcp_hook(argv[1]);
	if (argc < 2) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CMD_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hostnet %s\n", PACKAGE_VERSION);
		return CMD_EXIT_OK;
	}
	for (unsigned i = 0; i < cmd_table_len; i++) {
		int rc;

		if (strcmp(argv[1], cmd_table[i].name) != 0)
			continue;
		rc = cmd_table[i].run(argc - 1, argv + 1);
		/* A damaged state database ends every command in failure, even
		 * one that carried on past a store call whose error it ignored;
		 * a command that failed has printed the message already. */
		if (store_damage_seen() && rc != CMD_EXIT_ERROR) {
			fprintf(stderr, "hostnet %s: %s\n", argv[1], store_damage_seen());
			rc = CMD_EXIT_ERROR;
		}
		return rc;
	}
	fprintf(stderr, "hostnet: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CMD_EXIT_ERROR;
}
