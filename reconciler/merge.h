/* merge: layering of YAML trees for `extends`.
 *
 * A host file is laid over the fragments it extends, in order:
 *  - mappings merge key by key (the later value wins, recursively);
 *  - lists whose items are all mappings with a scalar `name` merge by name
 *    (an item of the later list merges into the earlier item of that name,
 *    new names are appended), so a host can change one switch's MTU;
 *  - other lists of mappings (routes) are concatenated;
 *  - anything else (scalars, lists of scalars) is replaced.
 * The result shares unchanged nodes with the inputs, which must outlive it,
 * so every value keeps the position of the file it came from. */
#pragma once

#include "ydoc.h"

struct arena;

/* Returns the merged tree (new nodes from `arena`), `base` or `over` when the
 * other is NULL, or NULL on ENOMEM. */
struct ydoc_node *merge_trees(struct arena *arena, struct ydoc_node *base, struct ydoc_node *over);
