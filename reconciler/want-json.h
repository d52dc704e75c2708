/* want-json: the desired state as JSON and back, for saved plans and for
 * the generations drift is measured against.  The encoding is canonical
 * (fixed key order, sorted arrays), so equal wants give equal text, and its
 * hash identifies what a profile means whatever its YAML looked like. */
#pragma once

#include <jansson.h>
#include <stdio.h>

#include "diag.h"
#include "realize.h"

/* A new JSON object (json_decref), NULL on ENOMEM. */
json_t *want_to_json(const struct want *w);
/* The same without source locations: what the profile means, whichever
 * commit or file it was read from (for content hashes). */
json_t *want_to_json_bare(const struct want *w);
/* Reads what want_to_json wrote.  -EINVAL (message in *err, malloc'd) for
 * anything malformed, -ENOMEM.  *out is the caller's: want_clear(). */
int want_from_json(struct want *out, const json_t *j, char **err);

/* A whole `hostnet plan --out` file: {"hostnet_plan": 1, "host", "source",
 * "commit", "profile_hash", "state_hash", "want", "plan"}; another format
 * version, an unknown key or a bad value is -EINVAL with its JSON path
 * ("want.links[3].mtu: ..."). */
int want_plan_doc_read(struct want *out, const json_t *doc, char **err);

/* The want as canonical text without source positions, one object a line,
 * for content hashes (what the profile means, whatever its YAML looked
 * like).  0 or -EIO. */
int want_write_canonical(FILE *f, const struct want *w);

/* One link/address/route/rule as a JSON object (also used by plan output). */
json_t *want_json_link(const struct want_link *l);
json_t *want_json_addr(const struct want_addr *a);
json_t *want_json_route(const struct want_route *r);
json_t *want_json_rule(const struct want_rule *r);
