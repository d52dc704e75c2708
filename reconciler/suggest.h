/* suggest: "did you mean" for misspelt keys and names. */
#pragma once

#include <stddef.h>

/* The candidate closest to `word` by edit distance (a swap of two adjacent
 * letters counts once), if it is close enough to be a likely typo: at most
 * 2 edits and fewer than half of word's length.  NULL otherwise.  Ties go to
 * the earlier candidate, so the answer is deterministic. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);
