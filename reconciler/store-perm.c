/* store-perm: refuse a state database that someone else could have written,
 * like ssh's StrictModes.
 *
 * The snapshots in the database drive rollbacks and its generations are what
 * drift compares against, so a file another user planted or can rewrite
 * would let them choose what root does to the network.  The directory is
 * checked first: once it admits no writer but its owner (root), nobody else
 * can replace the names in it, so what is checked below is what SQLite opens
 * a moment later.  Every check is an fstat() of a descriptor opened without
 * following a symbolic link: a symlinked database (or -wal, -shm, -journal)
 * is refused rather than followed, because whoever owns the link, not the
 * directory's owner, would choose the file root writes.  The directory may be
 * reached through symlinks (a relocated /var/lib): it is the directory
 * finally opened whose owner and mode are checked. */
#include "store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "root", "uid 65534 (nobody)". */
static void owner_name(char *buf, size_t size, uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	if (uid == 0)
		snprintf(buf, size, "root");
	else if (pw)
		snprintf(buf, size, "uid %u (%s)", (unsigned)uid, pw->pw_name);
	else
		snprintf(buf, size, "uid %u", (unsigned)uid);
}

/* Owner and mode of an opened file or directory `what` ("state directory"),
 * at `path`.  Root may own anything we trust; otherwise only we may. */
int store_perm_check_fd(int fd, const char *what, const char *path, bool dir, char **errmsg)
{
	char owner[64], me[64];
	struct stat sb;
	uid_t euid = geteuid();

	if (fstat(fd, &sb) < 0)
		return store_fail(errmsg, -errno, "cannot inspect %s %s: %s", what, path,
				  strerror(errno));
	if (dir ? !S_ISDIR(sb.st_mode) : !S_ISREG(sb.st_mode))
		return store_fail(errmsg, -EPERM, "%s %s is not a %s; hostnet refuses it", what, path,
				  dir ? "directory" : "regular file");
	if (sb.st_uid != euid && sb.st_uid != 0) {
		owner_name(owner, sizeof(owner), sb.st_uid);
		owner_name(me, sizeof(me), euid);
		return store_fail(errmsg, -EPERM,
				  "%s %s is owned by %s, not by %s: whoever owns it could plant the history that drives rollbacks and drift, so hostnet refuses it; if it is yours, fix it with: chown %s %s%s",
				  what, path, owner, me, euid == 0 ? "root" : me, path,
				  dir ? "" : " (or move it aside if you did not create it)");
	}
	if (sb.st_mode & (S_IWGRP | S_IWOTH))
		return store_fail(errmsg, -EPERM,
				  "%s %s is writable by %s (mode %04o): anyone there could rewrite the history that drives rollbacks and drift, so hostnet refuses it; fix it with: chmod %s %s",
				  what, path, sb.st_mode & S_IWOTH ? "others" : "its group",
				  (unsigned)(sb.st_mode & 07777), dir ? "700" : "600", path);
	return 0;
}

/* A file that may be missing: checked when present.  O_NONBLOCK so that a
 * FIFO planted under the name cannot hang the open. */
static int check_optional(const char *path, const char *what, char **errmsg)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), r;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP)
			return store_fail(errmsg, -ELOOP,
					  "%s %s is a symbolic link; hostnet refuses it (the link's owner, not the directory's, would choose the file it writes): replace it with the file itself",
					  what, path);
		return store_fail(errmsg, -errno, "cannot open %s %s: %s", what, path, strerror(errno));
	}
	r = store_perm_check_fd(fd, what, path, false, errmsg);
	close(fd);
	return r;
}

int store_perm_check_dir(const char *db_path, char **errmsg)
{
	const char *slash = strrchr(db_path, '/');
	char *dir;
	int fd, r;

	if (!slash)
		dir = strdup(".");
	else if (slash == db_path)
		dir = strdup("/");
	else
		dir = strndup(db_path, (size_t)(slash - db_path));
	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		r = -ENOENT;  /* the caller says what is missing */
		goto out;
	}
	if (fd < 0) {
		r = store_fail(errmsg, -errno, "cannot open state directory %s: %s", dir,
			       strerror(errno));
		goto out;
	}
	r = store_perm_check_fd(fd, "state directory", dir, true, errmsg);
	close(fd);
out:
	free(dir);
	return r;
}

int store_perm_check_companions(const char *db_path, char **errmsg)
{
	static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
	char *p = NULL;
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		if (asprintf(&p, "%s%s", db_path, suffixes[i]) < 0)
			return -ENOMEM;
		r = check_optional(p, "state database file", errmsg);
		free(p);
	}
	return r;
}
