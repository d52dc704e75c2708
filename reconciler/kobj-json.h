/* kobj-json: an observed host (struct kobj_set) as JSON and back, for
 * `hostnet observe --export` and `hostnet plan --against-snapshot`: a CI
 * job can then plan against a host it cannot reach. */
#pragma once

#include <jansson.h>

#include "kobj.h"

/* A new object (json_decref), NULL on ENOMEM. */
json_t *kobj_set_to_json(const struct kobj_set *s);
/* -EINVAL with a message in *err (malloc'd) for anything malformed. */
int kobj_set_from_json(struct kobj_set *out, const json_t *j, char **err);
/* A whole `hostnet observe --export` file: {"hostnet_snapshot": 1, "host",
 * "taken_at", "state"}; another format version, an unknown key or a bad
 * value is -EINVAL with its JSON path ("state.links[3].mtu: ..."). */
int kobj_snapshot_doc_read(struct kobj_set *out, const json_t *doc, char **err);
/* Bridge port flags (bits of enum kobj_brport_flag) as a list of their
 * names, in enum order; NULL when out of memory.  Shared by every JSON
 * writer of links. */
json_t *kobj_json_brport(uint8_t bits);

struct jread;
/* A bond's failure detection, as the key "bond_mon" of a link object
 * ({"miimon", "arp_interval", "arp_validate", "arp_targets": [IPv4...]}),
 * left out when all zero so that files from before it read the same.
 * 0, or -ENOMEM. */
int kobj_json_put_bond_mon(json_t *link, const struct kobj_bond_mon *m);
/* A bridge port's VLANs as the key "brvlan" ({"pvid": N, "tagged": [...]})
 * of a link object, only when it has them; and read back (optional). */
int kobj_json_put_brvlan(json_t *link, const struct kobj_link *l);
void kobj_json_read_brvlan(struct jread *j, const json_t *link, struct kobj_link *l);
/* Reads "bond_mon" (optional) of a link object; failures go to j. */
void kobj_json_read_bond_mon(struct jread *j, const json_t *link, struct kobj_bond_mon *m);
