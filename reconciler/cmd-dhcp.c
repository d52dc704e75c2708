/* The DHCP client's script: udhcpc runs this program with the event as its
 * only argument (dhcp.h says why and what a lease becomes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "esc.h"
#include "dhcp.h"
#include "nl.h"

static const char *env(const char *name)
{
	return getenv(name);
}

static const char *env_or_empty(const char *name)
{
	const char *v = getenv(name);

	return v ? v : "";
}

int cmd_dhcp_hook(const char *event)
{
	struct dhcp_lease l;
	struct dhcp_route_opts ro;
	struct hnl *nl = NULL;
	int r;

	if (dhcp_lease_from_env(&l, &ro, env) < 0) {
		esc_line(stderr, "hostnet dhcp-hook %s: malformed lease from udhcpc (interface=%s "
			"ip=%s mask=%s router=%s lease=%s)", event, env_or_empty("interface"),
			env_or_empty("ip"), env_or_empty("mask"), env_or_empty("router"),
			env_or_empty("lease"));
		return CMD_EXIT_ERROR;
	}
	r = hnl_open(&nl);
	if (r == 0)
		r = dhcp_hook_run(nl, event, &l, &ro);
	if (r < 0)
		esc_line(stderr, "hostnet dhcp-hook %s %s: %s%s%s", event, l.ifname, strerror(-r),
			nl && *hnl_errmsg(nl) ? ": " : "", nl ? hnl_errmsg(nl) : "");
	else if (l.addr.family && (strcmp(event, "bound") == 0 || strcmp(event, "renew") == 0))
		esc_line(stderr, "hostnet dhcp-hook: %s %s: lease of %u s, table %u", l.ifname, event,
			l.lease_s, ro.table);
	hnl_close(nl);
	return r < 0 ? CMD_EXIT_ERROR : CMD_EXIT_OK;
}
