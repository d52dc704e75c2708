/* The desired state of one host, for plan/apply: a profile from a git
 * commit or a file, loaded, validated (problems printed like validate does),
 * realized into Linux objects, and identified by a content hash. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diff.h"
#include "observe.h"
#include "load.h"
#include "profile.h"
#include "source.h"
#include "validate.h"
#include "want-json.h"

int cmd_want_hash(char out[41], const struct want *w)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f)
		return -ENOMEM;
	r = want_write_canonical(f, w);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r == 0)
		r = source_hash(out, text, len);
	free(text);
	return r;
}

int cmd_desired_hash(struct cmd_desired *d)
{
	return d->hash[0] ? 0 : cmd_want_hash(d->hash, &d->want);
}

static int load_profile(const char *cmd, struct cmd_desired *d, struct source *src,
			const char *prefix, const char *path, const char *host, bool defer_hash)
{
	struct diag_list diags = { 0 };
	struct loader *l = NULL;
	struct profile *p = NULL;
	int r = loader_new(&l, src, prefix);

	if (r < 0)
		goto out;
	r = loader_load(l, path, host, &p, &diags);
	if (r == -ENOMEM)
		goto out;
	if (p && validate_profile(p, &diags) == -ENOMEM) {
		r = -ENOMEM;
		goto out;
	}
	/* A fragment's objects may be partial (the hosts extending it complete
	 * them) and validation checks only its names: realize needs a host. */
	if (p && p->kind && strcmp(p->kind, PROFILE_KIND_FRAGMENT) == 0 &&
	    diag_error(&diags, &p->loc, "kind: a %s is not deployed on its own; %s a host "
		       "profile that extends it", PROFILE_KIND_FRAGMENT, cmd) < 0) {
		r = -ENOMEM;
		goto out;
	}
	/* Not a word from loading or validating: these files may key a
	 * desired state that is reused without them (cmd-cached.c). */
	if (p && diags.n == 0 && !diags.truncated) {
		size_t nf;
		const char *const *frags = loader_last_fragments(l, &nf);

		if (cmd_desired_files(&d->files, path, frags, nf) == -ENOMEM) {
			r = -ENOMEM;
			goto out;
		}
	}
	cmd_print_diags(&diags);
	if (!p || diags.n_errors) {
		cmd_fail(cmd, "the profile has errors; nothing was changed");
		r = -EINVAL;
		goto out;
	}
	if (!d->host && p->host && !(d->host = strdup(p->host))) {
		r = -ENOMEM;
		goto out;
	}
	r = realize_profile(&d->want, p);
	if (r == 0 && !defer_hash)
		r = cmd_desired_hash(d);
out:
	if (r == -ENOMEM)
		cmd_fail(cmd, "out of memory");
	/* Locations in the want point at names the loader owns: keep it. */
	d->loader = l;
	profile_free(p);
	diag_list_clear(&diags);
	return r;
}

int cmd_desired_load(const char *cmd, const struct cmd_desired_opts *o, struct cmd_desired *d)
{
	char *err = NULL, *path = NULL;
	int r;

	*d = (struct cmd_desired){ 0 };
	if (o->repo) {
		const char *host = o->host ? o->host : cmd_default_host();

		r = source_open_git(&d->src, o->repo, o->ref ? o->ref : "HEAD", &err);
		if (r < 0) {
			cmd_fail(cmd, "%s", err ? err : strerror(-r));
			goto out;
		}
		if (asprintf(&path, "hosts/%s.yaml", host) < 0 || !(d->host = strdup(host)) ||
		    !(d->commit = source_commit_id(d->src) ? strdup(source_commit_id(d->src)) : NULL) ||
		    !(d->source = source_display_name(d->src, path))) {
			r = -ENOMEM;
			cmd_fail(cmd, "out of memory");
			goto out;
		}
		r = load_profile(cmd, d, d->src, NULL, path, host, o->defer_hash);
	} else if (o->file) {
		struct cmd_file_source fs;

		r = cmd_open_file_source(o->file, &fs);
		if (r < 0) {
			cmd_fail(cmd, "%s: %s", o->file, strerror(-r));
			goto out;
		}
		d->src = fs.src;
		fs.src = NULL;
		d->source = strdup(o->file);
		r = d->source ? load_profile(cmd, d, d->src, fs.prefix, fs.path, fs.host, o->defer_hash) : -ENOMEM;
		cmd_file_source_clear(&fs);
	} else {
		cmd_fail(cmd, "no profile: give --repo PATH (with --ref, --host) or a profile file");
		r = -EINVAL;
	}
out:
	free(err);
	free(path);
	if (r < 0)
		cmd_desired_clear(d);
	return r;
}

void cmd_desired_clear(struct cmd_desired *d)
{
	want_clear(&d->want);
	loader_free(d->loader);
	source_free(d->src);
	free(d->host);
	free(d->source);
	free(d->commit);
	free(d->files);
	*d = (struct cmd_desired){ 0 };
}

int cmd_state_hash(char out[41], const struct kobj_set *have, const struct want *w)
{
	struct want mine;
	int r = diff_want_from_observed(&mine, have, w);

	if (r < 0)
		return r;
	r = cmd_want_hash(out, &mine);
	want_clear(&mine);
	return r;
}

int cmd_check_kernel(const char *cmd, const struct cmd_state_opts *so, const struct want *w,
		     uint32_t *caps_out)
{
	struct diag_list diags = { 0 };
	uint32_t caps = 0;
	int r = cmd_kernel_caps(so, &caps);

	if (caps_out)
		*caps_out = caps;
	if (r < 0) {
		cmd_fail(cmd, "cannot probe what the kernel supports: %s", strerror(-r));
		return r;
	}
	r = realize_check_caps(w, caps, &diags);
	cmd_print_diags(&diags);
	diag_list_clear(&diags);
	return r;
}
