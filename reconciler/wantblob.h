/* wantblob: a generation's desired state (struct want) as one packed,
 * versioned blob (state/0006-generation-wants.sql).
 *
 * Why: as canonical JSON the want of 100k routes took ~680 ms to build,
 * print and free on every apply and ~20 MB in the database; packed with
 * snapblob's primitives (snapblob-private.h) it is a few MB and a few tens
 * of ms.  Pure: no SQLite, no I/O, so the fuzzer takes it whole.
 *
 * The encoding (version 1), built on snapblob.h's uv, str, and objects:
 *
 *   blob    = "HNWB" u8:version uv:n_links uv:n_addrs uv:n_routes
 *             uv:n_rules uv:n_tables uv:needs
 *             uv:table*n_tables (strictly ascending)
 *             loc for each bit set in needs, lowest first
 *             wlink*n_links waddr*n_addrs wroute*n_routes wrule*n_rules
 *   wlink   = snapblob link, str:master str:peer str:parent str:primary
 *             uv:bits uv:pvid uv:manage loc
 *             bits: 1 dhcp4, 2 vlan_filtering, 4 foreign
 *   waddr   = str:dev, snapblob address, loc
 *   wroute  = str:dev, snapblob route, loc
 *   wrule   = snapblob rule, loc
 *   loc     = uv:file uv:line uv:col; file 0 = none, 1..n = the n-th file
 *             name met so far, n + 1 = a new one, followed by str:name
 *             (not met before, at most WANTBLOB_FILE_MAX bytes)
 *
 * Arrays keep the want's order.  Links are by name, strictly (want_link()
 * searches them) and tables strictly ascending, which the decoder checks;
 * the differ sorts addresses, routes and rules itself, and a want read
 * from a saved plan leaves them in the file's order.  At most
 * WANTBLOB_FILES_MAX distinct file names.  The
 * encoding is canonical: a blob the decoder accepts encodes back to the
 * same bytes. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "realize.h"
#include "snapblob.h"

#define WANTBLOB_VERSION   1
/* Version 2: version 1 followed by snapblob's tail (the ruleset, each
 * link's ARP settings), then the ruleset's loc when it has one; a want
 * with neither encodes as version 1. */
#define WANTBLOB_VERSION_FW 2
/* Version 3: version 1, u8:1 and version 2's tail (with its loc) or u8:0,
 * then the adapters in place (realize.h: a link's in_place_services):
 *   uv:n (at least 1), n * (uv:link index, strictly ascending,
 *   uv:services (not 0), str:stack)
 * A want without adapters in place encodes as version 1 or 2. */
#define WANTBLOB_VERSION_IN_PLACE 3
#define WANTBLOB_FILE_MAX  4096
#define WANTBLOB_FILES_MAX 1024

/* Encode `w` into a malloc'd buffer the caller frees.  0, -ENOMEM, or
 * -EINVAL with *err set for a value that could not be decoded back. */
int wantblob_encode(uint8_t **out, size_t *out_len, const struct want *w,
		    struct snapblob_err *err);

/* Decode `len` bytes into *out, which the caller clears (want_clear()).
 * 0, -ENOMEM, or -EUCLEAN with *err set for a damaged blob. */
int wantblob_decode(struct want *out, const uint8_t *buf, size_t len,
		    struct snapblob_err *err);
