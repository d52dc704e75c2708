/* merge.c: how `extends` layers YAML trees. */
#include "testutil.h"

#include "arena.h"
#include "merge.h"

struct mt {
	struct ydoc *base, *over;
	struct arena *a;
	struct ydoc_node *r;
	struct diag_list d;
};

static void mt_run(struct mt *m, const char *base, const char *over)
{
	memset(m, 0, sizeof(*m));
	assert_int_equal(ydoc_parse(&m->base, "base.yaml", base, strlen(base), &m->d), 0);
	assert_int_equal(ydoc_parse(&m->over, "over.yaml", over, strlen(over), &m->d), 0);
	m->a = arena_new();
	assert_non_null(m->a);
	m->r = merge_trees(m->a, m->base->root, m->over->root);
	assert_non_null(m->r);
}

static void mt_end(struct mt *m)
{
	ydoc_free(m->base);
	ydoc_free(m->over);
	arena_free(m->a);
	diag_list_clear(&m->d);
}

static const char *str_at(const struct ydoc_node *map, const char *key)
{
	const struct ydoc_node *n = ydoc_map_get(map, key);

	assert_non_null(n);
	assert_int_equal(n->kind, YDOC_KIND_SCALAR);
	return ydoc_str(n);
}

static void mappings_merge_key_by_key_and_later_wins(void **state)
{
	struct mt m;

	mt_run(&m, "a: 1\nb: {x: 1, y: 2}\n", "b: {y: 3, z: 4}\nc: 5\n");
	assert_int_equal(ydoc_count(m.r), 3);
	assert_string_equal(str_at(m.r, "a"), "1");
	assert_string_equal(str_at(m.r, "c"), "5");
	const struct ydoc_node *b = ydoc_map_get(m.r, "b");
	assert_int_equal(ydoc_count(b), 3);
	assert_string_equal(str_at(b, "x"), "1");
	assert_string_equal(str_at(b, "y"), "3");
	assert_string_equal(str_at(b, "z"), "4");
	/* The winning value keeps the position of the file it came from. */
	assert_string_equal(ydoc_map_get(b, "y")->loc.file, "over.yaml");
	assert_string_equal(ydoc_map_get(b, "x")->loc.file, "base.yaml");
	mt_end(&m);
}

static void named_lists_merge_by_name_in_base_order(void **state)
{
	struct mt m;
	const struct ydoc_node *l;

	mt_run(&m, "s: [{name: vs0, mtu: 1500, uplinks: [eth1]}, {name: vs1, mtu: 1500}]\n",
	       "s: [{name: vs2}, {name: vs0, mtu: 9000}]\n");
	l = ydoc_map_get(m.r, "s");
	assert_int_equal(ydoc_count(l), 3);
	assert_string_equal(str_at(ydoc_item(l, 0), "name"), "vs0");
	assert_string_equal(str_at(ydoc_item(l, 0), "mtu"), "9000");
	assert_non_null(ydoc_map_get(ydoc_item(l, 0), "uplinks"));
	assert_string_equal(str_at(ydoc_item(l, 1), "name"), "vs1");
	assert_string_equal(str_at(ydoc_item(l, 2), "name"), "vs2");
	mt_end(&m);
}

static void unnamed_lists_of_mappings_concatenate(void **state)
{
	struct mt m;
	const struct ydoc_node *l;

	mt_run(&m, "routes: [{to: 192.0.2.0/24, via: x}]\n",
	       "routes: [{to: 198.51.100.0/24, via: y}]\n");
	l = ydoc_map_get(m.r, "routes");
	assert_int_equal(ydoc_count(l), 2);
	assert_string_equal(str_at(ydoc_item(l, 0), "to"), "192.0.2.0/24");
	assert_string_equal(str_at(ydoc_item(l, 1), "to"), "198.51.100.0/24");
	mt_end(&m);
}

static void scalar_lists_and_mismatched_kinds_are_replaced(void **state)
{
	struct mt m;

	mt_run(&m, "services: [a, b]\nx: {k: v}\n", "services: [c]\nx: plain\n");
	assert_int_equal(ydoc_count(ydoc_map_get(m.r, "services")), 1);
	assert_string_equal(ydoc_str(ydoc_item(ydoc_map_get(m.r, "services"), 0)), "c");
	assert_string_equal(str_at(m.r, "x"), "plain");
	mt_end(&m);
}

static void inputs_are_left_unchanged(void **state)
{
	struct mt m;

	mt_run(&m, "b: {x: 1}\n", "b: {y: 2}\n");
	assert_int_equal(ydoc_count(ydoc_map_get(m.base->root, "b")), 1);
	assert_int_equal(ydoc_count(ydoc_map_get(m.over->root, "b")), 1);
	mt_end(&m);
}

static void null_side_returns_the_other(void **state)
{
	struct mt m;

	mt_run(&m, "a: 1\n", "b: 2\n");
	assert_ptr_equal(merge_trees(m.a, NULL, m.over->root), m.over->root);
	assert_ptr_equal(merge_trees(m.a, m.base->root, NULL), m.base->root);
	mt_end(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mappings_merge_key_by_key_and_later_wins),
		cmocka_unit_test(named_lists_merge_by_name_in_base_order),
		cmocka_unit_test(unnamed_lists_of_mappings_concatenate),
		cmocka_unit_test(scalar_lists_and_mismatched_kinds_are_replaced),
		cmocka_unit_test(inputs_are_left_unchanged),
		cmocka_unit_test(null_side_returns_the_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
