/* fw-diff: the firewall in the differ.  Table inet hostnet is hostnet's
 * whole, one object: created, replaced when its text differs (counter
 * values are not in the text), deleted when the profile has no firewall. */
#include "diff-private.h"

#include <string.h>

void diff_firewall(struct dctx *c, const struct want *w, const struct kobj_set *have)
{
	static const struct want_fw gone = { 0 };

	if (have->fw_unknown)
		return;
	if (w->fw.text && !have->fw)
		dctx_add(c, DIFF_OP_CREATE, DIFF_OBJ_FIREWALL, DIFF_STEP_FIREWALL, 0, &w->fw, NULL);
	else if (w->fw.text && strcmp(w->fw.text, have->fw) != 0)
		dctx_add(c, DIFF_OP_MODIFY, DIFF_OBJ_FIREWALL, DIFF_STEP_FIREWALL, 0, &w->fw, &gone);
	else if (!w->fw.text && have->fw)
		dctx_add(c, DIFF_OP_DELETE, DIFF_OBJ_FIREWALL, DIFF_STEP_FIREWALL, 0, NULL, &gone);
}
