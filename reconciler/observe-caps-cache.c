/* observe_caps_cached(): observe_caps() once per boot.
 *
 * What the kernel supports changes only with the kernel, so the answer is
 * kept in DIR/kernel-caps, keyed by the boot id (new at every boot) and the
 * kernel release.  The file is ours or it is not used: it must be a regular
 * file owned by this user, writable by no one else, in a directory of the
 * same kind, and say exactly what it should; anything else is ignored and
 * replaced.  It is written to a temporary name and renamed, so a reader
 * never sees half of it. */
#include "observe-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define CACHE_NAME   "kernel-caps"
#define CACHE_MAGIC  "hostnet-kernel-caps 1"
#define CACHE_MAX    1024

/* "boot_id <uuid>\nrelease <uname -r>\n", the key an entry is valid for. */
static int cache_key(char *out, size_t size)
{
	char boot[64] = "";
	struct utsname u;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	bool ok = f && fgets(boot, sizeof(boot), f) && uname(&u) == 0;

	if (f)
		fclose(f);
	boot[strcspn(boot, "\n")] = '\0';
	if (!ok || !boot[0])
		return -ENOENT;
	return snprintf(out, size, "boot_id %s\nrelease %s\n", boot, u.release) < (int)size ? 0
											   : -ENAMETOOLONG;
}

/* Ours, and nobody else can change it. */
static bool cache_trusted(const struct stat *sb, bool dir)
{
	return (dir ? S_ISDIR(sb->st_mode) : S_ISREG(sb->st_mode)) && sb->st_uid == geteuid() &&
	       !(sb->st_mode & (S_IWGRP | S_IWOTH));
}

static bool cache_load(const char *path, const char *key, uint32_t *caps)
{
	char buf[CACHE_MAX + 1], want[CACHE_MAX], *end;
	struct stat sb;
	unsigned long v;
	ssize_t n;
	size_t len;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = false;

	if (fd < 0)
		return false;
	if (fstat(fd, &sb) < 0 || !cache_trusted(&sb, false) || sb.st_size > CACHE_MAX)
		goto out;
	n = read(fd, buf, CACHE_MAX);
	if (n <= 0)
		goto out;
	buf[n] = '\0';
	len = (size_t)snprintf(want, sizeof(want), CACHE_MAGIC "\n%scaps ", key);
	if (len >= sizeof(want) || strncmp(buf, want, len) != 0)
		goto out;
	errno = 0;
	v = strtoul(buf + len, &end, 16);
	ok = errno == 0 && end != buf + len && strcmp(end, "\n") == 0 &&
	     v < (1ul << KOBJ_CAP__MAX);
	if (ok)
		*caps = (uint32_t)v;
out:
	close(fd);
	return ok;
}

static void cache_save(const char *dir, const char *path, const char *key, uint32_t caps)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd = -1;
	bool ok;

	if (asprintf(&tmp, "%s/." CACHE_NAME ".XXXXXX", dir) < 0) {
		tmp = NULL;
		return;
	}
	fd = mkostemp(tmp, O_CLOEXEC);   /* mode 0600 */
	if (fd < 0)
		goto out;
	f = fdopen(fd, "w");
	if (!f)
		goto out;
	fd = -1;
	ok = fprintf(f, CACHE_MAGIC "\n%scaps %x\n", key, caps) > 0 && fflush(f) == 0;
	ok = fclose(f) == 0 && ok;
	f = NULL;
	if (ok && rename(tmp, path) == 0) {
		free(tmp);
		return;
	}
out:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
}

int observe_caps_cached(uint32_t *caps, const char *dir)
{
	char key[512], *path = NULL;
	struct stat sb;
	int r;

	/* Without a trusted directory or a boot id, just probe. */
	if (!dir || stat(dir, &sb) < 0 || !cache_trusted(&sb, true) ||
	    cache_key(key, sizeof(key)) < 0 || asprintf(&path, "%s/" CACHE_NAME, dir) < 0)
		return observe_caps(caps);
	if (cache_load(path, key, caps)) {
		free(path);
		return 0;
	}
	r = observe_caps(caps);
	if (r == 0)
		cache_save(dir, path, key, *caps);
	free(path);
	return r;
}
