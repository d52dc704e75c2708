/* hostnet ping: vmkping for Linux: ICMP echo from one VMkernel adapter
 * through its stack; and hostnet check mtu, the jumbo-frame path test
 * for every adapter. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "kobj.h"
#include "probe.h"
#include "store.h"
#include "view.h"

/* The source address for `dst` on adapter `a`: the address whose subnet
 * holds dst, else the adapter's first of that family. */
static const struct hn_addr *source_of(const struct view *v, const struct view_adapter *a,
				       const struct hn_addr *dst)
{
	const struct hn_addr *first = NULL;

	for (size_t i = 0; i < v->set->n_addrs; i++) {
		const struct kobj_addr *x = &v->set->addrs[i];

		if (x->ifindex != a->link->ifindex || x->addr.family != dst->family ||
		    x->scope != 0 /* global */)
			continue;
		if (addr_in_subnet(&x->addr, dst))
			return &x->addr;
		if (!first)
			first = &x->addr;
	}
	return first;
}

/* The adapter to send from: -I, else the stack's adapter that has dst in a
 * subnet, else the stack's first adapter with an address of dst's family. */
static const struct view_adapter *pick_adapter(const struct view *v, const char *dev,
					       const char *stack, const struct hn_addr *dst)
{
	const struct view_adapter *best = NULL;

	for (size_t i = 0; i < v->n_adapters; i++) {
		const struct view_adapter *a = &v->adapters[i];
		const struct hn_addr *src;

		if (dev ? strcmp(a->link->name, dev) != 0 : strcmp(a->stack, stack) != 0)
			continue;
		src = source_of(v, a, dst);
		if (!src)
			continue;
		if (dev || addr_in_subnet(src, dst))
			return a;
		if (!best)
			best = a;
	}
	return best;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hostnet ping [-I ADAPTER | -S STACK] [-d] [-s SIZE] [-c COUNT] [-W SECONDS] DEST\n"
		   "\nICMP echo from a VMkernel adapter and its address, through its stack's\n"
		   "rules and table, like vmkping: 'hostnet ping -I vmk1 -d -s 8972 198.51.100.1'\n"
		   "proves jumbo frames end to end.  Exit 0 when DEST answered, 1 otherwise.\n"
		   "  -I ADAPTER  send from this adapter (and its address)\n"
		   "  -S STACK    send from the stack's adapter that reaches DEST (default: default)\n"
		   "  -d          set don't-fragment\n"
		   "  -s SIZE     ICMP payload bytes (default 56)\n"
		   "  -c COUNT    echo requests to send (default 3)\n"
		   "  -W SECONDS  how long to wait for each answer (default 1)\n");
}

int cmd_ping(int argc, char **argv)
{
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("ping", usage, &so, 0);
	struct probe_opts po = PROBE_OPTS_INIT;
	const char *dev = NULL, *stack = "default";
	struct kobj_set set = { 0 };
	struct view v = { 0 };
	const struct view_adapter *a;
	const struct hn_addr *src;
	struct hn_addr dst;
	unsigned count = 3, answered = 0, ms;
	char sbuf[ADDR_STRLEN], dbuf[ADDR_STRLEN], *end;
	int c, rc = CMD_EXIT_ERROR;

	po.tries = 1;
	while ((c = cmd_getopt(&p, argc, argv, "I:S:ds:c:W:", NULL)) != -1) {
		switch (c) {
		case 'I': dev = optarg; break;
		case 'S': stack = optarg; break;
		case 'd': po.dont_fragment = true; break;
		case 's': po.size = strtoul(optarg, &end, 10); if (*end) goto bad; break;
		case 'c': count = (unsigned)strtoul(optarg, &end, 10); if (*end || !count) goto bad; break;
		case 'W':
			if (cmd_parse_seconds(optarg, &ms) < 0 || !ms)
				goto bad;
			po.timeout_ms = ms;
			break;
		default: return p.exit;
		}
	}
	if (optind + 1 != argc || addr_parse_ip(&dst, argv[optind]) < 0) {
		usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (cmd_read_kernel("ping", &set) < 0 || view_build(&v, &set) < 0)
		goto out;
	a = pick_adapter(&v, dev, stack, &dst);
	if (!a) {
		cmd_fail("ping", dev ? "no VMkernel adapter '%s' with an %s address"
				     : "stack '%s' has no adapter with an %s address", dev ? dev : stack,
			 dst.family == AF_INET6 ? "IPv6" : "IPv4");
		goto out;
	}
	src = source_of(&v, a, &dst);
	addr_format(src, false, sbuf, sizeof(sbuf));
	addr_format(&dst, false, dbuf, sizeof(dbuf));
	printf("PING %s from %s (%s) stack %s: %zu data bytes%s\n", dbuf, a->link->name, sbuf, a->stack,
	       po.size, po.dont_fragment ? ", don't fragment" : "");
	for (unsigned i = 0; i < count; i++) {
		unsigned rtt = 0;
		int r = probe_ping(a->link->name, src, &dst, &po, &rtt);

		if (r == 0) {
			printf("%zu bytes from %s: icmp_seq=%u time=%.3f ms\n", po.size + 8, dbuf, i + 1,
			       rtt / 1000.0);
			answered++;
		} else if (r == -EMSGSIZE) {
			printf("sendto() failed: Message too long (%zu bytes do not fit the path "
			       "without fragmenting)\n", po.size);
		} else {
			printf("icmp_seq=%u: %s\n", i + 1, strerror(-r));
		}
	}
	printf("--- %s ping statistics ---\n%u packets transmitted, %u received, %u%% packet loss\n",
	       dbuf, count, answered, (count - answered) * 100 / count);
	rc = answered ? CMD_EXIT_OK : CMD_EXIT_ERROR;
	goto out;
bad:
	cmd_fail("ping", "bad value '%s' for -%c", optarg, c);
	return CMD_EXIT_ERROR;
out:
	view_clear(&v);
	kobj_set_clear(&set);
	return rc;
}

static void check_usage(FILE *f)
{
	fprintf(f, "usage: hostnet check mtu [--host H] [--state PATH]\n"
		   "\nPings each stack's gateway from every adapter with an MTU above 1500,\n"
		   "with don't-fragment and the adapter's full MTU: the MTU of the host's last\n"
		   "applied generation (its profile's) when the state database has one, else\n"
		   "the kernel's.  Exit 2 when a path is narrower than the adapter or the\n"
		   "adapter's MTU is below its profile's (drift), 1 on error, 0 when all fit.\n"
		   "  --host H    the host whose last applied generation gives the MTUs (default:\n"
		   "              the one host with applied generations in the state database;\n"
		   "              with several, --host picks one)\n");
}

/* The MTUs the profile gave the adapters: the last applied generation of
 * --host (or of the database's one host).  No database, or no generation
 * without --host, leaves *w empty: the kernel's MTUs are checked. */
static int check_want(const struct cmd_state_opts *so, const char *given, struct want *w)
{
	struct store_generation g = { 0 };
	struct store *st = NULL;
	char *host = NULL, *err = NULL;
	int r = -EIO;

	if (access(cmd_state_path(so), F_OK) != 0 && !given)
		return 0;
	st = cmd_open_state("check", so, STORE_READONLY);
	if (!st || (r = cmd_generation_host("check", st, given, &host)) < 0)
		goto out;
	r = store_generation_last_applied(&g, st, host, &err);
	if (r == -ENOENT && !given) {
		r = 0;
		goto out;
	}
	if (r < 0) {
		cmd_fail("check", "%s", err ? err : strerror(-r));
		goto out;
	}
	r = cmd_generation_want("check", &g, w);
	if (r == 0)
		printf("checking %s against generation %lld (the last applied)\n", g.host,
		       (long long)g.id);
out:
	free(err);
	free(host);
	store_generation_clear(&g);
	store_close(st);
	return r;
}

/* For every adapter above the standard MTU, a don't-fragment echo of its
 * full MTU to its stack's gateway: a smaller path MTU somewhere between
 * them is drift from the profile's jumbo frames. */
int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ 0 },
	};
	struct cmd_state_opts so = CMD_STATE_OPTS_INIT;
	struct cmd_parser p = CMD_PARSER_INIT("check", check_usage, &so, CMD_OPT_STATE);
	struct probe_opts po = PROBE_OPTS_INIT;
	struct kobj_set set = { 0 };
	struct want want = { 0 };
	struct view v = { 0 };
	const char *host = NULL;
	size_t checked = 0, short_paths = 0;
	int c, rc = CMD_EXIT_ERROR;

	while ((c = cmd_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		default: return p.exit;
		}
	}
	if (optind + 1 != argc || strcmp(argv[optind], "mtu") != 0) {
		check_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (check_want(&so, host, &want) < 0)
		goto out;
	if (cmd_read_kernel("check", &set) < 0 || view_build(&v, &set) < 0)
		goto out;
	po.dont_fragment = true;
	po.tries = 2;
	for (size_t i = 0; i < v.n_adapters; i++) {
		const struct view_adapter *a = &v.adapters[i];
		const struct want_link *wl = want.n_links ? want_link(&want, a->link->name) : NULL;
		unsigned mtu = wl && (wl->manage & (1u << WANT_ATTR_MTU)) ? wl->l.mtu : a->link->mtu;
		const struct view_stack *st = NULL;
		const struct hn_addr *src;
		char gw[ADDR_STRLEN];
		int r;

		if (mtu <= 1500)
			continue;
		for (size_t s = 0; s < v.n_stacks; s++)
			if (strcmp(v.stacks[s].name, a->stack) == 0)
				st = &v.stacks[s];
		if (!st || !st->gw4 || !(src = source_of(&v, a, &st->gw4->gateway)))
			continue;
		addr_format(&st->gw4->gateway, false, gw, sizeof(gw));
		checked++;
		if (a->link->mtu < mtu) {
			/* The echo could not leave at the profile's size: say why. */
			short_paths++;
			printf("%-8s MTU %u to %s (stack %s): DRIFT: the adapter's MTU is %u\n",
			       a->link->name, mtu, gw, a->stack, a->link->mtu);
			continue;
		}
		po.size = mtu - 28;   /* IPv4 and ICMP headers */
		r = probe_ping(a->link->name, src, &st->gw4->gateway, &po, NULL);
		if (r == 0) {
			printf("%-8s MTU %u to %s (stack %s): ok\n", a->link->name, mtu, gw, a->stack);
		} else {
			short_paths++;
			printf("%-8s MTU %u to %s (stack %s): DRIFT: %s\n", a->link->name, mtu, gw,
			       a->stack, r == -EMSGSIZE ? "the path MTU is smaller" :
			       r == -ETIMEDOUT ? "no answer at full size (a smaller MTU on the way)"
					       : strerror(-r));
		}
	}
	if (!checked)
		printf("no adapter above MTU 1500 with a gateway to check\n");
	rc = short_paths ? CMD_EXIT_CHANGES : CMD_EXIT_OK;
out:
	want_clear(&want);
	view_clear(&v);
	kobj_set_clear(&set);
	return rc;
}
