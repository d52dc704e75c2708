/* suggest: "did you mean" for misspelt keys and names.
 *
 * A hint costs an edit distance per candidate, and hostile profiles bring
 * tens of thousands of unknown words and of candidates.  So a struct suggest
 * (one per validation pass) caches the answer per word and candidate set and
 * stops suggesting once SUGGEST_BUDGET comparisons are spent; callers ask
 * only for hints that are printed (diag_will_record()).  All of that keeps
 * the cost of hints bounded, whatever the input. */
#pragma once

#include <stddef.h>

/* Candidate comparisons one pass may spend on hints (each at most a band
 * of 5 x 64 cells): a few milliseconds; a real profile spends far less. */
#define SUGGEST_BUDGET 200000u

struct suggest_entry;

struct suggest {
	struct suggest_entry *v;   /* sorted by (set, word) */
	size_t n, cap;
	size_t spent;              /* comparisons so far, against SUGGEST_BUDGET */
};

/* The candidate closest to `word` by edit distance (a swap of two adjacent
 * letters counts once), if it is close enough to be a likely typo: at most
 * 2 edits and fewer than half of word's length.  NULL otherwise.  Ties go to
 * the earlier candidate, so the answer is deterministic.  Uncached and
 * unbudgeted: for short fixed candidate lists. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

/* The same through `s`: `set` identifies the candidate list (the same
 * pointer means the same candidates), and a word already asked about is
 * answered from the cache.  NULL also when the budget is spent or memory
 * runs out (a hint is a courtesy, never an error). */
const char *suggest_cached(struct suggest *s, const void *set, const char *word,
			   const char *const *cands, size_t n);

/* Frees the cache; `s` itself may live on the stack.  Accepts NULL. */
void suggest_clear(struct suggest *s);

/* Edit distances computed by this process, for tests that check hints stay
 * bounded without timing anything. */
extern unsigned long suggest_distance_count;
