/* Helpers shared by the cmocka tests of the profile pipeline. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "profile.h"
#include "validate.h"
#include "ydoc.h"

/* A profile every validation rule accepts without a warning; tests change
 * one line of it (tu_replace) to pin one rule. */
#define TU_VALID_PROFILE							\
	"apiVersion: hostnet/v1\n"						\
	"kind: HostProfile\n"							\
	"host: esx01\n"								\
	"uplinks:\n"								\
	"  - {name: eth1, mtu: 9000}\n"						\
	"  - {name: eth2, mtu: 9000}\n"						\
	"switches:\n"								\
	"  - {name: vs0, mtu: 9000, uplinks: [eth1, eth2]}\n"			\
	"portgroups:\n"								\
	"  - {name: Management, switch: vs0, vlan: 10}\n"			\
	"  - {name: vMotion, switch: vs0}\n"					\
	"stacks:\n"								\
	"  - name: default\n"							\
	"    gateway: {ipv4: 192.0.2.1, ipv6: \"2001:db8::1\"}\n"		\
	"  - name: vmotion\n"							\
	"    table: 100\n"							\
	"    gateway: {ipv4: 198.51.100.1}\n"					\
	"adapters:\n"								\
	"  - name: vmk0\n"							\
	"    portgroup: Management\n"						\
	"    services: [management]\n"						\
	"    mtu: 1500\n"							\
	"    ipv4: [192.0.2.10/24]\n"						\
	"    ipv6: [\"2001:db8::10/64\"]\n"					\
	"  - name: vmk1\n"							\
	"    portgroup: vMotion\n"						\
	"    services: [vmotion]\n"						\
	"    stack: vmotion\n"							\
	"    mtu: 9000\n"							\
	"    ipv4: [198.51.100.10/24]\n"					\
	"routes:\n"								\
	"  - {to: 203.0.113.0/24, via: 192.0.2.254, metric: 100}\n"

/* A profile with a macvlan adapter, a VRF stack and a VLAN portgroup. */
#define TU_VRF_PROFILE								\
	"apiVersion: hostnet/v1\n"						\
	"kind: HostProfile\n"							\
	"host: esx04\n"								\
	"uplinks:\n"								\
	"  - {name: eth1, mtu: 9000}\n"						\
	"  - {name: eth2}\n"							\
	"  - {name: eth5, mtu: 1500, state: up}\n"				\
	"switches:\n"								\
	"  - {name: vs1, mtu: 9000, uplinks: [eth1, eth2]}\n"			\
	"portgroups:\n"								\
	"  - {name: Management, switch: vs1}\n"					\
	"  - {name: NFS, switch: vs1, vlan: 31}\n"				\
	"stacks:\n"								\
	"  - name: default\n"							\
	"    gateway: {ipv4: 192.0.2.1}\n"					\
	"  - name: storage\n"							\
	"    table: 200\n"							\
	"    isolation: vrf\n"							\
	"adapters:\n"								\
	"  - name: vmk0\n"							\
	"    portgroup: Management\n"						\
	"    services: [management]\n"						\
	"    ipv4: [192.0.2.10/24]\n"						\
	"  - name: vmk2\n"							\
	"    portgroup: NFS\n"							\
	"    services: [nfs]\n"							\
	"    stack: storage\n"							\
	"    mtu: 9000\n"							\
	"    ipv6: [\"2001:db8:21::132/64\"]\n"					\
	"  - name: vmk4\n"							\
	"    backing: macvlan\n"						\
	"    uplink: eth5\n"							\
	"    services: [replication]\n"						\
	"    mac: \"02:00:5e:10:00:04\"\n"					\
	"    ipv4: [203.0.113.66/26]\n"						\
	"routes:\n"								\
	"  - {to: \"2001:db8:23::/64\", via: \"2001:db8:21::1\", adapter: vmk2, stack: storage}\n"

/* Adapters in place (issue #15): on a switch's own bridge, on a plain NIC,
 * and a VLAN device over the bridge. */
#define TU_INPLACE_PROFILE							\
	"apiVersion: hostnet/v1\n"						\
	"kind: HostProfile\n"							\
	"host: pve01\n"								\
	"uplinks:\n"								\
	"  - {name: eth1}\n"							\
	"  - {name: eth2}\n"							\
	"  - {name: eth3, mtu: 9000}\n"						\
	"switches:\n"								\
	"  - {name: vmbr0, mtu: 9000, uplinks: [eth1, eth2]}\n"			\
	"stacks:\n"								\
	"  - name: default\n"							\
	"    gateway: {ipv4: 192.0.2.1}\n"					\
	"  - name: storage\n"							\
	"    table: 100\n"							\
	"    gateway: {ipv4: 198.51.100.1}\n"					\
	"adapters:\n"								\
	"  - name: vmbr0\n"							\
	"    backing: switch\n"							\
	"    services: [management]\n"						\
	"    ipv4: [192.0.2.10/24]\n"						\
	"  - name: eth3\n"							\
	"    backing: uplink\n"							\
	"    services: [nfs]\n"							\
	"    stack: storage\n"							\
	"    ipv4: [198.51.100.10/24]\n"					\
	"  - name: vmbr0.20\n"							\
	"    backing: vlan\n"							\
	"    switch: vmbr0\n"							\
	"    vlan: 20\n"							\
	"    ipv6: [\"2001:db8:20::10/64\"]\n"					\
	"routes:\n"								\
	"  - {to: 203.0.113.0/24, via: 192.0.2.254}\n"

/* `s` with the first `from` replaced by `to`; fails the test if absent. */
static inline char *tu_replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *r;

	assert_non_null(at);
	r = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	assert_non_null(r);
	memcpy(r, s, (size_t)(at - s));
	strcpy(r + (at - s), to);
	strcat(r, at + strlen(from));
	return r;
}

static inline void tu_print_diags(const struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = diag_format(&d->v[i]);

		fprintf(stderr, "#   %s\n", s);
		free(s);
	}
}

/* True when a diagnostic formats exactly as `line`. */
static inline int tu_has_diag(const struct diag_list *d, const char *line)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = diag_format(&d->v[i]);
		int eq = s && strcmp(s, line) == 0;

		free(s);
		if (eq)
			return 1;
	}
	tu_print_diags(d);
	fprintf(stderr, "#   (expected: %s)\n", line);
	return 0;
}

/* One run of the pipeline on a YAML text named t.yaml. */
struct tu {
	struct ydoc *doc;      /* kept: the profile's locations point into it */
	struct profile *p;     /* NULL when parsing failed */
	struct diag_list d;
	int rc;                /* the first failing stage's code, or 0 */
};

/* Parse, convert and (when `validate`) validate. */
static inline void tu_run(struct tu *t, const char *yaml, int validate)
{
	int r;

	memset(t, 0, sizeof(*t));
	r = ydoc_parse(&t->doc, "t.yaml", yaml, strlen(yaml), &t->d);
	if (r == 0) {
		r = profile_from_tree(&t->p, t->doc->root, &t->d);
		assert_int_not_equal(r, -ENOMEM);
		if (t->p && validate) {
			int v = validate_profile(t->p, &t->d);

			if (r == 0)
				r = v;
		}
	}
	t->rc = r;
}

static inline void tu_end(struct tu *t)
{
	profile_free(t->p);
	ydoc_free(t->doc);
	diag_list_clear(&t->d);
}

/* Whether tu_expect_* also run validate.c: test-profile turns it off to pin
 * value checks without the consequential reference errors. */
static int tu_validate = 1;

/* Runs `yaml` through the whole pipeline and asserts that it fails with
 * exactly `n_errors` errors, one of which formats as `line`. */
static inline void tu_expect_error(const char *yaml, const char *line, size_t n_errors)
{
	struct tu t;

	tu_run(&t, yaml, tu_validate);
	if (!tu_has_diag(&t.d, line) || t.d.n_errors != n_errors)
		tu_print_diags(&t.d);
	assert_true(tu_has_diag(&t.d, line));
	assert_int_equal(t.d.n_errors, n_errors);
	assert_int_equal(t.rc, -EINVAL);
	tu_end(&t);
}

/* Same for a warning; the profile must have no error. */
static inline void tu_expect_warning(const char *yaml, const char *line)
{
	struct tu t;

	tu_run(&t, yaml, 1);
	if (t.d.n_errors)
		tu_print_diags(&t.d);
	assert_int_equal(t.d.n_errors, 0);
	assert_true(tu_has_diag(&t.d, line));
	tu_end(&t);
}

/* Replace `from` with `to` in the valid profile, expect one error `line`. */
static inline void tu_variant_error(const char *from, const char *to, const char *line)
{
	char *y = tu_replace(TU_VALID_PROFILE, from, to);

	tu_expect_error(y, line, 1);
	free(y);
}
