/* arena: bump allocation for trees that are freed as a whole.
 *
 * Parsed documents and profiles are built once and dropped together, so one
 * owner (the arena) for all their nodes and strings keeps cleanup trivial. */
#pragma once

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* Accepts NULL. Returns NULL. */
struct arena *arena_free(struct arena *a);

/* Zeroed memory, aligned for any type; NULL on ENOMEM or overflow. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Grow an array allocated from the arena (old contents copied; old block is
 * not reclaimed until the arena goes). */
void *arena_grow(struct arena *a, void *old, size_t old_n, size_t new_n, size_t size);
