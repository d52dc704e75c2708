/* cmd-cached: a plan of an unchanged profile without parsing it.
 *
 * At 100,000 routes libyaml alone was half of a no-op plan.  Realization
 * is a function of the bytes of the files a profile is merged from (which
 * files, too: `extends` is in those bytes), the host it is for, what the
 * kernel supports and hostnet itself; an applied generation records a key
 * over all of them (0008-generation-sources.sql) and the desired state it
 * realized (0006).  When the same key comes out of the same files now, that
 * desired state is what parsing would give, and is reused.  Reading and
 * hashing the files is cheap next to parsing them. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "source.h"
#include "store.h"
#include "ydoc.h"

/* Bumped whenever realization changes in a way the version does not show
 * (a development build): every recorded key then misses. */
#define SOURCE_KEY_FORMAT 2
#define SOURCE_KEY_HEADER_LINES 3

/* The next line of *p (advanced past it) into a malloc'd string. */
static char *next_line(const char **p)
{
	size_t n = strcspn(*p, "\n");
	char *s = strndup(*p, n);

	*p += n + ((*p)[n] == '\n');
	return s;
}

int cmd_source_key(char **key, char **files_out, struct source *src, const char *host,
		   const char *files, uint32_t caps, const char *known_key)
{
	char *ktext = NULL, *ftext = NULL, id[41], sig[128];
	size_t klen = 0, flen = 0;
	FILE *kf = open_memstream(&ktext, &klen), *ff = open_memstream(&ftext, &flen);
	const char *known = known_key;
	int r = kf && ff ? 0 : -ENOMEM;

	*key = *files_out = NULL;
	if (r == 0)
		fprintf(kf, "hostnet %s source key %d\nhost %s\ncaps %08x\n", PACKAGE_VERSION,
			SOURCE_KEY_FORMAT, host, (unsigned)caps);
	for (int i = 0; known && i < SOURCE_KEY_HEADER_LINES; i++)
		free(next_line(&known));
	for (const char *p = files; r == 0 && *p;) {
		char *line = next_line(&p), *kline = known && *known ? next_line(&known) : NULL;
		char *tab = line ? strchr(line, '\t') : NULL, *path = tab ? tab + 1 : line;
		/* The recorded id of this file, if the recorded line names it. */
		char *kid = kline && strlen(kline) > 41 && strcmp(kline + 41, path) == 0 ? kline : NULL;

		if (tab)
			*tab = '\0';
		if (kid)
			kid[40] = '\0';
		r = line ? source_file_id(src, path, tab ? line : NULL, kid, id, sig, sizeof(sig))
			 : -ENOMEM;
		if (r == 0) {
			fprintf(kf, "%s %s\n", id, path);
			fprintf(ff, "%s\t%s\n", sig, path);
		}
		free(line);
		free(kline);
	}
	if (kf && fclose(kf) != 0 && r == 0)
		r = -ENOMEM;
	if (ff && fclose(ff) != 0 && r == 0)
		r = -ENOMEM;
	if (r == 0) {
		*key = ktext;
		*files_out = ftext;
	} else {
		free(ktext);
		free(ftext);
	}
	return r;
}

int cmd_desired_files(char **out, const char *host_path, const char *const *frags, size_t n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f;

	*out = NULL;
	/* One path a line after a tab: a path with either (an odd extends)
	 * has no key. */
	if (strpbrk(host_path, "\n\t"))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (strpbrk(frags[i], "\n\t"))
			return -EINVAL;
	f = open_memstream(&s, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "%s\n", host_path);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", frags[i]);
	if (fclose(f) != 0) {
		free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

/* Whether "[SIG<tab>]PATH" lines `a` and `b` name the same paths in order. */
static bool same_paths(const char *a, const char *b)
{
	while (*a && *b) {
		size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
		const char *ta = memchr(a, '\t', na), *tb = memchr(b, '\t', nb);
		const char *pa = ta ? ta + 1 : a, *pb = tb ? tb + 1 : b;

		if (a + na - pa != b + nb - pb || memcmp(pa, pb, (size_t)(a + na - pa)) != 0)
			return false;
		a += na + (a[na] == '\n');
		b += nb + (b[nb] == '\n');
	}
	return !*a && !*b;
}

int cmd_desired_source_key(const struct cmd_desired *d, const struct cmd_state_opts *so,
			   uint32_t caps, char **key, char **files)
{
	struct store_open_opts sopts;
	struct store_generation g = { 0 };
	struct store *st = NULL;
	char *kkey = NULL, *kfiles = NULL;
	int r;

	*key = *files = NULL;
	if (!d->files || !d->src || !d->host)
		return -ENOENT;
	/* The last generation's signatures spare reading files that did not
	 * change (a no-op apply of 100,000 routes would hash 5 MB). */
	cmd_store_opts(so, &sopts);
	if (store_open(&st, cmd_state_path(so), STORE_READONLY, &sopts, NULL) == 0 &&
	    store_generation_last_applied(&g, st, d->host, NULL) == 0 &&
	    store_generation_source(&kkey, &kfiles, st, g.id, NULL) == 0 && !same_paths(kfiles, d->files)) {
		free(kkey);
		free(kfiles);
		kkey = kfiles = NULL;
	}
	store_generation_clear(&g);
	store_close(st);
	r = cmd_source_key(key, files, d->src, d->host, kfiles ? kfiles : d->files, caps, kkey);
	free(kkey);
	free(kfiles);
	return r;
}

/* The host a file outside hosts/ is for is in its bytes: the one host this
 * database has applied (a key that matches proves it was that one). */
static char *only_host(struct store *st)
{
	char **hosts = NULL, *h = NULL;
	size_t n = 0;

	if (store_generation_hosts(&hosts, &n, st, NULL) == 0 && n == 1)
		h = strdup(hosts[0]);
	store_hosts_free(hosts, n);
	return h;
}

int cmd_desired_cached(const struct cmd_desired_opts *o, const struct cmd_state_opts *so,
		       struct cmd_desired *d, int64_t *gen, const char **why)
{
	struct store_open_opts sopts;
	struct store_generation g = { 0 };
	struct cmd_file_source fs = { 0 };
	struct store *st = NULL;
	char *key = NULL, *files = NULL, *path = NULL, *mine = NULL, *mine_files = NULL;
	const char *hp, *first;
	uint32_t caps = 0;
	int r;

	*d = (struct cmd_desired){ 0 };
	*why = "cannot read the profile's source";
	if (o->repo) {
		d->host = strdup(o->host ? o->host : cmd_default_host());
		r = d->host ? source_open_git(&d->src, o->repo, o->ref ? o->ref : "HEAD", NULL) : -ENOMEM;
		if (r < 0)
			goto out;
		if (asprintf(&path, "hosts/%s.yaml", d->host) < 0 ||
		    !(d->commit = source_commit_id(d->src) ? strdup(source_commit_id(d->src)) : NULL) ||
		    !(d->source = source_display_name(d->src, path))) {
			r = -ENOMEM;
			goto out;
		}
	} else if (o->file) {
		r = cmd_open_file_source(o->file, &fs);
		if (r < 0)
			goto out;
		d->src = fs.src;
		fs.src = NULL;
		if (!(d->source = strdup(o->file)) || (fs.host && !(d->host = strdup(fs.host)))) {
			r = -ENOMEM;
			goto out;
		}
	} else {
		r = -EINVAL;
		goto out;
	}
	*why = "no readable state database";
	cmd_store_opts(so, &sopts);
	r = store_open(&st, cmd_state_path(so), STORE_READONLY, &sopts, NULL);
	if (r < 0)
		goto out;
	if (!d->host && !(d->host = only_host(st))) {
		*why = "the profile's host is not known without parsing it";
		r = -ENOENT;
		goto out;
	}
	*why = "no applied generation with recorded sources";
	r = store_generation_last_applied(&g, st, d->host, NULL);
	if (r == 0)
		r = store_generation_source(&key, &files, st, g.id, NULL);
	if (r < 0)
		goto out;
	/* The host file first: a profile at another path is another profile. */
	hp = o->repo ? path : fs.path;
	first = strchr(files, '\t') ? strchr(files, '\t') + 1 : files;
	if (strncmp(first, hp, strlen(hp)) != 0 || (first[strlen(hp)] != '\n' && first[strlen(hp)])) {
		*why = "the last generation was applied from another file";
		r = -ESTALE;
		goto out;
	}
	*why = "cannot probe what the kernel supports";
	r = cmd_kernel_caps(so, &caps);
	if (r < 0)
		goto out;
	*why = "a source file changed or is gone";
	r = cmd_source_key(&mine, &mine_files, d->src, d->host, files, caps, key);
	if (r < 0)
		goto out;
	if (strcmp(mine, key) != 0) {
		*why = "the source key differs (a file, the host, the kernel or hostnet changed)";
		r = -ESTALE;
		goto out;
	}
	*why = "the generation's desired state is unreadable";
	r = store_generation_want(&d->want, st, &g, NULL);
	if (r < 0)
		goto out;
	/* The generation's profile hash is the hash of this very want. */
	if (g.profile_hash && strlen(g.profile_hash) == 40)
		memcpy(d->hash, g.profile_hash, 41);
	*gen = g.id;
	*why = NULL;
out:
	cmd_file_source_clear(&fs);
	store_generation_clear(&g);
	store_close(st);
	free(key);
	free(files);
	free(mine);
	free(mine_files);
	free(path);
	if (r < 0)
		cmd_desired_clear(d);
	return r;
}
