/* Shared by plan.c and plan-settings.c. */
#pragma once

#include "diff.h"

/* The detail lines of a link action's adapter settings, each to `emit`. */
void plan_settings_details(const struct diff *d, const struct diff_action *a, void (*emit)(void *, const char *),
			   void *arg);
