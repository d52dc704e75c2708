/* jread: the first error of a JSON reader (want-json.c, kobj-json.c):
 * later ones are consequences and are dropped. */
#pragma once

#include <stdarg.h>

struct jread {
	char **err;   /* where the message goes (malloc'd); may be NULL */
	int r;        /* 0, or the first failure's negative errno */
};

__attribute__((format(printf, 2, 0)))
void jread_vfail(struct jread *j, const char *fmt, va_list ap);
