/* plan: the lines describing adapter settings (shaping, port security,
 * router advertisements, bonds, DHCP) under a link action. */
#include "plan-private.h"

#include <stdio.h>
#include <string.h>

#include "units.h"

static const char *qdisc_text(const struct kobj_link *l, char *buf, size_t size)
{
	char avg[32], peak[32], burst[32];

	if (!l->qdisc[0])
		return "none (the device's default qdisc)";
	if (strcmp(l->qdisc, "tbf") != 0 || l->qdisc_handle != KOBJ_QDISC_HANDLE) {
		snprintf(buf, size, "%s qdisc %x: (not hostnet's)", l->qdisc, l->qdisc_handle >> 16);
		return buf;
	}
	snprintf(buf, size, "average %s, peak %s, burst %s",
		 units_format_rate(l->shaping.rate * 8, avg, sizeof(avg)),
		 l->shaping.peak ? units_format_rate(l->shaping.peak * 8, peak, sizeof(peak)) : "-",
		 units_format_size(l->shaping.burst, burst, sizeof(burst)));
	return buf;
}

static const char *brport_text(const struct kobj_link *l, char *buf, size_t size)
{
	if (!l->is_brport)
		return "not a bridge port";
	snprintf(buf, size, "learning %s, unicast flood %s, %s",
		 l->brport & (1u << KOBJ_BRPORT_LEARNING) ? "on" : "off",
		 l->brport & (1u << KOBJ_BRPORT_FLOOD) ? "on" : "off",
		 l->brport & (1u << KOBJ_BRPORT_LOCKED) ? "locked" : "unlocked");
	return buf;
}

static const char *fdb_text(const struct kobj_link *l, char *buf, size_t size)
{
	char mac[ADDR_MAC_STRLEN];

	if (l->n_fdb == 0)
		return "none";
	addr_format_mac(&l->fdb, mac, sizeof(mac));
	if (l->n_fdb == 1)
		snprintf(buf, size, "%s", mac);
	else
		snprintf(buf, size, "%u entries (%s, ...)", l->n_fdb, mac);
	return buf;
}

static const char *ra_text(const struct kobj_link *l, char *buf, size_t size)
{
	if (!l->has_ra)
		return "unknown";
	snprintf(buf, size, "accept_ra %u, autoconf %u, accept_ra_defrtr %u", l->accept_ra,
		 l->autoconf, l->accept_ra_defrtr);
	return buf;
}

static const char *bond_text(const struct want_link *l, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s",
		 kobj_bond_mode_name(l->l.bond_mode) ? kobj_bond_mode_name(l->l.bond_mode) : "other mode",
		 l->primary[0] ? ", primary " : "", l->primary);
	return buf;
}

#define EMIT(...) do { snprintf(line, sizeof(line), __VA_ARGS__); emit(arg, line); } while (0)

void plan_settings_details(const struct diff_action *a, void (*emit)(void *, const char *),
			   void *arg)
{
	const struct want_link *to = &a->to.link, *from = &a->from.link;
	char line[700], x[256], y[256];
	uint32_t show;

	if (a->op == DIFF_OP_DELETE)
		return;
	/* A new link shows the settings it gets; a changed one, what changes. */
	show = a->op == DIFF_OP_CREATE ? to->manage : a->changed;
	if ((show & 1u << WANT_ATTR_SHAPING) && (a->op == DIFF_OP_MODIFY || to->l.qdisc[0])) {
		if (a->op == DIFF_OP_CREATE)
			EMIT("shaping: %s", qdisc_text(&to->l, x, sizeof(x)));
		else
			EMIT("shaping: %s -> %s", qdisc_text(&from->l, x, sizeof(x)),
			     qdisc_text(&to->l, y, sizeof(y)));
	}
	if ((show & 1u << WANT_ATTR_BRPORT) &&
	    (a->op == DIFF_OP_MODIFY || to->l.brport != (1u << KOBJ_BRPORT_LEARNING | 1u << KOBJ_BRPORT_FLOOD))) {
		if (a->op == DIFF_OP_CREATE)
			EMIT("port: %s", brport_text(&to->l, x, sizeof(x)));
		else
			EMIT("port: %s -> %s", brport_text(&from->l, x, sizeof(x)),
			     brport_text(&to->l, y, sizeof(y)));
	}
	if ((show & 1u << WANT_ATTR_FDB) && (a->op == DIFF_OP_MODIFY || to->l.n_fdb)) {
		if (a->op == DIFF_OP_CREATE)
			EMIT("static fdb: %s", fdb_text(&to->l, x, sizeof(x)));
		else
			EMIT("static fdb: %s -> %s", fdb_text(&from->l, x, sizeof(x)),
			     fdb_text(&to->l, y, sizeof(y)));
	}
	if ((show & 1u << WANT_ATTR_RA) && (a->op == DIFF_OP_MODIFY || to->l.accept_ra)) {
		if (a->op == DIFF_OP_CREATE)
			EMIT("ipv6 ra: %s", ra_text(&to->l, x, sizeof(x)));
		else
			EMIT("ipv6 ra: %s -> %s", ra_text(&from->l, x, sizeof(x)),
			     ra_text(&to->l, y, sizeof(y)));
	}
	if (show & 1u << WANT_ATTR_BOND) {
		if (a->op == DIFF_OP_CREATE)
			EMIT("bond: %s", bond_text(to, x, sizeof(x)));
		else
			EMIT("bond: %s -> %s", bond_text(from, x, sizeof(x)), bond_text(to, y, sizeof(y)));
	}
	if (show & 1u << WANT_ATTR_DHCP)
		EMIT(a->op == DIFF_OP_CREATE ? "ipv4: dhcp (a client is started and its lease awaited)"
					     : "dhcp: no lease -> lease (the client is started or asked to renew)");
}
