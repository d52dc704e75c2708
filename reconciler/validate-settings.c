/* validate: the adapter settings beyond addresses - teaming, security
 * policies, traffic shaping, DHCP and SLAAC. */
#include "validate-private.h"

#include <stdlib.h>
#include <string.h>

#include "sort.h"

#include "units.h"

/* Ethernet header on top of the MTU: a tbf bucket smaller than one frame
 * never lets that frame through. */
#define FRAME_OVERHEAD 14u

/* A list's names sorted, so membership is a binary search: a hostile
 * switch lists tens of thousands of uplinks. */
struct vset {
	const char **v;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool vset_init(struct vctx *c, struct vset *s, const struct profile_strv *v)
{
	s->n = v->n;
	s->v = malloc((v->n ? v->n : 1) * sizeof(*s->v));
	if (!s->v) {
		c->oom = true;
		return false;
	}
	if (v->n)   /* an empty list has no array to copy from */
		memcpy(s->v, v->v, v->n * sizeof(*s->v));
	hn_qsort(s->v, s->n, sizeof(*s->v), cmp_str);
	return true;
}

static bool vset_has(const struct vset *s, const char *name)
{
	return hn_bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str) != NULL;
}

/* Which entries repeat an earlier one: sorted (name, position) pairs put
 * repeats next to their first. */
struct vpos {
	const char *name;
	size_t i;
};

static int cmp_vpos(const void *a, const void *b)
{
	const struct vpos *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : (x->i > y->i) - (x->i < y->i);
}

static bool *repeats(struct vctx *c, const struct profile_strv *v)
{
	struct vpos *p = malloc((v->n ? v->n : 1) * sizeof(*p));
	bool *rep = calloc(v->n ? v->n : 1, sizeof(*rep));

	if (!p || !rep) {
		c->oom = true;
		free(p);
		free(rep);
		return NULL;
	}
	for (size_t i = 0; i < v->n; i++)
		p[i] = (struct vpos){ v->v[i], i };
	hn_qsort(p, v->n, sizeof(*p), cmp_vpos);
	for (size_t i = 1; i < v->n; i++)
		if (strcmp(p[i].name, p[i - 1].name) == 0)
			rep[p[i].i] = true;
	free(p);
	return rep;
}

static void check_members(struct vctx *c, const struct profile_switch *sw,
			  const struct vset *uplinks, const struct profile_strv *v, const char *key,
			  const struct vset *other)
{
	bool *rep = repeats(c, v);

	if (!rep)
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (!vset_has(uplinks, v->v[i]))
			verr(c, &v->loc[i], "teaming.%s: '%s' is not an uplink of switch '%s'", key,
			     v->v[i], vlabel(sw->name));
		if (rep[i])
			verr(c, &v->loc[i], "teaming.%s: '%s' is listed twice", key, v->v[i]);
		if (other && vset_has(other, v->v[i]))
			verr(c, &v->loc[i], "teaming.%s: '%s' is also active; an uplink is either "
			     "active or standby", key, v->v[i]);
	}
	free(rep);
}

static void check_team_lists(struct vctx *c, const struct profile_switch *sw)
{
	const struct profile_teaming *t = &sw->teaming;
	struct vset up = { 0 }, act = { 0 }, stby = { 0 };

	if (!vset_init(c, &up, &sw->uplinks) || !vset_init(c, &act, &t->active) ||
	    !vset_init(c, &stby, &t->standby))
		goto out;
	check_members(c, sw, &up, &t->active, "active", NULL);
	check_members(c, sw, &up, &t->standby, "standby", &act);
	for (size_t i = 0; i < sw->uplinks.n; i++)
		if (!vset_has(&act, sw->uplinks.v[i]) && !vset_has(&stby, sw->uplinks.v[i]))
			verr(c, &sw->uplinks.loc[i], "uplinks: '%s' is in no teaming list of switch "
			     "'%s'; list it under teaming.active or teaming.standby",
			     sw->uplinks.v[i], vlabel(sw->name));
out:
	free(up.v);
	free(act.v);
	free(stby.v);
}

/* Link status is the one detection that works on a switch.  ARP probes
 * (ESXi's beacon probing, as near as Linux gets) were tried on Debian's
 * kernel (tests/kernel/teaming.sh): bond_arp_send_all() sends a probe only
 * where the route to the target leaves through the bond or a device
 * stacked on it, and a switch's addresses are on its adapters (veth ports
 * of the bridge, or macvlans), so no probe goes out and arp_validate marks
 * every uplink down: the team loses its network. */
static void check_detection(struct vctx *c, const struct profile_detection *d)
{
	if (!d->present)
		return;
	if (d->method == PROFILE_DETECTION_ARP)
		verr(c, vloc(&d->method_loc, &d->loc), "teaming.detection.method: arp cannot work on "
		     "a switch: Linux's ARP monitor probes only through the bond or a device on top of "
		     "it, and the switch's addresses are on its adapters, so every uplink would be "
		     "marked down; use method link");
	else if (d->has_targets)
		verr(c, &d->targets_loc, "teaming.detection.targets: method link watches the "
		     "uplinks' link status and sends no probes; remove targets");
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
	check_team_lists(c, sw);
	check_detection(c, &t->detection);
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

bool vstack_has_dhcp(struct vctx *c, const char *stack)
{
	const struct profile *p = c->p;
	long s = stack ? vindex_find(&c->stacks, stack) : -1;

	/* Marked once per pass: asked per gateway and per next hop, a scan
	 * of the adapters each time would be quadratic. */
	if (!c->stack_dhcp) {
		c->stack_dhcp = calloc(p->n_stacks ? p->n_stacks : 1, sizeof(*c->stack_dhcp));
		if (!c->stack_dhcp) {
			c->oom = true;
			return false;
		}
		for (size_t i = 0; i < p->n_adapters; i++) {
			long a = p->adapters[i].stack && p->adapters[i].dhcp4 ?
				 vindex_find(&c->stacks, p->adapters[i].stack) : -1;

			if (a >= 0)
				c->stack_dhcp[a] = true;
		}
	}
	return s >= 0 && c->stack_dhcp[s];
}

bool validate_stack_has_dhcp(const struct profile *p, const char *stack)
{
	for (size_t i = 0; i < p->n_adapters; i++)
		if (p->adapters[i].dhcp4 && p->adapters[i].stack && stack &&
		    strcmp(p->adapters[i].stack, stack) == 0)
			return true;
	return false;
}
