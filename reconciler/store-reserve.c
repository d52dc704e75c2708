/* store-reserve: disk space set aside for recording how an apply ended.
 *
 * The start of a generation is written before the kernel is changed; its
 * outcome (or the deadline moved after verification) after.  On a disk that
 * fills up in between, that second write would fail and leave the change
 * unrecorded.  So store_generation_begin() first makes sure a file of
 * STORE_RESERVE_BYTES exists beside the database (refusing to start when it
 * cannot), and the writes after the change delete it and try once more when
 * SQLite reports a full disk.  The next generation's start takes the space
 * back. */
#include "store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *reserve_path(const struct store *st)
{
	char *p = NULL;

	return asprintf(&p, "%s.reserve", st->path) < 0 ? NULL : p;
}

int store_reserve_ensure(struct store *st, char **errmsg)
{
	char *path;
	struct stat sb;
	int fd, e, r = 0;

	if (!st->reserve_bytes)
		return 0;
	path = reserve_path(st);
	if (!path)
		return -ENOMEM;
	fd = store_open_private_file(path, O_RDWR);
	if (fd < 0) {
		r = store_fail(errmsg, fd, "cannot create %s: %s", path, strerror(-fd));
		goto out;
	}
	/* Allocated blocks, not a sparse file: st_blocks counts 512-byte units. */
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (off_t)sb.st_blocks * 512 >= (off_t)st->reserve_bytes)
		goto out;
	e = posix_fallocate(fd, 0, (off_t)st->reserve_bytes);
	if (e == 0)
		e = fsync(fd) < 0 ? errno : 0;
	if (e) {
		r = store_fail(errmsg, -e, "cannot set aside %zu KiB in %s for recording the outcome: %s",
			       st->reserve_bytes / 1024, path, strerror(e));
		unlink(path);
	}
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return r;
}

bool store_reserve_release(struct store *st)
{
	char *path = reserve_path(st);
	bool freed = path && unlink(path) == 0;

	free(path);
	return freed;
}

int store_step_reserved(struct store *st, sqlite3_stmt *s)
{
	int rc = store_step(st, s);

	/* Autocommit: a statement that failed with SQLITE_FULL was rolled
	 * back whole, so it can simply run again. */
	if (rc == SQLITE_FULL && store_reserve_release(st)) {
		sqlite3_reset(s);
		rc = store_step(st, s);
	}
	return rc;
}
