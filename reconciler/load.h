/* load: a host profile from a source: read, parse, resolve `extends`, merge
 * and convert.  (Meaning is checked afterwards by validate.c.)
 *
 * A loader caches the fragments that hosts extend, so validating a whole
 * fleet parses each shared file once, and reads only the files a host uses.
 * File names in diagnostics and in the profiles' locations are strings owned
 * by the loader: free profiles before the loader. */
#pragma once

#include "diag.h"

struct profile;
struct source;

struct loader;

/* `src` is borrowed and must outlive the loader.  `display_prefix` (may be
 * NULL) is put before repository paths in messages, so that a directory
 * source reports paths as the user typed them; NULL uses
 * source_display_name() ("REF:hosts/x.yaml" for git). */
int loader_new(struct loader **out, struct source *src, const char *display_prefix);
/* Accepts NULL. Returns NULL. */
struct loader *loader_free(struct loader *l);

/* Load the host profile at repository path `path` ("hosts/esx01.yaml").
 * When `expect_host` is set, the profile's `host` must equal it.
 * Returns 0; -EINVAL when errors were recorded (then *out is a best-effort
 * profile that can still be validated for more errors, or NULL when nothing
 * could be built); -ENOENT when `path` does not exist (an error is recorded);
 * -ENOMEM. */
int loader_load(struct loader *l, const char *path, const char *expect_host,
		struct profile **out, struct diag_list *diags);

/* Paths of the fragments (extends, transitively) the last loader_load used,
 * in merge order; valid until the next call. */
const char *const *loader_last_fragments(const struct loader *l, size_t *n);

#define LOADER_MAX_EXTENDS_DEPTH 8
/* Fragments one profile may merge (transitively).  Each merge copies the
 * lists merged so far, so the count bounds the work per byte of input. */
#define LOADER_MAX_FRAGMENTS 256
