/* bench-observe: observe_all() against `ip` on a big namespace, plus batched adds.
 *
 * In a private network namespace (unshared at start; the machine's links must be out of
 * sight): 500 veth pairs (1,000 links) and 100,000 routes in table 100 via a
 * connected next hop, all made with `ip -batch`.  Then, median of 5 runs:
 *  - observe_all() in this process (socket open to set freed),
 *  - the same as a whole process (this binary re-run with --observe-once),
 *  - `ip -d link show >/dev/null` + `ip route show table all >/dev/null`,
 *  - a count-only route dump three ways (our recvmsg loop; libnl's
 *    nl_recvmsgs() with a callback; nl_recv() + our walk),
 *  - 100,000 route adds and deletes through hnl_batch.
 * Prints a table and the ratio; asserts nothing about time.
 *
 *   bench-observe [--pairs N] [--routes N] [--reps N]
 */
#include <errno.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"
#include "observe.h"

extern char **environ;

#define MAX_REPS 21

struct opts {
	int pairs, routes, reps;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stat3 {
	double med, min, max;
};

static struct stat3 summarize(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dbl_cmp);
	return (struct stat3){ v[n / 2], v[0], v[n - 1] };
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-observe: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static void run(const char *cmd)
{
	int st = system(cmd);

	if (st != 0) {
		fprintf(stderr, "bench-observe: failed (%d): %s\n", st, cmd);
		exit(1);
	}
}

/* This process's own peak RSS in KiB.  (getrusage() of a spawned child is no
 * use: exec folds the parent's high-water mark into the child's maxrss.) */
static long vm_hwm_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* Runs argv with stdout to /dev/null, or to a pipe whose first number is
 * kept in *out when out is given; returns seconds. */
static double spawn_timed(const char *const argv[], long *out)
{
	posix_spawn_file_actions_t fa;
	double t0, t;
	int st, fds[2] = { -1, -1 };
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	if (out) {
		if (pipe(fds) < 0)
			die("pipe", errno);
		posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
		posix_spawn_file_actions_addclose(&fa, fds[0]);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	}
	t0 = now();
	if (posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0)
		die("posix_spawn", errno);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench-observe: %s failed\n", argv[0]);
		exit(1);
	}
	t = now() - t0;
	posix_spawn_file_actions_destroy(&fa);
	if (out) {
		char buf[32] = "";
		ssize_t n;

		close(fds[1]);
		n = read(fds[0], buf, sizeof(buf) - 1);
		close(fds[0]);
		if (n > 0 && atol(buf) > *out)
			*out = atol(buf);
	}
	return t;
}

static void observe_once(struct kobj_set *s)
{
	struct hnl *nl;
	int r = hnl_open(&nl);

	if (r < 0)
		die("hnl_open", r);
	r = observe_all(s, nl);
	if (r < 0) {
		fprintf(stderr, "bench-observe: observe: %s\n", hnl_errmsg(nl));
		exit(1);
	}
	hnl_close(nl);
}

/* --- setup ------------------------------------------------------------- */

static void route_dst(char *buf, size_t size, int i)
{
	/* the i-th /64 of 2001:db8:100::/40 (documentation range, as gen.py) */
	snprintf(buf, size, "2001:db8:%x:%x::", 0x100 + (i >> 16), i & 0xffff);
}

static double ip_batch(const char *path)
{
	const char *const argv[] = { "ip", "-batch", path, NULL };

	return spawn_timed(argv, NULL);
}

static void setup(const struct opts *o)
{
	char path[] = "/tmp/bench-observe.XXXXXX", dst[32];
	double t;
	FILE *f;
	int fd;

	run("ip link set lo up && ip link add va type veth peer name vb && "
	    "sysctl -qw net.ipv6.conf.va.addr_gen_mode=1 net.ipv6.conf.vb.addr_gen_mode=1 && "
	    "ip addr add 2001:db8::1/64 dev va nodad && ip link set va up && ip link set vb up");
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		die("mkstemp", errno);
	for (int i = 1; i < o->pairs; i++)
		fprintf(f, "link add b%d type veth peer name b%dp\n", i, i);
	fclose(f);
	t = ip_batch(path);
	printf("setup: ip -batch %d veth pairs: %.3f s\n", o->pairs - 1, t);

	f = fopen(path, "w");
	for (int i = 0; i < o->routes; i++) {
		route_dst(dst, sizeof(dst), i);
		fprintf(f, "route add %s/64 via 2001:db8::2 table 100\n", dst);
	}
	fclose(f);
	t = ip_batch(path);
	printf("setup: ip -batch %d route adds: %.3f s (%.1f us/route)\n", o->routes, t,
	       t * 1e6 / o->routes);
	unlink(path);
}

/* --- dump strategies (count only) --------------------------------------- */

static int count_cb(struct nlmsghdr *h, void *arg)
{
	(*(size_t *)arg)++;
	return 0;
}

static struct nl_msg *route_dump_req(void)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6 };
	struct nl_msg *m = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP);

	if (!m || nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0)
		die("nlmsg", ENOMEM);
	return m;
}

static size_t dump_ours(void)
{
	struct nl_msg *m = route_dump_req();
	struct hnl *nl;
	size_t n = 0;
	int r;

	if ((r = hnl_open(&nl)) < 0)
		die("hnl_open", r);
	if ((r = hnl_dump(nl, m, count_cb, &n)) < 0)
		die(hnl_errmsg(nl), r);
	nlmsg_free(m);
	hnl_close(nl);
	return n;
}

static int libnl_valid(struct nl_msg *msg, void *arg)
{
	(*(size_t *)arg)++;
	return NL_OK;
}

static struct nl_sock *libnl_sock(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
		die("nl_connect", EIO);
	nl_socket_set_buffer_size(sk, HNL_RCVBUF, 0);
	return sk;
}

static size_t dump_libnl_recvmsgs(void)
{
	struct nl_sock *sk = libnl_sock();
	struct nl_msg *m = route_dump_req();
	size_t n = 0;

	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, libnl_valid, &n);
	if (nl_send_auto(sk, m) < 0 || nl_recvmsgs_default(sk) < 0)
		die("nl_recvmsgs", EIO);
	nlmsg_free(m);
	nl_socket_free(sk);
	return n;
}

static size_t dump_libnl_recv(void)
{
	struct nl_sock *sk = libnl_sock();
	struct nl_msg *m = route_dump_req();
	struct sockaddr_nl peer;
	unsigned char *buf;
	size_t n = 0;
	bool done = false;

	if (nl_send_auto(sk, m) < 0)
		die("nl_send", EIO);
	while (!done) {
		int len = nl_recv(sk, &peer, &buf, NULL);

		if (len <= 0)
			die("nl_recv", EIO);
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				done = true;
			else
				n++;
		}
		free(buf);
	}
	nlmsg_free(m);
	nl_socket_free(sk);
	return n;
}

/* --- batched adds -------------------------------------------------------- */

static void batch_fill(struct hnl_batch *b, int type, int flags, int n)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET6, .rtm_dst_len = 64, .rtm_protocol = KOBJ_RTPROT_HOSTNET,
		.rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST,
	};
	struct in6_addr gw;
	char dst[48];

	inet_pton(AF_INET6, "2001:db8::2", &gw);
	for (int i = 0; i < n; i++) {
		struct nl_msg *m = nlmsg_alloc_simple(type, flags);
		struct in6_addr d;

		route_dst(dst, sizeof(dst), i);
		inet_pton(AF_INET6, dst, &d);
		if (!m || nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
		    nla_put_u32(m, RTA_TABLE, 200) < 0 || nla_put(m, RTA_DST, 16, &d) < 0 ||
		    nla_put(m, RTA_GATEWAY, 16, &gw) < 0 || hnl_batch_add(b, nlmsg_hdr(m)) < 0)
			die("building a batch", ENOMEM);
		nlmsg_free(m);
	}
}

static double batch_commit_timed(struct hnl_batch *b, struct hnl *nl, const char *what)
{
	double t0 = now();
	int r = hnl_batch_commit(b, nl);

	if (r != 0) {
		fprintf(stderr, "bench-observe: %s: %d failed: %s\n", what, r, hnl_errmsg(nl));
		exit(1);
	}
	return now() - t0;
}

static void bench_batch(const struct opts *o)
{
	double add[MAX_REPS], del[MAX_REPS];
	struct hnl_batch_stats st;
	struct stat3 a, d;
	struct hnl_batch *b;
	struct hnl *nl;
	int r;

	if ((r = hnl_open(&nl)) < 0 || (r = hnl_batch_new(&b)) < 0)
		die("hnl", r);
	for (int i = 0; i < o->reps; i++) {
		batch_fill(b, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, o->routes);
		add[i] = batch_commit_timed(b, nl, "batch add");
		hnl_batch_stats(b, &st);
		batch_fill(b, RTM_DELROUTE, 0, o->routes);
		del[i] = batch_commit_timed(b, nl, "batch del");
	}
	a = summarize(add, o->reps);
	d = summarize(del, o->reps);
	printf("\nbatched requests (hnl_batch, %d routes, table 200, %zu datagrams of <= %u B):\n",
	       o->routes, st.datagrams, HNL_BATCH_CHUNK);
	printf("  %-34s %9.4f s  (%.4f-%.4f)  %6.2f us/route  %8.0f routes/s\n", "add (commit only)",
	       a.med, a.min, a.max, a.med * 1e6 / o->routes, o->routes / a.med);
	printf("  %-34s %9.4f s  (%.4f-%.4f)  %6.2f us/route  %8.0f routes/s\n", "delete (commit only)",
	       d.med, d.min, d.max, d.med * 1e6 / o->routes, o->routes / d.med);
	hnl_batch_free(b);
	hnl_close(nl);
}

/* --- main ---------------------------------------------------------------- */

static void row(const char *name, double *v, int n, double ref)
{
	struct stat3 s = summarize(v, n);

	printf("  %-44s %8.4f s  (%.4f-%.4f)", name, s.med, s.min, s.max);
	if (ref > 0)
		printf("  %5.2fx ip", s.med / ref);
	printf("\n");
}

/* A fresh network namespace holds nothing but lo. */
static bool only_lo(void)
{
	struct if_nameindex *v = if_nameindex(), *p;
	bool ok = v != NULL;

	for (p = v; ok && p->if_index; p++)
		ok = strcmp(p->if_name, "lo") == 0;
	if_freenameindex(v);
	return ok;
}

static void enter_private_netns(void)
{
	struct stat self, init;

	if (unshare(CLONE_NEWNET) < 0)
		die("unshare(CLONE_NEWNET) (run as root)", errno);
	if (!only_lo() ||
	    (stat("/proc/self/ns/net", &self) == 0 && stat("/proc/1/ns/net", &init) == 0 &&
	     self.st_ino == init.st_ino && self.st_dev == init.st_dev)) {
		fprintf(stderr, "bench-observe: still in the host's network namespace; aborting\n");
		abort();
	}
}

int main(int argc, char **argv)
{
	struct opts o = { .pairs = 500, .routes = 100000, .reps = 5 };
	double t_obs[MAX_REPS], t_proc[MAX_REPS], t_link[MAX_REPS], t_route[MAX_REPS],
	       t_ip[MAX_REPS], t_d1[MAX_REPS], t_d2[MAX_REPS], t_d3[MAX_REPS];
	const char *const ip_link[] = { "ip", "-d", "link", "show", NULL };
	const char *const ip_route[] = { "ip", "route", "show", "table", "all", NULL };
	const char *const self[] = { "/proc/self/exe", "--observe-once", NULL };
	struct kobj_set s = { 0 };
	long proc_rss = 0, hwm_setup, hwm_observe;
	struct rusage ru;
	size_t n1 = 0, n2 = 0, n3 = 0;
	double ip_med;

	/* The child mode only reads the namespace it inherits. */
	if (argc == 2 && strcmp(argv[1], "--observe-once") == 0) {
		observe_once(&s);
		kobj_set_clear(&s);
		printf("%ld\n", vm_hwm_kb());
		return 0;
	}
	for (int i = 1; i + 1 < argc; i += 2) {
		int v = atoi(argv[i + 1]);

		if (strcmp(argv[i], "--pairs") == 0)
			o.pairs = v;
		else if (strcmp(argv[i], "--routes") == 0)
			o.routes = v;
		else if (strcmp(argv[i], "--reps") == 0)
			o.reps = v;
	}
	if (o.reps < 1 || o.reps > MAX_REPS || o.pairs < 1 || o.routes < 1 || o.routes > 1000000) {
		fprintf(stderr, "usage: bench-observe [--pairs N] [--routes N<=1e6] [--reps 1..%d]\n",
			MAX_REPS);
		return 2;
	}
	enter_private_netns();
	setup(&o);
	hwm_setup = vm_hwm_kb();

	observe_once(&s);   /* warm up, and show what one pass sees */
	for (size_t i = 0; i < s.n_routes; i++)
		n1 += s.routes[i].table == 100;
	printf("observed: %zu links, %zu addresses, %zu routes (%zu in table 100), %zu rules\n",
	       s.n_links, s.n_addrs, s.n_routes, n1, s.n_rules);
	if (n1 != (size_t)o.routes) {
		fprintf(stderr, "bench-observe: observed %zu routes in table 100, made %d\n", n1, o.routes);
		return 1;
	}
	kobj_set_clear(&s);

	for (int i = 0; i < o.reps; i++) {
		double t0 = now();

		observe_once(&s);
		t_obs[i] = now() - t0;
		kobj_set_clear(&s);
		t_proc[i] = spawn_timed(self, &proc_rss);
		t_link[i] = spawn_timed(ip_link, NULL);
		t_route[i] = spawn_timed(ip_route, NULL);
		t_ip[i] = t_link[i] + t_route[i];
		t0 = now();
		n1 = dump_ours();
		t_d1[i] = now() - t0;
		t0 = now();
		n2 = dump_libnl_recvmsgs();
		t_d2[i] = now() - t0;
		t0 = now();
		n3 = dump_libnl_recv();
		t_d3[i] = now() - t0;
	}
	hwm_observe = vm_hwm_kb();
	ip_med = summarize(t_ip, o.reps).med;

	printf("\nobserve vs ip (%d links + lo, %d routes; median of %d, min-max):\n",
	       2 * o.pairs, o.routes, o.reps);
	row("ip -d link show >/dev/null", t_link, o.reps, 0);
	row("ip route show table all >/dev/null", t_route, o.reps, 0);
	row("ip, both (reference)", t_ip, o.reps, 0);
	row("observe_all() in-process", t_obs, o.reps, ip_med);
	row("observe_all() whole process (exec)", t_proc, o.reps, ip_med);

	printf("\nIPv6 route dump, count only (%zu / %zu / %zu messages):\n", n1, n2, n3);
	row("hnl_dump (recvmsg loop, reused buffer)", t_d1, o.reps, 0);
	row("libnl nl_recvmsgs + NL_CB_VALID callback", t_d2, o.reps, 0);
	row("libnl nl_recv + nlmsg_next walk", t_d3, o.reps, 0);

	bench_batch(&o);

	getrusage(RUSAGE_SELF, &ru);
	printf("\nmax RSS (KiB): observe process (VmHWM) %ld; bench before observing %ld, "
	       "after the observe runs %ld, at exit (getrusage, incl. batches) %ld\n",
	       proc_rss, hwm_setup, hwm_observe, ru.ru_maxrss);
	return 0;
}
