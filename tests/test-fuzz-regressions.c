/* Replays saved fuzz inputs without libFuzzer: every crash the harnesses
 * (tests/fuzz/) found stays fixed.  Each file of tests/fuzz/regressions/
 * {profile,snapshot,snapblob,wantblob}/ goes through the same function as the harness
 * (tests/fuzz/fuzz-targets.c), and so do the seeds (the examples, the bad
 * profile corpus, tests/fuzz/seeds/), so the test is never empty.
 * In the sanitizer build, ASan and UBSan judge each case as libFuzzer would. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz/fuzz-targets.h"

typedef const char *(*fuzz_fn)(const uint8_t *data, size_t size);

struct replay {
	fuzz_fn fn;
	char *path;
	char *name;
};

static void read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	assert_false(ferror(f));
	fclose(f);
	*out = buf;
	*len = n;
}

static void input_goes_through_without_crash_leak_or_round_trip_change(void **state)
{
	const struct replay *r = *state;
	const char *bad;
	uint8_t *data;
	size_t len;

	read_file(r->path, &data, &len);
	bad = r->fn(data, len);
	free(data);
	if (bad)
		fail_msg("%s: %s", r->path, bad);
}

static struct CMUnitTest *tests;
static struct replay *replays;
static size_t n_tests, cap_tests;

static void add_case(fuzz_fn fn, const char *kind, const char *src, const char *dir,
		     const char *file)
{
	struct replay *r;

	if (n_tests == cap_tests) {
		cap_tests = cap_tests ? 2 * cap_tests : 64;
		replays = realloc(replays, cap_tests * sizeof(*replays));
		if (!replays)
			abort();
	}
	r = &replays[n_tests++];
	r->fn = fn;
	if (asprintf(&r->path, "%s/%s/%s", src, dir, file) < 0 ||
	    asprintf(&r->name, "%s %s/%s replays cleanly", kind, dir, file) < 0)
		abort();
}

/* Every regular file in src/dir whose name ends in `suffix` ("" = any),
 * in name order. */
static void add_dir(fuzz_fn fn, const char *kind, const char *src, const char *dir,
		    const char *suffix)
{
	struct dirent **ents;
	char *path;
	int n;

	if (asprintf(&path, "%s/%s", src, dir) < 0)
		abort();
	n = scandir(path, &ents, NULL, alphasort);
	free(path);
	for (int i = 0; i < n; i++) {
		const char *f = ents[i]->d_name;
		size_t fl = strlen(f), sl = strlen(suffix);

		if (f[0] != '.' && ents[i]->d_type != DT_DIR && fl >= sl &&
		    strcmp(f + fl - sl, suffix) == 0 && strcmp(f, "README") != 0)
			add_case(fn, kind, src, dir, f);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

int main(void)
{
	const char *src = getenv("SRCDIR");
	int r;

	if (!src) {
		fprintf(stderr, "# SRCDIR is not set (make check sets it); using .\n");
		src = ".";
	}
	add_dir(fuzz_profile_one, "profile", src, "tests/fuzz/regressions/profile", "");
	add_dir(fuzz_snapshot_one, "snapshot", src, "tests/fuzz/regressions/snapshot", "");
	add_dir(fuzz_snapblob_one, "snapblob", src, "tests/fuzz/regressions/snapblob", "");
	add_dir(fuzz_profile_one, "profile", src, "tests/fuzz/seeds/profile", "");
	add_dir(fuzz_snapblob_one, "snapblob", src, "tests/fuzz/seeds/snapblob", "");
	add_dir(fuzz_wantblob_one, "wantblob", src, "tests/fuzz/regressions/wantblob", "");
	add_dir(fuzz_wantblob_one, "wantblob", src, "tests/fuzz/seeds/wantblob", "");
	add_dir(fuzz_snapshot_one, "snapshot", src, "tests/fuzz/seeds/snapshot", "");
	add_dir(fuzz_profile_one, "profile", src, "examples/profiles/hosts", ".yaml");
	add_dir(fuzz_profile_one, "profile", src, "examples/profiles/common", ".yaml");
	add_dir(fuzz_profile_one, "profile", src, "tests/bad", ".yaml");
	add_dir(fuzz_profile_one, "profile", src, "tests/bad/common", ".yaml");
	if (n_tests == 0) {
		printf("Bail out! no fuzz inputs under %s/tests/fuzz (is SRCDIR right?)\n", src);
		return 1;
	}
	tests = calloc(n_tests, sizeof(*tests));
	if (!tests)
		abort();
	for (size_t i = 0; i < n_tests; i++)
		tests[i] = (struct CMUnitTest){
			.name = replays[i].name,
			.test_func = input_goes_through_without_crash_leak_or_round_trip_change,
			.initial_state = &replays[i],
		};
	r = _cmocka_run_group_tests("fuzz-regressions", tests, n_tests, NULL, NULL);
	for (size_t i = 0; i < n_tests; i++) {
		free(replays[i].path);
		free(replays[i].name);
	}
	free(replays);
	free(tests);
	return r;
}
