/* validate: VMware's best practices for VMkernel networking.
 *
 * Only a missing management adapter is an error (the host would be
 * unreachable); the rest are warnings a reviewer should see. */
#include <stdio.h>
#include <string.h>

#include "validate-private.h"

#define JUMBO_MTU 9000u

static bool has(const struct profile_adapter *a, enum profile_service s)
{
	return a->services & (1u << s);
}

static void services_list(const struct profile_adapter *a, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
		if (!has(a, (enum profile_service)s))
			continue;
		if (buf[0])
			strncat(buf, ", ", size - strlen(buf) - 1);
		strncat(buf, profile_service_name((enum profile_service)s), size - strlen(buf) - 1);
	}
}

static void check_adapter(struct vctx *c, const struct profile_adapter *a, bool vmotion_stack)
{
	static const enum profile_service jumbo[] = { PROFILE_SERVICE_VMOTION, PROFILE_SERVICE_VSAN };
	char list[256];

	if (__builtin_popcount(a->services) > 1) {
		services_list(a, list, sizeof(list));
		vwarn(c, vloc(&a->services_loc, &a->loc), "adapter '%s' mixes services (%s); "
		      "VMware recommends one service per VMkernel adapter", vlabel(a->name), list);
	}
	if (vmotion_stack && has(a, PROFILE_SERVICE_VMOTION) && a->stack &&
	    strcmp(a->stack, PROFILE_DEFAULT_STACK) == 0)
		vwarn(c, vloc(&a->stack_loc, &a->service_loc[PROFILE_SERVICE_VMOTION]),
		      "adapter '%s' carries vmotion on the default stack although a 'vmotion' "
		      "stack exists; put it there to keep vMotion in its own routing table",
		      vlabel(a->name));
	for (size_t i = 0; i < sizeof(jumbo) / sizeof(*jumbo); i++) {
		if (!has(a, jumbo[i]) || a->mtu >= JUMBO_MTU)
			continue;
		vwarn(c, vloc(&a->mtu_loc, &a->loc), "adapter '%s' carries %s with MTU %u; use %u "
		      "(jumbo frames) end to end", vlabel(a->name), profile_service_name(jumbo[i]), a->mtu,
		      JUMBO_MTU);
	}
}

void validate_practice(struct vctx *c)
{
	const struct profile *p = c->p;
	bool management = false;
	bool vmotion_stack = vindex_find(&c->stacks, "vmotion") >= 0;

	for (size_t i = 0; i < p->n_adapters; i++) {
		management |= has(&p->adapters[i], PROFILE_SERVICE_MANAGEMENT);
		check_adapter(c, &p->adapters[i], vmotion_stack);
	}
	if (!management)
		verr(c, vloc(&p->host_loc, &p->loc), "no adapter carries the 'management' service; "
		     "a host needs one to stay manageable");
	for (size_t i = 0; i < p->n_switches; i++) {
		const struct profile_switch *s = &p->switches[i];

		if (s->uplinks.n < 2)
			vwarn(c, &s->loc, "switch '%s' has %zu uplink%s; add a second for redundancy",
			      vlabel(s->name), s->uplinks.n, s->uplinks.n == 1 ? "" : "s");
	}
}
