/* sort: qsort and bsearch that accept an empty array given as NULL.
 * (The C library declares both pointers nonnull even when n is 0.) */
#pragma once

#include <stdlib.h>

/* Whether base[0..n) is already in order.  The big arrays hostnet sorts
 * (a profile's routes, a kernel dump, a decoded desired state) usually
 * arrive in order, and glibc's merge sort still spends n log n / 2
 * comparisons on a sorted array: at 100,000 routes a scan saves most of
 * each sort.  The result is the same: glibc's qsort is a stable merge sort,
 * which leaves an ordered array as it is. */
static inline int hn_sorted(const void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *))
{
	const char *p = base;

	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0)
			return 0;
	return 1;
}

static inline void hn_qsort(void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *))
{
	if (n > 1 && !hn_sorted(base, n, size, cmp))
		qsort(base, n, size, cmp);
}

static inline void *hn_bsearch(const void *key, const void *base, size_t n, size_t size,
			       int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}
