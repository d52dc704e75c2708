/* hostnet plan --base A --head B: what a change to the profiles repository
 * would do to each host it touches, computed from the two commits alone
 * (no host needed), for a pull-request comment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blast.h"
#include "cmd.h"
#include "esc.h"
#include "diff.h"
#include "load.h"
#include "plan.h"
#include "profile.h"
#include "source.h"
#include "validate.h"

struct side {
	struct source *src;
	struct loader *l;
	const char *ref;
};

struct host_result {
	char *host;
	struct want want;         /* head's desired state: df refers to it */
	struct diff df;
	struct diag_list diags;   /* head's problems */
	bool invalid, deleted, added;
};

static int open_side(struct side *s, const char *repo, const char *ref)
{
	char *err = NULL;
	int r = source_open_git(&s->src, repo, ref, &err);

	if (r < 0) {
		cmd_fail("plan", "%s", err ? err : strerror(-r));
		free(err);
		return r;
	}
	s->ref = ref;
	r = loader_new(&s->l, s->src, NULL);
	return r;
}

static void close_side(struct side *s)
{
	loader_free(s->l);
	source_free(s->src);
}

/* The realized want of `host` on one side: 0 (possibly empty when the
 * host does not exist there: *exists false), -EINVAL (invalid), -ENOMEM. */
static int want_at(struct side *s, const char *host, struct want *out, bool *exists,
		   struct diag_list *diags)
{
	struct profile *p = NULL;
	char *path = NULL;
	int r;

	*out = (struct want){ 0 };
	*exists = true;
	if (asprintf(&path, "hosts/%s.yaml", host) < 0)
		return -ENOMEM;
	r = loader_load(s->l, path, host, &p, diags);
	free(path);
	if (r == -ENOENT) {
		/* A host missing on one side is the point here, not an error. */
		diag_list_clear(diags);
		*exists = false;
		return 0;
	}
	if (p && validate_profile(p, diags) == -ENOMEM)
		r = -ENOMEM;
	if (r == 0 && diags->n_errors)
		r = -EINVAL;
	if (r == 0)
		r = realize_profile(out, p);
	profile_free(p);
	return r;
}

static int compare_host(struct side *base, struct side *head, const char *host,
			struct host_result *hr, bool *changed)
{
	struct diag_list ignore = { 0 };
	struct want wb = { 0 }, *wh = &hr->want;
	struct kobj_set have = { 0 };
	char hb[41] = "", hh[41] = "";
	bool in_base, in_head;
	int r;

	*changed = false;
	hr->host = strdup(host);
	if (!hr->host)
		return -ENOMEM;
	r = want_at(head, host, wh, &in_head, &hr->diags);
	if (r == -EINVAL) {
		hr->invalid = *changed = true;
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	/* A base that was already broken counts as empty: the plan then shows
	 * everything head would create. */
	if (want_at(base, host, &wb, &in_base, &ignore) < 0)
		want_clear(&wb);
	if ((r = cmd_want_hash(hh, wh)) < 0 || (r = cmd_want_hash(hb, &wb)) < 0)
		goto out;
	hr->added = in_head && !in_base;
	hr->deleted = in_base && !in_head;
	if (strcmp(hb, hh) == 0 && in_base == in_head)
		goto out;
	*changed = true;
	r = diff_observed_from_want(&have, &wb);
	if (r == 0) {
		r = diff_compute(&hr->df, wh, &have, &hr->diags);
		if (r < 0 && r != -ENOMEM) {
			hr->invalid = true;
			r = 0;
		}
	}
out:
	kobj_set_clear(&have);
	want_clear(&wb);
	diag_list_clear(&ignore);
	return r;
}

/* Hosts on either side, sorted and unique. */
static int all_hosts(struct side *base, struct side *head, char ***out, size_t *n)
{
	char **a = NULL, **b = NULL, **v;
	size_t na = 0, nb = 0, i = 0, j = 0, k = 0;
	int r = source_list_hosts(head->src, &a, &na);

	if (r == 0)
		r = source_list_hosts(base->src, &b, &nb);
	v = r == 0 ? calloc(na + nb + 1, sizeof(*v)) : NULL;
	if (r == 0 && !v)
		r = -ENOMEM;
	while (r == 0 && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
		const char *name = c <= 0 ? a[i] : b[j];

		if (!(v[k] = strdup(name))) {
			r = -ENOMEM;
			break;
		}
		k++;
		i += c <= 0;
		j += c >= 0;
	}
	source_names_free(a, na);
	source_names_free(b, nb);
	if (r < 0) {
		source_names_free(v, k);
		return r;
	}
	*out = v;
	*n = k;
	return 0;
}

static void print_diags_md(FILE *f, const struct diag_list *d)
{
	fprintf(f, "```text\n");
	for (size_t i = 0; i < d->n; i++) {
		char *s = diag_format(&d->v[i]);

		fprintf(f, "%s\n", s ? s : "error: out of memory formatting a message");
		free(s);
	}
	fprintf(f, "```\n\n");
}

/* The actions per service a host's plan disturbs: "management 2, vmotion 1". */
static void disturbs_cell(const struct diff *df, char *buf, size_t size)
{
	size_t counts[PROFILE_SERVICE__MAX], n = 0;
	struct blast *b = blast_new(df);
	uint32_t all = b ? blast_diff(b, counts) : 0;

	buf[0] = '\0';
	for (int s = 0; s < PROFILE_SERVICE__MAX && n < size; s++)
		if (all & 1u << s)
			n += (size_t)snprintf(buf + n, size - n, "%s%s %zu", n ? ", " : "",
					      profile_service_name((enum profile_service)s), counts[s]);
	blast_free(b);
}

static void print_markdown(const struct host_result *v, size_t n, size_t unchanged,
			   const char *base, const char *head)
{
	/* Host names are git file names and refs are the caller's: escaped. */
	esc_line(stdout, "## hostnet plan: `%s` → `%s`", base, head);
	printf("\n");
	if (n == 0) {
		printf("No host's desired state changes (%zu host%s checked).\n", unchanged,
		       unchanged == 1 ? "" : "s");
		return;
	}
	printf("| host | to add | to change | to destroy | disturbs | |\n"
	       "|---|---:|---:|---:|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const struct host_result *h = &v[i];
		char dist[512];

		if (h->invalid) {
			esc_line(stdout, "| `%s` | | | | | :x: invalid |", h->host);
			continue;
		}
		disturbs_cell(&h->df, dist, sizeof(dist));
		esc_line(stdout, "| `%s` | %zu | %zu | %zu | %s | %s |", h->host, h->df.n_create,
			 h->df.n_modify, h->df.n_delete, dist,
			 h->added ? "new host" : h->deleted ? "host removed" : "");
	}
	printf("\n%zu other host%s unchanged.\n\n", unchanged, unchanged == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		struct plan_meta meta = { v[i].host, NULL, NULL, NULL };

		if (v[i].invalid) {
			esc_line(stdout, "### `%s`: invalid profile", v[i].host);
			printf("\n");
			print_diags_md(stdout, &v[i].diags);
		} else {
			plan_print_markdown(stdout, &v[i].df, &meta);
		}
	}
}

static void print_text(const struct host_result *v, size_t n, size_t unchanged)
{
	for (size_t i = 0; i < n; i++) {
		struct plan_meta meta = { v[i].host, NULL, NULL, NULL };

		esc_line(stdout, "== %s ==", v[i].host);
		if (v[i].invalid)
			cmd_print_diags((struct diag_list *)&v[i].diags);
		else
			plan_print_text(stdout, &v[i].df, &meta, false);
		printf("\n");
	}
	printf("%zu host%s changed, %zu unchanged.\n", n, n == 1 ? "" : "s", unchanged);
}

int cmd_plan_compare(const char *repo, const char *base_ref, const char *head_ref,
		     char **hosts, size_t n_hosts, bool markdown, bool detailed)
{
	struct side base = { 0 }, head = { 0 };
	struct host_result *v = NULL;
	char **names = NULL;
	size_t n_names = 0, n = 0, unchanged = 0;
	bool invalid = false;
	int r, rc = CMD_EXIT_ERROR;

	if (open_side(&base, repo, base_ref) < 0 || open_side(&head, repo, head_ref) < 0)
		goto out;
	if (!n_hosts) {
		r = all_hosts(&base, &head, &names, &n_names);
		if (r < 0) {
			cmd_fail("plan", "cannot list the hosts: %s", strerror(-r));
			goto out;
		}
		hosts = names;
		n_hosts = n_names;
	}
	v = calloc(n_hosts + 1, sizeof(*v));
	if (!v)
		goto oom;
	for (size_t i = 0; i < n_hosts; i++) {
		bool changed;

		r = compare_host(&base, &head, hosts[i], &v[n], &changed);
		if (r < 0)
			goto oom;
		if (!changed) {
			free(v[n].host);
			diff_clear(&v[n].df);
			want_clear(&v[n].want);
			diag_list_clear(&v[n].diags);
			v[n] = (struct host_result){ 0 };
			unchanged++;
			continue;
		}
		invalid |= v[n].invalid;
		n++;
	}
	if (markdown)
		print_markdown(v, n, unchanged, base_ref, head_ref);
	else
		print_text(v, n, unchanged);
	rc = invalid ? CMD_EXIT_ERROR : detailed && n ? CMD_EXIT_CHANGES : CMD_EXIT_OK;
	goto out;
oom:
	cmd_fail("plan", "out of memory");
out:
	/* v[n] is the host being compared when it ran out of memory (or zeroes). */
	for (size_t i = 0; v && i <= n; i++) {
		free(v[i].host);
		diff_clear(&v[i].df);
		want_clear(&v[i].want);
		diag_list_clear(&v[i].diags);
	}
	free(v);
	source_names_free(names, n_names);
	close_side(&base);
	close_side(&head);
	return rc;
}
