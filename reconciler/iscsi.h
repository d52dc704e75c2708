/* iscsi: open-iscsi iface records for iSCSI port binding.
 *
 * For each adapter tagged `iscsi`, hostnet keeps the record
 * <dir>/hostnet-<adapter> (iface.iscsi_ifacename = hostnet-<adapter>,
 * iface.transport_name = tcp, iface.net_ifacename = <adapter>), in the
 * format `iscsiadm -m iface -o new` / `-o update` writes, so sessions made
 * through it (`iscsiadm -m discovery -I hostnet-vmk2`) leave by that
 * adapter, as ESXi's port binding does.  Ownership is the file name prefix:
 * other records are never read, changed or removed.
 *
 * The records follow the adapters' service tags (the link alias), so they
 * need nothing in the desired state beyond the links, and a rollback that
 * restores the links restores them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kobj.h"

#define ISCSI_IFACE_PREFIX "hostnet-"
#define ISCSI_IFACES_DIR_DEFAULT "/etc/iscsi/ifaces"
/* open-iscsi's own configuration directory: the default directory is used
 * only where it exists (open-iscsi is installed). */
#define ISCSI_CONFIG_DIR "/etc/iscsi"

struct want_link;

/* Where the records live: $HOSTNET_ISCSI_IFACES_DIR ("off": nowhere), else
 * ISCSI_IFACES_DIR_DEFAULT when ISCSI_CONFIG_DIR exists, else NULL (iSCSI
 * port binding is not managed here). */
const char *iscsi_ifaces_dir(void);

/* Whether the adapter of this desired link carries the iscsi tag. */
bool iscsi_wanted(const struct want_link *l);

/* The record's exact text for `adapter`; the length (as snprintf). */
int iscsi_record_text(char *buf, size_t size, const char *adapter);

/* Reads the hostnet-* records of `dir` (none when it does not exist) into
 * set->iscsi, sorted, and sets set->iscsi_managed.  0 or a negative errno. */
int iscsi_observe(struct kobj_set *set, const char *dir);

/* Writes the record of `adapter` (atomically: a temporary file renamed;
 * the directory is made if needed), or removes it.  0, or a negative errno
 * with the reason in msg. */
int iscsi_write(const char *dir, const char *adapter, char *msg, size_t size);
int iscsi_remove(const char *dir, const char *adapter, char *msg, size_t size);
