/* svccat: the service catalogue, the inbound ports each VMkernel service
 * needs on a Linux hypervisor host (KVM/libvirt, Ceph, DRBD).
 *
 * The firewall (fw.c) opens these on each adapter tagged with the service;
 * a profile adds ports with firewall.services.<svc>.ports.  Why each port
 * is here, with the projects' own documentation, is in schema/README.md
 * ("Service catalogue"); keep the two together. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

enum svccat_proto {
	SVCCAT_PROTO_TCP,     /* "tcp" */
	SVCCAT_PROTO_UDP,     /* "udp" */
	SVCCAT_PROTO__MAX,
};

/* A port or an inclusive range (lo == hi for one port). */
struct svccat_port {
	enum svccat_proto proto;
	uint16_t lo, hi;
};

const char *svccat_proto_name(enum svccat_proto p);
/* The catalogue's ports of `s`, sorted by (proto, lo, hi); *n = 0 for a
 * client-only service (iscsi, nfs).  Static storage. */
const struct svccat_port *svccat_ports(enum profile_service s, size_t *n);
/* Parses "tcp/22", "udp/4789" or "tcp/49152-49215".  0, or -EINVAL with
 * the reason in *why (static text). */
int svccat_port_parse(struct svccat_port *out, const char *s, const char **why);
/* Total order (proto, lo, hi), for sorting and de-duplication. */
int svccat_port_cmp(const struct svccat_port *a, const struct svccat_port *b);
