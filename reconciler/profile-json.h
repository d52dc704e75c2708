/* profile-json: the merged, defaulted model as JSON (what hostnet will act on). */
#pragma once

#include <jansson.h>

struct profile;

/* A new JSON object (caller owns the reference: json_decref), NULL on ENOMEM.
 * Keys appear in schema order; defaults are filled in, so the output shows
 * exactly what the profile means after `extends`. */
json_t *profile_to_json(const struct profile *p);
