#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#define SUGGEST_MAX_LEN 64
#define SUGGEST_MAX_EDITS 2
#define SUGGEST_FAR (SUGGEST_MAX_EDITS + 1)

unsigned long suggest_distance_count;

struct suggest_entry {
	const void *set;
	char *word;
	const char *hint;          /* borrowed from the candidate list, or NULL */
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance over bytes, case-insensitive for ASCII
 * so "MTU" finds "mtu", computed only in the band |i - j| <= 2: anything
 * farther is no typo, and the band keeps one comparison at 5 cells a byte.
 * Returns SUGGEST_FAR for "more than 2". */
static size_t osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];

	suggest_distance_count++;
	if ((la > lb ? la - lb : lb - la) > SUGGEST_MAX_EDITS)
		return SUGGEST_FAR;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t lo = i > SUGGEST_MAX_EDITS ? i - SUGGEST_MAX_EDITS : 1;
		size_t hi = i + SUGGEST_MAX_EDITS < lb ? i + SUGGEST_MAX_EDITS : lb;
		size_t row_min = SUGGEST_FAR;

		/* Cells just outside the band read as "far". */
		if (lo > 1)
			d[i][lo - 1] = SUGGEST_FAR;
		if (hi < lb)
			d[i][hi + 1] = SUGGEST_FAR;
		for (size_t j = lo; j <= hi; j++) {
			char ca = lower(a[i - 1]), cb = lower(b[j - 1]);
			size_t best = d[i - 1][j] + 1;

			if (j > i + SUGGEST_MAX_EDITS - 1)
				best = SUGGEST_FAR;   /* d[i-1][j] is outside the band */
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + (ca != cb) < best)
				best = d[i - 1][j - 1] + (ca != cb);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best < SUGGEST_FAR ? best : SUGGEST_FAR;
			if (d[i][j] < row_min)
				row_min = d[i][j];
		}
		if (row_min >= SUGGEST_FAR)
			return SUGGEST_FAR;
	}
	return d[la][lb];
}

/* The scan behind both entry points; `budget` NULL = unbounded. */
static const char *closest(const char *word, const char *const *cands, size_t n, size_t *spent)
{
	size_t lw = strlen(word), best_d = SUGGEST_FAR;
	const char *best = NULL;

	if (lw == 0 || lw > SUGGEST_MAX_LEN)
		return NULL;
	for (size_t i = 0; i < n && best_d > 0; i++) {
		size_t d, lc;

		if (spent && ++*spent > SUGGEST_BUDGET)
			return NULL;
		if (!cands[i] || (lc = strnlen(cands[i], SUGGEST_MAX_LEN + 1)) > SUGGEST_MAX_LEN)
			continue;
		d = osa_distance(word, lw, cands[i], lc);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	if (!best || best_d > SUGGEST_MAX_EDITS || (best_d > 0 && best_d * 2 >= lw))
		return NULL;
	return best;
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
	return closest(word, cands, n, NULL);
}

static int entry_cmp(const void *set, const char *word, const struct suggest_entry *e)
{
	if (set != e->set)
		return (const char *)set < (const char *)e->set ? -1 : 1;
	return strcmp(word, e->word);
}

const char *suggest_cached(struct suggest *s, const void *set, const char *word,
			   const char *const *cands, size_t n)
{
	size_t lo = 0, hi = s->n;
	struct suggest_entry e;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = entry_cmp(set, word, &s->v[mid]);

		if (c == 0)
			return s->v[mid].hint;
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->spent >= SUGGEST_BUDGET)
		return NULL;
	e = (struct suggest_entry){ .set = set, .hint = closest(word, cands, n, &s->spent) };
	/* Callers ask at most once per printed diagnostic (1,000 by default),
	 * so the insertion's move stays small. */
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct suggest_entry *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return e.hint;
		s->v = v;
		s->cap = cap;
	}
	e.word = strdup(word);
	if (!e.word)
		return e.hint;
	memmove(&s->v[lo + 1], &s->v[lo], (s->n - lo) * sizeof(*s->v));
	s->v[lo] = e;
	s->n++;
	return e.hint;
}

void suggest_clear(struct suggest *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].word);
	free(s->v);
	*s = (struct suggest){ 0 };
}
