/* nlmsg: the rtnetlink requests that change the kernel, built with libnl's
 * message helpers from name-form objects (realize.h).  Pure: building a
 * message does no I/O, so each kind (veth, bridge, macvlan, VRF, VLAN
 * ports...) is unit-tested even where the kernel lacks it.
 *
 * Every builder returns 0 with *out a new message (nlmsg_free()), -ENOMEM,
 * or -EINVAL for an object it cannot express.  Interface names are resolved
 * by the caller into the ifindex arguments. */
#pragma once

#include <stdint.h>

#include "realize.h"

struct nl_msg;

/* hostnet's group for links about to be deleted together: one
 * RTM_DELLINK for the group replaces one per link (and one RCU wait each). */
#define NLMSG_DOOM_GROUP 0x686e7378u   /* "hnsx" */

/* RTM_NEWLINK creating l (veth with its peer, bridge, macvlan on
 * parent_index, VRF); no attributes beyond what creation needs. */
int nlmsg_link_create(struct nl_msg **out, const struct want_link *l, int parent_index);
/* RTM_NEWLINK setting the attributes in `attrs` (bits of enum want_attr)
 * on ifindex, except state; master_index 0 = no master. */
int nlmsg_link_set(struct nl_msg **out, int ifindex, const struct want_link *l, uint32_t attrs,
		   int master_index);
/* RTM_NEWLINK setting only the admin state. */
int nlmsg_link_state(struct nl_msg **out, int ifindex, bool up);
/* RTM_NEWLINK moving ifindex to `group`. */
int nlmsg_link_group(struct nl_msg **out, int ifindex, uint32_t group);
/* RTM_DELLINK of every link in `group`. */
int nlmsg_link_delete_group(struct nl_msg **out, uint32_t group);
/* RTM_SETLINK (AF_BRIDGE) making VLAN `pvid` the untagged, native VLAN of
 * bridge port ifindex. */
int nlmsg_bridge_port_pvid(struct nl_msg **out, int ifindex, uint16_t pvid);
/* The VLANs of bridge port ifindex (AF_BRIDGE, IFLA_AF_SPEC): RTM_SETLINK
 * adding v's PVID (untagged) and its VLANs (tagged), or with del,
 * RTM_DELLINK removing every other VLAN 1..4094, so that the port has
 * exactly v; self: ifindex is a bridge and these are its own VLANs
 * (BRIDGE_FLAGS_SELF).  -EINVAL for a set that is not canonical. */
int nlmsg_bridge_vlans(struct nl_msg **out, int ifindex, const struct kobj_brvlan *v, bool del,
		       bool self);

int nlmsg_addr(struct nl_msg **out, bool add, const struct want_addr *a, int ifindex);
/* RTM_NEWADDR with NLM_F_REPLACE on an address that is there (`was`, as
 * observed): gives it a's protocol in place (IFA_PROTO; none for 0),
 * keeping its flags and scope.  The address is never removed. */
int nlmsg_addr_mark(struct nl_msg **out, const struct want_addr *a, const struct want_addr *was,
		    int ifindex);
/* add: create (NLM_F_EXCL) or, with replace, replace; !add: delete. */
int nlmsg_route(struct nl_msg **out, bool add, bool replace, const struct want_route *r,
		int oif_index);
int nlmsg_rule(struct nl_msg **out, bool add, const struct want_rule *r);

/* --- traffic shaping (nlmsg-qdisc.c) -------------------------------------
 * A root tbf qdisc with handle KOBJ_QDISC_HANDLE, built with libnl-route. */

/* RTM_NEWQDISC (NLM_F_CREATE|NLM_F_REPLACE) making s the root tbf qdisc of
 * ifindex, whatever root qdisc is there now.  mtu is the link's: the peak
 * bucket holds one frame of mtu + 14 bytes (unused without a peak).  The
 * queue limit is 50 ms of traffic at the rate beyond the burst (see the
 * file).  -EINVAL for a zero rate or burst, a peak not above the rate, or a
 * peak without mtu. */
int nlmsg_qdisc_shaping(struct nl_msg **out, int ifindex, const struct kobj_shaping *s,
			unsigned mtu);
/* RTM_DELQDISC of ifindex's root qdisc if its handle is `handle`: the device
 * gets its default qdisc back. */
int nlmsg_qdisc_delete_root(struct nl_msg **out, int ifindex, uint32_t handle);
/* The bucket's ticks: kobj_shaping_ticks() (kobj.h). */

/* --- bridge ports, FDB and bonds (nlmsg-port.c) ---------------------------
 *
 * A bond refuses a member that is up ("Device can not be enslaved while up",
 * -EPERM, bond_enslave()); the kernel does not reorder a combined "master +
 * up" request (that change was reverted), so enslave a member with
 * nlmsg_link_set(WANT_ATTR_MASTER) only after nlmsg_link_state(down), in an
 * earlier request; the bond opens the member itself once enslaved. */

/* RTM_NEWLINK setting a bridge port's learning, unicast flooding and locked
 * flags (brport: bits 1u << enum kobj_brport_flag; each sent as 0 or 1), as
 * `ip link set P type bridge_slave learning off` does.  A kernel without
 * IFLA_BRPORT_LOCKED (before 5.18) ignores it and sets the others: check
 * KOBJ_CAP_BRPORT_LOCKED first. */
int nlmsg_brport_flags(struct nl_msg **out, int ifindex, uint8_t brport);
/* RTM_NEWNEIGH (add: create, or replace an entry elsewhere, learned or not)
 * or RTM_DELNEIGH of a static (NUD_NOARP) entry for mac in the FDB of the
 * bridge port_ifindex belongs to (NTF_MASTER), as `bridge fdb add MAC dev P
 * master static`.  -EINVAL for an add of a MAC that is not unicast. */
int nlmsg_fdb_static(struct nl_msg **out, bool add, int port_ifindex, const struct hn_mac *mac);
/* RTM_DELNEIGH with NLM_F_BULK deleting every static entry of port_ifindex
 * and nothing else (local and learned entries stay), as `bridge fdb flush
 * dev P master static`.  Linux 5.19 or later: an older kernel takes it for
 * a single delete without an address and refuses it (-EINVAL). */
int nlmsg_fdb_flush_static(struct nl_msg **out, int port_ifindex);
/* RTM_NEWLINK making primary_ifindex the primary member of bond_ifindex
 * (0 = none).  The kernel accepts a primary only in active-backup, tlb and
 * alb modes (-EACCES otherwise). */
int nlmsg_bond_primary(struct nl_msg **out, int bond_ifindex, int primary_ifindex);
/* The same with the failure detection (MII or ARP monitoring, both said so
 * that one turns the other off); primary_ifindex -1 leaves the primary
 * alone (a balance-xor bond refuses one, even 0), mon NULL the monitors. */
int nlmsg_bond_settings(struct nl_msg **out, int bond_ifindex, int primary_ifindex,
			const struct kobj_bond_mon *mon);
