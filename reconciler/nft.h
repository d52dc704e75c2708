/* nft: libnftables, only here.  hostnet's table `inet hostnet` (fw.h) as
 * text: listed, replaced in one transaction, deleted; its named counters.
 * Every other table, and iptables-nft's, is never named here, so never
 * touched.  Errors: a negative errno with libnftables' message in err. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The table as `nft -s list table inet hostnet` prints it (stateless: no
 * counter values, no handles), malloc'd in *out; *out = NULL when the
 * table does not exist.  0 or a negative errno. */
int hnft_list(char **out, char *err, size_t size);

/* Makes the table exactly `text` (a whole "table inet hostnet { ... }"),
 * or removes it (text NULL), in one transaction: the kernel commits the
 * deletion and the new table together or neither. */
int hnft_replace(const char *text, char *err, size_t size);

/* A named counter of the table. */
struct hnft_counter {
	char name[64];       /* "<adapter>.<service>" or "<adapter>.drop" */
	uint64_t packets, bytes;
};

/* The table's counters, sorted by name (malloc'd array in *out); none when
 * the table does not exist.  0 or a negative errno. */
int hnft_counters(struct hnft_counter **out, size_t *n, char *err, size_t size);
