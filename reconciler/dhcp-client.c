/* dhcp: one udhcpc per adapter, started, renewed, stopped and waited for. */
#include "dhcp.h"

#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "realize.h"

#define PID_SUFFIX ".pid"

const char *dhcp_client_missing_cap(void)
{
	static const struct { int cap; const char *name; } need[] = {
		{ CAP_NET_RAW, "CAP_NET_RAW" }, { CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE" },
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		/* root's exec gets its bounding set; anyone else's its
		 * ambient capabilities. */
		int have = geteuid() == 0 ? prctl(PR_CAPBSET_READ, need[i].cap, 0, 0, 0)
			 : prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, need[i].cap, 0, 0);

		if (have == 0)
			return need[i].name;
	}
	return NULL;
}

const char *dhcp_find_client(void)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
	static char path[4096];
	const char *env = getenv("HOSTNET_UDHCPC"), *p = getenv("PATH");

	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	while (p && *p) {
		size_t n = strcspn(p, ":");

		snprintf(path, sizeof(path), "%.*s/udhcpc", (int)n, p);
		if (n && access(path, X_OK) == 0)
			return path;
		p += n + (p[n] == ':');
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/udhcpc", dirs[i]);
		if (access(path, X_OK) == 0)
			return path;
	}
	return NULL;
}

/* The table a lease of `ifname` goes to, from what realize made of its stack:
 * an "oif <adapter>" rule names a table-isolated stack's table, a VRF master
 * its VRF's; otherwise it is the main table.  A stack with a gateway of its
 * own keeps it: the router is then not installed. */
static void route_opts(const struct want *w, const struct want_link *l, struct dhcp_route_opts *o)
{
	*o = (struct dhcp_route_opts){ .table = RT_TABLE_MAIN, .gateway = true };
	for (size_t i = 0; i < w->n_rules; i++)
		if (w->rules[i].r.priority == REALIZE_RULE_PRIO_OIF &&
		    strcmp(w->rules[i].r.oif, l->l.name) == 0) {
			o->table = w->rules[i].r.table;
			o->rules = true;
		}
	if (l->master[0]) {
		const struct want_link *m = want_link(w, l->master);

		if (m && m->l.kind == KOBJ_LINK_KIND_VRF)
			o->table = m->l.vrf_table;
	}
	for (size_t i = 0; i < w->n_routes; i++) {
		const struct kobj_route *r = &w->routes[i].r;

		if (r->table == o->table && r->family == AF_INET && r->dst.prefixlen == 0 &&
		    r->type == RTN_UNICAST && r->gateway.family)
			o->gateway = false;
	}
}

static void pid_path(const struct dhcp_ctx *c, const char *ifname, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s%s", c->run_dir, ifname, PID_SUFFIX);
}

/* Running, not a zombie: an orphaned client is reaped by whatever PID 1
 * is, which in a container may be never. */
static bool alive(pid_t pid)
{
	char path[64], buf[256];
	const char *p;
	FILE *f;
	size_t n;

	if (kill(pid, 0) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* The pid of the client of ifname, 0 when none runs (a stale file is
 * removed).  A pid is trusted only while it is a udhcpc. */
static pid_t client_pid(const struct dhcp_ctx *c, const char *ifname)
{
	char path[4096], comm[64] = "";
	long pid = 0;
	FILE *f;

	pid_path(c, ifname, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid > 0) {
		char cpath[64];
		FILE *cf;

		snprintf(cpath, sizeof(cpath), "/proc/%ld/comm", pid);
		cf = fopen(cpath, "re");
		if (cf) {
			if (!fgets(comm, sizeof(comm), cf))
				comm[0] = '\0';
			fclose(cf);
		}
	}
	if (pid <= 0 || strncmp(comm, "udhcpc", 6) != 0 || !alive((pid_t)pid)) {
		unlink(path);
		return 0;
	}
	return (pid_t)pid;
}

static int set_env_u32(const char *name, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	return setenv(name, buf, 1);
}

/* The pid file, written by the client's own process before it becomes
 * udhcpc (which rewrites it with the same pid): the file names the client
 * from the moment client_start() returns, so a second apply or the agent
 * right after never starts a second client. */
static void write_pid_file(const char *path)
{
	char tmp[4200], buf[32];
	int fd, n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) == n && close(fd) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

/* Double fork: the client belongs to no hostnet process, so it outlives
 * this one (the agent, a timer's apply) and is never its zombie.  A
 * close-on-exec pipe tells when the client has written its pid file and
 * exec'd (or failed to). */
static int client_start(const struct dhcp_ctx *c, const struct want *w, const struct want_link *l)
{
	struct dhcp_route_opts o;
	char pidf[4096], logf[4096], byte;
	int sync[2], st;
	pid_t pid;

	route_opts(w, l, &o);
	pid_path(c, l->l.name, pidf, sizeof(pidf));
	snprintf(logf, sizeof(logf), "%s/%s.log", c->run_dir, l->l.name);
	if (pipe2(sync, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(sync[0]);
		close(sync[1]);
		return -e;
	}
	if (pid == 0) {
		int fd;

		close(sync[0]);
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		fd = open(logf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (setenv(DHCP_HOOK_ENV, "1", 1) < 0 || set_env_u32("HOSTNET_DHCP_TABLE", o.table) < 0 ||
		    setenv("HOSTNET_DHCP_RULES", o.rules ? "1" : "0", 1) < 0 ||
		    setenv("HOSTNET_DHCP_GATEWAY", o.gateway ? "1" : "0", 1) < 0)
			_exit(127);
		write_pid_file(pidf);
		/* -f foreground (this is its daemon), -R release the lease when
		 * stopped, -t/-T/-A: 3 discovers 2 s apart, then 5 s of rest. */
		execl(c->udhcpc, "udhcpc", "-f", "-R", "-i", l->l.name, "-s", c->self, "-p", pidf,
		      "-t", "3", "-T", "2", "-A", "5", (char *)NULL);
		unlink(pidf);
		_exit(127);
	}
	close(sync[1]);
	if (waitpid(pid, &st, 0) < 0) {
		int e = errno;

		close(sync[0]);
		return -e;
	}
	/* EOF once the client has exec'd or exited. */
	while (read(sync[0], &byte, 1) < 0 && errno == EINTR)
		;
	close(sync[0]);
	return 0;
}

static int client_stop(const struct dhcp_ctx *c, const char *ifname)
{
	pid_t pid = client_pid(c, ifname);
	char path[4096];

	if (!pid)
		return 0;
	/* SIGTERM: with -R udhcpc releases the lease and runs "deconfig". */
	if (kill(pid, SIGTERM) < 0 && errno != ESRCH)
		return -errno;
	for (int i = 0; i < 50 && alive(pid); i++)
		usleep(20000);
	pid_path(c, ifname, path, sizeof(path));
	unlink(path);
	return 0;
}

static bool has_ipv4(const struct ifaddrs *all, const char *ifname)
{
	for (const struct ifaddrs *i = all; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && strcmp(i->ifa_name, ifname) == 0)
			return true;
	return false;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int wait_leases(const struct want *w, unsigned timeout_ms, char *msg, size_t size)
{
	double end = now_ms() + timeout_ms;

	for (;;) {
		struct ifaddrs *all;
		const char *missing = NULL;

		if (getifaddrs(&all) < 0)
			return -errno;
		for (size_t i = 0; i < w->n_links && !missing; i++)
			if (w->links[i].dhcp4 && !has_ipv4(all, w->links[i].l.name))
				missing = w->links[i].l.name;
		if (!missing) {
			freeifaddrs(all);
			return 0;
		}
		if (now_ms() >= end) {
			snprintf(msg, size, "%s: no DHCP lease within %u ms (see its client's log)",
				 missing, timeout_ms);
			freeifaddrs(all);
			return -ETIMEDOUT;
		}
		freeifaddrs(all);
		usleep(100000);
	}
}

static bool wants_dhcp(const struct want *w, const char *ifname)
{
	const struct want_link *l = want_link(w, ifname);

	return l && l->dhcp4;
}

/* Calls fn for the interface name of every pid file in the run directory. */
static void each_client(const struct dhcp_ctx *c, void (*fn)(const struct dhcp_ctx *, const char *, void *),
			void *arg)
{
	DIR *d = opendir(c->run_dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name), sl = strlen(PID_SUFFIX);
		char name[KOBJ_IFNAMSIZ];

		if (n <= sl || n - sl >= sizeof(name) || strcmp(e->d_name + n - sl, PID_SUFFIX) != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - sl), e->d_name);
		fn(c, name, arg);
	}
	closedir(d);
}

static void stop_unwanted(const struct dhcp_ctx *c, const char *ifname, void *arg)
{
	if (!wants_dhcp(arg, ifname))
		client_stop(c, ifname);
}

static void stop_vanished(const struct dhcp_ctx *c, const char *ifname, void *arg)
{
	(void)arg;
	if (!if_nametoindex(ifname))
		client_stop(c, ifname);
}

int dhcp_sync(const struct dhcp_ctx *c, const struct want *w, unsigned timeout_ms, char *msg,
	      size_t size)
{
	struct ifaddrs *all = NULL;
	bool any = false;
	int r;

	each_client(c, stop_unwanted, (void *)w);
	for (size_t i = 0; i < w->n_links; i++)
		any |= w->links[i].dhcp4;
	if (!any)
		return 0;
	if (!c->udhcpc) {
		snprintf(msg, size, "ipv4: dhcp needs udhcpc (apt-get install udhcpc)");
		return -ENOENT;
	}
	if (mkdir(c->run_dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(msg, size, "cannot create %s: %s", c->run_dir, strerror(-r));
		return r;
	}
	if (getifaddrs(&all) < 0)
		return -errno;
	for (size_t i = 0; i < w->n_links; i++) {
		const struct want_link *l = &w->links[i];
		pid_t pid;

		if (!l->dhcp4)
			continue;
		pid = client_pid(c, l->l.name);
		if (pid && !has_ipv4(all, l->l.name))
			kill(pid, SIGUSR1);   /* renew: a released client waits for this */
		if (!pid && (r = client_start(c, w, l)) < 0) {
			snprintf(msg, size, "%s: cannot start %s: %s", l->l.name, c->udhcpc, strerror(-r));
			freeifaddrs(all);
			return r;
		}
	}
	freeifaddrs(all);
	return wait_leases(w, timeout_ms, msg, size);
}

const char *dhcp_missing_client(const struct dhcp_ctx *c, const struct want *w)
{
	for (size_t i = 0; i < w->n_links; i++)
		if (w->links[i].dhcp4 && !client_pid(c, w->links[i].l.name))
			return w->links[i].l.name;
	return NULL;
}

void dhcp_reap(const struct dhcp_ctx *c)
{
	each_client(c, stop_vanished, NULL);
}
