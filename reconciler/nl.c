#include "nl-private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define HNL_BUF_INITIAL 65536u   /* the kernel fills dump datagrams up to 32 KiB */

static const int nle_errno[NLE_MAX + 1] = {
	[NLE_SUCCESS] = 0,
	[NLE_FAILURE] = EIO,
	[NLE_INTR] = EINTR,
	[NLE_BAD_SOCK] = EBADF,
	[NLE_AGAIN] = EAGAIN,
	[NLE_NOMEM] = ENOMEM,
	[NLE_EXIST] = EEXIST,
	[NLE_INVAL] = EINVAL,
	[NLE_RANGE] = ERANGE,
	[NLE_MSGSIZE] = EMSGSIZE,
	[NLE_OPNOTSUPP] = EOPNOTSUPP,
	[NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
	[NLE_OBJ_NOTFOUND] = ENOENT,
	[NLE_NOATTR] = ENODATA,
	[NLE_MISSING_ATTR] = EINVAL,
	[NLE_AF_MISMATCH] = EINVAL,
	[NLE_SEQ_MISMATCH] = EPROTO,
	[NLE_MSG_OVERFLOW] = EOVERFLOW,
	[NLE_MSG_TRUNC] = EMSGSIZE,
	[NLE_NOADDR] = EADDRNOTAVAIL,
	[NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
	[NLE_MSG_TOOSHORT] = EBADMSG,
	[NLE_MSGTYPE_NOSUPPORT] = EOPNOTSUPP,
	[NLE_OBJ_MISMATCH] = EINVAL,
	[NLE_NOCACHE] = ENOENT,
	[NLE_BUSY] = EBUSY,
	[NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
	[NLE_NOACCESS] = EACCES,
	[NLE_PERM] = EPERM,
	[NLE_PKTLOC_FILE] = ENOENT,
	[NLE_PARSE_ERR] = EINVAL,
	[NLE_NODEV] = ENODEV,
	[NLE_IMMUTABLE] = EPERM,
	[NLE_DUMP_INTR] = EAGAIN,
	[NLE_ATTRSIZE] = ERANGE,
};

int hnl_errno(int nle)
{
	if (nle >= 0)
		return nle;
	if (-nle > NLE_MAX)
		return -EIO;
	return -nle_errno[-nle];
}

int hnl_fail(struct hnl *nl, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->err, sizeof(nl->err), fmt, ap);
	va_end(ap);
	return err;
}

const char *hnl_errmsg(const struct hnl *nl)
{
	return nl ? nl->err : "";
}

struct nl_sock *hnl_sock(struct hnl *nl)
{
	return nl->sk;
}

/* Best effort: the ack options only shrink or enrich error replies, and an
 * old kernel without them still works. */
static void hnl_set_opt(int fd, int opt, int val)
{
	(void)setsockopt(fd, SOL_NETLINK, opt, &val, sizeof(val));
}

int hnl_open(struct hnl **out)
{
	struct hnl *nl;
	int rcvbuf = HNL_RCVBUF;
	int r;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->fd = -1;
	nl->bufsize = HNL_BUF_INITIAL;
	nl->buf = malloc(nl->bufsize);
	nl->sk = nl_socket_alloc();
	if (!nl->buf || !nl->sk) {
		r = -ENOMEM;
		goto out;
	}
	r = nl_connect(nl->sk, NETLINK_ROUTE);
	if (r < 0) {
		r = hnl_errno(r);
		goto out;
	}
	nl->fd = nl_socket_get_fd(nl->sk);
	nl->port = nl_socket_get_local_port(nl->sk);
	/* A random start keeps a reused port from matching a stale reply. */
	nl->seq = (uint32_t)time(NULL);

	/* SO_RCVBUF is capped by net.core.rmem_max (~208 KiB), too little for
	 * 100k routes' worth of error replies; root may force more. */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0 &&
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0) {
		r = -errno;
		goto out;
	}
	hnl_set_opt(nl->fd, NETLINK_EXT_ACK, 1);
	hnl_set_opt(nl->fd, NETLINK_CAP_ACK, 1);
	hnl_set_opt(nl->fd, NETLINK_GET_STRICT_CHK, 1);
	*out = nl;
	nl = NULL;
	r = 0;
out:
	hnl_close(nl);
	return r;
}

struct hnl *hnl_close(struct hnl *nl)
{
	if (!nl)
		return NULL;
	nl_socket_free(nl->sk);   /* closes the fd */
	free(nl->buf);
	free(nl);
	return NULL;
}

uint32_t hnl_next_seq(struct hnl *nl, uint32_t n)
{
	uint32_t first = nl->seq + 1;

	nl->seq += n;
	return first;
}

int hnl_send(struct hnl *nl, const void *data, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(nl->fd, data, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return hnl_fail(nl, -errno, "netlink send: %s", strerror(errno));
	if ((size_t)n != len)
		return hnl_fail(nl, -EIO, "netlink send: short write");
	return 0;
}

ssize_t hnl_recv(struct hnl *nl, bool nowait)
{
	struct sockaddr_nl from;
	struct iovec iov;
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	int flags = nowait ? MSG_DONTWAIT : 0;
	ssize_t n;

	/* Peek the datagram's size first: a truncated datagram is lost. */
	do
		n = recv(nl->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -EAGAIN;
		return hnl_fail(nl, -errno, "netlink receive: %s", strerror(errno));
	}
	if ((size_t)n > nl->bufsize) {
		uint8_t *p = realloc(nl->buf, (size_t)n);

		if (!p)
			return hnl_fail(nl, -ENOMEM, "netlink receive: out of memory");
		nl->buf = p;
		nl->bufsize = (size_t)n;
	}
	iov = (struct iovec){ nl->buf, nl->bufsize };
	do
		n = recvmsg(nl->fd, &mh, flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return hnl_fail(nl, -errno, "netlink receive: %s", strerror(errno));
	if (mh.msg_flags & MSG_TRUNC)
		return hnl_fail(nl, -EMSGSIZE, "netlink receive: datagram truncated");
	if (from.nl_pid != 0)
		return 0;
	return n;
}

/* The extended ack's message among the TLVs at offset off of h, or NULL. */
static const char *hnl_ext_msg(const struct nlmsghdr *h, size_t off)
{
	const struct nlattr *tlv;
	int rem;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS) || off > h->nlmsg_len)
		return NULL;
	tlv = (const struct nlattr *)((const uint8_t *)h + off);
	rem = (int)(h->nlmsg_len - off);
	for (; nla_ok(tlv, rem); tlv = nla_next(tlv, &rem)) {
		const char *s = nla_data(tlv);
		int len = nla_len(tlv);

		if (nla_type(tlv) == NLMSGERR_ATTR_MSG && len > 0 && s[len - 1] == '\0')
			return s;
	}
	return NULL;
}

int hnl_parse_error(const struct nlmsghdr *h, int *error, const char **msg)
{
	const struct nlmsgerr *e;
	size_t off;

	*error = 0;
	*msg = NULL;
	if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EBADMSG;
	e = NLMSG_DATA(h);
	if (e->error > 0)
		return -EBADMSG;
	*error = e->error;
	/* The TLVs follow the echoed request: only its header when capped. */
	off = NLMSG_LENGTH(sizeof(*e));
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && !(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return -EBADMSG;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
		if (off > h->nlmsg_len)
			return -EBADMSG;
	}
	*msg = hnl_ext_msg(h, off);
	return 0;
}

/* The failure's text: "strerror: extack" or just strerror. */
static int hnl_kernel_fail(struct hnl *nl, int err, const char *what, const char *ext)
{
	if (ext && *ext)
		return hnl_fail(nl, err, "%s: %s (%s)", what, strerror(-err), ext);
	return hnl_fail(nl, err, "%s: %s", what, strerror(-err));
}

static const char *hnl_type_name(uint16_t type)
{
	switch (type) {
	case RTM_GETLINK: return "RTM_GETLINK";
	case RTM_GETADDR: return "RTM_GETADDR";
	case RTM_GETROUTE: return "RTM_GETROUTE";
	case RTM_GETRULE: return "RTM_GETRULE";
	case RTM_NEWLINK: return "RTM_NEWLINK";
	case RTM_NEWADDR: return "RTM_NEWADDR";
	case RTM_NEWROUTE: return "RTM_NEWROUTE";
	case RTM_NEWRULE: return "RTM_NEWRULE";
	case RTM_DELLINK: return "RTM_DELLINK";
	case RTM_DELADDR: return "RTM_DELADDR";
	case RTM_DELROUTE: return "RTM_DELROUTE";
	case RTM_DELRULE: return "RTM_DELRULE";
	}
	return "request";
}

struct hnl_dump_state {
	uint32_t seq;
	int kernel_err;       /* NLMSG_ERROR or negative NLMSG_DONE payload */
	int cb_err;           /* first negative return of fn */
	bool done, intr;
	int count;
};

/* Handles one reply of a dump; the caller stops at st->done. */
static void hnl_dump_one(struct hnl *nl, struct nlmsghdr *h, struct hnl_dump_state *st,
			 hnl_msg_fn fn, void *arg, const char *what)
{
	const char *ext;
	int err, r;

	if (h->nlmsg_seq != st->seq || (h->nlmsg_pid && h->nlmsg_pid != nl->port))
		return;   /* a late answer to an earlier request */
	if (h->nlmsg_flags & NLM_F_DUMP_INTR)
		st->intr = true;
	switch (h->nlmsg_type) {
	case NLMSG_NOOP:
		return;
	case NLMSG_DONE:
		/* A dump that fails says so here: an errno, then extack TLVs. */
		st->done = true;
		if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
			memcpy(&err, NLMSG_DATA(h), sizeof(err));
			if (err < 0)
				st->kernel_err = hnl_kernel_fail(nl, err, what,
					hnl_ext_msg(h, NLMSG_LENGTH(NLA_ALIGN(sizeof(int)))));
		}
		return;
	case NLMSG_ERROR:
		st->done = true;
		if (hnl_parse_error(h, &err, &ext) < 0)
			st->kernel_err = hnl_fail(nl, -EBADMSG, "%s: malformed error reply", what);
		else if (err < 0)
			st->kernel_err = hnl_kernel_fail(nl, err, what, ext);
		return;
	}
	if (st->cb_err)
		return;
	r = fn(h, arg);
	if (r < 0)
		st->cb_err = r;
	else
		st->count++;
}

int hnl_dump(struct hnl *nl, struct nl_msg *req, hnl_msg_fn fn, void *arg)
{
	struct nlmsghdr *rh = nlmsg_hdr(req);
	struct hnl_dump_state st = { 0 };
	const char *what = hnl_type_name(rh->nlmsg_type);
	int r;

	nl->err[0] = '\0';
	st.seq = hnl_next_seq(nl, 1);
	rh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	rh->nlmsg_seq = st.seq;
	rh->nlmsg_pid = nl->port;
	r = hnl_send(nl, rh, rh->nlmsg_len);
	if (r < 0)
		return r;

	while (!st.done) {
		ssize_t n = hnl_recv(nl, false);
		int rem;

		if (n < 0)
			return (int)n;
		rem = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)nl->buf;
		     nlmsg_ok(h, rem) && !st.done; h = nlmsg_next(h, &rem))
			hnl_dump_one(nl, h, &st, fn, arg, what);
	}
	if (st.kernel_err)
		return st.kernel_err;
	if (st.cb_err)
		return st.cb_err;
	if (st.intr)
		return hnl_fail(nl, -EAGAIN, "%s dump interrupted by a concurrent change", what);
	return st.count;
}

int hnl_request(struct hnl *nl, struct nl_msg *req)
{
	struct nlmsghdr *rh = nlmsg_hdr(req);
	const char *what = hnl_type_name(rh->nlmsg_type);
	uint32_t seq;
	int r;

	nl->err[0] = '\0';
	seq = hnl_next_seq(nl, 1);
	rh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	rh->nlmsg_seq = seq;
	rh->nlmsg_pid = nl->port;
	r = hnl_send(nl, rh, rh->nlmsg_len);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t n = hnl_recv(nl, false);
		int rem;

		if (n < 0)
			return (int)n;
		rem = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)nl->buf; nlmsg_ok(h, rem);
		     h = nlmsg_next(h, &rem)) {
			const char *ext;
			int err;

			if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR)
				continue;   /* stale, or an NLM_F_ECHO copy */
			if (hnl_parse_error(h, &err, &ext) < 0)
				return hnl_fail(nl, -EBADMSG, "%s: malformed error reply", what);
			return err < 0 ? hnl_kernel_fail(nl, err, what, ext) : 0;
		}
	}
}
