/* fuzz-targets: what one fuzz input goes through, shared by the libFuzzer
 * harnesses (fuzz-profile.c, fuzz-snapshot.c) and by the regression test
 * (tests/test-fuzz-regressions.c) that replays saved inputs without
 * libFuzzer, so `make check` keeps every crash that was ever found fixed.
 *
 * Each returns NULL when the input went through cleanly (accepted or
 * rejected, either is fine), or a static message naming the property the
 * input broke (a JSON round trip that changed something).  Crashes, leaks
 * and undefined behaviour are the sanitizers' to report.  Nothing prints. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* YAML bytes -> ydoc -> profile -> validate -> (if valid) realize -> want
 * JSON -> want -> want JSON, which must be the same as the first. */
const char *fuzz_profile_one(const uint8_t *data, size_t size);

/* JSON bytes -> kobj_set (the document itself and its "state", as
 * `plan --against-snapshot` reads it) -> JSON -> kobj_set, which must equal
 * the first field by field; and the same bytes as a want (the document and
 * its "want", as a saved plan is read), whose JSON must survive a round trip. */
const char *fuzz_snapshot_one(const uint8_t *data, size_t size);

/* Bytes -> snapblob_decode (a snapshot blob of the state database); an
 * accepted blob must encode back to the same bytes. */
const char *fuzz_snapblob_one(const uint8_t *data, size_t size);

/* Bytes -> wantblob_decode (a generation's desired state in the state
 * database); an accepted blob must encode back to the same bytes.  (The
 * profile harness also sends every want it realizes through a blob.) */
const char *fuzz_wantblob_one(const uint8_t *data, size_t size);
