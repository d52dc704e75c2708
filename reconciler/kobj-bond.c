/* kobj-bond: a bond's failure detection, compared and shown (kobj.h). */
#include "kobj.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = ntohl(*(const uint32_t *)a), y = ntohl(*(const uint32_t *)b);

	return x < y ? -1 : x > y;
}

void kobj_bond_mon_sort(struct kobj_bond_mon *m)
{
	if (m->n_targets > KOBJ_BOND_ARP_TARGETS)
		m->n_targets = KOBJ_BOND_ARP_TARGETS;
	qsort(m->targets, m->n_targets, sizeof(m->targets[0]), cmp_u32);
	/* Unused slots are zero, so that memcmp-like checks and blobs agree. */
	memset(m->targets + m->n_targets, 0,
	       sizeof(m->targets[0]) * (KOBJ_BOND_ARP_TARGETS - m->n_targets));
}

bool kobj_bond_mon_equal(const struct kobj_bond_mon *a, const struct kobj_bond_mon *b)
{
	return a->miimon == b->miimon && a->arp_interval == b->arp_interval &&
	       a->arp_validate == b->arp_validate && a->n_targets == b->n_targets &&
	       memcmp(a->targets, b->targets, sizeof(a->targets[0]) * a->n_targets) == 0;
}

bool kobj_bond_mon_is_zero(const struct kobj_bond_mon *m)
{
	return !m->miimon && !m->arp_interval && !m->arp_validate && !m->n_targets;
}

const char *kobj_bond_mon_format(const struct kobj_bond_mon *m, char *buf, size_t size)
{
	size_t n;

	if (m->arp_interval) {
		n = (size_t)snprintf(buf, size, "ARP to");
		for (size_t i = 0; i < m->n_targets && n < size; i++) {
			char ip[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &m->targets[i], ip, sizeof(ip));
			n += (size_t)snprintf(buf + n, size - n, " %s", ip);
		}
		if (n < size)
			snprintf(buf + n, size - n, " every %u ms%s", m->arp_interval,
				 m->arp_validate == KOBJ_BOND_ARP_VALIDATE_ALL ? "" : " (not validated)");
	} else if (m->miimon) {
		snprintf(buf, size, "link status every %u ms", m->miimon);
	} else {
		snprintf(buf, size, "no link monitoring");
	}
	return buf;
}
