#include "mark.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"

static const char *const role_names[MARK_ROLE__MAX] = {
	[MARK_ROLE_ADAPTER] = "adapter",
	[MARK_ROLE_PORT] = "port",
	[MARK_ROLE_SWITCH] = "switch",
	[MARK_ROLE_VRF] = "vrf",
	[MARK_ROLE_BOND] = "bond",
};

const char *mark_role_name(enum mark_role r)
{
	return r < MARK_ROLE__MAX ? role_names[r] : "?";
}

int mark_format(char *buf, size_t size, const struct mark *m)
{
	size_t n;
	int w;

	w = snprintf(buf, size, "%s%s", KOBJ_ALIAS_PREFIX, mark_role_name(m->role));
	if (w < 0 || (size_t)w >= size)
		return -ENOSPC;
	n = (size_t)w;
	if (m->role == MARK_ROLE_ADAPTER) {
		const char *sep = " services=";

		for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
			if (!(m->services & (1u << s)))
				continue;
			w = snprintf(buf + n, size - n, "%s%s", sep,
				     profile_service_name((enum profile_service)s));
			if (w < 0 || (size_t)w >= size - n)
				return -ENOSPC;
			n += (size_t)w;
			sep = ",";
		}
	}
	if ((m->role == MARK_ROLE_ADAPTER || m->role == MARK_ROLE_VRF) && m->stack[0]) {
		w = snprintf(buf + n, size - n, " stack=%s", m->stack);
		if (w < 0 || (size_t)w >= size - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	if (m->role == MARK_ROLE_PORT) {
		w = snprintf(buf + n, size - n, " adapter=%s", m->adapter);
		if (w < 0 || (size_t)w >= size - n)
			return -ENOSPC;
	}
	return 0;
}

static int parse_services(uint32_t *out, const char *v, size_t len)
{
	char name[32];

	*out = 0;
	while (len) {
		size_t n = strcspn(v, ",");
		int s;

		if (n > len)
			n = len;
		if (n >= sizeof(name))
			return -EINVAL;
		memcpy(name, v, n);
		name[n] = '\0';
		s = profile_service_from_name(name);
		if (s < 0)
			return -EINVAL;
		*out |= 1u << s;
		v += n;
		len -= n;
		if (len) {
			v++;
			len--;
		}
	}
	return 0;
}

static int copy_word(char *dst, size_t size, const char *v, size_t len)
{
	if (len == 0 || len >= size)
		return -EINVAL;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

int mark_parse(struct mark *out, const char *alias)
{
	struct mark m = { 0 };
	size_t plen = strlen(KOBJ_ALIAS_PREFIX), n;
	const char *p;
	int role = -1;

	if (strncmp(alias, KOBJ_ALIAS_PREFIX, plen) != 0)
		return -EINVAL;
	p = alias + plen;
	n = strcspn(p, " ");
	for (int r = 0; r < MARK_ROLE__MAX; r++)
		if (strlen(role_names[r]) == n && strncmp(p, role_names[r], n) == 0)
			role = r;
	if (role < 0)
		return -EINVAL;
	m.role = (enum mark_role)role;
	for (p += n; *p == ' '; p += n) {
		const char *key = ++p, *eq;
		int r = 0;

		n = strcspn(p, " ");
		eq = memchr(key, '=', n);
		if (!eq)
			continue;
		size_t klen = (size_t)(eq - key), vlen = n - klen - 1;
		if (klen == 8 && strncmp(key, "services", 8) == 0)
			r = parse_services(&m.services, eq + 1, vlen);
		else if (klen == 5 && strncmp(key, "stack", 5) == 0)
			r = copy_word(m.stack, sizeof(m.stack), eq + 1, vlen);
		else if (klen == 7 && strncmp(key, "adapter", 7) == 0)
			r = copy_word(m.adapter, sizeof(m.adapter), eq + 1, vlen);
		if (r < 0)
			return r;
	}
	if (m.role == MARK_ROLE_PORT && !m.adapter[0])
		return -EINVAL;
	*out = m;
	return 0;
}
