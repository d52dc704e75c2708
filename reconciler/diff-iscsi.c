/* diff-iscsi: open-iscsi iface records, desired (one per adapter tagged
 * iscsi, in the want's name order) against observed (the hostnet-* files,
 * sorted by adapter): one merge walk.  A record that is not exactly what
 * hostnet writes (edited by hand) is rewritten. */
#include <string.h>

#include "diff-private.h"
#include "iscsi.h"

void diff_iscsi(struct dctx *c, const struct want *w, const struct kobj_set *have)
{
	size_t i = 0, j = 0, nw = w ? w->n_links : 0;

	/* Not managed here (no open-iscsi, or turned off): nothing to compare. */
	if (!have->iscsi_managed)
		return;
	while (i < nw || j < have->n_iscsi) {
		const struct want_link *l = i < nw ? &w->links[i] : NULL;
		const struct kobj_iscsi *o = j < have->n_iscsi ? &have->iscsi[j] : NULL;
		struct want_link gone = { 0 };
		int cmp;

		if (l && !iscsi_wanted(l)) {
			i++;
			continue;
		}
		cmp = !l ? 1 : !o ? -1 : strcmp(l->l.name, o->adapter);
		if (o && cmp >= 0)
			memcpy(gone.l.name, o->adapter, sizeof(gone.l.name));
		if (cmp < 0)
			dctx_add(c, DIFF_OP_CREATE, DIFF_OBJ_ISCSI, DIFF_STEP_ISCSI, 0, l, NULL);
		else if (cmp > 0)
			dctx_add(c, DIFF_OP_DELETE, DIFF_OBJ_ISCSI, DIFF_STEP_ISCSI, 0, NULL, &gone);
		else if (!o->exact)
			dctx_add(c, DIFF_OP_MODIFY, DIFF_OBJ_ISCSI, DIFF_STEP_ISCSI, 0, l, &gone);
		i += cmp <= 0;
		j += cmp >= 0;
	}
}
