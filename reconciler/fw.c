/* fw: profile -> the text of table inet hostnet (see fw.h for the rules and
 * why the text is nft's own listing format). */
#include "fw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "svccat.h"

/* As nft lists them: in type-number order, names as nft prints them. */
#define ICMP_TYPES "destination-unreachable, echo-request, time-exceeded, parameter-problem"
#define ICMPV6_TYPES "destination-unreachable, packet-too-big, time-exceeded, parameter-problem, " \
	"echo-request, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert"

bool fw_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == n;
}

static int cmp_adapter(const void *a, const void *b)
{
	return strcmp((*(const struct profile_adapter *const *)a)->name,
		      (*(const struct profile_adapter *const *)b)->name);
}

static int cmp_port(const void *a, const void *b)
{
	return svccat_port_cmp(a, b);
}

static int cmp_addr(const void *a, const void *b)
{
	return addr_cmp(a, b);
}

/* The service's ports: the catalogue's and the profile's, sorted, each once.
 * *out is malloc'd (NULL when none). */
static int service_ports(struct svccat_port **out, size_t *n, enum profile_service s,
			 const struct profile_fw_service *fs)
{
	size_t nc, k = 0;
	const struct svccat_port *cat = svccat_ports(s, &nc);
	size_t total = nc + (fs->present ? fs->n_ports : 0);
	struct svccat_port *v;

	*out = NULL;
	*n = 0;
	if (!total)
		return 0;
	v = malloc(total * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, cat, nc * sizeof(*v));
	if (fs->present && fs->n_ports)
		memcpy(v + nc, fs->ports, fs->n_ports * sizeof(*v));
	qsort(v, total, sizeof(*v), cmp_port);
	for (size_t i = 0; i < total; i++)
		if (k == 0 || svccat_port_cmp(&v[k - 1], &v[i]) != 0)
			v[k++] = v[i];
	*out = v;
	*n = k;
	return 0;
}

static void put_port(FILE *f, const struct svccat_port *p)
{
	fprintf(f, "%s dport %u", svccat_proto_name(p->proto), p->lo);
	if (p->hi != p->lo)
		fprintf(f, "-%u", p->hi);
}

/* One accept rule per (source, port) of a service on an adapter. */
static int put_service(FILE *f, const struct profile_adapter *a, enum profile_service s,
		       const struct profile_fw_service *fs)
{
	struct svccat_port *ports;
	struct hn_addr *allow = NULL;
	size_t np, na = fs->present ? fs->allow.n : 0;
	int r = service_ports(&ports, &np, s, fs);

	if (r < 0)
		return r;
	if (na) {
		allow = malloc(na * sizeof(*allow));
		if (!allow) {
			free(ports);
			return -ENOMEM;
		}
		memcpy(allow, fs->allow.v, na * sizeof(*allow));
		qsort(allow, na, sizeof(*allow), cmp_addr);
	}
	for (size_t i = 0; i < (na ? na : 1); i++) {
		for (size_t j = 0; j < np; j++) {
			fprintf(f, "\t\tiifname \"%s\" ", a->name);
			if (na) {
				char buf[64];
				bool host = allow[i].prefixlen == (allow[i].family == AF_INET ? 32 : 128);

				fprintf(f, "%s saddr %s ", allow[i].family == AF_INET ? "ip" : "ip6",
					addr_format(&allow[i], !host, buf, sizeof(buf)));
			}
			put_port(f, &ports[j]);
			fprintf(f, " counter name \"%s.%s\" accept\n", a->name, profile_service_name(s));
		}
	}
	free(allow);
	free(ports);
	return 0;
}

static int put_adapter(FILE *f, const struct profile *p, const struct profile_adapter *a)
{
	const char *n = a->name;

	fprintf(f, "\t\tiifname \"%s\" ct state established,related accept\n", n);
	fprintf(f, "\t\tiifname \"%s\" icmp type { " ICMP_TYPES " } accept\n", n);
	fprintf(f, "\t\tiifname \"%s\" icmpv6 type { " ICMPV6_TYPES " } accept\n", n);
	if (a->dhcp4)
		fprintf(f, "\t\tiifname \"%s\" udp sport 67 udp dport 68 accept\n", n);
	for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
		int r;

		if (!(a->services & (1u << s)))
			continue;
		r = put_service(f, a, (enum profile_service)s, &p->firewall.services[s]);
		if (r < 0)
			return r;
	}
	fprintf(f, "\t\tiifname \"%s\" counter name \"%s." FW_DROP_COUNTER "\" drop\n", n, n);
	return 0;
}

int fw_ruleset(char **out, const struct profile *p)
{
	const struct profile_adapter **ad = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r = 0;

	*out = NULL;
	if (!p->firewall.enabled)
		return 0;
	if (p->n_adapters) {
		ad = malloc(p->n_adapters * sizeof(*ad));
		if (!ad)
			return -ENOMEM;
		for (size_t i = 0; i < p->n_adapters; i++)
			ad[i] = &p->adapters[i];
		qsort(ad, p->n_adapters, sizeof(*ad), cmp_adapter);
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		free(ad);
		return -ENOMEM;
	}
	fprintf(f, "table " FW_FAMILY " " FW_TABLE " {\n");
	/* Counters first, each adapter's services then its drops: nft lists
	 * objects in the order they were added. */
	for (size_t i = 0; i < p->n_adapters; i++) {
		for (int s = 0; s < PROFILE_SERVICE__MAX; s++) {
			size_t np;
			const struct profile_fw_service *fs = &p->firewall.services[s];

			svccat_ports((enum profile_service)s, &np);
			if (!(ad[i]->services & (1u << s)) || (np == 0 && !(fs->present && fs->n_ports)))
				continue;
			fprintf(f, "\tcounter %s.%s {\n\t}\n\n", ad[i]->name,
				profile_service_name((enum profile_service)s));
		}
		fprintf(f, "\tcounter %s." FW_DROP_COUNTER " {\n\t}\n\n", ad[i]->name);
	}
	fprintf(f, "\tchain " FW_CHAIN " {\n"
		"\t\ttype filter hook input priority filter; policy accept;\n");
	for (size_t i = 0; i < p->n_adapters && r == 0; i++)
		r = put_adapter(f, p, ad[i]);
	fprintf(f, "\t}\n}\n");
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	free(ad);
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	return 0;
}
