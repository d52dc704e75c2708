/* audit.c: who runs hostnet, and remotes without their credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"

static void expect_stripped(const char *url, const char *want)
{
	char out[256];

	audit_strip_credentials(out, sizeof(out), url);
	assert_string_equal(out, want);
}

static void credentials_never_leave_the_url(void **state)
{
	(void)state;
	expect_stripped("https://user:s3cret@git.example.com/p.git", "https://git.example.com/p.git");
	expect_stripped("https://ghp_token@git.example.com/p.git", "https://git.example.com/p.git");
	expect_stripped("https://u:p@ss@h.example/r?x=a@b", "https://h.example/r?x=a@b");
	expect_stripped("ssh://git@h.example:22/r.git", "ssh://h.example:22/r.git");
	expect_stripped("https://h.example/r@v2.git", "https://h.example/r@v2.git");
	expect_stripped("file:///srv/profiles.git", "file:///srv/profiles.git");
	expect_stripped("/srv/profiles.git", "/srv/profiles.git");
}

static void sudo_user_and_agent_are_recorded(void **state)
{
	struct audit_who w;

	(void)state;
	setenv("SUDO_USER", "alice", 1);
	setenv("SUDO_UID", "1234", 1);
	audit_who_current(&w);
	assert_string_equal(w.sudo_user, "alice");
	assert_int_equal(w.sudo_uid, 1234);
	setenv("SUDO_UID", "12x", 1);
	unsetenv("SUDO_USER");
	audit_who_current(&w);
	assert_string_equal(w.sudo_user, "");
	assert_int_equal(w.sudo_uid, -1);
	assert_string_equal(w.agent_remote, "");
	audit_who_set_agent(&w, "https://tok:x@h.example/p.git", "main");
	assert_string_equal(w.agent_remote, "https://h.example/p.git");
	assert_string_equal(w.agent_branch, "main");
	assert_string_equal(audit_action_name(AUDIT_ROLLBACK), "rollback");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(credentials_never_leave_the_url),
		cmocka_unit_test(sudo_user_and_agent_are_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
