#include "jread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jread_vfail(struct jread *j, const char *fmt, va_list ap)
{
	if (j->r)
		return;
	j->r = -EINVAL;
	if (j->err && vasprintf(j->err, fmt, ap) < 0)
		*j->err = NULL;
}

__attribute__((format(printf, 2, 3)))
static void fail_plain(struct jread *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	jread_vfail(j, fmt, ap);
	va_end(ap);
}

void jread_fail(struct jread *j, const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (j->r)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key)
		fail_plain(j, "%s%s%s: %s", j->at, j->at[0] ? "." : "", key, msg);
	else if (j->at[0])
		fail_plain(j, "%s: %s", j->at, msg);
	else
		fail_plain(j, "%s", msg);
}

void jread_at(struct jread *j, const char *list, size_t i)
{
	const char *root = j->root ? j->root : "";
	const char *dot = *root && list ? "." : "";

	if (!list)
		snprintf(j->at, sizeof(j->at), "%s", root);
	else if (i == SIZE_MAX)
		snprintf(j->at, sizeof(j->at), "%s%s%s", root, dot, list);
	else
		snprintf(j->at, sizeof(j->at), "%s%s%s[%zu]", root, dot, list, i);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "?";
}

bool jread_object(struct jread *j, const json_t *o, const char *const keys[])
{
	const char *k;
	json_t *v;

	if (!json_is_object(o)) {
		jread_fail(j, NULL, "expected an object, got %s", o ? type_name(o) : "nothing");
		return false;
	}
	json_object_foreach((json_t *)o, k, v) {
		size_t i;

		for (i = 0; keys[i] && strcmp(keys[i], k) != 0; i++)
			;
		if (!keys[i]) {
			/* A typo must not pass for an absent setting. */
			jread_fail(j, NULL, "unknown key '%.64s'", k);
			return false;
		}
	}
	return !j->r;
}

/* The member, or NULL when missing/null and allowed; fails otherwise. */
static const json_t *member(struct jread *j, const json_t *o, const char *key, unsigned flags)
{
	const json_t *v = json_object_get(o, key);

	if (j->r)
		return NULL;
	if (!v) {
		if (!(flags & JREAD_OPTIONAL))
			jread_fail(j, key, "missing");
		return NULL;
	}
	if (json_is_null(v)) {
		if (!(flags & JREAD_NULLABLE))
			jread_fail(j, key, "must not be null");
		return NULL;
	}
	return v;
}

const json_t *jread_any(struct jread *j, const json_t *o, const char *key, unsigned flags)
{
	return member(j, o, key, flags);
}

json_int_t jread_int(struct jread *j, const json_t *o, const char *key, json_int_t min,
		     json_int_t max, unsigned flags)
{
	const json_t *v = member(j, o, key, flags);
	json_int_t n;

	if (!v)
		return 0;
	if (!json_is_integer(v)) {
		jread_fail(j, key, "expected an integer, got %s", type_name(v));
		return 0;
	}
	n = json_integer_value(v);
	if (n < min || n > max) {
		jread_fail(j, key, "%lld is out of range (%lld..%lld)", (long long)n, (long long)min,
			   (long long)max);
		return 0;
	}
	return n;
}

bool jread_bool(struct jread *j, const json_t *o, const char *key, unsigned flags)
{
	const json_t *v = member(j, o, key, flags);

	if (v && !json_is_boolean(v))
		jread_fail(j, key, "expected true or false, got %s", type_name(v));
	return v && json_is_true(v);
}

const char *jread_str(struct jread *j, const json_t *o, const char *key, size_t max_len,
		      unsigned flags)
{
	const json_t *v = member(j, o, key, flags);
	size_t len;

	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		jread_fail(j, key, "expected a string, got %s", type_name(v));
		return NULL;
	}
	len = json_string_length(v);
	if (strlen(json_string_value(v)) != len) {
		jread_fail(j, key, "contains a NUL byte");
		return NULL;
	}
	if (len > max_len) {
		jread_fail(j, key, "'%.32s%s' is %zu bytes long, more than %zu", json_string_value(v),
			   len > 32 ? "..." : "", len, max_len);
		return NULL;
	}
	return json_string_value(v);
}

void jread_strcpy(struct jread *j, const json_t *o, const char *key, char *dst, size_t size,
		  unsigned flags)
{
	const char *s = jread_str(j, o, key, size - 1, flags);

	if (s)
		memcpy(dst, s, strlen(s) + 1);
}

static int loaded(json_t **out, json_t *doc, const json_error_t *e, const char *name, char **err)
{
	if (!doc) {
		if (err && asprintf(err, "%s:%d:%d: %s", name, e->line, e->column, e->text) < 0)
			*err = NULL;
		return -EINVAL;
	}
	*out = doc;
	return 0;
}

int jread_load_file(json_t **out, const char *path, char **err)
{
	json_error_t e;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &e);

	if (!doc && json_error_code(&e) == json_error_cannot_open_file) {
		int r = errno ? -errno : -EIO;

		if (err && asprintf(err, "%s: %s", path, e.text) < 0)
			*err = NULL;
		return r;
	}
	return loaded(out, doc, &e, path, err);
}

int jread_load_text(json_t **out, const char *text, char **err)
{
	json_error_t e;

	return loaded(out, json_loads(text, JSON_REJECT_DUPLICATES, &e), &e, "(stored JSON)", err);
}

int jread_version(const json_t *doc, const char *key, json_int_t version, char **err)
{
	struct jread j = { .err = err };
	const json_t *v = json_object_get(doc, key);

	if (!json_is_object(doc))
		jread_fail(&j, NULL, "expected an object, got %s", doc ? type_name(doc) : "nothing");
	else if (!v)
		jread_fail(&j, key, "missing");
	else if (!json_is_integer(v))
		jread_fail(&j, key, "expected the integer %lld, got %s", (long long)version, type_name(v));
	else if (json_integer_value(v) != version)
		jread_fail(&j, key, "format version %lld is not one this hostnet reads (it reads %lld)",
			   (long long)json_integer_value(v), (long long)version);
	return j.r;
}

int jread_unique(struct jread *j, const char *list, const void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *), const char *what)
{
	/* Each element copied with its index behind it: the element stays at
	 * offset 0, so `cmp` sorts the copies as it would the elements. */
	size_t rec = (size + _Alignof(size_t) - 1) / _Alignof(size_t) * _Alignof(size_t) + sizeof(size_t);
	char *v;

	if (j->r || n < 2)
		return j->r;
	v = malloc(n * rec);
	if (!v) {
		j->r = -ENOMEM;
		return j->r;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(v + i * rec, (const char *)base + i * size, size);
		memcpy(v + i * rec + rec - sizeof(size_t), &i, sizeof(size_t));
	}
	qsort(v, n, rec, cmp);
	for (size_t i = 1; i < n; i++) {
		size_t a, b;

		if (cmp(v + (i - 1) * rec, v + i * rec) != 0)
			continue;
		memcpy(&a, v + (i - 1) * rec + rec - sizeof(size_t), sizeof(size_t));
		memcpy(&b, v + i * rec + rec - sizeof(size_t), sizeof(size_t));
		jread_at(j, list, a > b ? a : b);
		jread_fail(j, NULL, "duplicates %s[%zu] (%s)", list, a < b ? a : b, what);
		break;
	}
	free(v);
	return j->r;
}
