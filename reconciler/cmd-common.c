#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "nl.h"
#include "observe.h"

static bool same_diag(const struct diag *a, const struct diag *b)
{
	return a->severity == b->severity && a->line == b->line && a->col == b->col &&
	       strcmp(a->msg, b->msg) == 0 &&
	       strcmp(a->file ? a->file : "", b->file ? b->file : "") == 0;
}

void cmd_print_diags(struct diag_list *diags)
{
	diag_sort(diags);
	for (size_t i = 0; i < diags->n; i++) {
		char *s;

		if (i > 0 && same_diag(&diags->v[i - 1], &diags->v[i]))
			continue;
		s = diag_format(&diags->v[i]);
		fprintf(stderr, "%s\n", s ? s : diags->v[i].msg);
		free(s);
	}
	if (diags->truncated)
		fprintf(stderr, "(further problems not shown: more than %zu)\n", diags->n);
}

void cmd_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hostnet %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_read_kernel(const char *cmd, struct kobj_set *out)
{
	struct hnl *nl = NULL;
	int r = hnl_open(&nl);

	if (r < 0) {
		cmd_fail(cmd, "cannot open a netlink socket: %s", strerror(-r));
		return r;
	}
	r = observe_all(out, nl);
	if (r < 0)
		cmd_fail(cmd, "cannot read the kernel's network state: %s%s%s", strerror(-r),
			 *hnl_errmsg(nl) ? ": " : "", hnl_errmsg(nl));
	hnl_close(nl);
	return r;
}
