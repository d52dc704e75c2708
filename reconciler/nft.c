/* nft: the one file that includes libnftables (see nft.h). */
#include "nft.h"

#include <errno.h>
#include <jansson.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw.h"

#define TABLE FW_FAMILY " " FW_TABLE

/* Runs `cmd` with output and errors buffered; on success *out (if asked)
 * is a copy of the output. */
static int run(const char *cmd, unsigned flags, char **out, char *err, size_t size)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int r = 0;

	if (!ctx) {
		snprintf(err, size, "cannot make an nftables context");
		return -ENOMEM;
	}
	nft_ctx_output_set_flags(ctx, flags);
	if (nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		snprintf(err, size, "cannot buffer nftables' output");
		r = -ENOMEM;
		goto out;
	}
	if (nft_run_cmd_from_buffer(ctx, cmd) != 0) {
		const char *e = nft_ctx_get_error_buffer(ctx);
		size_t n;

		snprintf(err, size, "%s", e && *e ? e : "nftables refused the request");
		n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
		r = -EIO;
		goto out;
	}
	if (out) {
		*out = strdup(nft_ctx_get_output_buffer(ctx));
		if (!*out) {
			snprintf(err, size, "out of memory");
			r = -ENOMEM;
		}
	}
out:
	nft_ctx_free(ctx);
	return r;
}

static int exists(bool *yes, char *err, size_t size)
{
	char *tables = NULL;
	int r = run("list tables " FW_FAMILY, 0, &tables, err, size);

	if (r < 0)
		return r;
	*yes = false;
	for (const char *line = tables; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n == strlen("table " TABLE) && strncmp(line, "table " TABLE, n) == 0)
			*yes = true;
		line += n + (nl ? 1 : 0);
	}
	free(tables);
	return 0;
}

int hnft_list(char **out, char *err, size_t size)
{
	bool yes;
	int r = exists(&yes, err, size);

	*out = NULL;
	if (r < 0 || !yes)
		return r;
	return run("list table " TABLE, NFT_CTX_OUTPUT_STATELESS, out, err, size);
}

int hnft_replace(const char *text, char *err, size_t size)
{
	/* "add" first so that "delete" never fails for a table not there:
	 * one batch, one transaction. */
	static const char head[] = "add table " TABLE "\ndelete table " TABLE "\n";
	char *cmd;
	int r;

	if (!text)
		return run(head, 0, NULL, err, size);
	cmd = malloc(sizeof(head) + strlen(text));
	if (!cmd) {
		snprintf(err, size, "out of memory");
		return -ENOMEM;
	}
	memcpy(cmd, head, sizeof(head) - 1);
	strcpy(cmd + sizeof(head) - 1, text);
	r = run(cmd, 0, NULL, err, size);
	free(cmd);
	return r;
}

static int cmp_counter(const void *a, const void *b)
{
	return strcmp(((const struct hnft_counter *)a)->name, ((const struct hnft_counter *)b)->name);
}

int hnft_counters(struct hnft_counter **out, size_t *n, char *err, size_t size)
{
	char *text = NULL;
	json_t *doc = NULL, *items, *it;
	json_error_t je;
	struct hnft_counter *v = NULL;
	size_t i, k = 0;
	bool yes;
	int r;

	*out = NULL;
	*n = 0;
	r = exists(&yes, err, size);
	if (r < 0 || !yes)
		return r;
	r = run("list counters table " TABLE, NFT_CTX_OUTPUT_JSON, &text, err, size);
	if (r < 0)
		return r;
	doc = json_loads(text, 0, &je);
	items = json_object_get(doc, "nftables");
	if (!json_is_array(items)) {
		snprintf(err, size, "nftables' JSON listing has no \"nftables\" array");
		r = -EIO;
		goto out;
	}
	v = calloc(json_array_size(items) + 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach(items, i, it) {
		json_t *c = json_object_get(it, "counter");
		const char *name = json_string_value(json_object_get(c, "name"));

		if (!c || !name)
			continue;
		snprintf(v[k].name, sizeof(v[k].name), "%s", name);
		v[k].packets = (uint64_t)json_integer_value(json_object_get(c, "packets"));
		v[k].bytes = (uint64_t)json_integer_value(json_object_get(c, "bytes"));
		k++;
	}
	qsort(v, k, sizeof(*v), cmp_counter);
	*out = v;
	*n = k;
	v = NULL;
out:
	free(v);
	json_decref(doc);
	free(text);
	return r;
}
