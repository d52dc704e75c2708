/* store-lock: the exclusive lock that serializes hostnet processes that write.
 *
 * SQLite's own locks only cover single transactions; an apply spans many
 * (begin generation, snapshot, finish) with kernel changes in between, so the
 * whole run holds this lock instead. */
#include "store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Poll interval while the lock is taken: short enough that a waiter notices a
 * release promptly, long enough not to spin. */
#define LOCK_POLL_MS 20u

int store_open_private_file(const char *path, int flags)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		/* O_EXCL tells us whether we created it, so an existing file's
		 * mode (an admin's choice) is left alone. */
		int fd = open(path, flags | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd >= 0) {
			/* The umask may have removed bits from 0600 (never added). */
			if (fchmod(fd, 0600) < 0) {
				int r = -errno;

				close(fd);
				return r;
			}
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
		fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT)
			return -errno;
		/* Removed between the two opens: try again. */
	}
	return -EAGAIN;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The holder's PID as it wrote it, or 0 when unreadable (it may have taken
 * the lock and not written yet). */
static long read_holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno || end == buf || pid <= 0 || (*end && *end != '\n'))
		return 0;
	return pid;
}

static int write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0)
		return -errno;
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		return errno ? -errno : -EIO;
	return 0;
}

int store_lock_acquire(int *out_fd, const char *lock_path, unsigned timeout_ms,
		       char **errmsg)
{
	int64_t deadline = mono_ms() + timeout_ms;
	int fd, r;

	fd = store_open_private_file(lock_path, O_RDWR);
	if (fd < 0)
		return store_fail(errmsg, fd, "cannot open lock file %s: %s",
				  lock_path, strerror(-fd));
	for (;;) {
		int64_t left;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			r = store_fail(errmsg, -errno, "cannot lock %s: %s",
				       lock_path, strerror(errno));
			goto out;
		}
		left = deadline - mono_ms();
		if (left <= 0) {
			long pid = read_holder_pid(fd);
			char who[40] = "pid unknown";

			if (pid > 0)
				snprintf(who, sizeof(who), "pid %ld", pid);
			r = store_fail(errmsg, -EBUSY,
				       "state is locked by another hostnet (%s) for more than %u.%u s",
				       who, timeout_ms / 1000, timeout_ms % 1000 / 100);
			goto out;
		}
		sleep_ms(left < LOCK_POLL_MS ? (unsigned)left : LOCK_POLL_MS);
	}
	r = write_pid(fd);
	if (r < 0) {
		store_fail(errmsg, r, "cannot write lock file %s: %s", lock_path, strerror(-r));
		goto out;
	}
	*out_fd = fd;
	fd = -1;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

void store_lock_release(int fd)
{
	if (fd < 0)
		return;
	/* The file stays: unlinking a flock file lets a waiter lock the old
	 * inode while a newcomer locks a new one.  Clearing the PID keeps it
	 * from naming a process that no longer holds anything. */
	if (ftruncate(fd, 0) < 0) {
		/* Harmless: the next holder overwrites it. */
	}
	close(fd);
}
