/* The private network namespace of the cmocka tests that touch netlink.
 *
 * main() calls tn_enter() before running any test; each namespace test
 * starts with TN_NEED_NETNS().  Without root the namespace tests skip (or
 * fail under HOSTNET_REQUIRE_ALL=1, as in CI); a namespace that cannot be
 * proven fresh aborts the whole program, so no test ever touches the
 * machine's own interfaces. */
#pragma once

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool tn_ready;
static bool tn_require_all;
static char tn_why[256];

#define TN_NEED_NETNS()								\
	do {									\
		if (!tn_ready) {						\
			if (tn_require_all)					\
				fail_msg("required test could not run: %s", tn_why); \
			skip();							\
		}								\
	} while (0)

/* A fresh network namespace holds nothing but lo. */
static inline bool tn_only_lo(void)
{
	struct if_nameindex *v = if_nameindex(), *p;
	bool ok = v != NULL;

	for (p = v; ok && p->if_index; p++)
		ok = strcmp(p->if_name, "lo") == 0;
	if_freenameindex(v);
	return ok;
}

/* Moves this process into a fresh network namespace and proves it (only lo,
 * and not PID 1's namespace where that is readable); `prog` names the test
 * in the abort message. */
static inline void tn_enter(const char *prog)
{
	const char *req = getenv("HOSTNET_REQUIRE_ALL");
	struct stat self, init;

	tn_require_all = req && strcmp(req, "1") == 0;
	if (geteuid() != 0) {
		snprintf(tn_why, sizeof(tn_why), "not root: namespace tests need CAP_SYS_ADMIN");
	} else if (unshare(CLONE_NEWNET) < 0) {
		snprintf(tn_why, sizeof(tn_why), "unshare(CLONE_NEWNET): %s", strerror(errno));
	} else if (!tn_only_lo() ||
		   (stat("/proc/self/ns/net", &self) == 0 && stat("/proc/1/ns/net", &init) == 0 &&
		    self.st_ino == init.st_ino && self.st_dev == init.st_dev)) {
		fprintf(stderr, "%s: still in the host's network namespace; aborting\n", prog);
		abort();
	} else {
		tn_ready = true;
	}
	if (!tn_ready)
		fprintf(stderr, "# namespace tests %s: %s\n",
			tn_require_all ? "FAIL (HOSTNET_REQUIRE_ALL=1)" : "skipped", tn_why);
}
