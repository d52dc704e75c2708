#include "nl-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct hnl_batch {
	uint8_t *buf;                  /* requests, each NLMSG_ALIGNed */
	size_t len, cap;
	size_t n;                      /* requests in buf */
	struct hnl_batch_error *errs;  /* of the last commit */
	size_t n_errs, cap_errs;
	struct hnl_batch_stats stats;
};

/* Answers of one commit: requests [base, base + n) in sequence numbers. */
struct hnl_batch_run {
	uint32_t base;
	size_t n;
	bool acked;                    /* the last request has been answered */
};

int hnl_batch_new(struct hnl_batch **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void hnl_batch_clear_errors(struct hnl_batch *b)
{
	for (size_t i = 0; i < b->n_errs; i++)
		free(b->errs[i].msg);
	b->n_errs = 0;
}

struct hnl_batch *hnl_batch_free(struct hnl_batch *b)
{
	if (!b)
		return NULL;
	hnl_batch_clear_errors(b);
	free(b->errs);
	free(b->buf);
	free(b);
	return NULL;
}

size_t hnl_batch_count(const struct hnl_batch *b)
{
	return b->n;
}

int hnl_batch_add(struct hnl_batch *b, const struct nlmsghdr *req)
{
	size_t size;

	if (req->nlmsg_len < NLMSG_HDRLEN || b->n >= INT32_MAX)
		return -EINVAL;
	size = NLMSG_ALIGN(req->nlmsg_len);
	if (b->len + size > b->cap) {
		size_t cap = b->cap ? b->cap : HNL_BATCH_CHUNK;
		uint8_t *p;

		while (cap < b->len + size)
			cap *= 2;
		p = realloc(b->buf, cap);
		if (!p)
			return -ENOMEM;
		b->buf = p;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, req, req->nlmsg_len);
	memset(b->buf + b->len + req->nlmsg_len, 0, size - req->nlmsg_len);
	b->len += size;
	return (int)b->n++;
}

static int hnl_batch_record(struct hnl_batch *b, size_t index, int error, const char *msg)
{
	struct hnl_batch_error *e;

	if (b->n_errs == b->cap_errs) {
		size_t cap = b->cap_errs ? b->cap_errs * 2 : 16;

		e = realloc(b->errs, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		b->errs = e;
		b->cap_errs = cap;
	}
	e = &b->errs[b->n_errs];
	*e = (struct hnl_batch_error){ .index = index, .error = error };
	if (msg) {
		e->msg = strdup(msg);
		if (!e->msg)
			return -ENOMEM;
	}
	b->n_errs++;
	return 0;
}

/* Handles the answers queued in one received datagram. */
static int hnl_batch_replies(struct hnl_batch *b, struct hnl *nl, struct hnl_batch_run *run,
			     size_t len)
{
	int rem = (int)len;

	for (struct nlmsghdr *h = (struct nlmsghdr *)nl->buf; nlmsg_ok(h, rem);
	     h = nlmsg_next(h, &rem)) {
		uint32_t index = h->nlmsg_seq - run->base;   /* wraps like the kernel's */
		const char *ext;
		int err, r;

		if (h->nlmsg_type != NLMSG_ERROR || index >= run->n)
			continue;   /* an echo, or a late answer to something else */
		if (hnl_parse_error(h, &err, &ext) < 0)
			return hnl_fail(nl, -EBADMSG, "batch: malformed error reply");
		if (err < 0) {
			r = hnl_batch_record(b, index, err, ext);
			if (r < 0)
				return hnl_fail(nl, r, "batch: out of memory");
		}
		if (index == run->n - 1)
			run->acked = true;
	}
	return 0;
}

/* Reads answers until none is queued (wait=false) or the final ACK came. */
static int hnl_batch_drain(struct hnl_batch *b, struct hnl *nl, struct hnl_batch_run *run,
			   bool wait)
{
	while (!run->acked) {
		ssize_t n = hnl_recv(nl, !wait);
		int r;

		if (n == -EAGAIN && !wait)
			return 0;
		if (n < 0) {
			if (n == -ENOBUFS)
				return hnl_fail(nl, -ENOBUFS, "batch: answers were dropped "
						"(receive buffer overrun); outcome unknown");
			return (int)n;
		}
		r = hnl_batch_replies(b, nl, run, (size_t)n);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Sets sequence numbers and flags, then sends datagrams of at most
 * HNL_BATCH_CHUNK bytes (a larger request goes alone), draining the answers
 * each one caused before the next. */
static int hnl_batch_send(struct hnl_batch *b, struct hnl *nl, struct hnl_batch_run *run)
{
	size_t off = 0, start = 0, i = 0;
	int r;

	while (off < b->len) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b->buf + off);
		size_t size = NLMSG_ALIGN(h->nlmsg_len);

		if (off > start && off + size - start > HNL_BATCH_CHUNK) {
			r = hnl_send(nl, b->buf + start, off - start);
			if (r < 0)
				return r;
			b->stats.datagrams++;
			r = hnl_batch_drain(b, nl, run, false);
			if (r < 0)
				return r;
			start = off;
		}
		h->nlmsg_seq = run->base + (uint32_t)i;
		h->nlmsg_pid = nl->port;
		h->nlmsg_flags |= NLM_F_REQUEST;
		if (i == run->n - 1)
			h->nlmsg_flags |= NLM_F_ACK;
		off += size;
		i++;
	}
	r = hnl_send(nl, b->buf + start, off - start);
	if (r < 0)
		return r;
	b->stats.datagrams++;
	return 0;
}

int hnl_batch_commit(struct hnl_batch *b, struct hnl *nl)
{
	struct hnl_batch_run run = { .n = b->n };
	int r = 0;

	nl->err[0] = '\0';
	hnl_batch_clear_errors(b);
	b->stats = (struct hnl_batch_stats){ .requests = b->n, .bytes = b->len };
	if (b->n == 0)
		goto out;
	run.base = hnl_next_seq(nl, (uint32_t)b->n);
	r = hnl_batch_send(b, nl, &run);
	if (r < 0)
		goto out;
	r = hnl_batch_drain(b, nl, &run, true);
	if (r < 0)
		goto out;
	r = (int)b->n_errs;
	if (r > 0)
		hnl_fail(nl, b->errs[0].error, "batch: %d of %zu requests failed, first #%zu: %s%s%s",
			 r, b->n, b->errs[0].index, strerror(-b->errs[0].error),
			 b->errs[0].msg ? ": " : "", b->errs[0].msg ? b->errs[0].msg : "");
out:
	b->len = 0;
	b->n = 0;
	return r;
}

const struct hnl_batch_error *hnl_batch_errors(const struct hnl_batch *b, size_t *n)
{
	*n = b->n_errs;
	return b->errs;
}

void hnl_batch_stats(const struct hnl_batch *b, struct hnl_batch_stats *out)
{
	*out = b->stats;
}
