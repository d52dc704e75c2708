/* units: bandwidths and sizes as operators write them ("1gbit", "100mb").
 *
 * Rates are bits per second with decimal prefixes, as tc(8) and ESXi's
 * shaping (Kbit/s) count them: bit, kbit, mbit, gbit, tbit.  Sizes are bytes
 * with binary prefixes, as tc(8) reads "kb" and ESXi counts its burst KB:
 * b, kb, mb, gb (also written kib, mib, gib).  A unit is required: a bare
 * number could mean either. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* 0, or -EINVAL (no number, no or unknown unit) or -ERANGE (beyond 2^64). */
int units_parse_rate(const char *s, uint64_t *bits_per_s);
int units_parse_size(const char *s, uint64_t *bytes);

/* The shortest exact spelling: 1000000000 -> "1gbit", 131072 -> "128kb";
 * writes at most `size` bytes and returns buf. */
char *units_format_rate(uint64_t bits_per_s, char *buf, size_t size);
char *units_format_size(uint64_t bytes, char *buf, size_t size);
