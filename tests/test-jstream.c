/* jstream.c: an array written one element at a time is, byte for byte, the
 * whole array as json_dumpf(JSON_INDENT(2) | JSON_PRESERVE_ORDER) writes it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "jstream.h"

#define FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* An element of every shape: nested objects and arrays, empty ones, null,
 * numbers, and strings whose escapes hold "\n" (a newline jansson escapes
 * must not be indented). */
static json_t *element(size_t i)
{
	json_t *o = json_pack("{s:I,s:s,s:n,s:b,s:[],s:{},s:[i,{s:s,s:[s,s]}],s:{s:{s:s}}}",
			      "i", (json_int_t)i, "name", i % 2 ? "a\nb\t\"c\"\x01 \xc3\xa9" : "x",
			      "null", "flag", (int)(i % 3 == 0), "empty_list", "empty_object",
			      "mixed", (int)i, "k", "v\n", "deep", "e\n", "f", "nest", "a", "b\n", "\x1f");

	assert_non_null(o);
	return o;
}

static char *whole(size_t n, unsigned depth)
{
	json_t *a = json_array(), *doc = a;
	char *s;

	for (size_t i = 0; i < n; i++)
		assert_int_equal(json_array_append_new(a, element(i)), 0);
	/* Nested: the array as the value of a member `depth` levels down. */
	for (unsigned d = 0; d < depth; d++)
		doc = json_pack("{s:o}", "in", doc);
	s = json_dumps(doc, FLAGS);
	assert_non_null(s);
	json_decref(doc);
	return s;
}

static char *streamed(size_t n, unsigned depth)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jstream js;

	assert_non_null(f);
	for (unsigned d = 0; d < depth; d++)
		fprintf(f, "{\n%*s\"in\": ", (int)(2 * (d + 1)), "");
	jstream_array_begin(&js, f, depth);
	for (size_t i = 0; i < n; i++)
		jstream_array_add(&js, element(i));
	assert_int_equal(jstream_array_end(&js), 0);
	for (unsigned d = depth; d-- > 0;)
		fprintf(f, "\n%*s}", (int)(2 * d), "");
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void expect_same(size_t n, unsigned depth)
{
	char *a = whole(n, depth), *b = streamed(n, depth);

	assert_string_equal(b, a);
	free(a);
	free(b);
}

static void streamed_array_is_the_whole_dump_byte_for_byte(void **state)
{
	(void)state;
	expect_same(1, 0);
	expect_same(3, 0);
	expect_same(1000, 0);
}

static void empty_array_is_brackets(void **state)
{
	(void)state;
	expect_same(0, 0);
	expect_same(0, 2);
}

static void nested_array_is_indented_at_its_depth(void **state)
{
	(void)state;
	expect_same(2, 1);
	expect_same(5, 3);
}

static void a_missing_element_is_out_of_memory(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jstream js;

	(void)state;
	assert_non_null(f);
	jstream_array_begin(&js, f, 0);
	jstream_array_add(&js, element(0));
	jstream_array_add(&js, NULL);
	jstream_array_add(&js, element(1));
	assert_int_equal(jstream_array_end(&js), -ENOMEM);
	assert_int_equal(fclose(f), 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(streamed_array_is_the_whole_dump_byte_for_byte),
		cmocka_unit_test(empty_array_is_brackets),
		cmocka_unit_test(nested_array_is_indented_at_its_depth),
		cmocka_unit_test(a_missing_element_is_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
