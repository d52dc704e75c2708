/* source: dispatch to the backends, path checks they share, and the
 * directory backend.
 *
 * The directory backend walks a path one component at a time from a file
 * descriptor of the root, opening each with O_NOFOLLOW.  A symlink anywhere
 * in the path is refused (-EINVAL), even one that stays inside the root:
 * that matches the git backend, which refuses symlink entries, so a profile
 * directory reads the same from a checkout as from its commit.  Walking from
 * an fd also means a directory swapped for a symlink between checks cannot
 * lead us out of the root, which a realpath() prefix check would allow.
 */
#include "source.h"
#include "source-private.h"
#include "sort.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- shared ------------------------------------------------------------ */

int source_path_check(const char *path)
{
	const char *p = path;

	/* Paths are C strings, so a NUL ends them: an embedded NUL cannot
	 * smuggle a second path past this check. */
	if (!path || !*path)
		return -EINVAL;
	for (;;) {
		size_t len = strcspn(p, "/");

		if (len == 0)           /* leading '/', "//" or trailing '/' */
			return -EINVAL;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		/* A backslash is a separator on Windows checkouts; refusing it
		 * keeps "a\..\b" from meaning two things. */
		if (memchr(p, '\\', len))
			return -EINVAL;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int source_names_add_host(struct source_names *names, const char *entry)
{
	const size_t slen = strlen(SOURCE_HOST_SUFFIX);
	size_t len = strlen(entry);
	char *name;

	if (len <= slen || strcmp(entry + len - slen, SOURCE_HOST_SUFFIX) != 0)
		return 0;
	if (names->n == names->cap) {
		size_t cap = names->cap ? names->cap * 2 : 64;
		char **v;

		if (cap > SIZE_MAX / sizeof(*v))
			return -ENOMEM;
		v = realloc(names->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		names->v = v;
		names->cap = cap;
	}
	name = strndup(entry, len - slen);
	if (!name)
		return -ENOMEM;
	names->v[names->n++] = name;
	return 0;
}

void source_names_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --- public dispatch ----------------------------------------------------- */

struct source *source_free(struct source *src)
{
	if (src)
		src->ops->free(src);
	return NULL;
}

int source_read(struct source *src, const char *path, size_t max, char **out, size_t *len)
{
	size_t n = 0;
	int r;

	*out = NULL;
	if (len)
		*len = 0;
	r = source_path_check(path);
	if (r < 0)
		return r;
	r = src->ops->read(src, path, max, out, &n);
	if (r < 0)
		return r;
	if (len)
		*len = n;
	return 0;
}

int source_file_id(struct source *src, const char *path, const char *known_sig,
		   const char *known_id, char id[41], char *sig, size_t sigsize)
{
	int r = source_path_check(path);

	if (sigsize)
		sig[0] = '\0';
	return r < 0 ? r : src->ops->file_id(src, path, known_sig, known_id, id, sig, sigsize);
}

char *source_display_name(struct source *src, const char *path)
{
	return src->ops->display_name(src, path);
}

int source_list_hosts(struct source *src, char ***out, size_t *n)
{
	struct source_names names = { 0 };
	int r;

	*out = NULL;
	*n = 0;
	r = src->ops->list_hosts(src, &names);
	if (r < 0) {
		source_names_free(names.v, names.n);
		return r;
	}
	if (names.n)
		hn_qsort(names.v, names.n, sizeof(*names.v), names_cmp);
	*out = names.v;
	*n = names.n;
	return 0;
}

const char *source_commit_id(const struct source *src)
{
	return src->ops->commit_id ? src->ops->commit_id(src) : NULL;
}

const char *source_commit_author(const struct source *src)
{
	return src->ops->commit_author ? src->ops->commit_author(src) : NULL;
}

/* --- directory backend ------------------------------------------------- */

struct dirsrc {
	struct source base;     /* first: a struct source * is a struct dirsrc * */
	int rootfd;
};

static struct dirsrc *dirsrc_of(struct source *src)
{
	return (struct dirsrc *)src;
}

/* Open subdirectory `name` of `dfd` without following a symlink.  -EINVAL
 * for a symlink, -ENOTDIR for another non-directory. */
static int dirsrc_open_subdir(int dfd, const char *name, int *out)
{
	struct stat st;
	int fd;

	*out = -1;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		*out = fd;
		return 0;
	}
	/* O_DIRECTORY wins over O_NOFOLLOW: a symlink fails with ENOTDIR,
	 * not ELOOP, so look at what is there to tell the two apart. */
	if (errno == ENOTDIR && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return S_ISLNK(st.st_mode) ? -EINVAL : -ENOTDIR;
	return errno == ELOOP ? -EINVAL : -errno;
}

/* Read what fstat() promised: a file that grows meanwhile is read as it
 * was, one that shrinks ends early. */
static int dirsrc_read_fd(int fd, size_t size, char **out, size_t *len)
{
	char *buf = malloc(size + 1);
	size_t n = 0;

	if (!buf)
		return -ENOMEM;
	while (n < size) {
		ssize_t k = read(fd, buf + n, size - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int r = -errno;

			free(buf);
			return r;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* Opens `path` under the root without following a symlink anywhere: a
 * regular file, with its status. */
static int dirsrc_open(struct dirsrc *d, const char *path, int *out, struct stat *st)
{
	char *copy = strdup(path);
	char *comp, *slash;
	int dfd = d->rootfd, fd = -1, r = 0;

	if (!copy)
		return -ENOMEM;
	comp = copy;
	while ((slash = strchr(comp, '/'))) {
		int next;

		*slash = '\0';
		r = dirsrc_open_subdir(dfd, comp, &next);
		if (r == -ENOTDIR)      /* "a/b" under a file "a": b is absent */
			r = -ENOENT;
		if (r < 0)
			goto out;
		if (dfd != d->rootfd)
			close(dfd);
		dfd = next;
		comp = slash + 1;
	}
	/* O_NONBLOCK so a FIFO cannot hang the open; it is refused below. */
	fd = openat(dfd, comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		r = errno == ELOOP ? -EINVAL : -errno;
		goto out;
	}
	if (fstat(fd, st) < 0)
		r = -errno;
	else if (S_ISDIR(st->st_mode))
		r = -EISDIR;
	else if (!S_ISREG(st->st_mode))
		r = -EINVAL;
out:
	if (r < 0 && fd >= 0)
		close(fd);
	if (dfd != d->rootfd)
		close(dfd);
	free(copy);
	if (r == 0)
		*out = fd;
	return r;
}

static int dirsrc_read(struct source *src, const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	int fd, r = dirsrc_open(dirsrc_of(src), path, &fd, &st);

	if (r < 0)
		return r;
	if ((uintmax_t)st.st_size > max)
		r = -EFBIG;
	else
		r = dirsrc_read_fd(fd, (size_t)st.st_size, out, len);
	close(fd);
	return r;
}

/* A file changed within this many seconds is not trusted by its status:
 * a second write in the same timestamp tick would keep it (git's "racily
 * clean" entries). */
#define DIRSRC_RACY_S 2

static int dirsrc_file_id(struct source *src, const char *path, const char *known_sig,
			  const char *known_id, char id[41], char *sig, size_t sigsize)
{
	struct timespec now;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, r = dirsrc_open(dirsrc_of(src), path, &fd, &st);

	if (r < 0)
		return r;
	clock_gettime(CLOCK_REALTIME, &now);
	if (st.st_mtim.tv_sec + DIRSRC_RACY_S < now.tv_sec &&
	    st.st_ctim.tv_sec + DIRSRC_RACY_S < now.tv_sec &&
	    (size_t)snprintf(sig, sigsize, "%ju %ju %jd %jd.%09ld %jd.%09ld", (uintmax_t)st.st_dev,
			     (uintmax_t)st.st_ino, (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
			     st.st_mtim.tv_nsec, (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec) >= sigsize)
		sig[0] = '\0';
	if (sig[0] && known_sig && known_id && strcmp(sig, known_sig) == 0 && strlen(known_id) == 40) {
		memcpy(id, known_id, 41);
	} else {
		r = dirsrc_read_fd(fd, (size_t)st.st_size, &buf, &len);
		if (r == 0)
			r = source_hash(id, buf, len);
		free(buf);
	}
	close(fd);
	return r;
}

static char *dirsrc_display_name(struct source *src, const char *path)
{
	return strdup(path);
}

static int dirsrc_list_hosts(struct source *src, struct source_names *names)
{
	struct dirsrc *d = dirsrc_of(src);
	struct dirent *de;
	DIR *dir;
	int fd, r;

	r = dirsrc_open_subdir(d->rootfd, SOURCE_HOSTS_DIR, &fd);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	dir = fdopendir(fd);
	if (!dir) {
		r = -errno;
		close(fd);
		return r;
	}
	r = 0;
	for (;;) {
		struct stat st;
		bool is_dir;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			r = errno ? -errno : 0;
			break;
		}
		/* Some file systems leave d_type unknown. */
		if (de->d_type == DT_UNKNOWN)
			is_dir = fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				 S_ISDIR(st.st_mode);
		else
			is_dir = de->d_type == DT_DIR;
		if (is_dir)
			continue;
		/* Symlinks and other non-regular files are listed, so reading
		 * them fails loudly instead of a host silently vanishing. */
		r = source_names_add_host(names, de->d_name);
		if (r < 0)
			break;
	}
	closedir(dir);
	return r;
}

static void dirsrc_free(struct source *src)
{
	struct dirsrc *d = dirsrc_of(src);

	close(d->rootfd);
	free(d);
}

static const struct source_ops dirsrc_ops = {
	.read = dirsrc_read,
	.file_id = dirsrc_file_id,
	.display_name = dirsrc_display_name,
	.list_hosts = dirsrc_list_hosts,
	.commit_id = NULL,
	.free = dirsrc_free,
};

int source_open_dir(struct source **out, const char *root)
{
	struct dirsrc *d;
	int fd;

	*out = NULL;
	if (!root || !*root)
		return -EINVAL;
	/* The root itself may be a symlink: the user named it. */
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	d->base.ops = &dirsrc_ops;
	d->rootfd = fd;
	*out = &d->base;
	return 0;
}
