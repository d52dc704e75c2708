#include "probe.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROBE_MAX_SIZE 65000u

static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static socklen_t to_sockaddr(const struct hn_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->bytes, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	memcpy(&s6->sin6_addr, a->bytes, 16);
	return sizeof(*s6);
}

static int open_socket(const char *dev, const struct hn_addr *src, const struct probe_opts *o)
{
	bool v6 = src->family == AF_INET6;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC,
			v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(src, &ss);
	int pmtu = IP_PMTUDISC_DO;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev) + 1) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (o->dont_fragment &&
	     (v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu))
		 : setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu))) < 0)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* Is `buf` our echo reply?  IPv4 raw sockets deliver the IP header too. */
static bool is_reply(const uint8_t *buf, ssize_t n, bool v6, uint16_t id, uint16_t seq)
{
	if (!v6) {
		size_t ihl;

		if (n < (ssize_t)sizeof(struct iphdr))
			return false;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		if ((size_t)n < ihl + 8)
			return false;
		buf += ihl;
		return buf[0] == ICMP_ECHOREPLY && (buf[4] << 8 | buf[5]) == id &&
		       (buf[6] << 8 | buf[7]) == seq;
	}
	return n >= 8 && buf[0] == ICMP6_ECHO_REPLY && (buf[4] << 8 | buf[5]) == id &&
	       (buf[6] << 8 | buf[7]) == seq;
}

int probe_ping(const char *dev, const struct hn_addr *src, const struct hn_addr *dst,
	       const struct probe_opts *o, unsigned *rtt_us)
{
	static const struct probe_opts defaults = PROBE_OPTS_INIT;
	bool v6 = dst->family == AF_INET6;
	uint16_t id = (uint16_t)(getpid() ^ (uintptr_t)&id);
	struct sockaddr_storage ss;
	socklen_t sslen = to_sockaddr(dst, &ss);
	uint8_t *pkt = NULL, *buf = NULL;
	size_t len;
	int fd, r = -ETIMEDOUT;

	if (!o)
		o = &defaults;
	if (src->family != dst->family || o->size > PROBE_MAX_SIZE)
		return -EINVAL;
	fd = open_socket(dev, src, o);
	if (fd < 0)
		return fd;
	len = 8 + o->size;
	pkt = calloc(1, len);
	buf = malloc(PROBE_MAX_SIZE + 128);
	if (!pkt || !buf) {
		r = -ENOMEM;
		goto out;
	}
	for (unsigned t = 0; t < o->tries && r == -ETIMEDOUT; t++) {
		uint16_t seq = (uint16_t)(t + 1);
		long start = now_us(), deadline = start + (long)o->timeout_ms * 1000;

		pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
		pkt[2] = pkt[3] = 0;
		pkt[4] = (uint8_t)(id >> 8);
		pkt[5] = (uint8_t)id;
		pkt[6] = (uint8_t)(seq >> 8);
		pkt[7] = (uint8_t)seq;
		if (!v6) {
			/* ICMPv6 checksums are the kernel's job on raw sockets. */
			uint16_t c = inet_csum(pkt, len);

			pkt[2] = (uint8_t)(c >> 8);
			pkt[3] = (uint8_t)c;
		}
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&ss, sslen) < 0) {
			r = errno == EMSGSIZE ? -EMSGSIZE : -errno;
			break;
		}
		for (long left; (left = deadline - now_us()) > 0;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			ssize_t n;

			if (poll(&p, 1, (int)(left / 1000) + 1) <= 0)
				break;
			n = recv(fd, buf, PROBE_MAX_SIZE + 128, 0);
			if (n < 0 && errno == EMSGSIZE) {
				r = -EMSGSIZE;
				break;
			}
			if (n > 0 && is_reply(buf, n, v6, id, seq)) {
				if (rtt_us)
					*rtt_us = (unsigned)(now_us() - start);
				r = 0;
				break;
			}
		}
	}
out:
	free(pkt);
	free(buf);
	close(fd);
	return r;
}
