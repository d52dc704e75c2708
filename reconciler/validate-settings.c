/* validate: the adapter settings beyond addresses - teaming, security
 * policies, traffic shaping, DHCP and SLAAC. */
#include "validate-private.h"

#include <string.h>

#include "units.h"

/* Ethernet header on top of the MTU: a tbf bucket smaller than one frame
 * never lets that frame through. */
#define FRAME_OVERHEAD 14u

static bool strv_has(const struct profile_strv *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], name) == 0)
			return true;
	return false;
}

static void check_members(struct vctx *c, const struct profile_switch *sw,
			  const struct profile_strv *v, const char *key, const struct profile_strv *other)
{
	for (size_t i = 0; i < v->n; i++) {
		if (!strv_has(&sw->uplinks, v->v[i]))
			verr(c, &v->loc[i], "teaming.%s: '%s' is not an uplink of switch '%s'", key,
			     v->v[i], vlabel(sw->name));
		for (size_t j = 0; j < i; j++)
			if (strcmp(v->v[i], v->v[j]) == 0)
				verr(c, &v->loc[i], "teaming.%s: '%s' is listed twice", key, v->v[i]);
		if (other && strv_has(other, v->v[i]))
			verr(c, &v->loc[i], "teaming.%s: '%s' is also active; an uplink is either "
			     "active or standby", key, v->v[i]);
	}
}

static void check_teaming(struct vctx *c, const struct profile_switch *sw)
{
	const struct profile_teaming *t = &sw->teaming;

	if (!t->present)
		return;
	if (sw->name && strlen(sw->name) + strlen(PROFILE_BOND_SUFFIX) > 15)
		verr(c, &t->loc, "teaming: the bond of switch '%s' is named '%s%s', longer than "
		     "Linux's 15 characters; shorten the switch name", sw->name, sw->name,
		     PROFILE_BOND_SUFFIX);
	check_members(c, sw, &t->active, "active", NULL);
	check_members(c, sw, &t->standby, "standby", &t->active);
	for (size_t i = 0; i < sw->uplinks.n; i++)
		if (!strv_has(&t->active, sw->uplinks.v[i]) && !strv_has(&t->standby, sw->uplinks.v[i]))
			verr(c, &sw->uplinks.loc[i], "uplinks: '%s' is in no teaming list of switch "
			     "'%s'; list it under teaming.active or teaming.standby",
			     sw->uplinks.v[i], vlabel(sw->name));
	if (!t->policy_loc.file)
		return;   /* a policy that did not parse is reported already */
	switch (t->policy) {
	case PROFILE_TEAMING_FAILOVER:
		/* An active-backup bond carries traffic on one member at a time. */
		if (t->active.n != 1)
			verr(c, vloc(&t->active_loc, &t->loc), "teaming.active: policy failover has "
			     "exactly one active uplink (the others are standby), got %zu",
			     t->active.n);
		break;
	case PROFILE_TEAMING_LOADBALANCE:
		if (t->standby.n)
			verr(c, &t->standby_loc, "teaming.standby: policy loadbalance uses every "
			     "uplink; move the standby uplinks to active or use policy failover");
		if (t->active.n < 1)
			verr(c, vloc(&t->active_loc, &t->loc), "teaming.active: policy loadbalance "
			     "needs at least one active uplink");
		break;
	case PROFILE_TEAMING__MAX:
		break;
	}
}

static void check_shaping(struct vctx *c, const struct profile_adapter *a)
{
	const struct profile_shaping *sh = &a->shaping;
	char b1[32], b2[32];

	if (!sh->present)
		return;
	if (sh->average_loc.file && sh->average < 8)
		verr(c, &sh->average_loc, "shaping.average: %s is below the smallest rate (8bit, "
		     "one byte a second)", units_format_rate(sh->average, b1, sizeof(b1)));
	if (sh->peak_loc.file && sh->average_loc.file && sh->peak < sh->average)
		verr(c, &sh->peak_loc, "shaping.peak: %s is below average %s; peak bandwidth is at "
		     "least the average", units_format_rate(sh->peak, b1, sizeof(b1)),
		     units_format_rate(sh->average, b2, sizeof(b2)));
	if (sh->burst_loc.file && sh->burst < a->mtu + FRAME_OVERHEAD)
		verr(c, &sh->burst_loc, "shaping.burst: %s is smaller than one frame of this "
		     "adapter (MTU %u + %u bytes of Ethernet header); no frame would pass",
		     units_format_size(sh->burst, b1, sizeof(b1)), a->mtu, FRAME_OVERHEAD);
	if (sh->burst > UINT32_MAX)
		verr(c, &sh->burst_loc, "shaping.burst: at most 4gb (the kernel's tbf counts the "
		     "bucket in 32 bits)");
}

void validate_settings(struct vctx *c)
{
	const struct profile *p = c->p;

	for (size_t i = 0; i < p->n_switches; i++)
		check_teaming(c, &p->switches[i]);
	for (size_t i = 0; i < p->n_adapters; i++)
		check_shaping(c, &p->adapters[i]);
}

bool validate_stack_has_dhcp(const struct profile *p, const char *stack)
{
	for (size_t i = 0; i < p->n_adapters; i++)
		if (p->adapters[i].dhcp4 && p->adapters[i].stack && stack &&
		    strcmp(p->adapters[i].stack, stack) == 0)
			return true;
	return false;
}
