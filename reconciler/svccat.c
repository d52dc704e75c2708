/* svccat: the service catalogue (see svccat.h and schema/README.md, which
 * cites the documentation behind each entry). */
#include "svccat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TCP(lo, hi) { SVCCAT_PROTO_TCP, (lo), (hi) }

/* ssh: management, image copies and Proxmox-style replication run over it. */
static const struct svccat_port management[] = { TCP(22, 22), TCP(16514, 16514) };
/* libvirtd's remote API (16509 TCP, 16514 TLS) takes the migration request;
 * QEMU's migration stream (and the NBD disk copy of --copy-storage-all)
 * listens on qemu.conf's migration_port_min..max, 49152..49215. */
static const struct svccat_port vmotion[] = {
	TCP(16509, 16509), TCP(16514, 16514), TCP(49152, 49215),
};
static const struct svccat_port provisioning[] = { TCP(22, 22) };
/* Ceph: monitors on 3300 (msgr2) and 6789 (msgr1), OSD/MDS/MGR daemons on
 * the first free ports of 6800..7300. */
static const struct svccat_port vsan[] = { TCP(3300, 3300), TCP(6789, 6789), TCP(6800, 7300) };
/* A stretch cluster's tie-breaker is a monitor only. */
static const struct svccat_port vsan_witness[] = { TCP(3300, 3300), TCP(6789, 6789) };
/* DRBD: one TCP port per resource, 7788 upwards by convention. */
static const struct svccat_port replication[] = { TCP(7788, 7799) };
/* zfs send | ssh (Proxmox's pvesr), rsync over ssh. */
static const struct svccat_port replication_nfc[] = { TCP(22, 22) };

static const struct {
	const struct svccat_port *v;
	size_t n;
} catalogue[PROFILE_SERVICE__MAX] = {
#define ENTRY(s, a) [s] = { a, sizeof(a) / sizeof(*a) }
	ENTRY(PROFILE_SERVICE_MANAGEMENT, management),
	ENTRY(PROFILE_SERVICE_VMOTION, vmotion),
	ENTRY(PROFILE_SERVICE_PROVISIONING, provisioning),
	/* ft: no Linux counterpart with fixed ports (QEMU COLO is set up
	 * per VM); iscsi, nfs: the host is a client, nothing inbound. */
	ENTRY(PROFILE_SERVICE_VSAN, vsan),
	ENTRY(PROFILE_SERVICE_VSAN_WITNESS, vsan_witness),
	ENTRY(PROFILE_SERVICE_REPLICATION, replication),
	ENTRY(PROFILE_SERVICE_REPLICATION_NFC, replication_nfc),
#undef ENTRY
};

static const char *const proto_names[SVCCAT_PROTO__MAX] = { "tcp", "udp" };

const char *svccat_proto_name(enum svccat_proto p)
{
	return (unsigned)p < SVCCAT_PROTO__MAX ? proto_names[p] : "?";
}

const struct svccat_port *svccat_ports(enum profile_service s, size_t *n)
{
	if ((unsigned)s >= PROFILE_SERVICE__MAX) {
		*n = 0;
		return NULL;
	}
	*n = catalogue[s].n;
	return catalogue[s].v;
}

/* A decimal port 1..65535 spanning [s, end). */
static int parse_num(const char *s, const char *end, uint16_t *out)
{
	unsigned long v = 0;

	if (s == end || end - s > 5 || (*s == '0'))
		return -EINVAL;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int svccat_port_parse(struct svccat_port *out, const char *s, const char **why)
{
	const char *slash = strchr(s, '/'), *dash, *end;
	int proto = -1;

	*why = "expected <proto>/<port> or <proto>/<first>-<last>, e.g. tcp/8006 or tcp/49152-49215";
	if (!slash)
		return -EINVAL;
	for (int i = 0; i < SVCCAT_PROTO__MAX; i++)
		if ((size_t)(slash - s) == strlen(proto_names[i]) &&
		    strncmp(s, proto_names[i], (size_t)(slash - s)) == 0)
			proto = i;
	if (proto < 0) {
		*why = "the protocol must be tcp or udp";
		return -EINVAL;
	}
	end = slash + 1 + strlen(slash + 1);
	dash = strchr(slash + 1, '-');
	*why = "a port is a number 1..65535 without leading zeros";
	if (parse_num(slash + 1, dash ? dash : end, &out->lo) < 0)
		return -EINVAL;
	out->hi = out->lo;
	if (dash && parse_num(dash + 1, end, &out->hi) < 0)
		return -EINVAL;
	if (out->hi < out->lo) {
		*why = "a range's first port must not be above its last";
		return -EINVAL;
	}
	out->proto = (enum svccat_proto)proto;
	return 0;
}

int svccat_port_cmp(const struct svccat_port *a, const struct svccat_port *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return 0;
}
