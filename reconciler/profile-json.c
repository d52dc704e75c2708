#include "profile-json.h"

#include "profile.h"

/* jansson's setters steal the new value's reference and tolerate NULL
 * values by failing; one check at the end (json_object_size) would miss
 * that, so build through helpers that record a failure. */
struct pj {
	bool failed;
};

static void set(struct pj *j, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) < 0)
		j->failed = true;
}

static void push(struct pj *j, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) < 0)
		j->failed = true;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *addr_json(const struct hn_addr *a, bool prefix)
{
	char buf[ADDR_STRLEN];

	return a->family ? json_string(addr_format(a, prefix, buf, sizeof(buf))) : json_null();
}

static json_t *strv_json(struct pj *j, const struct profile_strv *v)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		push(j, arr, json_string(v->v[i]));
	return arr;
}

static json_t *addrv_json(struct pj *j, const struct profile_addrv *v)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		push(j, arr, addr_json(&v->v[i], true));
	return arr;
}

static json_t *uplink_json(struct pj *j, const struct profile_uplink *u)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	set(j, o, "name", str_or_null(u->name));
	set(j, o, "mtu", u->mtu ? json_integer(u->mtu) : json_null());
	set(j, o, "state", u->has_state ? json_string(profile_state_name(u->state)) : json_null());
	return o;
}

static json_t *switch_json(struct pj *j, const struct profile_switch *s)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	set(j, o, "name", str_or_null(s->name));
	set(j, o, "mtu", json_integer(s->mtu));
	set(j, o, "uplinks", strv_json(j, &s->uplinks));
	return o;
}

static json_t *portgroup_json(struct pj *j, const struct profile_portgroup *pg)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	set(j, o, "name", str_or_null(pg->name));
	set(j, o, "switch", str_or_null(pg->switch_name));
	set(j, o, "vlan", json_integer(pg->vlan));
	return o;
}

static json_t *stack_json(struct pj *j, const struct profile_stack *st)
{
	json_t *o = json_object(), *gw = json_object();

	if (!o || !gw) {
		json_decref(o);
		json_decref(gw);
		return NULL;
	}
	set(j, gw, "ipv4", addr_json(&st->gateway.ipv4, false));
	set(j, gw, "ipv6", addr_json(&st->gateway.ipv6, false));
	set(j, o, "name", str_or_null(st->name));
	set(j, o, "table", json_integer(st->table));
	set(j, o, "isolation", json_string(profile_isolation_name(st->isolation)));
	set(j, o, "gateway", gw);
	set(j, o, "implicit", json_boolean(st->implicit));
	return o;
}

static json_t *adapter_json(struct pj *j, const struct profile_adapter *a)
{
	json_t *o = json_object(), *svc = json_array();
	char mac[ADDR_MAC_STRLEN];

	if (!o || !svc) {
		json_decref(o);
		json_decref(svc);
		return NULL;
	}
	for (int s = 0; s < PROFILE_SERVICE__MAX; s++)
		if (a->services & (1u << s))
			push(j, svc, json_string(profile_service_name((enum profile_service)s)));
	set(j, o, "name", str_or_null(a->name));
	set(j, o, "backing", json_string(profile_backing_name(a->backing)));
	if (a->backing == PROFILE_BACKING_VETH)
		set(j, o, "portgroup", str_or_null(a->portgroup));
	else if (a->backing == PROFILE_BACKING_MACVLAN ||
		 (a->backing == PROFILE_BACKING_VLAN && a->uplink))
		set(j, o, "uplink", str_or_null(a->uplink));
	if (a->backing == PROFILE_BACKING_VLAN) {
		if (a->switch_name)
			set(j, o, "switch", str_or_null(a->switch_name));
		set(j, o, "vlan", json_integer(a->vlan));
	}
	set(j, o, "services", svc);
	set(j, o, "stack", str_or_null(a->stack));
	set(j, o, "mtu", json_integer(a->mtu));
	set(j, o, "mac", a->mac_auto ? json_string("auto")
				     : json_string(addr_format_mac(&a->mac, mac, sizeof(mac))));
	set(j, o, "ipv4", addrv_json(j, &a->ipv4));
	set(j, o, "ipv6", addrv_json(j, &a->ipv6));
	set(j, o, "state", json_string(profile_state_name(a->state)));
	return o;
}

static json_t *route_json(struct pj *j, const struct profile_route *r)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	set(j, o, "to", addr_json(&r->to, true));
	set(j, o, "via", addr_json(&r->via, false));
	set(j, o, "adapter", str_or_null(r->adapter));
	set(j, o, "stack", str_or_null(r->stack));
	set(j, o, "metric", json_integer(r->metric));
	return o;
}

#define PJ_LIST(j, o, key, arr, n, fn)					\
	do {								\
		json_t *a_ = json_array();				\
		for (size_t i_ = 0; a_ && i_ < (n); i_++)		\
			push((j), a_, fn((j), &(arr)[i_]));		\
		set((j), (o), (key), a_);				\
	} while (0)

json_t *profile_to_json(const struct profile *p)
{
	struct pj j = { 0 };
	json_t *o = json_object();

	if (!o)
		return NULL;
	set(&j, o, "apiVersion", str_or_null(p->api_version));
	set(&j, o, "kind", str_or_null(p->kind));
	set(&j, o, "host", str_or_null(p->host));
	set(&j, o, "extends", strv_json(&j, &p->extends));
	PJ_LIST(&j, o, "uplinks", p->uplinks, p->n_uplinks, uplink_json);
	PJ_LIST(&j, o, "switches", p->switches, p->n_switches, switch_json);
	PJ_LIST(&j, o, "portgroups", p->portgroups, p->n_portgroups, portgroup_json);
	PJ_LIST(&j, o, "stacks", p->stacks, p->n_stacks, stack_json);
	PJ_LIST(&j, o, "adapters", p->adapters, p->n_adapters, adapter_json);
	PJ_LIST(&j, o, "routes", p->routes, p->n_routes, route_json);
	if (j.failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}
