#include "esc.h"

#include <stdlib.h>
#include <string.h>

/* Longest escape of one character: "\U0010ffff". */
#define ESC_MAX 10

/* Decodes one UTF-8 character at s (n bytes left).  Returns its length,
 * or 0 when the bytes there are not valid UTF-8 (overlong forms,
 * surrogates and values above U+10FFFF included). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters that change how the text around them shows without showing
 * themselves: Unicode 15's format (Cf), line and paragraph separator (Zl,
 * Zp) characters, and the invisible fillers and joiners used to hide text
 * in identifiers. */
static bool invisible(uint32_t c)
{
	static const uint32_t ranges[][2] = {
		{ 0x00ad, 0x00ad }, { 0x034f, 0x034f }, { 0x0600, 0x0605 }, { 0x061c, 0x061c },
		{ 0x06dd, 0x06dd }, { 0x070f, 0x070f }, { 0x0890, 0x0891 }, { 0x08e2, 0x08e2 },
		{ 0x115f, 0x1160 }, { 0x17b4, 0x17b5 }, { 0x180b, 0x180f }, { 0x200b, 0x200f },
		{ 0x2028, 0x202e }, { 0x2060, 0x206f }, { 0x3164, 0x3164 }, { 0xfe00, 0xfe0f },
		{ 0xfeff, 0xfeff }, { 0xffa0, 0xffa0 }, { 0xfff9, 0xfffb }, { 0x110bd, 0x110bd },
		{ 0x110cd, 0x110cd }, { 0x13430, 0x1343f }, { 0x1bca0, 0x1bca3 },
		{ 0x1d173, 0x1d17a }, { 0xe0000, 0xe0fff },
	};

	for (size_t i = 0; i < sizeof(ranges) / sizeof(*ranges); i++)
		if (c >= ranges[i][0] && c <= ranges[i][1])
			return true;
	return false;
}

static bool unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || invisible(c);
}

long esc_find_unsafe(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t len = utf8_decode(p + i, n - i, &c);

		if (len == 0 || unsafe(c)) {
			if (cp)
				*cp = len ? c : p[i];
			return (long)i;
		}
		i += len;
	}
	return -1;
}

/* The escape of one character (len bytes at p, code point c; len 0 = an
 * invalid byte), or the bytes themselves; returns the bytes written to
 * out (ESC_MAX + 1 long). */
static size_t escape_one(char *out, const unsigned char *p, size_t len, uint32_t c)
{
	if (len == 0)
		return (size_t)snprintf(out, ESC_MAX + 1, "\\x%02x", p[0]);
	if (!unsafe(c)) {
		memcpy(out, p, len);
		return len;
	}
	switch (c) {
	case '\n':
		return (size_t)snprintf(out, ESC_MAX + 1, "\\n");
	case '\t':
		return (size_t)snprintf(out, ESC_MAX + 1, "\\t");
	case '\r':
		return (size_t)snprintf(out, ESC_MAX + 1, "\\r");
	}
	if (c < 0x80)
		return (size_t)snprintf(out, ESC_MAX + 1, "\\x%02x", (unsigned)c);
	if (c <= 0xffff)
		return (size_t)snprintf(out, ESC_MAX + 1, "\\u%04x", (unsigned)c);
	return (size_t)snprintf(out, ESC_MAX + 1, "\\U%08x", (unsigned)c);
}

const char *esc_text(char *dst, size_t size, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (size == 0)
		return dst;
	for (size_t i = 0; i < len;) {
		char one[ESC_MAX + 1];
		uint32_t c = 0;
		size_t n = utf8_decode(p + i, len - i, &c), w = escape_one(one, p + i, n, c);

		/* Keep room for "..." whenever more may follow. */
		if (o + w + (i + (n ? n : 1) < len ? 3 : 0) >= size) {
			if (o + 3 < size) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(dst + o, one, w);
		o += w;
		i += n ? n : 1;
	}
	dst[o] = '\0';
	return dst;
}

char *esc_dup(const char *s)
{
	size_t len = strlen(s), size = len * (ESC_MAX / 2 + 1) + 1;
	char *r;

	/* Each input byte becomes at most 4 output bytes ("\xNN"); a
	 * character of 2..4 bytes at most ESC_MAX.  So size is enough. */
	if (len > (SIZE_MAX - 1) / (ESC_MAX / 2 + 1))
		return NULL;
	r = malloc(size);
	if (r)
		esc_text(r, size, s, len);
	return r;
}

void esc_fputs(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		char one[ESC_MAX + 1];
		uint32_t c = 0;
		size_t n, j = i;

		/* Printable ASCII is never escaped: one write for the run (a
		 * plan of 100,000 routes is mostly that), not one per byte. */
		while (j < len && p[j] >= 0x20 && p[j] < 0x7f)
			j++;
		if (j > i) {
			fwrite(p + i, 1, j - i, f);
			i = j;
			continue;
		}
		n = utf8_decode(p + i, len - i, &c);
		fwrite(one, 1, escape_one(one, p + i, n, c), f);
		i += n ? n : 1;
	}
}

void esc_vline(FILE *f, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		esc_fputs(fmt, f);
	else
		esc_fputs(s, f);
	fputc('\n', f);
	free(s);
}

void esc_line(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	esc_vline(f, fmt, ap);
	va_end(ap);
}
