/* blast: the services each planned action disturbs (its blast radius).
 *
 * An action disturbs the services running over the adapters it affects
 * when it can interrupt them: an adapter deleted or replaced, set down, its
 * MTU lowered, its MAC, master (switch or VRF) or stack changed, a service
 * tag taken off it, an address, route or rule of it changed or removed, or
 * the same done to a switch, bond or uplink under it.  Creations disturb
 * nothing (what is new carries no traffic yet).  The services of an adapter
 * are those it carries now (the observed side of its action) and those the
 * profile gives it.
 *
 * Pure.  A new kind of action (nftables rules on an adapter) adds its case
 * to the switch in blast_action(): the adapters it affects, each turned
 * into services with blast_adapter(), when the action disturbs them;
 * -Wswitch-enum points there. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "diff.h"
#include "profile.h"

struct blast;

/* What blast_action() looks up for one diff, built once (a name index of
 * the adapters the diff deletes, the tables of the stacks).  NULL on ENOMEM.
 * `d` must outlive it. */
struct blast *blast_new(const struct diff *d);
void blast_free(struct blast *b);   /* NULL ok */

/* The services adapter `name` carries (now, or by the profile if it exists
 * already; one the diff creates carries none yet): the hook for new kinds
 * of action, which know the adapters they touch. */
uint32_t blast_adapter(const struct blast *b, const char *name);
/* Bits (1u << enum profile_service) of the services action `a` disturbs. */
uint32_t blast_action(const struct blast *b, const struct diff_action *a);
/* Over the whole diff: the union, and in counts[s] how many actions
 * disturb service s (counts may be NULL). */
uint32_t blast_diff(const struct blast *b, size_t counts[PROFILE_SERVICE__MAX]);
/* "management, vmotion" ("" for none). */
void blast_text(uint32_t services, char *buf, size_t size);
