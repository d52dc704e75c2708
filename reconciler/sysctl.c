#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SYSCTL_IFNAMSIZ 16   /* IFNAMSIZ, with its NUL */

/* A name the kernel could give a link, and not one of the directories that
 * stand for every interface. */
static bool sysctl_ifname_ok(const char *name)
{
	size_t n = strnlen(name, SYSCTL_IFNAMSIZ);

	return n > 0 && n < SYSCTL_IFNAMSIZ && !strchr(name, '/') &&
	       strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       strcmp(name, "all") != 0 && strcmp(name, "default") != 0;
}

static int conf_path(char *buf, size_t size, const char *root, const char *family,
		     const char *ifname, const char *key)
{
	int n;

	if (!sysctl_ifname_ok(ifname))
		return -EINVAL;
	n = snprintf(buf, size, "%s/net/%s/conf/%s/%s", root, family, ifname, key);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int sysctl_write_conf(const char *root, const char *family, const char *ifname,
			     const char *key, uint8_t v)
{
	char path[512], text[8];
	int fd, len, r;
	ssize_t w;

	r = conf_path(path, sizeof(path), root, family, ifname, key);
	if (r < 0)
		return r;
	len = snprintf(text, sizeof(text), "%u\n", (unsigned)v);
	/* No O_CREAT: a missing file is a missing link, never a new file. */
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	do
		w = write(fd, text, (size_t)len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		r = -errno;
	else if (w != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int sysctl_ipv4_arp_set_at(const char *root, const char *ifname, uint8_t arp_ignore,
			   uint8_t arp_announce, uint8_t rp_filter)
{
	int r;

	if (arp_ignore > 8 || arp_announce > 2 || rp_filter > 2 || !sysctl_ifname_ok(ifname))
		return -EINVAL;
	r = sysctl_write_conf(root, "ipv4", ifname, "arp_ignore", arp_ignore);
	if (r >= 0)
		r = sysctl_write_conf(root, "ipv4", ifname, "arp_announce", arp_announce);
	if (r >= 0)
		r = sysctl_write_conf(root, "ipv4", ifname, "rp_filter", rp_filter);
	return r;
}

int sysctl_ipv4_arp_set(const char *ifname, uint8_t arp_ignore, uint8_t arp_announce,
			uint8_t rp_filter)
{
	return sysctl_ipv4_arp_set_at(SYSCTL_ROOT, ifname, arp_ignore, arp_announce, rp_filter);
}

int sysctl_ipv6_conf_path(char *buf, size_t size, const char *root, const char *ifname,
			  const char *key)
{
	int n;

	if (!sysctl_ifname_ok(ifname))
		return -EINVAL;
	n = snprintf(buf, size, "%s/net/ipv6/conf/%s/%s", root, ifname, key);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int sysctl_write_u8(const char *root, const char *ifname, const char *key, uint8_t v)
{
	return sysctl_write_conf(root, "ipv6", ifname, key, v);
}

int sysctl_ipv6_ra_set_at(const char *root, const char *ifname, uint8_t accept_ra,
			  uint8_t autoconf, uint8_t accept_ra_defrtr)
{
	int r;

	if (accept_ra > 2 || autoconf > 1 || accept_ra_defrtr > 1 || !sysctl_ifname_ok(ifname))
		return -EINVAL;
	r = sysctl_write_u8(root, ifname, "accept_ra", accept_ra);
	if (r >= 0)
		r = sysctl_write_u8(root, ifname, "autoconf", autoconf);
	if (r >= 0)
		r = sysctl_write_u8(root, ifname, "accept_ra_defrtr", accept_ra_defrtr);
	return r;
}

int sysctl_ipv6_ra_set(const char *ifname, uint8_t accept_ra, uint8_t autoconf,
		       uint8_t accept_ra_defrtr)
{
	return sysctl_ipv6_ra_set_at(SYSCTL_ROOT, ifname, accept_ra, autoconf, accept_ra_defrtr);
}
