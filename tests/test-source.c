/* Tests for source.h: the directory backend and the git backend, on trees
 * and repositories built under a temporary directory by the group setup. */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "source.h"

#define MANY_HOSTS 10000

static char tmp[] = "/tmp/test-source.XXXXXX";

/* printf into a static buffer: "<tmp>/<rel>". */
static const char *at(const char *rel)
{
	static char buf[4][512];
	static unsigned i;
	char *b = buf[i++ % 4];

	snprintf(b, sizeof(buf[0]), "%s/%s", tmp, rel);
	return b;
}

/* Run a shell script in the temporary directory; 0 when it exits 0. */
__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char *script, *cmd;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&script, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	r = asprintf(&cmd, "cd '%s' && { set -e; %s\n} >/dev/null", tmp, script);
	free(script);
	if (r < 0)
		return -1;
	r = system(cmd);
	if (r != 0)
		fprintf(stderr, "command failed (%d): %s\n", r, cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

/* First line of a command's output, run in the temporary directory. */
static char *sh_out(const char *script)
{
	char line[256] = "", *cmd;
	FILE *f;

	if (asprintf(&cmd, "cd '%s' && %s", tmp, script) < 0)
		return NULL;
	f = popen(cmd, "r");
	free(cmd);
	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	pclose(f);
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

static const char dir_script[] =
	"mkdir -p dir/hosts/sub dir/hosts/dir.yaml outdir nohosts filehosts linkhosts\n"
	"printf 'top\\n' > dir/top.yaml\n"
	": > dir/empty.yaml\n"
	"head -c 100 /dev/zero | tr '\\0' x > dir/big.yaml\n"
	"printf 'name: a\\n' > dir/hosts/a.yaml\n"
	"printf 'name: b\\n' > dir/hosts/b.yaml\n"
	"echo readme > dir/hosts/README\n"
	"echo yml > dir/hosts/notes.yml\n"
	": > dir/hosts/.yaml\n"
	"echo c > dir/hosts/sub/c.yaml\n"
	"echo x > dir/hosts/dir.yaml/x\n"
	"ln -s a.yaml dir/hosts/ln.yaml\n"
	"ln -s hosts/a.yaml dir/link-in.yaml\n"
	"ln -s ../outside.yaml dir/link-out.yaml\n"
	"ln -s \"$PWD/outside.yaml\" dir/link-abs.yaml\n"
	"ln -s ../outdir dir/linkdir\n"
	"ln -s hosts dir/linkdir-in\n"
	"mkfifo dir/fifo.yaml\n"
	"echo secret > outside.yaml\n"
	"echo secret > outdir/x.yaml\n"
	"echo top > nohosts/top.yaml\n"
	"echo not-a-dir > filehosts/hosts\n"
	"ln -s ../dir/hosts linkhosts/hosts\n";

/* work: commit 1 (tagged v1), commit 2; then uncommitted changes in the
 * work tree and the index, which a git source must not see. */
static const char git_script[] =
	"git init -q work\n"
	"cd work\n"
	"mkdir -p hosts/sub hosts/dir.yaml\n"
	"printf 'top v1\\n' > top.yaml\n"
	": > empty.yaml\n"
	"head -c 100 /dev/zero | tr '\\0' x > big.yaml\n"
	"printf 'name: a\\nv: 1\\n' > hosts/a.yaml\n"
	"printf 'name: b\\n' > hosts/b.yaml\n"
	"echo readme > hosts/README\n"
	"echo yml > hosts/notes.yml\n"
	"echo c > hosts/sub/c.yaml\n"
	"echo x > hosts/dir.yaml/x\n"
	"ln -s a.yaml hosts/ln.yaml\n"
	"ln -s hosts/a.yaml link.yaml\n"
	"ln -s hosts linkdir\n"
	"printf '#!/bin/sh\\n' > run.yaml\n"
	"chmod +x run.yaml\n"
	"git add -A\n"
	"git commit -q -m first\n"
	"git tag -a -m v1 v1\n"
	"printf 'name: a\\nv: 2\\n' > hosts/a.yaml\n"
	"printf 'name: c\\n' > hosts/c.yaml\n"
	"git add -A\n"
	"git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),mod\n"
	"git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),hosts/mod.yaml\n"
	"git commit -q -m second\n"
	"git tag treetag 'HEAD^{tree}'\n"
	"git tag -a -m t atreetag 'HEAD^{tree}'\n"
	"git tag blobtag HEAD:top.yaml\n"
	"echo dirty > hosts/a.yaml\n"
	"echo staged > hosts/b.yaml\n"
	"git add hosts/b.yaml\n"
	"echo new > hosts/new.yaml\n"
	"rm top.yaml\n"
	"cd ..\n"
	"git clone -q --bare work bare.git\n"
	"git init -q unborn\n"
	"git init -q gitnohosts\n"
	"echo top > gitnohosts/top.yaml\n"
	"git -C gitnohosts add -A\n"
	"git -C gitnohosts commit -q -m only-top\n"
	"git init -q gitfilehosts\n"
	"echo not-a-dir > gitfilehosts/hosts\n"
	"git -C gitfilehosts add -A\n"
	"git -C gitfilehosts commit -q -m file-hosts\n"
	"git init -q gitlinkhosts\n"
	"mkdir gitlinkhosts/real\n"
	"echo x > gitlinkhosts/real/a.yaml\n"
	"ln -s real gitlinkhosts/hosts\n"
	"git -C gitlinkhosts add -A\n"
	"git -C gitlinkhosts commit -q -m link-hosts\n"
	"git init -q moving\n"
	"echo old > moving/top.yaml\n"
	"git -C moving add -A\n"
	"git -C moving commit -q -m old\n"
	/* Damaged repositories: a pack cut in half, and a lost blob. */
	"git clone -q --bare work truncated.git\n"
	"git -C truncated.git gc -q\n"
	"for p in truncated.git/objects/pack/*.pack; do\n"
	"  truncate -s $(($(stat -c %s \"$p\") / 2)) \"$p\"\n"
	"done\n"
	"git init -q lostblob\n"
	"mkdir lostblob/hosts\n"
	"echo 'name: a' > lostblob/hosts/a.yaml\n"
	"git -C lostblob add -A\n"
	"git -C lostblob commit -q -m lost\n"
	"b=$(git -C lostblob rev-parse HEAD:hosts/a.yaml)\n"
	"rm lostblob/.git/objects/$(echo $b | cut -c1-2)/$(echo $b | cut -c3-)\n";

/* Built with plumbing: adding 10,000 files through the index is slow. */
#define MANY_SCRIPT \
	"git init -q --bare many.git\n" \
	"cd many.git\n" \
	"b=$(printf 'name: h\\n' | git hash-object -w --stdin)\n" \
	"h=$(awk -v b=$b 'BEGIN { for (i = 0; i < %d; i++)" \
	" printf \"100644 blob %%s\\th%%05d.yaml\\n\", b, i }' | git mktree)\n" \
	"t=$(printf '040000 tree %%s\\thosts\\n' $h | git mktree)\n" \
	"c=$(git commit-tree -m many $t)\n" \
	"git update-ref refs/heads/main $c\n"

static int group_setup(void **state)
{
	FILE *f;

	if (!mkdtemp(tmp))
		return -1;
	/* Keep the machine's and the user's git configuration out. */
	setenv("HOME", at("home"), 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("GIT_CONFIG_GLOBAL");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_OBJECT_DIRECTORY");
	unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	unsetenv("GIT_CEILING_DIRECTORIES");
	if (sh("mkdir home") < 0)
		return -1;
	f = fopen(at("home/.gitconfig"), "w");
	if (!f)
		return -1;
	fputs("[user]\n\tname = Test\n\temail = test@example.invalid\n"
	      "[init]\n\tdefaultBranch = main\n", f);
	if (fclose(f) != 0)
		return -1;
	if (sh("%s", dir_script) < 0 || sh("%s", git_script) < 0 ||
	    sh(MANY_SCRIPT, MANY_HOSTS) < 0)
		return -1;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int group_teardown(void **state)
{
	return nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- helpers -------------------------------------------------------------- */

static struct source *open_dir(const char *rel)
{
	struct source *src = NULL;

	assert_int_equal(source_open_dir(&src, at(rel)), 0);
	assert_non_null(src);
	return src;
}

static struct source *open_git(const char *rel, const char *ref)
{
	struct source *src = NULL;
	char *err = NULL;
	int r = source_open_git(&src, at(rel), ref, &err);

	if (r < 0)
		fail_msg("open %s at %s: %d %s", rel, ref, r, err ? err : "");
	assert_null(err);
	assert_non_null(src);
	return src;
}

static void assert_read(struct source *src, const char *path, const char *want)
{
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(source_read(src, path, 1 << 20, &buf, &len), 0);
	assert_non_null(buf);
	assert_int_equal(len, strlen(want));
	assert_int_equal(buf[len], '\0');
	assert_memory_equal(buf, want, len);
	free(buf);
}

static void assert_read_fails(struct source *src, const char *path, size_t max, int want)
{
	static char poison[] = "poison";
	char *buf = poison;
	size_t len = 42;
	int r = source_read(src, path, max, &buf, &len);

	if (r != want)
		fail_msg("reading '%s': got %d, want %d", path, r, want);
	assert_null(buf);
	assert_int_equal(len, 0);
}

static void assert_hosts(struct source *src, const char *const *want, size_t n_want)
{
	char **names = NULL;
	size_t n = 99;

	assert_int_equal(source_list_hosts(src, &names, &n), 0);
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	source_names_free(names, n);
}

/* Opening must fail with `want` and exactly the message "<prefix><rest>"
 * where rest is `suffix`, or (suffix NULL) any non-empty libgit2 text. */
static void assert_git_open_fails(const char *repo, const char *ref, int want,
				  const char *prefix, const char *suffix)
{
	struct source *src = (struct source *)&src;
	char *err = NULL;
	int r = source_open_git(&src, repo, ref, &err);

	if (r != want)
		fail_msg("open %s at %s: got %d, want %d (%s)", repo, ref, r, want, err ? err : "");
	assert_null(src);
	assert_non_null(err);
	assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
	if (suffix)
		assert_string_equal(err + strlen(prefix), suffix);
	else
		assert_true(strlen(err) > strlen(prefix));
	free(err);
}

static const char *const bad_paths[] = {
	"", "/etc/passwd", "/top.yaml", "hosts//a.yaml", "hosts/", "./top.yaml",
	"hosts/./a.yaml", ".", "..", "../outside.yaml", "hosts/../top.yaml",
	"hosts/..", "hosts\\a.yaml", "..\\outside.yaml",
};

static void assert_refuses_bad_paths(struct source *src)
{
	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(*bad_paths); i++)
		assert_read_fails(src, bad_paths[i], 1 << 20, -EINVAL);
	assert_read_fails(src, NULL, 1 << 20, -EINVAL);
}

/* --- common -------------------------------------------------------------- */

static void test_free_accepts_null(void **state)
{
	assert_null(source_free(NULL));
	source_names_free(NULL, 0);
}

static void test_unsafe_paths_are_einval_in_both_backends(void **state)
{
	struct source *d = open_dir("dir"), *g = open_git("work", "HEAD");

	assert_refuses_bad_paths(d);
	assert_refuses_bad_paths(g);
	/* Dots inside a name are not components. */
	assert_read_fails(d, "hosts/..a.yaml", 1 << 20, -ENOENT);
	assert_read_fails(g, "hosts/..a.yaml", 1 << 20, -ENOENT);
	assert_read_fails(d, ".hidden/a.yaml", 1 << 20, -ENOENT);
	assert_read_fails(g, ".hidden/a.yaml", 1 << 20, -ENOENT);
	source_free(d);
	source_free(g);
}

/* --- directory backend ----------------------------------------------------- */

static void test_dir_open_missing_root_is_enoent(void **state)
{
	struct source *src = (struct source *)&src;

	assert_int_equal(source_open_dir(&src, at("nope")), -ENOENT);
	assert_null(src);
	assert_int_equal(source_open_dir(&src, at("dir/top.yaml")), -ENOTDIR);
	assert_int_equal(source_open_dir(&src, ""), -EINVAL);
}

static void test_dir_read_returns_nul_terminated_content(void **state)
{
	struct source *src = open_dir("dir");

	assert_read(src, "top.yaml", "top\n");
	assert_read(src, "hosts/a.yaml", "name: a\n");
	assert_read(src, "hosts/sub/c.yaml", "c\n");
	assert_read(src, "empty.yaml", "");
	source_free(src);
}

static void test_dir_read_errors(void **state)
{
	struct source *src = open_dir("dir");

	assert_read_fails(src, "missing.yaml", 1 << 20, -ENOENT);
	assert_read_fails(src, "nodir/a.yaml", 1 << 20, -ENOENT);
	assert_read_fails(src, "top.yaml/a.yaml", 1 << 20, -ENOENT);
	assert_read_fails(src, "hosts", 1 << 20, -EISDIR);
	assert_read_fails(src, "hosts/dir.yaml", 1 << 20, -EISDIR);
	assert_read_fails(src, "fifo.yaml", 1 << 20, -EINVAL);
	source_free(src);
}

static void test_dir_read_over_max_is_efbig(void **state)
{
	struct source *src = open_dir("dir");
	char *buf;
	size_t len;

	assert_read_fails(src, "big.yaml", 99, -EFBIG);
	assert_read_fails(src, "top.yaml", 0, -EFBIG);
	assert_int_equal(source_read(src, "big.yaml", 100, &buf, &len), 0);
	assert_int_equal(len, 100);
	free(buf);
	assert_int_equal(source_read(src, "empty.yaml", 0, &buf, NULL), 0);
	assert_string_equal(buf, "");
	free(buf);
	source_free(src);
}

static void test_dir_read_refuses_every_symlink(void **state)
{
	struct source *src = open_dir("dir");

	assert_read_fails(src, "link-out.yaml", 1 << 20, -EINVAL);
	assert_read_fails(src, "link-abs.yaml", 1 << 20, -EINVAL);
	assert_read_fails(src, "linkdir/x.yaml", 1 << 20, -EINVAL);
	/* Inside the root too: the git backend cannot follow them either. */
	assert_read_fails(src, "link-in.yaml", 1 << 20, -EINVAL);
	assert_read_fails(src, "linkdir-in/a.yaml", 1 << 20, -EINVAL);
	assert_read_fails(src, "hosts/ln.yaml", 1 << 20, -EINVAL);
	source_free(src);
}

static void test_dir_display_name_is_the_path_and_no_commit(void **state)
{
	struct source *src = open_dir("dir");
	char *name = source_display_name(src, "hosts/a.yaml");

	assert_string_equal(name, "hosts/a.yaml");
	free(name);
	assert_null(source_commit_id(src));
	source_free(src);
}

static void test_dir_list_hosts_sorted_without_dirs_or_other_files(void **state)
{
	static const char *const want[] = { "a", "b", "ln" };
	struct source *src = open_dir("dir");

	assert_hosts(src, want, 3);
	source_free(src);
}

static void test_dir_list_hosts_edge_cases(void **state)
{
	struct source *src = open_dir("nohosts");
	char **names = (char **)&names;
	size_t n = 7;

	assert_hosts(src, NULL, 0);
	source_free(src);

	src = open_dir("filehosts");
	assert_int_equal(source_list_hosts(src, &names, &n), -ENOTDIR);
	assert_null(names);
	assert_int_equal(n, 0);
	source_free(src);

	src = open_dir("linkhosts");
	assert_int_equal(source_list_hosts(src, &names, &n), -EINVAL);
	source_free(src);
}

/* --- git backend --------------------------------------------------------- */

static void test_git_open_missing_repo_is_enoent(void **state)
{
	char prefix[600];

	snprintf(prefix, sizeof(prefix), "cannot open git repository '%s': ", at("nope"));
	assert_git_open_fails(at("nope"), "HEAD", -ENOENT, prefix, NULL);
	/* A plain directory, and one inside a repository: no upward search. */
	snprintf(prefix, sizeof(prefix), "cannot open git repository '%s': ", at("dir"));
	assert_git_open_fails(at("dir"), "HEAD", -ENOENT, prefix, NULL);
	snprintf(prefix, sizeof(prefix), "cannot open git repository '%s': ", at("work/hosts"));
	assert_git_open_fails(at("work/hosts"), "HEAD", -ENOENT, prefix, NULL);
}

static void test_git_open_missing_ref_is_enoent(void **state)
{
	char want[600];

	snprintf(want, sizeof(want), "ref 'nope' not found in repository '%s'", at("work"));
	assert_git_open_fails(at("work"), "nope", -ENOENT, want, "");
	snprintf(want, sizeof(want), "ref 'HEAD~9' not found in repository '%s'", at("work"));
	assert_git_open_fails(at("work"), "HEAD~9", -ENOENT, want, "");
	snprintf(want, sizeof(want), "ref 'HEAD' not found in repository '%s'", at("unborn"));
	assert_git_open_fails(at("unborn"), "HEAD", -ENOENT, want, "");
}

/* A repository whose objects cannot be read says so (with libgit2's
 * message), rather than "ref not found"; and nothing leaks on that path
 * (libgit2 1.5 leaks in git_revparse_single's, which hostnet keeps off;
 * the ASan build's leak checker runs this). */
static void test_git_damaged_repository_says_so(void **state)
{
	char prefix[512];
	struct source *src;

	(void)state;
	snprintf(prefix, sizeof(prefix), "repository '%s' is damaged: ref 'HEAD' points to ",
		 at("truncated.git"));
	assert_git_open_fails(at("truncated.git"), "HEAD", -EIO, prefix, NULL);
	assert_git_open_fails(at("truncated.git"), "HEAD~1", -EIO, prefix, NULL);
	src = open_git("lostblob", "HEAD");
	assert_read_fails(src, "hosts/a.yaml", 1 << 20, -EBADMSG);
	source_free(src);
}

static void test_git_open_ref_naming_tree_or_blob_is_einval(void **state)
{
	static const struct { const char *ref, *type; } cases[] = {
		{ "HEAD^{tree}", "tree" },
		{ "HEAD:hosts", "tree" },
		{ "treetag", "tree" },
		{ "atreetag", "tree" },
		{ "HEAD:top.yaml", "blob" },
		{ "blobtag", "blob" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char want[600];

		snprintf(want, sizeof(want), "ref '%s' in repository '%s' names a %s, not a commit",
			 cases[i].ref, at("work"), cases[i].type);
		assert_git_open_fails(at("work"), cases[i].ref, -EINVAL, want, "");
	}
}

static void test_git_open_bad_arguments_and_refs_are_einval(void **state)
{
	char want[600];

	assert_git_open_fails("", "HEAD", -EINVAL, "no git repository given", "");
	snprintf(want, sizeof(want), "no ref given for repository '%s'", at("work"));
	assert_git_open_fails(at("work"), "", -EINVAL, want, "");
	snprintf(want, sizeof(want), "invalid ref 'HEAD@{' in repository '%s': ", at("work"));
	assert_git_open_fails(at("work"), "HEAD@{", -EINVAL, want, NULL);
}

static void test_git_open_without_errmsg(void **state)
{
	struct source *src = NULL;

	assert_int_equal(source_open_git(&src, at("work"), "nope", NULL), -ENOENT);
	assert_int_equal(source_open_git(&src, at("nope"), "HEAD", NULL), -ENOENT);
	assert_int_equal(source_open_git(&src, at("work"), "HEAD", NULL), 0);
	source_free(src);
}

static void test_git_reads_commit_not_work_tree_or_index(void **state)
{
	struct source *src = open_git("work", "HEAD");

	assert_read(src, "hosts/a.yaml", "name: a\nv: 2\n");  /* work tree: dirty */
	assert_read(src, "hosts/b.yaml", "name: b\n");        /* index: staged */
	assert_read(src, "top.yaml", "top v1\n");             /* work tree: deleted */
	assert_read_fails(src, "hosts/new.yaml", 1 << 20, -ENOENT);
	assert_read(src, "hosts/sub/c.yaml", "c\n");
	assert_read(src, "run.yaml", "#!/bin/sh\n");
	assert_read(src, "empty.yaml", "");
	source_free(src);
}

static void test_git_older_commit_reads_old_content(void **state)
{
	struct source *src = open_git("work", "HEAD~1"), *tag;
	char *want_id = sh_out("git -C work rev-parse HEAD~1");
	char *name;

	assert_read(src, "hosts/a.yaml", "name: a\nv: 1\n");
	assert_read_fails(src, "hosts/c.yaml", 1 << 20, -ENOENT);
	assert_non_null(want_id);
	assert_int_equal(strlen(want_id), 40);
	assert_string_equal(source_commit_id(src), want_id);
	name = source_display_name(src, "hosts/a.yaml");
	assert_string_equal(name, "HEAD~1:hosts/a.yaml");
	free(name);

	/* An annotated tag peels to its commit; the name keeps the tag. */
	tag = open_git("work", "v1");
	assert_string_equal(source_commit_id(tag), want_id);
	assert_read(tag, "hosts/a.yaml", "name: a\nv: 1\n");
	name = source_display_name(tag, "hosts/a.yaml");
	assert_string_equal(name, "v1:hosts/a.yaml");
	free(name);
	source_free(tag);
	source_free(src);
	free(want_id);
}

static void test_git_bare_repo_and_git_dir(void **state)
{
	struct source *bare = open_git("bare.git", "HEAD");
	struct source *gitdir = open_git("work/.git", "main");
	char *want_id = sh_out("git -C work rev-parse HEAD");

	assert_non_null(want_id);
	assert_string_equal(source_commit_id(bare), want_id);
	assert_string_equal(source_commit_id(gitdir), want_id);
	assert_read(bare, "hosts/a.yaml", "name: a\nv: 2\n");
	assert_read(gitdir, "hosts/a.yaml", "name: a\nv: 2\n");
	assert_read(bare, "top.yaml", "top v1\n");
	/* Free in opening order: libgit2 init and shutdown are counted. */
	source_free(bare);
	assert_read(gitdir, "hosts/b.yaml", "name: b\n");
	source_free(gitdir);
	free(want_id);
}

static void test_git_read_errors(void **state)
{
	struct source *src = open_git("work", "HEAD");
	char *buf;
	size_t len;

	assert_read_fails(src, "missing.yaml", 1 << 20, -ENOENT);
	assert_read_fails(src, "nodir/a.yaml", 1 << 20, -ENOENT);
	assert_read_fails(src, "top.yaml/a.yaml", 1 << 20, -ENOENT);
	assert_read_fails(src, "hosts", 1 << 20, -EISDIR);
	assert_read_fails(src, "hosts/dir.yaml", 1 << 20, -EISDIR);
	assert_read_fails(src, "link.yaml", 1 << 20, -EINVAL);
	assert_read_fails(src, "hosts/ln.yaml", 1 << 20, -EINVAL);
	assert_read_fails(src, "linkdir/a.yaml", 1 << 20, -EINVAL);
	assert_read_fails(src, "mod", 1 << 20, -EINVAL);
	assert_read_fails(src, "mod/a.yaml", 1 << 20, -EINVAL);
	assert_read_fails(src, "big.yaml", 99, -EFBIG);
	assert_read_fails(src, "hosts/a.yaml", 0, -EFBIG);
	assert_int_equal(source_read(src, "big.yaml", 100, &buf, &len), 0);
	assert_int_equal(len, 100);
	assert_int_equal(buf[100], '\0');
	free(buf);
	source_free(src);
}

static void test_git_commit_id_is_hex(void **state)
{
	struct source *src = open_git("work", "main");
	const char *id = source_commit_id(src);

	assert_int_equal(strlen(id), 40);
	assert_int_equal(strspn(id, "0123456789abcdef"), 40);
	source_free(src);
}

static void test_git_list_hosts_only_yaml_blobs_sorted(void **state)
{
	/* Not README, notes.yml, sub/, dir.yaml/ (a tree) or mod.yaml (a
	 * submodule); ln.yaml is a symlink, listed so reading it fails. */
	static const char *const head[] = { "a", "b", "c", "ln" };
	static const char *const old[] = { "a", "b", "ln" };
	struct source *src = open_git("work", "HEAD");

	assert_hosts(src, head, 4);
	/* Listing then reading uses the same hosts/ tree. */
	assert_read(src, "hosts/c.yaml", "name: c\n");
	source_free(src);
	src = open_git("work", "HEAD~1");
	assert_hosts(src, old, 3);
	source_free(src);
}

static void test_git_list_hosts_edge_cases(void **state)
{
	struct source *src = open_git("gitnohosts", "HEAD");
	char **names = (char **)&names;
	size_t n = 7;

	assert_hosts(src, NULL, 0);
	source_free(src);
	src = open_git("gitfilehosts", "HEAD");
	assert_int_equal(source_list_hosts(src, &names, &n), -ENOTDIR);
	assert_null(names);
	assert_int_equal(n, 0);
	source_free(src);
	src = open_git("gitlinkhosts", "HEAD");
	assert_int_equal(source_list_hosts(src, &names, &n), -EINVAL);
	assert_read_fails(src, "hosts/a.yaml", 1 << 20, -EINVAL);
	source_free(src);
}

static void test_git_ref_is_resolved_once_at_open(void **state)
{
	struct source *src = open_git("moving", "HEAD");
	char *id = strdup(source_commit_id(src));

	assert_int_equal(sh("cd moving && echo new > top.yaml && git commit -q -am new"), 0);
	assert_read(src, "top.yaml", "old\n");
	assert_string_equal(source_commit_id(src), id);
	source_free(src);
	src = open_git("moving", "HEAD");
	assert_read(src, "top.yaml", "new\n");
	assert_string_not_equal(source_commit_id(src), id);
	source_free(src);
	free(id);
}

static void test_git_many_hosts_list_and_read_all(void **state)
{
	struct source *src = open_git("many.git", "main");
	char **names = NULL;
	size_t n = 0;

	assert_int_equal(source_list_hosts(src, &names, &n), 0);
	assert_int_equal(n, MANY_HOSTS);
	assert_string_equal(names[0], "h00000");
	assert_string_equal(names[MANY_HOSTS - 1], "h09999");
	for (size_t i = 0; i < n; i++) {
		char path[64];

		snprintf(path, sizeof(path), "hosts/%s.yaml", names[i]);
		assert_read(src, path, "name: h\n");
	}
	source_names_free(names, n);
	source_free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_accepts_null),
		cmocka_unit_test(test_unsafe_paths_are_einval_in_both_backends),
		cmocka_unit_test(test_dir_open_missing_root_is_enoent),
		cmocka_unit_test(test_dir_read_returns_nul_terminated_content),
		cmocka_unit_test(test_dir_read_errors),
		cmocka_unit_test(test_dir_read_over_max_is_efbig),
		cmocka_unit_test(test_dir_read_refuses_every_symlink),
		cmocka_unit_test(test_dir_display_name_is_the_path_and_no_commit),
		cmocka_unit_test(test_dir_list_hosts_sorted_without_dirs_or_other_files),
		cmocka_unit_test(test_dir_list_hosts_edge_cases),
		cmocka_unit_test(test_git_open_missing_repo_is_enoent),
		cmocka_unit_test(test_git_open_missing_ref_is_enoent),
		cmocka_unit_test(test_git_open_ref_naming_tree_or_blob_is_einval),
		cmocka_unit_test(test_git_open_bad_arguments_and_refs_are_einval),
		cmocka_unit_test(test_git_open_without_errmsg),
		cmocka_unit_test(test_git_reads_commit_not_work_tree_or_index),
		cmocka_unit_test(test_git_older_commit_reads_old_content),
		cmocka_unit_test(test_git_bare_repo_and_git_dir),
		cmocka_unit_test(test_git_read_errors),
		cmocka_unit_test(test_git_commit_id_is_hex),
		cmocka_unit_test(test_git_list_hosts_only_yaml_blobs_sorted),
		cmocka_unit_test(test_git_list_hosts_edge_cases),
		cmocka_unit_test(test_git_ref_is_resolved_once_at_open),
		cmocka_unit_test(test_git_many_hosts_list_and_read_all),
		cmocka_unit_test(test_git_damaged_repository_says_so),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
