/* cmd-show-fw: `hostnet show firewall [--json]`, the counters of table
 * inet hostnet: per adapter and service what was accepted, per adapter
 * what was dropped (fw.h names them <adapter>.<service>, <adapter>.drop). */
#include "cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"
#include "nft.h"
#include "table.h"

/* Splits "<adapter>.<service>" at its last dot (adapter names may have dots). */
static void split(const char *name, char *adapter, size_t size, const char **service)
{
	const char *dot = strrchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);

	snprintf(adapter, size, "%.*s", (int)n, name);
	*service = dot ? dot + 1 : "";
}

int cmd_show_firewall(bool json)
{
	static const char *const headers[] = { "ADAPTER", "SERVICE", "PACKETS", "BYTES", NULL };
	struct hnft_counter *v = NULL;
	struct table *t = NULL;
	json_t *arr = NULL;
	char err[400];
	size_t n;
	int r, rc = CMD_EXIT_ERROR;

	r = hnft_counters(&v, &n, err, sizeof(err));
	if (r < 0) {
		cmd_fail("show", "cannot read table inet hostnet: %s", err);
		return CMD_EXIT_ERROR;
	}
	if (json ? !(arr = json_array()) : !(t = table_new(headers)))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		char adapter[64], pk[24], by[24];
		const char *svc;
		bool drop;

		split(v[i].name, adapter, sizeof(adapter), &svc);
		drop = strcmp(svc, FW_DROP_COUNTER) == 0;
		if (json) {
			if (json_array_append_new(arr, json_pack("{s:s,s:s?,s:s,s:I,s:I}", "adapter", adapter,
				"service", drop ? NULL : svc, "action", drop ? "drop" : "accept",
				"packets", (json_int_t)v[i].packets, "bytes", (json_int_t)v[i].bytes)) < 0)
				goto oom;
			continue;
		}
		snprintf(pk, sizeof(pk), "%" PRIu64, v[i].packets);
		snprintf(by, sizeof(by), "%" PRIu64, v[i].bytes);
		if (table_add(t, (const char *const[]){ adapter, drop ? "(dropped)" : svc, pk, by }) < 0)
			goto oom;
	}
	if (json) {
		if (json_dumpf(arr, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF)
			goto oom;
	} else {
		table_print(t, stdout);
	}
	rc = fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR;
	goto out;
oom:
	cmd_fail("show", "out of memory");
out:
	json_decref(arr);
	table_free(t);
	free(v);
	return rc;
}
