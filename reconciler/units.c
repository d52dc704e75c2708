#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *name;
	uint64_t mult;
};

static const struct unit rate_units[] = {
	{ "tbit", 1000000000000ull }, { "gbit", 1000000000ull }, { "mbit", 1000000ull },
	{ "kbit", 1000ull }, { "bit", 1ull },
};

static const struct unit size_units[] = {
	{ "gb", 1ull << 30 }, { "gib", 1ull << 30 }, { "mb", 1ull << 20 }, { "mib", 1ull << 20 },
	{ "kb", 1ull << 10 }, { "kib", 1ull << 10 }, { "b", 1ull },
};

static int parse(const char *s, const struct unit *units, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(p, units[i].name) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mult)
			return -ERANGE;
		*out = v * units[i].mult;
		return 0;
	}
	return -EINVAL;
}

int units_parse_rate(const char *s, uint64_t *bits_per_s)
{
	return parse(s, rate_units, sizeof(rate_units) / sizeof(rate_units[0]), bits_per_s);
}

int units_parse_size(const char *s, uint64_t *bytes)
{
	return parse(s, size_units, sizeof(size_units) / sizeof(size_units[0]), bytes);
}

/* Units are tried largest first; the first that divides exactly wins. */
static char *format(uint64_t v, const struct unit *units, size_t n, char *buf, size_t size)
{
	for (size_t i = 0; i < n; i++) {
		if (v != 0 && v % units[i].mult != 0)
			continue;
		if (units[i].mult > 1 && v == 0)
			continue;
		snprintf(buf, size, "%llu%s", (unsigned long long)(v / units[i].mult), units[i].name);
		return buf;
	}
	snprintf(buf, size, "%llu", (unsigned long long)v);
	return buf;
}

char *units_format_rate(uint64_t bits_per_s, char *buf, size_t size)
{
	return format(bits_per_s, rate_units, sizeof(rate_units) / sizeof(rate_units[0]), buf, size);
}

char *units_format_size(uint64_t bytes, char *buf, size_t size)
{
	/* Skip the "gib" spellings: one name per multiplier when printing. */
	static const struct unit print_units[] = {
		{ "gb", 1ull << 30 }, { "mb", 1ull << 20 }, { "kb", 1ull << 10 }, { "b", 1ull },
	};

	return format(bytes, print_units, sizeof(print_units) / sizeof(print_units[0]), buf, size);
}
