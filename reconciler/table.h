/* table: aligned text tables for terminal output (the `show` commands). */
#pragma once

#include <stdio.h>

struct table;

/* A table with `ncols` columns titled by the NULL-terminated `headers`. */
struct table *table_new(const char *const *headers);
/* Accepts NULL. Returns NULL. */
struct table *table_free(struct table *t);
/* Appends a row of ncols strings (copied; NULL prints "-").  0 or -ENOMEM. */
int table_add(struct table *t, const char *const *cells);
/* Prints the header and rows, columns padded to their widest cell. */
void table_print(const struct table *t, FILE *f);
