/* plan: a diff shown to people and programs: text like `terraform plan`,
 * JSON, and Markdown for pull-request comments.  Formatting only. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "diff.h"

struct plan_meta {
	const char *host;
	const char *source;         /* where the profile came from: "main:hosts/esx01.yaml" */
	const char *commit;         /* NULL for files */
	const char *profile_hash;   /* hash of the realized want */
};

/* One line describing the object of an action: "link vs0 (bridge)",
 * "address 192.0.2.10/24 on vmk0", "route default via 192.0.2.1 dev vmk0
 * table main", "rule from 198.51.100.10/32 lookup 100 priority 10000".
 * `a` is one of d's actions. */
void plan_describe(const struct diff *d, const struct diff_action *a, char *buf, size_t size);

/* Terraform-style text; colour only when asked (a terminal, no NO_COLOR). */
void plan_print_text(FILE *f, const struct diff *d, const struct plan_meta *m, bool color);
/* "Plan: 3 to add, 1 to change, 0 to destroy." or "No changes. ...". */
void plan_summary(const struct diff *d, char *buf, size_t size);
/* A JSON object (json_decref); NULL on ENOMEM. */
json_t *plan_to_json(const struct diff *d, const struct plan_meta *m);
/* The same document written as it is made, each action when formatted (a
 * plan of 100,000 routes needs the memory of one action); `more` (NULL:
 * none) adds its members after "actions".  No final newline.  0, -ENOMEM,
 * -EIO; after an error the output is cut short. */
int plan_print_json(FILE *f, const struct diff *d, const struct plan_meta *m, const json_t *more);
/* One host's section of a Markdown comment. */
void plan_print_markdown(FILE *f, const struct diff *d, const struct plan_meta *m);
