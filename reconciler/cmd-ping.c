/* hostnet ping: vmkping for Linux: ICMP echo from one VMkernel adapter
 * through its stack; and hostnet check mtu, the jumbo-frame path test
 * for every adapter. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd.h"
#include "esc.h"
#include "kobj.h"
#include "probe.h"
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
		   "rules and table, like vmkping.  -d sets don't-fragment, so\n"
		   "  hostnet ping -I vmk1 -d -s 8972 198.51.100.1\n"
		   "proves jumbo frames end to end.  Exit 0 when DEST answered.\n");
}

int cmd_ping(int argc, char **argv)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
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
	optind = 1;
	while ((c = getopt_long(argc, argv, "I:S:ds:c:W:h", longopts, NULL)) != -1) {
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
		case 'h': usage(stdout); return CMD_EXIT_OK;
		default: usage(stderr); return CMD_EXIT_ERROR;
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
	esc_line(stdout, "PING %s from %s (%s) stack %s: %zu data bytes%s", dbuf, a->link->name, sbuf, a->stack,
	       po.size, po.dont_fragment ? ", don't fragment" : "");
	for (unsigned i = 0; i < count; i++) {
		unsigned rtt = 0;
		int r = probe_ping(a->link->name, src, &dst, &po, &rtt);

		if (r == 0) {
			esc_line(stdout, "%zu bytes from %s: icmp_seq=%u time=%.3f ms", po.size + 8, dbuf, i + 1,
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

/* For every adapter above the standard MTU, a don't-fragment echo of its
 * full MTU to its stack's gateway: a smaller path MTU somewhere between
 * them is drift from the profile's jumbo frames. */
int cmd_check(int argc, char **argv)
{
	struct probe_opts po = PROBE_OPTS_INIT;
	struct kobj_set set = { 0 };
	struct view v = { 0 };
	size_t checked = 0, short_paths = 0;
	int rc = CMD_EXIT_ERROR;

	if (argc != 2 || strcmp(argv[1], "mtu") != 0) {
		fprintf(stderr, "usage: hostnet check mtu\n"
				"\nPings each stack's gateway from every adapter with an MTU above 1500,\n"
				"with don't-fragment and the adapter's full MTU.  Exit 2 when a path\n"
				"is narrower than the adapter (drift), 1 on error, 0 when all fit.\n");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR;
	}
	if (cmd_read_kernel("check", &set) < 0 || view_build(&v, &set) < 0)
		goto out;
	po.dont_fragment = true;
	po.tries = 2;
	for (size_t i = 0; i < v.n_adapters; i++) {
		const struct view_adapter *a = &v.adapters[i];
		const struct view_stack *st = NULL;
		const struct hn_addr *src;
		char gw[ADDR_STRLEN];
		int r;

		if (a->link->mtu <= 1500)
			continue;
		for (size_t s = 0; s < v.n_stacks; s++)
			if (strcmp(v.stacks[s].name, a->stack) == 0)
				st = &v.stacks[s];
		if (!st || !st->gw4 || !(src = source_of(&v, a, &st->gw4->gateway)))
			continue;
		po.size = a->link->mtu - 28;   /* IPv4 and ICMP headers */
		r = probe_ping(a->link->name, src, &st->gw4->gateway, &po, NULL);
		addr_format(&st->gw4->gateway, false, gw, sizeof(gw));
		checked++;
		if (r == 0) {
			esc_line(stdout, "%-8s MTU %u to %s (stack %s): ok", a->link->name, a->link->mtu, gw, a->stack);
		} else {
			short_paths++;
			esc_line(stdout, "%-8s MTU %u to %s (stack %s): DRIFT: %s", a->link->name, a->link->mtu, gw,
			       a->stack, r == -EMSGSIZE ? "the path MTU is smaller" :
			       r == -ETIMEDOUT ? "no answer at full size (a smaller MTU on the way)"
					       : strerror(-r));
		}
	}
	if (!checked)
		printf("no adapter above MTU 1500 with a gateway to check\n");
	rc = short_paths ? CMD_EXIT_CHANGES : CMD_EXIT_OK;
out:
	view_clear(&v);
	kobj_set_clear(&set);
	return rc;
}
