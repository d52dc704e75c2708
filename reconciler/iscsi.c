/* iscsi: open-iscsi iface records (iscsi.h). */
#include "iscsi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mark.h"
#include "profile.h"
#include "realize.h"

/* A record holds a few hundred bytes; anything larger is not ours as written. */
#define ISCSI_RECORD_MAX 4096

const char *iscsi_ifaces_dir(void)
{
	const char *d = getenv("HOSTNET_ISCSI_IFACES_DIR");
	struct stat st;

	if (d && *d)
		return strcmp(d, "off") == 0 ? NULL : d;
	return stat(ISCSI_CONFIG_DIR, &st) == 0 && S_ISDIR(st.st_mode) ? ISCSI_IFACES_DIR_DEFAULT : NULL;
}

/* An adapter's mark, or an adapter in place on a bridge or NIC (whose
 * services only the desired state knows). */
bool iscsi_wanted(const struct want_link *l)
{
	return (want_link_services(l, NULL) & 1u << PROFILE_SERVICE_ISCSI) != 0;
}

/* What iscsiadm 2.1.8 (Debian 12) writes for `-o new` followed by
 * `-o update -n iface.net_ifacename -v <adapter>`: the values that are not
 * empty, in its order, between its record markers. */
int iscsi_record_text(char *buf, size_t size, const char *adapter)
{
	return snprintf(buf, size,
			"# BEGIN RECORD 2.1.8\n"
			"iface.iscsi_ifacename = " ISCSI_IFACE_PREFIX "%s\n"
			"iface.net_ifacename = %s\n"
			"iface.prefix_len = 0\n"
			"iface.transport_name = tcp\n"
			"iface.vlan_id = 0\n"
			"iface.vlan_priority = 0\n"
			"iface.iface_num = 0\n"
			"iface.mtu = 0\n"
			"iface.port = 0\n"
			"iface.tos = 0\n"
			"iface.ttl = 0\n"
			"iface.tcp_wsf = 0\n"
			"iface.tcp_timer_scale = 0\n"
			"iface.def_task_mgmt_timeout = 0\n"
			"iface.erl = 0\n"
			"iface.max_receive_data_len = 0\n"
			"iface.first_burst_len = 0\n"
			"iface.max_outstanding_r2t = 0\n"
			"iface.max_burst_len = 0\n"
			"# END RECORD\n", adapter, adapter);
}

static bool record_exact(const char *path, const char *adapter)
{
	char want[ISCSI_RECORD_MAX], got[ISCSI_RECORD_MAX + 1];
	int n = iscsi_record_text(want, sizeof(want), adapter);
	FILE *f = fopen(path, "r");
	size_t len;

	if (!f)
		return false;
	len = fread(got, 1, sizeof(got), f);
	fclose(f);
	return n > 0 && len == (size_t)n && memcmp(got, want, len) == 0;
}

static int cmp_iscsi(const void *a, const void *b)
{
	return strcmp(((const struct kobj_iscsi *)a)->adapter, ((const struct kobj_iscsi *)b)->adapter);
}

int iscsi_observe(struct kobj_set *set, const char *dir)
{
	size_t plen = strlen(ISCSI_IFACE_PREFIX);
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	int r = 0;

	set->iscsi_managed = true;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d))) {
		struct kobj_iscsi rec = { { 0 }, false };
		const char *name = de->d_name + plen;

		if (strncmp(de->d_name, ISCSI_IFACE_PREFIX, plen) != 0 || !*name ||
		    strlen(name) >= KOBJ_IFNAMSIZ)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		memcpy(rec.adapter, name, strlen(name) + 1);
		rec.exact = record_exact(path, name);
		r = kobj_set_add_iscsi(set, &rec);
	}
	closedir(d);
	if (r == 0 && set->n_iscsi > 1)
		qsort(set->iscsi, set->n_iscsi, sizeof(*set->iscsi), cmp_iscsi);
	return r;
}

static int record_path(char *buf, size_t size, const char *dir, const char *adapter)
{
	return (size_t)snprintf(buf, size, "%s/" ISCSI_IFACE_PREFIX "%s", dir, adapter) >= size
		? -ENAMETOOLONG : 0;
}

int iscsi_write(const char *dir, const char *adapter, char *msg, size_t size)
{
	char path[4096], tmp[4200] = "", text[ISCSI_RECORD_MAX];
	int n = iscsi_record_text(text, sizeof(text), adapter), fd = -1, r;

	if ((r = record_path(path, sizeof(path), dir, adapter)) < 0)
		goto out;
	/* iscsiadm makes the directory 0700 and its records 0600. */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		goto out;
	}
	/* A dot name: neither iscsiadm nor iscsi_observe() takes it for a record. */
	snprintf(tmp, sizeof(tmp), "%s/." ISCSI_IFACE_PREFIX "%s.tmp", dir, adapter);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, (size_t)n) != n) {
		r = -errno;
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto out;
	}
	fd = -1;
	r = rename(tmp, path) < 0 ? -errno : 0;
out:
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		if (tmp[0])
			unlink(tmp);
		snprintf(msg, size, "cannot write the iSCSI iface record %s: %s", path, strerror(-r));
	}
	return r;
}

int iscsi_remove(const char *dir, const char *adapter, char *msg, size_t size)
{
	char path[4096];
	int r = record_path(path, sizeof(path), dir, adapter);

	if (r == 0 && unlink(path) < 0 && errno != ENOENT)
		r = -errno;
	if (r < 0)
		snprintf(msg, size, "cannot remove the iSCSI iface record %s: %s", path, strerror(-r));
	return r;
}
