/* kobj-brvlan: a bridge port's VLANs, built, compared and shown (kobj.h). */
#include "kobj.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int kobj_brvlan_add(struct kobj_brvlan *v, uint16_t vid, bool pvid)
{
	uint8_t i = 0;

	if (vid == 0 || vid > 4094)
		return -EINVAL;
	if (pvid) {
		v->pvid = vid;
		/* The PVID is kept apart: drop it from the tagged list. */
		for (i = 0; i < v->n && v->vids[i] != vid; i++)
			;
		if (i < v->n) {
			memmove(v->vids + i, v->vids + i + 1, sizeof(v->vids[0]) * (v->n - i - 1));
			v->vids[--v->n] = 0;
		}
		return 0;
	}
	if (vid == v->pvid)
		return 0;
	while (i < v->n && v->vids[i] < vid)
		i++;
	if (i < v->n && v->vids[i] == vid)
		return 0;
	if (v->n >= KOBJ_BRVLAN_MAX)
		return -ENOSPC;
	memmove(v->vids + i + 1, v->vids + i, sizeof(v->vids[0]) * (v->n - i));
	v->vids[i] = vid;
	v->n++;
	return 0;
}

bool kobj_brvlan_equal(const struct kobj_brvlan *a, const struct kobj_brvlan *b)
{
	return a->pvid == b->pvid && a->n == b->n &&
	       memcmp(a->vids, b->vids, sizeof(a->vids[0]) * a->n) == 0;
}

const char *kobj_brvlan_format(const struct kobj_brvlan *v, char *buf, size_t size)
{
	size_t n = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	if (v->pvid)
		n += (size_t)snprintf(buf, size, "PVID %u", v->pvid);
	if (v->n && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%stagged", n ? ", " : "");
	for (uint8_t i = 0; i < v->n && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, " %u", v->vids[i]);
	if (!buf[0])
		snprintf(buf, size, "none");
	return buf;
}
