/* nl: a NETLINK_ROUTE socket (libnl-3's nl_sock) for dumps and batched requests.
 *
 * The one file that sees libnl's -NLE_* codes: everything here returns 0 (or
 * a count) or a negative errno, and keeps the failure's text (the kernel's
 * extended ack, or libnl's message) in the handle for hnl_errmsg().  Nothing
 * here prints.
 *
 * The prefix is hnl_ ("hostnet netlink") because libnl owns nl_.
 *
 * Requests are built with libnl (nlmsg_alloc_simple(), nlmsg_append(),
 * nla_put_*()); replies are read with our own recvmsg() loop into one reused
 * buffer and walked with nlmsg_ok()/nlmsg_next(): libnl's nl_recvmsgs() and
 * its caches cost more than the parsing itself at 100k routes (see
 * shared/perf/netlink-limits.txt and tests/bench/bench-observe.c).
 *
 * A handle is not thread-safe; use one per thread.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#define HNL_RCVBUF        (8u << 20)   /* socket receive buffer asked for */
#define HNL_BATCH_CHUNK   32768u       /* bytes of requests per sendmsg() */
#define HNL_ERRMSG_SIZE   256

struct hnl;

/* Opens and connects a NETLINK_ROUTE socket in the caller's network
 * namespace, with an HNL_RCVBUF receive buffer (SO_RCVBUFFORCE when allowed,
 * else as much as SO_RCVBUF gives), extended acks, capped acks (errors do
 * not echo the request) and strict checking of dump requests (so the kernel
 * leaves route exceptions out of route dumps).  *out is the caller's; free with hnl_close().
 * Returns 0 or a negative errno. */
int hnl_open(struct hnl **out);
/* Closes the socket and frees the handle.  NULL ok.  Returns NULL. */
struct hnl *hnl_close(struct hnl *nl);

/* The last failure's message ("" if none); owned by the handle, valid until
 * the next call on it. */
const char *hnl_errmsg(const struct hnl *nl);
/* Records a failure's text in the handle (for hnl_errmsg()) and returns err,
 * so that modules built on this one report through the same handle:
 * `return hnl_fail(nl, -EBADMSG, "malformed RTM_NEWROUTE");`. */
__attribute__((format(printf, 3, 4)))
int hnl_fail(struct hnl *nl, int err, const char *fmt, ...);
/* Borrowed libnl socket, e.g. for libnl helpers that want one. */
struct nl_sock *hnl_sock(struct hnl *nl);

/* -NLE_* (libnl) to a negative errno; 0 stays 0, positive values are kept. */
int hnl_errno(int nle);

/* Called for each message of a dump (not for NLMSG_DONE/ERROR/NOOP).  The
 * message lives in the handle's receive buffer until the callback returns.
 * A negative return stops further callbacks (the rest of the dump is still
 * read and dropped, so the socket stays usable) and becomes hnl_dump()'s
 * return value. */
typedef int (*hnl_msg_fn)(struct nlmsghdr *h, void *arg);

/* Sends req as a dump (NLM_F_REQUEST|NLM_F_DUMP and a fresh sequence number
 * are set in req) and calls fn for every reply message until NLMSG_DONE.
 * req stays the caller's.  Returns the number of messages passed to fn, or:
 *  -EAGAIN  the kernel flagged the dump inconsistent (NLM_F_DUMP_INTR: the
 *           objects changed while it ran); the caller retries the dump,
 *  the kernel's error (NLMSG_ERROR or a negative NLMSG_DONE payload),
 *  fn's error, or a socket error (-ENOBUFS: replies were dropped). */
int hnl_dump(struct hnl *nl, struct nl_msg *req, hnl_msg_fn fn, void *arg);

/* Sends one request with NLM_F_ACK and waits for its answer.  Returns 0 or
 * the kernel's negative errno (message in hnl_errmsg()). */
int hnl_request(struct hnl *nl, struct nl_msg *req);

/* Whether a delete's error means the object is already gone (which is what
 * the delete wanted): -ENOENT, -ESRCH, -ENODEV, -EADDRNOTAVAIL. */
static inline bool hnl_gone(int err)
{
	return err == -ENOENT || err == -ESRCH || err == -ENODEV || err == -EADDRNOTAVAIL;
}

/* Decodes an NLMSG_ERROR message: *error is 0 (an ACK) or a negative errno,
 * *msg the extended ack's text (borrowed from h) or NULL.  Returns 0, or
 * -EBADMSG when h is not a well-formed NLMSG_ERROR.  Pure; no allocation. */
int hnl_parse_error(const struct nlmsghdr *h, int *error, const char **msg);

/* --- batched requests --------------------------------------------------
 *
 * Many requests (e.g. 100k RTM_NEWROUTE) packed into HNL_BATCH_CHUNK-byte
 * datagrams, one sendmsg() each, with no ACK asked for: the kernel answers a
 * failed request with an NLMSG_ERROR whether or not NLM_F_ACK is set, so
 * silence means success.  Only the last request carries NLM_F_ACK; its
 * answer proves every earlier one was processed (the kernel handles a
 * socket's requests in order).  Each request gets sequence number base+index,
 * so an error names the request's index.  Pending answers are drained after
 * every datagram, so a batch with many failures cannot overflow the receive
 * buffer.  Requests are independent: a failure does not stop the rest. */

struct hnl_batch;

struct hnl_batch_error {
	size_t index;      /* position of the request, as hnl_batch_add() returned it */
	int error;         /* negative errno */
	char *msg;         /* the kernel's extended ack text, or NULL; owned by the batch */
};

struct hnl_batch_stats {
	size_t requests;   /* sent by the last commit */
	size_t datagrams;  /* sendmsg() calls it made */
	size_t bytes;      /* request bytes it sent */
};

/* Empty batch; free with hnl_batch_free().  0 or -ENOMEM. */
int hnl_batch_new(struct hnl_batch **out);
/* NULL ok.  Returns NULL. */
struct hnl_batch *hnl_batch_free(struct hnl_batch *b);

/* Copies one request (nlmsg_hdr() of a libnl message, or a hand-built one).
 * Its sequence number is replaced at commit.  Returns the request's index
 * (>= 0), -EINVAL for a malformed header, or -ENOMEM. */
int hnl_batch_add(struct hnl_batch *b, const struct nlmsghdr *req);
/* Requests waiting to be committed. */
size_t hnl_batch_count(const struct hnl_batch *b);

/* Sends every request added since the last commit and waits for the final
 * ACK.  Returns the number of failed requests (hnl_batch_errors() lists them
 * in index order), or a negative errno when the exchange itself failed (then
 * which requests took effect is unknown: observe again).  The requests are
 * dropped either way; the batch can be reused. */
int hnl_batch_commit(struct hnl_batch *b, struct hnl *nl);
/* Errors of the last commit, in index order; owned by the batch, valid until
 * the next commit or free. */
const struct hnl_batch_error *hnl_batch_errors(const struct hnl_batch *b, size_t *n);
void hnl_batch_stats(const struct hnl_batch *b, struct hnl_batch_stats *out);
