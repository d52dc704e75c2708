/* libFuzzer harness: the packed blob a generation's desired state is stored as
 * (reconciler/wantblob.h): hostile bytes must be refused cleanly, and a blob
 * the decoder accepts must encode back to the same bytes (fuzz-targets.c).
 * Built and run by `make fuzz` (tests/fuzz/run.sh). */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bad = fuzz_wantblob_one(data, size);

	if (bad) {
		fprintf(stderr, "fuzz-wantblob: %s\n", bad);
		abort();
	}
	return 0;
}
