/* services-publish: the service table as files other programs bind to:
 *   <dir>/services.json            {"services": [ ...services_json()... ]}
 *   <dir>/services/<service>.env   services_env_text()
 * Each file is written to a temporary name in its own directory and renamed,
 * so a reader (a unit starting, libvirt reading its drop-in) sees the old
 * file or the new one, never half of one. */
#include "services-publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *services_publish_dir(void)
{
	const char *d = getenv("HOSTNET_SERVICES_DIR");

	return d && *d ? d : SERVICES_PUBLISH_DIR_DEFAULT;
}

static int ensure_dir(const char *path)
{
	struct stat st;

	/* Readable by the units and daemons that bind to it, whatever umask
	 * the service running hostnet has (the example units' is 0077). */
	if (mkdir(path, 0755) == 0)
		return chmod(path, 0755) < 0 ? -errno : 0;
	if (errno != EEXIST)
		return -errno;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Writes `text` to dir/name through a temporary file and rename(2). */
static int write_atomic(const char *dir, const char *name, const char *text, size_t len)
{
	char tmp[4096], dst[4096];
	int fd, r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >= sizeof(tmp) ||
	    (size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0 || write(fd, text, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, dst) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static bool present(const struct services_list *l, const char *file)
{
	const char *dot = strrchr(file, '.');
	int s;

	if (!dot || strcmp(dot, ".env") != 0 || file[0] == '.')
		return true;   /* not one of ours: left alone */
	for (s = 0; s < PROFILE_SERVICE__MAX; s++) {
		const char *name = profile_service_name((enum profile_service)s);

		if (strlen(name) == (size_t)(dot - file) && strncmp(file, name, (size_t)(dot - file)) == 0)
			return services_find(l, (enum profile_service)s) != NULL;
	}
	return false;
}

/* The .env files of services no adapter carries any more go. */
static int prune(const char *sdir, const struct services_list *l)
{
	DIR *d = opendir(sdir);
	struct dirent *de;
	char path[4096];
	int r = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (present(l, de->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", sdir, de->d_name) >= sizeof(path))
			continue;
		if (unlink(path) < 0 && errno != ENOENT && r == 0)
			r = -errno;
	}
	closedir(d);
	return r;
}

int services_publish(const char *dir, const struct services_list *l, char *msg, size_t size)
{
	json_t *doc = NULL, *arr = services_json(l);
	char sdir[4096], *text = NULL, env[2048], name[64];
	const char *what = dir;
	int r;

	if ((size_t)snprintf(sdir, sizeof(sdir), "%s/services", dir) >= sizeof(sdir)) {
		r = -ENAMETOOLONG;
		goto out;
	}
	doc = arr ? json_pack("{s:o}", "services", arr) : NULL;
	text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	if (!text) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = ensure_dir(dir)) < 0)
		goto out;
	what = sdir;
	if ((r = ensure_dir(sdir)) < 0)
		goto out;
	for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
		int n = services_env_text(env, sizeof(env), l, (enum profile_service)s);

		if (n == -ENOENT)
			continue;
		snprintf(name, sizeof(name), "%s.env", profile_service_name((enum profile_service)s));
		if (n < 0 || (size_t)n >= sizeof(env)) {
			r = -ENOSPC;
			goto out;
		}
		if ((r = write_atomic(sdir, name, env, (size_t)n)) < 0)
			goto out;
	}
	if ((r = prune(sdir, l)) < 0)
		goto out;
	what = dir;
	size_t len = strlen(text);

	text[len++] = '\n';   /* over the NUL: the text is written by its length */
	r = write_atomic(dir, "services.json", text, len);
out:
	if (r < 0)
		snprintf(msg, size, "cannot publish the service endpoints in %s: %s", what, strerror(-r));
	free(text);
	json_decref(doc);
	return r;
}
