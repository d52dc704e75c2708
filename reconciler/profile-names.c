/* String tables for the profile's enums, and lookups by name. */
#include "profile.h"

#include <errno.h>
#include <string.h>

static const char *const service_names[PROFILE_SERVICE__MAX] = {
	[PROFILE_SERVICE_MANAGEMENT] = "management",
	[PROFILE_SERVICE_VMOTION] = "vmotion",
	[PROFILE_SERVICE_PROVISIONING] = "provisioning",
	[PROFILE_SERVICE_FT] = "ft",
	[PROFILE_SERVICE_ISCSI] = "iscsi",
	[PROFILE_SERVICE_NFS] = "nfs",
	[PROFILE_SERVICE_VSAN] = "vsan",
	[PROFILE_SERVICE_VSAN_WITNESS] = "vsan-witness",
	[PROFILE_SERVICE_REPLICATION] = "replication",
	[PROFILE_SERVICE_REPLICATION_NFC] = "replication-nfc",
};

static const char *const state_names[PROFILE_STATE__MAX] = {
	[PROFILE_STATE_UP] = "up",
	[PROFILE_STATE_DOWN] = "down",
};

static const char *const isolation_names[PROFILE_ISOLATION__MAX] = {
	[PROFILE_ISOLATION_TABLE] = "table",
	[PROFILE_ISOLATION_VRF] = "vrf",
};

static const char *const backing_names[PROFILE_BACKING__MAX] = {
	[PROFILE_BACKING_VETH] = "veth",
	[PROFILE_BACKING_MACVLAN] = "macvlan",
	[PROFILE_BACKING_SWITCH] = "switch",
	[PROFILE_BACKING_UPLINK] = "uplink",
	[PROFILE_BACKING_VLAN] = "vlan",
};

static const char *const teaming_policy_names[PROFILE_TEAMING__MAX] = {
	[PROFILE_TEAMING_FAILOVER] = "failover",
	[PROFILE_TEAMING_LOADBALANCE] = "loadbalance",
};

static const char *const policy_names[PROFILE_POLICY__MAX] = {
	[PROFILE_POLICY_REJECT] = "reject",
	[PROFILE_POLICY_ACCEPT] = "accept",
};

const char *profile_teaming_policy_name(enum profile_teaming_policy p)
{
	return p < PROFILE_TEAMING__MAX ? teaming_policy_names[p] : "?";
}

const char *profile_policy_name(enum profile_policy p)
{
	return p < PROFILE_POLICY__MAX ? policy_names[p] : "?";
}

const char *profile_service_name(enum profile_service s)
{
	return s < PROFILE_SERVICE__MAX ? service_names[s] : "?";
}

int profile_service_from_name(const char *name)
{
	for (int i = 0; i < PROFILE_SERVICE__MAX; i++)
		if (strcmp(name, service_names[i]) == 0)
			return i;
	return -EINVAL;
}

const char *profile_state_name(enum profile_state s)
{
	return s < PROFILE_STATE__MAX ? state_names[s] : "?";
}

const char *profile_isolation_name(enum profile_isolation i)
{
	return i < PROFILE_ISOLATION__MAX ? isolation_names[i] : "?";
}

const char *profile_backing_name(enum profile_backing b)
{
	return b < PROFILE_BACKING__MAX ? backing_names[b] : "?";
}

bool profile_backing_in_place(enum profile_backing b)
{
	return b == PROFILE_BACKING_SWITCH || b == PROFILE_BACKING_UPLINK;
}

#define PROFILE_FIND(type, arr, n)					\
	for (size_t i = 0; i < p->n; i++)				\
		if (p->arr[i].name && strcmp(p->arr[i].name, name) == 0) \
			return &p->arr[i];				\
	return NULL

const struct profile_stack *profile_find_stack(const struct profile *p, const char *name)
{
	PROFILE_FIND(profile_stack, stacks, n_stacks);
}

const struct profile_portgroup *profile_find_portgroup(const struct profile *p, const char *name)
{
	PROFILE_FIND(profile_portgroup, portgroups, n_portgroups);
}

const struct profile_switch *profile_find_switch(const struct profile *p, const char *name)
{
	PROFILE_FIND(profile_switch, switches, n_switches);
}

const struct profile_uplink *profile_find_uplink(const struct profile *p, const char *name)
{
	PROFILE_FIND(profile_uplink, uplinks, n_uplinks);
}

const struct profile_adapter *profile_find_adapter(const struct profile *p, const char *name)
{
	PROFILE_FIND(profile_adapter, adapters, n_adapters);
}
