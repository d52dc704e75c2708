/* engine-kinds: what each object kind needs around observe, diff and apply.
 * Links, addresses, routes and rules need nothing beyond them; an adapter
 * with 'ipv4: dhcp' needs its client, and with --connectivity-check each
 * stack's gateway must answer.  A new kind (nftables, iSCSI ifaces) adds a
 * row here. */
#include "engine-private.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "dhcp.h"
#include "nft.h"
#include "probe.h"
#include "services-publish.h"

static int dhcp_check(const struct engine_opts *o, const struct want *w)
{
	for (size_t i = 0; i < w->n_links; i++) {
		const char *cap;

		if (!w->links[i].dhcp4)
			continue;
		cap = dhcp_client_missing_cap();
		if (!o->dhcp || !o->dhcp->udhcpc) {
			engine_say(&o->report, ENGINE_EV_FAILURE, "%s: ipv4: dhcp needs the udhcpc client "
				   "(apt-get install udhcpc); nothing was changed", w->links[i].l.name);
			return -EINVAL;
		}
		if (cap) {
			engine_say(&o->report, ENGINE_EV_FAILURE, "%s: ipv4: dhcp needs %s for its client, "
				   "which this process cannot give it; nothing was changed",
				   w->links[i].l.name, cap);
			return -EINVAL;
		}
		break;
	}
	return 0;
}

static int dhcp_settle(struct engine *e, char *msg, size_t size)
{
	return e->o.dhcp ? dhcp_sync(e->o.dhcp, e->d.want, e->o.dhcp_ms, msg, size) : 0;
}

static void dhcp_undo(struct engine *e)
{
	if (e->o.dhcp)
		dhcp_reap(e->o.dhcp);
}

/* The address of `dev` in the want whose subnet holds `ip`, or NULL. */
static const struct hn_addr *source_for(const struct want *w, const char *dev, const struct hn_addr *ip)
{
	for (size_t i = 0; i < w->n_addrs; i++)
		if (strcmp(w->addrs[i].dev, dev) == 0 && addr_in_subnet(&w->addrs[i].a.addr, ip))
			return &w->addrs[i].a.addr;
	return NULL;
}

/* Every gateway must answer from the adapter and address that reach it,
 * through its stack's rules and table: what vMotion or management will do
 * next.  IPv6 addresses may still be in duplicate address detection, during
 * which they cannot be bound: wait for that, a few seconds at most. */
static int gateways_check(struct engine *e, char *msg, size_t size)
{
	struct probe_opts po = PROBE_OPTS_INIT;
	const struct want *w = e->d.want;

	if (!e->o.connectivity)
		return 0;
	for (size_t i = 0; i < w->n_routes; i++) {
		const struct want_route *r = &w->routes[i];
		const struct hn_addr *src;
		char gw[ADDR_STRLEN], sa[ADDR_STRLEN];
		unsigned rtt = 0;
		int err = 0;

		if (r->r.dst.prefixlen || !r->r.gateway.family || !r->dev[0] || r->r.type != RTN_UNICAST)
			continue;
		src = source_for(w, r->dev, &r->r.gateway);
		if (!src)
			continue;
		for (int wait = 0; wait < 30; wait++) {
			err = probe_ping(r->dev, src, &r->r.gateway, &po, &rtt);
			if (err != -EADDRNOTAVAIL)
				break;
			usleep(100000);
		}
		addr_format(&r->r.gateway, false, gw, sizeof(gw));
		addr_format(src, false, sa, sizeof(sa));
		if (err < 0) {
			snprintf(msg, size, "connectivity check: gateway %s (table %u) does not answer "
				 "from %s (%s): %s", gw, r->r.table, r->dev, sa, strerror(-err));
			return err;
		}
		engine_say(&e->o.report, ENGINE_EV_PROGRESS, "connectivity check: gateway %s answers "
			   "from %s (%s) in %.1f ms", gw, r->dev, sa, rtt / 1000.0);
	}
	return 0;
}

/* A profile with a firewall needs nftables: refused before anything is
 * opened when table inet hostnet cannot even be listed (no nf_tables in
 * the kernel, no CAP_NET_ADMIN), rather than applied without it. */
static int firewall_check(const struct engine_opts *o, const struct want *w)
{
	char err[400], *text = NULL;
	int r;

	if (!w->fw.text)
		return 0;
	r = hnft_list(&text, err, sizeof(err));
	free(text);
	if (r < 0) {
		engine_say(&o->report, ENGINE_EV_FAILURE, "%s:%u:%u: firewall: nftables cannot be "
			   "used here (%s); nothing was changed", w->fw.loc.file ? w->fw.loc.file : "?",
			   w->fw.loc.line, w->fw.loc.col, err);
		return -EOPNOTSUPP;
	}
	return 0;
}

const struct engine_kind engine_kinds[] = {
	{ .name = "dhcp", .check = dhcp_check, .settle = dhcp_settle, .also_unchanged = true,
	  .undo = dhcp_undo },
	{ .name = "gateways", .check_after = gateways_check },
	{ .name = "firewall", .check = firewall_check },
};
const size_t engine_n_kinds = sizeof(engine_kinds) / sizeof(*engine_kinds);

void engine_publish_services(const struct engine_report *rep, const struct want *w)
{
	struct services_list l = { 0 };
	char msg[512];

	if (services_from_want(&l, w) < 0)
		snprintf(msg, sizeof(msg), "cannot publish the service endpoints: out of memory");
	else if (services_publish(services_publish_dir(), &l, msg, sizeof(msg)) == 0)
		msg[0] = '\0';
	if (msg[0])
		engine_say(rep, ENGINE_EV_WARNING, "%s", msg);
	services_list_clear(&l);
}
