/* sort: qsort and bsearch that accept an empty array given as NULL.
 * (The C library declares both pointers nonnull even when n is 0.) */
#pragma once

#include <stdlib.h>

static inline void hn_qsort(void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static inline void *hn_bsearch(const void *key, const void *base, size_t n, size_t size,
			       int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}
