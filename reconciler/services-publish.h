/* services-publish: writes the service table (services.h) where other
 * programs read it: <dir>/services.json and <dir>/services/<service>.env,
 * each file atomically (a temporary file renamed in the same directory);
 * the .env of a service no adapter carries any more is removed, other files
 * in the directory are left alone. */
#pragma once

#include <stddef.h>

#include "services.h"

#define SERVICES_PUBLISH_DIR_DEFAULT "/run/hostnet"

/* $HOSTNET_SERVICES_DIR, else SERVICES_PUBLISH_DIR_DEFAULT. */
const char *services_publish_dir(void);
/* Creates dir (and dir/services) if needed and writes the files.  0, or a
 * negative errno with the reason in msg. */
int services_publish(const char *dir, const struct services_list *l, char *msg, size_t size);
