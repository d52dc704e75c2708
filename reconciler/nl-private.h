/* nl-private: what nl.c shares with nl-batch.c.  Not for other modules. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nl.h"

struct hnl {
	struct nl_sock *sk;
	int fd;
	uint32_t port;       /* our netlink port id (replies carry it) */
	uint32_t seq;        /* last sequence number used */
	uint8_t *buf;        /* receive buffer, grown to the largest datagram */
	size_t bufsize;
	char err[HNL_ERRMSG_SIZE];
};

/* Receives one datagram from the kernel into nl->buf.  Returns its length,
 * 0 for a datagram to ignore (not from the kernel), -EAGAIN when nowait and
 * nothing is queued, or another negative errno. */
ssize_t hnl_recv(struct hnl *nl, bool nowait);

/* Reserves n consecutive sequence numbers; returns the first. */
uint32_t hnl_next_seq(struct hnl *nl, uint32_t n);

/* Sends len bytes as one datagram to the kernel. */
int hnl_send(struct hnl *nl, const void *data, size_t len);
