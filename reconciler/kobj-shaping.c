/* kobj-shaping: tbf's bucket as the kernel keeps it (64 ns psched ticks),
 * and when two shapings are the same kernel state.  Pure arithmetic on the
 * kernel-object types: the differ compares with it, the netlink layer sends
 * and reads back with it, and neither needs the other. */
#include "kobj.h"

#include <errno.h>

/* The kernel keeps tbf's buckets as time in psched ticks of 64 ns
 * (PSCHED_SHIFT 6) and caps each at ~0U nanoseconds. */
#define SHAPING_TICK_NS    64u
#define SHAPING_MAX_NS     UINT32_MAX
#define SHAPING_NS_PER_SEC 1000000000ull

int kobj_shaping_ticks(uint32_t *out, uint64_t rate, uint64_t bytes)
{
	uint64_t ns, ticks;

	/* bytes * 1e9 must not wrap: a u32 burst times 1e9 is below 2^62. */
	if (rate == 0 || bytes > UINT32_MAX)
		return -EINVAL;
	/* Round up, twice (ceil(ceil(x) / 64) == ceil(x / 64)): the bucket
	 * holds at least `bytes`, so a peak bucket of MTU + 14 bytes passes a
	 * full frame where rounding down would drop it. */
	ns = bytes * SHAPING_NS_PER_SEC / rate + (bytes * SHAPING_NS_PER_SEC % rate != 0);
	ticks = (ns + SHAPING_TICK_NS - 1) / SHAPING_TICK_NS;
	if (ticks * SHAPING_TICK_NS > SHAPING_MAX_NS)
		return -ERANGE;
	*out = (uint32_t)ticks;
	return 0;
}

uint64_t kobj_shaping_bytes(uint64_t rate, uint32_t ticks)
{
	uint64_t ns = (uint64_t)ticks * SHAPING_TICK_NS;
	uint64_t q = ns / SHAPING_NS_PER_SEC, r = ns % SHAPING_NS_PER_SEC;
	uint64_t rh = rate / SHAPING_NS_PER_SEC, rl = rate % SHAPING_NS_PER_SEC;

	/* floor(ns * rate / 1e9) without a 128-bit product: r and rl are
	 * below 1e9, so r * rl stays below 2^60. */
	return q * rate + r * rh + r * rl / SHAPING_NS_PER_SEC;
}

bool kobj_shaping_equal(const struct kobj_shaping *a, const struct kobj_shaping *b)
{
	uint32_t ta, tb;
	uint64_t diff, tol;
	int ra, rb;

	if (a->rate != b->rate || a->peak != b->peak)
		return false;
	if (a->burst == b->burst)
		return true;
	ra = kobj_shaping_ticks(&ta, a->rate, a->burst);
	rb = kobj_shaping_ticks(&tb, b->rate, b->burst);
	/* Sent as exact ticks: the same bucket iff the same tick count. */
	if (ra == 0 && rb == 0)
		return ta == tb;
	if ((ra < 0 && ra != -ERANGE) || (rb < 0 && rb != -ERANGE))
		return false;
	/* A long bucket went as TCA_TBF_BURST bytes: the kernel's time for
	 * it is short of exact by under 2^-31 of itself (its rate's 32-bit
	 * fixed point, under 2 bytes for a u32 burst) plus 1 ns, the dump
	 * truncates it to ticks (under one tick, T = rate * 64 ns bytes) and
	 * the bytes are rounded down (under 1): under T * 65/64 + 3 bytes. */
	diff = a->burst > b->burst ? a->burst - b->burst : b->burst - a->burst;
	tol = (a->rate * 65 + 999999999u) / 1000000000u + 3;
	return diff <= tol;
}
