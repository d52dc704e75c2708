/* plan: the lines describing adapter settings (shaping, port security,
 * router advertisements, bonds, DHCP) under a link action. */
#include "plan-private.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

static const char *qdisc_text(const struct want_link *w, char *buf, size_t size)
{
	const struct kobj_link *l = &w->l;
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

static const char *brport_text(const struct want_link *w, char *buf, size_t size)
{
	const struct kobj_link *l = &w->l;

	if (!l->is_brport)
		return "not a bridge port";
	snprintf(buf, size, "learning %s, unicast flood %s, %s",
		 l->brport & (1u << KOBJ_BRPORT_LEARNING) ? "on" : "off",
		 l->brport & (1u << KOBJ_BRPORT_FLOOD) ? "on" : "off",
		 l->brport & (1u << KOBJ_BRPORT_LOCKED) ? "locked" : "unlocked");
	return buf;
}

static const char *fdb_text(const struct want_link *w, char *buf, size_t size)
{
	const struct kobj_link *l = &w->l;
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

static const char *ra_text(const struct want_link *w, char *buf, size_t size)
{
	const struct kobj_link *l = &w->l;

	if (!l->has_ra)
		return "unknown";
	snprintf(buf, size, "accept_ra %u, autoconf %u, accept_ra_defrtr %u", l->accept_ra,
		 l->autoconf, l->accept_ra_defrtr);
	return buf;
}

static const char *arp_text(const struct want_link *w, char *buf, size_t size)
{
	const struct kobj_link *l = &w->l;

	if (!l->has_arp)
		return "unknown";
	snprintf(buf, size, "arp_ignore %u, arp_announce %u, rp_filter %u", l->arp_ignore,
		 l->arp_announce, l->rp_filter);
	return buf;
}

/* hostnet's setting for every adapter and switch: said in the README,
 * not under each new link. */
static bool never(const struct want_link *w)
{
	return false;
}

static bool has_qdisc(const struct want_link *w)
{
	return w->l.qdisc[0] != '\0';
}

static bool port_not_default(const struct want_link *w)
{
	return w->l.brport != KOBJ_BRPORT_DEFAULTS;
}

static bool has_fdb(const struct want_link *w)
{
	return w->l.n_fdb != 0;
}

static bool accepts_ras(const struct want_link *w)
{
	return w->l.accept_ra != 0;
}

static const char *bond_text(const struct want_link *l, char *buf, size_t size)
{
	char mon[160];

	snprintf(buf, size, "%s%s%s, %s",
		 kobj_bond_mode_name(l->l.bond_mode) ? kobj_bond_mode_name(l->l.bond_mode) : "other mode",
		 l->primary[0] ? ", primary " : "", l->primary,
		 kobj_bond_mon_format(&l->l.bond_mon, mon, sizeof(mon)));
	return buf;
}

static const char *brvlan_text(const struct want_link *l, char *buf, size_t size)
{
	if (!l->l.has_brvlan)
		return snprintf(buf, size, "none"), buf;
	return kobj_brvlan_format(&l->l.brvlan, buf, size);
}

/* One line per setting: "label: new" under a new link (only where the
 * setting says something beyond Linux's defaults), "label: old -> new"
 * under a changed one. */
static const struct setting {
	enum want_attr attr;
	const char *label;
	const char *(*text)(const struct want_link *w, char *buf, size_t size);
	bool (*on_create)(const struct want_link *w);
} settings[] = {
	{ WANT_ATTR_SHAPING, "shaping", qdisc_text, has_qdisc },
	{ WANT_ATTR_BRPORT, "port", brport_text, port_not_default },
	{ WANT_ATTR_FDB, "static fdb", fdb_text, has_fdb },
	{ WANT_ATTR_RA, "ipv6 ra", ra_text, accepts_ras },
	{ WANT_ATTR_ARP, "arp", arp_text, never },
	{ WANT_ATTR_BOND, "bond", bond_text, NULL },
	/* A new port's VLAN is said by its "vlan:" line already. */
	{ WANT_ATTR_BRVLAN, "vlans", brvlan_text, never },
};

void plan_settings_details(const struct diff *d, const struct diff_action *a,
			   void (*emit)(void *, const char *), void *arg)
{
	static const struct want_link none;
	const struct want_link *to = diff_action_to_link(d, a), *from = diff_action_from_link(d, a);
	char line[700], x[256], y[256];
	bool create = a->op == DIFF_OP_CREATE;
	uint32_t show;

	if (a->op == DIFF_OP_DELETE || !to)
		return;
	if (!from)
		from = &none;
	/* A new link shows the settings it gets; a changed one, what changes. */
	show = create ? to->manage : a->changed;
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const struct setting *st = &settings[i];

		if (!(show & 1u << st->attr) || (create && st->on_create && !st->on_create(to)))
			continue;
		if (create)
			snprintf(line, sizeof(line), "%s: %s", st->label, st->text(to, x, sizeof(x)));
		else
			snprintf(line, sizeof(line), "%s: %s -> %s", st->label,
				 st->text(from, x, sizeof(x)), st->text(to, y, sizeof(y)));
		emit(arg, line);
	}
	if (show & 1u << WANT_ATTR_DHCP)
		emit(arg, create ? "ipv4: dhcp (a client is started and its lease awaited)"
				 : "dhcp: no lease -> lease (the client is started or asked to renew)");
}
