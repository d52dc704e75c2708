/* observe-managers: which links another network manager manages, from the
 * state files each keeps (issue 15, coexistence).
 *
 *   systemd-networkd  /run/systemd/netif/links/<ifindex>: ADMIN_STATE
 *                     configuring, configured or failed (a link no .network
 *                     file matches is "unmanaged")
 *   NetworkManager    /run/NetworkManager/devices/<ifindex>: managed=true
 *                     (its own record of the devices it manages: no nmcli,
 *                     no D-Bus, and it is there as long as NM runs)
 *   ifupdown          /run/network/ifstate: "iface=logical" per configured
 *                     interface
 *   ifupdown2         /var/tmp/network/ifstatenew: Python pickles of its
 *                     iface objects (statemanager.py, protocol 5); each
 *                     spells its name as the short string after the key
 *                     "name", which is all that is read
 *
 * State files are about one network namespace, and name links by index
 * (networkd, NM) or by name (ifupdown): a daemon's files count when the
 * daemon runs in this network namespace, ifupdown's when this is the host's
 * namespace (PID 1's); setting a path's variable (HOSTNET_NETWORKD_DIR,
 * HOSTNET_NM_DIR, HOSTNET_IFUPDOWN_STATE, HOSTNET_IFUPDOWN2_STATE) makes
 * its files count anyway.  Missing or unreadable files mean "not managed".
 */
#include "observe.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NETWORKD_DIR   "/run/systemd/netif"
#define NM_DIR         "/run/NetworkManager"
#define IFUPDOWN_STATE "/run/network/ifstate"
#define IFUPDOWN2_STATE "/var/tmp/network/ifstatenew"
#define STATE_MAX      (4u << 20)   /* larger files are not state files */

/* The path, and whether it was set explicitly. */
static const char *path_of(const char *var, const char *def, bool *set)
{
	const char *v = getenv(var);

	*set = v && *v;
	return *set ? v : def;
}

static bool same_netns(const char *pid)
{
	char path[300];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	return stat(path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The daemons of interest running in this network namespace, as bits of
 * `names`: one pass over /proc, once per process (a daemon that starts or
 * stops during one hostnet command is not worth a scan per observation). */
static const char *const daemons[] = { "systemd-network", "NetworkManager" };
static unsigned daemons_seen;
static bool daemons_scanned;

static unsigned scan_daemons(void)
{
	DIR *d;
	struct dirent *e;

	if (daemons_scanned)
		return daemons_seen;
	daemons_scanned = true;
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[300 + 8], name[32] = "";
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = '\0';
		fclose(f);
		for (size_t i = 0; i < sizeof(daemons) / sizeof(*daemons); i++)
			if (strcmp(name, daemons[i]) == 0 && same_netns(e->d_name))
				daemons_seen |= 1u << i;
	}
	closedir(d);
	return daemons_seen;
}

bool observe_daemon_here(const char *comm)
{
	for (size_t i = 0; i < sizeof(daemons) / sizeof(*daemons); i++)
		if (strcmp(comm, daemons[i]) == 0)
			return scan_daemons() & 1u << i;
	return false;
}

static bool host_netns(void)
{
	struct stat a, b;

	return stat("/proc/1/ns/net", &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The whole of a small file, NUL-terminated; NULL when absent. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *b;

			if (cap >= STATE_MAX || !(b = realloc(buf, cap + 8192)))
				break;
			buf = b;
			cap += 8192;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Whether a KEY=VALUE file has the line "key=value" (one of `values`,
 * separated by '|'). */
static bool has_line(const char *text, const char *key, const char *values)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t vlen;

		if (strncmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		vlen = strcspn(p + klen + 1, "\n");
		for (const char *v = values; *v;) {
			size_t n = strcspn(v, "|");

			if (n == vlen && strncmp(v, p + klen + 1, n) == 0)
				return true;
			v += n + (v[n] == '|');
		}
	}
	return false;
}

static void by_index(struct kobj_set *s, const char *dir, const char *key, const char *values,
		     enum kobj_manager m)
{
	for (size_t i = 0; i < s->n_links; i++) {
		char path[4200], *text;

		if (s->links[i].manager)
			continue;
		snprintf(path, sizeof(path), "%s/%d", dir, s->links[i].ifindex);
		text = slurp(path, NULL);
		if (text && has_line(text, key, values))
			s->links[i].manager = (uint8_t)m;
		free(text);
	}
}

static void mark_name(struct kobj_set *s, const char *name, size_t len, enum kobj_manager m)
{
	for (size_t i = 0; i < s->n_links; i++)
		if (!s->links[i].manager && strlen(s->links[i].name) == len &&
		    memcmp(s->links[i].name, name, len) == 0 && strcmp(s->links[i].name, "lo") != 0)
			s->links[i].manager = (uint8_t)m;
}

static void ifupdown(struct kobj_set *s, const char *path)
{
	char *text = slurp(path, NULL);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t n = strcspn(p, "=\n");

		if (p[n] == '=')
			mark_name(s, p, n, KOBJ_MANAGER_IFUPDOWN);
	}
	free(text);
}

static void ifupdown2(struct kobj_set *s, const char *path)
{
	/* SHORT_BINUNICODE "name", MEMOIZE, SHORT_BINUNICODE <len> <name> */
	static const char key[] = "\x8c\x04name\x94\x8c";
	size_t len = 0;
	char *data = slurp(path, &len);

	for (size_t i = 0; data && i + sizeof(key) < len; i++) {
		size_t n;

		if (memcmp(data + i, key, sizeof(key) - 1) != 0)
			continue;
		n = (unsigned char)data[i + sizeof(key) - 1];
		if (n && n < KOBJ_IFNAMSIZ && i + sizeof(key) + n <= len)
			mark_name(s, data + i + sizeof(key), n, KOBJ_MANAGER_IFUPDOWN2);
	}
	free(data);
}

void observe_managers(struct kobj_set *s)
{
	char dir[4200];
	const char *p;
	bool set;

	p = path_of("HOSTNET_NETWORKD_DIR", NETWORKD_DIR, &set);
	if (set || observe_daemon_here("systemd-network")) {
		snprintf(dir, sizeof(dir), "%s/links", p);
		by_index(s, dir, "ADMIN_STATE", "configuring|configured|failed", KOBJ_MANAGER_NETWORKD);
	}
	p = path_of("HOSTNET_NM_DIR", NM_DIR, &set);
	if (set || observe_daemon_here("NetworkManager")) {
		snprintf(dir, sizeof(dir), "%s/devices", p);
		by_index(s, dir, "managed", "true", KOBJ_MANAGER_NETWORKMANAGER);
	}
	p = path_of("HOSTNET_IFUPDOWN_STATE", IFUPDOWN_STATE, &set);
	if (set || host_netns())
		ifupdown(s, p);
	p = path_of("HOSTNET_IFUPDOWN2_STATE", IFUPDOWN2_STATE, &set);
	if (set || host_netns())
		ifupdown2(s, p);
}

/* systemd's drop-in directories for networkd.conf, lowest precedence
 * first: a file of the same name in a later one replaces an earlier one. */
static const char *const conf_dirs[] = {
	"/usr/lib/systemd/networkd.conf.d", "/usr/local/lib/systemd/networkd.conf.d",
	"/run/systemd/networkd.conf.d", "/etc/systemd/networkd.conf.d",
};

/* Applies the [Network] ManageForeign* settings of one file. */
static void conf_file(const char *path, struct observe_networkd *out)
{
	char *text = slurp(path, NULL);
	bool network = false;

	for (char *p = text, *next; p && *p; p = next) {
		char *eq, *v, *end;
		bool yes;

		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		p += strspn(p, " \t");
		if (*p == '[') {
			network = strncmp(p, "[Network]", 9) == 0;
			continue;
		}
		eq = strchr(p, '=');
		if (!network || *p == '#' || *p == ';' || !eq)
			continue;
		for (end = eq; end > p && (end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
		v = eq + 1 + strspn(eq + 1, " \t");
		v[strcspn(v, " \t\r")] = '\0';
		/* systemd's parse_boolean(): anything else is an error it logs
		 * and ignores, keeping the value before. */
		if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off") ||
		    !strcmp(v, "n") || !strcmp(v, "f"))
			yes = false;
		else if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on") ||
			 !strcmp(v, "y") || !strcmp(v, "t"))
			yes = true;
		else
			continue;
		if (!strcmp(p, "ManageForeignRoutes"))
			out->foreign_routes = yes;
		else if (!strcmp(p, "ManageForeignRoutingPolicyRules"))
			out->foreign_rules = yes;
	}
	free(text);
}

static int cmp_name(const void *a, const void *b)
{
	const char *x = strrchr(*(char *const *)a, '/'), *y = strrchr(*(char *const *)b, '/');

	return strcmp(x, y);
}

void observe_networkd(struct observe_networkd *out)
{
	bool set;
	const char *conf = path_of("HOSTNET_NETWORKD_CONF", "/etc/systemd/networkd.conf", &set);
	char *files[256], dropin[4200];
	size_t n = 0;

	*out = (struct observe_networkd){ .foreign_routes = true, .foreign_rules = true };
	path_of("HOSTNET_NETWORKD_DIR", NETWORKD_DIR, &set);
	out->running = set || observe_daemon_here("systemd-network");
	if (!out->running)
		return;
	conf_file(conf, out);
	snprintf(dropin, sizeof(dropin), "%s.d", conf);
	for (size_t k = 0; k <= sizeof(conf_dirs) / sizeof(*conf_dirs); k++) {
		const char *dir = k < sizeof(conf_dirs) / sizeof(*conf_dirs) ? conf_dirs[k] : dropin;
		DIR *d;
		struct dirent *e;

		/* With HOSTNET_NETWORKD_CONF set, only its own drop-ins. */
		if (getenv("HOSTNET_NETWORKD_CONF") && *getenv("HOSTNET_NETWORKD_CONF") &&
		    dir != dropin)
			continue;
		if (dir == dropin && !strcmp(dropin, "/etc/systemd/networkd.conf.d"))
			continue;  /* already in the list */
		if (!(d = opendir(dir)))
			continue;
		while ((e = readdir(d)) && n < sizeof(files) / sizeof(*files)) {
			size_t len = strlen(e->d_name);
			char *path;

			if (len < 6 || strcmp(e->d_name + len - 5, ".conf") != 0 ||
			    asprintf(&path, "%s/%s", dir, e->d_name) < 0)
				continue;
			for (size_t i = 0; i < n; i++)
				if (!strcmp(strrchr(files[i], '/'), strrchr(path, '/'))) {
					free(files[i]);   /* replaced by the later directory's */
					files[i] = files[--n];
					break;
				}
			files[n++] = path;
		}
		closedir(d);
	}
	qsort(files, n, sizeof(*files), cmp_name);
	for (size_t i = 0; i < n; i++) {
		conf_file(files[i], out);
		free(files[i]);
	}
}
