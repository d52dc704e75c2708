/* Unit tests for ydoc: tree shape, positions, and every rejection with its
 * exact message, since other code and the test corpus pin those strings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ydoc.h"

#define F "hosts/x.yaml"

struct result {
	struct ydoc *doc;
	struct diag_list diags;
	int r;
};

/* Limits for the next parses; NULL = the defaults.  Limit tests use small
 * ones so they stay cheap (under valgrind too). */
static const struct ydoc_limits *test_limits;
static const struct ydoc_limits small_limits = { 1u << 20, 100000, 100000, 4096 };

static void parse_len(struct result *res, const char *text, size_t len)
{
	*res = (struct result){ 0 };
	res->doc = (struct ydoc *)(uintptr_t)1;  /* must be overwritten */
	res->r = ydoc_parse_limits(&res->doc, F, text, len, test_limits, &res->diags);
}

static void parse(struct result *res, const char *text)
{
	parse_len(res, text, strlen(text));
}

static void result_clear(struct result *res)
{
	res->doc = ydoc_free(res->doc);
	diag_list_clear(&res->diags);
}

static void assert_diag(const struct diag_list *d, size_t i, const char *want)
{
	char *got;

	assert_true(i < d->n);
	got = diag_format(&d->v[i]);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Parses `text` and expects failure with exactly the diagnostics `want`. */
static void expect_errors_len(const char *text, size_t len, const char *const *want, size_t n)
{
	struct result res;

	parse_len(&res, text, len);
	if (res.diags.n != n || res.r != -EINVAL)
		for (size_t i = 0; i < res.diags.n; i++)
			print_message("  got: %s:%u:%u: %s\n", res.diags.v[i].file,
				      res.diags.v[i].line, res.diags.v[i].col, res.diags.v[i].msg);
	assert_int_equal(res.r, -EINVAL);
	assert_null(res.doc);
	assert_int_equal(res.diags.n, n);
	assert_int_equal(res.diags.n_errors, n);
	for (size_t i = 0; i < n; i++)
		assert_diag(&res.diags, i, want[i]);
	result_clear(&res);
}

static void expect_error_len(const char *text, size_t len, const char *want)
{
	expect_errors_len(text, len, &want, 1);
}

static void expect_error(const char *text, const char *want)
{
	expect_error_len(text, strlen(text), want);
}

static struct ydoc_node *parse_ok(struct result *res, const char *text)
{
	parse(res, text);
	for (size_t i = 0; i < res->diags.n; i++)
		print_message("  unexpected: %u:%u: %s\n", res->diags.v[i].line,
			      res->diags.v[i].col, res->diags.v[i].msg);
	assert_int_equal(res->r, 0);
	assert_int_equal(res->diags.n, 0);
	assert_non_null(res->doc);
	return res->doc->root;
}

static void assert_loc(const struct ydoc_node *n, unsigned line, unsigned col)
{
	assert_non_null(n);
	assert_string_equal(n->loc.file, F);
	assert_int_equal(n->loc.line, line);
	assert_int_equal(n->loc.col, col);
}

static void assert_scalar(const struct ydoc_node *n, const char *str, bool plain)
{
	assert_non_null(n);
	assert_int_equal(n->kind, YDOC_KIND_SCALAR);
	assert_string_equal(ydoc_str(n), str);
	assert_int_equal(ydoc_len(n), strlen(str));
	assert_int_equal(n->plain, plain);
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	assert_true(r >= 0);
	return s;
}

/* A growable string for generated documents. */
struct buf {
	char *s;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->s) {
		b->cap = 4096;
		b->s = malloc(b->cap);
		assert_non_null(b->s);
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (b->n + (size_t)n < b->cap)
			break;
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	b->n += (size_t)n;
}

/* --- tree shape and positions ---------------------------------------- */

static void test_empty_input_gives_null_root(void **state)
{
	struct result res;

	assert_null(parse_ok(&res, ""));
	result_clear(&res);
	parse_len(&res, NULL, 0);
	assert_int_equal(res.r, 0);
	assert_null(res.doc->root);
	result_clear(&res);
}

static void test_comment_only_document_gives_null_root(void **state)
{
	struct result res;

	assert_null(parse_ok(&res, "# nothing here\n\n   # still nothing\n"));
	result_clear(&res);
}

static void test_bare_document_markers_give_null_root(void **state)
{
	struct result res;

	assert_null(parse_ok(&res, "---\n"));
	result_clear(&res);
	assert_null(parse_ok(&res, "--- # empty\n...\n"));
	result_clear(&res);
}

static void test_doc_owns_copy_of_file_name(void **state)
{
	char name[] = "hosts/x.yaml";
	struct ydoc *doc = NULL;
	struct diag_list d = { 0 };

	assert_int_equal(ydoc_parse(&doc, name, "a: 1\n", 5, &d), 0);
	name[0] = 'X';
	assert_string_equal(doc->file, "hosts/x.yaml");
	assert_ptr_equal(doc->root->loc.file, doc->file);
	assert_ptr_equal(ydoc_key(doc->root, 0)->loc.file, doc->file);
	ydoc_free(doc);
}

static void test_positions_are_one_based_node_starts(void **state)
{
	struct result res;
	struct ydoc_node *root, *iface, *seq;

	root = parse_ok(&res,
			"# header\n"
			"iface:\n"
			"  name: eth9\n"
			"  addrs: [10.0.0.1/24, '10.0.0.2/24']\n"
			"  routes:\n"
			"    - to: default\n"
			"      via: \"10.0.0.254\"\n");
	assert_int_equal(root->kind, YDOC_KIND_MAP);
	assert_loc(root, 2, 1);
	assert_loc(ydoc_key(root, 0), 2, 1);
	iface = ydoc_map_get(root, "iface");
	assert_loc(iface, 3, 3);
	assert_loc(ydoc_key(iface, 0), 3, 3);
	assert_loc(ydoc_map_get(iface, "name"), 3, 9);
	seq = ydoc_map_get(iface, "addrs");
	assert_int_equal(seq->kind, YDOC_KIND_SEQ);
	assert_loc(seq, 4, 10);
	assert_int_equal(ydoc_count(seq), 2);
	assert_loc(ydoc_item(seq, 0), 4, 11);
	assert_loc(ydoc_item(seq, 1), 4, 24);
	seq = ydoc_map_get(iface, "routes");
	assert_loc(seq, 6, 5);
	assert_loc(ydoc_item(seq, 0), 6, 7);
	assert_loc(ydoc_map_get(ydoc_item(seq, 0), "via"), 7, 12);
	result_clear(&res);
}

static void test_columns_count_characters_not_bytes(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "é€: [ä, ö]\n");

	assert_loc(ydoc_item(root, 0), 1, 5);
	assert_loc(ydoc_item(ydoc_item(root, 0), 0), 1, 6);
	assert_loc(ydoc_item(ydoc_item(root, 0), 1), 1, 9);
	result_clear(&res);
}

static void test_crlf_line_endings_count_as_one_line(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "a: 1\r\nb: 2\r\n");

	assert_loc(ydoc_map_get(root, "b"), 2, 4);
	result_clear(&res);
}

static void test_utf8_byte_order_mark_is_skipped(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "\xef\xbb\xbfmtu: 1500\n");

	assert_loc(ydoc_key(root, 0), 1, 1);
	assert_scalar(ydoc_key(root, 0), "mtu", true);
	assert_loc(ydoc_item(root, 0), 1, 6);
	result_clear(&res);
}

static void test_scalar_root_and_nested_sequences(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "hello\n");

	assert_scalar(root, "hello", true);
	assert_loc(root, 1, 1);
	result_clear(&res);

	root = parse_ok(&res, "- [a, [b]]\n- {}\n- []\n");
	assert_int_equal(root->kind, YDOC_KIND_SEQ);
	assert_int_equal(ydoc_count(root), 3);
	assert_int_equal(ydoc_count(ydoc_item(root, 0)), 2);
	assert_scalar(ydoc_item(ydoc_item(ydoc_item(root, 0), 1), 0), "b", true);
	assert_int_equal(ydoc_item(root, 1)->kind, YDOC_KIND_MAP);
	assert_int_equal(ydoc_count(ydoc_item(root, 1)), 0);
	assert_int_equal(ydoc_item(root, 2)->kind, YDOC_KIND_SEQ);
	assert_int_equal(ydoc_count(ydoc_item(root, 2)), 0);
	result_clear(&res);
}

/* The compact layout: a collection's children are one array (a map's keys
 * and values alternating), so a route costs its nodes and strings only. */
static void test_children_of_a_collection_are_one_array(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "a: [x, y, z]\nb: 1\n");
	struct ydoc_node *seq = ydoc_map_get(root, "a");

	if (sizeof(void *) == 8)
		assert_int_equal(sizeof(struct ydoc_node), 32);
	assert_ptr_equal(ydoc_item(seq, 1), ydoc_item(seq, 0) + 1);
	assert_ptr_equal(ydoc_item(seq, 2), ydoc_item(seq, 0) + 2);
	assert_ptr_equal(ydoc_item(root, 0), ydoc_key(root, 0) + 1);
	assert_ptr_equal(ydoc_key(root, 1), ydoc_item(root, 0) + 1);
	assert_scalar(ydoc_key(root, 1), "b", true);
	result_clear(&res);
}

/* Children arrays come from blocks that start small: a long list early in
 * a file needs a block of its own size, not the next one in line. */
static void test_long_list_at_the_start_fits_its_block(void **state)
{
	struct buf b = { 0 };
	struct result res;
	struct ydoc_node *root;

	buf_add(&b, "[");
	for (int i = 0; i < 2000; i++)
		buf_add(&b, "%sv%d", i ? ", " : "", i);
	buf_add(&b, "]\n");
	root = parse_ok(&res, b.s);
	assert_int_equal(ydoc_count(root), 2000);
	assert_scalar(ydoc_item(root, 1999), "v1999", true);
	assert_loc(ydoc_item(root, 0), 1, 2);
	result_clear(&res);
	free(b.s);
}

static void test_plain_is_true_only_for_unquoted_scalars(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res,
					  "plain: yes\n"
					  "single: 'yes'\n"
					  "double: \"yes\"\n"
					  "literal: |\n  yes\n"
					  "folded: >\n  yes\n"
					  "empty:\n"
					  "multi: a\n  b\n");

	assert_scalar(ydoc_map_get(root, "plain"), "yes", true);
	assert_scalar(ydoc_map_get(root, "single"), "yes", false);
	assert_scalar(ydoc_map_get(root, "double"), "yes", false);
	assert_scalar(ydoc_map_get(root, "literal"), "yes\n", false);
	assert_scalar(ydoc_map_get(root, "folded"), "yes\n", false);
	assert_scalar(ydoc_map_get(root, "empty"), "", true);
	assert_scalar(ydoc_map_get(root, "multi"), "a b", true);
	assert_true(ydoc_key(root, 0)->plain);
	result_clear(&res);
}

static void test_str_tag_makes_scalar_non_plain(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res,
					  "a: !!str 1500\n"
					  "b: !!str\n"
					  "c: !<tag:yaml.org,2002:str> null\n");

	assert_scalar(ydoc_map_get(root, "a"), "1500", false);
	assert_scalar(ydoc_map_get(root, "b"), "", false);
	assert_false(ydoc_is_null(ydoc_map_get(root, "b")));
	assert_scalar(ydoc_map_get(root, "c"), "null", false);
	assert_false(ydoc_is_null(ydoc_map_get(root, "c")));
	assert_loc(ydoc_map_get(root, "a"), 1, 4);
	result_clear(&res);
}

static void test_is_null_accepts_only_plain_null_spellings(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res,
					  "- ~\n- null\n- Null\n- NULL\n-\n- ''\n"
					  "- 'null'\n- \"~\"\n- nULL\n- nil\n- []\n- {}\n- none\n");
	const bool want[] = { true, true, true, true, true, false,
			      false, false, false, false, false, false, false };

	assert_int_equal(ydoc_count(root), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < ydoc_count(root); i++)
		if (ydoc_is_null(ydoc_item(root, i)) != want[i])
			fail_msg("item %zu ('%s'): ydoc_is_null should be %d", i,
				 ydoc_str(ydoc_item(root, i)), want[i]);
	assert_false(ydoc_is_null(NULL));
	result_clear(&res);
}

static void test_map_get_finds_keys_and_rejects_non_maps(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "a: 1\n'b': 2\n\"\": 3\nlist: [a]\n");

	assert_scalar(ydoc_map_get(root, "a"), "1", true);
	assert_scalar(ydoc_map_get(root, "b"), "2", true);
	assert_scalar(ydoc_map_get(root, ""), "3", true);
	assert_null(ydoc_map_get(root, "c"));
	assert_null(ydoc_map_get(root, "A"));
	assert_null(ydoc_map_get(ydoc_map_get(root, "list"), "a"));
	assert_null(ydoc_map_get(ydoc_map_get(root, "a"), "a"));
	assert_null(ydoc_map_get(NULL, "a"));
	assert_null(ydoc_map_get(root, NULL));
	result_clear(&res);
}

static void test_kind_names(void **state)
{
	assert_string_equal(ydoc_kind_name(YDOC_KIND_SCALAR), "scalar");
	assert_string_equal(ydoc_kind_name(YDOC_KIND_SEQ), "sequence");
	assert_string_equal(ydoc_kind_name(YDOC_KIND_MAP), "mapping");
	assert_string_equal(ydoc_kind_name(YDOC_KIND__MAX), "?");
}

static void test_free_accepts_null_and_returns_null(void **state)
{
	assert_null(ydoc_free(NULL));
}

static void test_merge_key_is_an_ordinary_key(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "base: &b {mtu: 9000}\nx:\n  <<: *b\n  mtu: 1500\n");
	struct ydoc_node *x = ydoc_map_get(root, "x");

	assert_int_equal(ydoc_count(x), 2);
	assert_int_equal(ydoc_map_get(x, "<<")->kind, YDOC_KIND_MAP);
	assert_scalar(ydoc_map_get(x, "mtu"), "1500", true);
	result_clear(&res);
}

static void test_explicit_document_end_is_accepted(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "%YAML 1.1\n---\na: 1\n...\n");

	assert_scalar(ydoc_map_get(root, "a"), "1", true);
	result_clear(&res);
}

static void test_earlier_errors_in_the_list_do_not_fail_a_good_file(void **state)
{
	struct diag_list d = { 0 };
	struct ydoc *doc = NULL;

	assert_int_equal(diag_error(&d, NULL, "from another file"), 0);
	assert_int_equal(ydoc_parse(&doc, F, "a: 1\n", 5, &d), 0);
	assert_non_null(doc);
	assert_int_equal(d.n, 1);
	ydoc_free(doc);
	diag_list_clear(&d);
}

/* --- aliases ------------------------------------------------------------ */

static void test_alias_expands_to_a_deep_copy_located_at_the_alias(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res,
					  "base: &b\n"
					  "  mtu: 9000\n"
					  "  addrs: [a, b]\n"
					  "copy: *b\n"
					  "name: &n eth9\n"
					  "again: *n\n");
	struct ydoc_node *base = ydoc_map_get(root, "base"), *copy = ydoc_map_get(root, "copy");

	assert_int_equal(copy->kind, YDOC_KIND_MAP);
	assert_ptr_not_equal(copy, base);
	assert_ptr_not_equal(ydoc_key(copy, 0), ydoc_key(base, 0));
	assert_ptr_not_equal(ydoc_item(copy, 1), ydoc_item(base, 1));
	assert_ptr_not_equal(ydoc_item(ydoc_item(copy, 1), 0), ydoc_item(ydoc_item(base, 1), 0));
	assert_int_equal(ydoc_count(copy), 2);
	assert_scalar(ydoc_map_get(copy, "mtu"), "9000", true);
	assert_scalar(ydoc_item(ydoc_map_get(copy, "addrs"), 1), "b", true);
	/* A node starts at its properties (the anchor); a copy sits where the
	 * alias is, and its insides where they were written. */
	assert_loc(base, 1, 7);
	assert_loc(copy, 4, 7);
	assert_loc(ydoc_map_get(copy, "mtu"), 2, 8);
	assert_loc(ydoc_map_get(root, "again"), 6, 8);
	assert_scalar(ydoc_map_get(root, "again"), "eth9", true);
	result_clear(&res);
}

static void test_alias_as_key_counts_for_duplicates(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "k: &k mtu\nm:\n  *k : 1\n");

	assert_scalar(ydoc_map_get(ydoc_map_get(root, "m"), "mtu"), "1", true);
	result_clear(&res);
	expect_error("k: &k mtu\nm:\n  mtu: 1\n  *k : 2\n",
		     F ":4:3: error: duplicate key 'mtu' (first defined at line 3, column 3)");
}

static void test_redefined_anchor_applies_to_later_aliases(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "- &a one\n- *a\n- &a two\n- *a\n");

	assert_scalar(ydoc_item(root, 1), "one", true);
	assert_scalar(ydoc_item(root, 3), "two", true);
	result_clear(&res);
}

static void test_many_anchors_resolve_to_their_own_nodes(void **state)
{
	struct buf b = { 0 };
	struct result res;
	struct ydoc_node *root;
	char want[32];

	buf_add(&b, "defs:\n");
	for (int i = 0; i < 5000; i++)
		buf_add(&b, "  - &anchor%d value%d\n", i, i);
	buf_add(&b, "uses:\n");
	for (int i = 4999; i >= 0; i--)
		buf_add(&b, "  - *anchor%d\n", i);
	root = parse_ok(&res, b.s);
	for (int i = 0; i < 5000; i++) {
		snprintf(want, sizeof(want), "value%d", 4999 - i);
		assert_string_equal(ydoc_str(ydoc_item(ydoc_map_get(root, "uses"), i)), want);
	}
	result_clear(&res);
	free(b.s);
}

static void test_alias_to_unknown_anchor_is_rejected(void **state)
{
	expect_error("a: 1\nb: *nope\n", F ":2:4: error: alias '*nope' has no anchor '&nope' before it");
	/* An anchor defined later does not count. */
	expect_error("a: *x\nb: &x 1\n", F ":1:4: error: alias '*x' has no anchor '&x' before it");
}

static void test_recursive_alias_is_rejected(void **state)
{
	expect_error("a: &x\n  - *x\n",
		     F ":2:5: error: alias '*x' is inside the node it refers to "
		     "(recursive aliases are not supported)");
	expect_error("a: &m {b: *m}\n",
		     F ":1:11: error: alias '*m' is inside the node it refers to "
		     "(recursive aliases are not supported)");
}

static void test_alias_to_mapping_as_key_is_rejected(void **state)
{
	expect_error("m: &m {a: 1}\nx:\n  ? *m\n  : 1\n",
		     F ":3:5: error: mapping keys must be scalars");
}

/* --- syntax errors ---------------------------------------------------- */

static void test_syntax_error_reports_problem_at_its_mark(void **state)
{
	expect_error("iface:\n  name: eth9\n  mtu: 1500: x\n",
		     F ":3:12: error: mapping values are not allowed in this context");
	expect_error("a: 1\nb:\n  c: 1\n   d: 2\n",
		     F ":4:5: error: mapping values are not allowed in this context");
}

static void test_syntax_error_includes_libyaml_context(void **state)
{
	expect_error("a: 1\nname: \"eth9\n",
		     F ":3:1: error: found unexpected end of stream "
		     "(while scanning a quoted scalar that starts at line 2, column 7)");
	expect_error("a: [1, 2\nb: 3\n",
		     F ":2:2: error: did not find expected ',' or ']' "
		     "(while parsing a flow sequence that starts at line 1, column 4)");
	expect_error("- a\nb: 1\n",
		     F ":2:1: error: did not find expected '-' indicator "
		     "(while parsing a block collection that starts at line 1, column 1)");
}

static void test_only_the_first_syntax_error_is_reported(void **state)
{
	expect_error("a: b: c\nd: e: f\n'unclosed\n",
		     F ":1:5: error: mapping values are not allowed in this context");
}

static void test_structural_errors_before_a_syntax_error_are_kept(void **state)
{
	const char *const want[] = {
		F ":3:3: error: duplicate key 'a' (first defined at line 2, column 3)",
		F ":4:5: error: mapping values are not allowed in this context",
	};
	/* The duplicate is known once its map ends, which is before "y". */
	const char *text = "x:\n  a: 1\n  a: 2\ny: z: 1\n";

	expect_errors_len(text, strlen(text), want, 2);
}

static void test_tab_indentation_gets_its_own_message(void **state)
{
	expect_error("a:\n\tb: 1\n", F ":2:1: error: tab character used for indentation (YAML allows spaces only)");
	expect_error("a:\n \tb: 1\n", F ":2:2: error: tab character used for indentation (YAML allows spaces only)");
	expect_error("a:\n  b: 1\n\tc: 2\n",
		     F ":3:1: error: tab character used for indentation (YAML allows spaces only)");
	expect_error("a:\n  - x\n\t- y\n",
		     F ":3:1: error: tab character used for indentation (YAML allows spaces only)");
	expect_error("a: |\n  x\n\ty\n",
		     F ":3:1: error: tab character used for indentation (YAML allows spaces only)");
	expect_error("- a\n-\tb\n", F ":2:2: error: tab character used for indentation (YAML allows spaces only)");
	expect_error("a: 1\n\t# comment\n",
		     F ":2:1: error: tab character used for indentation (YAML allows spaces only)");
	expect_error("é: x\nb:\n\tc: 1\n",
		     F ":3:1: error: tab character used for indentation (YAML allows spaces only)");
}

static void test_tabs_outside_indentation_are_accepted(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "a:\t1\nb: [\t2,\t3 ]\nc: \"\tx\"\nd: 1\t# c\n");

	assert_scalar(ydoc_map_get(root, "a"), "1", true);
	assert_int_equal(ydoc_count(ydoc_map_get(root, "b")), 2);
	assert_scalar(ydoc_map_get(root, "c"), "\tx", false);
	assert_scalar(ydoc_map_get(root, "d"), "1", true);
	result_clear(&res);
}

/* --- duplicate and non-scalar keys ------------------------------------- */

static void test_duplicate_key_is_reported_at_second_with_first_position(void **state)
{
	expect_error("iface:\n"
		     "  name: eth9\n"
		     "  # the mtu\n"
		     "  mtu: 1500\n"
		     "  up: true\n"
		     "  mtu: 9000\n",
		     F ":6:3: error: duplicate key 'mtu' (first defined at line 4, column 3)");
	expect_error("{a: 1, b: 2, a: 3}",
		     F ":1:14: error: duplicate key 'a' (first defined at line 1, column 2)");
}

static void test_duplicate_keys_compare_strings_not_quoting(void **state)
{
	const char *const want[] = {
		F ":2:1: error: duplicate key 'mtu' (first defined at line 1, column 1)",
		F ":3:1: error: duplicate key 'mtu' (first defined at line 1, column 1)",
	};
	const char *text = "mtu: 1\n'mtu': 2\n\"mtu\": 3\n";

	expect_errors_len(text, strlen(text), want, 2);
}

static void test_every_duplicate_is_reported_in_document_order(void **state)
{
	const char *const want[] = {
		F ":3:3: error: duplicate key 'x' (first defined at line 2, column 3)",
		F ":5:1: error: duplicate key 'b' (first defined at line 4, column 1)",
		F ":6:1: error: duplicate key 'a' (first defined at line 1, column 1)",
		F ":7:1: error: duplicate key 'b' (first defined at line 4, column 1)",
	};
	const char *text = "a:\n  x: 1\n  x: 2\nb: 1\nb: 2\na: 3\nb: 3\nc: 1\n";

	expect_errors_len(text, strlen(text), want, 4);
}

static void test_keys_differing_in_case_or_prefix_are_distinct(void **state)
{
	struct result res;
	struct ydoc_node *root = parse_ok(&res, "mtu: 1\nMTU: 2\nmtu2: 3\nmt: 4\n'': 5\n");

	assert_int_equal(ydoc_count(root), 5);
	result_clear(&res);
}

static void test_long_duplicate_key_is_shortened_and_escaped(void **state)
{
	char *text = xasprintf("\"%s\\n\": 1\n\"%s\\n\": 2\n", "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
			       "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk");

	expect_error(text, F ":2:1: error: duplicate key '"
		     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk..."
		     "' (first defined at line 1, column 1)");
	free(text);
	expect_error("\"a\\tb\": 1\n\"a\\tb\": 2\n",
		     F ":2:1: error: duplicate key 'a\\tb' (first defined at line 1, column 1)");
}

static void test_huge_map_duplicates_are_found_without_quadratic_work(void **state)
{
	struct buf b = { 0 };
	const size_t n = 49998;

	for (size_t i = 0; i < n; i++)
		buf_add(&b, "k%zu: %zu\n", i, i);
	buf_add(&b, "k17: again\n");
	expect_error(b.s, F ":49999:1: error: duplicate key 'k17' (first defined at line 18, column 1)");
	free(b.s);
}

static void test_non_scalar_keys_are_rejected(void **state)
{
	expect_error("? [a, b]\n: 1\n", F ":1:3: error: mapping keys must be scalars");
	expect_error("{{a: 1}: 2}", F ":1:2: error: mapping keys must be scalars");
}

/* --- bad bytes ------------------------------------------------------- */

static void test_nul_byte_is_rejected_with_position(void **state)
{
	static const char text[] = "a: 1\nb: x\0y\n";

	expect_error_len(text, sizeof(text) - 1,
			 F ":2:5: error: NUL byte (control characters are not allowed)");
}

static void test_nul_escape_in_quoted_string_is_rejected(void **state)
{
	expect_error("a: 1\nb: \"x\\0y\"\n",
		     F ":2:4: error: NUL byte in a quoted string (control characters are not allowed)");
}

static void test_control_and_non_characters_are_rejected(void **state)
{
	expect_error("a: \x01\n", F ":1:4: error: control character U+0001 (control characters are not allowed)");
	expect_error("a: x\x7f\n", F ":1:5: error: control character U+007F (control characters are not allowed)");
	expect_error("a: \xc2\x80\n", F ":1:4: error: control character U+0080 (control characters are not allowed)");
	expect_error("a: \xef\xbf\xbe\n", F ":1:4: error: character U+FFFE is not allowed in YAML");
}

static void test_invalid_utf8_is_rejected_with_position(void **state)
{
	expect_error("a: 1\nb: \xff\n", F ":2:4: error: invalid UTF-8: byte 0xFF cannot start a character");
	expect_error("a: é\xc3(\n", F ":1:6: error: invalid UTF-8: byte 0x28 cannot continue a character");
	expect_error("a: b\xc3", F ":1:5: error: invalid UTF-8: character cut off at end of file");
	expect_error("a: \xc0\x80\n", F ":1:4: error: invalid UTF-8: overlong encoding");
	expect_error("a: \xed\xa0\x80\n", F ":1:4: error: invalid UTF-8: U+D800 is not a Unicode character");
	expect_error("a: 1\r\nb: \x80\n", F ":2:4: error: invalid UTF-8: byte 0x80 cannot start a character");
}

static void test_utf16_input_is_rejected_as_invalid_utf8(void **state)
{
	static const char text[] = "\xff\xfe" "a\0:\0 \0" "1\0\n\0";

	expect_error_len(text, sizeof(text) - 1,
			 F ":1:1: error: invalid UTF-8: byte 0xFF cannot start a character");
}

static void test_reader_positions_skip_the_byte_order_mark(void **state)
{
	expect_error("\xef\xbb\xbf" "a: \x01\n",
		     F ":1:4: error: control character U+0001 (control characters are not allowed)");
}

/* --- limits ------------------------------------------------------------ */

static void test_input_over_byte_limit_fails_without_parsing(void **state)
{
	size_t len = YDOC_MAX_BYTES + 1;
	/* Invalid bytes throughout: parsing would report them too. */
	char *text = malloc(len);

	assert_non_null(text);
	memset(text, 0xff, len);
	expect_error_len(text, len, F ": error: file is 16777217 bytes; the limit is 16777216");
	test_limits = &small_limits;
	expect_error_len(text, 1048577, F ": error: file is 1048577 bytes; the limit is 1048576");
	expect_error_len(text, 2000000, F ": error: file is 2000000 bytes; the limit is 1048576");
	test_limits = NULL;
	free(text);
}

static void test_input_at_byte_limit_is_parsed(void **state)
{
	size_t len = small_limits.max_bytes;
	char *text = malloc(len);
	struct result res;

	assert_non_null(text);
	memset(text, ' ', len);
	memcpy(text, "# big\na: 1\n", 11);
	text[len - 1] = '\n';
	test_limits = &small_limits;
	parse_len(&res, text, len);
	test_limits = NULL;
	assert_int_equal(res.r, 0);
	assert_scalar(ydoc_map_get(res.doc->root, "a"), "1", true);
	result_clear(&res);
	free(text);
}

static char *nested(size_t depth)
{
	char *s = malloc(2 * depth + 1);

	assert_non_null(s);
	memset(s, '[', depth);
	memset(s + depth, ']', depth);
	s[2 * depth] = '\0';
	return s;
}

static void test_nesting_up_to_depth_limit_is_accepted(void **state)
{
	char *text = nested(YDOC_MAX_DEPTH);
	struct result res;
	struct ydoc_node *n = parse_ok(&res, text);
	size_t depth = 0;

	for (; n && n->kind == YDOC_KIND_SEQ; n = ydoc_count(n) ? ydoc_item(n, 0) : NULL)
		depth++;
	assert_int_equal(depth, YDOC_MAX_DEPTH);
	result_clear(&res);
	free(text);
}

static void test_nesting_over_depth_limit_is_rejected(void **state)
{
	char *text = nested(YDOC_MAX_DEPTH + 1);
	struct buf b = { 0 };

	expect_error(text, F ":1:65: error: nesting is too deep; the limit is 64 levels");
	free(text);
	/* Block style, one mapping per line. */
	for (int i = 0; i <= YDOC_MAX_DEPTH; i++)
		buf_add(&b, "%*sk:\n", i, "");
	expect_error(b.s, F ":65:65: error: nesting is too deep; the limit is 64 levels");
	free(b.s);
}

static void test_deep_nesting_bomb_fails_fast(void **state)
{
	const size_t depth = 100000;
	char *text = malloc(depth + 1);

	assert_non_null(text);
	memset(text, '[', depth);
	text[depth] = '\0';
	expect_error(text, F ":1:65: error: nesting is too deep; the limit is 64 levels");
	free(text);
}

static void test_alias_depth_counts_where_it_is_used(void **state)
{
	char *deep = nested(YDOC_MAX_DEPTH - 1);
	char *text = xasprintf("a: &d %s\nb: *d\n", deep);
	struct result res;

	/* The anchored value sits at depth 2..64; a copy under "b" does too. */
	parse_ok(&res, text);
	result_clear(&res);
	free(text);
	text = xasprintf("a: &d %s\nb: [*d]\n", deep);
	expect_error(text, F ":2:5: error: nesting is too deep; the limit is 64 levels");
	free(text);
	free(deep);
}

static void test_node_limit_counts_every_node(void **state)
{
	struct buf b = { 0 };
	struct result res;

	/* The sequence and its items: exactly the limit. */
	test_limits = &small_limits;
	buf_add(&b, "[1");
	for (size_t i = 1; i < small_limits.max_nodes - 1; i++)
		buf_add(&b, ",1");
	buf_add(&b, "]");
	parse_ok(&res, b.s);
	assert_int_equal(ydoc_count(res.doc->root), small_limits.max_nodes - 1);
	result_clear(&res);

	b.n--;
	buf_add(&b, ",1]");
	expect_error(b.s, F ":1:200000: error: too many nodes (aliases count once per use); the limit is 100000");
	test_limits = NULL;
	free(b.s);
}

static void test_node_limit_counts_alias_uses(void **state)
{
	struct buf b = { 0 };

	/* Each use copies 1001 nodes: the 100th use (line 102) is over the
	 * budget for nodes made by aliases. */
	buf_add(&b, "a: &a [");
	for (int i = 0; i < 1000; i++)
		buf_add(&b, "%sx", i ? "," : "");
	buf_add(&b, "]\nb:\n");
	for (int i = 0; i < 100; i++)
		buf_add(&b, "  - *a\n");
	expect_error(b.s, F ":102:5: error: aliases expand to too many nodes; the limit is 100000");
	free(b.s);
}

static void test_billion_laughs_stops_at_node_limit_quickly(void **state)
{
	struct buf b = { 0 };

	buf_add(&b, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (char c = 'b'; c <= 'i'; c++) {
		buf_add(&b, "%c: &%c [", c, c);
		for (int i = 0; i < 10; i++)
			buf_add(&b, "%s*%c", i ? ", " : "", c - 1);
		buf_add(&b, "]\n");
	}
	/* Copies of levels a..d hold 11, 111, 1111, 11111 nodes: 12330 for
	 * b..d, then the eighth copy of "d" on line 5 no longer fits. */
	expect_error(b.s, F ":5:36: error: aliases expand to too many nodes; the limit is 100000");
	free(b.s);
}

static void test_scalar_over_size_limit_is_rejected(void **state)
{
	char *big = malloc(YDOC_MAX_SCALAR + 2);
	char *text;
	struct result res;

	assert_non_null(big);
	memset(big, 'x', YDOC_MAX_SCALAR + 1);
	big[YDOC_MAX_SCALAR + 1] = '\0';
	text = xasprintf("a: '%s'\n", big);
	expect_error(text, F ":1:4: error: scalar is 4097 bytes; the limit is 4096");
	free(text);

	big[YDOC_MAX_SCALAR] = '\0';
	text = xasprintf("a: %s\n", big);
	parse_ok(&res, text);
	assert_int_equal(ydoc_len(ydoc_map_get(res.doc->root, "a")), YDOC_MAX_SCALAR);
	result_clear(&res);
	free(text);
	free(big);
}

/* --- documents and tags ------------------------------------------------ */

static void test_second_document_is_rejected_at_its_start(void **state)
{
	expect_error("a: 1\n---\nb: 2\n", F ":2:1: error: only one YAML document per file");
	expect_error("--- a\n--- b\n", F ":2:1: error: only one YAML document per file");
	expect_error("a: 1\n...\n---\n", F ":3:1: error: only one YAML document per file");
}

static void test_unsupported_tags_are_rejected(void **state)
{
	expect_error("a: !foo 1\n", F ":1:4: error: YAML tags are not supported ('!foo')");
	expect_error("a: !!int 1\n", F ":1:4: error: YAML tags are not supported ('!!int')");
	expect_error("a: ! 1\n", F ":1:4: error: YAML tags are not supported ('!')");
	expect_error("a: !<urn:x> 1\n", F ":1:4: error: YAML tags are not supported ('!<urn:x>')");
	expect_error("a: !!map {b: 1}\n", F ":1:4: error: YAML tags are not supported ('!!map')");
	expect_error("a: !!str [1]\n", F ":1:4: error: YAML tags are not supported ('!!str' on a sequence)");
	expect_error("a: !!str\n  b: 1\n", F ":1:4: error: YAML tags are not supported ('!!str' on a mapping)");
	expect_error("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
		     F ":3:4: error: YAML tags are not supported ('!<tag:example.com,2000:x>')");
}

static void test_structural_errors_are_all_reported(void **state)
{
	const char *const want[] = {
		F ":1:4: error: YAML tags are not supported ('!foo')",
		F ":2:4: error: alias '*nope' has no anchor '&nope' before it",
		F ":3:1: error: mapping keys must be scalars",
		F ":4:4: error: NUL byte in a quoted string (control characters are not allowed)",
		F ":5:1: error: duplicate key 'a' (first defined at line 1, column 1)",
	};
	const char *text = "a: !foo 1\nb: *nope\n[c]: 1\nd: \"\\0\"\na: 2\n";

	expect_errors_len(text, strlen(text), want, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input_gives_null_root),
		cmocka_unit_test(test_comment_only_document_gives_null_root),
		cmocka_unit_test(test_bare_document_markers_give_null_root),
		cmocka_unit_test(test_doc_owns_copy_of_file_name),
		cmocka_unit_test(test_positions_are_one_based_node_starts),
		cmocka_unit_test(test_columns_count_characters_not_bytes),
		cmocka_unit_test(test_crlf_line_endings_count_as_one_line),
		cmocka_unit_test(test_utf8_byte_order_mark_is_skipped),
		cmocka_unit_test(test_scalar_root_and_nested_sequences),
		cmocka_unit_test(test_children_of_a_collection_are_one_array),
		cmocka_unit_test(test_long_list_at_the_start_fits_its_block),
		cmocka_unit_test(test_plain_is_true_only_for_unquoted_scalars),
		cmocka_unit_test(test_str_tag_makes_scalar_non_plain),
		cmocka_unit_test(test_is_null_accepts_only_plain_null_spellings),
		cmocka_unit_test(test_map_get_finds_keys_and_rejects_non_maps),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_free_accepts_null_and_returns_null),
		cmocka_unit_test(test_merge_key_is_an_ordinary_key),
		cmocka_unit_test(test_explicit_document_end_is_accepted),
		cmocka_unit_test(test_earlier_errors_in_the_list_do_not_fail_a_good_file),
		cmocka_unit_test(test_alias_expands_to_a_deep_copy_located_at_the_alias),
		cmocka_unit_test(test_alias_as_key_counts_for_duplicates),
		cmocka_unit_test(test_redefined_anchor_applies_to_later_aliases),
		cmocka_unit_test(test_many_anchors_resolve_to_their_own_nodes),
		cmocka_unit_test(test_alias_to_unknown_anchor_is_rejected),
		cmocka_unit_test(test_recursive_alias_is_rejected),
		cmocka_unit_test(test_alias_to_mapping_as_key_is_rejected),
		cmocka_unit_test(test_syntax_error_reports_problem_at_its_mark),
		cmocka_unit_test(test_syntax_error_includes_libyaml_context),
		cmocka_unit_test(test_only_the_first_syntax_error_is_reported),
		cmocka_unit_test(test_structural_errors_before_a_syntax_error_are_kept),
		cmocka_unit_test(test_tab_indentation_gets_its_own_message),
		cmocka_unit_test(test_tabs_outside_indentation_are_accepted),
		cmocka_unit_test(test_duplicate_key_is_reported_at_second_with_first_position),
		cmocka_unit_test(test_duplicate_keys_compare_strings_not_quoting),
		cmocka_unit_test(test_every_duplicate_is_reported_in_document_order),
		cmocka_unit_test(test_keys_differing_in_case_or_prefix_are_distinct),
		cmocka_unit_test(test_long_duplicate_key_is_shortened_and_escaped),
		cmocka_unit_test(test_huge_map_duplicates_are_found_without_quadratic_work),
		cmocka_unit_test(test_non_scalar_keys_are_rejected),
		cmocka_unit_test(test_nul_byte_is_rejected_with_position),
		cmocka_unit_test(test_nul_escape_in_quoted_string_is_rejected),
		cmocka_unit_test(test_control_and_non_characters_are_rejected),
		cmocka_unit_test(test_invalid_utf8_is_rejected_with_position),
		cmocka_unit_test(test_utf16_input_is_rejected_as_invalid_utf8),
		cmocka_unit_test(test_reader_positions_skip_the_byte_order_mark),
		cmocka_unit_test(test_input_over_byte_limit_fails_without_parsing),
		cmocka_unit_test(test_input_at_byte_limit_is_parsed),
		cmocka_unit_test(test_nesting_up_to_depth_limit_is_accepted),
		cmocka_unit_test(test_nesting_over_depth_limit_is_rejected),
		cmocka_unit_test(test_deep_nesting_bomb_fails_fast),
		cmocka_unit_test(test_alias_depth_counts_where_it_is_used),
		cmocka_unit_test(test_node_limit_counts_every_node),
		cmocka_unit_test(test_node_limit_counts_alias_uses),
		cmocka_unit_test(test_billion_laughs_stops_at_node_limit_quickly),
		cmocka_unit_test(test_scalar_over_size_limit_is_rejected),
		cmocka_unit_test(test_second_document_is_rejected_at_its_start),
		cmocka_unit_test(test_unsupported_tags_are_rejected),
		cmocka_unit_test(test_structural_errors_are_all_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
