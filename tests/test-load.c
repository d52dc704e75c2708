/* load.c: host files with `extends`, read from a directory source. */
#include "testutil.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"
#include "source.h"

#define HEADER_HOST(h) "apiVersion: hostnet/v1\nkind: HostProfile\nhost: " h "\n"
#define HEADER_FRAG "apiVersion: hostnet/v1\nkind: ProfileFragment\n"

struct lt {
	char dir[64];
	struct source *src;
	struct loader *l;
	struct profile *p;
	struct diag_list d;
	int rc;
};

static void put(struct lt *t, const char *path, const char *text)
{
	char full[512], *slash;
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", t->dir, path);
	for (slash = strchr(full + strlen(t->dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(full, 0700);
		*slash = '/';
	}
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct lt *t = calloc(1, sizeof(*t));

	strcpy(t->dir, "/tmp/test-load.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	assert_int_equal(source_open_dir(&t->src, t->dir), 0);
	assert_int_equal(loader_new(&t->l, t->src, "repo/"), 0);
	*state = t;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	struct lt *t = *state;

	profile_free(t->p);
	loader_free(t->l);
	source_free(t->src);
	diag_list_clear(&t->d);
	nftw(t->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

static void load(struct lt *t, const char *host)
{
	char path[128];

	t->p = profile_free(t->p);
	snprintf(path, sizeof(path), "hosts/%s.yaml", host);
	t->rc = loader_load(t->l, path, host, &t->p, &t->d);
}

static void host_file_wins_over_the_fragment_it_extends(void **state)
{
	struct lt *t = *state;
	const struct profile_switch *s;

	put(t, "common/site.yaml", HEADER_FRAG
	    "uplinks: [{name: eth1, mtu: 9000}, {name: eth2, mtu: 9000}]\n"
	    "switches: [{name: vs0, mtu: 1500, uplinks: [eth1, eth2]}]\n");
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/site.yaml\n"
	    "switches: [{name: vs0, mtu: 9000}]\n");
	load(t, "a");
	assert_int_equal(t->rc, 0);
	s = profile_find_switch(t->p, "vs0");
	assert_non_null(s);
	assert_int_equal(s->mtu, 9000);
	assert_int_equal(s->uplinks.n, 2);
	assert_string_equal(s->mtu_loc.file, "repo/hosts/a.yaml");
	assert_string_equal(s->uplinks.loc[0].file, "repo/common/site.yaml");
	assert_string_equal(t->p->host, "a");
	assert_string_equal(t->p->kind, PROFILE_KIND_HOST);
}

static void nested_extends_merge_in_order(void **state)
{
	struct lt *t = *state;
	const char *const *used;
	size_t n;

	put(t, "common/base.yaml", HEADER_FRAG "switches: [{name: vs0, mtu: 1500}]\n");
	put(t, "common/site.yaml", HEADER_FRAG "extends: [common/base.yaml]\n"
	    "switches: [{name: vs0, mtu: 2000}]\n");
	put(t, "common/rack.yaml", HEADER_FRAG "switches: [{name: vs0, mtu: 3000}]\n");
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: [common/site.yaml, common/rack.yaml]\n");
	load(t, "a");
	assert_non_null(t->p);
	assert_int_equal(profile_find_switch(t->p, "vs0")->mtu, 3000);
	used = loader_last_fragments(t->l, &n);
	assert_int_equal(n, 3);
	assert_string_equal(used[0], "common/site.yaml");
	assert_string_equal(used[1], "common/base.yaml");
	assert_string_equal(used[2], "common/rack.yaml");
}

static void extends_cycle_names_the_chain(void **state)
{
	struct lt *t = *state;

	put(t, "common/x.yaml", HEADER_FRAG "extends: common/y.yaml\n");
	put(t, "common/y.yaml", HEADER_FRAG "extends: common/x.yaml\n");
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/x.yaml\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/common/y.yaml:3:10: error: extends: cycle: "
				"common/x.yaml -> common/y.yaml -> common/x.yaml"));
}

static void extends_paths_stay_inside_the_repository(void **state)
{
	struct lt *t = *state;

	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: [../outside.yaml, /etc/passwd, common//x.yaml]\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:4:11: error: extends: '../outside.yaml' "
				"leaves the repository ('..' is not allowed)"));
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:4:28: error: extends: '/etc/passwd' is an "
				"absolute path; extends paths are relative to the repository root"));
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:4:41: error: extends: 'common//x.yaml' has "
				"an empty path component"));
}

static void symlinked_fragment_is_refused(void **state)
{
	struct lt *t = *state;
	char link[256];

	snprintf(link, sizeof(link), "%s/common", t->dir);
	mkdir(link, 0700);
	snprintf(link, sizeof(link), "%s/common/passwd.yaml", t->dir);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/passwd.yaml\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:4:10: error: common/passwd.yaml: not a "
				"regular file inside the repository (a symlink or submodule, or a path "
				"leaving it)"));
}

static void missing_fragment_is_named_at_the_reference(void **state)
{
	struct lt *t = *state;

	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/nope.yaml\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:4:10: error: extends: 'common/nope.yaml' "
				"does not exist"));
}

static void missing_host_file_is_enoent(void **state)
{
	struct lt *t = *state;

	load(t, "ghost");
	assert_int_equal(t->rc, -ENOENT);
	assert_null(t->p);
	assert_true(tu_has_diag(&t->d, "error: repo/hosts/ghost.yaml: no such profile"));
}

static void fragment_header_is_checked(void **state)
{
	struct lt *t = *state;

	put(t, "common/site.yaml", HEADER_HOST("b"));
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/site.yaml\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/common/site.yaml:2:7: error: kind: a file named in "
				"extends must be kind 'ProfileFragment'"));
	/* Its host is right for a host file: the kind is the one problem. */
	assert_int_equal(t->d.n_errors, 1);
}

static void fragment_may_not_name_a_host(void **state)
{
	struct lt *t = *state;

	put(t, "common/site.yaml", HEADER_FRAG "host: b\n");
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/site.yaml\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/common/site.yaml:3:7: error: host: a ProfileFragment "
				"is shared by hosts and names none; remove 'host'"));
	assert_int_equal(t->d.n_errors, 1);
}

static void fragment_included_twice_is_an_error(void **state)
{
	struct lt *t = *state;

	/* A diamond: both site files extend base, whose routes would repeat. */
	put(t, "common/base.yaml", HEADER_FRAG "routes: [{to: 203.0.113.0/24, via: 192.0.2.1}]\n");
	put(t, "common/a.yaml", HEADER_FRAG "extends: common/base.yaml\n");
	put(t, "common/b.yaml", HEADER_FRAG "extends: common/base.yaml\n");
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: [common/a.yaml, common/b.yaml]\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/common/b.yaml:3:10: error: extends: 'common/base.yaml' "
				"is already merged into this profile; include each fragment once"));
	assert_int_equal(t->d.n_errors, 1);
}

static void dot_component_in_extends_is_named(void **state)
{
	struct lt *t = *state;

	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: ./common/x.yaml\n");
	load(t, "a");
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:4:10: error: extends: './common/x.yaml' has "
				"a '.' component; write it from the repository root"));
}

static void duplicate_in_a_file_survives_merging_with_a_fragment(void **state)
{
	struct lt *t = *state;

	put(t, "common/site.yaml", HEADER_FRAG "switches: [{name: vs0, mtu: 1500}]\n");
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/site.yaml\n"
	    "switches: [{name: vs0, mtu: 9000}, {name: vs0, mtu: 2000}]\n");
	load(t, "a");
	assert_non_null(t->p);
	/* Both of the host's entries reach the profile: validation reports it. */
	assert_int_equal(t->p->n_switches, 2);
	assert_int_equal(t->p->switches[0].mtu, 9000);
	assert_int_equal(t->p->switches[1].mtu, 2000);
}

static void host_must_match_its_file_name(void **state)
{
	struct lt *t = *state;

	put(t, "hosts/a.yaml", HEADER_HOST("b"));
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:3:7: error: host: 'b' does not match the "
				"file name (hosts/a.yaml holds host 'a')"));
}

static void fragment_problems_point_into_the_fragment(void **state)
{
	struct lt *t = *state;

	put(t, "common/site.yaml", HEADER_FRAG "switches: [{name: vs0, mtux: 9000}]\n");
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/site.yaml\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/common/site.yaml:3:24: error: unknown key 'mtux' in "
				"switch (did you mean 'mtu'?)"));
}

static void broken_fragment_is_parsed_once_for_many_hosts(void **state)
{
	struct lt *t = *state;

	put(t, "common/site.yaml", HEADER_FRAG "switches: [\n");
	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: common/site.yaml\n");
	put(t, "hosts/b.yaml", HEADER_HOST("b") "extends: common/site.yaml\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_int_equal(t->d.n_errors, 1);
	load(t, "b");
	assert_int_equal(t->rc, -EINVAL);
	assert_int_equal(t->d.n_errors, 1);
}

/* Each merge copies the lists merged so far: the fragment count is bounded,
 * and the error is given once, at the first entry over the limit. */
static void at_most_256_fragments_per_profile(void **state)
{
	struct lt *t = *state;
	size_t cap = 300 * 40 + 256, len = 0;
	char *host = malloc(cap), path[64], text[128];

	assert_non_null(host);
	len += (size_t)snprintf(host + len, cap - len, HEADER_HOST("a") "extends:\n");
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "common/f%d.yaml", i);
		snprintf(text, sizeof(text), HEADER_FRAG "routes: [{to: 203.0.113.%d/32, adapter: x}]\n", i);
		put(t, path, text);
		len += (size_t)snprintf(host + len, cap - len, "  - %s\n", path);
	}
	put(t, "hosts/a.yaml", host);
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:261:5: error: extends: more than 256 "
				"fragments in one profile"));
	assert_int_equal(t->d.n_errors, 1);
	free(host);
}

/* A path is shown in messages: no controls or invisible characters. */
static void extends_path_with_a_control_character_is_refused(void **state)
{
	struct lt *t = *state;

	put(t, "hosts/a.yaml", HEADER_HOST("a") "extends: \"common/x\\e[2J.yaml\"\n");
	load(t, "a");
	assert_int_equal(t->rc, -EINVAL);
	assert_true(tu_has_diag(&t->d, "repo/hosts/a.yaml:4:10: error: extends: "
				"'common/x\\x1b[2J.yaml' holds U+001B (a control or invisible "
				"formatting character)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(host_file_wins_over_the_fragment_it_extends, setup, teardown),
		cmocka_unit_test_setup_teardown(nested_extends_merge_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(extends_cycle_names_the_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(extends_paths_stay_inside_the_repository, setup, teardown),
		cmocka_unit_test_setup_teardown(symlinked_fragment_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_fragment_is_named_at_the_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_host_file_is_enoent, setup, teardown),
		cmocka_unit_test_setup_teardown(fragment_header_is_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(fragment_may_not_name_a_host, setup, teardown),
		cmocka_unit_test_setup_teardown(fragment_included_twice_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(dot_component_in_extends_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(duplicate_in_a_file_survives_merging_with_a_fragment, setup, teardown),
		cmocka_unit_test_setup_teardown(host_must_match_its_file_name, setup, teardown),
		cmocka_unit_test_setup_teardown(fragment_problems_point_into_the_fragment, setup, teardown),
		cmocka_unit_test_setup_teardown(broken_fragment_is_parsed_once_for_many_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(at_most_256_fragments_per_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(extends_path_with_a_control_character_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
