/* esc.c: what text output escapes, and what a profile name may not hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "esc.h"

static void expect_esc(const char *in, const char *want)
{
	char *s = esc_dup(in);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void controls_and_bad_utf8_are_escaped(void **state)
{
	(void)state;
	expect_esc("plain Management Network", "plain Management Network");
	expect_esc("ev\x1b[31mil\nname", "ev\\x1b[31mil\\nname");
	expect_esc("a\tb\rc\x7f", "a\\tb\\rc\\x7f");
	expect_esc("c1:\xc2\x85:\xc2\x9b", "c1:\\u0085:\\u009b");        /* NEL, CSI */
	expect_esc("bad:\xff\xc3", "bad:\\xff\\xc3");                     /* invalid, truncated */
	expect_esc("overlong:\xc0\xaf", "overlong:\\xc0\\xaf");
	expect_esc("surrogate:\xed\xa0\x80", "surrogate:\\xed\\xa0\\x80");
	expect_esc("Gr\xc3\xbc\xc3\x9f \xe2\x9c\x93", "Gr\xc3\xbc\xc3\x9f \xe2\x9c\x93");  /* kept */
}

static void trojan_source_characters_are_escaped(void **state)
{
	(void)state;
	expect_esc("adm\xe2\x80\xaein", "adm\\u202ein");                 /* RLO */
	expect_esc("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069");      /* LRI, PDI */
	expect_esc("zero\xe2\x80\x8bwidth", "zero\\u200bwidth");
	expect_esc("tag\xf3\xa0\x80\x81", "tag\\U000e0001");
}

static void find_unsafe_names_the_first_one(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(esc_find_unsafe("VM Network", &cp), -1);
	assert_int_equal(esc_find_unsafe("Gr\xc3\xbc\xc3\x9f" "e", &cp), -1);
	assert_int_equal(esc_find_unsafe("ab\xe2\x80\xae", &cp), 2);
	assert_int_equal(cp, 0x202e);
	assert_int_equal(esc_find_unsafe("\xc2\x85", &cp), 0);
	assert_int_equal(cp, 0x85);
	assert_int_equal(esc_find_unsafe("x\xff", &cp), 1);
	assert_int_equal(cp, 0xff);
}

static void long_text_is_cut_on_a_character_boundary(void **state)
{
	char buf[12];

	(void)state;
	esc_text(buf, sizeof(buf), "abcdefghijklmnop", 16);
	assert_string_equal(buf, "abcdefgh...");
	/* An escape is never cut in half. */
	esc_text(buf, sizeof(buf), "abcdef\x1bxyzw", 11);
	assert_string_equal(buf, "abcdef...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(controls_and_bad_utf8_are_escaped),
		cmocka_unit_test(trojan_source_characters_are_escaped),
		cmocka_unit_test(find_unsafe_names_the_first_one),
		cmocka_unit_test(long_text_is_cut_on_a_character_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
