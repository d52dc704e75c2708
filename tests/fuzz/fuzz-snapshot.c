/* libFuzzer harness: the JSON that `plan --against-snapshot` imports (a
 * kobj_set) and that a saved plan carries (a want), each through a round
 * trip that must not change it (fuzz-targets.c).  Built and run by
 * `make fuzz` (tests/fuzz/run.sh). */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bad = fuzz_snapshot_one(data, size);

	if (bad) {
		fprintf(stderr, "fuzz-snapshot: %s\n", bad);
		abort();
	}
	return 0;
}
