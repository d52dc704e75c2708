/* journal: the audit trail's entries in the systemd journal, with
 * structured fields (README "Audit trail" lists them), through libsystemd's
 * sd-journal; the only file that includes it.
 *
 * Every entry carries MESSAGE_ID=JOURNAL_AUDIT_MESSAGE_ID, so
 * `journalctl MESSAGE_ID=9efe8b12bbd04b9f8cb80e9582743c0b` lists every
 * apply and rollback of every hostnet. */
#pragma once

#include "audit.h"

#define JOURNAL_AUDIT_MESSAGE_ID "9efe8b12bbd04b9f8cb80e9582743c0b"

/* Sends one entry for `ev`: 0, or the negative errno of sd_journal_sendv()
 * (-ENOENT and friends without journald: containers, tests).  Callers
 * ignore it: a journal that cannot be reached must not fail an apply. */
int journal_audit(const struct audit_event *ev);
