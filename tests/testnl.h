/* Netlink message checks shared by the message-level tests (test-nlmsg.c,
 * test-nlmsg-port.c): attribute lists compared type by type, in order. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#define MAX_ATTRS 32

/* The types of the attributes in [head, head+len), in order. */
static inline size_t attr_types(const struct nlattr *head, int len, int *types)
{
	const struct nlattr *a;
	size_t n = 0;
	int rem;

	nla_for_each_attr(a, head, len, rem) {
		assert_true(n < MAX_ATTRS);
		types[n++] = nla_type(a);
	}
	assert_int_equal(rem, 0);
	return n;
}

static inline void assert_types(const int *got, size_t n, const int *want, size_t m)
{
	if (n != m)
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "#   attribute %d\n", got[i]);
	assert_int_equal(n, m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
}

/* The top-level attributes of a message are exactly these, in order. */
#define ASSERT_ATTRS(hdr, hdrlen, ...) do {					\
		static const int w_[] = { __VA_ARGS__ };			\
		int g_[MAX_ATTRS];						\
		size_t n_ = attr_types(nlmsg_attrdata((hdr), (hdrlen)),		\
				       nlmsg_attrlen((hdr), (hdrlen)), g_);	\
		assert_types(g_, n_, w_, sizeof(w_) / sizeof(*w_));		\
	} while (0)

/* The nested attributes of `nest` are exactly these, in order. */
#define ASSERT_NESTED(nest, ...) do {						\
		static const int w_[] = { __VA_ARGS__ };			\
		int g_[MAX_ATTRS];						\
		size_t n_ = attr_types(nla_data(nest), nla_len(nest), g_);	\
		assert_types(g_, n_, w_, sizeof(w_) / sizeof(*w_));		\
	} while (0)

static inline struct nlattr *attr(struct nlmsghdr *h, int hdrlen, int type)
{
	struct nlattr *a = nlmsg_find_attr(h, hdrlen, type);

	if (!a)
		fail_msg("no attribute %d", type);
	return a;
}

static inline struct nlattr *nested(struct nlattr *nest, int type)
{
	struct nlattr *a = nla_find(nla_data(nest), nla_len(nest), type);

	if (!a)
		fail_msg("no nested attribute %d", type);
	return a;
}
