#include "jread.h"

#include <errno.h>
#include <stdio.h>

void jread_vfail(struct jread *j, const char *fmt, va_list ap)
{
	if (j->r)
		return;
	j->r = -EINVAL;
	if (j->err && vasprintf(j->err, fmt, ap) < 0)
		*j->err = NULL;
}
