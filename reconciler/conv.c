#include "conv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "suggest.h"

struct hn_loc conv_loc(const struct ydoc_node *n)
{
	return n ? n->loc : (struct hn_loc){ 0 };
}

__attribute__((format(printf, 4, 0)))
static void conv_addv(struct conv *c, enum diag_severity s, const struct ydoc_node *n,
		      const char *fmt, va_list ap)
{
	struct hn_loc loc = conv_loc(n);

	if (s == DIAG_SEVERITY_ERROR)
		c->failed = true;
	if (diag_addv(c->diags, s, n ? &loc : NULL, fmt, ap) < 0)
		c->oom = true;
}

void conv_error(struct conv *c, const struct ydoc_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conv_addv(c, DIAG_SEVERITY_ERROR, n, fmt, ap);
	va_end(ap);
}

void conv_warn(struct conv *c, const struct ydoc_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conv_addv(c, DIAG_SEVERITY_WARNING, n, fmt, ap);
	va_end(ap);
}

static bool all_digits(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s >= '0' && *s <= '9') && !strchr(extra, *s))
			return false;
	return true;
}

static bool is_yaml11_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return s[2] && strspn(s + 2, "0123456789abcdefABCDEF_") == strlen(s + 2);
	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		return s[2] && strspn(s + 2, "01_") == strlen(s + 2);
	if (s[0] == '0')
		return strspn(s, "01234567_") == strlen(s);
	/* Decimal, and base 60 ("190:20:30") which YAML 1.1 also reads as a
	 * number: the trap that turns an unquoted MAC into an integer. */
	if (!(*s >= '1' && *s <= '9'))
		return false;
	s += strspn(s, "0123456789_");
	while (*s == ':') {
		/* Each base-60 digit group is [0-5]?[0-9]. */
		size_t n = strspn(++s, "0123456789");

		if (n == 0 || n > 2 || (n == 2 && s[0] > '5'))
			return false;
		s += n;
	}
	return *s == '\0';
}

static bool is_yaml11_float(const char *s)
{
	static const char *const special[] = {
		".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN",
	};
	bool dot = false, digit = false;

	if (*s == '-' || *s == '+')
		s++;
	for (size_t i = 0; i < sizeof(special) / sizeof(*special); i++)
		if (strcmp(s, special[i]) == 0)
			return true;
	/* As PyYAML and the yaml npm package read YAML 1.1: one dot, so a
	 * dotted quad stays a string. */
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.' && !dot)
			dot = true;
		else if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s != '_')
			return false;
	}
	if (!dot || !digit)
		return false;
	if (*s) {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		return all_digits(s, "");
	}
	return true;
}

enum conv_plain_type conv_plain_type(const struct ydoc_node *n)
{
	static const char *const bools[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF",
	};

	if (!n || n->kind != YDOC_KIND_SCALAR || !n->plain)
		return CONV_PLAIN_TYPE_STR;
	if (ydoc_is_null(n))
		return CONV_PLAIN_TYPE_NULL;
	/* Every YAML 1.1 boolean is at most 5 characters: a longer scalar (an
	 * address, a name) skips the 22 comparisons, which a 100k-route
	 * profile otherwise pays for each of its 200k scalars. */
	if (strnlen(ydoc_str(n), 6) <= 5)
		for (size_t i = 0; i < sizeof(bools) / sizeof(*bools); i++)
			if (strcmp(ydoc_str(n), bools[i]) == 0)
				return CONV_PLAIN_TYPE_BOOL;
	if (is_yaml11_int(ydoc_str(n)))
		return CONV_PLAIN_TYPE_INT;
	if (is_yaml11_float(ydoc_str(n)))
		return CONV_PLAIN_TYPE_FLOAT;
	return CONV_PLAIN_TYPE_STR;
}

const char *conv_describe(const struct ydoc_node *n)
{
	if (!n)
		return "nothing";
	switch ((enum ydoc_kind)n->kind) {
	case YDOC_KIND_MAP:
		return "a mapping";
	case YDOC_KIND_SEQ:
		return "a sequence";
	case YDOC_KIND_SCALAR:
		switch (conv_plain_type(n)) {
		case CONV_PLAIN_TYPE_STR:
			return "a string";
		case CONV_PLAIN_TYPE_NULL:
			return "null";
		case CONV_PLAIN_TYPE_BOOL:
			return "a boolean";
		case CONV_PLAIN_TYPE_INT:
			return "an integer";
		case CONV_PLAIN_TYPE_FLOAT:
			return "a number";
		case CONV_PLAIN_TYPE__MAX:
			break;
		}
		break;
	case YDOC_KIND__MAX:
		break;
	}
	return "?";
}

bool conv_map(struct conv *c, const struct ydoc_node *n, const char *key)
{
	if (n && n->kind == YDOC_KIND_MAP)
		return true;
	conv_error(c, n, "%s: expected a mapping, got %s", key, conv_describe(n));
	return false;
}

bool conv_seq(struct conv *c, const struct ydoc_node *n, const char *key)
{
	if (n && n->kind == YDOC_KIND_SEQ)
		return true;
	conv_error(c, n, "%s: expected a list, got %s", key, conv_describe(n));
	return false;
}

void conv_check_keys(struct conv *c, const struct ydoc_node *map, const char *const *allowed,
		     const char *what)
{
	size_t n_allowed = 0;

	while (allowed[n_allowed])
		n_allowed++;
	for (size_t i = 0; i < ydoc_count(map); i++) {
		const char *k = ydoc_str(ydoc_key(map, i)), *hint;
		bool known = false;

		for (size_t j = 0; j < n_allowed && !known; j++)
			known = strcmp(k, allowed[j]) == 0;
		if (known)
			continue;
		/* The allowed keys are a short fixed list, and only a printed
		 * error gets a hint: 30,000 unknown keys cost 1,000 hints. */
		hint = diag_will_record(c->diags) ? suggest_closest(k, allowed, n_allowed) : NULL;
		if (hint)
			conv_error(c, ydoc_key(map, i), "unknown key '%s' in %s (did you mean '%s'?)",
				   k, what, hint);
		else
			conv_error(c, ydoc_key(map, i), "unknown key '%s' in %s", k, what);
	}
}

const struct ydoc_node *conv_require(struct conv *c, const struct ydoc_node *map, const char *key,
				     const char *what)
{
	const struct ydoc_node *v = ydoc_map_get(map, key);

	if (!v)
		conv_error(c, map, "%s: missing required key '%s'", what, key);
	return v;
}

bool conv_str(struct conv *c, const struct ydoc_node *n, const char *key, const char **out)
{
	enum conv_plain_type t = conv_plain_type(n);

	if (!n || n->kind != YDOC_KIND_SCALAR) {
		conv_error(c, n, "%s: expected a string, got %s", key, conv_describe(n));
		return false;
	}
	if (t != CONV_PLAIN_TYPE_STR) {
		if (t == CONV_PLAIN_TYPE_NULL)
			conv_error(c, n, "%s: expected a string, got null", key);
		else
			conv_error(c, n, "%s: expected a string, got %s ('%s'); quote it if it is text",
				   key, conv_describe(n), ydoc_str(n));
		return false;
	}
	*out = arena_strndup(c->arena, ydoc_str(n), ydoc_len(n));
	if (!*out) {
		c->oom = true;
		return false;
	}
	return true;
}

bool conv_uint(struct conv *c, const struct ydoc_node *n, const char *key, uint64_t min,
	       uint64_t max, uint64_t *out)
{
	const char *s;
	uint64_t v = 0;

	if (!n || n->kind != YDOC_KIND_SCALAR || conv_plain_type(n) != CONV_PLAIN_TYPE_INT) {
		if (n && n->kind == YDOC_KIND_SCALAR && !n->plain)
			conv_error(c, n, "%s: expected an integer, got a quoted string (\"%s\")", key,
				   ydoc_str(n));
		else
			conv_error(c, n, "%s: expected an integer, got %s", key, conv_describe(n));
		return false;
	}
	/* YAML 1.1 also reads 0x10, 010 (octal) and 1_000 as numbers; a
	 * profile wants the plain decimal a reader cannot misread. */
	s = ydoc_str(n);
	if (!all_digits(s, "") || (s[0] == '0' && s[1]) || ydoc_len(n) > 19) {
		if (s[0] == '-')
			conv_error(c, n, "%s: %s is out of range (%llu..%llu)", key, s,
				   (unsigned long long)min, (unsigned long long)max);
		else
			conv_error(c, n, "%s: '%s' is not a plain decimal integer", key, s);
		return false;
	}
	for (const char *p = s; *p; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (v < min || v > max) {
		conv_error(c, n, "%s: %llu is out of range (%llu..%llu)", key, (unsigned long long)v,
			   (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool conv_enum(struct conv *c, const struct ydoc_node *n, const char *key,
	       const char *const *names, int count, int *out)
{
	char list[256] = "";
	const char *s;

	if (!n || n->kind != YDOC_KIND_SCALAR || conv_plain_type(n) == CONV_PLAIN_TYPE_NULL) {
		conv_error(c, n, "%s: expected a string, got %s", key, conv_describe(n));
		return false;
	}
	s = ydoc_str(n);
	for (int i = 0; i < count; i++) {
		if (names[i] && strcmp(s, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	for (int i = 0; i < count; i++) {
		if (!names[i])
			continue;
		if (list[0])
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, names[i], sizeof(list) - strlen(list) - 1);
	}
	const char *hint = diag_will_record(c->diags) ? suggest_closest(s, names, (size_t)count)
						      : NULL;
	if (hint)
		conv_error(c, n, "%s: '%s' is not one of: %s (did you mean '%s'?)", key, s, list,
			   hint);
	else
		conv_error(c, n, "%s: '%s' is not one of: %s", key, s, list);
	return false;
}

bool conv_ifname(struct conv *c, const struct ydoc_node *n, const char *key, size_t max_len,
		 const char **out)
{
	const char *s;

	if (!conv_str(c, n, key, &s))
		return false;
	if (!*s || strlen(s) > max_len) {
		if (max_len < 15)
			conv_error(c, n, "%s: '%s' is %zu bytes; adapter names are 1..%zu bytes "
				   "(its peer port adds a 'p' to a 15-byte Linux name)",
				   key, s, strlen(s), max_len);
		else
			conv_error(c, n, "%s: '%s' is %zu bytes; Linux interface names are 1..%zu bytes",
				   key, s, strlen(s), max_len);
		return false;
	}
	/* The kernel's dev_valid_name(): no '/', ':' or whitespace, not "." or
	 * "..".  And no '%': the kernel reads "vmk%d" as a template and picks a
	 * number, so the name asked for is not the name made. */
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strpbrk(s, "/:% \t\n\r\v\f")) {
		conv_error(c, n, "%s: '%s' is not a valid Linux interface name "
			   "(no '/', ':', '%%' or whitespace; not '.' or '..')", key, s);
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x21 || *p > 0x7e) {
			conv_error(c, n, "%s: '%s' is not a valid Linux interface name "
				   "(printable ASCII only)", key, s);
			return false;
		}
	}
	*out = s;
	return true;
}

static const char *family_word(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "IP";
}

static bool check_family(struct conv *c, const struct ydoc_node *n, const char *key, int family,
			 struct hn_addr *a)
{
	if (!family || a->family == family)
		return true;
	conv_error(c, n, "%s: '%s' is an %s address, expected %s", key, ydoc_str(n),
		   family_word(a->family), family_word(family));
	/* Leave nothing behind for validate.c to trip over a second time. */
	*a = (struct hn_addr){ 0 };
	return false;
}

bool conv_cidr(struct conv *c, const struct ydoc_node *n, const char *key, int family,
	       struct hn_addr *out)
{
	const char *s;

	if (!conv_str(c, n, key, &s))
		return false;
	if (addr_parse_cidr(out, s) < 0) {
		if (!strchr(s, '/') && addr_parse_ip(out, s) == 0)
			conv_error(c, n, "%s: '%s' has no prefix length (like %s/%d)", key, s, s,
				   out->family == AF_INET ? 24 : 64);
		else
			conv_error(c, n, "%s: '%s' is not an %s address with a prefix length "
				   "(like %s)", key, s, family_word(family),
				   family == AF_INET6 ? "2001:db8::10/64" : "192.0.2.10/24");
		return false;
	}
	return check_family(c, n, key, family, out);
}

bool conv_ip(struct conv *c, const struct ydoc_node *n, const char *key, int family,
	     struct hn_addr *out)
{
	const char *s;

	if (!conv_str(c, n, key, &s))
		return false;
	if (addr_parse_ip(out, s) < 0) {
		conv_error(c, n, "%s: '%s' is not an %s address (like %s)", key, s,
			   family_word(family), family == AF_INET6 ? "2001:db8::1" : "192.0.2.1");
		return false;
	}
	return check_family(c, n, key, family, out);
}
