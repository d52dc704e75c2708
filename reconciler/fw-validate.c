/* fw-validate: what the firewall needs across the profile (validate.c calls
 * it for host profiles).  Each value alone was checked by fw-profile.c. */
#include "validate-private.h"

#include "fw.h"
#include "svccat.h"

void validate_firewall(struct vctx *c)
{
	const struct profile *p = c->p;
	const struct profile_firewall *fw = &p->firewall;
	uint32_t tagged = 0;

	if (!fw->present)
		return;
	for (size_t i = 0; i < p->n_adapters; i++) {
		const struct profile_adapter *a = &p->adapters[i];

		tagged |= a->services;
		/* The adapter's name is in its counters' names, which nft
		 * takes as identifiers. */
		if (fw->enabled && a->name && !fw_name_ok(a->name))
			verr(c, &a->loc, "adapter '%s': with firewall.enabled the name must start with "
			     "a letter and hold only letters, digits, '_', '-' and '.' (it names the "
			     "adapter's nftables counters)", a->name);
	}
	for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
		const struct profile_fw_service *fs = &fw->services[s];
		const char *name = profile_service_name((enum profile_service)s);
		size_t n;

		if (!fs->present)
			continue;
		if (!(tagged & (1u << s)))
			vwarn(c, &fs->loc, "firewall.services.%s: no adapter has the service '%s', so "
			      "this opens nothing", name, name);
		else if (fs->allow.n && !fs->n_ports && (svccat_ports((enum profile_service)s, &n), n == 0))
			vwarn(c, &fs->allow_loc, "firewall.services.%s: '%s' needs no inbound port (the "
			      "host is a client), so 'allow' opens nothing; add 'ports' to open some",
			      name, name);
	}
}
