/* libFuzzer harness: a YAML host profile through the loader's stages,
 * validation, realize and the want's JSON round trip (fuzz-targets.c).
 * Built and run by `make fuzz` (tests/fuzz/run.sh). */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bad = fuzz_profile_one(data, size);

	if (bad) {
		fprintf(stderr, "fuzz-profile: %s\n", bad);
		abort();
	}
	return 0;
}
