/* mark: the ownership marker hostnet writes on the links it creates.
 *
 * The interface alias (IFLA_IFALIAS) survives restarts of hostnet and is
 * shown by `ip link`, so it says what a link is for, the way ESXi tags a vmk:
 *   hostnet:adapter services=management,vmotion stack=vmotion
 *   hostnet:port adapter=vmk1          (the bridge-side veth peer of vmk1)
 *   hostnet:switch                     (a bridge realizing a virtual switch)
 *   hostnet:vrf stack=storage          (the VRF device of a stack)
 * Together with the link group KOBJ_LINK_GROUP it makes a link hostnet's:
 * realize.c writes it, observers read it back here. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kobj.h"

enum mark_role {
	MARK_ROLE_ADAPTER,   /* a VMkernel adapter (veth end or macvlan) */
	MARK_ROLE_PORT,      /* the bridge-side veth peer of an adapter */
	MARK_ROLE_SWITCH,    /* a bridge */
	MARK_ROLE_VRF,       /* the VRF device of a stack */
	MARK_ROLE_BOND,      /* the bond of a teamed switch */
	MARK_ROLE__MAX,
};

struct mark {
	enum mark_role role;
	uint32_t services;                  /* adapters: 1u << enum profile_service */
	char stack[KOBJ_IFNAMSIZ];          /* adapters and VRFs; "" = default */
	char adapter[KOBJ_IFNAMSIZ];        /* ports */
};

const char *mark_role_name(enum mark_role r);

/* Writes the alias text; -ENOSPC when it does not fit in `size`. */
int mark_format(char *buf, size_t size, const struct mark *m);
/* Parses an alias; -EINVAL when it is not a hostnet marker (then the link is
 * not hostnet's, whatever its group).  Unknown keys are ignored, so a newer
 * hostnet's markers still read. */
int mark_parse(struct mark *out, const char *alias);
